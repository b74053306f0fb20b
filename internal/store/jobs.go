package store

import (
	"context"

	"github.com/opusblocks/opus/internal/domain"
)

const jobSelect = `SELECT j.id, j.seq, j.kind, j.target_id, j.state, j.attempt, j.max_attempts, j.run_after,
	j.idempotency_key, j.trace_id, j.engine_job_id, j.error, j.error_code, j.created_at, j.updated_at, j.finished_at,
	d.seq AS doc_seq, p.seq AS para_seq
	FROM jobs j LEFT JOIN documents d ON d.id = j.target_id LEFT JOIN paragraphs p ON p.id = j.target_id`

type jobRow struct {
	domain.Job
	DocSeq  *int64 `db:"doc_seq"`
	ParaSeq *int64 `db:"para_seq"`
}

func (r jobRow) job() domain.Job {
	j := r.Job
	j.Handle = domain.Handle(domain.JobPrefix, j.Seq)
	switch {
	case r.DocSeq != nil:
		j.Target = domain.Handle(domain.DocPrefix, *r.DocSeq)
	case r.ParaSeq != nil:
		j.Target = domain.Handle(domain.ParaPrefix, *r.ParaSeq)
	}
	return j
}

// CreateJob stores a new queued job. When the owner already has a job with
// the same idempotency key, that job is returned instead and created is false.
func (t *Tenant) CreateJob(ctx context.Context, j *domain.Job) (existing *domain.Job, err error) {
	if prev, err := t.JobByKey(ctx, j.IdempotencyKey); err == nil {
		return prev, nil
	} else if domain.ErrorCode(err) != domain.NotFound {
		return nil, err
	}
	seq, err := t.nextSeq(ctx, domain.JobPrefix)
	if err != nil {
		return nil, err
	}
	now := domain.Now()
	j.ID, j.Seq, j.CreatedAt, j.UpdatedAt, j.RunAfter = NewID(), seq, now, now, now
	j.Handle = domain.Handle(domain.JobPrefix, seq)
	if j.State == "" {
		j.State = domain.JobQueued
	}
	_, err = t.exec(ctx, `INSERT INTO jobs (id, owner_id, seq, kind, target_id, state, attempt, max_attempts, run_after, idempotency_key, trace_id, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?)`,
		j.ID, t.owner, j.Seq, j.Kind, j.TargetID, j.State, j.MaxAttempts, j.RunAfter, j.IdempotencyKey, j.TraceID, now, now)
	return nil, err
}

// JobByKey finds the owner's job with an idempotency key.
func (t *Tenant) JobByKey(ctx context.Context, key string) (*domain.Job, error) {
	var r jobRow
	err := t.get(ctx, &r, jobSelect+` WHERE j.owner_id = ? AND j.idempotency_key = ?`, t.owner, key)
	if isNoRows(err) {
		return nil, domain.Errorf(domain.NotFound, "no job with idempotency key %q", key)
	}
	if err != nil {
		return nil, err
	}
	j := r.job()
	return &j, nil
}

// Job resolves a job handle number.
func (t *Tenant) Job(ctx context.Context, seq int64) (*domain.Job, error) {
	var r jobRow
	if err := t.get(ctx, &r, jobSelect+` WHERE j.owner_id = ? AND j.seq = ?`, t.owner, seq); err != nil {
		return nil, notFound(err, domain.JobPrefix, seq)
	}
	j := r.job()
	return &j, nil
}

// JobByID loads a job by internal id.
func (t *Tenant) JobByID(ctx context.Context, id string) (*domain.Job, error) {
	var r jobRow
	err := t.get(ctx, &r, jobSelect+` WHERE j.owner_id = ? AND j.id = ?`, t.owner, id)
	if isNoRows(err) {
		return nil, domain.Errorf(domain.NotFound, "job not found")
	}
	if err != nil {
		return nil, err
	}
	j := r.job()
	return &j, nil
}

// Jobs lists the owner's jobs, newest first.
func (t *Tenant) Jobs(ctx context.Context, p Page) ([]domain.Job, error) {
	var rows []jobRow
	where, args := p.clause("j.seq", true)
	if err := t.selectAll(ctx, &rows, jobSelect+` WHERE j.owner_id = ?`+where, append([]any{t.owner}, args...)...); err != nil {
		return nil, err
	}
	out := make([]domain.Job, len(rows))
	for i, r := range rows {
		out[i] = r.job()
	}
	return out, nil
}

// JobsForTarget lists the owner's jobs on one document or paragraph, newest first.
func (t *Tenant) JobsForTarget(ctx context.Context, targetID string) ([]domain.Job, error) {
	var rows []jobRow
	if err := t.selectAll(ctx, &rows, jobSelect+` WHERE j.owner_id = ? AND j.target_id = ? ORDER BY j.seq DESC`, t.owner, targetID); err != nil {
		return nil, err
	}
	out := make([]domain.Job, len(rows))
	for i, r := range rows {
		out[i] = r.job()
	}
	return out, nil
}

// JobUpdate is a job's new state and what goes with it. Error, ErrorCode
// and Finished are always written (nil, "" and false clear them); Attempt,
// RunAfter and EngineJobID only when set.
type JobUpdate struct {
	State       string
	Attempt     *int
	Error       *string
	ErrorCode   string // with Error, when the job fails for good
	RunAfter    *domain.Time
	EngineJobID *int64
	Finished    bool
}

// JobGuard is what must hold of a job's row for a JobUpdate to apply; zero
// fields are not checked.
type JobGuard struct {
	// States the job must be in.
	States []string
	// EngineJobID must be the engine job the row belongs to, and Attempt
	// the attempt it records: an attempt that a retry or a rescue has
	// replaced can no longer write the job's outcome.
	EngineJobID int64
	Attempt     int
}

// SetJobState writes u to the job when g holds and reports whether it did.
// It is the one statement that changes a job once created: the job engine
// keeps the row in step with River's through it alone. On Postgres the row
// lock makes concurrent writers (a cancel and a worker) take turns, and the
// second is checked against the first's state.
func (t *Tenant) SetJobState(ctx context.Context, jobID string, u JobUpdate, g JobGuard) (bool, error) {
	now := domain.Now()
	var finished *domain.Time
	if u.Finished {
		finished = &now
	}
	q := `UPDATE jobs SET state = ?, error = ?, error_code = ?, finished_at = ?, updated_at = ?`
	args := []any{u.State, u.Error, nullable(u.ErrorCode), finished, now}
	if u.Attempt != nil {
		q += `, attempt = ?`
		args = append(args, *u.Attempt)
	}
	if u.RunAfter != nil {
		q += `, run_after = ?`
		args = append(args, *u.RunAfter)
	}
	if u.EngineJobID != nil {
		q += `, engine_job_id = ?`
		args = append(args, *u.EngineJobID)
	}
	q += ` WHERE owner_id = ? AND id = ?`
	args = append(args, t.owner, jobID)
	if len(g.States) > 0 {
		q += ` AND state IN (` + placeholders(len(g.States)) + `)`
		for _, st := range g.States {
			args = append(args, st)
		}
	}
	if g.EngineJobID != 0 {
		q += ` AND engine_job_id = ?`
		args = append(args, g.EngineJobID)
	}
	if g.Attempt > 0 {
		q += ` AND attempt = ?`
		args = append(args, g.Attempt)
	}
	res, err := t.exec(ctx, q, args...)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, wrapDB(err)
}

// ActiveJobFor returns the owner's queued or running job of a kind on a
// target, or NotFound.
func (t *Tenant) ActiveJobFor(ctx context.Context, kind, targetID string) (*domain.Job, error) {
	var r jobRow
	err := t.get(ctx, &r, jobSelect+` WHERE j.owner_id = ? AND j.kind = ? AND j.target_id = ? AND j.state IN ('queued', 'running') ORDER BY j.seq DESC LIMIT 1`,
		t.owner, kind, targetID)
	if isNoRows(err) {
		return nil, domain.Errorf(domain.NotFound, "no active job")
	}
	if err != nil {
		return nil, err
	}
	j := r.job()
	return &j, nil
}
