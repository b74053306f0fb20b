package cli

import (
	"github.com/spf13/cobra"
)

func newCmdUser(f *Factory) *cobra.Command {
	c := &cobra.Command{
		Use:   "user",
		Short: "Accounts of 'opus serve': add, list, disable, enable, change passwords",
		Long: `Accounts of the HTTP server ('opus serve'), in the server's database (--db or OPUS_DB).
Each account is a tenant, like a profile: it sees only its own documents, facts and
paragraphs. Emails are lower-cased and unique; passwords are at least 12 characters, not the
email, and stored only as argon2id hashes. A password is read from the terminal without echo,
or from stdin with --password-stdin; it is never printed or logged.`,
		Example: examples("opus user add ada@example.org --db postgres://opus@db/opus",
			"printf '%s\\n' \"$PASSWORD\" | opus user add ada@example.org --password-stdin",
			"opus user list", "opus user disable ada@example.org"),
	}
	c.AddCommand(newCmdUserAdd(f, nil), newCmdUserList(f, nil), newCmdUserDisable(f, nil),
		newCmdUserEnable(f, nil), newCmdUserPasswd(f, nil))
	return groupCommand(c)
}

// completeUsers completes account emails from the database.
func completeUsers(f *Factory) cobra.CompletionFunc {
	return func(c *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		const none = cobra.ShellCompDirectiveNoFileComp
		if len(args) > 0 {
			return nil, none
		}
		svc, err := f.completionService(c)
		if err != nil {
			return nil, none
		}
		users, err := svc.Users(c.Context())
		if err != nil {
			return nil, none
		}
		var out []cobra.Completion
		for _, u := range users {
			out = append(out, u.Email)
		}
		return filterPrefix(out, toComplete), none
	}
}
