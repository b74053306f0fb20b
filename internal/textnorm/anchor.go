package textnorm

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// MinQuoteChars is the least number of letters and digits a quote needs to
// anchor a fact: shorter quotes ("the", "38%") occur almost anywhere and
// would prove nothing.
const MinQuoteChars = 20

// Match is where a quote was found in a page.
type Match struct {
	// Start and End are byte offsets into the original page text: the
	// matched passage is page[Start:End], exactly as extracted.
	Start, End int
	// Exact is true when the quote occurs in the page after Normalize
	// (NFKC, quotes and dashes, hyphenation, whitespace). It is false when
	// the two only agree in their letters and digits, lower-cased and with
	// accents removed ("matches apart from formatting").
	Exact bool
}

// PageIndex is a page prepared for looking up many quotes.
type PageIndex struct {
	norm  Mapped
	fold  string
	fs    []int // per byte of fold: original start
	fe    []int // per byte of fold: original end
	empty bool
}

// IndexPage prepares page for FindQuote-style lookups.
func IndexPage(page string) *PageIndex {
	m := NormalizeMapped(page)
	p := &PageIndex{norm: m, empty: m.Text == ""}
	var b strings.Builder
	b.Grow(len(m.Text))
	for i := 0; i < len(m.Text); {
		r, w := utf8.DecodeRuneInString(m.Text[i:])
		for _, f := range foldRune(r) {
			n, _ := b.WriteRune(f)
			for k := 0; k < n; k++ {
				p.fs = append(p.fs, m.start[i])
				p.fe = append(p.fe, m.end[i+w-1])
			}
		}
		i += w
	}
	p.fold = b.String()
	return p
}

// Find looks quote up in the page: first exactly after normalisation, then
// apart from formatting. Quotes with fewer than MinQuoteChars letters and
// digits never match.
func (p *PageIndex) Find(quote string) (Match, bool) {
	fq := Fold(quote)
	if p.empty || utf8.RuneCountInString(fq) < MinQuoteChars {
		// Same count as SignificantChars, without folding twice.
		return Match{}, false
	}
	if nq := Normalize(quote); nq != "" {
		if i := strings.Index(p.norm.Text, nq); i >= 0 {
			s, e := p.norm.Span(i, i+len(nq))
			return Match{Start: s, End: e, Exact: true}, true
		}
	}
	if i := strings.Index(p.fold, fq); i >= 0 {
		return Match{Start: p.fs[i], End: p.fe[i+len(fq)-1], Exact: false}, true
	}
	return Match{}, false
}

// FindQuote reports where quote occurs in page (see PageIndex.Find). To look
// up several quotes in one page, use IndexPage once.
func FindQuote(page, quote string) (Match, bool) {
	return IndexPage(page).Find(quote)
}

// SignificantChars counts the letters and digits of s, the measure
// MinQuoteChars applies to.
func SignificantChars(s string) int { return utf8.RuneCountInString(Fold(s)) }

// Fold reduces s to its letters and digits, lower-cased, with accents
// removed and dotless ı read as i: the form in which two texts "match apart
// from formatting". It is also a good key for spotting duplicate facts.
func Fold(s string) string {
	n := Normalize(s)
	var b strings.Builder
	b.Grow(len(n))
	for _, r := range n {
		for _, f := range foldRune(r) {
			b.WriteRune(f)
		}
	}
	return b.String()
}

// foldRune returns the letters and digits r contributes to Fold.
func foldRune(r rune) []rune {
	if r < utf8.RuneSelf {
		switch {
		case 'a' <= r && r <= 'z', '0' <= r && r <= '9':
			return []rune{r}
		case 'A' <= r && r <= 'Z':
			return []rune{r + 'a' - 'A'}
		}
		return nil
	}
	if r == 'ı' {
		return []rune{'i'}
	}
	var out []rune
	for _, d := range norm.NFD.String(string(unicode.ToLower(r))) {
		if unicode.IsLetter(d) || unicode.IsDigit(d) {
			out = append(out, d)
		}
	}
	return out
}
