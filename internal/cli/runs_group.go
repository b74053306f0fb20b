package cli

import "github.com/spf13/cobra"

func newCmdRuns(f *Factory) *cobra.Command {
	list := newCmdRunsList(f, nil)
	c := &cobra.Command{
		Use:     "runs",
		Short:   "The record of every model call ('opus runs' lists them)",
		Example: examples("opus runs", "opus runs list --job J2", "opus runs show R4", "opus runs stats"),
		RunE:    list.RunE,
	}
	c.Flags().AddFlagSet(list.Flags())
	c.AddCommand(list, newCmdRunsShow(f, nil), newCmdRunsStats(f, nil))
	return groupCommand(c)
}
