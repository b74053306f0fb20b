package cli

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"
)

type tokenCreateOptions struct {
	f       *Factory
	User    string
	Name    string
	Expires string
	Export  exportFlags
}

func newCmdTokenCreate(f *Factory, runF func(context.Context, *tokenCreateOptions) error) *cobra.Command {
	o := &tokenCreateOptions{f: f}
	c := &cobra.Command{
		Use:   "create --user EMAIL",
		Short: "Make a token for an account and print it (once: it is not stored)",
		Long: `Makes a bearer token for an account and prints it on stdout: this is the only time it is
shown (the database keeps only its SHA-256). It expires after --expires (90 days by default,
at most 366); revoke it sooner with 'opus token revoke ID'.`,
		Example: examples("opus token create --user ada@example.org --name ci",
			"TOKEN=$(opus token create --user ada@example.org --expires 7d --jq .token)"),
		Args: exactArgs(0),
		RunE: func(c *cobra.Command, _ []string) error {
			if o.User == "" {
				return usageError(c, "--user EMAIL is required")
			}
			return dispatch(c, o, runF, tokenCreateRun)
		},
	}
	c.Flags().StringVar(&o.User, "user", "", "the account (email) the token acts as")
	c.Flags().StringVar(&o.Name, "name", "", "a label for the token, e.g. the pipeline using it")
	c.Flags().StringVar(&o.Expires, "expires", "90d", "lifetime: days (90d), weeks (2w) or hours (36h)")
	_ = c.RegisterFlagCompletionFunc("user", completeUsers(f))
	addExportFlags(c, &o.Export)
	return c
}

func tokenCreateRun(ctx context.Context, o *tokenCreateOptions) error {
	ttl, err := parseLifetime(o.Expires)
	if err != nil {
		return err
	}
	svc, err := o.f.Service(ctx)
	if err != nil {
		return err
	}
	t, err := svc.CreateToken(ctx, o.User, o.Name, ttl)
	if err != nil {
		return err
	}
	return o.f.render(o.Export, t, func(w io.Writer) {
		fmt.Fprintln(w, t.Token)
		fmt.Fprintf(o.f.IO.Err, "token %s for %s, expires %s; it is shown only this once\n",
			t.ID, safe(t.User), t.ExpiresAt.Format("2006-01-02 15:04 MST"))
	})
}
