package cli

import "github.com/spf13/cobra"

func newCmdConfig(f *Factory) *cobra.Command {
	c := &cobra.Command{
		Use:   "config",
		Short: "Show and change settings (the config file, environment and defaults)",
		Long: `Settings come from flags, then OPUS_* environment variables (openai.timeout is
OPUS_OPENAI_TIMEOUT), then the config file, then defaults. An unknown key in the file is an
error naming the key and its line.`,
		Example: examples("opus config list", "opus config get openai.timeout", "opus config set models.writer gpt-4.1",
			"opus config set prices.models.gpt-4.1.input 2.00", "opus config path"),
	}
	c.AddCommand(newCmdConfigGet(f, nil), newCmdConfigSet(f, nil), newCmdConfigList(f, nil), newCmdConfigPath(f, nil))
	return groupCommand(c)
}

// completeConfigKeys completes the keys 'opus config list' shows.
func completeConfigKeys(f *Factory) cobra.CompletionFunc {
	return func(_ *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		if len(args) > 0 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		st, err := f.Settings(nil)
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		var keys []cobra.Completion
		for _, s := range st.List() {
			keys = append(keys, s.Key)
		}
		return filterPrefix(keys, toComplete), cobra.ShellCompDirectiveNoFileComp
	}
}
