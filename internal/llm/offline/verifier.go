package offline

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"

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
// sentence; the price is that many true paraphrases (passive for active,
// reordered numbers, words the facts lack) are rejected.
//
// What it recognises as the same: inflections, irregular verbs included
// ("took", "taken"; textnorm.Stem); a small curated list of synonyms
// ("fell", "decreased", "reduced"; "used", "employed"; textnorm.Concept),
// held to the same place as the word they stand for; numbers in other
// formats and units that convert exactly ("38 %" and "38 percent", "120
// minutes" and "2 hours", "half" and "50%", "a quarter of an hour" and
// "15 minutes"; textnorm.SameQuantity); a percentage that glosses a count ("8
// mice (4.0%)") as said of the count's words.
//
// What ties numbers to their things: the words next to each number
// (binding); the order of numbers with no word between them; and numbers
// linked in the sentence must be linked in one fact (in one clause, with no
// number of their units between them), so "38% at 12 weeks and 20% at 24
// weeks" does not give "38% at 24 weeks", and the numbers of two
// clauses do not mix.
//
// What keeps a verb's subject and object: next to each verb or
// comparative, and after each number, the nearest phrase (a run of content
// words; its last word is its head) must keep the head of the phrase a fact
// has there when it shares a word with it, so "improved reaction by 12 ms"
// does not drop "time" of "reaction time", nor "120 adult" "patients" of
// "120 adult patients"; and a pronoun there ("it", "they", "them", a
// lone "this") must stand there in a fact too, since "and the scanner
// reduced them" does not say what it reduced (checkHeads).
//
// Known limits: a sentence made of a fact's own words in another order
// passes unless a number, negation, hedge, comparative or verb ties them;
// dropping a qualifier other than a model organism or in vitro ("in older
// adults") passes, as the sentence claims no word the facts lack. A head
// dropped out of reach of a verb or number it knows passes (next to a verb
// outside isRelational, "makes reaction"); an adverb without "-ly" in a verb's
// phrase ("X further reduced") counts as its head, so dropping it is
// rejected; so is a pronoun that a fact's own words resolve ("They" for
// "The patients").
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
	norm string // the normalised text the tokens index
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
	s := concepts(textnorm.Tokenize(it.Sentence))
	var views []view
	var ids []string
	for _, f := range it.Facts {
		ids = append(ids, f.ID)
		for _, t := range []string{f.Text, f.Quote} {
			if strings.TrimSpace(t) != "" {
				views = append(views, view{id: f.ID, toks: concepts(textnorm.Tokenize(t)), norm: textnorm.Normalize(t)})
			}
		}
	}
	alignNumbers(s, views)
	for _, check := range []func([]textnorm.Token, []view, string) *finding{
		checkWords, checkNegationScope, checkHedgeScope, checkNumberBinding, checkNumberClauses, checkAggregation, checkOrder, checkHeads,
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

// concepts gives each word the key of its class of synonyms
// (textnorm.Concept), so that "fell" in a sentence meets "decreased" in a
// fact in every check below, and the order and binding checks hold the
// synonym to the same place as the word it stands for. A class word used
// in another sense ("dropped out", "just before") keeps its own key.
func concepts(toks []textnorm.Token) []textnorm.Token {
	for i, t := range toks {
		if t.Kind != textnorm.Word {
			continue
		}
		next := ""
		if i+1 < len(toks) {
			next = toks[i+1].Text
		}
		if c, ok := textnorm.Concept(t.Text); ok && !textnorm.ConceptException(t.Text, next) {
			toks[i].Key = c
		}
	}
	return toks
}

// stopBacksContent are classes whose stop words ("although", "whereas")
// stand for a content word ("but"): a fact's "although" backs a
// sentence's "but", while a sentence's "although" stays a stop word.
var stopBacksContent = map[string]bool{"but": true}

// alignNumbers gives each number of the sentence that the facts state in
// another unit the key the facts use ("120 minutes" takes the key of "2
// hours"), so the checks below compare it like a number written the same
// way. Only exact conversions count (textnorm.SameQuantity).
func alignNumbers(s []textnorm.Token, views []view) {
	have := map[string]bool{}
	var keys []string
	for _, v := range views {
		for _, t := range v.toks {
			if t.Kind == textnorm.Number && !have[t.Key] {
				have[t.Key] = true
				keys = append(keys, t.Key)
			}
		}
	}
	for i, t := range s {
		if t.Kind != textnorm.Number || have[t.Key] {
			continue
		}
		for _, k := range keys {
			if textnorm.SameQuantity(t.Key, k) {
				s[i].Key = k
				break
			}
		}
	}
}

// checkWords requires every content word of the sentence in the facts.
func checkWords(s []textnorm.Token, views []view, norm string) *finding {
	vocab := vocabulary(views)
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

// vocabulary returns the word keys that views vouch for.
func vocabulary(views []view) map[string]bool {
	vocab := map[string]bool{}
	for _, v := range views {
		for _, t := range v.toks {
			switch {
			case isContent(t), t.Kind == textnorm.Word && stopBacksContent[t.Key]:
				vocab[t.Key] = true
			case t.Kind == textnorm.Number:
				// "12 weeks" in a fact also vouches for the word "weeks".
				for _, w := range strings.FieldsFunc(t.Text, notLetter) {
					vocab[textnorm.Key(w)] = true
				}
			}
		}
	}
	return vocab
}

// joiners split a sentence into the parts an aggregation joins: "Drug A
// lowered LDL-C by 38% and drug B lowered HDL-C by 12%".
var joiners = map[string]bool{"and": true, "or": true, "but": true, "whereas": true, "while": true,
	"although": true, "though": true, "however": true, "yet": true}

// checkAggregation keeps what a sentence that cites several facts joins
// from them apart. The sentence is cut into parts at "and", "or", "but",
// "whereas", semicolons, colons and sentence stops (commas and brackets do
// not cut). Each part must come from one fact: its content words must all
// be words of one linked fact, so no word of one fact replaces a word of
// another ("Drug A lowered HDL-C" from "Drug A lowered LDL-C" and "Drug B
// lowered HDL-C"). A part without a verb of its own continues the part
// before it ("Drug A lowered LDL-C by 38% and HDL-C by 12%": drug A
// lowered HDL-C), so the two must come from one fact; a part of fewer than
// two words goes with the parts around it. Every number must stand among
// words of a fact that gives it: those of its part, taken as above ("and
// 5.0%, respectively" with "myalgia in 7.5%"). "Drug A lowered LDL-C
// by 12%" does not take its 12% from "Drug B lowered HDL-C by 12%", nor
// does a quote take its speaker's label "(Site B, P4)" from another
// quote.
func checkAggregation(s []textnorm.Token, views []view, norm string) *finding {
	us := units(views)
	part := make([]int, len(s))
	cut := sentenceCuts(s)
	n, c := 0, 0
	opens := []bool{true} // opens[p]: part p starts a sentence or clause
	clause := []int{0}    // clause[p]: the sentence or clause of part p
	for i, t := range s {
		switch {
		case i > 0 && cut[i-1]:
			n, c = n+1, c+1
			opens, clause = append(opens, true), append(clause, c)
		case t.Kind == textnorm.Word && joiners[strings.ToLower(t.Text)]:
			n++
			opens, clause = append(opens, false), append(clause, c)
		}
		part[i] = n
	}
	words := make([][]string, n+1)
	verb := make([]bool, n+1)
	for k, u := range s {
		if isContent(u) {
			words[part[k]] = append(words[part[k]], u.Key)
		}
		if isVerb(u) {
			verb[part[k]] = true
		}
	}
	covers := func(u unit, ws []string) bool {
		for _, w := range ws {
			if !u.vocab[w] {
				return false
			}
		}
		return true
	}
	anyCovers := func(ws []string) bool {
		for _, u := range us {
			if covers(u, ws) {
				return true
			}
		}
		return false
	}
	// with returns the words of part p and, if it has no verb and follows
	// a joiner, of the part before it.
	with := func(p int) []string {
		out := append([]string(nil), words[p]...)
		if !verb[p] && !opens[p] {
			out = append(out, words[p-1]...)
		}
		return out
	}
	// around returns with(p), and the words of the parts around p in its
	// sentence or clause, nearest first, while it has fewer than two
	// words: a part of one word ("he goes", "Past and present
	// members") is judged with its neighbours.
	around := func(p int) []string {
		out := with(p)
		for d := 1; len(out) < 2 && (p-d >= 0 || p+d <= n); d++ {
			if p-d >= 0 && clause[p-d] == clause[p] {
				out = append(out, words[p-d]...)
			}
			if len(out) < 2 && p+d <= n && clause[p+d] == clause[p] {
				out = append(out, words[p+d]...)
			}
		}
		return out
	}
	for p := 0; p <= n; p++ {
		if len(words[p]) > 0 && !anyCovers(around(p)) {
			first, last := -1, -1
			for k := range s {
				if part[k] == p && s[k].Kind != textnorm.Punct && !joiners[strings.ToLower(s[k].Text)] {
					if first < 0 {
						first = k
					}
					last = k
				}
			}
			span := norm[s[first].Start:s[last].End]
			reason := fmt.Sprintf("no one sentence of the linked facts says all of %q", span)
			if !verb[p] && !opens[p] && len(words[p-1]) > 0 {
				reason = fmt.Sprintf("no one sentence of the linked facts says %q together with what it continues", span)
			}
			return &finding{reason: reason, span: span}
		}
	}
	for i, t := range s {
		if t.Kind != textnorm.Number {
			continue
		}
		ws := around(part[i])
		ok := false
		for _, u := range us {
			ok = ok || u.numbers[t.Key] && covers(u, ws)
		}
		if !ok {
			return &finding{
				reason: fmt.Sprintf("no linked fact gives %s with the words of its part of the sentence", t.Text),
				span:   t.Text,
			}
		}
	}
	return nil
}

// unit is what one part of a sentence may draw on: a whole fact (text and
// quote) when each of them is one sentence, else one sentence (or clause
// after a semicolon or colon) of its text or quote.
type unit struct {
	vocab, numbers map[string]bool
}

// units returns the units of the linked facts.
func units(views []view) []unit {
	var ids []string
	byFact := map[string][]view{}
	for _, v := range views {
		if byFact[v.id] == nil {
			ids = append(ids, v.id)
		}
		byFact[v.id] = append(byFact[v.id], v)
	}
	make1 := func(vs []view) unit {
		u := unit{vocab: vocabulary(vs), numbers: map[string]bool{}}
		for _, v := range vs {
			for _, t := range v.toks {
				if t.Kind == textnorm.Number {
					u.numbers[t.Key] = true
				}
			}
		}
		return u
	}
	var out []unit
	for _, id := range ids {
		var pieces []view
		single := true
		for _, v := range byFact[id] {
			ss := tokenSentences(v.toks)
			single = single && len(ss) == 1
			for _, toks := range ss {
				pieces = append(pieces, view{id: id, toks: toks})
			}
		}
		if single {
			out = append(out, make1(byFact[id]))
			continue
		}
		for _, p := range pieces {
			out = append(out, make1([]view{p}))
		}
	}
	return out
}

// sentenceCuts marks the tokens after which a new sentence or clause
// starts: semicolons, colons, "!", "?" and full stops that end a sentence
// (followed by a capital), outside round brackets and not between two
// numbers ("[11; 12]", "(24:18 °C)", "(http://...)" cut nothing).
func sentenceCuts(toks []textnorm.Token) []bool {
	out := make([]bool, len(toks))
	depth := 0
	for i, t := range toks {
		if t.Kind != textnorm.Punct {
			continue
		}
		switch t.Key {
		case "(":
			depth++
		case ")":
			depth = max(depth-1, 0)
		case ";", ":":
			// "[11; 12]", "24:18": between two numbers, no cut.
			between := i > 0 && i+1 < len(toks) && toks[i-1].Kind == textnorm.Number && toks[i+1].Kind == textnorm.Number
			out[i] = depth == 0 && !between
		case "!", "?":
			out[i] = depth == 0
		case ".":
			out[i] = depth == 0 && i+1 < len(toks) && toks[i+1].Kind == textnorm.Word && startsUpper(toks[i+1].Text)
		}
	}
	return out
}

// tokenSentences cuts toks where sentenceCuts says.
func tokenSentences(toks []textnorm.Token) [][]textnorm.Token {
	var out [][]textnorm.Token
	start := 0
	for i, c := range sentenceCuts(toks) {
		if c {
			out = append(out, toks[start:i+1])
			start = i + 1
		}
	}
	if start < len(toks) || len(out) == 0 {
		out = append(out, toks[start:])
	}
	return out
}

// isVerb reports the words taken for a verb: auxiliaries, the comparatives
// and verbs of isRelational, and irregular past forms ("took").
func isVerb(t textnorm.Token) bool {
	return t.Kind == textnorm.Word && (isRelational(t) || textnorm.IsIrregularPast(t.Text))
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
// do not: "Moreau et al., 2011" binds 2011 to Moreau.
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
// number; a sentence citing one fact with a single number binds it
// trivially.
func checkNumberBinding(s []textnorm.Token, views []view, _ string) *finding {
	if f := checkNumberCounts(s, views); f != nil {
		return f
	}
	if f := checkNumberPairs(s, views); f != nil {
		return f
	}
	facts := map[string]bool{}
	for _, v := range views {
		facts[v.id] = true
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
			if distinctNumbers(v.toks) <= 1 && len(facts) == 1 {
				// One fact with one number: nothing to confuse it with.
				// With several facts it must keep its words: "Drug A
				// lowered LDL-C by 12%" [F1: "Drug A lowered LDL-C by
				// 38%", F2: "Drug B lowered HDL-C by 12%"] takes F2's
				// number to F1.
				ok = true
				break
			}
			for q, u := range v.toks {
				if u.Kind != textnorm.Number || u.Key != t.Key {
					continue
				}
				for _, sides := range factSides(v.toks, q) {
					if sameSide(s, left, v.toks, sides[0]) && sameSide(s, right, v.toks, sides[1]) {
						ok = true
						break
					}
				}
				if ok {
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

// factSides returns the ways of reading which content words are bound to
// the number at q in a fact: each a pair of left and right words, nearest
// first, up to a clause end. The plain reading stops at the next number,
// as the sentence's side does. Two more readings hold when they apply: a
// bracketed aside next to the number does not separate it from its words
// (in "the main factor (F1) explaining 41.5%", 41.5% is said of the main
// factor), and a percentage that glosses a count ("8 mice (4.0%) on diet
// A", "33 of 80 mice (41%)") is bound to the count's words: 4.0% of mice
// on diet A.
func factSides(toks []textnorm.Token, q int) [][2][]int {
	out := [][2][]int{{
		neighbours(toks, q, -1, len(toks), clauseEnd),
		neighbours(toks, q, +1, len(toks), clauseEnd),
	}}
	out = append(out, [2][]int{sideWords(toks, q, -1), sideWords(toks, q, +1)})
	if c, close, ok := glossedCount(toks, q); ok {
		left := sideWords(toks, c, -1)
		var right []int
		for k := c + 1; k < close; k++ {
			if isContent(toks[k]) {
				right = append(right, k)
			}
		}
		out = append(out, [2][]int{left, append(right, sideWords(toks, close, +1)...)})
	}
	return out
}

// sideWords walks from token i in direction dir, collecting content words
// up to a clause end (clauseEnd), jumping over bracketed asides it meets
// from outside.
func sideWords(toks []textnorm.Token, i, dir int) []int {
	var out []int
	open, shut := "(", ")"
	if dir < 0 {
		open, shut = ")", "("
	}
	for k := i + dir; k >= 0 && k < len(toks); k += dir {
		t := toks[k]
		if t.Kind == textnorm.Punct && t.Key == open {
			if m := matching(toks, k, dir, open, shut); m >= 0 {
				k = m
				continue
			}
		}
		if clauseEnd(t) {
			break
		}
		if isContent(t) {
			out = append(out, k)
		}
	}
	return out
}

// matching returns the index of the bracket that closes the one at k,
// walking in direction dir, or -1.
func matching(toks []textnorm.Token, k, dir int, open, shut string) int {
	depth := 0
	for m := k; m >= 0 && m < len(toks); m += dir {
		if toks[m].Kind != textnorm.Punct {
			continue
		}
		switch toks[m].Key {
		case open:
			depth++
		case shut:
			depth--
			if depth == 0 {
				return m
			}
		}
	}
	return -1
}

// glossedCount recognises a percentage alone in brackets after a count and
// at most three words: "8 mice (4.0%)", "33 of 80 mice (41%)",
// "228 (95%)". It returns the index of the count (the first of "33 of 80")
// and of the closing bracket.
func glossedCount(toks []textnorm.Token, q int) (count, close int, ok bool) {
	t := toks[q]
	if !strings.HasSuffix(t.Key, "%") || q < 2 || q+1 >= len(toks) {
		return 0, 0, false
	}
	if p := toks[q-1]; p.Kind != textnorm.Punct || p.Key != "(" {
		return 0, 0, false
	}
	if n := toks[q+1]; n.Kind != textnorm.Punct || n.Key != ")" {
		return 0, 0, false
	}
	words := 0
	for k := q - 2; k >= 0; k-- {
		u := toks[k]
		switch {
		case u.Kind == textnorm.Number:
			if !isCount(u.Key) {
				return 0, 0, false
			}
			// "33 of 80": the count is the first number.
			if k >= 2 && toks[k-1].Kind == textnorm.Word && toks[k-1].Key == "of" && toks[k-2].Kind == textnorm.Number && isCount(toks[k-2].Key) {
				k -= 2
			}
			return k, q + 1, true
		case u.Kind == textnorm.Word && words < 3:
			words++
		default:
			return 0, 0, false
		}
	}
	return 0, 0, false
}

// isCount reports a whole number without a unit.
func isCount(key string) bool {
	for _, r := range key {
		if r < '0' || r > '9' {
			return false
		}
	}
	return key != ""
}

// clauses numbers the clauses of toks: a new clause starts after a
// semicolon, a colon, a full stop that ends a sentence (followed by a
// capital; "et al. (1999)" and "vs. placebo" go on) and at a contrast
// conjunction ("whereas", "but").
func clauses(toks []textnorm.Token) []int {
	out := make([]int, len(toks))
	n := 0
	for i, t := range toks {
		switch {
		case t.Kind == textnorm.Punct && (t.Key == ";" || t.Key == ":" || t.Key == "!" || t.Key == "?"):
			n++
		case t.Kind == textnorm.Punct && t.Key == ".":
			if i+1 < len(toks) && toks[i+1].Kind == textnorm.Word && startsUpper(toks[i+1].Text) {
				n++
			}
		case t.Kind == textnorm.Word && contrast[strings.ToLower(t.Text)]:
			n++
		}
		out[i] = n
	}
	return out
}

var contrast = map[string]bool{"but": true, "whereas": true, "while": true, "although": true, "though": true, "however": true}

func startsUpper(s string) bool {
	for _, r := range s {
		return unicode.IsUpper(r)
	}
	return false
}

// clauseNumbers returns the distinct number keys of each clause of toks.
func clauseNumbers(toks []textnorm.Token) [][]string {
	ids := clauses(toks)
	var out [][]string
	seen := map[string]bool{}
	for i, t := range toks {
		for len(out) <= ids[i] {
			out = append(out, nil)
			seen = map[string]bool{}
		}
		if t.Kind == textnorm.Number && !seen[t.Key] {
			seen[t.Key] = true
			out[ids[i]] = append(out[ids[i]], t.Key)
		}
	}
	return out
}

// checkNumberClauses keeps numbers together only as the facts do: two
// numbers linked in the sentence (see linked) that a fact states both of
// must be linked in some fact too: in one clause of it, with no number between them
// that competes with either (one of the same unit, outside a bracketed
// aside), unless all between them make one list with them ("3, 5 and 9
// hours"). "In 2019 ... at 3 and 9 hours; in 2020 at 3, 5 and 9 hours"
// does not support "In 2019 ... at 3, 5 and 9 hours", nor "38%
// in patients at 12 weeks and 20% in patients at 24 weeks" the sentence
// "38% in patients at 24 weeks", though every number and word is there.
// Numbers that no single fact states together (an aggregation of two
// facts) are left to the binding check.
func checkNumberClauses(s []textnorm.Token, views []view, norm string) *finding {
	for _, c := range clauseNumbers(s) {
		for i, a := range c {
			for _, b := range c[i+1:] {
				if !linked(s, norm, a, b) && !linked(s, norm, b, a) {
					continue // the sentence keeps them apart too
				}
				both, ok := false, false
				for _, v := range views {
					if hasNumber(v.toks, a) && hasNumber(v.toks, b) {
						both = true
						ok = ok || linked(v.toks, v.norm, a, b) || linked(v.toks, v.norm, b, a)
					}
				}
				if both && !ok {
					ta, tb := numberText(s, a), numberText(s, b)
					return &finding{
						reason: fmt.Sprintf("the linked facts do not give %s and %s together", ta, tb),
						span:   ta + " … " + tb,
					}
				}
			}
		}
	}
	return nil
}

// numberText returns how the number with key k is written in toks.
func numberText(toks []textnorm.Token, k string) string {
	for _, t := range toks {
		if t.Kind == textnorm.Number && t.Key == k {
			return t.Text
		}
	}
	return k
}

// linked reports whether an occurrence of number a comes before one of b
// in the same clause without a number between them that parts them (see
// parted).
func linked(toks []textnorm.Token, norm, a, b string) bool {
	ids := clauses(toks)
	for i, t := range toks {
		if t.Kind != textnorm.Number || t.Key != a {
			continue
		}
		for j := i + 1; j < len(toks) && ids[j] == ids[i]; j++ {
			if u := toks[j]; u.Kind == textnorm.Number && u.Key == b && !parted(toks, norm, i, j) {
				return true
			}
		}
	}
	return false
}

// parted reports whether numbers between the numbers at toks[i] and
// toks[j] (i < j) make them belong to different things: a number of the
// unit of either, outside a bracketed aside that closes before toks[j]
// ("38% (95% CI 31 to 45) at 12 weeks" keeps 38% with 12 weeks; "38% at 12
// weeks and 20% at 24 weeks" parts 38% from 24 weeks). Bare counts
// between two numbers of one unit do not part them ("8 mice (4.0%) and
// 5 mice (2.5%)"), nor do the other members of one list of one unit
// joined by commas, "and" or "or" ("3, 5 and 9 hours").
func parted(toks []textnorm.Token, norm string, i, j int) bool {
	ua, ub := unitOf(toks[i].Key), unitOf(toks[j].Key)
	depth, competing := 0, false
	var inside []string // units in a bracketed group still open
	for k := i + 1; k < j; k++ {
		u := toks[k]
		if u.Kind == textnorm.Punct {
			switch {
			case u.Key == "(":
				depth++
			case u.Key == ")" && depth > 0:
				if depth--; depth == 0 {
					inside = nil
				}
			}
			continue
		}
		if u.Kind != textnorm.Number {
			continue
		}
		x := unitOf(u.Key)
		if x == "" && ua != "" && ua == ub {
			continue
		}
		if depth > 0 {
			inside = append(inside, x)
			continue
		}
		competing = competing || x == ua || x == ub
	}
	for _, x := range inside {
		competing = competing || x == ua || x == ub
	}
	return competing && !oneList(toks, norm, i, j)
}

// oneList reports whether the numbers from toks[i] to toks[j] are one list:
// all of one unit, each joined to the next by a comma, "and" or "or" only.
func oneList(toks []textnorm.Token, norm string, i, j int) bool {
	unit := unitOf(toks[i].Key)
	prev := i
	for k := i + 1; k <= j; k++ {
		u := toks[k]
		if u.Kind == textnorm.Punct && u.Key == "," {
			continue
		}
		if u.Kind == textnorm.Word && (u.Key == "and" || u.Key == "or") {
			continue
		}
		if u.Kind != textnorm.Number || unitOf(u.Key) != unit || !isQuantity(u.Key) {
			return false
		}
		switch strings.TrimSpace(norm[toks[prev].End:u.Start]) {
		case ",", "and", ", and", "or", ", or":
		default:
			return false
		}
		prev = k
	}
	return isQuantity(toks[i].Key)
}

// isQuantity reports a number key that is a value (with a unit or not),
// not an identifier such as "cd4" or "xk12b7", nor an ordinal or p-value.
func isQuantity(key string) bool {
	num, _, _ := strings.Cut(strings.TrimLeft(key, "<>="), " ")
	_, err := strconv.ParseFloat(strings.TrimRight(num, "%‰x°cfp"), 64)
	return err == nil
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
// content word between them ("38% and 12%", "XR2000 (QT123456").
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
			ok = ok || precedes(v.toks, v.norm, a, b)
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

// precedes reports whether an occurrence of number a comes before one of
// number b with no number between them that parts them (see parted). In
// "38% at 12 weeks and 20% at 24 weeks", 38% does not precede 24 weeks.
func precedes(toks []textnorm.Token, norm, a, b string) bool {
	for i, t := range toks {
		if t.Kind != textnorm.Number || t.Key != a {
			continue
		}
		for j := i + 1; j < len(toks); j++ {
			if u := toks[j]; u.Kind == textnorm.Number && u.Key == b && !parted(toks, norm, i, j) {
				return true
			}
		}
	}
	return false
}

// unitOf returns the unit part of a number key ("%" of "38%", "week" of
// "12 week", "" of "2019").
func unitOf(key string) string {
	if _, u, ok := strings.Cut(key, " "); ok {
		return u
	}
	end := len(key)
	for end > 0 && (key[end-1] < '0' || key[end-1] > '9') {
		end--
	}
	return key[end:]
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
	// Classes of synonyms that are verbs: their arguments keep their
	// sides, whichever member is written.
	for _, w := range []string{"decreased", "increased", "used", "showed", "began", "performed", "assessed", "compared"} {
		c, _ := textnorm.Concept(w)
		relational[c] = true
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
	if _, ok := textnorm.Concept(t.Text); ok {
		// A class of synonyms is relational as a whole ("used" as
		// "employed"), whatever its members look like.
		return false
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
