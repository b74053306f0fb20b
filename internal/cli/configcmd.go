package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/opusblocks/opus/internal/config"
	"github.com/opusblocks/opus/internal/domain"
)

func (a *app) configCmd() *cobra.Command {
	c := &cobra.Command{
		Use:   "config",
		Short: "Show and change settings (the config file, environment and defaults)",
		Long: `Settings come from flags, then OPUS_* environment variables (openai.timeout is
OPUS_OPENAI_TIMEOUT), then the config file, then defaults. An unknown key in the file is an
error naming the key and its line.`,
		Example: `  opus config list
  opus config get openai.timeout
  opus config set models.writer gpt-4.1
  opus config set prices.models.gpt-4.1.input 2.00
  opus config path`,
	}
	load := func() (*settings, error) { return a.loadSettings() }
	get := &cobra.Command{
		Use:   "get KEY",
		Short: "Print a setting's effective value",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := load()
			if err != nil {
				return err
			}
			val, err := st.Get(args[0])
			if err != nil {
				return domain.Wrap(err, domain.Invalid, "%s", err.Error())
			}
			if a.json {
				return a.printJSON(config.Setting{Key: args[0], Value: val, Source: st.Source(args[0])})
			}
			fmt.Fprintln(a.io.Out, safe(val))
			return nil
		},
	}
	set := &cobra.Command{
		Use:   "set KEY VALUE",
		Short: "Write a setting into the config file (created when missing)",
		Args:  exactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := load()
			if err != nil {
				return err
			}
			if err := st.Set(args[0], args[1]); err != nil {
				return domain.Wrap(err, domain.Invalid, "%s", err.Error())
			}
			if a.json {
				return a.printJSON(config.Setting{Key: args[0], Value: args[1], Source: config.FromFile})
			}
			fmt.Fprintf(a.io.Out, "%s = %s (in %s)\n", args[0], safe(args[1]), st.File)
			return nil
		},
	}
	list := &cobra.Command{
		Use:   "list",
		Short: "List every setting with its value and where it comes from",
		Args:  exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := load()
			if err != nil {
				return err
			}
			ss := st.List()
			if a.json {
				return a.printJSON(ss)
			}
			rows := make([][]string, len(ss))
			for i, s := range ss {
				rows[i] = []string{s.Key, safe(s.Value), string(s.Source)}
			}
			a.table([]string{"KEY", "VALUE", "SOURCE"}, rows)
			return nil
		},
	}
	path := &cobra.Command{
		Use:   "path",
		Short: "Print the config file's path",
		Args:  exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := load()
			if err != nil {
				return err
			}
			if a.json {
				return a.printJSON(map[string]any{"path": st.File, "exists": st.Exists})
			}
			note := ""
			if !st.Exists {
				note = " (does not exist yet; 'opus config set' creates it)"
			}
			fmt.Fprintln(a.io.Out, st.File+note)
			return nil
		},
	}
	c.AddCommand(get, set, list, path)
	return groupCommand(c)
}
