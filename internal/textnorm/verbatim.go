package textnorm

import (
	"strings"
	"unicode"
)

// SharedRun is the length, in words, of the longest run of consecutive
// words that sentence and quote have in common: how much of the quote the
// sentence copies verbatim. Words are compared after Normalize (so line
// breaks, hyphenation, ligatures and curly quotes do not matter), without
// case; punctuation between words is ignored, and markers such as [F3] are
// not words of the sentence.
func SharedRun(sentence, quote string) int {
	a, b := runWords(StripMarkers(sentence)), runWords(quote)
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	// Longest common substring over words: prev[j] is the run ending at
	// a[i-1] and b[j-1].
	prev, cur := make([]int, len(b)+1), make([]int, len(b)+1)
	best := 0
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			if a[i-1] == b[j-1] {
				cur[j] = prev[j-1] + 1
				best = max(best, cur[j])
			} else {
				cur[j] = 0
			}
		}
		prev, cur = cur, prev
	}
	return best
}

// runWords are the lower-cased runs of letters, marks and digits of s; a
// point or comma between digits continues a number ("14.2" is one word).
func runWords(s string) []string {
	rs := []rune(strings.ToLower(Normalize(s)))
	inWord := func(i int) bool {
		r := rs[i]
		if unicode.IsLetter(r) || unicode.IsMark(r) || unicode.IsDigit(r) {
			return true
		}
		return (r == '.' || r == ',') && i > 0 && i+1 < len(rs) && unicode.IsDigit(rs[i-1]) && unicode.IsDigit(rs[i+1])
	}
	var words []string
	for i := 0; i < len(rs); {
		if !inWord(i) {
			i++
			continue
		}
		j := i
		for j < len(rs) && inWord(j) {
			j++
		}
		words = append(words, string(rs[i:j]))
		i = j
	}
	return words
}
