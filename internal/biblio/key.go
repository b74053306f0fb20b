package biblio

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Key returns a citation key for r in Better BibTeX's default style: the
// first author's family name, the year and the first title word that is
// not a stop word, all folded to lowercase ASCII letters ("Müller", 2020,
// "The Deep Sea" → "muller2020deep"). Missing parts are skipped
// ("smith2020", "2020deep"); with neither author nor title the name part
// is "anon" ("anon2020"). An organisation as author (a family name with
// spaces and no given name, "World Health Organization") gives its first
// word that is not a stop word ("world"). A title word starting with a
// digit ("3D") is skipped.
//
// If taken (which may be nil) reports the key as used, the letters a, b,
// …, z, aa, ab, … are appended until it does not; a taken that never
// reports false gets the last candidate, "…zzz", after all suffixes of up
// to three letters.
func Key(r Ref, taken func(string) bool) string {
	var name string
	if len(r.Authors) > 0 {
		a := r.Authors[0]
		if a.Given == "" && strings.ContainsAny(strings.TrimSpace(a.Family), " \t") {
			name = firstWord(a.Family)
		} else {
			name = foldASCII(a.Family)
		}
	}
	title := firstWord(r.Title)
	if name == "" && title == "" {
		name = "anon"
	}
	base := name
	if r.Year > 0 {
		base += strconv.Itoa(r.Year)
	}
	base += title
	if taken == nil || !taken(base) {
		return base
	}
	const maxTries = 26 + 26*26 + 26*26*26
	for n := 1; ; n++ {
		k := base + letterSuffix(n)
		if !taken(k) || n >= maxTries {
			return k
		}
	}
}

// letterSuffix numbers collision suffixes: 1 → a, 26 → z, 27 → aa, 28 → ab.
func letterSuffix(n int) string {
	var s []byte
	for n > 0 {
		n--
		s = append([]byte{byte('a' + n%26)}, s...)
		n /= 26
	}
	return string(s)
}

// keyStopWords are skipped when choosing the title word (Better BibTeX's
// list, abridged, with the French, German, Spanish and Italian articles).
var keyStopWords = map[string]bool{
	"a": true, "about": true, "above": true, "across": true, "after": true,
	"against": true, "along": true, "among": true, "an": true, "and": true,
	"are": true, "around": true, "as": true, "at": true, "before": true,
	"behind": true, "below": true, "beneath": true, "beside": true,
	"between": true, "beyond": true, "but": true, "by": true, "do": true,
	"does": true, "down": true, "during": true, "for": true, "from": true,
	"how": true, "if": true, "in": true, "inside": true, "into": true,
	"is": true, "it": true, "its": true, "like": true, "near": true,
	"nor": true, "not": true, "of": true, "off": true, "on": true,
	"onto": true, "or": true, "over": true, "per": true, "since": true,
	"so": true, "some": true, "than": true, "that": true, "the": true,
	"their": true, "this": true, "through": true, "to": true, "toward": true,
	"towards": true, "under": true, "until": true, "up": true, "upon": true,
	"versus": true, "via": true, "was": true, "what": true, "when": true,
	"where": true, "which": true, "while": true, "why": true, "with": true,
	"within": true, "without": true, "yet": true,
	"der": true, "die": true, "das": true, "des": true, "dem": true,
	"den": true, "ein": true, "eine": true, "einer": true, "eines": true,
	"le": true, "la": true, "les": true, "un": true, "une": true, "du": true,
	"de": true, "del": true, "el": true, "los": true, "las": true, "il": true,
	"lo": true, "gli": true, "una": true, "uno": true, "et": true, "und": true,
	"y": true, "l": true, "d": true,
}

// firstWord returns the first word of s that is not a stop word and does
// not start with a digit, folded (see foldASCII); "" if none. Words are
// runs of letters and digits, so "Deep-learning" gives "deep" and
// "l'analyse" "analyse".
func firstWord(s string) string {
	words := strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.Is(unicode.Mn, r) })
	for _, w := range words {
		if first, _ := utf8.DecodeRuneInString(w); unicode.IsDigit(first) {
			continue
		}
		f := foldASCII(w)
		if f != "" && !keyStopWords[f] {
			return f
		}
	}
	return ""
}

// letterFolds spells the letters that do not decompose into an ASCII
// letter and marks.
var letterFolds = map[rune]string{
	'ß': "ss", 'ẞ': "ss", 'ø': "o", 'Ø': "o", 'æ': "ae", 'Æ': "ae", 'œ': "oe",
	'Œ': "oe", 'ł': "l", 'Ł': "l", 'đ': "d", 'Đ': "d", 'ð': "d", 'Ð': "d",
	'þ': "th", 'Þ': "th", 'ı': "i", 'ŋ': "ng", 'Ŋ': "ng", 'ĸ': "k",
}

// foldASCII lowercases s, strips accents (NFD, then the marks dropped),
// spells ß, ø, æ … in ASCII and drops everything but the letters a–z:
// "Müller-Lüdenscheidt" → "mullerludenscheidt", "O'Neil" → "oneil". Letters
// of other scripts are dropped too.
func foldASCII(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		if f, ok := letterFolds[r]; ok {
			b.WriteString(f)
			continue
		}
		r = unicode.ToLower(r)
		if 'a' <= r && r <= 'z' {
			b.WriteRune(r)
		}
	}
	return b.String()
}
