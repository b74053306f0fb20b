package cli

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/opusblocks/opus/internal/domain"
)

type profileUseOptions struct {
	f      *Factory
	Name   string
	Export exportFlags
}

func newCmdProfileUse(f *Factory, runF func(context.Context, *profileUseOptions) error) *cobra.Command {
	o := &profileUseOptions{f: f}
	c := &cobra.Command{
		Use:               "use NAME",
		Short:             "Make a profile the default for later commands",
		Example:           examples("opus profile use thesis"),
		Args:              exactArgs(1),
		ValidArgsFunction: completeProfiles(f),
		RunE: func(c *cobra.Command, args []string) error {
			o.Name = args[0]
			return dispatch(c, o, runF, profileUseRun)
		},
	}
	addExportFlags(c, &o.Export)
	return c
}

func profileUseRun(ctx context.Context, o *profileUseOptions) error {
	svc, err := o.f.Service(ctx)
	if err != nil {
		return err
	}
	p, err := svc.Profile(ctx, o.Name)
	if err != nil {
		return err
	}
	if err := os.WriteFile(o.f.settings.currentProfileFile(), []byte(p.Name+"\n"), 0o600); err != nil {
		return domain.Errorf(domain.Unavailable, "cannot save the current profile: %v", err)
	}
	return o.f.render(o.Export, map[string]any{"name": p.Name, "current": true}, func(w io.Writer) {
		fmt.Fprintf(w, "now using profile %s\n", p.Name)
	})
}
