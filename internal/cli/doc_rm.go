package cli

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"
)

type docRmOptions struct {
	f      *Factory
	Handle string
	Export exportFlags
}

func newCmdDocRm(f *Factory, runF func(context.Context, *docRmOptions) error) *cobra.Command {
	o := &docRmOptions{f: f}
	c := &cobra.Command{
		Use:               "rm D1",
		Short:             "Remove a document, its pages and facts (refused when paragraphs use its facts)",
		Example:           examples("opus doc rm D3"),
		Args:              exactArgs(1),
		ValidArgsFunction: completeHandles(f, "D"),
		RunE: func(c *cobra.Command, args []string) error {
			o.Handle = args[0]
			return dispatch(c, o, runF, docRmRun)
		},
	}
	addExportFlags(c, &o.Export)
	return c
}

func docRmRun(ctx context.Context, o *docRmOptions) error {
	svc, actor, err := o.f.Open(ctx)
	if err != nil {
		return err
	}
	d, err := svc.RemoveDocument(ctx, actor, o.Handle)
	if err != nil {
		return err
	}
	return o.f.render(o.Export, map[string]any{"id": d.Handle, "removed": true}, func(w io.Writer) {
		fmt.Fprintf(w, "removed %s (%s)\n", d.Handle, safe(d.Filename))
	})
}
