package textnorm

import "strings"

// conceptClasses are small sets of words that state the same thing in the
// contexts of scientific reporting, curated by hand. A word belongs to at
// most one class. Left out on purpose: comparatives and levels ("lower"
// is a level, "decreased" a change), words whose other senses are common
// ("declined" also means refused, "grew" also means cultured, "raised"
// also means brought up), and words of different strength ("nearly" is
// not "about", "patients" are not "participants").
var conceptClasses = [][]string{
	{"decrease", "decreased", "decreases", "decreasing", "reduce", "reduced", "reduces", "reducing", "reduction",
		"reductions", "fell", "fallen", "falling", "drop", "dropped", "drops", "dropping", "lowered", "lowers",
		"lowering"},
	{"increase", "increased", "increases", "increasing", "rise", "rose", "risen", "rises", "rising"},
	{"use", "used", "uses", "using", "employ", "employed", "employs", "employing", "utilize", "utilized",
		"utilizes", "utilizing", "utilise", "utilised", "utilises", "utilising"},
	{"participant", "participants", "subject", "subjects"},
	{"show", "showed", "shown", "shows", "showing", "demonstrate", "demonstrated", "demonstrates",
		"demonstrating", "reveal", "revealed", "reveals", "revealing"},
	{"begin", "began", "begun", "begins", "beginning", "start", "started", "starts", "starting",
		"initiate", "initiated", "initiates", "initiating", "initiation", "commence", "commenced", "commences"},
	{"approximately", "about", "roughly", "approx"},
	{"only", "just", "solely"},
	{"mean", "average", "averaged", "averages"},
	{"each", "every"},
	{"entire", "whole"},
	{"perform", "performed", "performs", "performing", "conduct", "conducted", "conducts", "conducting"},
	{"assess", "assessed", "assesses", "assessing", "assessment", "evaluate", "evaluated", "evaluates",
		"evaluating", "evaluation"},
	{"vs", "versus", "compared"},
	// Contrast: "but" says what "although" or "whereas" says. All but
	// "but" and "yet" are stop words; the class lets a sentence's "but"
	// be backed by a fact's "although".
	{"but", "yet", "although", "though", "whereas", "while", "however"},
}

// concepts maps each word of a class, lower-cased as written, to the key
// of the class's first word. Classes go by the word as written, not its
// stem: "lowered" is a decrease, "lower" (a level) is not.
var concepts = map[string]string{}

func init() {
	for _, class := range conceptClasses {
		head := Key(class[0])
		for _, w := range class {
			if _, ok := concepts[w]; ok {
				panic("textnorm: " + w + " is in two concept classes")
			}
			concepts[w] = head
		}
	}
}

// Concept returns the key of the class of synonyms the word (as written)
// belongs to ("fell", "decreased" and "reduced" all give the key of
// "decrease") and true, or "" and false. It is meant for content words:
// negations, hedges and comparatives are in no class.
func Concept(word string) (string, bool) {
	c, ok := concepts[strings.ToLower(word)]
	return c, ok
}

// conceptExceptions are phrases in which a class word does not mean its
// class: "dropped out" is withdrew, "just before" is immediately before,
// "subject to" is liable to.
var conceptExceptions = map[string][]string{
	"drop": {"out"}, "dropped": {"out"}, "drops": {"out"}, "dropping": {"out"},
	"just":    {"before", "after", "prior", "as", "when", "like"},
	"subject": {"to", "of"}, "subjects": {"to", "of"},
}

// ConceptException reports whether word, followed by the word next (both
// as written), is used outside its class's sense.
func ConceptException(word, next string) bool {
	for _, w := range conceptExceptions[strings.ToLower(word)] {
		if strings.EqualFold(w, next) {
			return true
		}
	}
	return false
}
