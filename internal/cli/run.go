package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/gofrs/flock"

	"github.com/opusblocks/opus/internal/domain"
	"github.com/opusblocks/opus/internal/store"
)

// dirLock is held by a CLI process while it runs jobs on a SQLite data
// directory, so that at start-up no other process can be running any: jobs
// left "running" then belong to a dead process and are safe to resume.
type dirLock struct{ f *flock.Flock }

func (l *dirLock) Unlock() { _ = l.f.Unlock() }

// startWorkers takes the data directory's lock (SQLite), resumes jobs
// orphaned by a crash and starts the job workers in this process.
func (a *app) startWorkers(ctx context.Context) error {
	if a.svc.DB.Dialect == store.SQLite && a.lock == nil {
		l := flock.New(filepath.Join(filepath.Dir(a.svc.DB.Path), "jobs.lock"))
		ok, err := l.TryLock()
		if err != nil {
			return domain.Wrap(err, domain.Unavailable, "cannot lock the data directory: %v", err)
		}
		if !ok {
			a.progressf("waiting for another opus process to finish its jobs…")
			if _, err := l.TryLockContext(ctx, 200*time.Millisecond); err != nil {
				return domain.Wrap(err, domain.Cancelled, "gave up waiting for another opus process")
			}
		}
		a.lock = &dirLock{f: l}
		if n, err := a.svc.Engine.RecoverOrphans(ctx); err != nil {
			return err
		} else if n > 0 {
			a.progressf("resuming %d interrupted job(s)", n)
		}
	}
	a.sayNotice()
	return a.svc.Engine.Start(ctx)
}

// finishJob waits for a job unless --detach was given, with progress on
// stderr when it is a terminal, and turns a failed job into an error.
func (a *app) finishJob(ctx context.Context, j *domain.Job, what string) (*domain.Job, error) {
	if a.detach {
		return j, nil
	}
	if err := a.startWorkers(ctx); err != nil {
		return nil, err
	}
	start := time.Now()
	done, err := a.svc.WaitJob(ctx, a.actor, j.ID, func(d, total int) {
		a.progressf("%s (%s): step %d/%d, %s", what, j.Handle, d, total, time.Since(start).Round(100*time.Millisecond))
	})
	a.progressDone()
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
func (a *app) progressf(format string, args ...any) {
	if !a.io.ErrIsTerminal {
		return
	}
	fmt.Fprintf(a.io.Err, "\r\033[K"+format, args...)
}

func (a *app) progressDone() {
	if a.io.ErrIsTerminal {
		fmt.Fprint(a.io.Err, "\r\033[K")
	}
}

// IsTerminal reports whether f is a character device (a terminal).
func IsTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
