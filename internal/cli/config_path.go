package cli

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"
)

type configPathOptions struct {
	f      *Factory
	Export exportFlags
}

func newCmdConfigPath(f *Factory, runF func(context.Context, *configPathOptions) error) *cobra.Command {
	o := &configPathOptions{f: f}
	c := &cobra.Command{
		Use:     "path",
		Short:   "Print the config file's path",
		Example: examples("opus config path", `"$EDITOR" "$(opus config path --jq .path)"`),
		Args:    exactArgs(0),
		RunE: func(c *cobra.Command, _ []string) error {
			return dispatch(c, o, runF, configPathRun)
		},
	}
	addExportFlags(c, &o.Export)
	return c
}

func configPathRun(_ context.Context, o *configPathOptions) error {
	st, err := o.f.Settings(nil)
	if err != nil {
		return err
	}
	return o.f.render(o.Export, map[string]any{"path": st.File, "exists": st.Exists}, func(w io.Writer) {
		note := ""
		if !st.Exists {
			note = " (does not exist yet; 'opus config set' creates it)"
		}
		fmt.Fprintln(w, st.File+note)
	})
}
