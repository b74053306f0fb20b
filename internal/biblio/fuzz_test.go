package biblio

import (
	"strings"
	"testing"
)

// The fuzz targets below check that no input makes the readers panic; the
// one for ParseBibTeX is in bibtex_test.go.

func FuzzParseCSLJSON(f *testing.F) {
	for _, s := range []string{`[]`, `{}`, `[{"id": 1, "author": [{"family": "A"}], "issued": {"date-parts": [["2020"]]}}]`,
		`[{"title": ["a", 1], "issued": "2020"}]`, `[{"issued": {"date-parts": [[]]}}]`, `[1, "x", null]`, `[{"a":`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		es, err := ParseCSLJSON(strings.NewReader(s))
		if err != nil && es != nil {
			t.Errorf("entries and an error: %d, %v", len(es), err)
		}
	})
}

func FuzzFromPDFInfo(f *testing.F) {
	f.Add("Microsoft Word - x.doc", "A. Smith; B. Jones", "D:20190312", publisherXMP)
	f.Add("", "", "", xmpWith(`<dc:title><rdf:Alt><rdf:li>T</rdf:li></rdf:Alt></dc:title>`))
	f.Add("doi:10.5555/x", "Smith, J., Jones", "0", "<x:xmpmeta><rdf:li>")
	f.Fuzz(func(t *testing.T, title, author, date, xmp string) {
		_ = FromPDFInfo(map[string]string{"Title": title, "Author": author, "CreationDate": date, "Subject": title}, []byte(xmp))
	})
}

func FuzzFromFirstPage(f *testing.F) {
	for _, s := range []string{plainPage, journalPage, sidebarPage, capsPage, "doi:10.5555/a.\nb", "©"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r := FromFirstPage(s)
		if r.DOI != "" && !strings.HasPrefix(r.DOI, "10.") {
			t.Errorf("DOI %q", r.DOI)
		}
		_ = Key(r, nil)
	})
}
