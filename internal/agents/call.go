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
	"time"

	"github.com/opusblocks/opus/internal/contract"
	"github.com/opusblocks/opus/internal/domain"
	"github.com/opusblocks/opus/internal/llm"
)

// Agents calls one provider with fixed settings.
type Agents struct {
	Provider    llm.Provider
	Model       string
	Temperature float64
	// Prompts maps each agent to its prompt version (recorded on every run).
	Prompts map[contract.Agent]string
	// Record receives every call as a run, successful or not.
	Record func(*domain.Run)
}

// ErrInvalidOutput is a model output that broke its contract twice (the
// original answer and the one repair attempt).
var ErrInvalidOutput = errors.New("invalid model output")

// call sends one request, validates its output against the agent's schema
// and the extra check, and retries once with the validation error. Every
// attempt is recorded. out receives the decoded output.
func (a *Agents) call(ctx context.Context, agent contract.Agent, input any, out any, check func() error) (*domain.Run, error) {
	repair := ""
	for attempt := 0; attempt < 2; attempt++ {
		req := llm.Request{Agent: agent, PromptVersion: a.Prompts[agent], Model: a.Model, Temperature: a.Temperature, Input: input, Repair: repair}
		canon, hash, err := llm.Canonical(req)
		if err != nil {
			return nil, err
		}
		run := &domain.Run{
			ID: domain.NewID(), Agent: string(agent), Provider: a.Provider.Name(), Model: a.Model,
			PromptVersion: req.PromptVersion, Temperature: a.Temperature, InputHash: hash, Request: string(canon),
		}
		start := time.Now()
		resp, err := a.Provider.Complete(ctx, req)
		run.LatencyMS = time.Since(start).Milliseconds()
		if err != nil {
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
		verr := contract.Validate(agent, resp.Output)
		if verr == nil {
			verr = json.Unmarshal(resp.Output, out)
		}
		if verr == nil && check != nil {
			verr = check()
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

func (a *Agents) record(r *domain.Run) {
	if a.Record != nil {
		a.Record(r)
	}
}
