package cli

import (
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/opusblocks/opus/internal/domain"
)

func newCmdToken(f *Factory) *cobra.Command {
	c := &cobra.Command{
		Use:   "token",
		Short: "API tokens of 'opus serve' accounts, for pipelines: create, list, revoke",
		Long: `Bearer tokens for the HTTP API of 'opus serve' ('Authorization: Bearer opus_…'), in the
server's database (--db or OPUS_DB). A token is shown once, when it is made; the database keeps
only its SHA-256. Each has an id (to list and revoke it by), a name, an expiry and the time it
was last used. Disabling an account or changing its password revokes its tokens.`,
		Example: examples("opus token create --user ada@example.org --name ci --expires 30d",
			"opus token list --user ada@example.org", "opus token revoke 3f9a0c12be47"),
	}
	c.AddCommand(newCmdTokenCreate(f, nil), newCmdTokenList(f, nil), newCmdTokenRevoke(f, nil))
	return groupCommand(c)
}

// parseLifetime reads a token lifetime: a number of days ("90d"), weeks
// ("2w"), or a Go duration ("36h", "90m").
func parseLifetime(s string) (time.Duration, error) {
	t := strings.TrimSpace(strings.ToLower(s))
	for suffix, unit := range map[string]time.Duration{"d": 24 * time.Hour, "w": 7 * 24 * time.Hour} {
		if n, ok := strings.CutSuffix(t, suffix); ok {
			v, err := strconv.Atoi(n)
			if err != nil || v <= 0 || v > 10_000 {
				break
			}
			return time.Duration(v) * unit, nil
		}
	}
	if d, err := time.ParseDuration(t); err == nil && d > 0 {
		return d, nil
	}
	return 0, domain.Errorf(domain.Invalid, "--expires %q: give days (90d), weeks (2w) or hours (36h)", s)
}
