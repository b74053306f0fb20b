package cli

import (
	"context"

	"github.com/spf13/cobra"
)

type jobsRetryOptions struct {
	f      *Factory
	Handle string
	Model  modelFlags
	Job    jobFlags
	Export exportFlags
}

func newCmdJobsRetry(f *Factory, runF func(context.Context, *jobsRetryOptions) error) *cobra.Command {
	o := &jobsRetryOptions{f: f}
	c := &cobra.Command{
		Use:               "retry J1",
		Short:             "Queue a failed or cancelled job again (waits unless --detach)",
		Example:           examples("opus jobs retry J2", "opus jobs retry J2 --model gpt-4.1 --detach"),
		Args:              exactArgs(1),
		ValidArgsFunction: completeHandles(f, "J"),
		RunE: func(c *cobra.Command, args []string) error {
			o.Handle = args[0]
			return dispatch(c, o, runF, jobsRetryRun)
		},
	}
	addModelFlags(c, &o.Model)
	c.Flags().BoolVar(&o.Job.Detach, "detach", false, "queue the job, print its handle and return without waiting")
	addExportFlags(c, &o.Export)
	return c
}

func jobsRetryRun(ctx context.Context, o *jobsRetryOptions) error {
	svc, actor, err := o.f.OpenForModel(ctx, &o.Model)
	if err != nil {
		return err
	}
	j, err := svc.RetryJob(ctx, actor, o.Handle)
	if err != nil {
		return err
	}
	if !o.Job.Detach {
		j, err = o.f.finishJob(ctx, svc, actor, j, "running")
	}
	return o.f.renderJobResult(o.Export, j, err)
}
