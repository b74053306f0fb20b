package biblio

import (
	"bytes"
	"encoding/xml"
	"regexp"
	"strings"
	"unicode"
)

// FromPDFInfo reads what a PDF says about itself: its info dictionary
// (keys Title, Author, Subject, Keywords, CreationDate, matched without
// regard to case) and its XMP packet (nil if none). XMP, which publishers
// fill, wins over the info dictionary, which is often the authoring tool's
// leftovers:
//
//	Title    dc:title (x-default first), else Title, if it is a real title
//	         (see cleanTitle); a "Proceedings of …" title names the venue
//	Authors  dc:creator, else Author, if every name looks like a person's
//	         (see pdfAuthors)
//	DOI      prism:doi, pdfx:doi, crossmark:DOI, dc:identifier ("doi:…"),
//	         else a DOI in Subject, Keywords, dc:description or the title
//	Venue    prism:publicationName
//	Volume, Number, Pages   prism:volume, prism:number, prism:startingPage–
//	         prism:endingPage or prism:pageRange
//	Publisher dc:publisher
//	Year     publication dates first (prism:coverDate, prism:publicationDate,
//	         prism:coverDisplayDate, dc:date), then creation dates
//	         (xmp:CreateDate, CreationDate "D:20190312…"); a creation date
//	         before 1991 (no PDF existed) is a tool's zero date.
//
// XMP that is not well-formed XML is ignored as a whole.
func FromPDFInfo(info map[string]string, xmp []byte) Ref {
	in := make(map[string]string, len(info))
	for k, v := range info {
		in[strings.ToLower(k)] = strings.TrimSpace(v)
	}
	x := parseXMP(xmp)
	titles := x.all("dc:title")
	var r Ref

	for _, t := range append(titles, in["title"]) {
		if venue, ok := strings.CutPrefix(collapseSpace(t), "Proceedings of "); ok && r.Venue == "" {
			r.Venue = "Proceedings of " + venue
			continue
		}
		if t = cleanTitle(t); t != "" {
			r.Title = t
			break
		}
	}

	if creators := x.all("dc:creator"); len(creators) > 0 {
		r.Authors = pdfAuthors(strings.Join(creators, "; "))
	}
	if len(r.Authors) == 0 {
		r.Authors = pdfAuthors(in["author"])
	}

	doiSources := x.all("prism:doi", "pdfx:doi", "crossmark:doi", "dc:identifier", "prism:url")
	doiSources = append(doiSources, in["doi"], in["subject"], in["keywords"])
	doiSources = append(doiSources, x.all("dc:description", "pdf:keywords", "dc:subject")...)
	doiSources = append(doiSources, titles...)
	doiSources = append(doiSources, in["title"])
	for _, s := range doiSources {
		if d := FindDOI(s); d != "" {
			r.DOI = d
			break
		}
	}

	if v := x.first("prism:publicationname"); v != "" {
		r.Venue = v
	}
	r.Volume = x.first("prism:volume")
	r.Number = x.first("prism:number", "prism:issueidentifier")
	if first, last := x.first("prism:startingpage"), x.first("prism:endingpage"); first != "" && last != "" {
		r.Pages = first + "–" + last
	} else {
		r.Pages = normPages(orDefault(first, x.first("prism:pagerange")))
	}
	r.Publisher = x.first("dc:publisher")

	for _, d := range x.all("prism:coverdate", "prism:publicationdate", "prism:coverdisplaydate", "dc:date") {
		if r.Year = dateYear(d); r.Year != 0 {
			break
		}
	}
	if r.Year == 0 {
		for _, d := range append(x.all("xmp:createdate"), in["creationdate"]) {
			if y := dateYear(d); y >= 1991 {
				r.Year = y
				break
			}
		}
	}
	return r
}

// xmpProps holds an XMP packet's properties by "prefix:name" (lowercased,
// with the prefixes of xmpNamespaces), values in document order.
type xmpProps map[string][]string

func (x xmpProps) all(names ...string) []string {
	var out []string
	for _, n := range names {
		for _, v := range x[strings.ToLower(n)] {
			if v = collapseSpace(v); v != "" {
				out = append(out, v)
			}
		}
	}
	return out
}

func (x xmpProps) first(names ...string) string {
	if v := x.all(names...); len(v) > 0 {
		return v[0]
	}
	return ""
}

// xmpNamespaces names the namespaces read, by URI prefix.
var xmpNamespaces = []struct{ uri, prefix string }{
	{"http://purl.org/dc/elements/1.1/", "dc"},
	{"http://prismstandard.org/namespaces/", "prism"}, // basic/2.0/, 2.1/, 3.0/ …
	{"http://ns.adobe.com/xap/1.0/", "xmp"},
	{"http://ns.adobe.com/pdfx/1.3/", "pdfx"},
	{"http://crossref.org/crossmark/1.0/", "crossmark"},
	{"http://ns.adobe.com/pdf/1.3/", "pdf"},
}

const rdfNS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"

func xmpPrefix(uri string) string {
	for _, ns := range xmpNamespaces {
		if strings.HasPrefix(uri, ns.uri) {
			return ns.prefix
		}
	}
	return ""
}

// parseXMP reads the properties of an XMP packet, written as elements
// (<dc:title><rdf:Alt><rdf:li xml:lang="x-default">…) or as attributes of
// rdf:Description (prism:doi="…"). A packet that is not well-formed is
// ignored: nil. Reading stops at the end of the first root element, so
// the padding and trailer after it do not matter.
func parseXMP(data []byte) xmpProps {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil
	}
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = false
	props := xmpProps{}
	type open struct {
		prop string // "prefix:name" when the element is a property
		li   bool
		lang string
		text strings.Builder
	}
	var stack []*open
	started := false
	for {
		tok, err := dec.Token()
		if err != nil {
			if started && len(stack) == 0 {
				return props
			}
			return nil // broken XMP (or cut short): ignore it
		}
		switch t := tok.(type) {
		case xml.StartElement:
			started = true
			o := &open{}
			if p := xmpPrefix(t.Name.Space); p != "" {
				o.prop = p + ":" + strings.ToLower(t.Name.Local)
			}
			o.li = t.Name.Space == rdfNS && t.Name.Local == "li"
			for _, a := range t.Attr {
				if a.Name.Local == "lang" {
					o.lang = a.Value
				}
				if p := xmpPrefix(a.Name.Space); p != "" {
					k := p + ":" + strings.ToLower(a.Name.Local)
					props[k] = append(props[k], a.Value)
				}
			}
			stack = append(stack, o)
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].text.Write(t)
			}
		case xml.EndElement:
			if len(stack) == 0 {
				return nil
			}
			o := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			text := strings.TrimSpace(o.text.String())
			switch {
			case o.li:
				// The value of the nearest enclosing property; x-default
				// first among alternatives.
				for i := len(stack) - 1; i >= 0; i-- {
					if p := stack[i].prop; p != "" {
						if o.lang == "x-default" {
							props[p] = append([]string{text}, props[p]...)
						} else {
							props[p] = append(props[p], text)
						}
						break
					}
				}
			case o.prop != "" && text != "":
				props[o.prop] = append(props[o.prop], text)
			}
			if started && len(stack) == 0 {
				return props
			}
		}
	}
}

// File names as titles: an extension of a document or typesetting format.
var fileExtension = regexp.MustCompile(`(?i)\.(pdf|docx?|dotx?|odt|rtf|txt|tex|dvi|e?ps|indd|qxd|qxp|p65|pmd|fm|wpd|pages|html?|xml|pptx?|xlsx?|md|sxw)$`)

// Tool boilerplate before a document's name: "Microsoft Word - x.docx".
var toolPrefix = regexp.MustCompile(`(?i)^microsoft\s+(word|powerpoint|excel)\s*[-–—:]\s*`)

// Placeholder titles: tools' defaults ("Untitled", "Layout 1", "Document1",
// "Slide 1") and empty words.
var placeholderTitle = regexp.MustCompile(`(?i)^(untitled|no title|title|layout|document|doc|slide|page|book|paper|article|manuscript|draft|main|presentation|powerpoint presentation|anonymous|\(anonymous\)|none|null|unknown)[\s_-]*\d*$`)

// cleanTitle returns t when it is a real title and "" when it is not. PDF
// titles are often the authoring tool's: the source file's name, a
// template default or a code. The rule, in order:
//   - "Microsoft Word - " and like prefixes are removed (what follows is
//     usually a file name, and then dropped);
//   - a file name is dropped: it ends in a document extension (.pdf .doc
//     .docx .tex .dvi .ps …), or it is a path (has a backslash, starts with
//     / ~/ ./ or a drive letter, or is one word with a /);
//   - a placeholder (Untitled, Layout 1, Document1, Title …) is dropped;
//   - an identifier is dropped: a DOI or "PII …" with fewer than three words
//     besides it;
//   - a title too short to be one is dropped: fewer than 3 words and fewer
//     than 12 letters, or one word with a digit or an underscore (file stems
//     and manuscript numbers: "ms_2019_0123", "JCB201912045"), or fewer
//     letters than other characters.
//
// The length thresholds: tool leftovers are almost always one or two short
// words ("Layout 1", "doc1", "PDF", "main"), while real titles have three
// or more words or, when shorter, long words ("Photosynthesis", "Deep
// learning"). A real two-word title under 12 letters is lost, which costs
// little: this is the lowest layer of metadata, and the first page, a
// BibTeX record or the user supplies the title above it.
func cleanTitle(t string) string {
	t = collapseSpace(strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, t))
	t = toolPrefix.ReplaceAllString(t, "")
	if t == "" || fileExtension.MatchString(t) || looksLikePath(t) || placeholderTitle.MatchString(t) {
		return ""
	}
	words := strings.Fields(t)
	if d := FindDOI(t); d != "" || strings.HasPrefix(strings.ToUpper(t), "PII") {
		rest := strings.Fields(strings.NewReplacer(d, "", "doi:", "", "DOI:", "", "DOI", "", "doi", "", "PII:", "", "PII", "").Replace(t))
		if len(rest) < 3 {
			return ""
		}
	}
	letters, others := letterCount(t)
	switch {
	case len(words) < 3 && letters < 12,
		len(words) == 1 && strings.ContainsAny(t, "0123456789_"),
		letters < others:
		return ""
	}
	return t
}

// looksLikePath tells whether s is a file path rather than a title.
func looksLikePath(s string) bool {
	switch {
	case strings.Contains(s, `\`),
		strings.HasPrefix(s, "/"), strings.HasPrefix(s, "~/"), strings.HasPrefix(s, "./"), strings.HasPrefix(s, "../"),
		len(s) > 2 && isASCIILetter(s[0]) && s[1] == ':' && (s[2] == '/' || s[2] == '\\'),
		!strings.Contains(s, " ") && strings.Contains(s, "/"):
		return true
	}
	return false
}

// etAl finds "et al." in its written forms, braced or not.
var etAl = regexp.MustCompile(`(?i)[{(\[]?\bet\.?\s+al\b\.?[})\]]?`)

// authorSeparators split an author string: ";", "&", " and ", ",".
var authorSeparators = regexp.MustCompile(`\s*(?:;|&|\band\b|,)\s*`)

// pdfAuthors splits a PDF's author string into names, if every piece looks
// like a person's name (see plainName), else returns nil: a wrong author
// list is worse than none. Pieces are separated by ";", "&", " and " and
// ","; "et al." is dropped. A string of "Family, Given" pairs ("Smith, J.;
// Jones, K." or the single "Smith, John") is read as such when splitting
// at the commas too would leave one-word pieces.
func pdfAuthors(s string) []Author {
	s = collapseSpace(etAl.ReplaceAllString(s, ""))
	if s == "" {
		return nil
	}
	if as := splitNames(s); as != nil {
		return as
	}
	// "Family, Given" pairs, separated by ; & and.
	var out []Author
	for _, piece := range pairSeparators.Split(s, -1) {
		if piece == "" {
			continue
		}
		family, given, ok := strings.Cut(piece, ",")
		family, given = strings.TrimSpace(family), strings.TrimSpace(given)
		if !ok || strings.Contains(given, ",") {
			return nil
		}
		if _, ok := plainName(given + " " + family); !ok {
			return nil
		}
		out = append(out, Author{Family: family, Given: given})
	}
	return out
}

// pairSeparators split a list of "Family, Given" names.
var pairSeparators = regexp.MustCompile(`\s*(?:;|&|\band\b)\s*`)

// splitNames splits s at authorSeparators and reads each piece as a plain
// name; nil unless all are names.
func splitNames(s string) []Author {
	var out []Author
	for _, piece := range authorSeparators.Split(s, -1) {
		if piece == "" {
			continue
		}
		a, ok := plainName(piece)
		if !ok {
			return nil
		}
		out = append(out, a)
	}
	return out
}
