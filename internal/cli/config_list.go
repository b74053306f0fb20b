package cli

import (
	"context"
	"io"

	"github.com/spf13/cobra"
)

type configListOptions struct {
	f      *Factory
	Export exportFlags
}

func newCmdConfigList(f *Factory, runF func(context.Context, *configListOptions) error) *cobra.Command {
	o := &configListOptions{f: f}
	c := &cobra.Command{
		Use:     "list",
		Short:   "List every setting with its value and where it comes from",
		Example: examples("opus config list", "opus config list --jq '.[] | select(.source != \"default\")'"),
		Args:    exactArgs(0),
		RunE: func(c *cobra.Command, _ []string) error {
			return dispatch(c, o, runF, configListRun)
		},
	}
	addExportFlags(c, &o.Export)
	return c
}

func configListRun(_ context.Context, o *configListOptions) error {
	st, err := o.f.Settings(nil)
	if err != nil {
		return err
	}
	ss := st.List()
	return o.f.render(o.Export, ss, func(w io.Writer) {
		rows := make([][]string, len(ss))
		for i, s := range ss {
			rows[i] = []string{s.Key, safe(s.Value), string(s.Source)}
		}
		table(w, []string{"KEY", "VALUE", "SOURCE"}, rows)
	})
}
