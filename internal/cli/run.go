package cli

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/opusblocks/opus/internal/domain"
	"github.com/opusblocks/opus/internal/service"
)

// jobFlags are the flags of a job-starting command.
type jobFlags struct {
	Detach         bool
	IdempotencyKey string
}

func addJobFlags(c *cobra.Command, j *jobFlags) {
	c.Flags().BoolVar(&j.Detach, "detach", false, "queue the job, print its handle and return without waiting")
	c.Flags().StringVar(&j.IdempotencyKey, "idempotency-key", "", "a repeat with the same key returns the original job")
}

// options are the service's job options for these flags.
func (j jobFlags) options() service.JobOptions {
	return service.JobOptions{IdempotencyKey: j.IdempotencyKey}
}

// finishJob runs the job's workers in this process and waits for it, with
// progress on stderr when it is a terminal, and turns a failed job into an
// error.
func (f *Factory) finishJob(ctx context.Context, svc *service.Service, actor service.Actor, j *domain.Job, what string) (*domain.Job, error) {
	f.sayNotice()
	if err := svc.StartWorkers(ctx, func(msg string) { f.progressf("%s", msg) }); err != nil {
		return nil, err
	}
	start := time.Now()
	done, err := svc.WaitJob(ctx, actor, j.ID, func(d, total int) {
		f.progressf("%s (%s): step %d/%d, %s", what, j.Handle, d, total, time.Since(start).Round(100*time.Millisecond))
	})
	f.progressDone()
	if err != nil {
		return nil, err
	}
	switch done.State {
	case domain.JobFailed:
		msg := "unknown error"
		if done.Error != nil {
			msg = *done.Error
		}
		code := domain.Internal
		if done.ErrorCode != nil {
			code = domain.Code(*done.ErrorCode)
		}
		return done, domain.Errorf(code, "job %s failed: %s (retry with 'opus jobs retry %s')", done.Handle, msg, done.Handle)
	case domain.JobCancelled:
		return done, domain.Errorf(domain.Cancelled, "job %s was cancelled", done.Handle)
	}
	return done, nil
}

// progressf writes a transient progress line on stderr when it is a terminal.
func (f *Factory) progressf(format string, args ...any) {
	if !f.IO.ErrIsTerminal {
		return
	}
	fmt.Fprintf(f.IO.Err, "\r\033[K"+format, args...)
}

func (f *Factory) progressDone() {
	if f.IO.ErrIsTerminal {
		fmt.Fprint(f.IO.Err, "\r\033[K")
	}
}

// IsTerminal reports whether f is a character device (a terminal).
func IsTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
