package cli

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"
)

type userEnableOptions struct {
	f      *Factory
	Email  string
	Export exportFlags
}

func newCmdUserEnable(f *Factory, runF func(context.Context, *userEnableOptions) error) *cobra.Command {
	o := &userEnableOptions{f: f}
	c := &cobra.Command{
		Use:               "enable EMAIL",
		Short:             "Let a disabled account log in again (its old tokens stay revoked)",
		Example:           examples("opus user enable ada@example.org"),
		Args:              exactArgs(1),
		ValidArgsFunction: completeUsers(f),
		RunE: func(c *cobra.Command, args []string) error {
			o.Email = args[0]
			return dispatch(c, o, runF, userEnableRun)
		},
	}
	addExportFlags(c, &o.Export)
	return c
}

func userEnableRun(ctx context.Context, o *userEnableOptions) error {
	svc, err := o.f.Service(ctx)
	if err != nil {
		return err
	}
	u, err := svc.EnableUser(ctx, o.Email)
	if err != nil {
		return err
	}
	return o.f.render(o.Export, u, func(w io.Writer) {
		fmt.Fprintf(w, "enabled user %s\n", safe(u.Email))
	})
}
