package cli

import (
	"context"
	"io"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/opusblocks/opus/internal/service"
)

type userListOptions struct {
	f      *Factory
	Export exportFlags
}

func newCmdUserList(f *Factory, runF func(context.Context, *userListOptions) error) *cobra.Command {
	o := &userListOptions{f: f}
	c := &cobra.Command{
		Use:     "list",
		Short:   "List the accounts of 'opus serve'",
		Example: examples("opus user list", "opus user list --jq '.[] | select(.disabled) | .email'"),
		Args:    exactArgs(0),
		RunE: func(c *cobra.Command, _ []string) error {
			return dispatch(c, o, runF, userListRun)
		},
	}
	addExportFlags(c, &o.Export)
	return c
}

func userListRun(ctx context.Context, o *userListOptions) error {
	svc, err := o.f.Service(ctx)
	if err != nil {
		return err
	}
	users, err := svc.Users(ctx)
	if err != nil {
		return err
	}
	return o.f.render(o.Export, users, func(w io.Writer) {
		rows := make([][]string, len(users))
		for i, u := range users {
			rows[i] = []string{safe(u.Email), userState(u), strconv.Itoa(u.ActiveTokens), u.CreatedAt.Format("2006-01-02 15:04")}
		}
		table(w, []string{"EMAIL", "STATE", "TOKENS", "CREATED"}, rows)
	})
}

// userState is "active" or "disabled", coloured for humans.
func userState(u service.User) string {
	if u.Disabled {
		return styleBad.Render("disabled")
	}
	return "active"
}
