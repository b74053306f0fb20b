package cli

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/opusblocks/opus/internal/config"
	"github.com/opusblocks/opus/internal/domain"
)

type configGetOptions struct {
	f      *Factory
	Key    string
	Export exportFlags
}

func newCmdConfigGet(f *Factory, runF func(context.Context, *configGetOptions) error) *cobra.Command {
	o := &configGetOptions{f: f}
	c := &cobra.Command{
		Use:               "get KEY",
		Short:             "Print a setting's effective value",
		Example:           examples("opus config get openai.timeout", "opus config get db --json"),
		Args:              exactArgs(1),
		ValidArgsFunction: completeConfigKeys(f),
		RunE: func(c *cobra.Command, args []string) error {
			o.Key = args[0]
			return dispatch(c, o, runF, configGetRun)
		},
	}
	addExportFlags(c, &o.Export)
	return c
}

func configGetRun(_ context.Context, o *configGetOptions) error {
	st, err := o.f.Settings(nil)
	if err != nil {
		return err
	}
	val, err := st.Get(o.Key)
	if err != nil {
		return domain.Wrap(err, domain.Invalid, "%s", err.Error())
	}
	return o.f.render(o.Export, config.Setting{Key: o.Key, Value: val, Source: st.Source(o.Key)}, func(w io.Writer) {
		fmt.Fprintln(w, safe(val))
	})
}
