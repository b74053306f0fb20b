package eval

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/opusblocks/opus/internal/textnorm"
)

// Kinds of junk fact: a kept fact that is no claim of the document's body
// but a piece of its apparatus.
const (
	JunkReference = "reference" // an entry of the reference list
	JunkHeading   = "heading"   // a heading or section label, alone or glued to a sentence
	JunkCaption   = "caption"   // a figure or table caption, alone or merged into a sentence
)

// JunkKinds lists the kinds in the order reports show them.
var JunkKinds = []string{JunkReference, JunkHeading, JunkCaption}

// The junk detector reads where a fact's quote stands in its document's
// page text: after the document's reference heading, on a line that
// starts a caption, across a heading line. It is written apart from the
// librarian's filters and looks at the whole document (the librarian sees
// one chunk of pages at a time), so that its count measures those filters
// instead of repeating them.

var (
	// A reference heading is a line of its own, possibly numbered.
	junkRefHeading = regexp.MustCompile(`(?i)^(?:[0-9]+\.?|[IVX]+\.)?\s*(?:references|bibliography|literature cited|works cited|cited literature|reference list)\s*:?$`)
	// What may follow the reference list and is no part of it: an
	// appendix, named or lettered ("A. Proofs", "B Data sets").
	junkAfterRefs = regexp.MustCompile(`^(?i:(?:[A-Z0-9]+\.?\s+)?(?:appendix|appendices|supplementary|supporting information|annex)\b)|^[A-H](?:\.[0-9]+)*\.?\s+\p{Lu}\S*(?:\s+\S+){0,9}$`)
	// A caption starts a line with its label and number, then punctuation
	// or a capitalised word ("Figure 2. …", "Table 1 Baseline …"), not a
	// verb ("Figure 2 shows …").
	junkCaptionStart = regexp.MustCompile(`^(?i:fig\.?|figure|table|tab\.|scheme|chart)\s*[A-Z]?[0-9]+[a-z]?(?:\s*[.:|]|\s+[\p{Lu}(])`)
	// A reference entry that opens with its number in brackets, or with a
	// list of authors: "Surname AB, Surname C,", "Surname, A. B., Surname,
	// C.", "A. B. Surname, C. Surname,".
	junkEntryStart = regexp.MustCompile(`^(?:\[[0-9]{1,3}\]\s|(?:\p{Lu}[\p{L}'’-]+\s\p{Lu}{1,3},\s){2}|(?:\p{Lu}[\p{L}'’-]+,\s(?:\p{Lu}\.\s?){1,3},?\s){2}|(?:(?:\p{Lu}\.\s?){1,3}\p{Lu}[\p{L}'’-]+,\s){2})`)
	junkYear       = regexp.MustCompile(`\b(?:19|20)[0-9][0-9]\b`)
	// A numbered heading: "2 Methods", "3.1. Data", "IV. Results".
	junkNumbered = regexp.MustCompile(`^(?:[0-9]+(?:\.[0-9]+)*\.?|[IVX]+\.)\s+\p{Lu}`)
)

// sectionLabels are the words that name a section of a paper; one of them
// at the start of a line, followed by a capitalised word, is a label glued
// to the sentence after it ("Methods We searched …").
var sectionLabels = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`abstract background introduction objective objectives aim aims purpose
		context methods method materials design setting results findings discussion conclusion conclusions
		interpretation summary keywords importance significance limitations`) {
		sectionLabels[w] = true
	}
}

// junkLine is one line of a page: its byte range and trimmed text.
type junkLine struct {
	start, end int
	text       string
}

// junkDoc is a document read for junk facts.
type junkDoc struct {
	pages []string
	lines [][]junkLine
	index []*textnorm.PageIndex
	// The reference list runs from (refPage, refAt) to (endPage, endAt),
	// page indexes from 0 and byte offsets; refPage < 0 when the document
	// has no reference heading.
	refPage, refAt, endPage, endAt int
}

func newJunkDoc(pages []string) *junkDoc {
	d := &junkDoc{pages: pages, lines: make([][]junkLine, len(pages)), index: make([]*textnorm.PageIndex, len(pages)), refPage: -1}
	for i, p := range pages {
		start := 0
		for k := 0; k <= len(p); k++ {
			if k < len(p) && p[k] != '\n' {
				continue
			}
			d.lines[i] = append(d.lines[i], junkLine{start, k, strings.TrimSpace(p[start:k])})
			start = k + 1
		}
	}
	// The last reference heading of the document starts its list (an
	// earlier one may be a table of contents' entry).
	for i := len(pages) - 1; i >= 0 && d.refPage < 0; i-- {
		for k := len(d.lines[i]) - 1; k >= 0; k-- {
			if junkRefHeading.MatchString(d.lines[i][k].text) {
				d.refPage, d.refAt = i, d.lines[i][k].start
				break
			}
		}
	}
	d.endPage, d.endAt = len(pages), 0
	if d.refPage >= 0 {
	scan:
		for i := d.refPage; i < len(pages); i++ {
			for _, l := range d.lines[i] {
				if (i > d.refPage || l.start > d.refAt) && isAppendixHeading(l.text) {
					d.endPage, d.endAt = i, l.start
					break scan
				}
			}
		}
	}
	return d
}

// kind returns the junk kind of a fact with this quote on page (from 1)
// and this text, or "" for a claim of the body (or a quote not found).
func (d *junkDoc) kind(page int, quote, text string) string {
	if page < 1 || page > len(d.pages) {
		return ""
	}
	i := page - 1
	if d.index[i] == nil {
		d.index[i] = textnorm.IndexPage(d.pages[i])
	}
	m, ok := d.index[i].Find(quote)
	if !ok {
		return ""
	}
	if d.inReferences(i, m.Start) || junkEntryStart.MatchString(text) {
		return JunkReference
	}
	lines := d.lines[i]
	for k, l := range lines {
		if l.end <= m.Start || l.start >= m.End || l.text == "" {
			continue
		}
		if isCaptionLine(lines, k) {
			return JunkCaption
		}
		// The part of the line the quote covers, when the quote goes on
		// past it: a heading there is glued to the sentence after it.
		from := max(l.start, m.Start)
		part := strings.TrimSpace(d.pages[i][from:l.end])
		if m.Start > l.start && gluedLabel(part) {
			return JunkHeading
		}
		// A heading is a whole line (but for its number) that starts the
		// quote or follows the end of a sentence in it, and the quote goes
		// on after it: the end of a line inside a sentence is only a line
		// break.
		lead := strings.TrimSpace(d.pages[i][l.start:from])
		before := strings.TrimSpace(d.pages[i][m.Start:from])
		switch {
		case strings.Trim(lead, "0123456789. ") != "":
		case before != "" && !strings.ContainsAny(before[len(before)-1:], ".!?:"):
		case m.End > l.end && isHeadingText(part):
			return JunkHeading
		case gluedLabel(part):
			return JunkHeading
		}
	}
	return ""
}

// isAppendixHeading reports the heading of what follows a reference list:
// short, without a comma, a year or a closing full stop (which a
// reference entry has).
func isAppendixHeading(text string) bool {
	return utf8.RuneCountInString(text) < 80 && junkAfterRefs.MatchString(text) && !strings.Contains(text, ",") &&
		!strings.HasSuffix(text, ".") && !junkYear.MatchString(text)
}

func (d *junkDoc) inReferences(page, at int) bool {
	if d.refPage < 0 {
		return false
	}
	after := page > d.refPage || (page == d.refPage && at >= d.refAt)
	before := page < d.endPage || (page == d.endPage && at < d.endAt)
	return after && before
}

// isCaptionLine reports a line that starts a caption. A line that starts
// with a figure's label but continues the line before it ("… shown in" /
// "Fig. 2. The results …") is a reference to the figure, not its caption.
func isCaptionLine(lines []junkLine, k int) bool {
	if !junkCaptionStart.MatchString(lines[k].text) {
		return false
	}
	for j := k - 1; j >= 0; j-- {
		if lines[j].text != "" {
			return !endsInFunctionWord(lines[j].text)
		}
	}
	return true
}

func endsInFunctionWord(s string) bool {
	f := strings.Fields(s)
	if len(f) == 0 {
		return false
	}
	switch strings.ToLower(f[len(f)-1]) {
	case "in", "see", "of", "and", "or", "to", "the", "a", "an", "with", "from", "by", "on", "at", "as", "(see", "and/or":
		return true
	}
	return false
}

// isHeadingText reports a heading: at most eight words, no closing
// punctuation, and numbered, in capitals, or a title (every long word
// capitalised, most words too, and no comma).
func isHeadingText(s string) bool {
	words := strings.Fields(s)
	if len(words) == 0 || len(words) > 8 {
		return false
	}
	last, _ := utf8.DecodeLastRuneInString(s)
	if strings.ContainsRune(".,;:!?-–—", last) || endsInFunctionWord(s) {
		return false
	}
	if junkNumbered.MatchString(s) {
		return true
	}
	letters, upper, long, capital, capitalised := 0, 0, 0, 0, 0
	for _, w := range words {
		if strings.ContainsFunc(w, unicode.IsDigit) {
			return false // a code or a figure ("AGS2000", "3D"), not a title word
		}
		w = strings.TrimFunc(w, func(r rune) bool { return !unicode.IsLetter(r) })
		first, _ := utf8.DecodeRuneInString(w)
		if unicode.IsUpper(first) {
			capitalised++
		}
		if utf8.RuneCountInString(w) >= 4 {
			long++
			if unicode.IsUpper(first) {
				capital++
			}
		}
		for _, r := range w {
			if unicode.IsLetter(r) {
				letters++
				if unicode.IsUpper(r) {
					upper++
				}
			}
		}
	}
	switch {
	case letters >= 3 && upper == letters:
		return true
	case long > 0 && capital == long && len(words) >= 2 && capitalised*2 > len(words) && !strings.Contains(s, ","):
		return true
	}
	return false
}

// gluedLabel reports a section label at the start of s followed by a
// capitalised word or a number: "Results Nine trials …".
func gluedLabel(s string) bool {
	f := strings.Fields(s)
	if len(f) < 2 {
		return false
	}
	w := strings.TrimRight(strings.ToLower(f[0]), ":.")
	next, _ := utf8.DecodeRuneInString(f[1])
	return sectionLabels[w] && (unicode.IsUpper(next) || unicode.IsDigit(next))
}
