package textnorm

import (
	"regexp"
	"strconv"
	"strings"
)

// In-text citations of a source paper, as its sentences carry them: a
// bracketed list of reference numbers ("[2]", "[4, 7]", "[3–6]") or a
// parenthesis of author–year references ("(Smith, 2019)", "(Smith et al.
// 2020; Lee and Park, 2018a)"). A year alone ("Smith (2019) showed") is
// part of the sentence and stays.
var (
	numericCitation = regexp.MustCompile(`\s*\[\s*\d{1,3}(?:\s*[,–—-]\s*\d{1,3})*\s*\]`)
	parenthesis     = regexp.MustCompile(`\s*\(([^()]*)\)`)
	authorYear      = regexp.MustCompile(`^(?:(?:see|e\.g\.|cf\.)(?:,)?\s+)?\p{Lu}[\p{L}'’-]+(?:\s+et\s+al\.?|\s+(?:and|&)\s+\p{Lu}[\p{L}'’-]+)?,?\s+\d{4}[a-z]?(?:\s*,\s*\d{4}[a-z]?)*$`)
	spaceBeforeStop = regexp.MustCompile(`\s+([.,;:!?])`)
	digits          = regexp.MustCompile(`\d+`)
)

// StripCitations removes the source paper's own citation markers from a
// fact's text: outside that paper they point nowhere, and a paragraph cites
// its facts, not their references. A bracket counts as a citation only when
// it holds reference numbers (1–999; "[0, 1]" is an interval), a
// parenthesis only when every part of it is an author and a year.
func StripCitations(s string) string {
	out := numericCitation.ReplaceAllStringFunc(s, func(m string) string {
		for _, n := range digits.FindAllString(m, -1) {
			if v, _ := strconv.Atoi(n); v < 1 {
				return m
			}
		}
		return ""
	})
	out = parenthesis.ReplaceAllStringFunc(out, func(m string) string {
		inner := parenthesis.FindStringSubmatch(m)[1]
		for _, part := range strings.Split(inner, ";") {
			if !authorYear.MatchString(strings.TrimSpace(part)) {
				return m
			}
		}
		return ""
	})
	if out == s {
		return s
	}
	return strings.TrimSpace(spaceBeforeStop.ReplaceAllString(out, "$1"))
}
