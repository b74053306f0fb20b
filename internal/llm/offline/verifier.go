package offline

import (
	"fmt"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/opusblocks/opus/internal/contract"
	"github.com/opusblocks/opus/internal/guards"
	"github.com/opusblocks/opus/internal/textnorm"
)

// Verifier judges each item with the guards and four rules. A sentence is
// supported when the guards pass (package guards; callers AND them again,
// as contract §6 requires) and every clause of it restates a clause of a
// linked fact's text or quote:
//
//   - restate: the clause's content words and numbers are a run of the
//     fact clause's, in the same order, where the fact may say more only
//     in whole phrases that qualify nothing (droppable);
//   - clauses: the sentence's clauses may come from different clauses and
//     facts, in any order (coordinated clauses reordered, facts joined);
//   - units: numbers compare by value, converted exactly
//     (textnorm.SameValue: "2 h" is "120 min", "93.1%" is "0.931");
//   - synonyms: a word may stand for another of the same WordNet synset
//     (textnorm.Synonyms), except qualifier cues and names.
//
// Passive for active, arithmetic across facts and words the facts lack are
// rejected: a wrong rejection costs an edit, a wrong support breaks the
// contract.
func Verifier(in contract.VerifierInput) contract.VerifierOutput {
	out := contract.VerifierOutput{Verdicts: make([]contract.Verdict, 0, len(in.Items))}
	for _, it := range in.Items {
		out.Verdicts = append(out.Verdicts, verify(it))
	}
	return out
}

func verify(it contract.VerifyItem) contract.Verdict {
	v := check(it.Sentence, it.Facts)
	v.Index = it.Index
	if !v.Supported && len(it.Facts) > 0 {
		if w := closest(it.Facts); w != "" {
			v.Reason += "; closest wording that passes: " + w
		}
	}
	return v
}

// check is the verdict without the suggestion.
func check(sentence string, facts []contract.Fact) contract.Verdict {
	var v contract.Verdict
	if len(facts) == 0 {
		v.Reason = "sentence cites no fact"
		return v
	}
	if fails := guards.Check(sentence, facts); len(fails) > 0 {
		reasons := make([]string, len(fails))
		for i, f := range fails {
			reasons[i] = f.String()
		}
		v.Reason, v.UnsupportedSpan = strings.Join(reasons, "; "), fails[0].Span
		return v
	}
	s := newText(sentence)
	var fcs []clause
	var ids []string
	for _, f := range facts {
		ids = append(ids, f.ID)
		for _, t := range []string{f.Text, f.Quote} {
			if strings.TrimSpace(t) != "" {
				x := newText(t)
				for _, c := range textnorm.StrongClauses(x.toks) {
					fcs = append(fcs, clause{x, c.Start, c.End})
				}
			}
		}
	}
	if reason, span := licence(s, fcs); reason != "" {
		v.Reason, v.UnsupportedSpan = reason, span
		return v
	}
	v.Supported = true
	v.Reason = fmt.Sprintf("every clause of the sentence restates a clause of %s (rules: restate, clauses, units, synonyms)", strings.Join(ids, ", "))
	return v
}

// closest returns the linked facts' texts (else their quotes) joined into
// one sentence with the links as markers, when that sentence passes: the
// wording an editor can take in one step.
func closest(facts []contract.Fact) string {
	key := fmt.Sprintf("%q", facts)
	if w, ok := closestCache.m.Load(key); ok {
		return w.(string)
	}
	w := closestOf(facts)
	if closestCache.n.Add(1)%4096 == 0 { // a bound, not an eviction policy
		closestCache.m.Clear()
	}
	closestCache.m.Store(key, w)
	return w
}

// closestCache remembers suggestions: an edit is rechecked against the
// same facts many times.
var closestCache struct {
	m sync.Map
	n atomic.Int64
}

func closestOf(facts []contract.Fact) string {
	var ids []string
	for _, f := range facts {
		ids = append(ids, f.ID)
	}
	marker := " [" + strings.Join(ids, ", ") + "]."
	for _, quote := range []bool{false, true} {
		var parts []string
		for _, f := range facts {
			t := f.Text
			if quote {
				t = f.Quote
			}
			if t = strings.TrimRight(strings.TrimSpace(t), ". "); t != "" {
				// "The" goes lower-case after "and"; a name ("TraceX", "DNA") does not.
				first, _, _ := strings.Cut(t, " ")
				if r := []rune(first); len(parts) > 0 && len(r) > 1 && strings.ToLower(string(r[1:])) == string(r[1:]) {
					t = strings.ToLower(string(r[0])) + t[len(string(r[0])):]
				}
				parts = append(parts, t)
			}
		}
		if len(parts) < len(facts) {
			continue
		}
		w := strings.Join(parts, ", and ") + marker
		if check(w, facts).Supported {
			return fmt.Sprintf("%q", w)
		}
	}
	return ""
}

// text is a sentence, a fact text or a quote, tokenised once.
type text struct {
	norm  string
	toks  []textnorm.Token
	marks []string // guards.Marks
}

func newText(s string) text {
	toks := textnorm.Tokenize(s)
	return text{textnorm.Normalize(s), toks, guards.Marks(toks)}
}

// clause is toks[start:end] of a fact's text or quote.
type clause struct {
	text
	start, end int
}

func content(t textnorm.Token) bool {
	return t.Kind == textnorm.Number || t.Kind == textnorm.Word && !t.Stop
}

// licence applies the clauses rule: the sentence is cut into pieces at
// clause boundaries (textnorm.Clauses), each piece one or more clauses in a
// row, and each piece must restate some fact clause. It returns "" when a
// cut works, else why not and the span at fault.
func licence(s text, fcs []clause) (reason, span string) {
	cs := textnorm.Clauses(s.toks)
	done := make([]bool, len(cs)+1) // done[k]: clauses before k are licensed
	done[0] = true
	far := 0 // the last clause a licensed run of pieces reaches
	for k := range cs {
		if !done[k] {
			continue
		}
		far = k
		for e := k + 1; e <= len(cs); e++ {
			p := s.piece(cs[k].Start, cs[e-1].End)
			for _, fc := range fcs {
				if ok, _, _ := restate(s, p, fc); ok {
					done[e] = true
					break
				}
			}
		}
	}
	if done[len(cs)] {
		return "", ""
	}
	// Say where the best fact clause stops following the rest of the
	// sentence.
	p := s.piece(cs[far].Start, len(s.toks))
	if len(p) == 0 {
		return "the sentence states nothing the linked facts could support", ""
	}
	best, at, want := -1, 0, ""
	for _, fc := range fcs {
		if _, n, w := restate(s, p, fc); n > best {
			best, at, want = n, n, w
		}
	}
	for _, i := range p {
		if !anywhere(s, i, fcs) {
			t := s.toks[i]
			return fmt.Sprintf("restate: word %q not in linked facts", t.Text), t.Text
		}
	}
	span = s.norm[s.toks[p[0]].Start:s.toks[p[len(p)-1]].End]
	if at <= 0 {
		return fmt.Sprintf("restate: no clause of the linked facts begins like %q", span), span
	}
	if at >= len(p) {
		return fmt.Sprintf("restate: the sentence stops after %q where the linked facts go on with %q (only phrases that qualify nothing may be left out)",
			span, want), span
	}
	return fmt.Sprintf("restate: after %q the linked facts go on with %q, not %q (only phrases that qualify nothing may be left out)",
		s.norm[s.toks[p[0]].Start:s.toks[p[at-1]].End], want, s.toks[p[at]].Text), span
}

// piece returns the indices of the content tokens of toks[from:to].
func (x text) piece(from, to int) []int {
	var out []int
	for i := from; i < to; i++ {
		if content(x.toks[i]) {
			out = append(out, i)
		}
	}
	return out
}

// anywhere reports whether some fact clause has a token the same as s.toks[i].
func anywhere(s text, i int, fcs []clause) bool {
	for _, fc := range fcs {
		for j := fc.start; j < fc.end; j++ {
			if same(s, i, fc.text, j) {
				return true
			}
		}
	}
	return false
}

// same reports whether sentence token s.toks[i] restates fact token
// f.toks[j]: numbers by value (units), words by key, or by synonym where
// neither is a qualifier cue nor a name (synonyms).
func same(s text, i int, f text, j int) bool {
	a, b := s.toks[i], f.toks[j]
	switch {
	case a.Kind != b.Kind:
		return false
	case a.Kind == textnorm.Number:
		return textnorm.SameValue(a, b)
	case a.Key == b.Key:
		return true
	}
	free := func(x text, k int) bool {
		m, w := x.marks[k], x.toks[k].Text
		return (m == "" || m == "causal") && (len(w) < 2 || strings.ToUpper(w) != w)
	}
	return free(s, i) && free(f, j) && textnorm.Synonyms(a.Text, b.Text)
}

// restate applies the restate rule to the sentence's content tokens p and
// one fact clause: whether the clause restates them, else how many it
// matched at best and the fact's word where it stopped. The fact's stop
// words and punctuation
// cost nothing; its content tokens must each match the next token of p,
// from the clause's first content token on (nothing before the match may
// be left out: that is where subjects, times and conditions stand), except
// inside phrases that droppable allows to be left out, to the clause end.
func restate(s text, p []int, fc clause) (ok bool, matched int, want string) {
	type state struct{ i, j int }
	memo := map[state]bool{}
	best, want := 0, ""
	var m func(i, j int) bool
	m = func(i, j int) bool {
		if j >= fc.end {
			return i == len(p)
		}
		st := state{i, j}
		if r, ok := memo[st]; ok {
			return r
		}
		t := fc.toks[j]
		r := false
		switch {
		case !content(t):
			r = m(i, j+1)
		case i < len(p) && same(s, p[i], fc.text, j):
			r = m(i+1, j+1)
		case i > best || i == best && want == "":
			best, want = i, t.Text // the deepest miss: what the fact says there
		}
		if !r && i > 0 {
			for _, k := range droppable(fc, j) {
				if r = m(i, k); r {
					break
				}
			}
		}
		memo[st] = r
		return r
	}
	if m(0, fc.start) {
		return true, len(p), ""
	}
	return false, best, want // best may be len(p): the fact goes on where p stops
}

// linkWords open a phrase that adds detail to what comes before it: a
// purpose, a means, a name, an example, a part ("for profiling", "using a
// kit", "called X", "such as Y", "of the samples").
var linkWords = map[string]bool{"of": true, "for": true, "to": true, "via": true, "using": true, "called": true,
	"named": true, "including": true, "such": true, "like": true, "eg": true, "ie": true}

// auxiliaries after "and" open a second predicate of the same subject
// ("the pump ran and was then cleaned").
var auxiliaries = map[string]bool{"is": true, "are": true, "was": true, "were": true, "has": true, "have": true,
	"had": true, "did": true, "does": true, "do": true}

// droppable returns where the phrases of the fact clause that start at
// token j and may be left out end. A restatement may say less, but not
// less of what qualifies its claim (docs: golden/README.md, inference
// policy 2): no phrase holding a negation, hedge, quantifier, cause,
// comparison or model organism (guards.Marks) may go, and a phrase is
// whole only between stop words or punctuation. Three kinds go:
//
//   - a bracketed aside, numbers and all ("(PC1)", "(n = 12)"), unless it
//     names people or opens with a setting ("(in mice)");
//   - a second predicate or relative clause to the clause end, after
//     "and was ...", ", which ..." or ", who ...";
//   - a phrase of detail opened by a link word (linkWords) with no number
//     and no word of setting or people, not after a number or a word for
//     people: "for profiling with kit K" may go, "of 120 patients", "to
//     children", "for 6 weeks" and "in older adults" may not.
func droppable(fc clause, j int) []int {
	t, toks := fc.toks[j], fc.toks
	w := strings.ToLower(t.Text)
	clean := func(from, to int, people, numbers bool) bool {
		for k := from; k < to; k++ {
			m := fc.marks[k]
			if m != "" && (!people || m != "people") || !numbers && toks[k].Kind == textnorm.Number {
				return false
			}
		}
		return true
	}
	next := func(k int) string {
		if k < fc.end {
			return strings.ToLower(toks[k].Text)
		}
		return ""
	}
	switch {
	case t.Kind == textnorm.Punct && t.Key == "(":
		depth := 0
		for k := j; k < fc.end; k++ {
			switch {
			case toks[k].Kind != textnorm.Punct:
			case toks[k].Key == "(":
				depth++
			case toks[k].Key == ")":
				if depth--; depth == 0 {
					if clean(j, k, false, true) && !guards.Setting(next(j+1)) {
						return []int{k + 1}
					}
					return nil
				}
			}
		}
	case w == "and" && auxiliaries[next(j+1)],
		t.Key == "," && (next(j+1) == "which" || next(j+1) == "who"),
		t.Key == "," && next(j+1) == "and" && auxiliaries[next(j+2)]:
		if clean(j, fc.end, true, true) {
			return []int{fc.end}
		}
	case t.Kind == textnorm.Word && linkWords[w]:
		for k := j - 1; k >= fc.start; k-- {
			if content(toks[k]) {
				if toks[k].Kind == textnorm.Number || fc.marks[k] != "" {
					return nil
				}
				break
			}
		}
		if !clean(j, j+1, false, false) {
			return nil
		}
		var out []int
		for k := j + 1; k <= fc.end; k++ {
			if k == fc.end || !content(toks[k]) && content(toks[k-1]) {
				out = append(out, k)
			}
			if k == fc.end || toks[k].Kind == textnorm.Punct || guards.Setting(toks[k].Text) || !clean(k, k+1, false, false) {
				break
			}
		}
		return out
	}
	return nil
}
