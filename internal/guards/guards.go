// Package guards holds the deterministic checks that come on top of any
// verifier's verdict (grounded-generation contract §6). They are pure
// functions of a sentence and its linked facts.
//
// Guards can only take support away: a sentence is supported when the
// verifier says so AND Check returns no failure. Nothing here can turn an
// "unsupported" verdict into "supported", so a guard that is too strict
// costs a false rejection, never a false support.
package guards

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/opusblocks/opus/internal/contract"
	"github.com/opusblocks/opus/internal/textnorm"
)

// Guard names, as recorded in a failure's reason.
const (
	NoLink     = "no_link"
	Numbers    = "numbers"
	Hedge      = "hedge"
	Negation   = "negation"
	Scope      = "scope"
	Comparison = "comparison"
	Content    = "content"
)

// Failure is one guard that a sentence fails.
type Failure struct {
	Guard  string
	Reason string
	// Span is the part of the sentence at fault, when there is one.
	Span string
}

func (f Failure) String() string { return f.Guard + ": " + f.Reason }

// Check runs every guard on a sentence and its linked facts (text and
// quote) and returns the failures; none means the guards pass. Citation
// markers such as "[F12]" are ignored.
//
//   - no_link: a sentence without facts is unsupported, whatever else holds.
//   - numbers: every number, percentage, unit quantity and p-value of the
//     sentence occurs in a linked fact after normalisation
//     (textnorm.Numbers), or in another unit that converts exactly
//     (textnorm.SameQuantity: "120 minutes" for "2 hours").
//   - hedge: a hedged fact ("may", "suggests", "associated with", "to our
//     knowledge", "we believe") is not restated as certain; the sentence
//     makes no causal claim ("causes", "leads to", "prevents", "reduces",
//     "fell", "therefore") that the facts lack, nor a causal claim from
//     facts that only report an association.
//   - negation: the sentence is negated only if a fact is, and drops no
//     fact's negation.
//
// A hedge or negation binds the whole fact, except in a fact text or quote
// of several sentences (or clauses after a semicolon), where it binds the
// sentence it is in when the sentence restated draws on it (uses a word
// or number the fact has only there) or when it refers back ("This was not
// significant.", "These findings suggest ...").
//   - scope: a fact about mice, cell lines or another model is not
//     restated without that qualifier, nor as a finding in people.
//   - comparison: a comparison ("than", "compared with", "versus",
//     "relative to") keeps its sides: what a fact compares with stays the
//     standard, what it compares stays the subject, and a comparison no
//     fact makes is not supported.
//   - content: the sentence carries its facts' content, so that no
//     verifier, however lenient, can pass filler ("This was also
//     reported.") or an off-topic sentence: at least half of its content
//     words and numbers occur in its linked facts (as words of the same
//     stem or synonym class, or numbers the numbers guard accepts), and
//     every linked fact shares at least one of them — a citation that
//     contributes nothing is not support.
//
// Cues (negations, hedges, causal verbs, model organisms) are whole words
// as written, never stems or prefixes: "Note" is no negation, "rate" no rat
// and "May 2014" no hedge.
func Check(sentence string, facts []contract.Fact) []Failure {
	if len(facts) == 0 {
		return []Failure{{Guard: NoLink, Reason: "sentence cites no fact"}}
	}
	s := textnorm.Tokenize(sentence)
	fs := make([]fact, len(facts))
	for i, f := range facts {
		fs[i] = newFact(f)
	}
	var out []Failure
	out = append(out, checkNumbers(s, fs)...)
	out = append(out, checkHedge(s, fs)...)
	out = append(out, checkNegation(s, fs)...)
	out = append(out, checkScope(s, fs)...)
	out = append(out, checkComparison(s, fs)...)
	out = append(out, checkContent(s, fs)...)
	return out
}

// checkContent is the content guard (see Check).
func checkContent(s []textnorm.Token, fs []fact) []Failure {
	var items []string
	seen := map[string]bool{}
	for _, t := range s {
		if it := item(t); it != "" && !seen[it] {
			seen[it] = true
			items = append(items, it)
		}
	}
	if len(items) == 0 {
		return []Failure{{Guard: Content, Reason: "the sentence states nothing its facts could support"}}
	}
	var out []Failure
	shared := map[string]bool{}
	for _, f := range fs {
		have := map[string]bool{}
		var nums []string
		for _, v := range f.views {
			for _, t := range v {
				if it := item(t); it != "" {
					have[it] = true
				}
				if t.Kind == textnorm.Number {
					nums = append(nums, t.Key)
				}
			}
		}
		n := 0
		for _, it := range items {
			if have[it] || strings.HasPrefix(it, "#") && converts(it[1:], nums) {
				shared[it] = true
				n++
			}
		}
		if n == 0 {
			out = append(out, Failure{Guard: Content, Reason: fmt.Sprintf("fact %s shares no word or number with the sentence", f.id)})
		}
	}
	if 2*len(shared) < len(items) {
		out = append(out, Failure{Guard: Content, Reason: fmt.Sprintf("only %d of the sentence's %d content words and numbers are in its linked facts", len(shared), len(items))})
	}
	return out
}

// fact is a linked fact prepared for the guards: its text and quote
// tokenised separately, so that nothing spans the seam between them.
type fact struct {
	id    string
	views [][]textnorm.Token
}

func newFact(f contract.Fact) fact {
	out := fact{id: f.ID}
	for _, s := range []string{f.Text, f.Quote} {
		if strings.TrimSpace(s) != "" {
			out.views = append(out.views, textnorm.Tokenize(s))
		}
	}
	return out
}

// find returns the first cue of the list in any view of the fact.
func (f fact) find(list cueList) (Cue, bool) {
	for _, v := range f.views {
		if c := list.find(v); len(c) > 0 {
			return c[0], true
		}
	}
	return Cue{}, false
}

// binds returns a cue of the list in a view of the fact that the sentence
// (its content words and numbers, items) must keep. A cue binds when its
// view is a single sentence; when its sentence of a longer view (a quote of
// several sentences, or clauses joined by a semicolon) refers back ("This
// was not significant", "These findings suggest"); or when the sentence
// draws on it: uses a word or number that the view has only in sentences
// with such a cue. "... The whole run took 840 s. However a few slow
// nodes do not finish until 90 s later." does not make "The whole run
// took 840 s" a negated claim.
func (f fact) binds(list cueList, items map[string]bool) (Cue, bool) {
	for _, v := range f.views {
		cues := list.find(v)
		if len(cues) == 0 {
			continue
		}
		seg := segments(v)
		if seg[len(v)-1] == 0 {
			return cues[0], true
		}
		cued := map[int]bool{}
		for _, c := range cues {
			cued[seg[c.Start]] = true
		}
		free := map[string]bool{}
		for i, t := range v {
			if it := item(t); it != "" && !cued[seg[i]] {
				free[it] = true
			}
		}
		for _, c := range cues {
			if refersBack(v, seg, c.Start) {
				return c, true
			}
		}
		for i, t := range v {
			if it := item(t); it != "" && cued[seg[i]] && !free[it] && items[it] {
				for _, c := range cues {
					if seg[c.Start] == seg[i] {
						return c, true
					}
				}
			}
		}
	}
	return Cue{}, false
}

// itemSet returns the content words and numbers of toks (see item).
func itemSet(toks []textnorm.Token) map[string]bool {
	out := map[string]bool{}
	for _, t := range toks {
		if it := item(t); it != "" {
			out[it] = true
		}
	}
	return out
}

// segments numbers the sentences of toks, with clauses joined by a
// semicolon counted apart: a full stop followed by a capital ("... 840
// seconds. However ..."; "et al. (1999)" goes on), "!", "?" and ";" start
// a new one, outside round brackets.
func segments(toks []textnorm.Token) []int {
	out := make([]int, len(toks))
	n, depth := 0, 0
	for i, t := range toks {
		out[i] = n
		if t.Kind != textnorm.Punct {
			continue
		}
		switch t.Key {
		case "(":
			depth++
		case ")":
			depth = max(depth-1, 0)
		case ";":
			// Not inside brackets ("(Liu, 2014; Webb, 2015)") nor between
			// two numbers ("[11; 12]").
			between := i > 0 && i+1 < len(toks) && toks[i-1].Kind == textnorm.Number && toks[i+1].Kind == textnorm.Number
			if depth == 0 && !between {
				n++
			}
		case "!", "?":
			if depth == 0 {
				n++
			}
		case ".":
			if depth == 0 && i+1 < len(toks) && toks[i+1].Kind == textnorm.Word && startsUpper(toks[i+1].Text) {
				n++
			}
		}
	}
	return out
}

func startsUpper(s string) bool {
	for _, r := range s {
		return unicode.IsUpper(r)
	}
	return false
}

// anaphors open a sentence that speaks of what came before.
var anaphors = map[string]bool{"this": true, "these": true, "that": true, "those": true, "it": true, "its": true,
	"they": true, "their": true, "them": true, "such": true, "latter": true, "former": true, "both": true,
	"here": true, "there": true, "thereby": true, "hence": true, "thus": true}

// metaNouns are what an anaphor refers back with ("this finding", "these
// results").
var metaNouns = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`finding findings result results effect effects difference differences
		association associations change changes reduction reductions increase increases data observation
		observations trend trends improvement improvements relationship relationships correlation correlations
		benefit benefits outcome outcomes estimate estimates value values analysis analyses study studies
		work approach method methods model models evidence pattern patterns`) {
		metaNouns[w] = true
	}
}

// refersBack reports whether the sentence of view v that holds token i
// opens (within its first three words) with an anaphor that stands alone
// ("This was", "It did") or names what came before ("These findings", "The
// effect").
func refersBack(v []textnorm.Token, seg []int, i int) bool {
	start := i
	for start > 0 && seg[start-1] == seg[i] {
		start--
	}
	words := 0
	for k := start; k < len(v) && seg[k] == seg[i] && words < 3; k++ {
		if v[k].Kind != textnorm.Word {
			continue
		}
		words++
		next := k+1 < len(v) && v[k+1].Kind == textnorm.Word
		switch {
		case form(v[k]) == "the":
			// "The effect was not significant."
			if next && metaNouns[form(v[k+1])] {
				return true
			}
		case anaphors[form(v[k])]:
			if !next || v[k+1].Stop || metaNouns[form(v[k+1])] {
				return true
			}
		}
	}
	return false
}

func checkNumbers(s []textnorm.Token, fs []fact) []Failure {
	have := map[string]bool{}
	var keys []string
	for _, f := range fs {
		for _, v := range f.views {
			for _, t := range v {
				if t.Kind == textnorm.Number && !have[t.Key] {
					have[t.Key] = true
					keys = append(keys, t.Key)
				}
			}
		}
	}
	var out []Failure
	seen := map[string]bool{}
	for _, t := range s {
		if t.Kind != textnorm.Number || have[t.Key] || seen[t.Key] || converts(t.Key, keys) {
			continue
		}
		seen[t.Key] = true
		out = append(out, Failure{
			Guard:  Numbers,
			Reason: fmt.Sprintf("number %s not in linked facts", t.Text),
			Span:   t.Text,
		})
	}
	return out
}

// converts reports whether a fact states the quantity key in another unit,
// converted exactly ("2 h" for "120 min"; textnorm.SameQuantity).
func converts(key string, keys []string) bool {
	for _, k := range keys {
		if textnorm.SameQuantity(key, k) {
			return true
		}
	}
	return false
}

func checkHedge(s []textnorm.Token, fs []fact) []Failure {
	var out []Failure
	sentenceHedged := len(hedgeCues.find(s)) > 0
	if !sentenceHedged {
		items := itemSet(s)
		for _, f := range fs {
			if c, ok := f.binds(hedgeCues, items); ok {
				out = append(out, Failure{
					Guard:  Hedge,
					Reason: fmt.Sprintf("fact %s is hedged (%q) but the sentence states it as certain", f.id, c.Text),
				})
				break
			}
		}
	}
	causal := causalCues(s)
	for _, c := range causal {
		found := false
		for _, f := range fs {
			if _, ok := f.find(causalGroups[c.group]); ok {
				found = true
				break
			}
		}
		if !found {
			out = append(out, Failure{
				Guard:  Hedge,
				Reason: fmt.Sprintf("the sentence makes a causal claim (%q) that the linked facts do not make", c.Text),
				Span:   c.Text,
			})
		}
	}
	if len(causal) > 0 && len(correlationCues.find(s)) == 0 {
		for _, f := range fs {
			if c, ok := f.find(correlationCues); ok {
				out = append(out, Failure{
					Guard:  Hedge,
					Reason: fmt.Sprintf("fact %s reports an association (%q) but the sentence states a cause (%q)", f.id, c.Text, causal[0].Text),
					Span:   causal[0].Text,
				})
				break
			}
		}
	}
	return out
}

func checkNegation(s []textnorm.Token, fs []fact) []Failure {
	neg := Negations(s)
	var negFact *fact
	var negCue Cue
	anyNeg := false
	items := itemSet(s)
	for i := range fs {
		_, ok := fs[i].find(negationCues)
		anyNeg = anyNeg || ok
		if c, ok := fs[i].binds(negationCues, items); ok && negFact == nil {
			negFact, negCue = &fs[i], c
		}
	}
	switch {
	case len(neg) > 0 && !anyNeg:
		return []Failure{{
			Guard:  Negation,
			Reason: fmt.Sprintf("the sentence negates (%q) but no linked fact does", neg[0].Text),
			Span:   neg[0].Text,
		}}
	case len(neg) == 0 && negFact != nil:
		return []Failure{{
			Guard:  Negation,
			Reason: fmt.Sprintf("fact %s is negated (%q) but the sentence is not", negFact.id, negCue.Text),
		}}
	}
	return nil
}

func checkScope(s []textnorm.Token, fs []fact) []Failure {
	var out []Failure
	sentenceGroups := scopeGroups(s)
	var qualified []string
	for _, f := range fs {
		var groups []string
		for _, v := range f.views {
			groups = append(groups, scopeGroups(v)...)
		}
		if len(groups) == 0 {
			continue
		}
		qualified = append(qualified, groups...)
		if !anyIn(groups, sentenceGroups) {
			out = append(out, Failure{
				Guard:  Scope,
				Reason: fmt.Sprintf("fact %s is about %s; the sentence drops that", f.id, groups[0]),
			})
		}
	}
	if len(qualified) == 0 {
		return out
	}
	for _, c := range humanCues.find(s) {
		inFacts := false
		for _, f := range fs {
			for _, v := range f.views {
				inFacts = inFacts || hasKey(v, c.key)
			}
		}
		if !inFacts {
			out = append(out, Failure{
				Guard:  Scope,
				Reason: fmt.Sprintf("the sentence speaks of %q but the linked facts are about %s", c.Text, qualified[0]),
				Span:   c.Text,
			})
			break
		}
	}
	return out
}

func anyIn(a, b []string) bool {
	for _, x := range a {
		for _, y := range b {
			if x == y {
				return true
			}
		}
	}
	return false
}

func hasKey(toks []textnorm.Token, key string) bool {
	for _, t := range toks {
		if t.Kind == textnorm.Word && t.Key == key {
			return true
		}
	}
	return false
}
