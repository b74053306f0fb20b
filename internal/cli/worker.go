package cli

import (
	"context"
	"io"

	"github.com/spf13/cobra"
)

type workerOptions struct {
	f         *Factory
	Workers   int
	LogFormat string
	Model     modelFlags
	Export    exportFlags
}

func newCmdWorker(f *Factory, runF func(context.Context, *workerOptions) error) *cobra.Command {
	o := &workerOptions{f: f}
	c := &cobra.Command{
		Use:   "worker",
		Short: "Run job workers only (beside 'opus serve', on the same Postgres database)",
		Long: `Runs job workers until SIGTERM or Ctrl-C: they take queued jobs from the database's queue,
whoever queued them. Run as many as you like on any host that reaches the database; a job
of a worker that dies is taken up again by another.`,
		Example: examples("opus worker --db postgres://opus@db/opus --workers 4"),
		Args:    exactArgs(0),
		RunE: func(c *cobra.Command, _ []string) error {
			return dispatch(c, o, runF, workerRun)
		},
	}
	c.Flags().IntVar(&o.Workers, "workers", -1, "jobs run at once (default: jobs.workers)")
	addLogFormat(c, &o.LogFormat)
	addModelFlags(c, &o.Model)
	addExportFlags(c, &o.Export)
	return c
}

func workerRun(ctx context.Context, o *workerOptions) error {
	if o.Workers == 0 {
		o.Workers = -1 // a worker process with no workers would do nothing
	}
	st, _, logger, err := o.f.startProcess(ctx, &o.Model, o.LogFormat, o.Workers)
	if err != nil {
		return err
	}
	err = o.f.render(o.Export, map[string]any{"workers": st.Jobs.Workers}, func(io.Writer) {
		logger.Info("job workers running; stop with SIGTERM or Ctrl-C", "workers", st.Jobs.Workers)
	})
	if err != nil {
		return err
	}
	<-ctx.Done()
	logger.Info("stopping: running jobs get 10 s to finish")
	return nil
}
