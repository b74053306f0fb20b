// Package jobs runs opus's background work (fact extraction, paragraph
// generation and verification) on River, persisted in the same database as
// the data. The user-facing job row (J1, its state, attempt and error) lives
// in opus's jobs table and is kept in step with River's row here and only
// here.
package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"runtime/debug"
	"sync"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"

	"github.com/opusblocks/opus/internal/config"
	"github.com/opusblocks/opus/internal/domain"
	"github.com/opusblocks/opus/internal/store"
)

// Handler does one kind of job. It must not hold a transaction across a
// model call: call the model, then finish with Run.Complete, which writes the
// results and marks the job done in one transaction.
type Handler interface {
	Handle(ctx context.Context, r *Run) error
	// Failed is called, in the transaction that marks the job failed or
	// cancelled, to move the job's target (document, paragraph) to failed.
	Failed(ctx context.Context, tn *store.Tenant, job *domain.Job, reason string) error
	// Retrying is called, in the transaction that queues a failed or
	// cancelled job again, to put its target back in the state it expects.
	Retrying(ctx context.Context, tn *store.Tenant, job *domain.Job) error
}

// Config tunes the engine.
type Config struct {
	Workers     int           // concurrent jobs per process
	MaxAttempts int           // per job, default 3
	JobTimeout  time.Duration // one attempt, default 30 min
	// BaseBackoff is the first retry delay; it doubles per attempt (with jitter).
	BaseBackoff time.Duration
	PollEvery   time.Duration // how often idle workers look for jobs; default by database
	Logger      *slog.Logger
}

// defaults fills fields left at zero from the one table of defaults.
func (c *Config) defaults() {
	d := config.Default().Jobs
	if c.Workers <= 0 {
		c.Workers = d.Workers
	}
	if c.MaxAttempts <= 0 {
		c.MaxAttempts = d.MaxAttempts
	}
	if c.JobTimeout <= 0 {
		c.JobTimeout = d.Timeout
	}
	if c.BaseBackoff <= 0 {
		c.BaseBackoff = d.Backoff
	}

	if c.Logger == nil {
		c.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
}

// args is River's view of a job: just enough to find opus's row.
type args struct {
	OwnerID string `json:"owner_id"`
	JobID   string `json:"job_id"`
}

func (args) Kind() string { return "opus" }

// Engine enqueues and runs jobs.
type Engine struct {
	db       *store.DB
	cfg      Config
	client   *river.Client[*sql.Tx]
	handlers map[string]Handler

	// runMu guards started; it is apart from mu because Stop waits for
	// running jobs while holding it, and those jobs take mu to report.
	runMu   sync.Mutex
	started bool

	mu       sync.Mutex
	progress map[string]func(done, total int)
	// finished is closed and replaced whenever a job of this process ends,
	// so waiters wake at once instead of on their next poll.
	finished chan struct{}
}

// New prepares River's tables and a client; nothing runs until Start.
func New(ctx context.Context, db *store.DB, cfg Config) (*Engine, error) {
	cfg.defaults()
	if cfg.PollEvery <= 0 {
		// A local file is cheap to poll, and a CLI user waits on every fetch;
		// a shared Postgres serves many workers.
		cfg.PollEvery = 25 * time.Millisecond
		if db.Dialect == store.Postgres {
			cfg.PollEvery = 100 * time.Millisecond
		}
	}
	e := &Engine{db: db, cfg: cfg, handlers: map[string]Handler{}, progress: map[string]func(int, int){}, finished: make(chan struct{})}
	var driver riverdriver.Driver[*sql.Tx]
	if db.Dialect == store.SQLite {
		driver = riversqlite.New(db.X.DB)
	} else {
		driver = riverdatabasesql.New(db.X.DB)
	}
	mig, err := rivermigrate.New(driver, &rivermigrate.Config{Logger: cfg.Logger})
	if err != nil {
		return nil, fmt.Errorf("job engine: %w", err)
	}
	if _, err := mig.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return nil, domain.Wrap(err, domain.Internal, "job engine migration failed: %v", err)
	}
	workers := river.NewWorkers()
	river.AddWorker(workers, &worker{e: e})
	e.client, err = river.NewClient(driver, &river.Config{
		Queues:               map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: cfg.Workers}},
		Workers:              workers,
		MaxAttempts:          cfg.MaxAttempts,
		JobTimeout:           cfg.JobTimeout,
		RescueStuckJobsAfter: cfg.JobTimeout + time.Minute,
		FetchPollInterval:    cfg.PollEvery,
		FetchCooldown:        cfg.PollEvery / 2,
		RetryPolicy:          backoff{base: cfg.BaseBackoff},
		Logger:               cfg.Logger,
		PollOnly:             true,
	})
	if err != nil {
		return nil, fmt.Errorf("job engine: %w", err)
	}
	return e, nil
}

// Register sets the handler of a job kind.
func (e *Engine) Register(kind string, h Handler) { e.handlers[kind] = h }

// Start runs workers in this process until Stop.
func (e *Engine) Start(ctx context.Context) error {
	e.runMu.Lock()
	defer e.runMu.Unlock()
	if e.started {
		return nil
	}
	if err := e.client.Start(ctx); err != nil {
		return fmt.Errorf("start job workers: %w", err)
	}
	e.started = true
	return nil
}

// Running reports whether this process's workers are started.
func (e *Engine) Running() bool {
	e.runMu.Lock()
	defer e.runMu.Unlock()
	return e.started
}

// Stop lets running jobs finish (or ctx expire), then stops the workers.
func (e *Engine) Stop(ctx context.Context) error {
	e.runMu.Lock()
	defer e.runMu.Unlock()
	if !e.started {
		return nil
	}
	e.started = false
	return e.client.Stop(ctx)
}

// Enqueue creates a job in tx: opus's row and River's, atomically. When the
// owner already has a job with the same idempotency key it is returned and
// nothing is created.
func (e *Engine) Enqueue(ctx context.Context, tx *store.Tx, ownerID string, j *domain.Job) (*domain.Job, error) {
	if j.MaxAttempts == 0 {
		j.MaxAttempts = e.cfg.MaxAttempts
	}
	tn := tx.Tenant(ownerID)
	if prev, err := tn.CreateJob(ctx, j); err != nil || prev != nil {
		return prev, err
	}
	res, err := e.client.InsertTx(ctx, tx.X.Tx, args{OwnerID: ownerID, JobID: j.ID}, &river.InsertOpts{MaxAttempts: j.MaxAttempts})
	if err != nil {
		return nil, domain.Wrap(err, domain.Internal, "cannot queue job: %v", err)
	}
	id := res.Job.ID
	j.EngineJobID = &id
	if err := tn.UpdateJob(ctx, j.ID, store.JobUpdate{State: domain.JobQueued, EngineJobID: &id}); err != nil {
		return nil, err
	}
	return j, nil
}

// OnProgress registers a callback for progress reports of a job run in this
// process (nil removes it).
func (e *Engine) OnProgress(jobID string, fn func(done, total int)) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if fn == nil {
		delete(e.progress, jobID)
		return
	}
	e.progress[jobID] = fn
}

func (e *Engine) reportProgress(jobID string, done, total int) {
	e.mu.Lock()
	fn := e.progress[jobID]
	e.mu.Unlock()
	if fn != nil {
		fn(done, total)
	}
}

// signalFinished wakes every Wait of this process.
func (e *Engine) signalFinished() {
	e.mu.Lock()
	close(e.finished)
	e.finished = make(chan struct{})
	e.mu.Unlock()
}

func (e *Engine) finishedChan() <-chan struct{} {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.finished
}

// Wait blocks until the job is finished (succeeded, failed or cancelled) and
// returns it. The engine must be started for queued jobs to make progress.
// Jobs run by this process wake it at once; others are seen on the next poll.
func (e *Engine) Wait(ctx context.Context, ownerID, jobID string) (*domain.Job, error) {
	tn := e.db.Tenant(ownerID)
	t := time.NewTicker(e.cfg.PollEvery)
	defer t.Stop()
	for {
		wake := e.finishedChan() // before reading the state: no lost wake-up
		j, err := tn.JobByID(ctx, jobID)
		if err != nil {
			return nil, err
		}
		switch j.State {
		case domain.JobSucceeded, domain.JobFailed, domain.JobCancelled:
			return j, nil
		}
		select {
		case <-ctx.Done():
			return j, domain.Wrap(ctx.Err(), domain.Cancelled, "stopped waiting for %s; it goes on (see 'opus jobs show %s')", j.Handle, j.Handle)
		case <-wake:
		case <-t.C:
		}
	}
}

// Cancel stops a queued or running job and marks its target failed. The
// cancellation is final: it is recorded first, in one transaction with the
// target, and every later write of the job's outcome — by this process or
// the one running it — is conditional on the job still being active
// (store.UpdateActiveJob), so a running attempt can neither complete nor
// put the job back in the queue. The process running it notices within
// cancelCheckEvery and stops the attempt.
func (e *Engine) Cancel(ctx context.Context, ownerID string, j *domain.Job) (*domain.Job, error) {
	err := e.db.InTx(ctx, func(tx *store.Tx) error {
		tn := tx.Tenant(ownerID)
		msg := "cancelled by user"
		ok, err := tn.UpdateActiveJob(ctx, j.ID, store.JobUpdate{State: domain.JobCancelled, Attempt: j.Attempt, Error: &msg, Finished: true})
		if err != nil {
			return err
		}
		if !ok {
			now, err := tn.JobByID(ctx, j.ID)
			if err != nil {
				return err
			}
			return domain.Errorf(domain.Conflict, "job %s is already %s", j.Handle, now.State)
		}
		if h := e.handlers[j.Kind]; h != nil {
			return h.Failed(ctx, tn, j, msg)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if j.EngineJobID != nil {
		// Best effort: a River job that still runs is stopped by its worker
		// seeing the cancelled row; one that waits is dropped when picked.
		if _, err := e.client.JobCancel(ctx, *j.EngineJobID); err != nil && !errors.Is(err, river.ErrNotFound) {
			e.cfg.Logger.Warn("river cancel", "job", j.Handle, "err", err)
		}
	}
	return e.db.Tenant(ownerID).JobByID(ctx, j.ID)
}

// Retry queues a failed or cancelled job again with a fresh set of attempts.
func (e *Engine) Retry(ctx context.Context, ownerID string, j *domain.Job) (*domain.Job, error) {
	if j.State != domain.JobFailed && j.State != domain.JobCancelled {
		return nil, domain.Errorf(domain.Conflict, "job %s is %s; only failed or cancelled jobs can be retried", j.Handle, j.State)
	}
	err := e.db.InTx(ctx, func(tx *store.Tx) error {
		tn := tx.Tenant(ownerID)
		res, err := e.client.InsertTx(ctx, tx.X.Tx, args{OwnerID: ownerID, JobID: j.ID}, &river.InsertOpts{MaxAttempts: j.MaxAttempts})
		if err != nil {
			return err
		}
		// Claimed by a conditional update: of two concurrent retries, one
		// queues the job and the other finds it queued, and rolls back.
		ok, err := tn.RequeueFinishedJob(ctx, j.ID, res.Job.ID)
		if err != nil {
			return err
		}
		if !ok {
			return domain.Errorf(domain.Conflict, "job %s is no longer failed or cancelled; only those can be retried", j.Handle)
		}
		if h := e.handlers[j.Kind]; h != nil {
			return h.Retrying(ctx, tn, j)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return e.db.Tenant(ownerID).JobByID(ctx, j.ID)
}

// RecoverOrphans makes jobs left running by a dead process runnable again.
// River would rescue them only after RescueStuckJobsAfter; a CLI calls this
// at start-up while it holds the data directory's lock, so no live process
// can be running them. It is the one place that writes River's table.
func (e *Engine) RecoverOrphans(ctx context.Context) (int, error) {
	var n int64
	err := e.db.InTx(ctx, func(tx *store.Tx) error {
		res, err := tx.X.ExecContext(ctx, `UPDATE river_job SET state = 'available', attempted_by = NULL WHERE state = 'running'`)
		if err != nil {
			return err
		}
		n, _ = res.RowsAffected()
		_, err = tx.X.ExecContext(ctx, tx.X.Rebind(`UPDATE jobs SET state = ?, lease_until = NULL, updated_at = ? WHERE state = ?`), domain.JobQueued, domain.Now(), domain.JobRunning)
		return err
	})
	return int(n), err
}

// Run is one attempt at a job, handed to its Handler.
type Run struct {
	Job     domain.Job
	OwnerID string
	Attempt int

	e         *Engine
	rj        *river.Job[args]
	runs      []*domain.Run
	completed bool
}

// Tenant is the job owner's view of the database (outside a transaction).
func (r *Run) Tenant() *store.Tenant { return r.e.db.Tenant(r.OwnerID) }

// Record keeps a model call for the record. Runs are written with the job's
// results on success, or with its failure otherwise — a model call is never
// lost, and a replayed attempt never writes results twice.
func (r *Run) Record(run *domain.Run) {
	jobID := r.Job.ID
	run.JobID = &jobID
	run.TraceID = r.Job.TraceID
	r.runs = append(r.runs, run)
}

// Progress reports how far the job is.
func (r *Run) Progress(done, total int) { r.e.reportProgress(r.Job.ID, done, total) }

// Complete marks the job succeeded, then writes the recorded runs and fn's
// results, all in one transaction. A job cancelled meanwhile writes nothing
// and Complete returns ErrCancelled: the job row is claimed first, so its
// lock is taken before the target's, in the same order as Cancel.
func (r *Run) Complete(ctx context.Context, fn func(tx *store.Tx) error) error {
	err := r.e.db.InTx(ctx, func(tx *store.Tx) error {
		tn := tx.Tenant(r.OwnerID)
		ok, err := tn.UpdateActiveJob(ctx, r.Job.ID, store.JobUpdate{State: domain.JobSucceeded, Attempt: r.Attempt, Finished: true})
		if err != nil {
			return err
		}
		if !ok {
			return ErrCancelled
		}
		if err := r.flushRuns(ctx, tn); err != nil {
			return err
		}
		if err := fn(tx); err != nil {
			return err
		}
		return r.e.completeTx(ctx, tx, r.rj)
	})
	if err == nil {
		r.completed = true
		r.runs = nil
	}
	return err
}

// flushRuns writes the recorded runs in tx; the caller forgets them once tx
// commits, so a rolled-back attempt keeps them for the failure record.
func (r *Run) flushRuns(ctx context.Context, tn *store.Tenant) error {
	for _, run := range r.runs {
		if err := tn.InsertRun(ctx, run); err != nil {
			return err
		}
	}
	return nil
}

func (e *Engine) completeTx(ctx context.Context, tx *store.Tx, rj *river.Job[args]) error {
	var err error
	if e.db.Dialect == store.SQLite {
		_, err = river.JobCompleteTx[*riversqlite.Driver](ctx, tx.X.Tx, rj)
	} else {
		_, err = river.JobCompleteTx[*riverdatabasesql.Driver](ctx, tx.X.Tx, rj)
	}
	return err
}

// Permanent marks an error that retrying cannot fix (bad input, a contract
// violation that survived its repair attempt): the job fails at once.
func Permanent(err error) error { return &permanentError{err} }

type permanentError struct{ error }

func (p *permanentError) Unwrap() error { return p.error }

type worker struct {
	river.WorkerDefaults[args]
	e *Engine
}

func (w *worker) Work(ctx context.Context, rj *river.Job[args]) (err error) {
	e := w.e
	tn := e.db.Tenant(rj.Args.OwnerID)
	j, err := tn.JobByID(ctx, rj.Args.JobID)
	if err != nil {
		return river.JobCancel(fmt.Errorf("job row missing: %w", err))
	}
	if j.State == domain.JobCancelled || j.State == domain.JobSucceeded {
		return river.JobCancel(fmt.Errorf("job %s is already %s", j.Handle, j.State))
	}
	h := e.handlers[j.Kind]
	if h == nil {
		return river.JobCancel(fmt.Errorf("no handler for job kind %q", j.Kind))
	}
	lease := domain.Time{Time: time.Now().UTC().Add(e.cfg.JobTimeout)}
	ok, err := tn.UpdateActiveJob(ctx, j.ID, store.JobUpdate{State: domain.JobRunning, Attempt: rj.Attempt, LeaseUntil: &lease})
	if err != nil {
		return err
	}
	if !ok {
		return river.JobCancel(fmt.Errorf("job %s was cancelled", j.Handle))
	}
	j.State, j.Attempt = domain.JobRunning, rj.Attempt
	run := &Run{Job: *j, OwnerID: rj.Args.OwnerID, Attempt: rj.Attempt, e: e, rj: rj}

	hctx, stop := e.watchCancel(ctx, tn, j.ID)
	herr := func() (err error) {
		defer func() {
			if p := recover(); p != nil {
				e.cfg.Logger.Error("job panicked", "job", j.Handle, "panic", p, "stack", string(debug.Stack()))
				err = Permanent(fmt.Errorf("internal error in %s job (a bug; please report it)", j.Kind))
			}
		}()
		return h.Handle(hctx, run)
	}()
	stop()
	if herr == nil && run.completed {
		e.signalFinished()
		return nil
	}
	if herr == nil {
		herr = Permanent(errors.New("job ended without completing (a bug)"))
	}
	return e.fail(ctx, run, h, herr)
}

// ErrCancelled is returned by Run.Complete when the job was cancelled while
// it ran: nothing of the attempt is written.
var ErrCancelled = errors.New("job was cancelled")

// cancelCheckEvery is how often a running job looks whether it was
// cancelled, possibly by another process.
const cancelCheckEvery = 250 * time.Millisecond

// watchCancel returns a context for the handler that is cancelled, with
// cause ErrCancelled, as soon as the job's row says cancelled; stop ends the
// watch.
func (e *Engine) watchCancel(ctx context.Context, tn *store.Tenant, jobID string) (context.Context, func()) {
	hctx, cancel := context.WithCancelCause(ctx)
	go func() {
		t := time.NewTicker(cancelCheckEvery)
		defer t.Stop()
		for {
			select {
			case <-hctx.Done(): // the job ended, or was stopped
				return
			case <-t.C:
				if j, err := tn.JobByID(hctx, jobID); err == nil && j.State == domain.JobCancelled {
					cancel(ErrCancelled)
					return
				}
			}
		}
	}()
	return hctx, func() {
		cancel(nil)
	}
}

// fail records an attempt's failure: back to queued while attempts remain,
// otherwise failed, with the target following. A job cancelled meanwhile
// stays cancelled: only its runs are recorded.
func (e *Engine) fail(ctx context.Context, run *Run, h Handler, herr error) error {
	var perm *permanentError
	// A cancelled context (Ctrl-C, shutdown) is not the job's fault: it stays
	// queued and resumes on the next start.
	interrupted := errors.Is(herr, context.Canceled) && ctx.Err() != nil
	final := !interrupted && (errors.As(herr, &perm) || run.Attempt >= run.rj.MaxAttempts)
	msg := domain.ErrorMessage(herr)
	var de *domain.Error
	if !errors.As(herr, &de) {
		msg = herr.Error()
	}
	// Writes must survive a cancelled job context.
	wctx := context.WithoutCancel(ctx)
	cancelled := false
	err := e.db.InTx(wctx, func(tx *store.Tx) error {
		tn := tx.Tenant(run.OwnerID)
		if err := run.flushRuns(wctx, tn); err != nil {
			return err
		}
		u := store.JobUpdate{State: domain.JobFailed, Attempt: run.Attempt, Error: &msg, ErrorCode: string(domain.ErrorCode(herr)), Finished: true}
		if !final {
			delay := backoff{base: e.cfg.BaseBackoff}.delay(run.Attempt)
			next := domain.Time{Time: time.Now().UTC().Add(delay)}
			// Only here is it known that the job will be tried again.
			retry := fmt.Sprintf("%s (attempt %d of %d; trying again in %s)", msg, run.Attempt, run.rj.MaxAttempts, delay.Round(time.Millisecond))
			if interrupted {
				retry = msg + " (interrupted; resumes when opus next runs jobs)"
			}
			u = store.JobUpdate{State: domain.JobQueued, Attempt: run.Attempt, Error: &retry, RunAfter: &next}
		}
		ok, err := tn.UpdateActiveJob(wctx, run.Job.ID, u)
		if err != nil || !ok {
			cancelled = err == nil
			return err
		}
		if final {
			return h.Failed(wctx, tn, &run.Job, msg)
		}
		return nil
	})
	if err != nil {
		e.cfg.Logger.Error("recording job failure", "job", run.Job.Handle, "err", err)
	} else {
		run.runs = nil
	}
	e.signalFinished()
	if final || cancelled {
		return river.JobCancel(herr)
	}
	return herr
}

// backoff doubles the delay per attempt, with ±25% jitter.
type backoff struct{ base time.Duration }

func (b backoff) delay(attempt int) time.Duration {
	d := b.base << min(max(attempt-1, 0), 10)
	return d + time.Duration((rand.Float64()-0.5)*0.5*float64(d))
}

func (b backoff) NextRetry(job *rivertype.JobRow) time.Time {
	return time.Now().Add(b.delay(job.Attempt))
}
