package guards

import (
	"strings"

	"github.com/opusblocks/opus/internal/textnorm"
)

// Cue is a cue phrase ("may", "associated with", "did not") found in a
// token list.
type Cue struct {
	// Text is the phrase as written.
	Text string
	// Start and End index the tokens of the phrase: toks[Start:End].
	Start, End int

	key   string // key of the first word
	group string // causal group or scope qualifier
}

// cueList is a set of phrases compared by token keys, so inflections match
// ("suggests", "suggested") and punctuation breaks a phrase.
type cueList struct {
	seqs   [][]string
	except [][]string // phrases whose words are not cues ("not only")
	group  string
}

func phrases(list string) [][]string {
	var out [][]string
	for _, p := range strings.Split(list, ",") {
		var seq []string
		for _, w := range strings.Fields(p) {
			seq = append(seq, textnorm.Key(w))
		}
		if len(seq) > 0 {
			out = append(out, seq)
		}
	}
	return out
}

func newCues(list, except string) cueList {
	return cueList{seqs: phrases(list), except: phrases(except)}
}

// matchAt returns the length of the first phrase of seqs that starts at
// toks[i], or 0.
func matchAt(toks []textnorm.Token, i int, seqs [][]string) int {
	for _, seq := range seqs {
		if i+len(seq) > len(toks) {
			continue
		}
		ok := true
		for k, key := range seq {
			t := toks[i+k]
			if t.Kind != textnorm.Word || t.Key != key {
				ok = false
				break
			}
		}
		if ok {
			return len(seq)
		}
	}
	return 0
}

// find returns the cues of the list in toks, in order, not overlapping.
func (l cueList) find(toks []textnorm.Token) []Cue {
	var out []Cue
	for i := 0; i < len(toks); i++ {
		if n := matchAt(toks, i, l.except); n > 0 {
			i += n - 1
			continue
		}
		if n := matchAt(toks, i, l.seqs); n > 0 {
			out = append(out, Cue{Text: spanText(toks, i, i+n), Start: i, End: i + n, key: toks[i].Key, group: l.group})
			i += n - 1
		}
	}
	return out
}

func spanText(toks []textnorm.Token, i, j int) string {
	parts := make([]string, 0, j-i)
	for _, t := range toks[i:j] {
		parts = append(parts, t.Text)
	}
	return strings.Join(parts, " ")
}

var negationCues = newCues(
	"not, no, never, none, neither, nor, without, nothing, nobody, non, cannot, "+
		"nonsignificant, insignificant, unchanged, unaffected, unaltered, undetectable, undetected, "+
		"fail, failed, fails, unable, absence, absent, lack, lacked, lacking, lacks",
	"not only, whether or not, no doubt, not least")

var hedgeCues = newCues(
	"may, might, could, possibly, possible, perhaps, potentially, potential, likely, unlikely, "+
		"probably, probable, presumably, putative, suggest, suggests, suggested, suggesting, suggestive, "+
		"suggestion, indicate, indicates, indicated, indicating, appear to, appears to, appeared to, "+
		"seem to, seems to, seemed to, tend to, tends to, associated, association, correlated, "+
		"correlation, correlates, linked to, linked with, related to, relationship between, hypothesis, "+
		"hypothesize, hypothesized, speculate, speculated, thought to, believed to, preliminary, "+
		"uncertain, unclear, in part, partly, partially",
	"")

var correlationCues = newCues(
	"associated, association, correlated, correlation, correlates, linked to, linked with, "+
		"related to, relationship between",
	"")

// causalGroupNames fixes the order in which causal cues are reported.
var causalGroupNames = []string{"cause", "prevent", "reduce", "increase", "improve", "protect", "eliminate"}

// causalGroups are causal phrases; a sentence's causal phrase is backed by
// any phrase of the same group in its facts ("led to" by "resulted in").
var causalGroups = map[string]cueList{
	"cause": newCues("cause, causes, caused, causing, causal, causative, lead to, leads to, led to, leading to, "+
		"result in, results in, resulted in, resulting in, due to, because, owing to, attributable to, "+
		"responsible for, give rise to, gives rise to, gave rise to, induce, induces, induced, trigger, "+
		"triggers, triggered, drive, drives, drove, as a result of, consequence of", ""),
	"prevent":   newCues("prevent, prevents, prevented, preventing, prevention", ""),
	"reduce":    newCues("reduce, reduces, reduced, reducing, reduction, decrease, decreases, decreased, diminish, diminished, attenuate, attenuated, suppress, suppressed, inhibit, inhibited, inhibits", ""),
	"increase":  newCues("increase, increases, increased, increasing, raise, raises, raised, enhance, enhanced, enhances, boost, boosted, promote, promotes, promoted, stimulate, stimulated", ""),
	"improve":   newCues("improve, improves, improved, improving, improvement", ""),
	"protect":   newCues("protect, protects, protected, protection, protective", ""),
	"eliminate": newCues("eliminate, eliminates, eliminated, abolish, abolished, cure, cures, cured", ""),
}

func init() {
	for name, l := range causalGroups {
		l.group = name
		causalGroups[name] = l
	}
}

// causalCues returns the causal phrases of toks, each with its group.
func causalCues(toks []textnorm.Token) []Cue {
	var out []Cue
	for _, g := range causalGroupNames {
		out = append(out, causalGroups[g].find(toks)...)
	}
	return out
}

// scopeQualifiers name the models a finding may be limited to.
var scopeQualifiers = []cueList{
	{seqs: phrases("mice, mouse, murine"), group: "mice"},
	{seqs: phrases("rat, rats"), group: "rats"},
	{seqs: phrases("rodent, rodents"), group: "rodents"},
	{seqs: phrases("animal, animals"), group: "animals"},
	{seqs: phrases("zebrafish"), group: "zebrafish"},
	{seqs: phrases("drosophila, fly, flies"), group: "flies"},
	{seqs: phrases("yeast"), group: "yeast"},
	{seqs: phrases("pig, pigs, porcine, swine"), group: "pigs"},
	{seqs: phrases("dog, dogs, canine"), group: "dogs"},
	{seqs: phrases("primate, primates, monkey, monkeys, macaque, macaques"), group: "primates"},
	{seqs: phrases("rabbit, rabbits"), group: "rabbits"},
	{seqs: phrases("in vitro"), group: "in vitro"},
	{seqs: phrases("ex vivo"), group: "ex vivo"},
	{seqs: phrases("in silico"), group: "in silico"},
	{seqs: phrases("cell line, cell lines, cultured cells, cell culture, cell cultures"), group: "cell lines"},
	{seqs: phrases("organoid, organoids"), group: "organoids"},
}

// humanCues are words that place a finding in people.
var humanCues = newCues("human, humans, patient, patients, people, person, persons, adult, adults, "+
	"child, children, women, men, woman, man, participant, participants, volunteer, volunteers, clinical", "")

// scopeGroups returns the qualifiers toks mention.
func scopeGroups(toks []textnorm.Token) []string {
	var out []string
	for _, q := range scopeQualifiers {
		if len(q.find(toks)) > 0 {
			out = append(out, q.group)
		}
	}
	return out
}

// Negations returns the negation cues of a tokenised text ("not", "no",
// "without", "failed to", "unchanged"), leaving out phrases that only look
// negative ("not only", "whether or not").
func Negations(toks []textnorm.Token) []Cue { return negationCues.find(toks) }

// Hedges returns the hedge cues of a tokenised text ("may", "suggests",
// "associated with").
func Hedges(toks []textnorm.Token) []Cue { return hedgeCues.find(toks) }
