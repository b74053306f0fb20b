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
//   - numbers: every number of the sentence is a number of a linked fact,
//     by value (textnorm.SameValue: "120 minutes" for "2 hours").
//   - hedge: a hedged fact ("may", "suggests", "to our knowledge") is not
//     restated as certain; the sentence makes no causal claim ("causes",
//     "reduces", "therefore") that the facts lack, nor a causal claim from
//     facts that only report an association.
//   - negation: the sentence is negated only if a fact is, and drops no
//     fact's negation.
//   - scope: a fact about mice, cell lines or another model is not
//     restated without that qualifier, nor as a finding in people.
//   - comparison: a comparison keeps its sides (see checkComparison).
//   - content: at least half of the sentence's content words and numbers
//     are in its linked facts, and every linked fact shares one: no
//     verifier, however lenient, passes filler or a citation that adds
//     nothing.
//
// A hedge or negation binds its whole fact text or quote when that is one
// clause (textnorm.StrongClauses); in a longer one it binds its clause when
// the sentence draws on it (uses a word or number the text has only in
// such clauses) or when the clause refers back ("This was not
// significant."). Cues are whole words as written: "Note" is no negation,
// "rate" no rat and "May 2014" no hedge.
func Check(sentence string, facts []contract.Fact) []Failure {
	if len(facts) == 0 {
		return []Failure{{Guard: NoLink, Reason: "sentence cites no fact"}}
	}
	s := textnorm.Tokenize(sentence)
	fs := make([]fact, len(facts))
	for i, f := range facts {
		fs[i] = fact{id: f.ID}
		for _, t := range []string{f.Text, f.Quote} {
			if strings.TrimSpace(t) != "" {
				fs[i].views = append(fs[i].views, textnorm.Tokenize(t))
			}
		}
	}
	var out []Failure
	for _, g := range []func([]textnorm.Token, []fact) []Failure{
		checkNumbers, checkHedge, checkNegation, checkScope, checkComparison, checkContent,
	} {
		out = append(out, g(s, fs)...)
	}
	return out
}

// fact is a linked fact's text and quote, tokenised apart so that nothing
// spans the seam between them.
type fact struct {
	id    string
	views [][]textnorm.Token
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

// binds returns a cue of the list that the sentence, with content items
// items, must keep (see Check).
func (f fact) binds(list cueList, items map[string]bool) (Cue, bool) {
	for _, v := range f.views {
		cues := list.find(v)
		if len(cues) == 0 {
			continue
		}
		cl := textnorm.StrongClauses(v)
		if len(cl) == 1 {
			return cues[0], true
		}
		of := make([]int, len(v)) // token → clause, -1 between clauses
		for i := range of {
			of[i] = -1
		}
		for n, c := range cl {
			for i := c.Start; i < c.End; i++ {
				of[i] = n
			}
		}
		cued := map[int]Cue{}
		for _, c := range cues {
			if _, ok := cued[of[c.Start]]; !ok {
				cued[of[c.Start]] = c
			}
			if refersBack(v, cl[max(of[c.Start], 0)].Start) {
				return c, true
			}
		}
		free := map[string]bool{}
		for i, t := range v {
			if _, ok := cued[of[i]]; !ok {
				free[item(t)] = true
			}
		}
		for i, t := range v {
			if c, ok := cued[of[i]]; ok && items[item(t)] && item(t) != "" && !free[item(t)] {
				return c, true
			}
		}
	}
	return Cue{}, false
}

// item is how a token counts as content: the key of a content word, "#"
// and the key of a number, "" otherwise.
func item(t textnorm.Token) string {
	switch {
	case t.Kind == textnorm.Number:
		return "#" + t.Key
	case t.Kind == textnorm.Word && !t.Stop:
		return t.Key
	}
	return ""
}

func itemSet(toks []textnorm.Token) map[string]bool {
	out := map[string]bool{}
	for _, t := range toks {
		if it := item(t); it != "" {
			out[it] = true
		}
	}
	return out
}

// anaphors open a clause that speaks of what came before, alone ("This
// was", "It did") or with a word for it ("These findings", "The effect").
var anaphors, metaNouns = map[string]bool{}, map[string]bool{}

func init() {
	for _, w := range strings.Fields(`this these that those it its they their them such latter former both here
		there thereby hence thus`) {
		anaphors[w] = true
	}
	for _, w := range strings.Fields(`finding findings result results effect effects difference differences
		association associations change changes reduction reductions increase increases data observation
		observations trend trends improvement improvements relationship relationships correlation correlations
		benefit benefits outcome outcomes estimate estimates value values analysis analyses study studies
		work approach method methods model models evidence pattern patterns`) {
		metaNouns[w] = true
	}
}

// refersBack reports whether the clause of v that starts at token start
// opens, within its first three words, with an anaphor.
func refersBack(v []textnorm.Token, start int) bool {
	words := 0
	for k := start; k < len(v) && words < 3 && v[k].Kind != textnorm.Punct; k++ {
		if v[k].Kind != textnorm.Word {
			continue
		}
		words++
		next := k+1 < len(v) && v[k+1].Kind == textnorm.Word
		switch f := form(v[k]); {
		case f == "the" && next && metaNouns[form(v[k+1])]:
			return true
		case anaphors[f] && (!next || v[k+1].Stop || metaNouns[form(v[k+1])]):
			return true
		}
	}
	return false
}

// factNumbers returns the number tokens of the facts.
func factNumbers(fs []fact) []textnorm.Token {
	var out []textnorm.Token
	for _, f := range fs {
		for _, v := range f.views {
			for _, t := range v {
				if t.Kind == textnorm.Number {
					out = append(out, t)
				}
			}
		}
	}
	return out
}

// stated reports whether some fact number has the value of t.
func stated(t textnorm.Token, nums []textnorm.Token) bool {
	for _, n := range nums {
		if textnorm.SameValue(t, n) {
			return true
		}
	}
	return false
}

func checkNumbers(s []textnorm.Token, fs []fact) []Failure {
	nums := factNumbers(fs)
	var out []Failure
	seen := map[string]bool{}
	for _, t := range s {
		if t.Kind == textnorm.Number && !seen[t.Key] && !stated(t, nums) {
			seen[t.Key] = true
			out = append(out, Failure{Guard: Numbers, Reason: fmt.Sprintf("number %s not in linked facts", t.Text), Span: t.Text})
		}
	}
	return out
}

func checkHedge(s []textnorm.Token, fs []fact) []Failure {
	var out []Failure
	if len(hedgeCues.find(s)) == 0 {
		items := itemSet(s)
		for _, f := range fs {
			if c, ok := f.binds(hedgeCues, items); ok {
				out = append(out, Failure{Guard: Hedge, Reason: fmt.Sprintf("fact %s is hedged (%q) but the sentence states it as certain", f.id, c.Text)})
				break
			}
		}
	}
	causal := causalCues(s)
	for _, c := range causal {
		found := false
		for _, f := range fs {
			_, ok := f.find(causalGroups[c.group])
			found = found || ok
		}
		if !found {
			out = append(out, Failure{Guard: Hedge, Span: c.Text,
				Reason: fmt.Sprintf("the sentence makes a causal claim (%q) that the linked facts do not make", c.Text)})
		}
	}
	if len(causal) > 0 && len(correlationCues.find(s)) == 0 {
		for _, f := range fs {
			if c, ok := f.find(correlationCues); ok {
				out = append(out, Failure{Guard: Hedge, Span: causal[0].Text,
					Reason: fmt.Sprintf("fact %s reports an association (%q) but the sentence states a cause (%q)", f.id, c.Text, causal[0].Text)})
				break
			}
		}
	}
	return out
}

func checkNegation(s []textnorm.Token, fs []fact) []Failure {
	neg := Negations(s)
	items := itemSet(s)
	anyNeg := false
	for _, f := range fs {
		_, ok := f.find(negationCues)
		anyNeg = anyNeg || ok
		if c, ok := f.binds(negationCues, items); ok && len(neg) == 0 {
			return []Failure{{Guard: Negation, Reason: fmt.Sprintf("fact %s is negated (%q) but the sentence is not", f.id, c.Text)}}
		}
	}
	if len(neg) > 0 && !anyNeg {
		return []Failure{{Guard: Negation, Span: neg[0].Text, Reason: fmt.Sprintf("the sentence negates (%q) but no linked fact does", neg[0].Text)}}
	}
	return nil
}

func checkScope(s []textnorm.Token, fs []fact) []Failure {
	var out []Failure
	mentioned := scopeGroups(s)
	var qualified []string
	have := map[string]bool{}
	for _, f := range fs {
		var groups []string
		for _, v := range f.views {
			groups = append(groups, scopeGroups(v)...)
			for _, t := range v {
				have[t.Key] = true
			}
		}
		qualified = append(qualified, groups...)
		if len(groups) > 0 && !anyIn(groups, mentioned) {
			out = append(out, Failure{Guard: Scope, Reason: fmt.Sprintf("fact %s is about %s; the sentence drops that", f.id, groups[0])})
		}
	}
	if len(qualified) > 0 {
		for _, c := range humanCues.find(s) {
			if !have[c.key] {
				return append(out, Failure{Guard: Scope, Span: c.Text,
					Reason: fmt.Sprintf("the sentence speaks of %q but the linked facts are about %s", c.Text, qualified[0])})
			}
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

func checkContent(s []textnorm.Token, fs []fact) []Failure {
	var items []textnorm.Token
	seen := map[string]bool{}
	for _, t := range s {
		if it := item(t); it != "" && !seen[it] {
			seen[it] = true
			items = append(items, t)
		}
	}
	if len(items) == 0 {
		return []Failure{{Guard: Content, Reason: "the sentence states nothing its facts could support"}}
	}
	var out []Failure
	shared := map[string]bool{}
	for _, f := range fs {
		have := map[string]bool{}
		for _, v := range f.views {
			for it := range itemSet(v) {
				have[it] = true
			}
		}
		nums := factNumbers([]fact{f})
		n := 0
		for _, t := range items {
			if have[item(t)] || t.Kind == textnorm.Number && stated(t, nums) {
				shared[item(t)] = true
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
