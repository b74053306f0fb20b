package store

import (
	"context"

	"github.com/opusblocks/opus/internal/domain"
)

const jobSelect = `SELECT j.id, j.seq, j.kind, j.target_id, j.state, j.attempt, j.max_attempts, j.run_after, j.lease_until,
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
func (t *Tenant) Jobs(ctx context.Context, limit int) ([]domain.Job, error) {
	var rows []jobRow
	if err := t.selectAll(ctx, &rows, jobSelect+` WHERE j.owner_id = ? ORDER BY j.seq DESC LIMIT ?`, t.owner, limit); err != nil {
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

// JobUpdate is a change of a job's state.
type JobUpdate struct {
	State       string
	Attempt     int
	Error       *string
	ErrorCode   string // with Error, when the job fails for good
	RunAfter    *domain.Time
	LeaseUntil  *domain.Time
	EngineJobID *int64
	Finished    bool
}

// UpdateJob records a job's new state.
func (t *Tenant) UpdateJob(ctx context.Context, jobID string, u JobUpdate) error {
	q, args := t.jobUpdate(jobID, u)
	_, err := t.exec(ctx, q, args...)
	return err
}

// jobUpdate is the statement that writes u to a job.
func (t *Tenant) jobUpdate(jobID string, u JobUpdate) (string, []any) {
	now := domain.Now()
	var finished *domain.Time
	if u.Finished {
		finished = &now
	}
	q := `UPDATE jobs SET state = ?, attempt = ?, error = ?, error_code = ?, lease_until = ?, finished_at = ?, updated_at = ?`
	args := []any{u.State, u.Attempt, u.Error, nullable(u.ErrorCode), u.LeaseUntil, finished, now}
	if u.RunAfter != nil {
		q += `, run_after = ?`
		args = append(args, *u.RunAfter)
	}
	if u.EngineJobID != nil {
		q += `, engine_job_id = ?`
		args = append(args, *u.EngineJobID)
	}
	return q + ` WHERE owner_id = ? AND id = ?`, append(args, t.owner, jobID)
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

// UpdateActiveJob records a job's new state only while the job is still
// queued or running, and reports whether it did. A job that was cancelled
// (or finished) meanwhile keeps its state, whichever process cancelled it:
// on Postgres the row lock makes a concurrent cancel and this update take
// turns, and the second sees the first's state.
func (t *Tenant) UpdateActiveJob(ctx context.Context, jobID string, u JobUpdate) (bool, error) {
	q, args := t.jobUpdate(jobID, u)
	res, err := t.exec(ctx, q+` AND state IN ('queued', 'running')`, args...)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, wrapDB(err)
}

// RequeueFinishedJob puts a failed or cancelled job back in the queue with
// no attempts made, as engine job engineJobID, and reports whether it was
// failed or cancelled.
func (t *Tenant) RequeueFinishedJob(ctx context.Context, jobID string, engineJobID int64) (bool, error) {
	now := domain.Now()
	res, err := t.exec(ctx, `UPDATE jobs SET state = ?, attempt = 0, error = NULL, error_code = NULL, lease_until = NULL, finished_at = NULL,
		run_after = ?, engine_job_id = ?, updated_at = ?
		WHERE owner_id = ? AND id = ? AND state IN ('failed', 'cancelled')`, domain.JobQueued, now, engineJobID, now, t.owner, jobID)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, wrapDB(err)
}
