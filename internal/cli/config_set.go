package cli

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/opusblocks/opus/internal/config"
	"github.com/opusblocks/opus/internal/domain"
)

type configSetOptions struct {
	f          *Factory
	Key, Value string
	Export     exportFlags
}

func newCmdConfigSet(f *Factory, runF func(context.Context, *configSetOptions) error) *cobra.Command {
	o := &configSetOptions{f: f}
	c := &cobra.Command{
		Use:               "set KEY VALUE",
		Short:             "Write a setting into the config file (created when missing)",
		Example:           examples("opus config set models.writer gpt-4.1", "opus config set jobs.workers 4"),
		Args:              exactArgs(2),
		ValidArgsFunction: completeConfigKeys(f),
		RunE: func(c *cobra.Command, args []string) error {
			o.Key, o.Value = args[0], args[1]
			return dispatch(c, o, runF, configSetRun)
		},
	}
	addExportFlags(c, &o.Export)
	return c
}

func configSetRun(_ context.Context, o *configSetOptions) error {
	st, err := o.f.Settings(nil)
	if err != nil {
		return err
	}
	if err := st.Set(o.Key, o.Value); err != nil {
		return domain.Wrap(err, domain.Invalid, "%s", err.Error())
	}
	return o.f.render(o.Export, config.Setting{Key: o.Key, Value: o.Value, Source: config.FromFile}, func(w io.Writer) {
		fmt.Fprintf(w, "%s = %s (in %s)\n", o.Key, safe(o.Value), st.File)
	})
}
