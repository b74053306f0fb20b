package cli

import (
	"context"
	"io"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/opusblocks/opus/internal/domain"
)

type paraListOptions struct {
	f      *Factory
	Export exportFlags
}

func newCmdParaList(f *Factory, runF func(context.Context, *paraListOptions) error) *cobra.Command {
	o := &paraListOptions{f: f}
	c := &cobra.Command{
		Use:     "list",
		Short:   "List paragraphs and their states",
		Example: examples("opus para list", "opus para list --jq '.[] | select(.state == \"verified\") | .id'"),
		Args:    exactArgs(0),
		RunE: func(c *cobra.Command, _ []string) error {
			return dispatch(c, o, runF, paraListRun)
		},
	}
	addExportFlags(c, &o.Export)
	return c
}

func paraListRun(ctx context.Context, o *paraListOptions) error {
	svc, actor, err := o.f.Open(ctx)
	if err != nil {
		return err
	}
	ps, err := svc.Paragraphs(ctx, actor)
	if err != nil {
		return err
	}
	return o.f.render(o.Export, ps, func(w io.Writer) {
		rows := make([][]string, len(ps))
		for i, p := range ps {
			rev := ""
			if p.CurrentRevision != nil {
				rev = strconv.Itoa(*p.CurrentRevision)
			}
			what := p.Section
			if p.Title != "" {
				what += ": " + p.Title
			}
			rows[i] = []string{p.Handle, truncate(what, 40), state(p.State), rev, p.UpdatedAt.Format("2006-01-02 15:04"), truncate(domain.Deref(p.Error), 60)}
		}
		table(w, []string{"ID", "SECTION", "STATE", "REVISION", "UPDATED", "ERROR"}, rows)
	})
}
