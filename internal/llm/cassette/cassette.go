// Package cassette records model answers to a JSONL file keyed by input hash
// and replays them, so CI can gate prompt and model changes without API
// keys: a request whose hash is not on the cassette (a changed prompt,
// model or input) is an error, never a silent pass.
package cassette

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sync"

	"github.com/opusblocks/opus/internal/contract"
	"github.com/opusblocks/opus/internal/llm"
)

// Entry is one recorded answer.
type Entry struct {
	InputHash     string         `json:"input_hash"`
	Agent         contract.Agent `json:"agent"`
	PromptVersion string         `json:"prompt_version"`
	// RequestModel is the model asked for (part of the input hash); Model
	// is the one that answered.
	RequestModel string          `json:"request_model"`
	Model        string          `json:"model"`
	Output       json.RawMessage `json:"output"`
	TokensIn     int             `json:"tokens_in"`
	TokensOut    int             `json:"tokens_out"`
	TokensCached int             `json:"tokens_cached"`
	CostUSD      float64         `json:"cost_usd"`
}

// Recorder wraps a provider and appends each successful answer to a file.
type Recorder struct {
	llm.Provider
	mu   sync.Mutex
	f    *os.File
	seen map[string]bool
}

// NewRecorder records inner's answers to path (appending; existing entries
// are kept and not written twice).
func NewRecorder(inner llm.Provider, path string) (*Recorder, error) {
	seen := map[string]bool{}
	if entries, err := load(path); err == nil {
		for h := range entries {
			seen[h] = true
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, fmt.Errorf("cannot open cassette %s for recording: %w", path, err)
	}
	return &Recorder{Provider: inner, f: f, seen: seen}, nil
}

// Complete answers through the wrapped provider and records the answer.
func (r *Recorder) Complete(ctx context.Context, req llm.Request) (llm.Response, error) {
	resp, err := r.Provider.Complete(ctx, req)
	if err != nil {
		return resp, err
	}
	_, hash, herr := llm.Canonical(req)
	if herr != nil {
		return resp, herr
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.seen[hash] {
		return resp, nil
	}
	line, err := json.Marshal(Entry{InputHash: hash, Agent: req.Agent, PromptVersion: req.PromptVersion, RequestModel: req.Model, Model: resp.Model,
		Output: json.RawMessage(resp.Output), TokensIn: resp.TokensIn, TokensOut: resp.TokensOut, TokensCached: resp.TokensCached, CostUSD: resp.CostUSD})
	if err != nil {
		// Not JSON: record it as a string so the cassette stays one entry a line.
		raw, _ := json.Marshal(string(resp.Output))
		line, _ = json.Marshal(Entry{InputHash: hash, Agent: req.Agent, PromptVersion: req.PromptVersion, RequestModel: req.Model, Model: resp.Model, Output: raw})
	}
	if _, err := r.f.Write(append(line, '\n')); err != nil {
		return resp, fmt.Errorf("cannot write cassette: %w", err)
	}
	r.seen[hash] = true
	return resp, nil
}

// Close flushes the cassette to disk.
func (r *Recorder) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.f.Sync(); err != nil {
		r.f.Close()
		return err
	}
	return r.f.Close()
}

// Replay answers from a cassette.
type Replay struct{ entries map[string]Entry }

// Open loads a cassette for replay.
func Open(path string) (*Replay, error) {
	entries, err := load(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("cassette %s does not exist; record one with --record %s", path, path)
		}
		return nil, err
	}
	return &Replay{entries: entries}, nil
}

// Models returns, per agent, the model its requests were recorded with when
// that is one model; replay asks for the same so the input hashes match.
func (p *Replay) Models() map[contract.Agent]string {
	out := map[contract.Agent]string{}
	multi := map[contract.Agent]bool{}
	for _, e := range p.entries {
		if m, ok := out[e.Agent]; ok && m != e.RequestModel {
			multi[e.Agent] = true
		}
		out[e.Agent] = e.RequestModel
	}
	for a := range multi {
		delete(out, a)
	}
	return out
}

// Name is recorded on runs.
func (*Replay) Name() string { return "replay" }

// Complete returns the recorded answer for the request's input hash.
func (p *Replay) Complete(_ context.Context, req llm.Request) (llm.Response, error) {
	_, hash, err := llm.Canonical(req)
	if err != nil {
		return llm.Response{}, err
	}
	e, ok := p.entries[hash]
	if !ok {
		return llm.Response{}, &llm.PermanentError{Err: fmt.Errorf("cassette has no answer for this %s request (prompt %s, model %s, input %.12s): prompt, model or input changed: re-record",
			req.Agent, req.PromptVersion, req.Model, hash)}
	}
	return llm.Response{Output: e.Output, Model: e.Model, TokensIn: e.TokensIn, TokensOut: e.TokensOut, TokensCached: e.TokensCached, CostUSD: e.CostUSD}, nil
}

func load(path string) (map[string]Entry, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out := map[string]Entry{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for n := 1; sc.Scan(); n++ {
		if len(sc.Bytes()) == 0 {
			continue
		}
		var e Entry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil || e.InputHash == "" {
			return nil, fmt.Errorf("cassette %s line %d is not a cassette entry", path, n)
		}
		out[e.InputHash] = e
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("cannot read cassette %s: %w", path, err)
	}
	return out, nil
}
