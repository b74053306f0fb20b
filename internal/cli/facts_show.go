package cli

import (
	"context"
	"io"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
)

type factsShowOptions struct {
	f      *Factory
	Handle string
	Export exportFlags
}

func newCmdFactsShow(f *Factory, runF func(context.Context, *factsShowOptions) error) *cobra.Command {
	o := &factsShowOptions{f: f}
	c := &cobra.Command{
		Use:               "show F3",
		Short:             "Show a fact with its quote, page and document, and the paragraphs citing it",
		Example:           examples("opus facts show F3", "opus facts show F3 --jq .quote"),
		Args:              exactArgs(1),
		ValidArgsFunction: completeHandles(f, "F"),
		RunE: func(c *cobra.Command, args []string) error {
			o.Handle = args[0]
			return dispatch(c, o, runF, factsShowRun)
		},
	}
	addExportFlags(c, &o.Export)
	return c
}

func factsShowRun(ctx context.Context, o *factsShowOptions) error {
	svc, actor, err := o.f.Open(ctx)
	if err != nil {
		return err
	}
	fact, err := svc.Fact(ctx, actor, o.Handle)
	if err != nil {
		return err
	}
	return o.f.render(o.Export, fact, func(w io.Writer) {
		page := ""
		if fact.Page != nil {
			page = strconv.Itoa(*fact.Page)
		}
		kv(w, "id", fact.Handle, "text", safe(fact.Text), "kind", fact.Kind, "state", state(fact.State), "origin", fact.Origin,
			"document", fact.DocHandle, "page", page, "quote", oneLine(deref(fact.Quote)), "source", safe(deref(fact.SourceNote)),
			"cited by", strings.Join(fact.CitedBy, ", "))
	})
}
