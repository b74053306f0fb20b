package cli

import (
	"context"
	"io"

	"github.com/spf13/cobra"

	"github.com/opusblocks/opus/internal/domain"
	"github.com/opusblocks/opus/internal/service"
)

type factsListOptions struct {
	f         *Factory
	Doc       string
	Retracted bool
	Limit     int
	After     string
	Export    exportFlags
}

func newCmdFactsList(f *Factory, runF func(context.Context, *factsListOptions) error) *cobra.Command {
	o := &factsListOptions{f: f}
	c := &cobra.Command{
		Use:     "list",
		Short:   "List active facts",
		Example: examples("opus facts list", "opus facts list --doc D2 --all", "opus facts list --limit 50 --after F100", "opus facts list --jq '.[] | select(.kind == \"finding\") | .id'"),
		Args:    exactArgs(0),
		RunE: func(c *cobra.Command, _ []string) error {
			return dispatch(c, o, runF, factsListRun)
		},
	}
	c.Flags().StringVar(&o.Doc, "doc", "", "only facts of this document (e.g. D1)")
	c.Flags().BoolVar(&o.Retracted, "all", false, "include retracted facts")
	c.Flags().IntVar(&o.Limit, "limit", 0, "at most this many facts (0: all)")
	c.Flags().StringVar(&o.After, "after", "", "only facts after this one (e.g. F100), to page through a long list")
	_ = c.RegisterFlagCompletionFunc("doc", completeHandles(f, "D"))
	addExportFlags(c, &o.Export)
	return c
}

func factsListRun(ctx context.Context, o *factsListOptions) error {
	svc, actor, err := o.f.Open(ctx)
	if err != nil {
		return err
	}
	fs, err := svc.Facts(ctx, actor, service.FactFilter{Doc: o.Doc, Retracted: o.Retracted, Limit: o.Limit, After: o.After})
	if err != nil {
		return err
	}
	if fs == nil {
		fs = []domain.Fact{}
	}
	return o.f.render(o.Export, fs, func(w io.Writer) { factsTable(w, fs) })
}
