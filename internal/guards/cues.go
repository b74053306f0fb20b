package guards

import (
	"strconv"
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

// cueList is a set of phrases compared word by word with the words as
// written (lower-cased), never with stems: a cue is a whole word, so
// "Note" is not "not", "rate" is not "rat" and "nonetheless" is not
// "none". Inflections are listed one by one. Punctuation breaks a phrase.
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
			seq = append(seq, strings.ToLower(w))
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

// form is how a word token is compared with cue phrases: lower-cased as
// written, with "n't" read as "not" and a closing apostrophe dropped
// ("authors'").
func form(t textnorm.Token) string {
	w := strings.ToLower(strings.TrimSuffix(t.Text, "'"))
	if w == "n't" {
		return "not"
	}
	return w
}

// matchAt returns the length of the first phrase of seqs that starts at
// toks[i], or 0.
func matchAt(toks []textnorm.Token, forms []string, i int, seqs [][]string) int {
	for _, seq := range seqs {
		if seq[0] != forms[i] && (forms[i] != "the" || seq[0] != "we" && seq[0] != "our") {
			continue
		}
		p := i
		for _, w := range seq {
			if p+1 < len(toks) && (w == "we" || w == "our") && forms[p] == "the" && forms[p+1] == "authors" {
				p += 2 // a paper's "we" is "the authors" in a fact
				continue
			}
			if p >= len(toks) || forms[p] != w {
				p = -1
				break
			}
			p++
		}
		switch {
		case p < 0:
		case len(seq) == 1 && seq[0] == "may" && isMonth(toks, i):
		case len(seq) == 1 && seq[0] == "since" && i+1 < len(toks) && toks[i+1].Kind == textnorm.Number:
			// "since 2010" is a time, not a reason
		default:
			return p - i
		}
	}
	return 0
}

// monthBefore are words after which "May" is the month ("in May", "by
// May", "mid-May").
var monthBefore = map[string]bool{"in": true, "on": true, "of": true, "since": true, "until": true, "till": true,
	"from": true, "during": true, "by": true, "early": true, "late": true, "mid": true, "between": true,
	"and": true, "to": true, "through": true, "before": true, "after": true, "last": true, "next": true, "this": true}

// isMonth reports whether the word "May" at toks[i] is the month: written
// with a capital, and next to a day or year ("May 2014", "12 May") or after
// a word that introduces a date ("in May"). A lower-case "may" is always
// the modal, and so is a capitalised one anywhere else ("Statins May
// Reduce Risk"): mistaking a hedge for a month would drop the hedge.
func isMonth(toks []textnorm.Token, i int) bool {
	if toks[i].Text != "May" {
		return false
	}
	if i+1 < len(toks) && dayOrYear(toks[i+1]) {
		return true
	}
	return i > 0 && (dayOrYear(toks[i-1]) || toks[i-1].Kind == textnorm.Word && monthBefore[strings.ToLower(toks[i-1].Text)])
}

// dayOrYear reports a number that can be a day of the month or a year.
func dayOrYear(t textnorm.Token) bool {
	n, err := strconv.Atoi(strings.TrimRight(t.Key, "stndrh")) // "12th"
	return t.Kind == textnorm.Number && err == nil && (n >= 1 && n <= 31 || n >= 1800 && n <= 2100)
}

// find returns the cues of the list in toks, in order, not overlapping.
func (l cueList) find(toks []textnorm.Token) []Cue { return l.findForms(toks, forms(toks)) }

// forms returns form of each word of toks, "" for the rest.
func forms(toks []textnorm.Token) []string {
	out := make([]string, len(toks))
	for i, t := range toks {
		if t.Kind == textnorm.Word {
			out[i] = form(t)
		}
	}
	return out
}

func (l cueList) findForms(toks []textnorm.Token, forms []string) []Cue {
	var out []Cue
	for i := 0; i < len(toks); i++ {
		if forms[i] == "" {
			continue
		}
		if n := matchAt(toks, forms, i, l.except); n > 0 {
			i += n - 1
			continue
		}
		if n := matchAt(toks, forms, i, l.seqs); n > 0 {
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
		"fail, failed, fails, failing, unable, absence, absent, lack, lacked, lacking, lacks",
	"not only, whether or not, no doubt, not least")

var hedgeCues = newCues(
	"may, might, could, possibly, possible, perhaps, potentially, potential, likely, unlikely, "+
		"probably, probable, presumably, presumed, presumptive, putative, "+
		"suggest, suggests, suggested, suggesting, suggestive, suggestion, suggestions, "+
		"indicate, indicates, indicated, indicating, indicative, "+
		"appear to, appears to, appeared to, appearing to, seem, seems, seemed, seeming, seemingly, apparently, "+
		"tend to, tends to, tended to, associated, association, associations, associate, associates, "+
		"correlated, correlation, correlations, correlate, correlates, linked to, linked with, related to, "+
		"relationship between, hypothesis, hypotheses, hypothesize, hypothesizes, hypothesized, hypothesise, "+
		"hypothesises, hypothesised, speculate, speculates, speculated, speculative, "+
		"thought to, it is thought, is thought, are thought, was thought, were thought, we think, "+
		"believe, believes, believed, expected to, "+
		"to our knowledge, to the best of our knowledge, to my knowledge, to the best of my knowledge, "+
		"to their knowledge, as far as we know, as far as is known, as far as we are aware, "+
		"as far as i know, conceivably, plausibly, plausible, arguably, reportedly, supposedly, "+
		"in our opinion, in our view, preliminary, uncertain, unclear, in part, partly, partially",
	"all possible, as soon as possible, where possible, if possible, when possible, whenever possible, "+
		"as much as possible, as far as possible, action potential, action potentials, membrane potential, "+
		"resting potential, evoked potential, evoked potentials, redox potential, zeta potential")

var correlationCues = newCues(
	"associated, association, associations, associate, associates, correlated, correlation, correlations, "+
		"correlate, correlates, linked to, linked with, related to, relationship between",
	"")

// causalGroupNames fixes the order in which causal cues are reported.
var causalGroupNames = []string{"cause", "prevent", "reduce", "increase", "improve", "protect", "eliminate"}

// causalGroups are causal phrases; a sentence's causal phrase is backed by
// any phrase of the same group in its facts ("led to" by "resulted in").
// Inferential connectives ("therefore", "thus", "so", "since") state a
// reason too: a sentence may not join two facts with one unless a fact
// makes such a link.
// Verbs of change ("fell", "rose") are in the groups of their direction:
// a sentence that says "LDL fell" needs a fact that reports the change,
// and may not turn an association into one.
var causalGroups = map[string]cueList{
	"cause": newCues("cause, causes, caused, causing, causal, causally, causative, lead to, leads to, led to, "+
		"leading to, result in, results in, resulted in, resulting in, due to, because, owing to, attributable to, "+
		"responsible for, give rise to, gives rise to, gave rise to, given rise to, induce, induces, induced, "+
		"inducing, trigger, triggers, triggered, triggering, drive, drives, drove, driven, as a result of, "+
		"consequence of, as a result, therefore, thus, hence, consequently, so, since",
		"the result in, the results in, these results in, our results in, similar results in, "+
			"the main results in, driven by the need, so far, so called, and so on, and so forth, so as, or so, "+
			"even so, if so, so much, so many, so long, not so"),
	"prevent": newCues("prevent, prevents, prevented, preventing, prevention, preventive", ""),
	"reduce": newCues("reduce, reduces, reduced, reducing, reduction, reductions, decrease, decreases, decreased, "+
		"decreasing, diminish, diminishes, diminished, attenuate, attenuates, attenuated, suppress, suppresses, "+
		"suppressed, inhibit, inhibits, inhibited, inhibiting, inhibition, lowered, lowers, lowering, "+
		"fell, fallen, dropped, drops", ""),
	"increase": newCues("increase, increases, increased, increasing, raise, raises, raised, raising, enhance, "+
		"enhances, enhanced, enhancing, boost, boosts, boosted, promote, promotes, promoted, promoting, "+
		"stimulate, stimulates, stimulated, stimulating, rose, risen, rises", ""),
	"improve":   newCues("improve, improves, improved, improving, improvement, improvements", ""),
	"protect":   newCues("protect, protects, protected, protecting, protection, protective", ""),
	"eliminate": newCues("eliminate, eliminates, eliminated, eliminating, elimination, abolish, abolishes, abolished, cure, cures, cured", ""),
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
	{seqs: phrases("yeast, yeasts"), group: "yeast"},
	{seqs: phrases("pig, pigs, porcine, swine, piglet, piglets"), group: "pigs"},
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
	"child, children, women, men, woman, man, participant, participants, subject, subjects, volunteer, "+
	"volunteers, clinical, individual, individuals, respondent, respondents, student, students, infant, infants, "+
	"girl, girls, boy, boys, elderly, user, users, worker, workers, smoker, smokers, mother, mothers, parent, "+
	"parents, case, cases, control, controls, cohort, population, populations", "")

// scopeGroups returns the qualifiers toks mention.
func scopeGroups(toks []textnorm.Token) []string {
	var out []string
	fs := forms(toks)
	for _, q := range scopeQualifiers {
		if len(q.findForms(toks, fs)) > 0 {
			out = append(out, q.group)
		}
	}
	return out
}

// Negations returns the negation cues of a tokenised text ("not", "no",
// "without", "failed to", "unchanged"), leaving out phrases that only look
// negative ("not only", "whether or not"). Cues are whole words: "Note"
// and "nonetheless" are none.
func Negations(toks []textnorm.Token) []Cue { return negationCues.find(toks) }

// Hedges returns the hedge cues of a tokenised text ("may", "suggests",
// "associated with", "to our knowledge", "we believe"), leaving out the
// month ("in May 2014") and phrases that only look tentative ("all
// possible", "action potential").
func Hedges(toks []textnorm.Token) []Cue { return hedgeCues.find(toks) }

// quantifierCues say of how much of something a claim holds, or how often:
// a restatement may neither drop nor add one.
var quantifierCues = newCues("all, every, each, any, some, most, many, much, few, several, majority, minority, "+
	"mostly, mainly, largely, partly, generally, usually, often, typically, always, sometimes, rarely, seldom, "+
	"only, solely, respectively, in general, as a rule, at least, at most, up to", "")

// significanceCues claim or deny statistical significance.
var significanceCues = newCues("significant, significantly, nonsignificant, insignificant, significance", "")

// settingWords say where, when, among whom or under which condition a
// claim holds: the words that open such a phrase, and the words of time.
var settingWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`in at on among amongst during under within after before between from since until
		till when whenever if unless across throughout without per where while whereas following upon over versus
		than against beyond near inside outside time times period periods season seasons second seconds minute
		minutes hour hours day days night nights morning evening week weeks month months year years decade decades`) {
		settingWords[w] = true
	}
}

// Setting reports whether the word w (as written) is a word of setting:
// one that opens a phrase of place, time, population or condition ("in",
// "after", "among", "unless"), or a word of time ("day", "night").
func Setting(w string) bool { return settingWords[strings.ToLower(w)] }

// Marks returns, for each token, the kind of qualifier cue it is part of
// ("negation", "hedge", "quantifier", "causal", "comparison",
// "significance", "scope", "people"), or "". Qualifiers are what a restatement may neither drop nor
// swap for another word.
func Marks(toks []textnorm.Token) []string {
	out, fs := make([]string, len(toks)), forms(toks)
	mark := func(kind string, lists ...cueList) {
		for _, l := range lists {
			for _, c := range l.findForms(toks, fs) {
				for k := c.Start; k < c.End; k++ {
					if out[k] == "" {
						out[k] = kind
					}
				}
			}
		}
	}
	mark("negation", negationCues)
	mark("hedge", hedgeCues)
	mark("quantifier", quantifierCues)
	for _, g := range causalGroupNames {
		mark("causal", causalGroups[g])
	}
	mark("comparison", comparisonMarkers)
	mark("significance", significanceCues)
	mark("scope", scopeQualifiers...)
	mark("people", humanCues)
	return out
}
