package export

import (
	"bytes"
	"cmp"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/opusblocks/opus/internal/biblio"
)

// WriteBibTeX writes refs as a .bib file for BibTeX (natbib) and Pandoc:
// one entry per distinct key (the first of each), sorted by key, so the
// same references always give the same bytes. Pass the works a manuscript
// cites, Manuscript.Refs.
//
// The entry type is Ref.Type (biblatex-only types mapped to BibTeX ones),
// else article when there is a venue, else misc. Field text is escaped as
// LaTeX (texEscape): braces balance whatever the text, UTF-8 that pdflatex
// reads is kept as it is, and the title is braced once more so BibTeX
// styles keep its capitals. Authors are "Family, Given and …", an
// organisation (no given name) braced whole. DOIs and URLs are written as
// they are (minus spaces and braces): natbib's styles print them with
// \url, which reads them verbatim, and so does Pandoc.
//
// A reference without a usable key is an error (*KeyError).
func WriteBibTeX(w io.Writer, refs []biblio.Ref) error {
	if err := checkKeys(refs); err != nil {
		return err
	}
	var uniq []biblio.Ref
	seen := map[string]bool{}
	for _, r := range refs {
		if !seen[r.Key] {
			seen[r.Key] = true
			uniq = append(uniq, r)
		}
	}
	slices.SortFunc(uniq, func(a, b biblio.Ref) int { return cmp.Compare(a.Key, b.Key) })

	var b bytes.Buffer
	for i, r := range uniq {
		if i > 0 {
			b.WriteByte('\n')
		}
		typ := bibType(r)
		b.WriteString("@" + typ + "{" + r.Key + ",\n")
		field := func(name, value string) {
			if value != "" {
				b.WriteString("  " + name + " = {" + value + "},\n")
			}
		}
		text := func(s string) string { return texEscape(collapse(s), true) }
		field("author", bibAuthors(r.Authors))
		if t := text(r.Title); t != "" {
			field("title", "{"+t+"}")
		}
		field(venueField(typ), text(r.Venue))
		if r.Year > 0 {
			field("year", strconv.Itoa(r.Year))
		}
		field("volume", text(r.Volume))
		field("number", text(r.Number))
		field("pages", bibPages(r.Pages))
		field("publisher", text(r.Publisher))
		field("doi", bibRaw(r.DOI))
		field("url", bibRaw(r.URL))
		b.WriteString("}\n")
	}
	_, err := w.Write(b.Bytes())
	return err
}

// bibTypes maps entry types BibTeX styles do not know (biblatex's) to ones
// they do; natbib's styles would print an unknown type as misc with a
// warning.
var bibTypes = map[string]string{
	"online": "misc", "electronic": "misc", "www": "misc", "dataset": "misc",
	"software": "misc", "report": "techreport", "thesis": "phdthesis",
	"mvbook": "book", "collection": "book", "proceedings": "proceedings",
}

func bibType(r biblio.Ref) string {
	t := strings.ToLower(strings.TrimSpace(r.Type))
	if m, ok := bibTypes[t]; ok {
		t = m
	}
	if t != "" && !strings.ContainsFunc(t, func(c rune) bool { return c < 'a' || c > 'z' }) {
		return t
	}
	if collapse(r.Venue) != "" {
		return "article"
	}
	return "misc"
}

// venueField is the field that holds Ref.Venue for an entry type.
func venueField(typ string) string {
	switch typ {
	case "article":
		return "journal"
	case "inproceedings", "conference", "incollection", "inbook":
		return "booktitle"
	case "phdthesis", "mastersthesis":
		return "school"
	case "techreport":
		return "institution"
	case "book", "proceedings":
		return "series"
	}
	return "howpublished"
}

// andWord finds "and" as a word, which BibTeX would read as a name
// separator.
var andWord = regexp.MustCompile(`(?i)(^|\s)and(\s|$)`)

// bibAuthors is "Family, Given and Family, Jr, Given"; an organisation
// (no given name) is braced so BibTeX takes it whole.
func bibAuthors(authors []biblio.Author) string {
	var names []string
	for _, a := range authors {
		family, given := collapse(a.Family), collapse(a.Given)
		if family == "" {
			family, given = given, ""
		}
		if family == "" {
			continue
		}
		suffix := collapse(a.Suffix)
		if given == "" && suffix == "" {
			names = append(names, "{"+texEscape(family, true)+"}")
			continue
		}
		name := bibNamePart(family)
		if suffix != "" {
			name += ", " + bibNamePart(suffix) // BibTeX's "von Last, Jr, First"
		}
		names = append(names, name+", "+bibNamePart(given))
	}
	return strings.Join(names, " and ")
}

// bibNamePart escapes one part of a name, braced when it contains a comma
// or the word "and" so that BibTeX takes it whole.
func bibNamePart(s string) string {
	e := texEscape(s, true)
	if strings.Contains(s, ",") || andWord.MatchString(s) {
		return "{" + e + "}"
	}
	return e
}

var pageRange = regexp.MustCompile(`(\w)\s*[-–—]+\s*(\w)`)

// bibPages writes page ranges with BibTeX's "--": "45-67", "45–67" and
// "45 -- 67" are all "45--67".
func bibPages(p string) string {
	p = pageRange.ReplaceAllString(collapse(p), "$1–$2")
	return strings.ReplaceAll(texEscape(p, true), "–", "--")
}

// bibRaw is a DOI or URL as it is, without the white space and braces that
// would break the field.
func bibRaw(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '{' || r == '}' || r == '\\' {
			return -1
		}
		return r
	}, s)
}
