// Package jobs runs opus's background work (fact extraction, paragraph
// generation and verification) on River, persisted in the same database as
// the data.
//
// River's row (river_job) is the truth about a job's execution: which worker
// runs it, its attempts and when it runs next. The user-facing job (J1, with
// its state, attempt, error and run_after) is opus's jobs row, a mirror that
// this package writes — always through store.Tenant.SetJobState, in the same
// transaction as the change it mirrors, or from the value River is about to
// store (a retry's time is drawn once and given to River by NextRetry).
//
// Many workers, on any hosts, may share one Postgres queue: River hands each
// job to one of them, LISTEN/NOTIFY wakes them when one is queued, and a
// job whose worker dies (kill -9, a lost host) is rescued by River after
// rescueAfter(JobTimeout) and run again by another.
package jobs

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
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
// results and marks the job done in one transaction. It must return soon
// after its context ends (the job's timeout, a cancel, a worker stopping).
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
	Workers     int // concurrent jobs per process
	MaxAttempts int // per job, default 3
	// JobTimeout bounds one attempt, default 30 min. It also sets how soon
	// a job whose worker died is run again: see rescueAfter.
	JobTimeout time.Duration
	// BaseBackoff is the first retry delay; it doubles per attempt (with jitter).
	BaseBackoff time.Duration
	// PollEvery is how often idle workers look for jobs and Wait looks at a
	// job; by default 25 ms on SQLite, and on Postgres 100 ms for Wait and
	// 1 s for workers, whom LISTEN/NOTIFY wakes as soon as a job is queued.
	PollEvery time.Duration
	// StopGrace is how long running jobs may go on once the workers are
	// told to stop (Stop, or the end of the context given to Start: SIGTERM
	// in 'opus worker'). Jobs still running then are interrupted and put
	// back in the queue without using up an attempt. Zero interrupts them at
	// once (a CLI's Ctrl-C).
	StopGrace time.Duration
	Logger    *slog.Logger

	// clock stands in for the time in tests: the retry schedule and River's
	// own notion of now (River's Config.Test.Time), so a backoff can be
	// stepped over instead of slept through.
	clock rivertype.TimeGenerator
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

// rescueAfter is how long a job may be running before River takes it for
// lost (its worker killed or cut off) and runs it again. It must exceed the
// job timeout, so that a live attempt — cancelled at its timeout — has
// reported its outcome before it could be rescued: the margin covers that
// report and clock differences between hosts, a quarter of the timeout
// within [1 s, 1 min]. With the default 30 min timeout a lost job is rescued
// after 31 min; 'OPUS_JOBS_TIMEOUT=4s' rescues after 5 s. River's rescuer
// runs on the elected leader every 30 s, so add up to that, and when the
// lost worker was the leader, up to ~20 s for another to take over.
func rescueAfter(timeout time.Duration) time.Duration {
	return timeout + min(max(timeout/4, time.Second), time.Minute)
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
	id       string // River client id: in attempted_by and the start-up log
	client   *river.Client[*sql.Tx]
	listen   *pgxpool.Pool // Postgres LISTEN connections; nil on SQLite
	handlers map[string]Handler

	fetchEvery, waitEvery time.Duration

	// retries holds, per River job id, the retry time fail drew and wrote
	// to the job's row, until River asks for it (retryPolicy.NextRetry).
	retries sync.Map

	// runMu guards started and stopped; it is apart from mu because Stop
	// waits for running jobs while holding it, and those jobs take mu to
	// report.
	runMu   sync.Mutex
	started bool
	stopped bool

	mu       sync.Mutex
	progress map[string]func(done, total int)
	// finished is closed and replaced whenever a job of this process ends,
	// so waiters wake at once instead of on their next poll.
	finished chan struct{}
}

// New prepares River's tables and a client; nothing runs until Start.
func New(ctx context.Context, db *store.DB, cfg Config) (*Engine, error) {
	cfg.defaults()
	e := &Engine{db: db, cfg: cfg, id: clientID(), handlers: map[string]Handler{}, progress: map[string]func(int, int){}, finished: make(chan struct{})}
	// A local file is cheap to poll, and a CLI user waits on every fetch.
	e.fetchEvery, e.waitEvery = 25*time.Millisecond, 25*time.Millisecond
	var driver riverdriver.Driver[*sql.Tx]
	if db.Dialect == store.SQLite {
		driver = riversqlite.New(db.X.DB)
	} else {
		// Workers wait on LISTEN (riverpgxv5, on connections of their own)
		// and work through database/sql, whose transactions opus's writes
		// share; polling is the fallback for what no notification
		// announces, such as a retry falling due.
		pool, err := listenerPool(ctx, db.X.DB)
		if err != nil {
			return nil, domain.Wrap(err, domain.Unavailable, "job engine: cannot set up job notifications: %v", err)
		}
		e.listen = pool
		driver = riverdatabasesql.NewWithPgxListener(db.X.DB, pool)
		e.fetchEvery, e.waitEvery = time.Second, 100*time.Millisecond
	}
	if cfg.PollEvery > 0 {
		e.fetchEvery, e.waitEvery = cfg.PollEvery, cfg.PollEvery
	}
	fail := func(err error) (*Engine, error) {
		e.closeListener()
		return nil, err
	}
	mig, err := rivermigrate.New(driver, &rivermigrate.Config{Logger: cfg.Logger})
	if err != nil {
		return fail(fmt.Errorf("job engine: %w", err))
	}
	if _, err := mig.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fail(domain.Wrap(err, domain.Internal, "job engine migration failed: %v", err))
	}
	workers := river.NewWorkers()
	river.AddWorker(workers, &worker{e: e})
	rc := &river.Config{
		ID:                   e.id,
		Queues:               map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: cfg.Workers}},
		Workers:              workers,
		MaxAttempts:          riverAttempts(cfg.MaxAttempts),
		JobTimeout:           cfg.JobTimeout,
		RescueStuckJobsAfter: rescueAfter(cfg.JobTimeout),
		// River lets running jobs finish for this long once stopping
		// (however stop began), then cancels their contexts; an attempt
		// cancelled so goes back to the queue without being counted. It
		// must be positive for that: at zero River would cancel them as
		// failures.
		SoftStopTimeout:   max(cfg.StopGrace, time.Nanosecond),
		FetchPollInterval: e.fetchEvery,
		// River drops an insert's notification when the inserting client
		// sent one less than this ago, leaving that job to the next poll:
		// keep it short, since fetches are cheap at this rate.
		FetchCooldown: min(e.fetchEvery/2, 10*time.Millisecond),
		RetryPolicy:   retryPolicy{e},
		Logger:        cfg.Logger,
		PollOnly:      db.Dialect == store.SQLite,
	}
	rc.Test.Time = cfg.clock
	e.client, err = river.NewClient(driver, rc)
	if err != nil {
		return fail(fmt.Errorf("job engine: %w", err))
	}
	return e, nil
}

// riverAttempts is the attempts River allows a job of max opus attempts:
// one more, which River never runs on its own account. A job whose last
// attempt's worker died is rescued by River like any other (rather than
// discarded behind opus's back), and its next pick-up, seeing no attempt
// left, fails the job here, with its target, in one transaction.
func riverAttempts(opus int) int { return opus + 1 }

// clientID names this process in River (attempted_by, leader election) and
// in its start-up log: host and pid find the process, the time tells apart
// two that reused a pid.
func clientID() string {
	host, _ := os.Hostname()
	host = strings.ReplaceAll(cmp.Or(host, "unknown_host"), ".", "_")
	if len(host) > 60 {
		host = host[:60]
	}
	// Underscores only, as River's own ids: easy to select with a double click.
	at := strings.Replace(time.Now().UTC().Format("20060102T150405.000000"), ".", "_", 1)
	return fmt.Sprintf("%s_%d_%s", host, os.Getpid(), at)
}

// listenerPool is a pool for River's LISTEN connections to the database db
// reaches, made from the configuration of one of db's own connections, so
// that both see the same server, user and search_path (and so River schema).
func listenerPool(ctx context.Context, db *sql.DB) (*pgxpool.Pool, error) {
	c, err := db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer func() { _ = c.Close() }()
	var cc *pgx.ConnConfig
	err = c.Raw(func(dc any) error {
		pc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("not a pgx connection: %T", dc)
		}
		cc = pc.Conn().Config().Copy()
		// pgx set this to the connection's own notification buffer: left
		// in, the listener's notifications would go there, not to River.
		cc.OnNotification = nil
		return nil
	})
	if err != nil {
		return nil, err
	}
	pcfg, err := pgxpool.ParseConfig("")
	if err != nil {
		return nil, err
	}
	pcfg.ConnConfig = cc
	// River takes one connection per client and keeps it (hijacked).
	pcfg.MinConns, pcfg.MaxConns = 0, 2
	return pgxpool.NewWithConfig(ctx, pcfg)
}

func (e *Engine) closeListener() {
	if e.listen != nil {
		e.listen.Close()
		e.listen = nil
	}
}

// now is the engine's time: the test clock's, if any.
func (e *Engine) now() time.Time {
	if e.cfg.clock != nil {
		return e.cfg.clock.Now()
	}
	return time.Now()
}

// Register sets the handler of a job kind.
func (e *Engine) Register(kind string, h Handler) { e.handlers[kind] = h }

// Start runs workers in this process until Stop or the end of ctx, which
// stops them the same way.
func (e *Engine) Start(ctx context.Context) error {
	e.runMu.Lock()
	defer e.runMu.Unlock()
	if e.started {
		return nil
	}
	if e.stopped {
		return domain.Errorf(domain.Internal, "job workers cannot start again once stopped")
	}
	if err := e.client.Start(ctx); err != nil {
		return fmt.Errorf("start job workers: %w", err)
	}
	e.started = true
	e.cfg.Logger.Info("job workers started", "client", e.id, "workers", e.cfg.Workers,
		"timeout", e.cfg.JobTimeout, "rescue_after", rescueAfter(e.cfg.JobTimeout), "stop_grace", e.cfg.StopGrace)
	return nil
}

// Running reports whether this process's workers are started.
func (e *Engine) Running() bool {
	e.runMu.Lock()
	defer e.runMu.Unlock()
	return e.started
}

// Stop stops taking jobs, lets running ones go on for the stop grace, then
// interrupts them — each goes back to the queue without using an attempt —
// and returns once River has recorded that, or when ctx ends. The workers
// cannot be started again.
func (e *Engine) Stop(ctx context.Context) error {
	e.runMu.Lock()
	defer e.runMu.Unlock()
	e.stopped = true
	if !e.started {
		e.closeListener()
		return nil
	}
	e.started = false
	// Stop returns at once when a stop is already under way (ctx of Start
	// ended); Stopped is closed only once jobs are done and recorded.
	if err := e.client.Stop(ctx); err != nil {
		return err
	}
	select {
	case <-e.client.Stopped():
	case <-ctx.Done():
		return ctx.Err()
	}
	e.closeListener()
	return nil
}

// active are the states of a job that has not ended.
var active = []string{domain.JobQueued, domain.JobRunning}

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
	res, err := e.client.InsertTx(ctx, tx.X.Tx, args{OwnerID: ownerID, JobID: j.ID}, &river.InsertOpts{MaxAttempts: riverAttempts(j.MaxAttempts)})
	if err != nil {
		return nil, domain.Wrap(err, domain.Internal, "cannot queue job: %v", err)
	}
	id := res.Job.ID
	j.EngineJobID = &id
	if _, err := tn.SetJobState(ctx, j.ID, store.JobUpdate{State: domain.JobQueued, EngineJobID: &id}, store.JobGuard{}); err != nil {
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
	t := time.NewTicker(e.waitEvery)
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
// the one running it — is guarded by the job still being active, so a
// running attempt can neither complete nor put the job back in the queue.
// The process running it is told at once on Postgres (River's notification)
// and notices within cancelCheckEvery anyway, and stops the attempt.
func (e *Engine) Cancel(ctx context.Context, ownerID string, j *domain.Job) (*domain.Job, error) {
	err := e.db.InTx(ctx, func(tx *store.Tx) error {
		tn := tx.Tenant(ownerID)
		msg := "cancelled by user"
		ok, err := tn.SetJobState(ctx, j.ID, store.JobUpdate{State: domain.JobCancelled, Error: &msg, Finished: true}, store.JobGuard{States: active})
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

// Retry queues a failed or cancelled job again with a fresh set of attempts:
// River's new job, the row and the target's state in one transaction.
func (e *Engine) Retry(ctx context.Context, ownerID string, j *domain.Job) (*domain.Job, error) {
	if j.State != domain.JobFailed && j.State != domain.JobCancelled {
		return nil, domain.Errorf(domain.Conflict, "job %s is %s; only failed or cancelled jobs can be retried", j.Handle, j.State)
	}
	err := e.db.InTx(ctx, func(tx *store.Tx) error {
		tn := tx.Tenant(ownerID)
		res, err := e.client.InsertTx(ctx, tx.X.Tx, args{OwnerID: ownerID, JobID: j.ID}, &river.InsertOpts{MaxAttempts: riverAttempts(j.MaxAttempts)})
		if err != nil {
			return err
		}
		// Claimed by a guarded update: of two concurrent retries, one
		// queues the job and the other finds it queued, and rolls back.
		zero, now := 0, domain.Time{Time: e.now().UTC()}
		ok, err := tn.SetJobState(ctx, j.ID, store.JobUpdate{State: domain.JobQueued, Attempt: &zero, RunAfter: &now, EngineJobID: &res.Job.ID},
			store.JobGuard{States: []string{domain.JobFailed, domain.JobCancelled}})
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

// RecoverOrphans makes jobs left running by a dead process runnable again,
// without counting the attempt it was making (as for a worker that stops).
// River would rescue them only after rescueAfter; a CLI calls this at
// start-up while it holds the data directory's lock, so no live process can
// be running them. It is the one place that writes River's table.
func (e *Engine) RecoverOrphans(ctx context.Context) (int, error) {
	var n int
	err := e.db.InTx(ctx, func(tx *store.Tx) error {
		// Through River, which decodes its args column (SQLite keeps it
		// as binary JSON).
		res, err := e.client.JobListTx(ctx, tx.X.Tx, river.NewJobListParams().States(rivertype.JobStateRunning).First(10000))
		if err != nil {
			return err
		}
		now := domain.Time{Time: e.now().UTC()}
		for _, o := range res.Jobs {
			attempt := max(o.Attempt-1, 0)
			if _, err := tx.X.ExecContext(ctx, tx.X.Rebind(`UPDATE river_job SET state = 'available', attempt = ? WHERE id = ?`), attempt, o.ID); err != nil {
				return err
			}
			var a args
			if o.Kind != (args{}).Kind() || json.Unmarshal(o.EncodedArgs, &a) != nil {
				continue
			}
			_, err := tx.Tenant(a.OwnerID).SetJobState(ctx, a.JobID, store.JobUpdate{State: domain.JobQueued, Attempt: &attempt, RunAfter: &now},
				store.JobGuard{States: active, EngineJobID: o.ID})
			if err != nil {
				return err
			}
		}
		n = len(res.Jobs)
		return nil
	})
	return n, err
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

// guard holds while this attempt is the job's current one and the job has
// not ended.
func (r *Run) guard() store.JobGuard {
	return store.JobGuard{States: active, EngineJobID: r.rj.ID, Attempt: r.Attempt}
}

// Complete marks the job succeeded, then writes the recorded runs and fn's
// results, all in one transaction. A job cancelled meanwhile writes nothing
// and Complete returns ErrCancelled: the job row is claimed first, so its
// lock is taken before the target's, in the same order as Cancel.
func (r *Run) Complete(ctx context.Context, fn func(tx *store.Tx) error) error {
	err := r.e.db.InTx(ctx, func(tx *store.Tx) error {
		tn := tx.Tenant(r.OwnerID)
		ok, err := tn.SetJobState(ctx, r.Job.ID, store.JobUpdate{State: domain.JobSucceeded, Attempt: &r.Attempt, Finished: true}, r.guard())
		if err != nil {
			return err
		}
		if !ok {
			return r.e.whyNot(ctx, tn, &r.Job, r.Attempt)
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

// errSuperseded is why an attempt that was given up for lost (its job
// rescued and tried again) cannot write the job's outcome.
var errSuperseded = errors.New("this attempt was taken over by a later one")

// whyNot explains a guarded write that did not apply: the job was
// cancelled (or ended), or the attempt is no longer the job's current one.
func (e *Engine) whyNot(ctx context.Context, tn *store.Tenant, j *domain.Job, attempt int) error {
	now, err := tn.JobByID(ctx, j.ID)
	if err != nil {
		return err
	}
	switch now.State {
	case domain.JobQueued, domain.JobRunning:
		return fmt.Errorf("job %s, attempt %d: %w", j.Handle, attempt, errSuperseded)
	}
	return ErrCancelled
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
	if rj.Attempt > j.MaxAttempts {
		return e.lost(ctx, rj, j, h)
	}
	ok, err := tn.SetJobState(ctx, j.ID, store.JobUpdate{State: domain.JobRunning, Attempt: &rj.Attempt}, store.JobGuard{States: active, EngineJobID: rj.ID})
	if err != nil {
		return err
	}
	if !ok {
		return river.JobCancel(fmt.Errorf("job %s was cancelled or queued anew", j.Handle))
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

// lost fails a job that River hands out once more than opus allows: its
// last attempt's worker died without reporting, and River rescued it.
func (e *Engine) lost(ctx context.Context, rj *river.Job[args], j *domain.Job, h Handler) error {
	msg := fmt.Sprintf("attempt %d of %d was lost: its worker stopped without reporting (killed, or cut off from the database)", rj.Attempt-1, j.MaxAttempts)
	err := e.db.InTx(ctx, func(tx *store.Tx) error {
		tn := tx.Tenant(rj.Args.OwnerID)
		ok, err := tn.SetJobState(ctx, j.ID, store.JobUpdate{State: domain.JobFailed, Attempt: &j.MaxAttempts, Error: &msg, ErrorCode: string(domain.Unavailable), Finished: true},
			store.JobGuard{States: active, EngineJobID: rj.ID})
		if err != nil || !ok {
			return err
		}
		return h.Failed(ctx, tn, j, msg)
	})
	if err != nil {
		return err // River tries again; this decision is the same next time
	}
	e.signalFinished()
	return river.JobCancel(errors.New(msg))
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
// stays cancelled, and an attempt that was taken over changes nothing: only
// their runs are recorded.
func (e *Engine) fail(ctx context.Context, run *Run, h Handler, herr error) error {
	j := &run.Job
	// River cancels a running attempt's context when its workers stop
	// (SIGTERM, Ctrl-C, Stop after the grace): not the job's fault. River
	// puts the job back without counting the attempt; so does its row.
	interrupted := ctx.Err() != nil && !errors.Is(ctx.Err(), context.DeadlineExceeded)
	var perm *permanentError
	final := !interrupted && (errors.As(herr, &perm) || run.Attempt >= j.MaxAttempts)
	msg := domain.ErrorMessage(herr)
	var de *domain.Error
	if !errors.As(herr, &de) {
		msg = herr.Error()
	}
	now := e.now()
	u := store.JobUpdate{State: domain.JobFailed, Attempt: &run.Attempt, Error: &msg, ErrorCode: string(domain.ErrorCode(herr)), Finished: true}
	var retryAt time.Time
	switch {
	case interrupted:
		attempt := run.Attempt - 1
		note := "interrupted: its worker stopped; it resumes when workers next run"
		u = store.JobUpdate{State: domain.JobQueued, Attempt: &attempt, Error: &note, RunAfter: &domain.Time{Time: now.UTC()}}
	case !final:
		// The one draw of this retry's time: the row shows it, and River
		// schedules it (NextRetry).
		retryAt = e.retryAt(now, run.Attempt)
		note := fmt.Sprintf("%s (attempt %d of %d; trying again in %s)", msg, run.Attempt, j.MaxAttempts, retryAt.Sub(now).Round(time.Millisecond))
		u = store.JobUpdate{State: domain.JobQueued, Attempt: &run.Attempt, Error: &note, RunAfter: &domain.Time{Time: retryAt}}
	}
	// Writes must survive a cancelled job context.
	wctx := context.WithoutCancel(ctx)
	var refused error // why the row did not take the outcome
	err := e.db.InTx(wctx, func(tx *store.Tx) error {
		tn := tx.Tenant(run.OwnerID)
		if err := run.flushRuns(wctx, tn); err != nil {
			return err
		}
		ok, err := tn.SetJobState(wctx, j.ID, u, run.guard())
		if err != nil {
			return err
		}
		if !ok {
			refused = e.whyNot(wctx, tn, j, run.Attempt)
			return nil
		}
		if final {
			return h.Failed(wctx, tn, j, msg)
		}
		return nil
	})
	if err != nil {
		e.cfg.Logger.Error("recording job failure", "job", j.Handle, "err", err)
	} else {
		run.runs = nil
	}
	e.signalFinished()
	switch {
	case errors.Is(refused, ErrCancelled):
		return river.JobCancel(herr)
	case refused != nil:
		// Whatever this returns, River writes it to the job's row, which
		// the later attempt now runs under: say as little as possible.
		e.cfg.Logger.Warn("job attempt outlived its rescue", "job", j.Handle, "err", refused)
		return herr
	case interrupted:
		// River recognises its own stop by the context's cause.
		return context.Cause(ctx)
	case final:
		return river.JobCancel(herr)
	}
	if err == nil {
		e.retries.Store(run.rj.ID, retryAt)
	}
	return herr
}

// retryAt is when attempt's failure at now is tried again: the delay
// doubles per attempt, with ±25% jitter, from BaseBackoff. It is rounded to
// the millisecond, the coarsest precision of River's and opus's timestamps,
// so the row and River's schedule hold the same instant.
func (e *Engine) retryAt(now time.Time, attempt int) time.Time {
	d := e.cfg.BaseBackoff << min(max(attempt-1, 0), 10)
	d += time.Duration((rand.Float64() - 0.5) * 0.5 * float64(d))
	return now.Add(d).UTC().Truncate(time.Millisecond)
}

// retryPolicy is River's retry schedule for opus's jobs: River asks it
// after a failed attempt and when it rescues a job.
type retryPolicy struct{ e *Engine }

// NextRetry returns the time fail drew for the job's failed attempt and
// wrote to its row. River asks right after the attempt returns, so the
// time is never far behind; it is moved up to now if it is behind (a
// backoff shorter than recording the failure took), as River refuses a
// time in the past. Jobs that fail draws no time for — rescued ones, whose
// worker died — get a fresh one.
func (p retryPolicy) NextRetry(job *rivertype.JobRow) time.Time {
	now := p.e.now()
	if at, ok := p.e.retries.LoadAndDelete(job.ID); ok {
		if at := at.(time.Time); !at.Before(now) {
			return at
		}
		return now
	}
	return p.e.retryAt(now, job.Attempt)
}
