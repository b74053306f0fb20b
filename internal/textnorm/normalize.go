// Package textnorm normalises extracted PDF text and the strings compared
// with it (quotes, fact texts, written sentences), anchors quotes in page
// text, and breaks text into the words and numbers the guards and the
// offline verifier compare.
//
// One normalisation serves every comparison so that a quote, the page it
// comes from and a sentence written from it are judged by the same rules
// (see notes/pdf-extraction.md, "Doing it well").
package textnorm

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Normalize returns s in the form every comparison uses: Unicode NFKC
// (which also splits ligatures such as "ﬁ"), curly quotes and dash variants
// as ASCII, soft hyphens, pdfium's line-end hyphen marks (U+0002, U+FFFE)
// and zero-width characters removed, words hyphenated across a line break
// joined ("analy-\nsis" → "analysis"), and every run of whitespace reduced to
// one space, trimmed at both ends.
//
// A hyphen at a line end followed by a lower-case letter is taken as a
// hyphenation, so "well-\nknown" also becomes "wellknown". The same rule is
// applied to quote and page alike, and the letters-only comparison of
// FindQuote ignores hyphens anyway, so anchoring does not depend on guessing
// right.
func Normalize(s string) string {
	return NormalizeMapped(s).Text
}

// Mapped is a normalised text that remembers, for each of its bytes, which
// bytes of the original text it came from, so a match found in the
// normalised text can be shown exactly as it appears in the original.
type Mapped struct {
	Text string
	// start[i] and end[i] bound the original bytes that produced Text[i].
	start, end []int
}

// Span maps the byte range [i, j) of m.Text back to the original text. It
// returns the smallest original range covering everything that produced
// those bytes; i must be < j.
func (m Mapped) Span(i, j int) (start, end int) {
	return m.start[i], m.end[j-1]
}

// NormalizeMapped normalises s as Normalize does and keeps the offset map.
func NormalizeMapped(s string) Mapped {
	runes := recompose(collapseSpace(cleanRunes(nfkcRunes(s))))
	var b strings.Builder
	b.Grow(len(s))
	starts := make([]int, 0, len(s))
	ends := make([]int, 0, len(s))
	for _, m := range runes {
		n, _ := b.WriteRune(m.r)
		for k := 0; k < n; k++ {
			starts = append(starts, m.start)
			ends = append(ends, m.end)
		}
	}
	return Mapped{Text: b.String(), start: starts, end: ends}
}

// mrune is one rune of a text being normalised with the original byte range
// it came from.
type mrune struct {
	r          rune
	start, end int
}

// preMap replaces characters whose NFKC form is worse than a plain
// substitute: U+02DA (ring above), which publishers use for the degree sign,
// would otherwise decompose into a space and a combining mark; U+00B4 (acute
// accent) is used as an apostrophe.
var preMap = map[rune]rune{
	'\u02DA': '°',
	'\u00B4': '\'',
	'\u066B': '.', // Arabic decimal separator: "٣٫٥" is 3.5
	'\u066C': ',', // Arabic thousands separator
}

// nfkcRunes applies preMap, readNumerals and NFKC to s, keeping the
// original range of every resulting rune. Invalid UTF-8 bytes are dropped.
func nfkcRunes(s string) []mrune {
	pre := make([]byte, 0, len(s))
	preStart := make([]int, 0, len(s))
	preEnd := make([]int, 0, len(s))
	var buf [utf8.UTFMax]byte
	var num numeralState
	for i := 0; i < len(s); {
		r, w := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && w == 1 {
			i++
			continue
		}
		if sub, ok := preMap[r]; ok {
			r = sub
		}
		sub := num.read(r)
		if sub == "" {
			n := utf8.EncodeRune(buf[:], r)
			sub = string(buf[:n])
		}
		for k := 0; k < len(sub); k++ {
			pre = append(pre, sub[k])
			preStart = append(preStart, i)
			preEnd = append(preEnd, i+w)
		}
		i += w
	}
	out := make([]mrune, 0, len(pre))
	var it norm.Iter
	it.Init(norm.NFKC, pre)
	for !it.Done() {
		p0 := it.Pos()
		seg := it.Next()
		p1 := it.Pos()
		if p1 <= p0 {
			// The iterator always advances; this only guards the index below.
			p1 = p0 + 1
		}
		start, end := preStart[p0], preEnd[p1-1]
		for _, r := range string(seg) {
			out = append(out, mrune{r, start, end})
		}
	}
	return out
}

// recompose applies NFKC again where cleaning left a text that is not in
// that form: a dropped joiner or line-end hyphen can leave a letter and a
// combining mark side by side ("e\u200D\u0301" → "e\u0301", which is
// "é"), or two marks out of canonical order. Without it Normalize would
// not be idempotent, and a quote and its page could differ in form.
func recompose(in []mrune) []mrune {
	var b strings.Builder
	for _, m := range in {
		b.WriteRune(m.r)
	}
	text := b.String()
	if norm.NFKC.IsNormalString(text) {
		return in
	}
	owner := make([]int, 0, len(text)) // byte of text -> index into in
	for i, m := range in {
		for k := utf8.RuneLen(m.r); k > 0; k-- {
			owner = append(owner, i)
		}
	}
	out := make([]mrune, 0, len(in))
	var it norm.Iter
	it.InitString(norm.NFKC, text)
	for !it.Done() {
		p0 := it.Pos()
		seg := it.Next()
		p1 := max(it.Pos(), p0+1)
		start, end := in[owner[p0]].start, in[owner[p1-1]].end
		for k := p0; k < p1; k++ {
			start, end = min(start, in[owner[k]].start), max(end, in[owner[k]].end)
		}
		for _, r := range string(seg) {
			out = append(out, mrune{r, start, end})
		}
	}
	return out
}

// isBreakMark reports characters that mark a hyphenation point: the soft
// hyphen and pdfium's marks for a joined line-end hyphen.
func isBreakMark(r rune) bool {
	return r == '\u00AD' || r == '\u0002' || r == '\uFFFE'
}

// isInvisible reports characters that carry no text: format characters
// (zero-width space and joiners, BOM, direction marks), control characters
// other than whitespace, and noncharacters.
func isInvisible(r rune) bool {
	switch r {
	case '\t', '\n', '\r', '\v', '\f':
		return false
	case '\uFFFF':
		return true
	}
	return unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Cc, r)
}

// isLineHyphen reports the characters that hyphenate a word at a line end.
// En and em dashes are left alone: a dash at a line end is punctuation.
func isLineHyphen(r rune) bool {
	return r == '-' || r == '\u2010' || r == '\u2011'
}

// foldPunct maps quote and dash variants to ASCII.
func foldPunct(r rune) rune {
	switch r {
	case '\u2018', '\u2019', '\u201A', '\u201B', '\u2032', '\u2035', '`', '\u2039', '\u203A':
		return '\''
	case '\u201C', '\u201D', '\u201E', '\u201F', '\u2033', '\u2036', '\u00AB', '\u00BB':
		return '"'
	case '\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2015', '\u2212', '\u2043', '\uFE58', '\uFE63', '\uFF0D':
		return '-'
	}
	return r
}

func isNewline(r rune) bool { return r == '\n' || r == '\r' }

// skipBreak returns the index after the whitespace that starts at i and
// whether that whitespace holds a line break.
func skipBreak(in []mrune, i int) (int, bool) {
	nl := false
	for i < len(in) && unicode.IsSpace(in[i].r) {
		nl = nl || isNewline(in[i].r)
		i++
	}
	return i, nl
}

// cleanRunes drops invisible characters, folds punctuation and joins words
// hyphenated across a line break.
func cleanRunes(in []mrune) []mrune {
	out := make([]mrune, 0, len(in))
	for i := 0; i < len(in); i++ {
		m := in[i]
		switch {
		case isBreakMark(m.r):
			// The word continues after the line break, if there is one.
			if j, nl := skipBreak(in, i+1); nl {
				i = j - 1
			}
			continue
		case isInvisible(m.r):
			continue
		case isLineHyphen(m.r) && len(out) > 0 && unicode.IsLetter(out[len(out)-1].r):
			j, nl := skipBreak(in, i+1)
			if nl && j < len(in) {
				next := in[j].r
				if unicode.IsLower(next) {
					i = j - 1
					continue
				}
				if unicode.IsDigit(next) {
					// "COVID-\n19": keep the hyphen, lose the break.
					out = append(out, mrune{'-', m.start, m.end})
					i = j - 1
					continue
				}
			}
		}
		m.r = foldPunct(m.r)
		out = append(out, m)
	}
	return out
}

// collapseSpace turns every whitespace run into one space and trims both
// ends.
func collapseSpace(in []mrune) []mrune {
	out := make([]mrune, 0, len(in))
	pending := false
	var space mrune
	for _, m := range in {
		if unicode.IsSpace(m.r) {
			if len(out) > 0 && !pending {
				pending = true
				space = mrune{' ', m.start, m.end}
			}
			continue
		}
		if pending {
			out = append(out, space)
			pending = false
		}
		out = append(out, m)
	}
	return out
}
