package biblio

import (
	"net/url"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// doiStart finds where a DOI may begin: Crossref's recommended pattern for
// modern DOIs is 10.\d{4,9}/\S+ (the suffix is read by FindDOI).
var doiStart = regexp.MustCompile(`10\.\d{4,9}/`)

// FindDOI returns the first DOI in text, without any "doi:", "DOI ",
// "https://doi.org/" or "http://dx.doi.org/" before it, or "" when there is
// none. A DOI runs from "10.<4–9 digits>/" to the next white space;
// trailing . , ; : and quotes are sentence punctuation, not DOI, and so is
// a closing ) ] } or > without its opening one ("(doi:10.1000/x)").
//
// Text extracted from a PDF may break a long DOI across lines
// ("10.1016/j.\ncell.2020.01.001"). Only the unambiguous case is mended:
// the line ends inside the DOI right after "/" or "-" (a DOI does not end
// so) and the next line starts with a letter or digit; or it ends after
// "." and the next line's first word looks like DOI, not prose (it has a
// digit or an inner . / - _ ( )). A DOI that ends a sentence at the end of
// a line followed by a plain word ("…/abc.\nThe") is not joined; one
// broken at any other character (mid-word) is returned cut short, and a
// sentence-final DOI followed by a line starting "2020." is wrongly joined.
func FindDOI(text string) string {
	for _, loc := range doiStart.FindAllStringIndex(text, -1) {
		s, e := loc[0], loc[1]
		if s > 0 && (isDigitByte(text[s-1]) || text[s-1] == '.') {
			continue // inside a longer number: 110.1234/…, 3.10.1234/…
		}
		end := tokenEnd(text, e)
		doi := text[s:end]
		for range 3 { // a DOI broken over up to four lines
			more, next, ok := doiContinuation(text, doi, end)
			if !ok {
				break
			}
			doi, end = doi+more, next
		}
		doi = trimDOI(doi)
		if len(doi) > e-s {
			return doi
		}
	}
	return ""
}

// doiContinuation returns the first word of the next line and the index
// after it when the DOI ending at text[end] was broken at the end of a line
// (see FindDOI for when that is clear).
func doiContinuation(text, doi string, end int) (string, int, bool) {
	last := doi[len(doi)-1]
	if last != '.' && last != '/' && last != '-' {
		return "", 0, false
	}
	i := end
	for i < len(text) && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r') {
		i++
	}
	if i >= len(text) || text[i] != '\n' {
		return "", 0, false
	}
	i++
	for i < len(text) && (text[i] == ' ' || text[i] == '\t') {
		i++
	}
	j := tokenEnd(text, i)
	word := text[i:j]
	if word == "" {
		return "", 0, false
	}
	first, _ := utf8.DecodeRuneInString(word)
	if !isASCIIAlnum(first) {
		return "", 0, false
	}
	if last == '.' {
		core := strings.TrimRight(word, ".,;:'\")]}>")
		if !strings.ContainsAny(core, "0123456789") && !strings.ContainsAny(strings.Trim(core, "./-_()"), "./-_()") {
			return "", 0, false
		}
	}
	return word, j, true
}

// tokenEnd returns the index of the first white space at or after i.
func tokenEnd(text string, i int) int {
	for i < len(text) {
		r, n := utf8.DecodeRuneInString(text[i:])
		if unicode.IsSpace(r) {
			break
		}
		i += n
	}
	return i
}

// trimDOI removes trailing punctuation and unbalanced closing brackets.
func trimDOI(doi string) string {
	for doi != "" {
		last := doi[len(doi)-1]
		switch {
		case strings.IndexByte(".,;:'\"", last) >= 0:
		case last == ')' && strings.Count(doi, "(") < strings.Count(doi, ")"):
		case last == ']' && strings.Count(doi, "[") < strings.Count(doi, "]"):
		case last == '}' && strings.Count(doi, "{") < strings.Count(doi, "}"):
		case last == '>' && strings.Count(doi, "<") < strings.Count(doi, ">"):
		default:
			return doi
		}
		doi = doi[:len(doi)-1]
	}
	return doi
}

// cleanDOI makes a DOI field's value bare: resolver URLs and "doi:"
// prefixes go, LaTeX escapes (10.1000/a\_b) are undone. A value with no
// recognisable DOI is kept as written (trimmed), as the user typed it.
func cleanDOI(s string) string {
	s = strings.TrimSpace(unescapeFilePart(s))
	if s == "" {
		return ""
	}
	if strings.HasPrefix(strings.ToLower(s), "http") && strings.Contains(s, "%") {
		if u, err := url.PathUnescape(s); err == nil { // https://doi.org/10.1000%2Fabc
			s = u
		}
	}
	if d := FindDOI(s); d != "" {
		return d
	}
	return s
}

func isDigitByte(c byte) bool { return '0' <= c && c <= '9' }
func isASCIIAlnum(r rune) bool {
	return r < utf8.RuneSelf && (isASCIILetter(byte(r)) || isDigitByte(byte(r)))
}
