package service

import (
	"context"

	"github.com/opusblocks/opus/internal/domain"
	"github.com/opusblocks/opus/internal/store"
)

func (s *Service) resolveJob(ctx context.Context, a Actor, handle string) (*domain.Job, error) {
	seq, err := domain.ParseHandle(domain.JobPrefix, handle)
	if err != nil {
		return nil, err
	}
	return s.db.Tenant(a.OwnerID).Job(ctx, seq)
}

// Jobs lists the owner's most recent jobs.
func (s *Service) Jobs(ctx context.Context, a Actor, limit int) ([]domain.Job, error) {
	return s.JobsPage(ctx, a, "", limit)
}

// JobsPage lists the owner's jobs newest first, older than the job handle
// before when it is set (a page's cursor).
func (s *Service) JobsPage(ctx context.Context, a Actor, before string, limit int) ([]domain.Job, error) {
	if limit == 0 {
		limit = 50
	}
	p, err := page(domain.JobPrefix, before, limit)
	if err != nil {
		return nil, err
	}
	return s.db.Tenant(a.OwnerID).Jobs(ctx, p)
}

// page is the store's page for a cursor handle ("" for the first page).
// Every list and search takes its limit through here or checkLimit.
func page(prefix, cursor string, limit int) (store.Page, error) {
	p := store.Page{Limit: limit}
	if err := checkLimit(limit); err != nil {
		return p, err
	}
	if cursor != "" {
		seq, err := domain.ParseHandle(prefix, cursor)
		if err != nil {
			return p, domain.Errorf(domain.Invalid, "cursor %q: %s", cursor, domain.ErrorMessage(err))
		}
		p.Cursor = seq
	}
	return p, nil
}

// checkLimit refuses a negative limit rather than read it as "no limit" or
// "the default": a script passing -1 has a bug it should hear about.
func checkLimit(limit int) error {
	if limit < 0 {
		return domain.Errorf(domain.Invalid, "limit %d: give a positive number", limit)
	}
	return nil
}

// Job shows one job.
func (s *Service) Job(ctx context.Context, a Actor, handle string) (*domain.Job, error) {
	return s.resolveJob(ctx, a, handle)
}

// WaitJob blocks until a job is finished. Jobs make progress only where
// workers run: in this process once the engine is started, or in a server.
func (s *Service) WaitJob(ctx context.Context, a Actor, jobID string, progress func(done, total int)) (*domain.Job, error) {
	if progress != nil {
		s.engine.OnProgress(jobID, progress)
		defer s.engine.OnProgress(jobID, nil)
	}
	return s.engine.Wait(ctx, a.OwnerID, jobID)
}

// CancelJob cancels a queued or running job.
func (s *Service) CancelJob(ctx context.Context, a Actor, handle string) (*domain.Job, error) {
	j, err := s.resolveJob(ctx, a, handle)
	if err != nil {
		return nil, err
	}
	return s.engine.Cancel(ctx, a.OwnerID, j)
}

// RetryJob queues a failed or cancelled job again; its handler's Retrying
// puts the target back into the state the job expects.
func (s *Service) RetryJob(ctx context.Context, a Actor, handle string) (*domain.Job, error) {
	j, err := s.resolveJob(ctx, a, handle)
	if err != nil {
		return nil, err
	}
	return s.engine.Retry(ctx, a.OwnerID, j)
}

// RunFilter narrows Runs.
type RunFilter struct {
	Job    string // job handle
	Agent  string
	Limit  int
	Before string // only runs older than this run handle (a page's cursor)
}

// Runs lists the owner's runs, newest first. Bodies are left out of lists.
func (s *Service) Runs(ctx context.Context, a Actor, f RunFilter) ([]domain.Run, error) {
	rf := store.RunFilter{Agent: f.Agent, Limit: f.Limit}
	if rf.Limit == 0 {
		rf.Limit = 50
	}
	p, err := page(domain.RunPrefix, f.Before, rf.Limit)
	if err != nil {
		return nil, err
	}
	rf.Before = p.Cursor
	if f.Job != "" {
		j, err := s.resolveJob(ctx, a, f.Job)
		if err != nil {
			return nil, err
		}
		rf.JobID = j.ID
	}
	runs, err := s.db.Tenant(a.OwnerID).Runs(ctx, rf)
	if err != nil {
		return nil, err
	}
	for i := range runs {
		runs[i].Request, runs[i].Response = "", nil
	}
	return runs, nil
}

// Run shows one run. Writer and verifier bodies may hold unverified
// sentences, so they are shown only with diagnostics.
func (s *Service) Run(ctx context.Context, a Actor, handle string, diagnostics bool) (*domain.Run, error) {
	seq, err := domain.ParseHandle(domain.RunPrefix, handle)
	if err != nil {
		return nil, err
	}
	r, err := s.db.Tenant(a.OwnerID).Run(ctx, seq)
	if err != nil {
		return nil, err
	}
	if !diagnostics {
		redactRun(r)
	}
	return r, nil
}

// RunSummary is the owner's model calls summed: in all, and by agent,
// model and day.
type RunSummary struct {
	Total   RunTotal   `json:"total"`
	ByAgent []RunTotal `json:"by_agent"`
	ByModel []RunTotal `json:"by_model"`
	ByDay   []RunTotal `json:"by_day"`
}

// RunTotal is a sum of runs under one key.
type RunTotal struct {
	Key string `json:"key"`
	store.RunStat
}

// RunSummary sums the owner's runs.
func (s *Service) RunSummary(ctx context.Context, a Actor) (*RunSummary, error) {
	rows, err := s.RunStats(ctx, a)
	if err != nil {
		return nil, err
	}
	out := &RunSummary{
		ByAgent: sumRuns(rows, func(r store.RunStat) string { return r.Agent }),
		ByModel: sumRuns(rows, func(r store.RunStat) string { return r.Model }),
		ByDay:   sumRuns(rows, func(r store.RunStat) string { return r.Day }),
	}
	if all := sumRuns(rows, func(store.RunStat) string { return "" }); len(all) == 1 {
		out.Total = all[0]
	}
	return out, nil
}

// sumRuns groups rows by key, in first-seen order.
func sumRuns(rows []store.RunStat, key func(store.RunStat) string) []RunTotal {
	out := []RunTotal{}
	idx := map[string]int{}
	for _, r := range rows {
		k := key(r)
		i, ok := idx[k]
		if !ok {
			i = len(out)
			idx[k] = i
			out = append(out, RunTotal{Key: k})
		}
		s := &out[i].RunStat
		s.Calls += r.Calls
		s.Cached += r.Cached
		s.Failed += r.Failed
		s.TokensIn += r.TokensIn
		s.TokensOut += r.TokensOut
		s.TokensCached += r.TokensCached
		s.CostUSD += r.CostUSD
	}
	return out
}

// RunStats sums the owner's runs by agent, model and day.
func (s *Service) RunStats(ctx context.Context, a Actor) ([]store.RunStat, error) {
	return s.db.Tenant(a.OwnerID).RunStats(ctx)
}
