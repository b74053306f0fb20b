package cli

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"
)

type profileAddOptions struct {
	f      *Factory
	Name   string
	Export exportFlags
}

func newCmdProfileAdd(f *Factory, runF func(context.Context, *profileAddOptions) error) *cobra.Command {
	o := &profileAddOptions{f: f}
	c := &cobra.Command{
		Use:     "add NAME",
		Short:   "Create a profile",
		Example: examples("opus profile add thesis"),
		Args:    exactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			o.Name = args[0]
			return dispatch(c, o, runF, profileAddRun)
		},
	}
	addExportFlags(c, &o.Export)
	return c
}

func profileAddRun(ctx context.Context, o *profileAddOptions) error {
	svc, err := o.f.Service(ctx)
	if err != nil {
		return err
	}
	p, err := svc.AddProfile(ctx, o.Name)
	if err != nil {
		return err
	}
	return o.f.render(o.Export, map[string]any{"name": p.Name, "created": true}, func(w io.Writer) {
		fmt.Fprintf(w, "created profile %s (use it with --profile %s or 'opus profile use %s')\n", p.Name, p.Name, p.Name)
	})
}
