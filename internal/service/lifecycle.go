package service

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/gofrs/flock"

	"github.com/opusblocks/opus/internal/domain"
	"github.com/opusblocks/opus/internal/store"
)

// Open opens (and migrates) the database at dbURL and wires a service over
// it; Close closes both. Adapters (CLI, HTTP) go through this, never through
// the store or the job engine.
func Open(ctx context.Context, dbURL string, cfg Config) (*Service, error) {
	db, err := store.Open(ctx, dbURL)
	if err != nil {
		return nil, err
	}
	s, err := New(ctx, db, cfg)
	if err != nil {
		db.Close()
		return nil, err
	}
	s.ownsDB = true
	return s, nil
}

// Migrate creates or updates the schema of the database at dbURL and
// returns its dialect.
func Migrate(ctx context.Context, dbURL string) (string, error) {
	db, err := store.Open(ctx, dbURL)
	if err != nil {
		return "", err
	}
	defer db.Close()
	return string(db.Dialect), nil
}

// StartWorkers runs the job workers in this process. On SQLite it first
// takes the data directory's lock, so that no other process runs jobs on the
// same file; jobs it then finds "running" belong to a dead process and are
// resumed. say hears what makes it wait or what it resumes (a progress line).
func (s *Service) StartWorkers(ctx context.Context, say func(msg string)) error {
	if say == nil {
		say = func(string) {}
	}
	if s.db.Dialect == store.SQLite && s.lock == nil {
		l := flock.New(filepath.Join(filepath.Dir(s.db.Path), "jobs.lock"))
		ok, err := l.TryLock()
		if err != nil {
			return domain.Wrap(err, domain.Unavailable, "cannot lock the data directory: %v", err)
		}
		if !ok {
			say("waiting for another opus process to finish its jobs…")
			if _, err := l.TryLockContext(ctx, 200*time.Millisecond); err != nil {
				return domain.Wrap(err, domain.Cancelled, "gave up waiting for another opus process")
			}
		}
		s.lock = l
		n, err := s.engine.RecoverOrphans(ctx)
		if err != nil {
			return err
		}
		if n > 0 {
			say(fmt.Sprintf("resuming %d interrupted job(s)…", n))
		}
	}
	return s.engine.Start(ctx)
}

// Ready reports whether the service can do its work: the database answers
// with the schema this build needs, and, when wantWorkers, this process's
// job workers run.
func (s *Service) Ready(ctx context.Context, wantWorkers bool) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if err := s.db.SchemaCurrent(ctx); err != nil {
		return err
	}
	if wantWorkers && !s.engine.Running() {
		return domain.Errorf(domain.Unavailable, "job workers are not running")
	}
	return nil
}

// Close stops the workers (running jobs get Jobs.StopGrace to finish, then
// go back to the queue), releases the PDF engine and the data directory's
// lock, and closes the database when Open opened it.
func (s *Service) Close() error {
	// Beyond the grace, time for interrupted jobs to be put back.
	ctx, cancel := context.WithTimeout(context.Background(), s.cfg.Jobs.StopGrace+10*time.Second)
	defer cancel()
	err := s.engine.Stop(ctx)
	if s.pdf != nil {
		err = errors.Join(err, s.pdf.Close())
		s.pdf = nil
	}
	if s.lock != nil {
		err = errors.Join(err, s.lock.Unlock())
		s.lock = nil
	}
	if s.ownsDB {
		err = errors.Join(err, s.db.Close())
		s.ownsDB = false
	}
	return err
}

// Totals are jobs by kind and state and model calls by agent, model and
// status across every owner: counts for the operator's metrics, no
// tenant's content.
func (s *Service) Totals(ctx context.Context) (*store.Totals, error) {
	return s.db.Totals(ctx)
}
