package cli

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/opusblocks/opus/internal/domain"
	"github.com/opusblocks/opus/internal/service"
)

type factsSearchOptions struct {
	f        *Factory
	Query    string
	Limit    int
	AllWords bool
	Export   exportFlags
}

func newCmdFactsSearch(f *Factory, runF func(context.Context, *factsSearchOptions) error) *cobra.Command {
	o := &factsSearchOptions{f: f}
	c := &cobra.Command{
		Use:   "search QUERY…",
		Short: "Search your facts' text and quote: any of the words (stemmed), best matches first",
		Example: examples("opus facts search anaemia anemia", "opus facts search iron deficiency --all-words",
			"opus facts search hemoglobin --jq '.[].id'"),
		Args: minArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			o.Query = strings.Join(args, " ")
			return dispatch(c, o, runF, factsSearchRun)
		},
	}
	c.Flags().IntVar(&o.Limit, "limit", 20, "at most this many results")
	c.Flags().BoolVar(&o.AllWords, "all-words", false, "only facts holding every word (default: any of them, best matches first)")
	addExportFlags(c, &o.Export)
	return c
}

func factsSearchRun(ctx context.Context, o *factsSearchOptions) error {
	svc, actor, err := o.f.Open(ctx)
	if err != nil {
		return err
	}
	fs, err := svc.SearchFacts(ctx, actor, service.FactSearch{Query: o.Query, Limit: o.Limit, AllWords: o.AllWords})
	if err != nil {
		return err
	}
	if len(fs) == 0 {
		which := "any"
		if o.AllWords {
			which = "all"
		}
		fmt.Fprintf(o.f.IO.Err, "opus: no fact holds %s of the words of %q\n", which, o.Query)
		fs = []domain.Fact{}
	}
	return o.f.render(o.Export, fs, func(w io.Writer) { factsTable(w, fs) })
}
