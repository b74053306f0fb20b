package jobs

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/riverqueue/river/rivertype"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/opusblocks/opus/internal/domain"
	"github.com/opusblocks/opus/internal/store"
	"github.com/opusblocks/opus/internal/store/storetest"
)

// testClock is the engine's and River's time (River's Config.Test.Time):
// it stands still until the test moves it.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func newTestClock() *testClock { return &testClock{now: time.Now().UTC().Truncate(time.Millisecond)} }

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) NowOrNil() *time.Time {
	now := c.Now()
	return &now
}

func (c *testClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

var _ rivertype.TimeGenerator = (*testClock)(nil)

// handler is a scripted job handler that notes what the engine asks of it.
type handler struct {
	handle   func(ctx context.Context, r *Run) error
	retrying func() error

	mu       sync.Mutex
	attempts []int
	failed   []string
}

func (h *handler) Handle(ctx context.Context, r *Run) error {
	h.mu.Lock()
	h.attempts = append(h.attempts, r.Attempt)
	h.mu.Unlock()
	return h.handle(ctx, r)
}

func (h *handler) Failed(_ context.Context, _ *store.Tenant, _ *domain.Job, reason string) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.failed = append(h.failed, reason)
	return nil
}

func (h *handler) Retrying(context.Context, *store.Tenant, *domain.Job) error {
	if h.retrying != nil {
		return h.retrying()
	}
	return nil
}

func (h *handler) calls() []int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]int(nil), h.attempts...)
}

func (h *handler) failures() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.failed...)
}

func complete(ctx context.Context, r *Run) error {
	return r.Complete(ctx, func(*store.Tx) error { return nil })
}

// newEngine is an engine on db running h's jobs, stopped when the test ends.
func newEngine(t *testing.T, db *store.DB, cfg Config, h Handler) *Engine {
	t.Helper()
	if cfg.PollEvery == 0 {
		cfg.PollEvery = 20 * time.Millisecond
	}
	e, err := New(context.Background(), db, cfg)
	require.NoError(t, err)
	e.Register(domain.KindExtractFacts, h)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		assert.NoError(t, e.Stop(ctx))
	})
	return e
}

func owner(t *testing.T, db *store.DB) string {
	t.Helper()
	o, err := db.EnsureOwner(context.Background(), "profile", "p")
	require.NoError(t, err)
	return o.ID
}

func enqueue(t *testing.T, e *Engine, ownerID string) *domain.Job {
	t.Helper()
	var j *domain.Job
	err := e.db.InTx(context.Background(), func(tx *store.Tx) error {
		var err error
		j, err = e.Enqueue(context.Background(), tx, ownerID, &domain.Job{Kind: domain.KindExtractFacts, TargetID: "doc", IdempotencyKey: store.NewID(), TraceID: "t"})
		return err
	})
	require.NoError(t, err)
	return j
}

func jobRow(t *testing.T, e *Engine, ownerID, id string) *domain.Job {
	t.Helper()
	j, err := e.db.Tenant(ownerID).JobByID(context.Background(), id)
	require.NoError(t, err)
	return j
}

func riverRow(t *testing.T, e *Engine, j *domain.Job) *rivertype.JobRow {
	t.Helper()
	require.NotNil(t, j.EngineJobID)
	rj, err := e.client.JobGet(context.Background(), *j.EngineJobID)
	require.NoError(t, err)
	return rj
}

// waitState waits until the job's row is in state at attempt.
func waitState(t *testing.T, e *Engine, ownerID, id, state string, attempt int) *domain.Job {
	t.Helper()
	var j *domain.Job
	require.Eventuallyf(t, func() bool {
		j = jobRow(t, e, ownerID, id)
		return j.State == state && j.Attempt == attempt
	}, 10*time.Second, 10*time.Millisecond, "job never %s at attempt %d", state, attempt)
	return j
}

// The retry time shown on the job is River's schedule, drawn once: equal to
// River's scheduled_at both when River keeps the job available until then
// (a short backoff) and when its scheduler wakes it (a long one). The
// clock stands still, so the job is not run before it; moved, the job
// runs — no backoff is slept through.
func TestRetryTimeIsRiversSchedule(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		clock := newTestClock()
		h := &handler{handle: func(context.Context, *Run) error { return errors.New("model unavailable") }}
		e := newEngine(t, db, Config{MaxAttempts: 3, BaseBackoff: 4 * time.Second, clock: clock}, h)
		o := owner(t, db)
		require.NoError(t, e.Start(context.Background()))
		j := enqueue(t, e, o)

		check := func(attempt int, lo, hi time.Duration, riverState rivertype.JobState) {
			t.Helper()
			row := waitState(t, e, o, j.ID, domain.JobQueued, attempt)
			// River records the attempt's end just after opus's row.
			var rj *rivertype.JobRow
			require.Eventuallyf(t, func() bool { rj = riverRow(t, e, j); return rj.State == riverState }, 5*time.Second, 10*time.Millisecond,
				"River's job is not %s", riverState)
			assert.Truef(t, row.RunAfter.Equal(rj.ScheduledAt), "attempt %d: run_after %s, River's scheduled_at %s", attempt, row.RunAfter.Time, rj.ScheduledAt)
			delay := row.RunAfter.Sub(clock.Now())
			assert.Truef(t, delay >= lo && delay <= hi, "attempt %d: backoff %s, want %s..%s", attempt, delay, lo, hi)
			require.NotNil(t, row.Error)
			assert.Contains(t, *row.Error, "model unavailable (attempt")
			time.Sleep(150 * time.Millisecond) // several polls
			assert.Len(t, h.calls(), attempt, "not run again before its time")
			clock.Set(row.RunAfter.Add(time.Millisecond))
		}
		// 3-5 s: within River's scheduler interval, River leaves the job
		// available and its fetch waits for scheduled_at.
		check(1, 3*time.Second, 5*time.Second, rivertype.JobStateAvailable)
		// 6-10 s: River parks it retryable for its scheduler.
		check(2, 6*time.Second, 10*time.Second, rivertype.JobStateRetryable)
	})
}

// A permanent error fails the job at its first attempt: the row says
// failed with the error and its code, the target follows in the same
// transaction, and River's job is cancelled, not retried.
func TestPermanentErrorFailsJobAndTarget(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		h := &handler{handle: func(context.Context, *Run) error {
			return Permanent(domain.Errorf(domain.Invalid, "the PDF is encrypted"))
		}}
		e := newEngine(t, db, Config{MaxAttempts: 3}, h)
		o := owner(t, db)
		require.NoError(t, e.Start(context.Background()))
		j := enqueue(t, e, o)
		done, err := e.Wait(context.Background(), o, j.ID)
		require.NoError(t, err)
		assert.Equal(t, domain.JobFailed, done.State)
		assert.Equal(t, 1, done.Attempt)
		require.NotNil(t, done.Error)
		assert.Equal(t, "the PDF is encrypted", *done.Error)
		require.NotNil(t, done.ErrorCode)
		assert.Equal(t, string(domain.Invalid), *done.ErrorCode)
		assert.Equal(t, []string{"the PDF is encrypted"}, h.failures())
		require.Eventually(t, func() bool { return riverRow(t, e, j).State == rivertype.JobStateCancelled }, 5*time.Second, 10*time.Millisecond)
	})
}

// 'jobs retry' queues River's new job, resets the row and moves the target
// in one transaction: when the target cannot be moved, nothing changes.
func TestRetryIsOneTransaction(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var fail atomic.Bool
		fail.Store(true)
		h := &handler{handle: func(ctx context.Context, r *Run) error {
			if fail.Load() {
				return Permanent(errors.New("bad input"))
			}
			return complete(ctx, r)
		}}
		e := newEngine(t, db, Config{MaxAttempts: 2}, h)
		o := owner(t, db)
		require.NoError(t, e.Start(ctx))
		j := enqueue(t, e, o)
		failed, err := e.Wait(ctx, o, j.ID)
		require.NoError(t, err)
		require.Equal(t, domain.JobFailed, failed.State)
		riverJobs := func() int {
			var n int
			require.NoError(t, db.X.Get(&n, db.Rebind(`SELECT count(*) FROM river_job WHERE kind = 'opus'`)))
			return n
		}
		require.Equal(t, 1, riverJobs())

		h.retrying = func() error { return errors.New("target is gone") }
		_, err = e.Retry(ctx, o, failed)
		require.Error(t, err)
		assert.Equal(t, 1, riverJobs(), "River's new job rolled back with the target")
		still := jobRow(t, e, o, j.ID)
		assert.Equal(t, domain.JobFailed, still.State)
		assert.Equal(t, *failed.EngineJobID, *still.EngineJobID)

		h.retrying = nil
		fail.Store(false)
		again, err := e.Retry(ctx, o, still)
		require.NoError(t, err)
		assert.Equal(t, domain.JobQueued, again.State)
		assert.Equal(t, 0, again.Attempt)
		assert.Nil(t, again.Error)
		assert.NotEqual(t, *failed.EngineJobID, *again.EngineJobID)
		done, err := e.Wait(ctx, o, j.ID)
		require.NoError(t, err)
		assert.Equal(t, domain.JobSucceeded, done.State)
		assert.Equal(t, 1, done.Attempt, "a fresh set of attempts")

		_, err = e.Retry(ctx, o, done)
		assert.Equal(t, domain.Conflict, domain.ErrorCode(err))
	})
}

// Stopping lets a running job finish within the grace period.
func TestStopLetsRunningJobFinishWithinGrace(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		started := make(chan struct{})
		h := &handler{handle: func(ctx context.Context, r *Run) error {
			close(started)
			select {
			case <-time.After(300 * time.Millisecond):
			case <-ctx.Done():
				return ctx.Err()
			}
			return complete(ctx, r)
		}}
		e := newEngine(t, db, Config{StopGrace: 5 * time.Second}, h)
		o := owner(t, db)
		startCtx, signal := context.WithCancel(ctx)
		require.NoError(t, e.Start(startCtx))
		j := enqueue(t, e, o)
		<-started
		signal() // SIGTERM
		begin := time.Now()
		require.NoError(t, e.Stop(ctx))
		t.Logf("stopped %s after the signal", time.Since(begin))
		done := jobRow(t, e, o, j.ID)
		assert.Equal(t, domain.JobSucceeded, done.State)
		assert.Equal(t, 1, done.Attempt)
		assert.Equal(t, rivertype.JobStateCompleted, riverRow(t, e, j).State)
	})
}

// A job still running when the grace period ends is interrupted and goes
// back to the queue without using up an attempt — on River's row and on
// opus's alike — and the next workers finish it.
func TestStopReleasesJobAfterGrace(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		started := make(chan struct{})
		var once sync.Once
		h := &handler{handle: func(ctx context.Context, r *Run) error {
			first := false
			once.Do(func() { first = true })
			if first {
				close(started)
				<-ctx.Done() // a model call that outlasts the grace
				return ctx.Err()
			}
			return complete(ctx, r)
		}}
		e := newEngine(t, db, Config{StopGrace: 100 * time.Millisecond}, h)
		o := owner(t, db)
		require.NoError(t, e.Start(ctx))
		j := enqueue(t, e, o)
		<-started
		require.NoError(t, e.Stop(ctx))

		row := jobRow(t, e, o, j.ID)
		assert.Equal(t, domain.JobQueued, row.State)
		assert.Equal(t, 0, row.Attempt, "the interrupted attempt is not counted")
		require.NotNil(t, row.Error)
		assert.Contains(t, *row.Error, "interrupted")
		rj := riverRow(t, e, j)
		assert.Equal(t, rivertype.JobStateAvailable, rj.State)
		assert.Equal(t, 0, rj.Attempt)

		next := newEngine(t, db, Config{}, h)
		require.NoError(t, next.Start(ctx))
		done, err := next.Wait(ctx, o, j.ID)
		require.NoError(t, err)
		assert.Equal(t, domain.JobSucceeded, done.State)
		assert.Equal(t, 1, done.Attempt)
		assert.Equal(t, []int{1, 1}, h.calls())
	})
}

// A job whose last attempt's worker died is rescued by River, which allows
// one attempt more than opus (riverAttempts); that pick-up fails the job,
// with its target, instead of running it again or leaving it "running".
func TestLostLastAttemptFailsJob(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		h := &handler{handle: complete}
		e := newEngine(t, db, Config{MaxAttempts: 2}, h)
		o := owner(t, db)
		j := enqueue(t, e, o)
		// What River's rescuer leaves of a job whose worker died in
		// attempt 2 of 2: runnable again, its attempts counted; the row
		// still says running.
		_, err := db.X.Exec(db.Rebind(`UPDATE river_job SET attempt = 2 WHERE id = ?`), *j.EngineJobID)
		require.NoError(t, err)
		two := 2
		ok, err := db.Tenant(o).SetJobState(ctx, j.ID, store.JobUpdate{State: domain.JobRunning, Attempt: &two}, store.JobGuard{})
		require.NoError(t, err)
		require.True(t, ok)

		require.NoError(t, e.Start(ctx))
		done, err := e.Wait(ctx, o, j.ID)
		require.NoError(t, err)
		assert.Equal(t, domain.JobFailed, done.State)
		assert.Equal(t, 2, done.Attempt)
		require.NotNil(t, done.Error)
		assert.Contains(t, *done.Error, "attempt 2 of 2 was lost")
		assert.Equal(t, string(domain.Unavailable), *done.ErrorCode)
		assert.Len(t, h.failures(), 1, "the target follows")
		assert.Empty(t, h.calls(), "not run a third time")
		require.Eventually(t, func() bool { return riverRow(t, e, j).State == rivertype.JobStateCancelled }, 5*time.Second, 10*time.Millisecond)
	})
}

// Jobs a dead CLI left running are made runnable at start-up (the CLI
// holds the data directory's lock), without counting the dead attempt.
func TestRecoverOrphansKeepsAttempts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		h := &handler{handle: complete}
		e := newEngine(t, db, Config{MaxAttempts: 1}, h)
		o := owner(t, db)
		j := enqueue(t, e, o)
		_, err := db.X.Exec(db.Rebind(`UPDATE river_job SET state = 'running', attempt = 1 WHERE id = ?`), *j.EngineJobID)
		require.NoError(t, err)
		one := 1
		_, err = db.Tenant(o).SetJobState(ctx, j.ID, store.JobUpdate{State: domain.JobRunning, Attempt: &one}, store.JobGuard{})
		require.NoError(t, err)

		n, err := e.RecoverOrphans(ctx)
		require.NoError(t, err)
		assert.Equal(t, 1, n)
		row := jobRow(t, e, o, j.ID)
		assert.Equal(t, domain.JobQueued, row.State)
		assert.Equal(t, 0, row.Attempt)
		rj := riverRow(t, e, j)
		assert.Equal(t, rivertype.JobStateAvailable, rj.State)
		assert.Equal(t, 0, rj.Attempt)

		require.NoError(t, e.Start(ctx))
		done, err := e.Wait(ctx, o, j.ID)
		require.NoError(t, err)
		assert.Equal(t, domain.JobSucceeded, done.State, "its one attempt is still there")
		assert.Equal(t, 1, done.Attempt)
	})
}

// An attempt that was given up for lost and taken over by a later one
// cannot write the job's outcome when it ends after all: its results are
// not written, and the job is finished by the later attempt alone.
func TestSupersededAttemptCannotComplete(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var o string
		release := make(chan struct{})
		var mu sync.Mutex
		var completeErr error
		wrote := 0
		h := &handler{}
		h.handle = func(ctx context.Context, r *Run) error {
			if r.Attempt == 1 {
				// Meanwhile River rescued the job and attempt 2 began.
				two := 2
				ok, err := db.Tenant(o).SetJobState(ctx, r.Job.ID, store.JobUpdate{State: domain.JobRunning, Attempt: &two}, store.JobGuard{})
				if err != nil || !ok {
					return Permanent(errors.New("test set-up failed"))
				}
				close(release)
			}
			err := r.Complete(ctx, func(*store.Tx) error {
				mu.Lock()
				defer mu.Unlock()
				wrote++
				return nil
			})
			if r.Attempt == 1 {
				mu.Lock()
				completeErr = err
				mu.Unlock()
			}
			return err
		}
		e := newEngine(t, db, Config{MaxAttempts: 3, BaseBackoff: time.Millisecond}, h)
		o = owner(t, db)
		require.NoError(t, e.Start(ctx))
		j := enqueue(t, e, o)
		<-release
		done, err := e.Wait(ctx, o, j.ID)
		require.NoError(t, err)
		assert.Equal(t, domain.JobSucceeded, done.State)
		mu.Lock()
		defer mu.Unlock()
		assert.ErrorIs(t, completeErr, errSuperseded)
		assert.Equal(t, 1, wrote, "results written once, by the later attempt")
	})
}

// On Postgres a queued job wakes idle workers through LISTEN/NOTIFY: it
// starts well within the 1 s poll they would otherwise wait for.
func TestPostgresWorkersWakeOnNotify(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		if b.Name != "postgres" {
			continue
		}
		db := storetest.Open(t, b)
		ctx := context.Background()
		started := make(chan time.Time, 1)
		h := &handler{handle: func(ctx context.Context, r *Run) error {
			started <- time.Now()
			return complete(ctx, r)
		}}
		e, err := New(ctx, db, Config{}) // default polling: 1 s
		require.NoError(t, err)
		require.Equal(t, time.Second, e.fetchEvery)
		e.Register(domain.KindExtractFacts, h)
		t.Cleanup(func() { _ = e.Stop(context.Background()) })
		o := owner(t, db)
		require.NoError(t, e.Start(ctx))
		time.Sleep(300 * time.Millisecond) // listening
		var worst time.Duration
		var all []time.Duration
		for range 5 {
			// River notifies at most once per FetchCooldown per queue.
			time.Sleep(50 * time.Millisecond)
			queued := time.Now()
			j := enqueue(t, e, o)
			d := (<-started).Sub(queued)
			all = append(all, d)
			worst = max(worst, d)
			_, err := e.Wait(ctx, o, j.ID)
			require.NoError(t, err)
		}
		t.Logf("pick-ups: %v", all)
		assert.Less(t, worst, 400*time.Millisecond)
	}
}
