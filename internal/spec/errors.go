package spec

import (
	"strconv"
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
		parts[i] = printable(p.String())
	}
	return "invalid spec: " + strings.Join(parts, "; ")
}

// printable escapes line breaks, control and format characters: a path
// names a field of the user's document, and a field name may hold any of
// them (a quoted YAML key "a\nb", a bidi override, a terminal escape).
func printable(s string) string {
	if !strings.ContainsFunc(s, unprintable) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if unprintable(r) {
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func unprintable(r rune) bool { return r != ' ' && !strconv.IsPrint(r) }

func invalid(ps ...Problem) *ValidationError {
	schemaerr.Sort(ps)
	return &ValidationError{Problems: ps}
}
