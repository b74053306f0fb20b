package textnorm

import "strings"

// stopWords are function words that state nothing a fact could fail to
// support. Negations, modals, quantifiers, comparatives, prepositions of
// time ("before", "after", "during") and "or" are deliberately absent: a
// sentence that adds one of those makes a claim.
var stopWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`
		a an the this that these those it its itself they them their theirs themselves
		we us our ours ourselves he him his she her hers i me my you your
		which who whom whose what whatever where wherein whereby there here
		be is are was were been being am has have had having do does did doing done
		of in on at to for by with from as into onto upon via per
		and also both then thus therefore hence however moreover furthermore additionally
		respectively whereas while although though than such so whether namely
		eg ie et al etc cf`) {
		stopWords[w] = true
	}
}

// IsStopWord reports whether w (any case) is a function word.
func IsStopWord(w string) bool { return stopWords[strings.ToLower(w)] }

// synonyms are spellings that mean exactly the same thing.
var synonyms = map[string]string{"versus": "vs"}

// Stem reduces an English word to a key shared by its inflections, and
// nothing more: "reduces", "reduced", "reducing" and "reduction" share
// "reduc"; "randomised" and "randomized" share "randomiz"; "studies" and
// "study" share "study". Comparatives ("higher"), negated forms
// ("unchanged") and other derivations keep their own keys, because merging
// them could let a changed claim through; the cost is that some paraphrases
// are not recognised. A stem that would equal a stop word gets a "~"
// ("use" → "us~"), so it cannot meet a name such as "US".
//
// Irregular verb forms share the key of their base form ("ran" and "run",
// "took" and "take", "fell" and "fall"), except forms that are also
// common words of another meaning ("left", "bound", "lay"). A stem that
// would meet a negation, modal or quantifier ("note" → "not") gets a "~"
// too: those words are cues, and no other word may pass for one.
func Stem(w string) string {
	w = strings.ToLower(w)
	if s, ok := synonyms[w]; ok {
		return s
	}
	if base, ok := irregular[w]; ok {
		w = base
	}
	if len(w) < 3 {
		return w
	}
	s := stem(w)
	if (stopWords[s] || protectedKeys[s]) && s != w {
		// "use" must not meet the acronym "US" at "us", nor "note" the
		// negation "not".
		return s + "~"
	}
	return s
}

// protectedKeys are the keys of cue words (negations, modals, quantifiers,
// comparison words) that no other word's stem may take.
var protectedKeys = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`not no nor non none never neither can may might will would
		could should must all any some more less most least than only few`) {
		protectedKeys[w] = true
	}
}

// IsIrregularPast reports whether w (any case) is the past tense or past
// participle of an irregular verb ("took", "taken", "fell"), so a verb.
func IsIrregularPast(w string) bool {
	_, ok := irregular[strings.ToLower(w)]
	return ok
}

// irregular maps irregular past forms to their base form. Forms that are
// also everyday words of another meaning ("left", "bound", "lay", "wound",
// "ground", "spoke") are left out: merging them could let one claim pass
// for another.
var irregular = map[string]string{}

func init() {
	for _, line := range strings.Split(`arise arose arisen
		bear borne
		beat beaten
		become became
		begin began begun
		break broke broken
		bring brought
		build built
		buy bought
		catch caught
		choose chose chosen
		come came
		draw drew drawn
		drink drank drunk
		drive drove driven
		eat ate eaten
		fall fell fallen
		feed fed
		feel felt
		fight fought
		find found
		forget forgot forgotten
		get got gotten
		give gave given
		go went gone
		grow grew grown
		hide hid hidden
		hold held
		keep kept
		know knew known
		lead led
		lose lost
		make made
		meet met
		mislead misled
		overcome overcame
		overtake overtook overtaken
		pay paid
		rise rose risen
		run ran
		say said
		see saw seen
		seek sought
		sell sold
		send sent
		shake shook shaken
		show shown
		shrink shrank shrunk
		sleep slept
		spend spent
		stand stood
		steal stole stolen
		strike struck
		swim swam swum
		take took taken
		teach taught
		tell told
		think thought
		throw threw thrown
		undergo underwent undergone
		understand understood
		withdraw withdrew withdrawn
		write wrote written`, "\n") {
		f := strings.Fields(line)
		for _, form := range f[1:] {
			irregular[form] = f[0]
		}
	}
}

func stem(w string) string {
	w = britishToAmerican(w)
	w = stripSuffix(w)
	if n := len(w); n >= 4 && w[n-1] == w[n-2] && isConsonant(w[n-1]) && w[n-1] != 's' {
		w = w[:n-1] // "stopped" and "stop" meet at "stop"
	}
	if n := len(w); n >= 3 && w[n-1] == 'e' && !strings.HasSuffix(w, "ee") {
		w = w[:n-1] // "reduce" → "reduc", like "reduced"
	}
	return w
}

// britishToAmerican folds -ise/-isation/-yse spellings into -ize forms.
func britishToAmerican(w string) string {
	for _, p := range [][2]string{
		{"isations", "izations"}, {"isation", "ization"}, {"ising", "izing"}, {"ised", "ized"},
		{"ises", "izes"}, {"ise", "ize"}, {"ysing", "yzing"}, {"ysed", "yzed"}, {"yse", "yze"},
	} {
		if strings.HasSuffix(w, p[0]) && len(w) > len(p[0])+2 {
			return w[:len(w)-len(p[0])] + p[1]
		}
	}
	return w
}

// stripSuffix removes one inflectional suffix (and a few nominal ones that
// mirror a past participle exactly: "-ation"/"-ated", "-ection"/"-ected",
// "-uction"/"-uced").
func stripSuffix(w string) string {
	n := len(w)
	has := strings.HasSuffix
	switch {
	case has(w, "izations") && n > 10:
		return w[:n-6]
	case has(w, "ization") && n > 9:
		return w[:n-5]
	case has(w, "uctions") && n > 9:
		return w[:n-5]
	case has(w, "uction") && n > 8:
		return w[:n-4]
	case has(w, "ections") && n > 9:
		return w[:n-4]
	case has(w, "ection") && n > 8:
		return w[:n-3]
	case has(w, "ations") && n-4 >= 5:
		return w[:n-4]
	case has(w, "ation") && n-3 >= 5:
		return w[:n-3]
	case has(w, "ally") && n > 6:
		return w[:n-2]
	case (has(w, "ably") || has(w, "ibly")) && n > 5:
		return w[:n-1] + "e"
	case (has(w, "antly") || has(w, "ently") || has(w, "ively") || has(w, "ously") || has(w, "fully")) && n > 6:
		return w[:n-2]
	case has(w, "ies") && n > 4:
		return w[:n-3] + "y"
	case has(w, "ied") && n > 4:
		return w[:n-3] + "y"
	case has(w, "eed"):
		return w // "exceed", "need": the "ed" is not a suffix
	case has(w, "ing") && hasVowel(w[:n-3]) && n-3 >= 2:
		return w[:n-3]
	case has(w, "ed") && hasVowel(w[:n-2]) && n-2 >= 2:
		return w[:n-2]
	case has(w, "sses"):
		return w[:n-2]
	case has(w, "s") && n > 3 && !has(w, "ss") && !has(w, "us") && !has(w, "is"):
		return w[:n-1]
	}
	return w
}

func hasVowel(s string) bool { return strings.ContainsAny(s, "aeiouy") }

func isConsonant(b byte) bool {
	return 'a' <= b && b <= 'z' && !strings.ContainsRune("aeiouy", rune(b))
}
