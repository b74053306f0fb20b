package cli

import "github.com/spf13/cobra"

func newCmdProfile(f *Factory) *cobra.Command {
	c := &cobra.Command{
		Use:   "profile",
		Short: "Local tenants: each profile sees only its own data",
		Long: `A profile is a tenant of the local database: documents, facts, paragraphs, jobs and runs
of one profile are invisible to every other. Names are case-insensitive. --profile or
OPUS_PROFILE selects one for a command; 'opus profile use' for later commands.`,
		Example: examples("opus profile add thesis", "opus profile use thesis", "opus --profile review doc list"),
	}
	c.AddCommand(newCmdProfileList(f, nil), newCmdProfileAdd(f, nil), newCmdProfileUse(f, nil))
	return groupCommand(c)
}

// completeProfiles completes profile names from the database.
func completeProfiles(f *Factory) cobra.CompletionFunc {
	return func(c *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		svc, err := f.completionService(c)
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		owners, err := svc.Profiles(c.Context())
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		var out []cobra.Completion
		for _, o := range owners {
			out = append(out, o.Name)
		}
		return filterPrefix(out, toComplete), cobra.ShellCompDirectiveNoFileComp
	}
}
