package export

import (
	"bytes"
	"fmt"
	"io"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"
)

// WriteMarkdown writes m as Pandoc Markdown that
//
//	pandoc --citeproc FILE.md -o FILE.docx
//
// turns into a document with its citations and bibliography, with no other
// flags: the YAML front matter names the title and bibName (the .bib file
// written with WriteBibTeX, relative to the .md).
//
// Works are cited by key, "[@smith2020]", "[@a; @b]", verbatim sentences
// with their pages, "“…” [@smith2020, p. 3]". Pandoc then formats the
// citations in the style of its CSL file, by default Chicago author-date,
// so the numeric style does not number them: add "csl: some-numeric.csl"
// to the front matter for that. Manual facts become footnotes, "^[lab
// notebook]". With NoCitations there are neither citations, footnotes nor
// bibliography.
//
// Text is escaped so that nothing a paper says can become markup.
func WriteMarkdown(w io.Writer, m Manuscript, bibName string, opts Options) error {
	opts, err := opts.normalize()
	if err != nil {
		return err
	}
	cites, err := citesWorks(m, opts, bibName, "markdown")
	if err != nil {
		return err
	}
	var b bytes.Buffer
	fm := frontMatter{Title: mdLineStart(mdEscape(collapse(m.Title)))}
	if cites {
		fm.Bibliography, fm.LinkCitations = bibName, true
	}
	if fm != (frontMatter{}) {
		y, err := yaml.Marshal(fm)
		if err != nil {
			return fmt.Errorf("markdown front matter: %w", err)
		}
		b.WriteString("---\n")
		b.Write(y)
		b.WriteString("---\n\n")
	}
	r := mdRenderer{}
	for _, sec := range m.Sections {
		if h := collapse(sec.Heading); h != "" {
			b.WriteString("## " + mdEscape(h) + "\n\n")
		}
		for _, p := range sec.Paragraphs {
			text, err := paragraph(p, opts, r)
			if err != nil {
				return err
			}
			if text != "" {
				b.WriteString(mdLineStart(text) + "\n\n")
			}
		}
	}
	out := bytes.TrimRight(b.Bytes(), "\n")
	if len(out) > 0 {
		out = append(out, '\n')
	}
	_, err = w.Write(out)
	return err
}

// frontMatter is the YAML metadata block. Pandoc reads its strings as
// Markdown, hence the title is escaped as Markdown and then quoted as YAML
// by the encoder.
type frontMatter struct {
	Title         string `yaml:"title,omitempty"`
	Bibliography  string `yaml:"bibliography,omitempty"`
	LinkCitations bool   `yaml:"link-citations,omitempty"`
}

type mdRenderer struct{}

func (mdRenderer) escape(s string) string { return mdEscape(s) }
func (mdRenderer) quote(s string) string  { return "“" + s + "”" }

// flag escapes the brackets, or Pandoc would read "[verbatim]" as a span
// or a reference link.
func (mdRenderer) flag() string { return mdEscape(FlagMarker) }

func (mdRenderer) cite(sc sentenceCites) (inline, after string) {
	var parts []string
	for _, d := range sc.docs {
		part := pandocKey(d.ref.Key)
		if d.page > 0 {
			part += fmt.Sprintf(", p. %d", d.page)
		}
		parts = append(parts, part)
	}
	if len(parts) > 0 {
		inline = " [" + strings.Join(parts, "; ") + "]"
	}
	if len(sc.notes) > 0 {
		// Notes go after the full stop, where footnote markers belong.
		after = "^[" + mdEscape(strings.Join(sc.notes, "; ")) + "]"
	}
	return inline, after
}

// plainKey is a citation key Pandoc reads after a bare "@": punctuation
// only inside it, not at its end ("@smith2020." ends a sentence).
var plainKey = regexp.MustCompile(`^[A-Za-z0-9_](?:[A-Za-z0-9_:./+-]*[A-Za-z0-9_])?$`)

// pandocKey is "@key", or "@{key}" for a key Pandoc would cut short.
func pandocKey(k string) string {
	if plainKey.MatchString(k) {
		return "@" + k
	}
	return "@{" + k + "}"
}

// mdEscape backslash-escapes the ASCII punctuation that Pandoc Markdown
// gives a meaning inside a line: emphasis, code, links, spans, citations,
// raw HTML and TeX, math, sub- and superscript, tables, headings,
// entities. Pandoc accepts a backslash before any ASCII punctuation, so an
// escape too many is harmless. A hyphen after a hyphen is escaped so that
// "--" stays two hyphens rather than becoming a dash.
func mdEscape(s string) string {
	var b strings.Builder
	prev := rune(0)
	for _, r := range s {
		switch {
		case strings.ContainsRune("\\`*_{}[]<>#@~^$|&", r):
			b.WriteByte('\\')
		case r == '-' && prev == '-':
			b.WriteByte('\\')
		}
		b.WriteRune(r)
		prev = r
	}
	return b.String()
}

// listMarker matches the start of a line Pandoc would read as a list item:
// "1. ", "2) ", "(a) ", "iv. ", "A. ".
var listMarker = regexp.MustCompile(`^(\(?)([0-9]{1,9}|[A-Za-z]|[ivxlcdmIVXLCDM]+)([.)])( |$)`)

// mdLineStart escapes what only means something at the start of a line
// (every paragraph is one line): list markers, block quotes, definition
// lists, fenced divs, a title block, a setext underline.
func mdLineStart(s string) string {
	if s == "" {
		return s
	}
	if strings.ContainsRune("-+:%=", rune(s[0])) {
		return `\` + s
	}
	if m := listMarker.FindStringSubmatchIndex(s); m != nil {
		open, delim := s[m[2]:m[3]], s[m[6]:m[7]]
		if open != "" {
			open = `\(`
		}
		return open + s[m[4]:m[5]] + `\` + delim + s[m[7]:]
	}
	return s
}
