package cli

import (
	"context"

	"github.com/spf13/cobra"
)

type jobsWaitOptions struct {
	f      *Factory
	Handle string
	Model  modelFlags
	Export exportFlags
}

func newCmdJobsWait(f *Factory, runF func(context.Context, *jobsWaitOptions) error) *cobra.Command {
	o := &jobsWaitOptions{f: f}
	c := &cobra.Command{
		Use:   "wait J1",
		Short: "Run and wait for a job until it finishes",
		Long: `Runs the job's remaining steps in this process (a job queued with --detach, or one
interrupted by a crash) and waits until it finishes; the exit status is the job's.`,
		Example:           examples("opus jobs wait J4"),
		Args:              exactArgs(1),
		ValidArgsFunction: completeHandles(f, "J"),
		RunE: func(c *cobra.Command, args []string) error {
			o.Handle = args[0]
			return dispatch(c, o, runF, jobsWaitRun)
		},
	}
	addModelFlags(c, &o.Model)
	addExportFlags(c, &o.Export)
	return c
}

func jobsWaitRun(ctx context.Context, o *jobsWaitOptions) error {
	svc, actor, err := o.f.OpenForModel(ctx, &o.Model)
	if err != nil {
		return err
	}
	j, err := svc.Job(ctx, actor, o.Handle)
	if err != nil {
		return err
	}
	j, err = o.f.finishJob(ctx, svc, actor, j, "running")
	return o.f.renderJobResult(o.Export, j, err)
}
