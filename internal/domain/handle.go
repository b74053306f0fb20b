package domain

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
)

// Handle prefixes: documents, facts, paragraphs, jobs, runs.
const (
	DocPrefix  = "D"
	FactPrefix = "F"
	ParaPrefix = "P"
	JobPrefix  = "J"
	RunPrefix  = "R"
)

// Handle formats a per-owner sequence number as a handle such as "F3".
func Handle(prefix string, seq int64) string { return prefix + strconv.FormatInt(seq, 10) }

// ParseHandle reads a handle of the given kind ("f3" and "F3" are the same).
func ParseHandle(prefix, s string) (int64, error) {
	t := strings.TrimSpace(s)
	if len(t) < 2 || !strings.EqualFold(t[:1], prefix) {
		return 0, Errorf(Invalid, "%q is not a %s handle (expected e.g. %s1)", s, kindName(prefix), prefix)
	}
	n, err := strconv.ParseInt(t[1:], 10, 64)
	if err != nil || n < 1 {
		return 0, Errorf(Invalid, "%q is not a %s handle (expected e.g. %s1)", s, kindName(prefix), prefix)
	}
	return n, nil
}

func kindName(prefix string) string {
	switch prefix {
	case DocPrefix:
		return "document"
	case FactPrefix:
		return "fact"
	case ParaPrefix:
		return "paragraph"
	case JobPrefix:
		return "job"
	case RunPrefix:
		return "run"
	}
	return fmt.Sprintf("%q", prefix)
}

// NotFoundf is the error for a handle that does not resolve for this owner.
// Another owner's row gives exactly the same error as a missing one.
func NotFoundf(prefix string, seq int64) *Error {
	h := Handle(prefix, seq)
	return Errorf(NotFound, "%s %s not found (see 'opus %s list')", kindName(prefix), h, listCmd(prefix))
}

func listCmd(prefix string) string {
	switch prefix {
	case DocPrefix:
		return "doc"
	case FactPrefix:
		return "facts"
	case ParaPrefix:
		return "para"
	case JobPrefix:
		return "jobs"
	}
	return "runs"
}

// NewID returns a random 128-bit id in hex, for rows whose id must be known
// before they are written (runs cited by sentences and facts).
func NewID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
