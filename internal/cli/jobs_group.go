package cli

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/opusblocks/opus/internal/domain"
)

func newCmdJobs(f *Factory) *cobra.Command {
	list := newCmdJobsList(f, nil)
	c := &cobra.Command{
		Use:     "jobs",
		Short:   "List, show, wait for, retry and cancel jobs ('opus jobs' lists them)",
		Example: examples("opus jobs", "opus jobs show J2", "opus jobs retry J2", "opus jobs cancel J3"),
		RunE:    list.RunE,
	}
	c.Flags().AddFlagSet(list.Flags())
	c.AddCommand(list, newCmdJobsShow(f, nil), newCmdJobsWait(f, nil), newCmdJobsRetry(f, nil), newCmdJobsCancel(f, nil))
	return groupCommand(c)
}

// renderJob prints one job: what a job-starting command prints with
// --detach, and what the jobs commands print.
func (f *Factory) renderJob(e exportFlags, j *domain.Job) error {
	return f.render(e, j, func(w io.Writer) {
		kv(w, "id", j.Handle, "kind", j.Kind, "target", j.Target, "state", state(j.State),
			"attempt", fmt.Sprintf("%d/%d", j.Attempt, j.MaxAttempts), "error", safe(domain.Deref(j.Error)), "trace", j.TraceID,
			"created", j.CreatedAt.Format("2006-01-02 15:04:05"))
	})
}

// renderJobResult prints the job a command ended with, even when it
// failed, then returns the command's error.
func (f *Factory) renderJobResult(e exportFlags, j *domain.Job, err error) error {
	if j != nil {
		if rerr := f.renderJob(e, j); rerr != nil {
			return rerr
		}
	}
	return err
}
