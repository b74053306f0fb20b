package cli

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"
)

type tokenRevokeOptions struct {
	f      *Factory
	ID     string
	Export exportFlags
}

func newCmdTokenRevoke(f *Factory, runF func(context.Context, *tokenRevokeOptions) error) *cobra.Command {
	o := &tokenRevokeOptions{f: f}
	c := &cobra.Command{
		Use:     "revoke ID",
		Short:   "Revoke a token by its id (see 'opus token list'); it stops working at once",
		Example: examples("opus token revoke 3f9a0c12be47"),
		Args:    exactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			o.ID = args[0]
			return dispatch(c, o, runF, tokenRevokeRun)
		},
	}
	addExportFlags(c, &o.Export)
	return c
}

func tokenRevokeRun(ctx context.Context, o *tokenRevokeOptions) error {
	svc, err := o.f.Service(ctx)
	if err != nil {
		return err
	}
	t, err := svc.RevokeToken(ctx, o.ID)
	if err != nil {
		return err
	}
	return o.f.render(o.Export, t, func(w io.Writer) {
		name := ""
		if t.Name != "" {
			name = " (" + truncate(t.Name, 40) + ")"
		}
		fmt.Fprintf(w, "revoked token %s%s of %s\n", t.ID, name, safe(t.User))
	})
}
