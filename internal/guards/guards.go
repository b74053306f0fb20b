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
	NoLink   = "no_link"
	Numbers  = "numbers"
	Hedge    = "hedge"
	Negation = "negation"
	Scope    = "scope"
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
//     (textnorm.Numbers).
//   - hedge: a hedged fact ("may", "suggests", "associated with") is not
//     restated as certain; the sentence makes no causal claim ("causes",
//     "leads to", "prevents", "reduces") that the facts lack, nor a causal
//     claim from facts that only report an association.
//   - negation: the sentence is negated only if a fact is, and drops no
//     fact's negation.
//   - scope: a fact about mice, cell lines or another model is not
//     restated without that qualifier, nor as a finding in people.
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

func checkNumbers(s []textnorm.Token, fs []fact) []Failure {
	have := map[string]bool{}
	for _, f := range fs {
		for _, v := range f.views {
			for _, t := range v {
				if t.Kind == textnorm.Number {
					have[t.Key] = true
				}
			}
		}
	}
	var out []Failure
	seen := map[string]bool{}
	for _, t := range s {
		if t.Kind != textnorm.Number || have[t.Key] || seen[t.Key] {
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

func checkHedge(s []textnorm.Token, fs []fact) []Failure {
	var out []Failure
	sentenceHedged := len(hedgeCues.find(s)) > 0
	if !sentenceHedged {
		for _, f := range fs {
			if c, ok := f.find(hedgeCues); ok {
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
	for i := range fs {
		if c, ok := fs[i].find(negationCues); ok {
			negFact, negCue = &fs[i], c
			break
		}
	}
	switch {
	case len(neg) > 0 && negFact == nil:
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
