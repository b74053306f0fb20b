package biblio

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// parseBibNames reads a BibTeX name list (author or editor field, LaTeX
// not yet decoded). Names are separated by "and" between white space
// outside braces; "and others" (BibTeX's "et al.") is dropped. Each name is
// one of BibTeX's three forms, "First von Last", "von Last, First" and "von
// Last, Jr, First", or biblatex's "family=…, given=…" form; the von part
// (lowercase particles: van, de la …) belongs to the family name. A name in
// braces, "{Corporate Name Ltd}", is one family name with no given name.
func parseBibNames(raw string) []Author {
	toks := nameTokens(raw)
	var out []Author
	start := 0
	flush := func(end int) {
		if start < end {
			s := raw[toks[start].start:toks[end-1].end]
			if a, ok := parseBibName(s); ok {
				out = append(out, a)
			}
		}
	}
	for i, t := range toks {
		if strings.EqualFold(raw[t.start:t.end], "and") {
			flush(i)
			start = i + 1
		}
	}
	flush(len(toks))
	return out
}

type span struct{ start, end int }

// nameTokens splits s at white space and ties (~) outside braces.
func nameTokens(s string) []span {
	var toks []span
	depth, start := 0, -1
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '{':
			depth++
		case c == '}':
			if depth > 0 {
				depth--
			}
		case depth == 0 && (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '~'):
			if start >= 0 {
				toks = append(toks, span{start, i})
				start = -1
			}
			continue
		}
		if start < 0 {
			start = i
		}
	}
	if start >= 0 {
		toks = append(toks, span{start, len(s)})
	}
	return toks
}

// splitTopLevel splits s at sep outside braces.
func splitTopLevel(s string, sep byte) []string {
	var parts []string
	depth, start := 0, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '{':
			depth++
		case '}':
			if depth > 0 {
				depth--
			}
		case sep:
			if depth == 0 {
				parts = append(parts, s[start:i])
				start = i + 1
			}
		}
	}
	return append(parts, s[start:])
}

// parseBibName reads one BibTeX name; ok is false for "others" and for
// names with no letters left.
func parseBibName(s string) (Author, bool) {
	s = strings.TrimSpace(s)
	if strings.EqualFold(s, "others") || s == "" {
		return Author{}, false
	}
	parts := splitTopLevel(s, ',')
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	var a Author
	if ext, ok := extendedName(parts); ok {
		a = ext
	} else {
		switch len(parts) {
		case 1:
			toks := nameTokens(parts[0])
			words := make([]string, len(toks))
			for i, t := range toks {
				words[i] = parts[0][t.start:t.end]
			}
			given, family := splitGivenFamily(words, bibWordIsLower)
			a = Author{Family: decodeLaTeX(family), Given: decodeLaTeX(given)}
		case 2:
			a = Author{Family: decodeLaTeX(parts[0]), Given: decodeLaTeX(parts[1])}
		default:
			a = Author{Family: decodeLaTeX(parts[0]), Suffix: decodeLaTeX(parts[1]),
				Given: decodeLaTeX(strings.Join(parts[2:], ", "))}
		}
	}
	if a.Family == "" {
		a.Family, a.Given = a.Given, ""
	}
	return a, a.Family != ""
}

// extendedName reads biblatex's "family=Gogh, given=Vincent, prefix=van"
// form; ok is false when parts are not in it.
func extendedName(parts []string) (Author, bool) {
	var a Author
	var prefix string
	for _, p := range parts {
		k, v, found := strings.Cut(p, "=")
		if !found {
			return Author{}, false
		}
		v = decodeLaTeX(strings.Trim(strings.TrimSpace(v), `"`))
		switch strings.ToLower(strings.TrimSpace(k)) {
		case "family":
			a.Family = v
		case "given":
			a.Given = v
		case "prefix":
			prefix = v
		case "suffix":
			a.Suffix = v
		case "useprefix", "family-i", "given-i", "prefix-i", "suffix-i":
		default:
			return Author{}, false
		}
	}
	if prefix != "" {
		a.Family = strings.TrimSpace(prefix + " " + a.Family)
	}
	return a, true
}

// splitGivenFamily splits the words of a "Given von Family" name: the family
// name starts at the first lowercase word (a particle) before the last word,
// else it is the last word. When every word is lowercase there is no telling
// particles from names, and the last word is the family name (BibTeX would
// make them all family name).
func splitGivenFamily(words []string, isLower func(string) bool) (given, family string) {
	n := len(words)
	if n == 0 {
		return "", ""
	}
	k := n - 1
	allLower := true
	for _, w := range words {
		allLower = allLower && isLower(w)
	}
	if !allLower {
		for i := 0; i < n-1; i++ {
			if isLower(words[i]) {
				k = i
				break
			}
		}
	}
	return strings.Join(words[:k], " "), strings.Join(words[k:], " ")
}

// bibWordIsLower tells whether a BibTeX name word starts with a lowercase
// letter. As in BibTeX, a word starting with a plain brace group ({van})
// counts as not lowercase; accents ({\"o}, \"o) count by their letter.
func bibWordIsLower(w string) bool {
	if len(w) > 1 && w[0] == '{' && w[1] != '\\' {
		return false
	}
	return plainWordIsLower(decodeLaTeX(w))
}

// plainWordIsLower tells whether the first letter of w is lowercase.
func plainWordIsLower(w string) bool {
	for _, r := range w {
		if unicode.IsLetter(r) {
			return unicode.IsLower(r)
		}
	}
	return false
}

// nameParticles are the lowercase words that may stand inside a personal
// name (they join the family name); nameSuffixes the generational suffixes.
var (
	nameParticles = map[string]bool{
		"van": true, "von": true, "de": true, "der": true, "den": true, "del": true,
		"della": true, "di": true, "da": true, "dos": true, "das": true, "du": true,
		"la": true, "le": true, "ter": true, "ten": true, "zu": true, "bin": true,
		"ibn": true, "al": true, "el": true, "y": true, "e": true, "d'": true,
	}
	nameSuffixes = map[string]bool{"jr": true, "jr.": true, "sr": true, "sr.": true,
		"ii": true, "iii": true, "iv": true}
)

// orgWords are words that make a "name" an organisation, a heading or a
// default account rather than a person: "Microsoft Office User",
// "Cambridge University Press", "Department of Physics".
var orgWords = map[string]bool{
	"user": true, "owner": true, "admin": true, "administrator": true,
	"unknown": true, "author": true, "authors": true, "editor": true,
	"office": true, "microsoft": true, "windows": true, "adobe": true,
	"staff": true, "press": true, "university": true, "universiteit": true,
	"universität": true, "université": true, "universidad": true,
	"università": true, "department": true, "dept": true, "dept.": true,
	"institute": true, "institut": true, "school": true, "college": true,
	"center": true, "centre": true, "laboratory": true, "laboratories": true,
	"inc": true, "inc.": true, "ltd": true, "ltd.": true, "llc": true,
	"gmbh": true, "corporation": true, "corp.": true, "company": true,
	"society": true, "association": true, "publishing": true,
	"publishers": true, "publisher": true, "journal": true,
	"proceedings": true, "conference": true, "abstract": true,
	"introduction": true, "keywords": true, "article": true, "research": true,
	"review": true, "hospital": true, "faculty": true, "foundation": true,
	"academy": true, "group": true, "division": true, "program": true,
	"programme": true, "national": true, "international": true,
	"elsevier": true, "springer": true, "wiley": true, "ieee": true,
	"acm": true, "volume": true, "issue": true, "copyright": true,
	"received": true, "accepted": true, "published": true, "email": true,
	"e-mail": true, "correspondence": true, "corresponding": true,
}

// plainName reads a personal name written "Given [von] Family [Jr.]" in
// plain text, if it looks like one: two to four name words (particles and
// a suffix not counted), each starting with a capital (or a letter without
// case) and made of letters and . - ' ’ only, none of them an organisation
// word (orgWords). "J. Smith", "Ivo H. M. van Stokkum" and "Ross G.
// DOUGLAS" are names; "Microsoft Office User", "jsmith" and "Vrije
// Universiteit Amsterdam" are not.
func plainName(s string) (Author, bool) {
	words := strings.Fields(s)
	var suffix string
	if n := len(words); n > 2 && nameSuffixes[strings.ToLower(strings.TrimSuffix(words[n-1], ","))] {
		suffix = words[n-1]
		words = words[:n-1]
		words[len(words)-1] = strings.TrimSuffix(words[len(words)-1], ",")
	}
	count := 0
	for i, w := range words {
		lw := strings.ToLower(w)
		if orgWords[lw] {
			return Author{}, false
		}
		if nameParticles[lw] && i > 0 && i < len(words)-1 {
			continue
		}
		if !nameWord(w) {
			return Author{}, false
		}
		count++
	}
	if count < 2 || count > 4 {
		return Author{}, false
	}
	given, family := splitGivenFamily(words, plainWordIsLower)
	return Author{Family: family, Given: given, Suffix: suffix}, true
}

// nameWord tells whether w can be a word of a personal name: "Anne",
// "J.", "J.-P.", "Jean-Pierre", "O’Neil", "DOUGLAS", "Žukauskas", "李". A
// hyphen followed by a lowercase letter makes a compound word, not a
// double name ("Fifth-order", "Multi-way").
func nameWord(w string) bool {
	first, _ := utf8.DecodeRuneInString(w)
	if !unicode.IsLetter(first) || unicode.IsLower(first) {
		return false
	}
	afterHyphen := false
	for _, r := range w {
		if !unicode.IsLetter(r) && !unicode.Is(unicode.Mn, r) && !strings.ContainsRune(".-'’‐", r) {
			return false
		}
		if afterHyphen && unicode.IsLower(r) {
			return false
		}
		afterHyphen = r == '-' || r == '‐'
	}
	return true
}

// ParseNames reads authors as a user types them on a command line:
// separated by ";", each "Family, Given", "Family, Jr, Given" or "Given
// [von] Family", an organisation in braces ("{World Health
// Organization}"). Empty parts are skipped.
func ParseNames(s string) []Author {
	var out []Author
	for _, part := range strings.Split(s, ";") {
		if part = strings.TrimSpace(part); part == "" {
			continue
		}
		if a, ok := parseBibName(part); ok {
			out = append(out, a)
		}
	}
	return out
}
