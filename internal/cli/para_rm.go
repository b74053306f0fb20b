package cli

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"
)

type paraRmOptions struct {
	f      *Factory
	Handle string
	Export exportFlags
}

func newCmdParaRm(f *Factory, runF func(context.Context, *paraRmOptions) error) *cobra.Command {
	o := &paraRmOptions{f: f}
	c := &cobra.Command{
		Use:   "rm P1",
		Short: "Remove a paragraph and its revisions (its jobs and model runs stay on the record)",
		Long: `Removes a paragraph, its revisions and their verdicts. The jobs and model runs that wrote
it stay ('opus runs list'). A paragraph being written or verified is refused: cancel its job first.
Its facts are not touched, and the handle P1 is never given to another paragraph.`,
		Example:           examples("opus para rm P3"),
		Args:              exactArgs(1),
		ValidArgsFunction: completeHandles(f, "P"),
		RunE: func(c *cobra.Command, args []string) error {
			o.Handle = args[0]
			return dispatch(c, o, runF, paraRmRun)
		},
	}
	addExportFlags(c, &o.Export)
	return c
}

func paraRmRun(ctx context.Context, o *paraRmOptions) error {
	svc, actor, err := o.f.Open(ctx)
	if err != nil {
		return err
	}
	p, err := svc.RemoveParagraph(ctx, actor, o.Handle)
	if err != nil {
		return err
	}
	return o.f.render(o.Export, map[string]any{"id": p.Handle, "removed": true}, func(w io.Writer) {
		fmt.Fprintf(w, "removed %s\n", p.Handle)
	})
}
