// Package offline is the provider that needs no network and no model: it
// answers the three agent contracts with deterministic text processing
// (agent-contract.md, "Offline provider").
//
//   - librarian: sentences of the page text that state something, each
//     quoted exactly as extracted;
//   - writer: one cited sentence per allowed fact, must_use facts first;
//   - verifier: a conservative lexical-entailment check that would rather
//     reject a true paraphrase than pass an unsupported sentence.
//
// The same input always gives the same output, byte for byte.
package offline

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/opusblocks/opus/internal/contract"
	"github.com/opusblocks/opus/internal/llm"
)

// Model is the model name recorded on offline runs; bump it when a change
// here changes outputs, so baselines keyed by model notice.
const Model = "offline-3"

// Provider implements llm.Provider without a network.
type Provider struct{}

var _ llm.Provider = (*Provider)(nil)

// New returns the offline provider.
func New() *Provider { return &Provider{} }

// Name implements llm.Provider.
func (*Provider) Name() string { return "offline" }

// Complete answers req.Agent's contract for req.Input, which may be the
// agent's input struct or a pointer to it. It costs nothing and counts no
// tokens.
func (*Provider) Complete(ctx context.Context, req llm.Request) (llm.Response, error) {
	if err := ctx.Err(); err != nil {
		return llm.Response{}, err
	}
	var out any
	switch req.Agent {
	case contract.Librarian:
		in, err := input[contract.LibrarianInput](req)
		if err != nil {
			return llm.Response{}, err
		}
		out = Librarian(in)
	case contract.Writer:
		in, err := input[contract.WriterInput](req)
		if err != nil {
			return llm.Response{}, err
		}
		out = Writer(in)
	case contract.Verifier:
		in, err := input[contract.VerifierInput](req)
		if err != nil {
			return llm.Response{}, err
		}
		out = Verifier(in)
	default:
		return llm.Response{}, fmt.Errorf("offline: unknown agent %q", req.Agent)
	}
	b, err := json.Marshal(out)
	if err != nil {
		return llm.Response{}, fmt.Errorf("offline: encode %s output: %w", req.Agent, err)
	}
	return llm.Response{Output: b, Model: Model}, nil
}

// input returns req.Input as T, accepting T or *T.
func input[T any](req llm.Request) (T, error) {
	var zero T
	switch v := req.Input.(type) {
	case T:
		return v, nil
	case *T:
		if v != nil {
			return *v, nil
		}
	}
	return zero, fmt.Errorf("offline: %s agent needs a %T input, got %T", req.Agent, zero, req.Input)
}
