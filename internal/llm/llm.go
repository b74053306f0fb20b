// Package llm is the neutral interface between opus's agents and the model
// providers (offline, openai, replay). A provider receives one agent's
// structured input and returns that agent's JSON output; it knows nothing of
// the database, jobs or guards.
package llm

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"

	"github.com/opusblocks/opus/internal/contract"
)

// Request is one call to an agent.
type Request struct {
	Agent         contract.Agent
	PromptVersion string
	Model         string
	Temperature   float64
	// Input is one of contract.LibrarianInput, contract.WriterInput or
	// contract.VerifierInput, matching Agent.
	Input any
	// Repair, when set, is the validation error of the previous answer to
	// the same request: the one repair attempt the contract allows.
	Repair string
}

// Response is the provider's answer: the agent's raw JSON output (validated
// by the caller, never trusted) and what the call cost.
type Response struct {
	Output       []byte
	Model        string
	TokensIn     int
	TokensOut    int
	TokensCached int
	CostUSD      float64
	// PriceVersion names the price table CostUSD was computed from.
	PriceVersion string
}

// Provider answers agent requests.
type Provider interface {
	// Name is recorded on every run: "offline", "openai", "replay".
	Name() string
	Complete(ctx context.Context, req Request) (Response, error)
}

// canonicalRequest is what identifies a call; the input hash is over it.
type canonicalRequest struct {
	Agent         contract.Agent `json:"agent"`
	PromptVersion string         `json:"prompt_version"`
	Model         string         `json:"model"`
	Temperature   float64        `json:"temperature"`
	Input         any            `json:"input"`
	Repair        string         `json:"repair,omitempty"`
}

// Canonical returns the canonical JSON of a request (everything that decides
// the answer) and its input hash, the hex sha256 of that JSON. Runs, the
// cache and cassettes all key on this one hash.
func Canonical(req Request) ([]byte, string, error) {
	// A conversion, not a literal: a field added to Request fails to compile
	// here until someone decides whether it belongs in the hash.
	b, err := json.Marshal(canonicalRequest(req))
	if err != nil {
		return nil, "", err
	}
	sum := sha256.Sum256(b)
	return b, hex.EncodeToString(sum[:]), nil
}

// PermanentError is a provider failure that retrying cannot fix (a rejected
// key, a malformed request, a cassette without the answer): the job fails at
// once instead of using up its attempts.
type PermanentError struct{ Err error }

func (e *PermanentError) Error() string { return e.Err.Error() }
func (e *PermanentError) Unwrap() error { return e.Err }

// IsUnavailable reports whether a provider error means the model server
// could not answer (unreachable, timing out, overloaded or failing), as
// opposed to refusing the request: the command that waited for the job
// exits "unavailable".
func IsUnavailable(err error) bool {
	var u interface{ Unavailable() bool }
	return errors.As(err, &u) && u.Unavailable()
}

// IsPermanent reports whether a provider error cannot be fixed by trying
// again: a PermanentError, or an error that says it is not retryable.
func IsPermanent(err error) bool {
	var pe *PermanentError
	if errors.As(err, &pe) {
		return true
	}
	var r interface{ IsRetryable() bool }
	return errors.As(err, &r) && !r.IsRetryable()
}
