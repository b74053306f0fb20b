package cli

import (
	"context"
	"io"

	"github.com/spf13/cobra"

	"github.com/opusblocks/opus/internal/domain"
	"github.com/opusblocks/opus/internal/service"
)

type tokenListOptions struct {
	f      *Factory
	User   string
	Export exportFlags
}

func newCmdTokenList(f *Factory, runF func(context.Context, *tokenListOptions) error) *cobra.Command {
	o := &tokenListOptions{f: f}
	c := &cobra.Command{
		Use:   "list --user EMAIL",
		Short: "List an account's tokens (never the tokens themselves)",
		Example: examples("opus token list --user ada@example.org",
			"opus token list --user ada@example.org --jq '.[] | select(.state == \"active\") | .id'"),
		Args: exactArgs(0),
		RunE: func(c *cobra.Command, _ []string) error {
			if o.User == "" {
				return usageError(c, "--user EMAIL is required")
			}
			return dispatch(c, o, runF, tokenListRun)
		},
	}
	c.Flags().StringVar(&o.User, "user", "", "the account (email)")
	_ = c.RegisterFlagCompletionFunc("user", completeUsers(f))
	addExportFlags(c, &o.Export)
	return c
}

func tokenListRun(ctx context.Context, o *tokenListOptions) error {
	svc, err := o.f.Service(ctx)
	if err != nil {
		return err
	}
	ts, err := svc.ListTokens(ctx, o.User)
	if err != nil {
		return err
	}
	return o.f.render(o.Export, ts, func(w io.Writer) {
		rows := make([][]string, len(ts))
		for i, t := range ts {
			rows[i] = []string{t.ID, truncate(t.Name, 30), tokenState(t.State), t.CreatedAt.Format("2006-01-02 15:04"),
				timeOr(t.ExpiresAt, "never"), timeOr(t.LastUsedAt, "never")}
		}
		table(w, []string{"ID", "NAME", "STATE", "CREATED", "EXPIRES", "LAST USED"}, rows)
	})
}

func tokenState(s string) string {
	if s != service.TokenActive {
		return styleBad.Render(s)
	}
	return s
}

// timeOr formats t to the minute, or says none.
func timeOr(t *domain.Time, none string) string {
	if t == nil {
		return none
	}
	return t.Format("2006-01-02 15:04")
}
