package cli

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/opusblocks/opus/internal/domain"
	"github.com/opusblocks/opus/internal/service"
)

type userAddOptions struct {
	f             *Factory
	Email         string
	PasswordStdin bool
	Export        exportFlags
	path          string
}

func newCmdUserAdd(f *Factory, runF func(context.Context, *userAddOptions) error) *cobra.Command {
	o := &userAddOptions{f: f}
	c := &cobra.Command{
		Use:   "add EMAIL",
		Short: "Create an account of 'opus serve' (password typed twice, or --password-stdin)",
		Long: `Creates an account in the server's database. The email is trimmed and lower-cased and must
not be taken in any letter case. The password (at least 12 characters, not the email) is typed
twice on the terminal without echo, or read as one line from stdin with --password-stdin.`,
		Example: examples("opus user add ada@example.org --db postgres://opus@db/opus",
			"printf '%s\\n' \"$PASSWORD\" | opus user add ada@example.org --password-stdin --json"),
		Args: exactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			o.Email, o.path = args[0], c.CommandPath()
			return dispatch(c, o, runF, userAddRun)
		},
	}
	c.Flags().BoolVar(&o.PasswordStdin, "password-stdin", false, "read the password from stdin (one line)")
	addExportFlags(c, &o.Export)
	return c
}

func userAddRun(ctx context.Context, o *userAddOptions) error {
	svc, err := o.f.Service(ctx)
	if err != nil {
		return err
	}
	// A bad or taken email is said before anyone types a password.
	email, err := service.NormalizeEmail(o.Email)
	if err != nil {
		return err
	}
	if _, err := svc.User(ctx, email); err == nil {
		return domain.Errorf(domain.Conflict, "user %s already exists", email)
	} else if domain.ErrorCode(err) != domain.NotFound {
		return err
	}
	pw, err := o.f.newPassword(ctx, o.path, email, o.PasswordStdin)
	if err != nil {
		return err
	}
	u, err := svc.AddUser(ctx, o.Email, pw)
	if err != nil {
		return err
	}
	return o.f.render(o.Export, u, func(w io.Writer) {
		fmt.Fprintf(w, "added user %s (tokens: 'opus token create --user %s')\n", safe(u.Email), safe(u.Email))
	})
}
