package biblio

import (
	"bytes"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/nickng/bibtex"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

// ParseBibTeX reads the entries of a BibTeX or BibLaTeX file, as Zotero,
// Better BibTeX, JabRef, Mendeley or a person write them, with LaTeX
// decoded to UTF-8 (see decodeLaTeX), @string macros and # concatenation
// expanded, and crossref parents' venue fields inherited (see
// inheritCrossref). Fields map to Ref as follows:
//
//	Key        the citation key, as written
//	Type       the entry type, lowercased (article, inproceedings …)
//	Title      title, with a biblatex subtitle appended after ": "
//	Authors    author, else editor (see parseBibNames)
//	Year       year, else biblatex date (2020, 2020-05-01, 2020/2021)
//	Venue      journal, journaltitle or booktitle, the first present
//	Number     number, else issue
//	Pages      pages, with any dash between numbers made an en dash: "1–10"
//	Publisher  publisher, else institution, school or organization
//	DOI        doi, bare (resolver URL and "doi:" removed), else from a doi.org url
//	URL        url, else \url{…} in howpublished
//
// Files are the PDFs the file field links (see parseFileField; JabRef's
// older pdf field too). Text outside entries is a comment, as in BibTeX
// (JabRef's "% Encoding" header, Mendeley's banner); @comment and
// @preamble are skipped. A macro used but never defined stands for its own
// name ("journal = PAMI" reads "PAMI"; BibTeX would warn and leave it
// empty). Input that is not UTF-8 is read as Windows-1252 (Latin-1 .bib
// files of older tools); UTF-16 with a byte-order mark is decoded.
//
// Malformed input (an entry or value not closed, a field with no "=") is
// an error naming the file (when r has a Name method, as *os.File has) and
// the line: "biblio: refs.bib:12: …". No entries are returned then.
//
// ParseBibTeX is safe for concurrent use (the underlying parser is not, so
// calls take turns).
func ParseBibTeX(r io.Reader) ([]Entry, error) {
	where := sourceName(r)
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("biblio: %s: %w", orDefault(where, "reading BibTeX"), err)
	}
	text, err := bibText(data, where)
	if err != nil {
		return nil, err
	}
	prep, err := prepareBibTeX(text, where)
	if err != nil {
		return nil, err
	}
	parsed, err := runBibTeXParser(prep.out.String())
	if err != nil {
		return nil, parserError(where, err)
	}
	raws := make([]rawEntry, 0, len(parsed))
	for _, e := range parsed {
		idx, err := strconv.Atoi(strings.TrimPrefix(e.key, keyPlaceholder))
		if err != nil || idx < 0 || idx >= len(prep.keys) {
			return nil, fmt.Errorf("biblio: %s: the BibTeX parser returned an unknown entry %q", orDefault(where, "BibTeX"), e.key)
		}
		raws = append(raws, rawEntry{typ: e.typ, key: prep.keys[idx], fields: e.fields})
	}
	inheritCrossref(raws)
	entries := make([]Entry, len(raws))
	for i, re := range raws {
		entries[i] = re.entry()
	}
	return entries, nil
}

// sourceName is the name of r for messages: a file's name, or "".
func sourceName(r io.Reader) string {
	if n, ok := r.(interface{ Name() string }); ok {
		return n.Name()
	}
	return ""
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// errorAt formats an error at a line of the named input.
func errorAt(where string, line int, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	if where == "" {
		return fmt.Errorf("biblio: line %d: %s", line, msg)
	}
	return fmt.Errorf("biblio: %s:%d: %s", where, line, msg)
}

// bibText decodes a .bib file's bytes to UTF-8 text (see ParseBibTeX).
func bibText(data []byte, where string) (string, error) {
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		data = data[3:]
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}), bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		dec := unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder()
		u, err := dec.Bytes(data)
		if err != nil {
			return "", fmt.Errorf("biblio: %s: bad UTF-16: %w", orDefault(where, "BibTeX"), err)
		}
		data = u
	}
	if i := bytes.IndexByte(data, 0); i >= 0 {
		return "", errorAt(where, 1+bytes.Count(data[:i], []byte("\n")),
			"NUL byte: this is not a text file (a UTF-16 file without byte-order mark? save it as UTF-8)")
	}
	if !utf8.Valid(data) {
		u, err := charmap.Windows1252.NewDecoder().Bytes(data)
		if err != nil {
			return "", fmt.Errorf("biblio: %s: neither UTF-8 nor Windows-1252: %w", orDefault(where, "BibTeX"), err)
		}
		data = u
	}
	return string(data), nil
}

// The parser, github.com/nickng/bibtex v1.3.0, is used behind a guard
// because of what its source shows:
//   - an undefined macro (month = Jan, journal = PAMI without @string)
//     makes it call log.Fatalf, which exits the process;
//   - its # concatenation keeps only the first piece (the grammar action
//     discards the result of BibComposite.Append);
//   - it keeps its state in package variables (the BibTeX being built and
//     a scanner flag a failed parse can leave set), so calls must not
//     overlap and each starts with a reset;
//   - its scanner refuses "@" in braced values, drops the braces inside
//     quoted ones ("Fran\c{c}ois" would lose the cedilla's argument), takes
//     NUL for the end of input, and knows neither comments outside entries
//     nor @type(…) entries, citation keys with characters beyond
//     letters, digits and -_:./+, nor fields named comment, string or
//     preamble.
//
// prepareBibTeX therefore reads the file's structure itself, expanding
// macros (case-insensitively, as BibTeX does) and # concatenations, and
// hands the parser a plain rewrite, line for line (so that the parser's
// line numbers stay true): entries @type{kN, name = {value}, …} with the
// original key N kept aside, every value one braced string with "@"
// replaced by atMark; text outside entries, @string, @comment and
// @preamble blanked. Malformed input thus gets a message that says what is
// wrong; the parser reads the entries and fields of what remains.
//
// parserMu serialises the parser's use.
var parserMu sync.Mutex

// keyPlaceholder prefixes the index of an entry's real key in the text the
// parser reads.
const keyPlaceholder = "k"

// maxValueLen bounds a value after macro expansion: macros built from
// macros can double at each step, and a file that expands to gigabytes is
// an attack, not a bibliography.
const maxValueLen = 1 << 20

type parsedEntry struct {
	typ, key string
	fields   map[string]string // lowercased name -> value with macros expanded, LaTeX not decoded
}

// runBibTeXParser runs the parser on prepared text and copies out what it
// read, under parserMu and with any panic turned into an error.
func runBibTeXParser(src string) (out []parsedEntry, err error) {
	parserMu.Lock()
	defer parserMu.Unlock()
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, fmt.Errorf("parser failed: %v", r)
		}
	}()
	// A "}" clears the scanner's parseField flag, which a previous parse
	// that stopped inside a field left set; this tiny parse fails, as meant.
	_, _ = bibtex.Parse(strings.NewReader("}"))
	bib, err := bibtex.Parse(strings.NewReader(src))
	if err != nil {
		return nil, err
	}
	for _, e := range bib.Entries {
		p := parsedEntry{typ: e.Type, key: e.CiteName, fields: make(map[string]string, len(e.Fields))}
		for name, v := range e.Fields {
			if v == nil {
				continue
			}
			p.fields[strings.ToLower(name)] = strings.ReplaceAll(v.String(), string(atMark), "@")
		}
		out = append(out, p)
	}
	return out, nil
}

// parserPos finds "line:column" in the parser's messages.
var parserPos = regexp.MustCompile(`(?:at )?(\d+):(\d+):?\s*`)

// parserTokens names the parser's tokens as a reader knows them.
var parserTokens = strings.NewReplacer("tATSIGN", `"@"`, "tCOLON", `":"`, "tEQUAL", `"="`,
	"tCOMMA", `","`, "tPOUND", `"#"`, "tLBRACE", `"{"`, "tRBRACE", `"}"`, "tDQUOTE", `'"'`,
	"tLPAREN", `"("`, "tRPAREN", `")"`, "tBAREIDENT", "name", "tIDENT", "value",
	"tCOMMENTBODY", "comment", "tCOMMENT", "@comment", "tSTRING", "@string",
	"tPREAMBLE", "@preamble", "$end", "end of input", "parse failed ", "")

// parserError turns an error of the parser into one naming the line.
func parserError(where string, err error) error {
	msg := err.Error()
	line := 0
	if m := parserPos.FindStringSubmatchIndex(msg); m != nil {
		line, _ = strconv.Atoi(msg[m[2]:m[3]])
		msg = msg[:m[0]] + msg[m[1]:]
	}
	msg = strings.TrimSpace(parserTokens.Replace(msg))
	if line > 0 {
		return errorAt(where, line, "%s", msg)
	}
	return fmt.Errorf("biblio: %s: %s", orDefault(where, "BibTeX"), msg)
}

// bibPrep rewrites BibTeX for the parser (see the comment on parserMu).
type bibPrep struct {
	src    string
	i      int // next byte of src
	line   int // line of src[i], from 1
	out    strings.Builder
	where  string
	macros map[string]string // defined macros by lowercased name, values raw
	keys   []string          // citation keys, by placeholder index
}

// defaultMacros are BibTeX's predefined macros, the months.
var defaultMacros = map[string]string{"jan": "January", "feb": "February",
	"mar": "March", "apr": "April", "may": "May", "jun": "June", "jul": "July",
	"aug": "August", "sep": "September", "oct": "October", "nov": "November",
	"dec": "December"}

// reservedNames are words the parser's scanner always reads as keywords.
var reservedNames = map[string]bool{"comment": true, "string": true, "preamble": true}

func prepareBibTeX(src, where string) (*bibPrep, error) {
	p := &bibPrep{src: src, line: 1, where: where, macros: map[string]string{}}
	p.out.Grow(len(src))
	for p.i < len(p.src) {
		at := strings.IndexByte(p.src[p.i:], '@')
		if at < 0 {
			p.advance(len(p.src)-p.i, blank)
			break
		}
		p.advance(at, blank)
		if err := p.command(); err != nil {
			return nil, err
		}
	}
	return p, nil
}

func (p *bibPrep) errorf(line int, format string, args ...any) error {
	return errorAt(p.where, line, format, args...)
}

// How advance treats the bytes it moves over.
const (
	blank = iota // write only their newlines (the rest is dropped or rewritten)
	keep         // copy them
)

// advance moves over n bytes of src.
func (p *bibPrep) advance(n int, mode int) {
	s := p.src[p.i : p.i+n]
	nl := strings.Count(s, "\n")
	if mode == keep {
		p.out.WriteString(s)
	} else {
		p.out.WriteString(strings.Repeat("\n", nl))
	}
	p.line += nl
	p.i += n
}

// space copies the white space at p.i.
func (p *bibPrep) space() { p.spaceMode(keep) }

// blankSpace moves over the white space at p.i, writing its newlines.
func (p *bibPrep) blankSpace() { p.spaceMode(blank) }

func (p *bibPrep) spaceMode(mode int) {
	p.advance(p.skipSpace(p.i)-p.i, mode)
}

// skipSpace returns the index of the first byte at or after j that is not
// white space.
func (p *bibPrep) skipSpace(j int) int {
	for j < len(p.src) && isSpaceByte(p.src[j]) {
		j++
	}
	return j
}

func isSpaceByte(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

// charAt returns the character at src[i], for messages.
func (p *bibPrep) charAt(i int) string {
	r, _ := utf8.DecodeRuneInString(p.src[i:])
	return string(r)
}

func (p *bibPrep) peek() (byte, bool) {
	if p.i >= len(p.src) {
		return 0, false
	}
	return p.src[p.i], true
}

// command reads what starts at the "@" at p.i.
func (p *bibPrep) command() error {
	startLine := p.line
	j := p.skipSpace(p.i + 1)
	k := j
	for k < len(p.src) && (isASCIILetter(p.src[k]) || k > j && (isDigitByte(p.src[k]) || p.src[k] == '_' || p.src[k] == '-')) {
		k++
	}
	typ := p.src[j:k]
	m := p.skipSpace(k)
	if typ == "" || m >= len(p.src) || p.src[m] != '{' && p.src[m] != '(' {
		p.advance(1, blank) // an "@" in comment text
		return nil
	}
	closer := byte('}')
	if p.src[m] == '(' {
		closer = ')'
	}
	p.advance(m+1-p.i, blank)
	switch strings.ToLower(typ) {
	case "comment":
		if !p.skipBlock(closer) {
			// BibTeX reads an unclosed @comment's text as comment anyway.
			end := strings.IndexByte(p.src[p.i:], '\n')
			if end < 0 {
				end = len(p.src) - p.i
			}
			p.advance(end, blank)
		}
		return nil
	case "preamble":
		if !p.skipBlock(closer) {
			return p.errorf(startLine, "@preamble is not closed (a %q is missing)", string(closer))
		}
		return nil
	case "string":
		return p.stringDef(closer, startLine)
	default:
		p.out.WriteString("@" + typ + "{")
		return p.entry(closer, startLine)
	}
}

// skipBlock blanks up to and including the closer of the block whose
// opener was just read; false (and nothing skipped) when it is not closed.
func (p *bibPrep) skipBlock(closer byte) bool {
	depth := 0
	for j := p.i; j < len(p.src); j++ {
		switch c := p.src[j]; {
		case c == '{':
			depth++
		case c == '}' && depth > 0:
			depth--
		case c == closer && depth == 0:
			p.advance(j+1-p.i, blank)
			return true
		}
	}
	return false
}

// stringDef reads the rest of "@string{name = value}" and defines the
// macro; the parser is not shown it.
func (p *bibPrep) stringDef(closer byte, startLine int) error {
	p.blankSpace()
	name := p.word()
	if name == "" {
		return p.errorf(p.line, "@string: expected a macro name")
	}
	lname := strings.ToLower(name)
	if !isASCIILetter(name[0]) {
		return p.errorf(p.line, "@string: %q cannot be a macro name (it must start with a letter)", name)
	}
	p.blankSpace()
	if c, _ := p.peek(); c != '=' {
		return p.errorf(p.line, "@string{%s …}: expected \"=\" after the name", name)
	}
	p.advance(1, blank)
	v, err := p.value(closer, "@string "+name, startLine)
	if err != nil {
		return err
	}
	p.blankSpace()
	if c, _ := p.peek(); c == ',' {
		p.advance(1, blank)
		p.blankSpace()
	}
	if c, ok := p.peek(); !ok || c != closer {
		return p.errorf(startLine, "@string{%s …} is not closed (a %q is missing)", name, string(closer))
	}
	p.advance(1, blank)
	p.macros[lname] = v
	return nil
}

// entry reads the rest of an entry: "key, name = value, … }".
func (p *bibPrep) entry(closer byte, startLine int) error {
	p.space()
	// The key runs to the comma. If "=" comes first, the key is missing and
	// what was read is the first field's name.
	j := p.i
	for j < len(p.src) && !isSpaceByte(p.src[j]) && strings.IndexByte(`,={}"#`, p.src[j]) < 0 && p.src[j] != closer {
		j++
	}
	k := p.skipSpace(j)
	key := p.src[p.i:j]
	label := fmt.Sprintf("entry %q", key)
	switch {
	case k >= len(p.src):
		return p.errorf(startLine, "%s is not closed (a %q is missing)", label, string(closer))
	case p.src[k] == '=':
		key, label = "", fmt.Sprintf("the entry starting at line %d (no citation key)", startLine)
	case p.src[k] == ',':
		p.advance(j-p.i, blank)
		p.space()
		p.advance(1, blank)
	case p.src[k] == closer:
		p.advance(j-p.i, blank)
		p.space()
	default:
		return p.errorf(p.line, "%s: expected \",\" after the citation key, found %q", label, p.charAt(k))
	}
	fmt.Fprintf(&p.out, "%s%d,", keyPlaceholder, len(p.keys))
	p.keys = append(p.keys, key)
	for {
		for {
			p.space()
			if c, _ := p.peek(); c != ',' {
				break
			}
			p.advance(1, blank)
		}
		c, ok := p.peek()
		switch {
		case !ok:
			return p.errorf(startLine, "%s is not closed (a %q is missing)", label, string(closer))
		case c == closer:
			p.advance(1, blank)
			p.out.WriteString("}")
			return nil
		}
		line := p.line
		name := p.word()
		if name == "" {
			return p.errorf(line, "%s: unexpected %q where a field name should be", label, p.charAt(p.i))
		}
		if !validBareName(name) {
			return p.errorf(line, "%s: %q cannot be a field name (letters, digits and -_:./+)", label, name)
		}
		p.space()
		if c, _ := p.peek(); c != '=' {
			return p.errorf(line, "%s: field %q has no \"=\"", label, name)
		}
		p.advance(1, blank)
		if reservedNames[strings.ToLower(name)] {
			name = "x-" + name // a JabRef "comment" field; unused here
		}
		v, err := p.value(closer, fmt.Sprintf("%s: field %q", label, name), startLine)
		if err != nil {
			return err
		}
		// The value's newlines were written as it was read; the field goes
		// on the value's last line.
		p.out.WriteString(name + " = {" + protectAt(strings.ReplaceAll(v, "\n", " ")) + "},")
	}
}

// value reads a field value, pieces ({…}, "…", a number or a macro)
// joined by #, and returns it with macros expanded and pieces joined (raw:
// braces and LaTeX kept). Of the source it moves over, only the newlines
// are written.
func (p *bibPrep) value(closer byte, what string, startLine int) (string, error) {
	var v strings.Builder
	for {
		p.blankSpace()
		c, ok := p.peek()
		if !ok {
			return "", p.errorf(startLine, "%s: the value is missing and the entry is not closed", what)
		}
		line := p.line
		switch {
		case c == '{' || c == '"':
			end, err := p.delimited(c == '"')
			if err != nil {
				return "", p.errorf(line, "%s: %v", what, err)
			}
			v.WriteString(p.src[p.i+1 : end])
			p.advance(end+1-p.i, blank)
		case c != closer && c != ',' && c != '#' && c != '=' && c != '}':
			w := p.word()
			if w == "" {
				return "", p.errorf(line, "%s: unexpected %q", what, p.charAt(p.i))
			}
			v.WriteString(p.bareValue(w))
		default:
			return "", p.errorf(line, "%s: the value is missing", what)
		}
		if v.Len() > maxValueLen {
			return "", p.errorf(line, "%s: the value is longer than %d bytes (after macro expansion)", what, maxValueLen)
		}
		p.blankSpace()
		if c, _ := p.peek(); c != '#' {
			return v.String(), nil
		}
		p.advance(1, blank)
	}
}

// bareValue is the text of an unquoted word: a number as is, a macro its
// value, an undefined macro its own name.
func (p *bibPrep) bareValue(w string) string {
	lw := strings.ToLower(w)
	if v, ok := p.macros[lw]; ok {
		return v
	}
	if v, ok := defaultMacros[lw]; ok {
		return v
	}
	return w
}

// delimited finds the end of the braced or quoted value at p.i: the index
// of its closing brace or quote. Braces inside must balance.
func (p *bibPrep) delimited(quoted bool) (int, error) {
	depth := 0
	if !quoted {
		depth = 1
	}
	for j := p.i + 1; j < len(p.src); j++ {
		switch p.src[j] {
		case '{':
			depth++
		case '}':
			depth--
			if depth < 0 {
				return 0, fmt.Errorf("a \"}\" without its \"{\" in the quoted value")
			}
			if depth == 0 && !quoted {
				return j, nil
			}
		case '"':
			if quoted && depth == 0 {
				return j, nil
			}
		}
	}
	if quoted {
		return 0, fmt.Errorf("the quoted value is not closed (a '\"' or a \"}\" is missing)")
	}
	return 0, fmt.Errorf("the braced value is not closed (a \"}\" is missing)")
}

// word reads a run of bytes up to white space or BibTeX punctuation.
func (p *bibPrep) word() string {
	j := p.i
	for j < len(p.src) && !isSpaceByte(p.src[j]) && strings.IndexByte(`,={}"#()`, p.src[j]) < 0 {
		j++
	}
	w := p.src[p.i:j]
	p.advance(j-p.i, blank)
	return w
}

// validBareName tells whether the parser's scanner reads w as one name:
// a letter or digit, then letters, digits and -_:./+.
func validBareName(w string) bool {
	if w == "" || !isASCIILetter(w[0]) && !isDigitByte(w[0]) {
		return false
	}
	for i := 0; i < len(w); i++ {
		if c := w[i]; !isASCIILetter(c) && !isDigitByte(c) && strings.IndexByte("-_:./+", c) < 0 {
			return false
		}
	}
	return true
}

func protectAt(s string) string { return strings.ReplaceAll(s, "@", string(atMark)) }

// rawEntry is an entry as read, before its fields are decoded.
type rawEntry struct {
	typ, key string
	fields   map[string]string
}

// inheritedFields are what an entry takes from its crossref parent when it
// lacks them: the venue's fields, as BibTeX copies them. The paper's own
// fields (title, author, pages, doi, url, file) are not inherited: the
// parent's would be wrong.
var inheritedFields = []string{"booktitle", "journal", "journaltitle", "year", "date",
	"publisher", "institution", "organization", "school", "volume", "number", "issue",
	"editor", "series", "address", "location"}

// inheritCrossref fills the fields an entry lacks from the entry its
// crossref field names; the parent's title becomes the booktitle, as in
// biblatex (and in BibTeX styles when the parent is a proceedings).
func inheritCrossref(es []rawEntry) {
	byKey := make(map[string]int, len(es))
	for i, e := range es {
		if _, dup := byKey[strings.ToLower(e.key)]; !dup && e.key != "" {
			byKey[strings.ToLower(e.key)] = i
		}
	}
	for i := range es {
		ref := strings.ToLower(strings.TrimSpace(es[i].fields["crossref"]))
		pi, ok := byKey[ref]
		if ref == "" || !ok || pi == i {
			continue
		}
		parent, child := es[pi].fields, es[i].fields
		for _, f := range inheritedFields {
			if v, ok := parent[f]; ok && strings.TrimSpace(child[f]) == "" {
				child[f] = v
			}
		}
		if strings.TrimSpace(child["booktitle"]) == "" && strings.TrimSpace(child["journal"]) == "" &&
			strings.TrimSpace(child["journaltitle"]) == "" && strings.TrimSpace(parent["title"]) != "" {
			child["booktitle"] = parent["title"]
		}
	}
}

// urlCommand finds \url{…} (in howpublished, or wrapping a url field).
var urlCommand = regexp.MustCompile(`\\url\s*\{([^{}]*)\}`)

// entry maps the raw fields to an Entry (see ParseBibTeX).
func (e rawEntry) entry() Entry {
	get := func(names ...string) string {
		for _, n := range names {
			if v := strings.TrimSpace(e.fields[n]); v != "" {
				return v
			}
		}
		return ""
	}
	r := Ref{Key: e.key, Type: strings.ToLower(e.typ)}
	r.Title = decodeLaTeX(get("title"))
	if sub := decodeLaTeX(get("subtitle")); sub != "" {
		r.Title = joinSubtitle(r.Title, sub)
	}
	r.Authors = parseBibNames(get("author", "editor"))
	r.Year = yearIn(get("year"))
	if r.Year == 0 {
		r.Year = yearIn(get("date"))
	}
	r.Venue = decodeLaTeX(get("journal", "journaltitle", "booktitle"))
	r.Volume = decodeLaTeX(get("volume"))
	r.Number = decodeLaTeX(get("number", "issue"))
	r.Pages = normPages(decodeLaTeX(get("pages")))
	r.Publisher = decodeLaTeX(get("publisher", "institution", "school", "organization"))
	r.DOI = cleanDOI(get("doi"))
	r.URL = cleanURL(get("url"))
	if r.URL == "" {
		if m := urlCommand.FindStringSubmatch(get("howpublished")); m != nil {
			r.URL = cleanURL(m[1])
		}
	}
	if r.DOI == "" && strings.Contains(strings.ToLower(r.URL), "doi.org/") {
		r.DOI = cleanDOI(r.URL)
		if !strings.HasPrefix(r.DOI, "10.") {
			r.DOI = ""
		}
	}
	files := parseFileField(get("file"))
	if len(files) == 0 {
		files = parseFileField(get("pdf"))
	}
	return Entry{Ref: r, Files: files}
}

// joinSubtitle appends a subtitle after ": ", or after a space when the
// title already ends in punctuation.
func joinSubtitle(title, sub string) string {
	if title == "" {
		return sub
	}
	if last, _ := utf8.DecodeLastRuneInString(title); strings.ContainsRune(":?!.", last) {
		return title + " " + sub
	}
	return title + ": " + sub
}

// cleanURL undoes LaTeX escapes and \url{…} in a URL field.
func cleanURL(s string) string {
	if m := urlCommand.FindStringSubmatch(s); m != nil {
		s = m[1]
	}
	return strings.TrimSpace(unescapeFilePart(s))
}
