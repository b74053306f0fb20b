package store

import "context"

// JobCount is how many jobs of a kind are in a state, over every owner.
type JobCount struct {
	Kind  string `db:"kind"`
	State string `db:"state"`
	N     int64  `db:"n"`
}

// RunCount sums model calls of an agent and model, over every owner.
type RunCount struct {
	Agent     string  `db:"agent"`
	Model     string  `db:"model"`
	Status    string  `db:"status"`
	Calls     int64   `db:"calls"`
	TokensIn  int64   `db:"tokens_in"`
	TokensOut int64   `db:"tokens_out"`
	CostUSD   float64 `db:"cost_usd"`
}

// Totals are the operator's figures: counts only, no tenant's content.
type Totals struct {
	Jobs []JobCount
	Runs []RunCount
}

// Totals counts jobs and sums runs across owners, for metrics.
func (db *DB) Totals(ctx context.Context) (*Totals, error) {
	var t Totals
	if err := db.X.SelectContext(ctx, &t.Jobs, `SELECT kind, state, count(*) AS n FROM jobs GROUP BY kind, state ORDER BY kind, state`); err != nil {
		return nil, wrapDB(err)
	}
	if err := db.X.SelectContext(ctx, &t.Runs, `SELECT agent, model, status, count(*) AS calls,
			coalesce(sum(tokens_in), 0) AS tokens_in, coalesce(sum(tokens_out), 0) AS tokens_out, coalesce(sum(cost_usd), 0) AS cost_usd
		FROM runs GROUP BY agent, model, status ORDER BY agent, model, status`); err != nil {
		return nil, wrapDB(err)
	}
	return &t, nil
}
