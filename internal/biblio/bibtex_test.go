package biblio

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"testing/iotest"
)

func TestParseBibTeXLibrary(t *testing.T) {
	f, err := os.Open("testdata/library.bib")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, err := ParseBibTeX(f)
	if err != nil {
		t.Fatal(err)
	}
	want := []Entry{
		{Ref: Ref{Key: "okafor2021tidal", Type: "article",
			Title: "Tidal Mixing Controls Nitrate Supply to Coastal Diatom Blooms",
			Authors: []Author{{Family: "Okafor", Given: "Chidinma A."}, {Family: "Lindqvist", Given: "Henrik"},
				{Family: "Álvarez-Ruiz", Given: "María"}},
			Year: 2021, Venue: "Journal of Coastal Biogeochemistry", Volume: "14", Number: "3", Pages: "211–229",
			Publisher: "Example Academic Press", DOI: "10.5555/jcb.2021.0143", URL: "https://example.org/jcb/2021/0143"},
			Files: []string{"/home/ana/Zotero/storage/7QX2ZK4M/Okafor et al. - 2021 - Tidal Mixing Controls Nitrate Supply.pdf"}},
		{Ref: Ref{Key: "muller2019sparse", Type: "inproceedings",
			Title: "Sparse Attention for Long-Range Weather Forecasts",
			Authors: []Author{{Family: "Müller", Given: "Jörg"}, {Family: "van der Berg", Given: "Anneke"},
				{Family: "Nguyễn", Given: "Thị Lan"}},
			Year: 2019, Venue: "Proceedings of the 7th Workshop on Machine Learning for Climate", Pages: "45–53",
			Publisher: "Example Workshop Series", DOI: "10.5555/mlclim.2019.7"},
			Files: []string{"/home/ana/Zotero/storage/Q8R2LM3N/Müller et al. - 2019 - Sparse Attention.pdf"}},
		{Ref: Ref{Key: "worldsoil2020status", Type: "book",
			Title:   "Status of the World's Soil Carbon: 2020 Edition",
			Authors: []Author{{Family: "World Soil Observatory"}},
			Year:    2020, Publisher: "Example Open Books", URL: "https://example.org/soil-status-2020"},
			Files: []string{"/home/ana/Zotero/storage/ZZ4K8WQ2/status.pdf"}},
		{Ref: Ref{Key: "dasilva2018lichen", Type: "phdthesis",
			Title:   "Lichen Communities on Urban Trees: A Fifty-Year Resurvey",
			Authors: []Author{{Family: "da Silva", Given: "Beatriz"}},
			Year:    2018, Publisher: "Universidade Exemplar"},
			Files: []string{"/home/ana/Zotero/storage/P2K4X7TB/da Silva - 2018 - Lichen Communities.pdf"}},
		{Ref: Ref{Key: "hale2017methods", Type: "incollection",
			Title:   "Methods for Counting Seabirds from Drone Imagery",
			Authors: []Author{{Family: "Hale", Given: "Robert", Suffix: "Jr."}, {Family: "O'Donnell", Given: "Siobhán"}},
			Year:    2017, Venue: "Field Methods in Marine Ecology", Pages: "101–118",
			Publisher: "Example University Press", DOI: "10.5555/fmme.2017.ch6"}},
		{Ref: Ref{Key: "petrov2022dataset", Type: "misc",
			Title:   "A Dataset of 40 000 Annotated Leaf Scans",
			Authors: []Author{{Family: "Petrov", Given: "Ivan"}},
			Year:    2022, URL: "https://example.org/data/leaf-scans"}},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d entries, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Errorf("entry %d:\n got %+v\nwant %+v", i, got[i], want[i])
		}
	}
}

// parseOne parses src and returns its only entry.
func parseOne(t *testing.T, src string) Entry {
	t.Helper()
	es, err := ParseBibTeX(strings.NewReader(src))
	if err != nil {
		t.Fatalf("ParseBibTeX(%q): %v", src, err)
	}
	if len(es) != 1 {
		t.Fatalf("ParseBibTeX(%q): %d entries, want 1: %+v", src, len(es), es)
	}
	return es[0]
}

func TestParseBibTeXFields(t *testing.T) {
	tests := []struct {
		name, src string
		want      Ref
	}{
		{"type lowercased, key kept", `@ARTICLE{Smith:2020_Deep-Nets, title={T}}`,
			Ref{Key: "Smith:2020_Deep-Nets", Type: "article", Title: "T"}},
		{"key with characters the parser refuses", `@article{o'brien&co+2020, title={T}}`,
			Ref{Key: "o'brien&co+2020", Type: "article", Title: "T"}},
		{"no key", `@misc{title = {Keyless}, year = 2001}`,
			Ref{Type: "misc", Title: "Keyless", Year: 2001}},
		{"no fields", `@misc{lonely}`, Ref{Key: "lonely", Type: "misc"}},
		{"no fields, trailing comma", `@misc{lonely,}`, Ref{Key: "lonely", Type: "misc"}},
		{"parentheses", `@article(paren2020, title = "In Parentheses", year = 2020)`,
			Ref{Key: "paren2020", Type: "article", Title: "In Parentheses", Year: 2020}},
		{"field names in any case", `@article{k, TITLE = {Upper}, Year = {1999}}`,
			Ref{Key: "k", Type: "article", Title: "Upper", Year: 1999}},
		{"quoted values keep their braces' meaning", `@article{k, title = "Fran\c{c}ois and {\"O}zil: {DNA}"}`,
			Ref{Key: "k", Type: "article", Title: "François and Özil: DNA"}},
		{"year from date", `@article{k, date = {2020-05-01}}`, Ref{Key: "k", Type: "article", Year: 2020}},
		{"year from date range", `@article{k, date = {2020/2021}}`, Ref{Key: "k", Type: "article", Year: 2020}},
		{"year wins over date", `@article{k, year = {2019}, date = {2020-01-01}}`, Ref{Key: "k", Type: "article", Year: 2019}},
		{"year in words", `@article{k, year = {circa 1850}}`, Ref{Key: "k", Type: "article", Year: 1850}},
		{"no year", `@article{k, year = {in press}}`, Ref{Key: "k", Type: "article"}},
		{"journal first", `@article{k, booktitle = {B}, journaltitle = {JT}, journal = {J}}`, Ref{Key: "k", Type: "article", Venue: "J"}},
		{"journaltitle", `@article{k, journaltitle = {JT}, booktitle = {B}}`, Ref{Key: "k", Type: "article", Venue: "JT"}},
		{"booktitle", `@inproceedings{k, booktitle = {Proc. of {X}}}`, Ref{Key: "k", Type: "inproceedings", Venue: "Proc. of X"}},
		{"issue", `@article{k, issue = {4}}`, Ref{Key: "k", Type: "article", Number: "4"}},
		{"number wins", `@article{k, issue = {4}, number = {5}}`, Ref{Key: "k", Type: "article", Number: "5"}},
		{"pages en dash", `@article{k, pages = {1--10}}`, Ref{Key: "k", Type: "article", Pages: "1–10"}},
		{"pages hyphen", `@article{k, pages = {1-10}}`, Ref{Key: "k", Type: "article", Pages: "1–10"}},
		{"pages spaced", `@article{k, pages = {e101 -- e110}}`, Ref{Key: "k", Type: "article", Pages: "e101–e110"}},
		{"pages single", `@article{k, pages = 42}`, Ref{Key: "k", Type: "article", Pages: "42"}},
		{"institution as publisher", `@techreport{k, institution = {Lab}}`, Ref{Key: "k", Type: "techreport", Publisher: "Lab"}},
		{"publisher wins", `@techreport{k, institution = {Lab}, publisher = {Pub}}`, Ref{Key: "k", Type: "techreport", Publisher: "Pub"}},
		{"doi url prefix", `@article{k, doi = {https://doi.org/10.5555/abc.1}}`, Ref{Key: "k", Type: "article", DOI: "10.5555/abc.1"}},
		{"doi dx prefix", `@article{k, doi = {http://dx.doi.org/10.5555/abc.1}}`, Ref{Key: "k", Type: "article", DOI: "10.5555/abc.1"}},
		{"doi: prefix", `@article{k, doi = {doi:10.5555/abc.1}}`, Ref{Key: "k", Type: "article", DOI: "10.5555/abc.1"}},
		{"doi escaped", `@article{k, doi = {10.5555/abc\_1}}`, Ref{Key: "k", Type: "article", DOI: "10.5555/abc_1"}},
		{"doi garbage kept", `@article{k, doi = {pending}}`, Ref{Key: "k", Type: "article", DOI: "pending"}},
		{"doi from url", `@article{k, url = {https://doi.org/10.5555/xyz}}`,
			Ref{Key: "k", Type: "article", DOI: "10.5555/xyz", URL: "https://doi.org/10.5555/xyz"}},
		{"url escaped", `@misc{k, url = {https://example.org/a\_b\%20c}}`, Ref{Key: "k", Type: "misc", URL: "https://example.org/a_b%20c"}},
		{"url wrapped", `@misc{k, url = {\url{https://example.org/x}}}`, Ref{Key: "k", Type: "misc", URL: "https://example.org/x"}},
		{"url from howpublished", `@misc{k, howpublished = {Online at \url{https://example.org/y}}}`,
			Ref{Key: "k", Type: "misc", URL: "https://example.org/y"}},
		{"at sign in braces", `@misc{k, url = {https://example.org/@someone}, note = {mail a@b.org}}`,
			Ref{Key: "k", Type: "misc", URL: "https://example.org/@someone"}},
		{"subtitle", `@book{k, title = {Main}, subtitle = {And More}}`, Ref{Key: "k", Type: "book", Title: "Main: And More"}},
		{"subtitle after question", `@book{k, title = {Why?}, subtitle = {Because}}`, Ref{Key: "k", Type: "book", Title: "Why? Because"}},
		{"editor when no author", `@book{k, editor = {Doe, Jane}}`, Ref{Key: "k", Type: "book", Authors: []Author{{Family: "Doe", Given: "Jane"}}}},
		{"author wins over editor", `@book{k, author = {Roe, R.}, editor = {Doe, Jane}}`, Ref{Key: "k", Type: "book", Authors: []Author{{Family: "Roe", Given: "R."}}}},
		{"field named comment", `@article{k, comment = {jabref note}, title = {T}}`, Ref{Key: "k", Type: "article", Title: "T"}},
		{"biblatex entry", `@online{k, author = {Lee, Min}, title = {Web Page}, date = {2021-07}, url = {https://example.org}, urldate = {2022-01-01}}`,
			Ref{Key: "k", Type: "online", Authors: []Author{{Family: "Lee", Given: "Min"}}, Title: "Web Page", Year: 2021, URL: "https://example.org"}},
	}
	for _, tt := range tests {
		got := parseOne(t, tt.src)
		if !reflect.DeepEqual(got.Ref, tt.want) {
			t.Errorf("%s:\n got %+v\nwant %+v", tt.name, got.Ref, tt.want)
		}
	}
}

func TestParseBibTeXMacros(t *testing.T) {
	tests := []struct {
		name, src string
		want      Ref
	}{
		{"macro", "@string{ieee = {IEEE Press}}\n@book{k, publisher = ieee}",
			Ref{Key: "k", Type: "book", Publisher: "IEEE Press"}},
		{"macros are case-insensitive", "@STRING{IEEE = \"IEEE Press\"}\n@book{k, publisher = Ieee}",
			Ref{Key: "k", Type: "book", Publisher: "IEEE Press"}},
		{"concatenation", "@string{pre = {Journal of }}\n@article{k, journal = pre # {Fake} # \" Studies\"}",
			Ref{Key: "k", Type: "article", Venue: "Journal of Fake Studies"}},
		{"macro built from macros", "@string{a = {Alpha}}\n@string{ab = a # { and Beta}}\n@article{k, journal = ab}",
			Ref{Key: "k", Type: "article", Venue: "Alpha and Beta"}},
		{"paren string", "@string(jx = \"J. X\")\n@article{k, journal = jx}",
			Ref{Key: "k", Type: "article", Venue: "J. X"}},
		{"undefined macro reads as its name", "@article{k, journal = PAMI, year = 2001}",
			Ref{Key: "k", Type: "article", Venue: "PAMI", Year: 2001}},
		{"macro used before its definition", "@article{k, journal = later}\n@string{later = {Later}}",
			Ref{Key: "k", Type: "article", Venue: "later"}},
		{"self reference", "@string{loop = loop # {x}}\n@article{k, journal = loop}",
			Ref{Key: "k", Type: "article", Venue: "loopx"}},
		{"month macros in any case", "@article{k, month = Jan, year = 2020, title = mar # { } # dec}",
			Ref{Key: "k", Type: "article", Year: 2020, Title: "March December"}},
		{"macro names are any word", "@string{comment = {C}}\n@string{j-x.y = {J}}\n@article{k, title = comment # j-x.y}",
			Ref{Key: "k", Type: "article", Title: "CJ"}},
		{"macro redefined", "@string{a = {One}}\n@string{A = {Two}}\n@article{k, title = a}",
			Ref{Key: "k", Type: "article", Title: "Two"}},
		{"macro value keeps its markup", "@string{st = {Stra{\\ss}e}}\n@article{k, title = st # { 1}}",
			Ref{Key: "k", Type: "article", Title: "Straße 1"}},
		{"month redefined", "@string{jan = {Januar}}\n@article{k, title = jan}",
			Ref{Key: "k", Type: "article", Title: "Januar"}},
		{"bare number", "@article{k, volume = 12, number = 007}",
			Ref{Key: "k", Type: "article", Volume: "12", Number: "007"}},
		{"huge bare number", "@article{k, volume = 99999999999999999999999}",
			Ref{Key: "k", Type: "article", Volume: "99999999999999999999999"}},
		{"bare word with odd characters", "@article{k, volume = 12a, pages = 3+4}",
			Ref{Key: "k", Type: "article", Volume: "12a", Pages: "3+4"}},
	}
	for _, tt := range tests {
		got := parseOne(t, tt.src)
		if !reflect.DeepEqual(got.Ref, tt.want) {
			t.Errorf("%s:\n got %+v\nwant %+v", tt.name, got.Ref, tt.want)
		}
	}
}

func TestParseBibTeXOutsideEntries(t *testing.T) {
	tests := []struct {
		name, src string
		keys      []string
	}{
		{"empty", "", nil},
		{"only comments", "% nothing here\n", nil},
		{"jabref header and meta",
			"% This file was created with JabRef 5.9.\n% Encoding: UTF-8\n\n@Article{a, title={A}}\n\n@Comment{jabref-meta: databaseType:bibtex;}\n",
			[]string{"a"}},
		{"mendeley banner",
			"Automatically generated by Mendeley Desktop 1.19.8\n---------------------------------------------------------\n\nAny changes to this file will be lost if it is regenerated by Mendeley.\n\nBibTeX export options can be customized via Options -> BibTeX in Mendeley Desktop\n\n@article{b,\nauthor = {Smith, J},\ntitle = {{B}},\n}\n",
			[]string{"b"}},
		{"preamble with unbalanced looking content", "@preamble{ \"\\newcommand{\\noopsort}[1]{} \" }\n@misc{c}", []string{"c"}},
		{"comment with braces", "@comment{ {nested} text }\n@misc{d}", []string{"d"}},
		{"unclosed comment", "@comment{ open\n@misc{e}", []string{"e"}},
		{"at sign in text", "mail me at someone@example.org\n@misc{f}", []string{"f"}},
		{"several", "@misc{g}\n@misc{h,}\n@misc{i, title={I}}", []string{"g", "h", "i"}},
		{"space after at", "@ misc {j, title = {J}}", []string{"j"}},
	}
	for _, tt := range tests {
		es, err := ParseBibTeX(strings.NewReader(tt.src))
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		var keys []string
		for _, e := range es {
			keys = append(keys, e.Ref.Key)
		}
		if !reflect.DeepEqual(keys, tt.keys) {
			t.Errorf("%s: keys %q, want %q", tt.name, keys, tt.keys)
		}
	}
}

func TestParseBibTeXEncodings(t *testing.T) {
	latin1 := []byte("@article{k, title = {Caf\xe9 M\xfcller}}") // é ü in ISO 8859-1
	bom := append([]byte{0xEF, 0xBB, 0xBF}, "@article{k, title = {Caf\u00e9}}"...)
	utf16 := []byte{0xFF, 0xFE}
	for _, r := range "@article{k, title = {Zoë}}" {
		utf16 = append(utf16, byte(r), byte(r>>8))
	}
	tests := []struct {
		name  string
		src   []byte
		title string
	}{
		{"latin-1", latin1, "Café Müller"},
		{"utf-8 bom", bom, "Café"},
		{"utf-16 bom", utf16, "Zoë"},
	}
	for _, tt := range tests {
		es, err := ParseBibTeX(bytes.NewReader(tt.src))
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if len(es) != 1 || es[0].Ref.Title != tt.title {
			t.Errorf("%s: got %+v, want title %q", tt.name, es, tt.title)
		}
	}
}

func TestParseBibTeXFiles(t *testing.T) {
	src := `@article{z, file = {Full Text PDF:files/12/x.pdf:application/pdf;Snapshot:files/13/x.html:text/html}}
@article{j, file = {:C\:\\Users\\ana\\b.pdf:PDF}}
@article{m, file = {:home/ana/Mendeley Desktop/c.pdf:pdf}}
@article{old, pdf = {papers/old.pdf}}
@article{none, title = {No file}}`
	es, err := ParseBibTeX(strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{
		"z":    {"files/12/x.pdf"},
		"j":    {`C:\Users\ana\b.pdf`},
		"m":    {"home/ana/Mendeley Desktop/c.pdf"},
		"old":  {"papers/old.pdf"},
		"none": nil,
	}
	for _, e := range es {
		if !reflect.DeepEqual(e.Files, want[e.Ref.Key]) {
			t.Errorf("%s: files %q, want %q", e.Ref.Key, e.Files, want[e.Ref.Key])
		}
	}
}

func TestParseBibTeXCrossref(t *testing.T) {
	src := `@inproceedings{child, author = {Kim, A.}, title = {Child Paper}, pages = {1--9}, crossref = {Parent}}
@inproceedings{own, title = {Own Venue}, booktitle = {Own Proc.}, crossref = {parent}}
@proceedings{parent, title = {Proceedings of the Example Conference}, year = 2015, publisher = {Example Press},
  doi = {10.5555/parent}, url = {https://example.org/proc}}`
	es, err := ParseBibTeX(strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	want := []Ref{
		{Key: "child", Type: "inproceedings", Title: "Child Paper", Authors: []Author{{Family: "Kim", Given: "A."}},
			Year: 2015, Venue: "Proceedings of the Example Conference", Pages: "1–9", Publisher: "Example Press"},
		{Key: "own", Type: "inproceedings", Title: "Own Venue", Year: 2015, Venue: "Own Proc.", Publisher: "Example Press"},
		{Key: "parent", Type: "proceedings", Title: "Proceedings of the Example Conference", Year: 2015,
			Publisher: "Example Press", DOI: "10.5555/parent", URL: "https://example.org/proc"},
	}
	for i, e := range es {
		if !reflect.DeepEqual(e.Ref, want[i]) {
			t.Errorf("entry %d:\n got %+v\nwant %+v", i, e.Ref, want[i])
		}
	}
}

func TestParseBibTeXErrors(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"entry not closed", "@article{k,\n  title = {T},\n", "biblio: line 1: entry \"k\" is not closed"},
		{"value not closed", "@article{k,\n  title = {T,\n  year = 2020\n", "line 2: entry \"k\": field \"title\": the braced value is not closed"},
		{"value closed by the entry brace", "@article{k,\n  title = {T,\n  year = 2020\n}\n", "line 1: entry \"k\" is not closed"},
		{"quoted value not closed", "@article{k,\n\n  title = \"T\n", "line 3: entry \"k\": field \"title\": the quoted value is not closed"},
		{"brace closing a quoted value", "@article{k,\n\n  title = \"T\n}", "line 3: entry \"k\": field \"title\": a \"}\" without its \"{\""},
		{"stray closing brace in quotes", "@article{k, title = \"a}b\"}", "a \"}\" without its \"{\""},
		{"no equals", "@article{k,\n  title {T}\n}", "line 2: entry \"k\": field \"title\" has no \"=\""},
		{"missing value", "@article{k, title = , year = 2020}", "field \"title\": the value is missing"},
		{"missing value at end", "@article{k, title = }", "field \"title\": the value is missing"},
		{"bad field name", "@article{k, tit$le = {T}}", "\"tit$le\" cannot be a field name"},
		{"junk where a field name should be", "@article{k, {T}}", "unexpected \"{\" where a field name should be"},
		{"key without comma", "@article{k title = {T}}", "expected \",\" after the citation key"},
		{"preamble not closed", "\n@preamble{\"x\"\n", "line 2: @preamble is not closed"},
		{"string not closed", "@string{a = {A}\n@misc{k}", "@string{a …} is not closed"},
		{"string without name", "@string{ = {A}}", "@string: expected a macro name"},
		{"string bad name", "@string{9lives = {A}}", "cannot be a macro name"},
		{"string no equals", "@string{a {A}}", "expected \"=\" after the name"},
		{"expansion bomb", bomb(), "after macro expansion"},
		{"nul byte", "@article{k,\n title = {a\x00b}}", "line 2: NUL byte"},
		{"unbalanced braces in entry", "@article{k, title = {T}}}\n@article{l, title = {{U}}", "line 2: entry \"l\" is not closed"},
	}
	for _, tt := range tests {
		_, err := ParseBibTeX(strings.NewReader(tt.src))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want one containing %q", tt.name, err, tt.want)
		}
		if err != nil && !strings.HasPrefix(err.Error(), "biblio: ") {
			t.Errorf("%s: error %q lacks the package prefix", tt.name, err)
		}
	}
}

// bomb defines macros that double at each step.
func bomb() string {
	var b strings.Builder
	b.WriteString("@string{m0 = {xxxxxxxx}}\n")
	for i := 1; i <= 30; i++ {
		fmt.Fprintf(&b, "@string{m%d = m%d # m%d}\n", i, i-1, i-1)
	}
	b.WriteString("@misc{k, title = m30}")
	return b.String()
}

func TestParseBibTeXErrorNamesFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "refs.bib")
	if err := os.WriteFile(path, []byte("@article{ok, title = {Fine}}\n\n@article{bad,\n  title {T}\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	_, err = ParseBibTeX(f)
	want := fmt.Sprintf("biblio: %s:4: entry \"bad\": field \"title\" has no \"=\"", path)
	if err == nil || err.Error() != want {
		t.Errorf("error %v, want %q", err, want)
	}
}

func TestParseBibTeXReadError(t *testing.T) {
	boom := errors.New("disk on fire")
	_, err := ParseBibTeX(iotest.ErrReader(boom))
	if !errors.Is(err, boom) {
		t.Errorf("error %v, want it to wrap %v", err, boom)
	}
}

// TestParseBibTeXAfterFailure checks that a parse that fails inside a field
// does not spoil the next one (the parser keeps a flag in a package
// variable).
func TestParseBibTeXAfterFailure(t *testing.T) {
	for _, bad := range []string{"@article{k, title = {unclosed", "@article{k, title = ", "@string{x = "} {
		if _, err := ParseBibTeX(strings.NewReader(bad)); err == nil {
			t.Fatalf("ParseBibTeX(%q) succeeded", bad)
		}
		e := parseOne(t, "@article{next, title = {Next}}")
		if e.Ref.Title != "Next" {
			t.Errorf("after %q: %+v", bad, e)
		}
	}
	// And straight through the parser, whose own errors are what the
	// reset is for.
	if _, err := runBibTeXParser("@article{k0, title = {x"); err == nil {
		t.Fatal("the parser accepted an unclosed value")
	}
	out, err := runBibTeXParser("@article{k0, title = {x}}")
	if err != nil || len(out) != 1 || out[0].fields["title"] != "x" {
		t.Errorf("after a failed parse: %+v, %v", out, err)
	}
}

func TestParserError(t *testing.T) {
	_, err := runBibTeXParser("@article{k0,\n\n title = {x}, = }")
	if err == nil {
		t.Fatal("the parser accepted a field without a name")
	}
	got := parserError("refs.bib", err).Error()
	if !strings.HasPrefix(got, "biblio: refs.bib:3: ") || strings.Contains(got, "tEQUAL") {
		t.Errorf("parserError = %q", got)
	}
}

func TestParseBibTeXConcurrent(t *testing.T) {
	src, err := os.ReadFile("testdata/library.bib")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			in := string(src)
			if i%2 == 1 {
				in = "@article{broken, title = {x" // interleave failures
			}
			es, err := ParseBibTeX(strings.NewReader(in))
			switch {
			case i%2 == 1 && err == nil:
				errs <- errors.New("a broken input parsed")
			case i%2 == 0 && err != nil:
				errs <- err
			case i%2 == 0 && len(es) != 6:
				errs <- fmt.Errorf("library: %d entries, want 6", len(es))
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// FuzzParseBibTeX checks that no input makes ParseBibTeX panic or exit
// (the parser it wraps calls log.Fatalf on an undefined macro).
func FuzzParseBibTeX(f *testing.F) {
	seeds := []string{
		"",
		"@article{k, title = {T}, year = 2020}",
		"@string{j = {J}}\n@article{k, journal = j # { X}, month = jan}",
		"@article{k, journal = undefinedmacro}",
		"@article(k, title = \"Q {\\\"o}\")",
		"@comment{x}@preamble{\"y\"}@misc{z}",
		"% header\n@article{k, author = {van Gogh, Vincent and {ACME Inc.} and others}}",
		"@article{k, file = {:C\\:\\\\a\\\\b.pdf:PDF;Full Text:x.pdf:application/pdf}}",
		"@article{k, title = {a@b}, note = \"c@d\"}",
		"@article{k, title = {\\\"{\\'{\\c{",
		"@article{k, title = {x}}}}}",
		"@@@{{{",
		"@article{k, title = 2020a # 12 # jan}",
		"@string{a = {x}}@string{b = a # a}@misc{k, title = b # b}",
		"@misc{title = {no key}}@misc{lonely}",
		"@article{k, date = {2020/2021}, pages = {1--2}, doi = {https://doi.org/10.5555/x}, url = {\\url{u}}}",
		"\xef\xbb\xbf@article{k, title = {Caf\xe9}}",
	}
	for _, s := range seeds {
		f.Add(s)
	}
	// Small seeds only: the fuzzer minimises every new input, and on a
	// seed of kilobytes that takes it most of a short run.
	f.Fuzz(func(t *testing.T, src string) {
		es, err := ParseBibTeX(strings.NewReader(src))
		if err != nil && es != nil {
			t.Errorf("entries and an error: %d, %v", len(es), err)
		}
	})
}
