package cli

import (
	"context"

	"github.com/spf13/cobra"
)

type jobsShowOptions struct {
	f      *Factory
	Handle string
	Export exportFlags
}

func newCmdJobsShow(f *Factory, runF func(context.Context, *jobsShowOptions) error) *cobra.Command {
	o := &jobsShowOptions{f: f}
	c := &cobra.Command{
		Use:               "show J1",
		Short:             "Show a job",
		Example:           examples("opus jobs show J1", "opus jobs show J1 --jq .state"),
		Args:              exactArgs(1),
		ValidArgsFunction: completeHandles(f, "J"),
		RunE: func(c *cobra.Command, args []string) error {
			o.Handle = args[0]
			return dispatch(c, o, runF, jobsShowRun)
		},
	}
	addExportFlags(c, &o.Export)
	return c
}

func jobsShowRun(ctx context.Context, o *jobsShowOptions) error {
	svc, actor, err := o.f.Open(ctx)
	if err != nil {
		return err
	}
	j, err := svc.Job(ctx, actor, o.Handle)
	if err != nil {
		return err
	}
	return o.f.renderJob(o.Export, j)
}
