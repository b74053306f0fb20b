package biblio

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
)

// ParseCSLJSON reads a CSL-JSON export (an array of items, or one item),
// as Zotero, Better CSL JSON, Mendeley and citeproc tools write it. Item
// fields map to Ref as follows:
//
//	Key        citation-key (Better BibTeX), else id, as written
//	Type       the BibTeX type for the CSL type (see cslTypes; others misc)
//	Title      title, with Zotero's rich-text tags (<i>, <sup> …) removed
//	Authors    author, else editor: family/given (particles join the
//	           family name), or literal as a family name
//	Year       issued: date-parts, else raw, else literal
//	Venue      container-title
//	Volume, Number (issue), Pages (page, dashes made en dashes: "1–10"),
//	Publisher, DOI (bare), URL
//
// CSL-JSON links no files, so Files is empty. Fields that should be
// strings may be numbers ("volume": 12) or, as in some exports, arrays of
// strings (the first is used). Invalid JSON is an error naming the line and
// column: "biblio: refs.json:3:14: …".
func ParseCSLJSON(r io.Reader) ([]Entry, error) {
	where := orDefault(sourceName(r), "CSL-JSON")
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("biblio: %s: %w", where, err)
	}
	data = bytes.TrimPrefix(data, []byte{0xEF, 0xBB, 0xBF})
	trimmed := bytes.TrimLeft(data, " \t\r\n")
	if len(trimmed) == 0 {
		return nil, fmt.Errorf("biblio: %s: empty; want a CSL-JSON array of items", where)
	}
	if trimmed[0] != '[' && trimmed[0] != '{' {
		return nil, jsonError(where, data, len(data)-len(trimmed),
			fmt.Errorf("want a CSL-JSON array of items or one item, found %q", trimmed[:1]))
	}
	// Syntax first, on the whole input, where offsets are plain.
	if !json.Valid(data) {
		var v any
		err := json.Unmarshal(data, &v)
		var syn *json.SyntaxError
		if errors.As(err, &syn) {
			return nil, jsonError(where, data, int(syn.Offset)-1, err)
		}
		return nil, fmt.Errorf("biblio: %s: invalid CSL-JSON: %w", where, err)
	}
	// Then the items one by one, to say which one does not fit.
	dec := json.NewDecoder(bytes.NewReader(data))
	var items []cslItem
	if trimmed[0] == '{' {
		var it cslItem
		if err := dec.Decode(&it); err != nil {
			return nil, typeError(where, data, 0, err)
		}
		items = append(items, it)
	} else {
		if _, err := dec.Token(); err != nil {
			return nil, fmt.Errorf("biblio: %s: invalid CSL-JSON: %w", where, err)
		}
		for n := 1; dec.More(); n++ {
			start := dec.InputOffset()
			var it cslItem
			if err := dec.Decode(&it); err != nil {
				return nil, typeError(where, data, start, fmt.Errorf("item %d: %w", n, err))
			}
			items = append(items, it)
		}
	}
	entries := make([]Entry, len(items))
	for i, it := range items {
		entries[i] = Entry{Ref: it.ref()}
	}
	return entries, nil
}

// jsonError names the line and column of data[off] in an error.
func jsonError(where string, data []byte, off int, err error) error {
	off = min(max(off, 0), len(data))
	line := 1 + bytes.Count(data[:off], []byte("\n"))
	col := off - bytes.LastIndexByte(data[:off], '\n')
	return fmt.Errorf("biblio: %s:%d:%d: invalid CSL-JSON: %w", where, line, col, err)
}

// typeError places an error decoding the value that starts at start: a
// type error carries its offset in that value (where the value that does
// not fit ends).
func typeError(where string, data []byte, start int64, err error) error {
	off := start
	var typ *json.UnmarshalTypeError
	if errors.As(err, &typ) {
		off += typ.Offset
	}
	return jsonError(where, data, int(off), err)
}

// cslItem is the part of a CSL-JSON item that Ref holds.
type cslItem struct {
	ID             flexString `json:"id"`
	CitationKey    flexString `json:"citation-key"`
	Type           flexString `json:"type"`
	Title          flexString `json:"title"`
	Author         []cslName  `json:"author"`
	Editor         []cslName  `json:"editor"`
	Issued         cslDate    `json:"issued"`
	ContainerTitle flexString `json:"container-title"`
	Volume         flexString `json:"volume"`
	Issue          flexString `json:"issue"`
	Page           flexString `json:"page"`
	Publisher      flexString `json:"publisher"`
	DOI            flexString `json:"DOI"`
	URL            flexString `json:"URL"`
}

type cslName struct {
	Family              flexString `json:"family"`
	Given               flexString `json:"given"`
	Literal             flexString `json:"literal"`
	Suffix              flexString `json:"suffix"`
	DroppingParticle    flexString `json:"dropping-particle"`
	NonDroppingParticle flexString `json:"non-dropping-particle"`
}

// cslTypes maps CSL item types to BibTeX entry types.
var cslTypes = map[string]string{
	"article-journal": "article", "article-magazine": "article",
	"article-newspaper": "article", "article": "article",
	"paper-conference": "inproceedings", "book": "book",
	"chapter": "incollection", "thesis": "phdthesis", "report": "techreport",
}

// richText finds the HTML-like tags CSL allows in titles.
var richText = regexp.MustCompile(`</?(?:i|b|sup|sub|sc|span)(?:\s[^>]*)?>`)

func (it cslItem) ref() Ref {
	r := Ref{
		Key:       collapseSpace(string(it.CitationKey)),
		Title:     collapseSpace(richText.ReplaceAllString(string(it.Title), "")),
		Year:      it.Issued.year(),
		Venue:     collapseSpace(richText.ReplaceAllString(string(it.ContainerTitle), "")),
		Volume:    collapseSpace(string(it.Volume)),
		Number:    collapseSpace(string(it.Issue)),
		Pages:     normPages(collapseSpace(string(it.Page))),
		Publisher: collapseSpace(string(it.Publisher)),
		DOI:       cleanDOI(string(it.DOI)),
		URL:       strings.TrimSpace(string(it.URL)),
	}
	if r.Key == "" {
		r.Key = strings.TrimSpace(string(it.ID))
	}
	r.Type = cslTypes[strings.ToLower(strings.TrimSpace(string(it.Type)))]
	if r.Type == "" {
		r.Type = "misc"
	}
	names := it.Author
	if len(names) == 0 {
		names = it.Editor
	}
	for _, n := range names {
		if a, ok := n.author(); ok {
			r.Authors = append(r.Authors, a)
		}
	}
	return r
}

func (n cslName) author() (Author, bool) {
	if lit := collapseSpace(string(n.Literal)); lit != "" {
		return Author{Family: lit}, true
	}
	family := collapseSpace(strings.Join([]string{string(n.DroppingParticle),
		string(n.NonDroppingParticle), string(n.Family)}, " "))
	a := Author{Family: family, Given: collapseSpace(string(n.Given)), Suffix: collapseSpace(string(n.Suffix))}
	if a.Family == "" {
		a.Family, a.Given = a.Given, ""
	}
	return a, a.Family != ""
}

// flexString is a string field that may arrive as a number, as an array
// of strings (the first counts) or as null.
type flexString string

func (f *flexString) UnmarshalJSON(b []byte) error {
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*f = flexString(flexValue(v))
	return nil
}

func flexValue(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case []any:
		for _, e := range v {
			if s := flexValue(e); s != "" {
				return s
			}
		}
	}
	return ""
}

// cslDate is a CSL date: {"date-parts": [[2020, 5, 1]]}, {"raw": "2020"},
// {"literal": "Spring 2020"}, or (outside the schema, but written) a
// string.
type cslDate struct {
	DateParts [][]flexString `json:"date-parts"`
	Raw       flexString     `json:"raw"`
	Literal   flexString     `json:"literal"`
}

func (d *cslDate) UnmarshalJSON(b []byte) error {
	if bytes.HasPrefix(bytes.TrimSpace(b), []byte(`"`)) {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*d = cslDate{Raw: flexString(s)}
		return nil
	}
	type plain cslDate // without this method
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	*d = cslDate(p)
	return nil
}

func (d cslDate) year() int {
	if len(d.DateParts) > 0 && len(d.DateParts[0]) > 0 {
		if y, err := strconv.Atoi(strings.TrimSpace(string(d.DateParts[0][0]))); err == nil && y >= minYear && y <= maxYear {
			return y
		}
	}
	if y := yearIn(string(d.Raw)); y != 0 {
		return y
	}
	return yearIn(string(d.Literal))
}
