// Package export renders verified paragraphs as manuscript text: plain text
// for the terminal, Markdown for Pandoc, a LaTeX document for pdflatex and
// natbib, and the BibTeX file both of them cite.
//
// The input is a small model of its own (Manuscript, Section, Paragraph,
// Sentence, Cite) so that the package depends on nothing but biblio.Ref:
// the caller (CLI, API) builds it from whatever it stores.
//
// Every writer renders into memory first and writes nothing when it fails,
// so a refused verbatim sentence or a reference without a key never leaves
// half a file behind.
package export

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/opusblocks/opus/internal/biblio"
)

// Manuscript is what is exported: a title and its sections. Exporting one
// paragraph is a manuscript with one section without a heading.
type Manuscript struct {
	Title    string
	Sections []Section
}

// Section is a run of paragraphs under an optional heading.
type Section struct {
	Heading    string // empty: no heading
	Paragraphs []Paragraph
}

// Paragraph is one verified paragraph. Handle ("P3") names it in errors.
type Paragraph struct {
	Handle    string
	Sentences []Sentence
}

// Sentence is one sentence and the facts it cites.
type Sentence struct {
	// Text is the sentence without citation markers, usually ending in
	// its final punctuation.
	Text string
	// Verbatim says the sentence copies enough words of a quote it cites
	// to need quotation marks (see VerbatimMode).
	Verbatim bool
	Cites    []Cite
}

// Cite is one fact a sentence cites: a page of a document, or a manual
// fact known only by its source note.
type Cite struct {
	Ref  *biblio.Ref // nil: a manual fact
	Page int         // 1-based page of the quote; 0 unknown
	Note string      // a manual fact's source note, e.g. "lab notebook 2024-03-02"
}

// UnsourcedNote stands for the source of a manual fact that has no source
// note.
const UnsourcedNote = "unpublished data"

// FlagMarker is appended to a verbatim sentence exported with
// VerbatimFlag. It is visible text in every format (not a comment), so it
// shows in the .docx, .html and .pdf an author reads, and it is easy to
// search for.
const FlagMarker = "[verbatim]"

// Style is how citations are rendered.
type Style string

// The citation styles.
const (
	// Numeric numbers works in order of first citation: "[1]", "[1, 2]",
	// "[1–3]".
	Numeric Style = "numeric"
	// AuthorYear names authors and year: "(Smith et al., 2020)".
	AuthorYear Style = "author-year"
	// NoCitations renders no citations, footnotes or bibliography.
	NoCitations Style = "none"
)

// DefaultStyle is the style of an Options whose Style is empty. It is
// author-year because that is what Pandoc renders without a CSL file.
const DefaultStyle = AuthorYear

// Styles lists the citation styles, for flag help and errors.
var Styles = []Style{Numeric, AuthorYear, NoCitations}

// ParseStyle reads a citation style name.
func ParseStyle(s string) (Style, error) { return parseName("citation style", s, Styles) }

// VerbatimMode is what happens to a sentence marked Verbatim.
type VerbatimMode string

// The verbatim modes.
const (
	// VerbatimQuote (the default) renders the sentence as a quotation with
	// the page of its source: “Text” (Smith et al., 2020, p. 3).
	VerbatimQuote VerbatimMode = "quote"
	// VerbatimFlag leaves the text as it is, cites it with its pages and
	// appends FlagMarker, for an author who will rewrite it by hand.
	VerbatimFlag VerbatimMode = "flag"
	// VerbatimRefuse makes the export fail with a *VerbatimError.
	VerbatimRefuse VerbatimMode = "refuse"
)

// VerbatimModes lists the verbatim modes, for flag help and errors.
var VerbatimModes = []VerbatimMode{VerbatimQuote, VerbatimFlag, VerbatimRefuse}

// ParseVerbatimMode reads a verbatim mode name.
func ParseVerbatimMode(s string) (VerbatimMode, error) {
	return parseName("verbatim mode", s, VerbatimModes)
}

// parseName finds s (trimmed, in any case) among names; an unknown name is
// an error that lists them.
func parseName[T ~string](what, s string, names []T) (T, error) {
	for _, n := range names {
		if strings.EqualFold(strings.TrimSpace(s), string(n)) {
			return n, nil
		}
	}
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = strconv.Quote(string(n))
	}
	return "", fmt.Errorf("unknown %s %q: use one of %s", what, s, strings.Join(q, ", "))
}

// Options choose how a manuscript is rendered. The zero value is
// DefaultStyle with VerbatimQuote.
type Options struct {
	Style    Style
	Verbatim VerbatimMode
}

// normalize fills in defaults and rejects unknown values (an Options built
// by hand rather than with the Parse functions).
func (o Options) normalize() (Options, error) {
	if o.Style == "" {
		o.Style = DefaultStyle
	}
	if o.Verbatim == "" {
		o.Verbatim = VerbatimQuote
	}
	if _, err := ParseStyle(string(o.Style)); err != nil {
		return o, err
	}
	if _, err := ParseVerbatimMode(string(o.Verbatim)); err != nil {
		return o, err
	}
	return o, nil
}

// VerbatimError is returned with VerbatimRefuse for the first verbatim
// sentence.
type VerbatimError struct {
	Paragraph string // handle
	Sentence  int    // 1-based
}

func (e *VerbatimError) Error() string {
	p := e.Paragraph
	if p == "" {
		p = "(no handle)"
	}
	return fmt.Sprintf("paragraph %s, sentence %d copies its source verbatim: rewrite it or export with --verbatim=quote", p, e.Sentence)
}

// KeyError is returned when a reference that has to be cited by key
// (Markdown, LaTeX, BibTeX) has none, or one that BibTeX, natbib or Pandoc
// would misread.
type KeyError struct {
	Key   string
	Title string
}

func (e *KeyError) Error() string {
	title := e.Title
	if title == "" {
		title = "(untitled)"
	}
	if e.Key == "" {
		return fmt.Sprintf("reference %q has no citation key: give it one in the bibliography", title)
	}
	return fmt.Sprintf("reference %q has citation key %q, which BibTeX and Pandoc cannot use: use letters, digits and - _ : . / + only", title, e.Key)
}

// Refs returns the distinct references the manuscript cites, in order of
// first citation. References are the same when their keys are (or, without
// a key, their title, year and first author); the first one cited wins.
func (m Manuscript) Refs() []biblio.Ref {
	var refs []biblio.Ref
	seen := map[string]bool{}
	m.eachCite(func(c Cite) {
		if c.Ref == nil {
			return
		}
		id := refID(c.Ref)
		if !seen[id] {
			seen[id] = true
			refs = append(refs, *c.Ref)
		}
	})
	return refs
}

// eachCite calls f for every cite in document order.
func (m Manuscript) eachCite(f func(Cite)) {
	for _, sec := range m.Sections {
		for _, p := range sec.Paragraphs {
			for _, s := range p.Sentences {
				for _, c := range s.Cites {
					f(c)
				}
			}
		}
	}
}

// citesWorks tells whether a document rendered with opts cites m's works,
// and makes sure it can: every key usable (checkKeys) and bib, the .bib
// file, named. format names the writer in errors.
func citesWorks(m Manuscript, opts Options, bib, format string) (bool, error) {
	if opts.Style == NoCitations {
		return false, nil
	}
	refs := m.Refs()
	if len(refs) == 0 {
		return false, nil
	}
	if err := checkKeys(refs); err != nil {
		return false, err
	}
	if bib == "" {
		return false, fmt.Errorf("%s: the manuscript cites works but no .bib file was named", format)
	}
	return true, nil
}

// checkKeys rejects references that cannot be cited by key.
func checkKeys(refs []biblio.Ref) error {
	for _, r := range refs {
		if !ValidKey(r.Key) {
			return &KeyError{Key: r.Key, Title: r.Title}
		}
	}
	return nil
}

// ValidKey accepts keys that BibTeX, natbib and Pandoc all read as they
// are. Reference managers generate keys of letters, digits and a little
// punctuation; anything else would break one of the three.
func ValidKey(k string) bool {
	if k == "" {
		return false
	}
	for _, r := range k {
		switch {
		case r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)):
		case strings.ContainsRune("-_:./+", r):
		default:
			return false
		}
	}
	return true
}

// refID identifies a reference: its key, or without one its title, year
// and first author.
func refID(r *biblio.Ref) string {
	if r.Key != "" {
		return "k:" + r.Key
	}
	first := ""
	if len(r.Authors) > 0 {
		first = r.Authors[0].Family + "," + r.Authors[0].Given
	}
	return fmt.Sprintf("t:%s|%d|%s", r.Title, r.Year, first)
}

// collapse trims s and turns every run of white space (line breaks from a
// PDF included) into one space: a sentence is one line in every format.
func collapse(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// splitFinal splits a sentence into its body and its final punctuation, so
// that the citation goes before the full stop: "rose by 12% [1].".
func splitFinal(s string) (body, punct string) {
	i := len(s)
	for i > 0 {
		r, n := utf8.DecodeLastRuneInString(s[:i])
		if !strings.ContainsRune(".!?…", r) {
			break
		}
		i -= n
	}
	return strings.TrimRightFunc(s[:i], unicode.IsSpace), s[i:]
}

// innerQuotes turns the double quotes of a sentence about to be quoted into
// single ones, as nested quotations are written.
func innerQuotes(s string) string {
	var b strings.Builder
	open := true
	for _, r := range s {
		switch r {
		case '“':
			r = '‘'
		case '”':
			r = '’'
		case '"':
			if open {
				r = '‘'
			} else {
				r = '’'
			}
			open = !open
		}
		b.WriteRune(r)
	}
	return b.String()
}

// sentenceCites is what a sentence cites, deduplicated: each document once
// (once per page when pages are shown) and each manual note once.
type sentenceCites struct {
	docs  []docCite
	notes []string
}

type docCite struct {
	ref  *biblio.Ref
	page int // 0 when not shown
}

func gatherCites(cites []Cite, withPages bool) sentenceCites {
	var sc sentenceCites
	seen := map[string]bool{}
	for _, c := range cites {
		if c.Ref == nil {
			note := noteText(c.Note)
			if !seen["n:"+note] {
				seen["n:"+note] = true
				sc.notes = append(sc.notes, note)
			}
			continue
		}
		page := 0
		if withPages && c.Page > 0 {
			page = c.Page
		}
		id := fmt.Sprintf("%s#%d", refID(c.Ref), page)
		if !seen[id] {
			seen[id] = true
			sc.docs = append(sc.docs, docCite{ref: c.Ref, page: page})
		}
	}
	return sc
}

func noteText(note string) string {
	if n := collapse(note); n != "" {
		return n
	}
	return UnsourcedNote
}

// renderer holds what a format does with one sentence.
type renderer interface {
	// escape makes sentence text literal in the format.
	escape(s string) string
	// quote wraps escaped text in quotation marks.
	quote(s string) string
	// cite renders the documents cited (after a space, before the final
	// punctuation) and the manual notes; either may be empty.
	cite(sc sentenceCites) (inline, after string)
	// flag is FlagMarker in the format.
	flag() string
}

// paragraph renders p's sentences joined by single spaces.
func paragraph(p Paragraph, opts Options, r renderer) (string, error) {
	var out []string
	for i, s := range p.Sentences {
		text := collapse(s.Text)
		if text == "" {
			continue
		}
		body, punct := splitFinal(text)
		withPages, flagged, quoted := false, false, false
		if s.Verbatim {
			switch opts.Verbatim {
			case VerbatimRefuse:
				return "", &VerbatimError{Paragraph: p.Handle, Sentence: i + 1}
			case VerbatimFlag:
				withPages, flagged = true, true
			default:
				withPages, quoted = true, true
				body = innerQuotes(body)
			}
		}
		body = r.escape(body)
		if quoted {
			body = r.quote(body)
		}
		var inline, after string
		if opts.Style != NoCitations {
			inline, after = r.cite(gatherCites(s.Cites, withPages))
			if body == "" {
				inline = strings.TrimLeft(inline, " ~") // no space before a lone citation
			}
		}
		var b strings.Builder
		b.WriteString(body)
		b.WriteString(inline)
		b.WriteString(r.escape(punct))
		b.WriteString(after)
		if flagged {
			b.WriteString(" " + r.flag())
		}
		out = append(out, b.String())
	}
	return strings.Join(out, " "), nil
}
