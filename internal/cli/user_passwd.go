package cli

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"
)

type userPasswdOptions struct {
	f             *Factory
	Email         string
	PasswordStdin bool
	Export        exportFlags
	path          string
}

func newCmdUserPasswd(f *Factory, runF func(context.Context, *userPasswdOptions) error) *cobra.Command {
	o := &userPasswdOptions{f: f}
	c := &cobra.Command{
		Use:   "passwd EMAIL",
		Short: "Set an account's password; all its tokens are revoked",
		Long: `Replaces an account's password (typed twice without echo, or one line of stdin with
--password-stdin) and revokes all its tokens, session and pipeline tokens alike: whoever
knew the old password must not keep a way in. Make new pipeline tokens with 'opus token create'.`,
		Example: examples("opus user passwd ada@example.org",
			"printf '%s\\n' \"$PASSWORD\" | opus user passwd ada@example.org --password-stdin"),
		Args:              exactArgs(1),
		ValidArgsFunction: completeUsers(f),
		RunE: func(c *cobra.Command, args []string) error {
			o.Email, o.path = args[0], c.CommandPath()
			return dispatch(c, o, runF, userPasswdRun)
		},
	}
	c.Flags().BoolVar(&o.PasswordStdin, "password-stdin", false, "read the password from stdin (one line)")
	addExportFlags(c, &o.Export)
	return c
}

func userPasswdRun(ctx context.Context, o *userPasswdOptions) error {
	svc, err := o.f.Service(ctx)
	if err != nil {
		return err
	}
	// The account must exist before anyone types a password for it.
	if _, err := svc.User(ctx, o.Email); err != nil {
		return err
	}
	pw, err := o.f.newPassword(ctx, o.path, o.Email, o.PasswordStdin)
	if err != nil {
		return err
	}
	u, n, err := svc.SetPassword(ctx, o.Email, pw)
	if err != nil {
		return err
	}
	return o.f.render(o.Export, userChange{u, n}, func(w io.Writer) {
		fmt.Fprintf(w, "changed the password of %s (%s revoked)\n", safe(u.Email), plural(n, "token"))
	})
}
