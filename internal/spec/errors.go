package spec

import (
	"strings"

	"github.com/opusblocks/opus/internal/schemaerr"
)

// Problem is one thing wrong with a spec: where (a JSON pointer into the
// document, "" for the document itself) and what.
type Problem = schemaerr.Problem

// ValidationError reports every problem found in a spec at once, so a user
// fixes them in one round instead of one per run.
type ValidationError struct {
	Problems []Problem `json:"problems"`
}

// Error is one line, so it fits a CLI message and an API error field alike.
func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		parts[i] = p.String()
	}
	return "invalid spec: " + strings.Join(parts, "; ")
}

func invalid(ps ...Problem) *ValidationError {
	schemaerr.Sort(ps)
	return &ValidationError{Problems: ps}
}
