package guards

import (
	"fmt"
	"strings"

	"github.com/opusblocks/opus/internal/textnorm"
)

// comparisonMarkers introduce the standard of a comparison: what the
// subject is compared with ("than B", "compared with B", "versus B").
var comparisonMarkers = newCues("than, versus, vs, compared with, compared to, as compared with, as compared to, "+
	"in comparison with, in comparison to, relative to, as opposed to, over", "")

// overAfter are the words after which "over" compares ("a rise of 7%
// over baseline", "a 2.4x gain over the old method") rather than spans
// ("over 12 weeks").
var overAfter = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`more less fewer greater higher lower larger smaller better worse superior
		inferior faster slower longer shorter stronger weaker increase increased increases improvement
		improvements improve improved improves advantage advantages gain gains speedup speedups benefit
		benefits preferred preference superiority outperform outperforms outperformed reduction decrease
		decreased lead edge`) {
		overAfter[w] = true
	}
}

// echoes are the prepositions that are content words (they place a claim
// in time or space) and that a standard may repeat from its subject side.
var echoes = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`during after before within among under across throughout inside outside near
		at in on for with from`) {
		echoes[textnorm.Key(w)] = true
	}
}

// overTime are standards that make "over" a span of time ("improved over
// time", "an increase over the years").
var overTime = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`time years decades months weeks days course period follow lifetime`) {
		overTime[textnorm.Key(w)] = true
	}
}

// clauseBreak ends the clause a comparison belongs to: sentence-internal
// stops, semicolons, colons and contrast conjunctions. Commas and "and" do
// not: in "X was higher in A and B than in C" both A and B are compared
// with C.
func clauseBreak(t textnorm.Token) bool {
	switch t.Kind {
	case textnorm.Punct:
		return t.Key == ";" || t.Key == ":" || t.Key == "." || t.Key == "!" || t.Key == "?"
	case textnorm.Word:
		switch form(t) {
		case "whereas", "while", "but", "although", "though", "however", "yet":
			return true
		}
	}
	return false
}

// comparison is one comparison of a text: the words of its subject side
// (before the marker) and of its standard (the phrase after the marker),
// and the words that are part of neither (what follows the standard).
type comparison struct {
	marker  string
	subject []string
	std     []string
	rest    []string
}

// item is how a token takes part in a comparison: the key of its synonym
// class for a content word, its key for a number, "" otherwise.
func item(t textnorm.Token) string {
	switch {
	case t.Kind == textnorm.Number:
		return "#" + t.Key
	case t.Kind == textnorm.Word && !t.Stop:
		if c, ok := textnorm.Concept(t.Text); ok {
			return c
		}
		return t.Key
	}
	return ""
}

// comparisons returns the comparisons of toks. A marker followed by a
// number states a bound or compares values ("more than 50 patients", "36%
// vs 2%"); those are left to the number guards. A comparison's subject
// side runs back to the start of its clause or the standard of the
// comparison before it; what follows its standard runs to the end of the
// clause or the next comparison. A marker that opens its clause
// ("Compared with placebo, drug A ...") takes what follows its standard
// as its subject.
func comparisons(toks []textnorm.Token) []comparison {
	type found struct {
		cue                 Cue
		std                 []string
		clauseStart, stdEnd int
		clauseEnd           int
	}
	var fs []found
	for _, c := range comparisonMarkers.find(toks) {
		if form(toks[c.Start]) == "over" && !overComparative(toks, c.Start) {
			continue
		}
		start := c.Start
		for start > 0 && !clauseBreak(toks[start-1]) {
			start--
		}
		end := c.End
		for end < len(toks) && !clauseBreak(toks[end]) {
			end++
		}
		// The standard: stop words and a full stop ("vs.") may lead;
		// then content words and numbers up to the first stop word or
		// punctuation.
		k := skipLead(toks, c.End, end)
		// "than that seen in the control plots", "than those
		// observed with placebo": the pronoun stands for the subject,
		// the participle is no part of the standard.
		if k+1 < end && k > c.End && isDemonstrative(toks[k-1]) && isParticiple(toks[k]) && toks[k+1].Kind == textnorm.Word && toks[k+1].Stop {
			k = skipLead(toks, k+1, end)
		}
		if k >= end || toks[k].Kind == textnorm.Number {
			continue
		}
		var std []string
		for ; k < end && item(toks[k]) != ""; k++ {
			std = append(std, item(toks[k]))
		}
		if len(std) == 0 || form(toks[c.Start]) == "over" && overTime[std[0]] {
			continue
		}
		fs = append(fs, found{cue: c, std: std, clauseStart: start, stdEnd: k, clauseEnd: end})
	}
	items := func(from, to int) []string {
		var out []string
		for _, t := range toks[from:to] {
			if it := item(t); it != "" {
				out = append(out, it)
			}
		}
		return out
	}
	var out []comparison
	for n, f := range fs {
		start, end := f.clauseStart, f.clauseEnd
		if n > 0 && fs[n-1].stdEnd > start && fs[n-1].stdEnd <= f.cue.Start {
			start = fs[n-1].stdEnd
		}
		if n+1 < len(fs) && fs[n+1].cue.Start < end {
			end = fs[n+1].cue.Start
		}
		cmp := comparison{marker: f.cue.Text, std: f.std}
		before, after := items(start, f.cue.Start), items(f.stdEnd, max(end, f.stdEnd))
		if len(before) == 0 {
			cmp.subject = after
		} else {
			cmp.subject, cmp.rest = before, after
		}
		out = append(out, cmp)
	}
	return out
}

// skipLead skips the stop words (and the full stop of "vs.") that may
// open a standard.
func skipLead(toks []textnorm.Token, k, end int) int {
	for k < end && (toks[k].Kind == textnorm.Word && toks[k].Stop || toks[k].Kind == textnorm.Punct && toks[k].Key == ".") {
		k++
	}
	return k
}

func isDemonstrative(t textnorm.Token) bool {
	f := form(t)
	return t.Kind == textnorm.Word && (f == "that" || f == "those")
}

// isParticiple reports past participles ("seen", "observed", "reported").
func isParticiple(t textnorm.Token) bool {
	if t.Kind != textnorm.Word || t.Stop {
		return false
	}
	f := form(t)
	switch f {
	case "seen", "shown", "found", "known", "given", "taken", "made", "obtained", "achieved":
		return true
	}
	return len(f) > 4 && strings.HasSuffix(f, "ed")
}

// overComparative reports whether "over" at i follows a word of
// comparison, numbers and function words aside.
func overComparative(toks []textnorm.Token, i int) bool {
	for k := i - 1; k >= 0; k-- {
		t := toks[k]
		switch {
		case t.Kind == textnorm.Number, t.Kind == textnorm.Word && t.Stop:
			continue
		case t.Kind == textnorm.Word:
			return overAfter[form(t)]
		}
		return false
	}
	return false
}

// checkComparison keeps the sides of a comparison: for each comparison of
// the sentence, one fact view must make a comparison whose standard holds
// every word of the sentence's standard, and whose subject side holds
// every word of the sentence's subject side that the view has at all
// (outside what follows its standard). "Seedlings are more sensitive in
// the first month than in the second month" is not backed by "... in the
// second month than the first month". A
// comparison the linked facts do not make at all is not supported either.
func checkComparison(s []textnorm.Token, fs []fact) []Failure {
	for _, sc := range comparisons(s) {
		found, any := false, false
		for _, f := range fs {
			for _, v := range f.views {
				in := map[string]bool{}
				for _, t := range v {
					if it := item(t); it != "" {
						in[it] = true
					}
				}
				for _, fc := range comparisons(v) {
					any = true
					if sidesHold(sc, fc, in) {
						found = true
					}
				}
			}
		}
		if found {
			continue
		}
		reason := fmt.Sprintf("the sentence compares (%q %s) but no linked fact makes that comparison", sc.marker, strings.Join(sc.std, " "))
		if any {
			reason = fmt.Sprintf("the sides of the comparison (%q) are not in the order of the linked facts", sc.marker)
		}
		return []Failure{{Guard: Comparison, Reason: reason, Span: sc.marker}}
	}
	return nil
}

func sidesHold(sc, fc comparison, in map[string]bool) bool {
	std, subj, rest := set(fc.std), set(fc.subject), set(fc.rest)
	for _, w := range sc.std {
		// "in the second month than [in] the first month": a
		// preposition of the subject side may be repeated.
		if !std[w] && (!echoes[w] || !subj[w]) {
			return false
		}
	}
	for _, w := range sc.subject {
		if in[w] && !subj[w] && !rest[w] {
			return false
		}
	}
	return true
}

func set(xs []string) map[string]bool {
	out := make(map[string]bool, len(xs))
	for _, x := range xs {
		out[x] = true
	}
	return out
}
