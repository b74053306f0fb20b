package cli

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/opusblocks/opus/internal/service"
)

type userDisableOptions struct {
	f      *Factory
	Email  string
	Export exportFlags
}

// userChange is what user disable and user passwd print: the account and
// how many of its tokens were revoked.
type userChange struct {
	service.User
	RevokedTokens int `json:"revoked_tokens"`
}

func newCmdUserDisable(f *Factory, runF func(context.Context, *userDisableOptions) error) *cobra.Command {
	o := &userDisableOptions{f: f}
	c := &cobra.Command{
		Use:   "disable EMAIL",
		Short: "Stop an account: no login, and its tokens are revoked",
		Long: `Disables an account: it can no longer log in, and all its tokens are revoked (enabling it
again does not bring them back). Its data is kept.`,
		Example:           examples("opus user disable ada@example.org", "opus user disable ada@example.org --jq .revoked_tokens"),
		Args:              exactArgs(1),
		ValidArgsFunction: completeUsers(f),
		RunE: func(c *cobra.Command, args []string) error {
			o.Email = args[0]
			return dispatch(c, o, runF, userDisableRun)
		},
	}
	addExportFlags(c, &o.Export)
	return c
}

func userDisableRun(ctx context.Context, o *userDisableOptions) error {
	svc, err := o.f.Service(ctx)
	if err != nil {
		return err
	}
	u, n, err := svc.DisableUser(ctx, o.Email)
	if err != nil {
		return err
	}
	return o.f.render(o.Export, userChange{u, n}, func(w io.Writer) {
		fmt.Fprintf(w, "disabled user %s (%s revoked)\n", safe(u.Email), plural(n, "token"))
	})
}
