package offline

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/opusblocks/opus/internal/contract"
)

// withinMinutes fails the test if f has not returned after a generous
// while: the inputs below take well under a second in linear time and hours
// in quadratic time, so only a regression can reach the limit.
func withinMinutes(t *testing.T, name string, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() { defer close(done); f() }()
	select {
	case <-done:
	case <-time.After(2 * time.Minute):
		t.Fatalf("%s: still running after 2 minutes; is it quadratic again?", name)
	}
}

// Sentence splitting and the claim filter stay linear on text built to
// defeat them: runs of initials, of full stops, of abbreviations, and one
// sentence of a megabyte.
func TestLibrarianIsLinearOnAdversarialPages(t *testing.T) {
	const n = 1 << 20
	pages := map[string]string{
		"initials":        strings.Repeat("A. ", n/3),
		"full stops":      "It ends" + strings.Repeat(".", n) + "and goes on. Then more follows.",
		"mixed stops":     strings.Repeat("x.?!) ", n/6) + "B",
		"abbreviations":   strings.Repeat("Fig. ", n/5) + "The end.",
		"one long word":   strings.Repeat("a", n),
		"one long phrase": "The " + strings.Repeat("drug ", n/5) + "worked.",
		"label-like":      "A" + strings.Repeat("a", n) + ": It was measured in 12 patients who were then followed.",
	}
	for name, page := range pages {
		withinMinutes(t, name, func() {
			_ = sentences(page)
			out := Librarian(contract.LibrarianInput{Pages: []contract.Page{{No: 1, Text: page}}})
			for _, f := range out.Facts {
				assert.LessOrEqual(t, len(f.Quote), maxQuoteBytes, name)
			}
		})
	}
	got := sentences(strings.Repeat("A. ", 1000) + "The end. Next one.")
	require.Len(t, got, 2, "a run of initials is one sentence")
}

// The hand-written matchers do exactly what the patterns they replace did.
var (
	boilerPattern  = regexp.MustCompile(`(?i)(copyright|©|all rights reserved|open access|creative commons|licen[sc]e|downloaded from|correspondence|academic editor|received:|accepted:|published:|citation:|editor:|funding:|competing interests|author contributions|data availability|e-mail|tel\.)`)
	initialPattern = regexp.MustCompile(`\b[A-Z]\.`)
	urlPattern     = regexp.MustCompile(`\S*(://|www\.|@|doi:|doi\.org)\S*`)
)

func FuzzMatchersAgreeWithPatterns(f *testing.F) {
	for _, s := range []string{
		"Copyright © 2018", "ALL RIGHTS RESERVED.", "licence", "LICENSE", "Licsnse", "open  access",
		"Received: 2 May", "tel. 555", "Tel.", "E-Mail", "e‐mail", "\u212Aelvin", "\u017Fome licen\u017Fe", "lİcense",
		"J. R. R. Tolkien", "A.B.C.", "_A. 1A. é.A. (B.) x.Y.", "a@b.c", "www.x", "doi.org/1", "https://a",
		"The drug reduced LDL cholesterol by 38% in 120 patients.",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := isBoiler(s), boilerPattern.MatchString(s); got != want {
			t.Fatalf("isBoiler(%q) = %v, the pattern says %v", s, got, want)
		}
		if got, want := countInitials(s), len(initialPattern.FindAllString(s, -1)); got != want {
			t.Fatalf("countInitials(%q) = %d, the pattern finds %d", s, got, want)
		}
		if !containsAny(s, urlCues) && urlPattern.MatchString(s) {
			t.Fatalf("urlCues miss a URL in %q", s)
		}
	})
}
