package cli

import (
	"context"
	"io"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/opusblocks/opus/internal/domain"
)

type docListOptions struct {
	f      *Factory
	Export exportFlags
}

func newCmdDocList(f *Factory, runF func(context.Context, *docListOptions) error) *cobra.Command {
	o := &docListOptions{f: f}
	c := &cobra.Command{
		Use:     "list",
		Short:   "List documents",
		Example: examples("opus doc list", "opus doc list --jq '.[].id'"),
		Args:    exactArgs(0),
		RunE: func(c *cobra.Command, _ []string) error {
			return dispatch(c, o, runF, docListRun)
		},
	}
	addExportFlags(c, &o.Export)
	return c
}

func docListRun(ctx context.Context, o *docListOptions) error {
	svc, actor, err := o.f.Open(ctx)
	if err != nil {
		return err
	}
	docs, err := svc.Documents(ctx, actor)
	if err != nil {
		return err
	}
	if docs == nil {
		docs = []domain.Document{}
	}
	return o.f.render(o.Export, docs, func(w io.Writer) {
		rows := make([][]string, len(docs))
		for i, d := range docs {
			rows[i] = []string{d.Handle, truncate(d.Title, 40), strconv.Itoa(d.PageCount), state(d.State), d.CreatedAt.Format("2006-01-02 15:04")}
		}
		table(w, []string{"ID", "TITLE", "PAGES", "STATE", "ADDED"}, rows)
	})
}
