package export

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/opusblocks/opus/internal/biblio"
)

// Citations numbers the works a manuscript cites in order of first
// citation and gives each an author-year label, so that paragraphs rendered
// one at a time agree: the second paragraph's [3] is the third work cited
// in the manuscript, not in the paragraph.
//
// Labels that would be the same for different works ("Smith et al., 2020")
// get a letter each ("2020a", "2020b") in order of first citation. They are
// computed from the works registered when a paragraph is rendered, so
// register the whole manuscript first (NewCitations) to render paragraphs
// one by one with final labels.
//
// The zero value is ready to use. A Citations is not safe for concurrent
// use.
type Citations struct {
	entries []entry
	index   map[string]int // entry id → index in entries
	years   map[string]string
}

// entry is one numbered item: a work, or a manual fact's note (a numbered
// entry of its own in the numeric style).
type entry struct {
	ref  *biblio.Ref // nil: note
	note string
}

// NewCitations registers every work and note m cites, in order.
func NewCitations(m Manuscript) *Citations {
	c := &Citations{}
	m.eachCite(func(ct Cite) { c.add(ct) })
	return c
}

// Add registers the works and notes p cites, after those registered so far.
func (c *Citations) Add(p Paragraph) {
	for _, s := range p.Sentences {
		for _, ct := range s.Cites {
			c.add(ct)
		}
	}
}

func (c *Citations) add(ct Cite) int {
	if c.index == nil {
		c.index = map[string]int{}
	}
	id, e := "n:"+noteText(ct.Note), entry{note: noteText(ct.Note)}
	if ct.Ref != nil {
		id, e = refID(ct.Ref), entry{ref: ct.Ref}
	}
	if i, ok := c.index[id]; ok {
		return i
	}
	c.index[id] = len(c.entries)
	c.entries = append(c.entries, e)
	c.years = nil // labels may need new letters
	return len(c.entries) - 1
}

// number is a work's or note's citation number, 1-based.
func (c *Citations) number(ct Cite) int { return c.add(ct) + 1 }

// year is a work's year as cited: "2020", "2020a", "n.d.", "n.d.-a".
func (c *Citations) year(r *biblio.Ref) string {
	if c.years == nil {
		c.labelYears()
	}
	if y, ok := c.years[refID(r)]; ok {
		return y
	}
	return yearText(r.Year)
}

// labelYears gives works whose author-year labels collide a letter each,
// in order of first citation.
func (c *Citations) labelYears() {
	label := func(r *biblio.Ref) string { return citeNames(r) + "\x00" + yearText(r.Year) }
	works := map[string]int{} // label → works that have it
	for _, e := range c.entries {
		if e.ref != nil {
			works[label(e.ref)]++
		}
	}
	c.years = map[string]string{}
	lettered := map[string]int{} // label → letters given so far
	for _, e := range c.entries {
		if e.ref == nil {
			continue
		}
		y := yearText(e.ref.Year)
		if l := label(e.ref); works[l] > 1 {
			y += suffix(y, lettered[l])
			lettered[l]++
		}
		c.years[refID(e.ref)] = y
	}
}

// suffix is the i-th disambiguation letter: a … z, then aa, ab …
func suffix(year string, i int) string {
	s := ""
	for {
		s = string(rune('a'+i%26)) + s
		i = i/26 - 1
		if i < 0 {
			break
		}
	}
	if year == "n.d." {
		return "-" + s // APA: "n.d.-a"
	}
	return s
}

func yearText(y int) string {
	if y == 0 {
		return "n.d."
	}
	return strconv.Itoa(y)
}

// Text renders one paragraph for the terminal: sentences joined by single
// spaces, citations in opts.Style before each sentence's final punctuation.
// It registers what p cites (see Citations).
func (c *Citations) Text(p Paragraph, opts Options) (string, error) {
	opts, err := opts.normalize()
	if err != nil {
		return "", err
	}
	c.Add(p)
	return paragraph(p, opts, textRenderer{c: c, style: opts.Style})
}

// References lists the works (and, numeric, the notes) registered so far
// as lines for the terminal: numeric in order of number ("[1] Smith, J.,
// Jones, K. (2020). Title. Venue. https://doi.org/…"), author-year sorted
// by author then year, none nothing.
func (c *Citations) References(s Style) []string {
	var lines []string
	switch s {
	case Numeric:
		for i, e := range c.entries {
			text := e.note
			if e.ref != nil {
				text = refText(e.ref, yearText(e.ref.Year))
			}
			lines = append(lines, fmt.Sprintf("[%d] %s", i+1, text))
		}
	case AuthorYear:
		type item struct{ sort, text string }
		var items []item
		for _, e := range c.entries {
			if e.ref == nil {
				continue // cited inline by its note
			}
			y := c.year(e.ref)
			items = append(items, item{
				sort: strings.ToLower(sortNames(e.ref)) + "\x00" + sortYear(e.ref.Year) + y + "\x00" + strings.ToLower(e.ref.Title),
				text: refText(e.ref, y),
			})
		}
		slices.SortStableFunc(items, func(a, b item) int { return strings.Compare(a.sort, b.sort) })
		for _, it := range items {
			lines = append(lines, it.text)
		}
	}
	return lines
}

// sortYear sorts undated works first, as APA does, and years numerically.
func sortYear(y int) string { return fmt.Sprintf("%06d", max(y, 0)) }

// WriteText writes the manuscript for the terminal: the title, each
// heading and paragraph separated by blank lines, then "References".
func WriteText(w io.Writer, m Manuscript, opts Options) error {
	opts, err := opts.normalize()
	if err != nil {
		return err
	}
	c := NewCitations(m)
	var blocks []string
	if t := collapse(m.Title); t != "" {
		blocks = append(blocks, t)
	}
	for _, sec := range m.Sections {
		if h := collapse(sec.Heading); h != "" {
			blocks = append(blocks, h)
		}
		for _, p := range sec.Paragraphs {
			text, err := c.Text(p, opts)
			if err != nil {
				return err
			}
			blocks = append(blocks, text)
		}
	}
	if refs := c.References(opts.Style); len(refs) > 0 {
		blocks = append(blocks, "References", strings.Join(refs, "\n"))
	}
	var b bytes.Buffer
	for _, bl := range blocks {
		b.WriteString(bl + "\n\n")
	}
	_, err = w.Write(bytes.TrimSuffix(b.Bytes(), []byte("\n")))
	return err
}

// textRenderer renders citations as plain text.
type textRenderer struct {
	c     *Citations
	style Style
}

func (textRenderer) escape(s string) string { return s }
func (textRenderer) quote(s string) string  { return "“" + s + "”" }
func (textRenderer) flag() string           { return FlagMarker }

func (t textRenderer) cite(sc sentenceCites) (inline, after string) {
	switch t.style {
	case Numeric:
		return t.numeric(sc), ""
	case AuthorYear:
		var parts []string
		for _, d := range sc.docs {
			part := citeNames(d.ref) + ", " + t.c.year(d.ref)
			if d.page > 0 {
				part += fmt.Sprintf(", p. %d", d.page)
			}
			parts = append(parts, part)
		}
		parts = append(parts, sc.notes...)
		if len(parts) == 0 {
			return "", ""
		}
		return " (" + strings.Join(parts, "; ") + ")", ""
	}
	return "", ""
}

// numeric renders "[1, 2]", "[1–3]", or with pages "[1, p. 3; 2]".
func (t textRenderer) numeric(sc sentenceCites) string {
	type item struct{ n, page int }
	var items []item
	pages := false
	for _, d := range sc.docs {
		items = append(items, item{t.c.number(Cite{Ref: d.ref}), d.page})
		pages = pages || d.page > 0
	}
	for _, n := range sc.notes {
		items = append(items, item{t.c.number(Cite{Note: n}), 0})
	}
	if len(items) == 0 {
		return ""
	}
	slices.SortFunc(items, func(a, b item) int {
		if a.n != b.n {
			return a.n - b.n
		}
		return a.page - b.page
	})
	var parts []string
	if pages {
		for _, it := range items {
			if it.page > 0 {
				parts = append(parts, fmt.Sprintf("%d, p. %d", it.n, it.page))
			} else {
				parts = append(parts, strconv.Itoa(it.n))
			}
		}
		return " [" + strings.Join(parts, "; ") + "]"
	}
	for i := 0; i < len(items); {
		j := i
		for j+1 < len(items) && items[j+1].n == items[j].n+1 {
			j++
		}
		// Ranges from three on: "1, 2" reads better than "1–2".
		if j-i >= 2 {
			parts = append(parts, fmt.Sprintf("%d–%d", items[i].n, items[j].n))
		} else {
			for k := i; k <= j; k++ {
				parts = append(parts, strconv.Itoa(items[k].n))
			}
		}
		i = j + 1
	}
	return " [" + strings.Join(parts, ", ") + "]"
}

// citeNames is the names part of an author-year citation: "Smith",
// "Smith and Jones", "Smith et al."; without authors the short title in
// quotes.
func citeNames(r *biblio.Ref) string {
	var names []string
	for _, a := range r.Authors {
		if n := authorName(a); n != "" {
			names = append(names, n)
		}
	}
	switch len(names) {
	case 0:
		if t := shortTitle(r.Title); t != "" {
			return "“" + t + "”"
		}
		return "Anonymous"
	case 1:
		return names[0]
	case 2:
		return names[0] + " and " + names[1]
	}
	return names[0] + " et al."
}

func authorName(a biblio.Author) string {
	if f := collapse(a.Family); f != "" {
		return f
	}
	return collapse(a.Given)
}

// shortTitle is the first words of a title, up to its subtitle and at most
// four words, as author-date styles cite anonymous works.
func shortTitle(title string) string {
	t := collapse(title)
	if i := strings.IndexAny(t, ":?!"); i > 0 {
		t = t[:i]
	}
	if i := strings.Index(t, ". "); i > 0 {
		t = t[:i]
	}
	words := strings.Fields(t)
	if len(words) > 4 {
		words = words[:4]
	}
	return strings.TrimRight(strings.Join(words, " "), ".,;")
}

// sortNames sorts a reference by its authors' family names, then given
// names; without authors by title.
func sortNames(r *biblio.Ref) string {
	var parts []string
	for _, a := range r.Authors {
		parts = append(parts, collapse(a.Family)+" "+collapse(a.Given))
	}
	if len(parts) == 0 {
		return collapse(r.Title)
	}
	return strings.Join(parts, "\x01")
}

// refText is a reference list entry: "Smith, J., Jones, K. (2020). Title.
// Venue, 12(3), 45–67. https://doi.org/10.1/x".
func refText(r *biblio.Ref, year string) string {
	var authors []string
	for _, a := range r.Authors {
		name := collapse(a.Family)
		if name == "" {
			name = collapse(a.Given)
		} else if given := initials(a.Given); given != "" {
			name += ", " + given
		}
		if suffix := collapse(a.Suffix); suffix != "" && name != "" {
			name += ", " + suffix
		}
		if name != "" {
			authors = append(authors, name)
		}
	}
	var parts []string
	title := sentence(collapse(r.Title))
	if len(authors) > 0 {
		// "Smith, J." ends in a full stop already, an organisation not.
		parts = append(parts, sentence(strings.Join(authors, ", ")), "("+year+").")
		if title != "" {
			parts = append(parts, title)
		}
	} else {
		if title != "" {
			parts = append(parts, title)
		}
		parts = append(parts, "("+year+").")
	}
	venue := collapse(r.Venue)
	if v := collapse(r.Volume); v != "" {
		venue = strings.TrimPrefix(venue+", "+v, ", ")
		if n := collapse(r.Number); n != "" {
			venue += "(" + n + ")"
		}
	}
	if pg := collapse(r.Pages); pg != "" {
		venue = strings.TrimPrefix(venue+", "+strings.ReplaceAll(strings.ReplaceAll(pg, "--", "–"), "-", "–"), ", ")
	}
	if venue != "" {
		parts = append(parts, sentence(venue))
	}
	if p := collapse(r.Publisher); p != "" {
		parts = append(parts, sentence(p))
	}
	if d := strings.TrimSpace(r.DOI); d != "" {
		parts = append(parts, "https://doi.org/"+d)
	} else if u := strings.TrimSpace(r.URL); u != "" {
		parts = append(parts, u)
	}
	return strings.Join(parts, " ")
}

// sentence ends s with a full stop unless it ends in punctuation already.
func sentence(s string) string {
	if s == "" || strings.ContainsRune(".?!", rune(s[len(s)-1])) {
		return s
	}
	return s + "."
}

// initials abbreviates given names: "John Ronald" → "J. R.", "Jean-Pierre"
// → "J.-P.", "J.R." → "J. R.".
func initials(given string) string {
	var out []string
	for _, word := range strings.FieldsFunc(given, func(r rune) bool { return unicode.IsSpace(r) || r == '.' }) {
		var hy []string
		for _, part := range strings.Split(word, "-") {
			for _, r := range part {
				if unicode.IsLetter(r) {
					hy = append(hy, string(r)+".")
					break
				}
			}
		}
		if len(hy) > 0 {
			out = append(out, strings.Join(hy, "-"))
		}
	}
	return strings.Join(out, " ")
}
