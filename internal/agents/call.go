// Package agents runs the librarian, writer and verifier against a provider
// and holds the checks that make their outputs trustworthy: output
// validation with one repair attempt, quote anchoring, the writer's allowed
// set, and the verifier's deterministic guards. Agents are pure: they return
// what happened, including a domain.Run for every call, and persist nothing.
package agents

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"time"

	"github.com/opusblocks/opus/internal/contract"
	"github.com/opusblocks/opus/internal/domain"
	"github.com/opusblocks/opus/internal/llm"
)

// Cache answers a request from an earlier successful run with the same
// input hash (same agent, prompt version, model, temperature and input).
type Cache interface {
	// Lookup returns the earlier run, or nil when there is none.
	Lookup(ctx context.Context, inputHash string) (*domain.Run, error)
}

// Agents calls one provider with fixed settings.
type Agents struct {
	Provider llm.Provider
	// Models maps each agent to its model; Model is the fallback.
	Models      map[contract.Agent]string
	Model       string
	Temperature float64
	// Prompts maps each agent to its prompt version (recorded on every run).
	Prompts map[contract.Agent]string
	// Record receives every call as a run, successful or not. It may be
	// called from several goroutines at once; Agents serialises the calls.
	Record func(*domain.Run)
	// Cache, when set, answers identical requests at temperature 0.
	Cache Cache
	// Concurrency bounds the calls one operation makes at once (chunks of a
	// document, sentences of a paragraph); 0 means 1.
	Concurrency int
	// VerifyBatch is the number of sentences per verifier call; 0 means 1.
	VerifyBatch int

	recordMu sync.Mutex
}

// ErrInvalidOutput is a model output that broke its contract twice (the
// original answer and the one repair attempt).
var ErrInvalidOutput = errors.New("invalid model output")

func (a *Agents) model(agent contract.Agent) string {
	if m := a.Models[agent]; m != "" {
		return m
	}
	return a.Model
}

func (a *Agents) concurrency() int { return max(a.Concurrency, 1) }

// call sends one request, validates its output against the agent's schema
// and the extra check, and retries once with the validation error. Every
// attempt is recorded. out receives the decoded output.
func (a *Agents) call(ctx context.Context, agent contract.Agent, input any, out any, check func() error) (*domain.Run, error) {
	repair := ""
	for attempt := 0; attempt < 2; attempt++ {
		req := llm.Request{Agent: agent, PromptVersion: a.Prompts[agent], Model: a.model(agent), Temperature: a.Temperature, Input: input, Repair: repair}
		canon, hash, err := llm.Canonical(req)
		if err != nil {
			return nil, err
		}
		run := &domain.Run{
			ID: domain.NewID(), Agent: string(agent), Provider: a.Provider.Name(), Model: req.Model,
			PromptVersion: req.PromptVersion, Temperature: a.Temperature, InputHash: hash, Request: string(canon),
		}
		if hit := a.cached(ctx, hash); hit != nil {
			run.Status, run.Model, run.Response, run.CachedFrom = domain.RunCached, hit.Model, hit.Response, &hit.ID
			if a.accept(agent, []byte(*hit.Response), out, check) == nil {
				a.record(run)
				return run, nil
			}
		}
		start := time.Now()
		resp, err := a.Provider.Complete(ctx, req)
		run.LatencyMS = time.Since(start).Milliseconds()
		var oe *llm.OutputError
		if err != nil && !errors.As(err, &oe) {
			msg := err.Error()
			run.Status, run.Error = domain.RunError, &msg
			a.record(run)
			return run, err
		}
		if resp.Model != "" {
			run.Model = resp.Model
		}
		body := string(resp.Output)
		run.Response = &body
		run.TokensIn, run.TokensOut, run.TokensCached = int64(resp.TokensIn), int64(resp.TokensOut), int64(resp.TokensCached)
		run.CostUSD = resp.CostUSD
		if resp.PriceVersion != "" {
			pv := resp.PriceVersion
			run.PriceVersion = &pv
		}
		verr := err // a refusal or truncated answer is invalid output
		if verr == nil {
			verr = a.accept(agent, resp.Output, out, check)
		}
		if verr == nil {
			run.Status = domain.RunOK
			a.record(run)
			return run, nil
		}
		msg := verr.Error()
		run.Status, run.Error = domain.RunInvalidOutput, &msg
		a.record(run)
		repair = msg
	}
	return nil, domain.Wrap(ErrInvalidOutput, domain.Internal, "%s output broke its contract after one repair attempt: %s", agent, repair)
}

// accept validates an output against the agent's schema and check.
func (a *Agents) accept(agent contract.Agent, output []byte, out any, check func() error) error {
	if err := contract.Validate(agent, output); err != nil {
		return err
	}
	if err := json.Unmarshal(output, out); err != nil {
		return err
	}
	if check != nil {
		return check()
	}
	return nil
}

// cached returns an earlier successful run for the hash, at temperature 0
// only: a sampled answer is not a function of its input.
func (a *Agents) cached(ctx context.Context, hash string) *domain.Run {
	if a.Cache == nil || a.Temperature != 0 {
		return nil
	}
	hit, err := a.Cache.Lookup(ctx, hash)
	if err != nil || hit == nil || hit.Response == nil {
		return nil
	}
	return hit
}

func (a *Agents) record(r *domain.Run) {
	if a.Record == nil {
		return
	}
	a.recordMu.Lock()
	defer a.recordMu.Unlock()
	a.Record(r)
}
