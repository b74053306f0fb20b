package cli

import (
	"context"

	"github.com/spf13/cobra"
)

type jobsCancelOptions struct {
	f      *Factory
	Handle string
	Export exportFlags
}

func newCmdJobsCancel(f *Factory, runF func(context.Context, *jobsCancelOptions) error) *cobra.Command {
	o := &jobsCancelOptions{f: f}
	c := &cobra.Command{
		Use:               "cancel J1",
		Short:             "Cancel a queued or running job",
		Example:           examples("opus jobs cancel J3"),
		Args:              exactArgs(1),
		ValidArgsFunction: completeHandles(f, "J"),
		RunE: func(c *cobra.Command, args []string) error {
			o.Handle = args[0]
			return dispatch(c, o, runF, jobsCancelRun)
		},
	}
	addExportFlags(c, &o.Export)
	return c
}

func jobsCancelRun(ctx context.Context, o *jobsCancelOptions) error {
	svc, actor, err := o.f.Open(ctx)
	if err != nil {
		return err
	}
	j, err := svc.CancelJob(ctx, actor, o.Handle)
	return o.f.renderJobResult(o.Export, j, err)
}
