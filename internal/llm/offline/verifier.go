package offline

import (
	"fmt"
	"slices"
	"strings"

	"github.com/opusblocks/opus/internal/contract"
	"github.com/opusblocks/opus/internal/guards"
	"github.com/opusblocks/opus/internal/textnorm"
)

// Verifier judges each item by lexical entailment: a sentence is supported
// only if the guards pass (it runs package guards itself, so its verdict
// stands alone; callers still AND the guards as contract §6 requires), its
// linked facts (text and quote) contain every content word and number of
// it, and negations, hedges, numbers and comparisons attach to the same
// words as in the facts. It is built never to pass an unsupported
// sentence; the price is that many true paraphrases ("fell" for "was
// reduced", passive for active, reordered numbers) are rejected.
//
// Known limits: a sentence made of a fact's own words in another order
// passes unless a number, negation, hedge, comparative or verb ties them;
// dropping a qualifier other than a model organism or in vitro ("in older
// adults") passes, as the sentence claims no word the facts lack.
func Verifier(in contract.VerifierInput) contract.VerifierOutput {
	out := contract.VerifierOutput{Verdicts: make([]contract.Verdict, 0, len(in.Items))}
	for _, it := range in.Items {
		out.Verdicts = append(out.Verdicts, verify(it))
	}
	return out
}

// view is the tokens of one fact's text or quote.
type view struct {
	id   string
	toks []textnorm.Token
}

// finding is why a sentence is unsupported.
type finding struct {
	reason, span string
}

func verify(it contract.VerifyItem) contract.Verdict {
	v := contract.Verdict{Index: it.Index}
	if len(it.Facts) == 0 {
		v.Reason = "sentence cites no fact"
		return v
	}
	if fails := guards.Check(it.Sentence, it.Facts); len(fails) > 0 {
		reasons := make([]string, len(fails))
		for i, f := range fails {
			reasons[i] = f.String()
		}
		v.Reason = strings.Join(reasons, "; ")
		v.UnsupportedSpan = fails[0].Span
		return v
	}
	norm := textnorm.Normalize(it.Sentence)
	s := textnorm.Tokenize(it.Sentence)
	var views []view
	var ids []string
	for _, f := range it.Facts {
		ids = append(ids, f.ID)
		for _, t := range []string{f.Text, f.Quote} {
			if strings.TrimSpace(t) != "" {
				views = append(views, view{id: f.ID, toks: textnorm.Tokenize(t)})
			}
		}
	}
	for _, check := range []func([]textnorm.Token, []view, string) *finding{
		checkWords, checkNegationScope, checkHedgeScope, checkNumberBinding, checkOrder,
	} {
		if f := check(s, views, norm); f != nil {
			v.Reason, v.UnsupportedSpan = f.reason, f.span
			return v
		}
	}
	v.Supported = true
	v.Reason = fmt.Sprintf("%s %s every word and number of the sentence, with the same negation, hedging and order",
		strings.Join(ids, ", "), plural(len(ids), "contains", "contain"))
	return v
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func isContent(t textnorm.Token) bool { return t.Kind == textnorm.Word && !t.Stop }

// checkWords requires every content word of the sentence in the facts.
func checkWords(s []textnorm.Token, views []view, norm string) *finding {
	vocab := map[string]bool{}
	for _, v := range views {
		for _, t := range v.toks {
			switch {
			case isContent(t):
				vocab[t.Key] = true
			case t.Kind == textnorm.Number:
				// "12 weeks" in a fact also vouches for the word "weeks".
				for _, w := range strings.FieldsFunc(t.Text, notLetter) {
					vocab[textnorm.Key(w)] = true
				}
			}
		}
	}
	var missing []string
	first, last := -1, -1
	content, numbers := 0, 0
	for i, t := range s {
		if t.Kind == textnorm.Number {
			numbers++
		}
		if !isContent(t) {
			continue
		}
		content++
		if vocab[t.Key] {
			continue
		}
		missing = append(missing, fmt.Sprintf("%q", t.Text))
		if first < 0 {
			first, last = i, i
		} else if allStopBetween(s, last, i) {
			last = i
		}
	}
	if len(missing) > 0 {
		label := "word"
		if len(missing) > 1 {
			label = "words"
		}
		return &finding{
			reason: fmt.Sprintf("%s %s not in linked facts", label, strings.Join(missing, ", ")),
			span:   norm[s[first].Start:s[last].End],
		}
	}
	if content == 0 && numbers == 0 {
		return &finding{reason: "the sentence states nothing the linked facts could support"}
	}
	return nil
}

func notLetter(r rune) bool { return (r < 'a' || r > 'z') && (r < 'A' || r > 'Z') }

// allStopBetween reports whether only stop words lie strictly between
// tokens i and j, so missing words there form one span.
func allStopBetween(s []textnorm.Token, i, j int) bool {
	for k := i + 1; k < j; k++ {
		if s[k].Kind != textnorm.Word || !s[k].Stop {
			return false
		}
	}
	return true
}

// scopeEnd lists words that end the reach of a negation.
var scopeEnd = map[string]bool{"and": true, "or": true, "but": true, "whereas": true, "while": true,
	"although": true, "though": true, "however": true, "yet": true}

// negationReach and hedgeReach bound how many content words after a cue it
// governs.
const (
	negationReach = 4
	hedgeReach    = 6
)

// governed counts, per token index, how many of the cues govern it: each
// cue governs the next few content words after it, up to a clause
// boundary. Counting matters: "not not" is no negation.
func governed(toks []textnorm.Token, cues []guards.Cue, reach int) map[int]int {
	out := map[int]int{}
	for _, c := range cues {
		n := 0
		for k := c.End; k < len(toks) && n < reach; k++ {
			t := toks[k]
			if t.Kind == textnorm.Punct || (t.Kind == textnorm.Word && scopeEnd[t.Key]) {
				break
			}
			if isContent(t) {
				out[k]++
				n++
			}
		}
	}
	return out
}

// cueWords returns the token indices that belong to the cues themselves.
func cueWords(cues []guards.Cue) map[int]bool {
	out := map[int]bool{}
	for _, c := range cues {
		for k := c.Start; k < c.End; k++ {
			out[k] = true
		}
	}
	return out
}

// scopeCounts records, per word key, how many cues govern it at each of
// its occurrences in the facts.
func scopeCounts(views []view, find func([]textnorm.Token) []guards.Cue, reach int) map[string][]int {
	out := map[string][]int{}
	for _, v := range views {
		cues := find(v.toks)
		in, own := governed(v.toks, cues, reach), cueWords(cues)
		for i, t := range v.toks {
			if isContent(t) && !own[i] {
				out[t.Key] = append(out[t.Key], in[i])
			}
		}
	}
	return out
}

// checkNegationScope requires each word to be negated in the sentence
// exactly as in one of its occurrences in the facts: "did not reduce X but
// reduced Y" supports neither "did not reduce Y" nor "reduced X".
func checkNegationScope(s []textnorm.Token, views []view, _ string) *finding {
	facts := scopeCounts(views, guards.Negations, negationReach)
	cues := guards.Negations(s)
	in, own := governed(s, cues, negationReach), cueWords(cues)
	for i, t := range s {
		counts, ok := facts[t.Key]
		if !isContent(t) || own[i] || !ok {
			continue
		}
		if !slices.Contains(counts, in[i]) {
			if in[i] > 0 {
				return &finding{reason: fmt.Sprintf("the sentence negates %q where the linked facts do not", t.Text), span: t.Text}
			}
			return &finding{reason: fmt.Sprintf("the linked facts state %q only under a negation", t.Text), span: t.Text}
		}
	}
	return nil
}

// checkHedgeScope requires what the facts say under hedges to stay under as
// many: "X may reduce Y, likely via Z" does not support "X reduces Y,
// likely via Z", although that sentence is still hedged somewhere.
func checkHedgeScope(s []textnorm.Token, views []view, _ string) *finding {
	facts := scopeCounts(views, guards.Hedges, hedgeReach)
	cues := guards.Hedges(s)
	in, own := governed(s, cues, hedgeReach), cueWords(cues)
	for i, t := range s {
		counts, ok := facts[t.Key]
		if !isContent(t) || own[i] || !ok {
			continue
		}
		if in[i] < slices.Min(counts) {
			return &finding{reason: fmt.Sprintf("the linked facts state %q only under a hedge", t.Text), span: t.Text}
		}
	}
	return nil
}

// neighbours returns up to n content-word indices next to token i in
// direction dir (-1 or +1), nearest first, stopping at the first token for
// which stop returns true.
func neighbours(toks []textnorm.Token, i, dir, n int, stop func(textnorm.Token) bool) []int {
	var out []int
	for k := i + dir; k >= 0 && k < len(toks) && len(out) < n; k += dir {
		t := toks[k]
		if stop(t) {
			break
		}
		if isContent(t) {
			out = append(out, k)
		}
	}
	return out
}

// clauseEnd reports tokens that end the words belonging to a number: other
// numbers, semicolons and colons, and clause-joining words. Commas,
// brackets and full stops (a sentence has only abbreviation stops inside)
// do not: "Liu et al., 2014" binds 2014 to Liu.
func clauseEnd(t textnorm.Token) bool {
	switch t.Kind {
	case textnorm.Number:
		return true
	case textnorm.Punct:
		return t.Key == ";" || t.Key == ":"
	}
	return scopeEnd[t.Key]
}

// bindingReach is how many content words on each side of a number the
// sentence must keep where the facts have them.
const bindingReach = 2

// checkNumberBinding requires each number of the sentence to be said of
// the same words as in the facts: with "38% in group A and 12% in group B"
// the sentence "12% in group A" has the right numbers and words but is
// wrong. The words next to a number in the sentence (up to a clause
// boundary) must be next to it, on the same side, in a fact that has the
// number; facts with a single number bind trivially.
func checkNumberBinding(s []textnorm.Token, views []view, _ string) *finding {
	if f := checkNumberCounts(s, views); f != nil {
		return f
	}
	if f := checkNumberPairs(s, views); f != nil {
		return f
	}
	for i, t := range s {
		if t.Kind != textnorm.Number {
			continue
		}
		left := neighbours(s, i, -1, bindingReach, clauseEnd)
		right := neighbours(s, i, +1, bindingReach, clauseEnd)
		ok, seen := false, false
		for _, v := range views {
			if !hasNumber(v.toks, t.Key) {
				continue
			}
			seen = true
			if distinctNumbers(v.toks) <= 1 {
				ok = true
				break
			}
			for q, u := range v.toks {
				if u.Kind != textnorm.Number || u.Key != t.Key {
					continue
				}
				fl := neighbours(v.toks, q, -1, len(v.toks), clauseEnd)
				fr := neighbours(v.toks, q, +1, len(v.toks), clauseEnd)
				if sameSide(s, left, v.toks, fl) && sameSide(s, right, v.toks, fr) {
					ok = true
					break
				}
			}
			if ok {
				break
			}
		}
		if seen && !ok {
			return &finding{
				reason: fmt.Sprintf("the linked facts do not give %s with the words next to it in the sentence", t.Text),
				span:   t.Text,
			}
		}
	}
	return nil
}

// checkNumberCounts refuses a number more often in the sentence than in
// the facts together ("[32,35]" is not "[32,32]").
func checkNumberCounts(s []textnorm.Token, views []view) *finding {
	have := map[string]int{}
	perFact := map[string]map[string]int{} // fact id → key → most in one view
	for _, v := range views {
		c := map[string]int{}
		for _, t := range v.toks {
			if t.Kind == textnorm.Number {
				c[t.Key]++
			}
		}
		if perFact[v.id] == nil {
			perFact[v.id] = map[string]int{}
		}
		for k, n := range c {
			perFact[v.id][k] = max(perFact[v.id][k], n)
		}
	}
	for _, c := range perFact {
		for k, n := range c {
			have[k] += n
		}
	}
	used := map[string]int{}
	for _, t := range s {
		if t.Kind != textnorm.Number {
			continue
		}
		used[t.Key]++
		if used[t.Key] > have[t.Key] {
			return &finding{reason: fmt.Sprintf("the sentence gives %s more often than the linked facts", t.Text), span: t.Text}
		}
	}
	return nil
}

// numberPairs returns the pairs of numbers that follow each other with no
// content word between them ("38% and 12%", "AGS2000 (PI612956").
func numberPairs(toks []textnorm.Token) [][2]textnorm.Token {
	var out [][2]textnorm.Token
	prev := -1
	for i, t := range toks {
		switch {
		case t.Kind == textnorm.Number:
			if prev >= 0 {
				out = append(out, [2]textnorm.Token{toks[prev], t})
			}
			prev = i
		case isContent(t):
			prev = -1
		}
	}
	return out
}

// checkNumberPairs keeps numbers that follow each other, with no word
// between them, in an order the facts allow: "38% and 12% in groups A and
// B, respectively" is not "12% and 38%", though no word tells them apart.
func checkNumberPairs(s []textnorm.Token, views []view) *finding {
	for _, p := range numberPairs(s) {
		a, b := p[0].Key, p[1].Key
		if a == b {
			continue
		}
		both, ok := false, false
		for _, v := range views {
			if !hasNumber(v.toks, a) || !hasNumber(v.toks, b) {
				continue
			}
			both = true
			ok = ok || precedes(v.toks, a, b)
		}
		if both && !ok {
			return &finding{
				reason: fmt.Sprintf("the linked facts do not give %s before %s", p[0].Text, p[1].Text),
				span:   p[0].Text + " … " + p[1].Text,
			}
		}
	}
	return nil
}

// precedes reports whether some occurrence of number a comes before some
// occurrence of number b.
func precedes(toks []textnorm.Token, a, b string) bool {
	seenA := false
	for _, t := range toks {
		if t.Kind != textnorm.Number {
			continue
		}
		if t.Key == b && seenA {
			return true
		}
		seenA = seenA || t.Key == a
	}
	return false
}

func hasNumber(toks []textnorm.Token, key string) bool {
	for _, t := range toks {
		if t.Kind == textnorm.Number && t.Key == key {
			return true
		}
	}
	return false
}

func distinctNumbers(toks []textnorm.Token) int {
	keys := map[string]bool{}
	for _, t := range toks {
		if t.Kind == textnorm.Number {
			keys[t.Key] = true
		}
	}
	return len(keys)
}

// relational are comparatives and directional verbs in any inflection.
var relational = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`reduce reduced decrease increase lower higher more less greater fewer
		larger smaller better worse superior inferior faster slower longer shorter stronger weaker
		earlier later above below exceed outperform surpass beat improve worsen inhibit activate block
		suppress enhance stimulate induce cause prevent protect precede predict bind regulate
		upregulate downregulate mediate affect modulate trigger drive drove promote lead led result
		raise elevate exceeded outperformed`) {
		relational[textnorm.Key(w)] = true
	}
}

const orderReach = 2

// pivots are the auxiliaries that separate a subject from what is said of
// it: "A is a risk factor for B" is not "B is a risk factor for A".
var pivots = map[string]bool{"is": true, "are": true, "was": true, "were": true, "be": true, "been": true,
	"has": true, "have": true, "had": true}

// isRelational reports comparatives, verbs and auxiliaries: the listed
// words, pivots and any word ending in "-ed" ("phosphorylated",
// "matched"), whose arguments cannot swap sides without changing the
// claim.
func isRelational(t textnorm.Token) bool {
	if t.Kind != textnorm.Word {
		return false
	}
	if pivots[t.Key] {
		return true
	}
	if t.Stop {
		return false
	}
	if relational[t.Key] {
		return true
	}
	w := strings.ToLower(t.Text)
	return len(w) >= 5 && strings.HasSuffix(w, "ed") && !strings.HasSuffix(w, "eed") && w != "hundred"
}

// factBoundary ends the words that belong to one comparative or verb in a
// fact: the next such word or clause punctuation.
func factBoundary(t textnorm.Token) bool {
	switch t.Kind {
	case textnorm.Punct:
		return t.Key == ";" || t.Key == ":" || t.Key == ","
	case textnorm.Word:
		return isRelational(t)
	}
	return false
}

// boundary is factBoundary plus clause-joining words, for the sentence: in
// "A lowered X and raised Y [F1][F2]" the words of one clause are not
// checked against the fact of the other, while "matched for age and sex"
// may still become "matched for sex and age".
func boundary(t textnorm.Token) bool {
	return factBoundary(t) || (t.Kind == textnorm.Word && scopeEnd[t.Key])
}

// checkOrder requires the words next to a comparative or directional verb
// to stand on the same side of it as in a fact, and near it: "B was more
// effective than A" is not supported by "A was more effective than B".
func checkOrder(s []textnorm.Token, views []view, _ string) *finding {
	for i, t := range s {
		if !isRelational(t) {
			continue
		}
		left := neighbours(s, i, -1, orderReach, boundary)
		right := neighbours(s, i, +1, orderReach, boundary)
		if len(left)+len(right) == 0 {
			continue
		}
		if !orderHolds(s, t.Key, left, right, views) {
			return &finding{
				reason: fmt.Sprintf("the words around %q are not in the order of the linked facts", t.Text),
				span:   t.Text,
			}
		}
	}
	return nil
}

func orderHolds(s []textnorm.Token, key string, left, right []int, views []view) bool {
	for _, v := range views {
		for q, u := range v.toks {
			if u.Kind != textnorm.Word || u.Key != key {
				continue
			}
			fl := neighbours(v.toks, q, -1, len(v.toks), factBoundary)
			fr := neighbours(v.toks, q, +1, len(v.toks), factBoundary)
			if sameSide(s, left, v.toks, fl) && sameSide(s, right, v.toks, fr) {
				return true
			}
		}
	}
	return false
}

// sameSide checks that the i-th nearest word on one side of a word or
// number in the sentence is among the first i+2 words on the same side in
// the fact (one word of slack, as in "A significantly reduced").
func sameSide(s []textnorm.Token, words []int, ftoks []textnorm.Token, side []int) bool {
	for i, k := range words {
		found := false
		for j := 0; j < len(side) && j <= i+1; j++ {
			if ftoks[side[j]].Key == s[k].Key {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}
