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

// comparison is one comparison of a text: the words of its subject side
// (before the marker) and of its standard (the phrase after the marker),
// and the words that are part of neither (what follows the standard).
type comparison struct {
	marker  string
	subject []string
	std     []string
	rest    []string
}

// comparisons returns the comparisons of toks. A marker followed by a
// number states a bound or compares values ("more than 50 patients", "36%
// vs 2%"); those are left to the number guards. A comparison's subject
// side runs back to the start of its clause (textnorm.StrongClauses: "X
// was higher in A and B than in C" compares both A and B with C) or the
// standard of the comparison before it; what follows its standard runs to
// the end of the clause or the next comparison. A marker that opens its
// clause ("Compared with placebo, drug A ...") takes what follows its
// standard as its subject.
func comparisons(toks []textnorm.Token) []comparison {
	type found struct {
		cue    Cue
		std    []string
		stdEnd int
	}
	cues := comparisonMarkers.find(toks)
	var out []comparison
	for _, cl := range textnorm.StrongClauses(toks) {
		var fs []found
		for _, c := range cues {
			if c.Start < cl.Start || c.Start >= cl.End || form(toks[c.Start]) == "over" && !overComparative(toks, c.Start) {
				continue
			}
			// The standard: content words and numbers after the marker,
			// up to a stop word. In "than that seen in the control
			// plots" the pronoun and the participle are no part of it.
			k := skipLead(toks, c.End, cl.End)
			if k+1 < cl.End && k > c.End && isDemonstrative(toks[k-1]) && isParticiple(toks[k]) && toks[k+1].Kind == textnorm.Word && toks[k+1].Stop {
				k = skipLead(toks, k+1, cl.End)
			}
			if k >= cl.End || toks[k].Kind == textnorm.Number {
				continue
			}
			std := items(toks[k:cl.End])
			k += len(std)
			if len(std) == 0 || form(toks[c.Start]) == "over" && overTime[std[0]] {
				continue
			}
			fs = append(fs, found{c, std, k})
		}
		for n, f := range fs {
			start, end := cl.Start, cl.End
			if n > 0 && fs[n-1].stdEnd <= f.cue.Start {
				start = fs[n-1].stdEnd
			}
			if n+1 < len(fs) {
				end = fs[n+1].cue.Start
			}
			cmp := comparison{marker: f.cue.Text, std: f.std}
			before, after := allItems(toks[start:f.cue.Start]), allItems(toks[f.stdEnd:max(end, f.stdEnd)])
			if len(before) == 0 {
				cmp.subject = after
			} else {
				cmp.subject, cmp.rest = before, after
			}
			out = append(out, cmp)
		}
	}
	return out
}

// items returns the leading run of content items of toks.
func items(toks []textnorm.Token) []string {
	var out []string
	for _, t := range toks {
		if item(t) == "" {
			break
		}
		out = append(out, item(t))
	}
	return out
}

// allItems returns every content item of toks.
func allItems(toks []textnorm.Token) []string {
	var out []string
	for _, t := range toks {
		if it := item(t); it != "" {
			out = append(out, it)
		}
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
// (outside what follows its standard): "A is faster than B" is not backed
// by "B is faster than A", nor by a fact that compares nothing.
func checkComparison(s []textnorm.Token, fs []fact) []Failure {
	for _, sc := range comparisons(s) {
		found, any := false, false
		for _, f := range fs {
			for _, v := range f.views {
				in := itemSet(v)
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
