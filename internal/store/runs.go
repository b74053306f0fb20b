package store

import (
	"context"

	"github.com/opusblocks/opus/internal/domain"
)

const runColumns = `r.id, r.seq, r.job_id, r.trace_id, r.agent, r.provider, r.model, r.prompt_version, r.temperature, r.input_hash,
	r.request, r.response, r.status, r.error, r.tokens_in, r.tokens_out, r.tokens_cached, r.cost_usd, r.latency_ms,
	r.cached_from, r.rejections, r.price_version, r.created_at`

type runRow struct {
	domain.Run
	JobSeq *int64 `db:"job_seq"`
}

func (r runRow) run() domain.Run {
	out := r.Run
	out.Handle = domain.Handle(domain.RunPrefix, out.Seq)
	if r.JobSeq != nil {
		out.Job = domain.Handle(domain.JobPrefix, *r.JobSeq)
	}
	return out
}

// InsertRun records one model call; r.ID, Seq, Handle and CreatedAt are set.
func (t *Tenant) InsertRun(ctx context.Context, r *domain.Run) error {
	seq, err := t.nextSeq(ctx, domain.RunPrefix)
	if err != nil {
		return err
	}
	if r.ID == "" {
		r.ID = NewID()
	}
	r.Seq, r.CreatedAt = seq, domain.Now()
	r.Handle = domain.Handle(domain.RunPrefix, seq)
	_, err = t.exec(ctx, `INSERT INTO runs (id, owner_id, seq, job_id, trace_id, agent, provider, model, prompt_version, temperature, input_hash,
		request, response, status, error, tokens_in, tokens_out, tokens_cached, cost_usd, latency_ms, cached_from, rejections, price_version, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.ID, t.owner, r.Seq, r.JobID, r.TraceID, r.Agent, r.Provider, r.Model, r.PromptVersion, r.Temperature, r.InputHash,
		r.Request, r.Response, r.Status, r.Error, r.TokensIn, r.TokensOut, r.TokensCached, r.CostUSD, r.LatencyMS, r.CachedFrom, r.Rejections, r.PriceVersion, r.CreatedAt)
	return err
}

// RunFilter narrows a run listing.
type RunFilter struct {
	JobID string
	Agent string
	IDs   []string
	Limit int
	// Before, when set, lists only runs older than this handle number.
	Before int64
}

// Runs lists the owner's runs, newest first.
func (t *Tenant) Runs(ctx context.Context, rf RunFilter) ([]domain.Run, error) {
	q := `SELECT ` + runColumns + `, j.seq AS job_seq FROM runs r LEFT JOIN jobs j ON j.id = r.job_id WHERE r.owner_id = ?`
	args := []any{t.owner}
	if rf.JobID != "" {
		q += ` AND r.job_id = ?`
		args = append(args, rf.JobID)
	}
	if rf.Agent != "" {
		q += ` AND r.agent = ?`
		args = append(args, rf.Agent)
	}
	if rf.IDs != nil {
		q += ` AND r.id IN (` + placeholders(len(rf.IDs)) + `)`
		for _, id := range rf.IDs {
			args = append(args, id)
		}
	}
	where, pargs := Page{Cursor: rf.Before, Limit: rf.Limit}.clause("r.seq", true)
	q += where
	args = append(args, pargs...)
	var rows []runRow
	if err := t.selectAll(ctx, &rows, q, args...); err != nil {
		return nil, err
	}
	out := make([]domain.Run, len(rows))
	for i, r := range rows {
		out[i] = r.run()
	}
	return out, nil
}

// Run resolves a run handle number.
func (t *Tenant) Run(ctx context.Context, seq int64) (*domain.Run, error) {
	var r runRow
	err := t.get(ctx, &r, `SELECT `+runColumns+`, j.seq AS job_seq FROM runs r LEFT JOIN jobs j ON j.id = r.job_id WHERE r.owner_id = ? AND r.seq = ?`, t.owner, seq)
	if err != nil {
		return nil, notFound(err, domain.RunPrefix, seq)
	}
	out := r.run()
	return &out, nil
}

// runHandles maps run ids to their handles.
func (t *Tenant) runHandles(ctx context.Context, ids []string) (map[string]string, error) {
	out := map[string]string{}
	if len(ids) == 0 {
		return out, nil
	}
	type row struct {
		ID  string `db:"id"`
		Seq int64  `db:"seq"`
	}
	var rows []row
	args := []any{t.owner}
	for _, id := range ids {
		args = append(args, id)
	}
	if err := t.selectAll(ctx, &rows, `SELECT id, seq FROM runs WHERE owner_id = ? AND id IN (`+placeholders(len(ids))+`)`, args...); err != nil {
		return nil, err
	}
	for _, r := range rows {
		out[r.ID] = domain.Handle(domain.RunPrefix, r.Seq)
	}
	return out, nil
}

// CachedRun returns the owner's newest successful run with this input hash,
// or nil. Cache hits never cross owners.
func (t *Tenant) CachedRun(ctx context.Context, inputHash string) (*domain.Run, error) {
	var r runRow
	err := t.get(ctx, &r, `SELECT `+runColumns+`, j.seq AS job_seq FROM runs r LEFT JOIN jobs j ON j.id = r.job_id
		WHERE r.owner_id = ? AND r.input_hash = ? AND r.status = ? AND r.response IS NOT NULL ORDER BY r.seq DESC LIMIT 1`,
		t.owner, inputHash, domain.RunOK)
	if isNoRows(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	out := r.run()
	return &out, nil
}

// RunStat sums the owner's runs of one agent and model on one day (UTC).
type RunStat struct {
	Agent        string  `db:"agent" json:"agent,omitempty"`
	Model        string  `db:"model" json:"model,omitempty"`
	Day          string  `db:"day" json:"day,omitempty"`
	Calls        int64   `db:"calls" json:"calls"`
	Cached       int64   `db:"cached" json:"cached"`
	Failed       int64   `db:"failed" json:"failed"`
	TokensIn     int64   `db:"tokens_in" json:"tokens_in"`
	TokensOut    int64   `db:"tokens_out" json:"tokens_out"`
	TokensCached int64   `db:"tokens_cached" json:"tokens_cached"`
	CostUSD      float64 `db:"cost_usd" json:"cost_usd"`
}

// RunStats groups the owner's runs by agent, model and day.
func (t *Tenant) RunStats(ctx context.Context) ([]RunStat, error) {
	var out []RunStat
	err := t.selectAll(ctx, &out, `SELECT agent, model, substr(created_at, 1, 10) AS day, count(*) AS calls,
		sum(CASE WHEN status = 'cached' THEN 1 ELSE 0 END) AS cached,
		sum(CASE WHEN status IN ('error', 'invalid_output') THEN 1 ELSE 0 END) AS failed,
		sum(tokens_in) AS tokens_in, sum(tokens_out) AS tokens_out, sum(tokens_cached) AS tokens_cached, sum(cost_usd) AS cost_usd
		FROM runs WHERE owner_id = ? GROUP BY agent, model, substr(created_at, 1, 10) ORDER BY day, agent, model`, t.owner)
	return out, err
}
