package biblio

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestParseCSLJSONLibrary(t *testing.T) {
	f, err := os.Open("testdata/library.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, err := ParseCSLJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	want := []Ref{
		{Key: "okafor2021tidal", Type: "article",
			Title: "Tidal mixing controls nitrate supply to coastal Diatom blooms",
			Authors: []Author{{Family: "Okafor", Given: "Chidinma A."}, {Family: "Lindqvist", Given: "Henrik"},
				{Family: "Álvarez-Ruiz", Given: "María"}},
			Year: 2021, Venue: "Journal of Coastal Biogeochemistry", Volume: "14", Number: "3", Pages: "211–229",
			Publisher: "Example Academic Press", DOI: "10.5555/jcb.2021.0143", URL: "https://example.org/jcb/2021/0143"},
		{Key: "muller2019sparse", Type: "inproceedings",
			Title: "Sparse attention for long-range weather forecasts",
			Authors: []Author{{Family: "Müller", Given: "Jörg"}, {Family: "van der Berg", Given: "Anneke"},
				{Family: "Nguyễn", Given: "Thị Lan"}},
			Year: 2019, Venue: "Proceedings of the 7th Workshop on Machine Learning for Climate", Pages: "45–53",
			Publisher: "Example Workshop Series", DOI: "10.5555/mlclim.2019.7"},
		{Key: "worldsoil2020status", Type: "book",
			Title:   "Status of the World's soil carbon: 2020 edition",
			Authors: []Author{{Family: "World Soil Observatory"}},
			Year:    2020, Publisher: "Example Open Books", URL: "https://example.org/soil-status-2020"},
		{Key: "dasilva2018lichen", Type: "phdthesis",
			Title:   "Lichen communities on urban trees: A fifty-year resurvey",
			Authors: []Author{{Family: "da Silva", Given: "Beatriz"}},
			Year:    2018, Publisher: "Universidade Exemplar"},
		{Key: "hale2017methods", Type: "incollection",
			Title:   "Methods for counting seabirds from drone imagery",
			Authors: []Author{{Family: "Hale", Given: "Robert", Suffix: "Jr."}, {Family: "O'Donnell", Given: "Siobhán"}},
			Year:    2017, Venue: "Field methods in marine ecology", Pages: "101–118",
			Publisher: "Example University Press", DOI: "10.5555/fmme.2017.ch6"},
		{Key: "petrov2022dataset", Type: "misc",
			Title:   "A dataset of 40 000 annotated leaf scans",
			Authors: []Author{{Family: "Petrov", Given: "Ivan"}},
			Year:    2022, URL: "https://example.org/data/leaf-scans"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d entries, want %d", len(got), len(want))
	}
	for i := range want {
		if !reflect.DeepEqual(got[i].Ref, want[i]) || got[i].Files != nil {
			t.Errorf("item %d:\n got %+v\nwant %+v", i, got[i], want[i])
		}
	}
}

func TestParseCSLJSONItems(t *testing.T) {
	tests := []struct {
		name, src string
		want      Ref
	}{
		{"one object", `{"id": "a", "type": "book", "title": "T"}`, Ref{Key: "a", Type: "book", Title: "T"}},
		{"numeric id", `[{"id": 42, "title": "T"}]`, Ref{Key: "42", Type: "misc", Title: "T"}},
		{"citation-key wins over id", `[{"id": "http://zotero.org/users/1/items/ABCD", "citation-key": "smith2020"}]`,
			Ref{Key: "smith2020", Type: "misc"}},
		{"zotero uri id kept", `[{"id": "http://zotero.org/users/1/items/ABCD"}]`,
			Ref{Key: "http://zotero.org/users/1/items/ABCD", Type: "misc"}},
		{"type article-magazine", `[{"type": "article-magazine"}]`, Ref{Type: "article"}},
		{"type report", `[{"type": "report"}]`, Ref{Type: "techreport"}},
		{"type unknown", `[{"type": "webpage"}]`, Ref{Type: "misc"}},
		{"type missing", `[{}]`, Ref{Type: "misc"}},
		{"rich text title", `[{"title": "The <i>E. coli</i> <span class=\"nocase\">lac</span> operon<sup>2</sup>"}]`,
			Ref{Type: "misc", Title: "The E. coli lac operon2"}},
		{"numbers as strings", `[{"volume": 12, "issue": 3, "page": 45}]`, Ref{Type: "misc", Volume: "12", Number: "3", Pages: "45"}},
		{"array container-title", `[{"container-title": ["Journal A", "J. A"]}]`, Ref{Type: "misc", Venue: "Journal A"}},
		{"nulls", `[{"title": null, "volume": null, "author": null, "issued": null}]`, Ref{Type: "misc"}},
		{"literal author", `[{"author": [{"literal": "Example Consortium"}]}]`,
			Ref{Type: "misc", Authors: []Author{{Family: "Example Consortium"}}}},
		{"particles", `[{"author": [{"family": "Fontaine", "given": "Jean", "dropping-particle": "de", "non-dropping-particle": "La"}]}]`,
			Ref{Type: "misc", Authors: []Author{{Family: "de La Fontaine", Given: "Jean"}}}},
		{"given only", `[{"author": [{"given": "Plato"}]}]`, Ref{Type: "misc", Authors: []Author{{Family: "Plato"}}}},
		{"empty author dropped", `[{"author": [{}, {"family": "Roe"}]}]`, Ref{Type: "misc", Authors: []Author{{Family: "Roe"}}}},
		{"editor when no author", `[{"editor": [{"family": "Ed", "given": "E."}]}]`,
			Ref{Type: "misc", Authors: []Author{{Family: "Ed", Given: "E."}}}},
		{"date-parts", `[{"issued": {"date-parts": [[2020, 5, 1]]}}]`, Ref{Type: "misc", Year: 2020}},
		{"date-parts as strings", `[{"issued": {"date-parts": [["2020", "5"]]}}]`, Ref{Type: "misc", Year: 2020}},
		{"date range", `[{"issued": {"date-parts": [[2019], [2020]]}}]`, Ref{Type: "misc", Year: 2019}},
		{"raw date", `[{"issued": {"raw": "2020-05-01"}}]`, Ref{Type: "misc", Year: 2020}},
		{"literal date", `[{"issued": {"literal": "Spring 1998"}}]`, Ref{Type: "misc", Year: 1998}},
		{"string date", `[{"issued": "2003"}]`, Ref{Type: "misc", Year: 2003}},
		{"empty date-parts", `[{"issued": {"date-parts": [[]], "raw": "1977"}}]`, Ref{Type: "misc", Year: 1977}},
		{"doi prefix", `[{"DOI": "doi:10.5555/x"}]`, Ref{Type: "misc", DOI: "10.5555/x"}},
		{"lowercase keys", `[{"doi": "10.5555/y", "url": "https://example.org"}]`,
			Ref{Type: "misc", DOI: "10.5555/y", URL: "https://example.org"}},
		{"page range", `[{"page": "e1001-e1010"}]`, Ref{Type: "misc", Pages: "e1001–e1010"}},
		{"unknown fields ignored", `[{"note": "x", "custom": {"a": [1, 2]}, "title": "T"}]`, Ref{Type: "misc", Title: "T"}},
	}
	for _, tt := range tests {
		es, err := ParseCSLJSON(strings.NewReader(tt.src))
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if len(es) != 1 || !reflect.DeepEqual(es[0].Ref, tt.want) {
			t.Errorf("%s:\n got %+v\nwant %+v", tt.name, es, tt.want)
		}
	}
}

func TestParseCSLJSONEmptyArray(t *testing.T) {
	es, err := ParseCSLJSON(strings.NewReader(" [ ] \n"))
	if err != nil || len(es) != 0 {
		t.Errorf("got %v, %v; want no entries, no error", es, err)
	}
}

func TestParseCSLJSONErrors(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"empty", "  \n", "biblio: CSL-JSON: empty"},
		{"not json", "@article{k}", "biblio: CSL-JSON:1:1: invalid CSL-JSON: want a CSL-JSON array of items or one item, found \"@\""},
		{"syntax error", "[\n  {\"id\": \"a\",\n   \"title\": \"T\" \"x\"}\n]", "CSL-JSON:3:17: invalid CSL-JSON: invalid character '\"' after object key:value pair"},
		{"missing comma between items", "[\n{\"id\": \"a\"}\n{\"id\": \"b\"}\n]", "CSL-JSON:3:1: invalid CSL-JSON: invalid character '{' after array element"},
		{"trailing comma", "[{\"id\": \"a\"},]", "CSL-JSON:1:14: invalid CSL-JSON: invalid character ']' looking for beginning of value"},
		{"cut short", "[{\"id\": \"a\"", "invalid CSL-JSON: unexpected end of JSON input"},
		{"item not an object", "[\n  {\"id\": \"a\"},\n  42\n]", "CSL-JSON:3:4: invalid CSL-JSON: item 2: json: cannot unmarshal number"},
		{"author not a list", "[{\"id\": \"a\",\n \"author\": \"Smith\"}]", "CSL-JSON:2:19: invalid CSL-JSON: item 1: json: cannot unmarshal string into Go struct field cslItem.author"},
		{"object of the wrong shape", "{\"issued\": [2020]}", "CSL-JSON:1:"},
		{"trailing data", "[{\"id\": \"a\"}] [", "CSL-JSON:1:15: invalid CSL-JSON: invalid character '[' after top-level value"},
		{"trailing object", "{\"id\": \"a\"} {\"id\": \"b\"}", "after top-level value"},
	}
	for _, tt := range tests {
		_, err := ParseCSLJSON(strings.NewReader(tt.src))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want one containing %q", tt.name, err, tt.want)
		}
	}
}

func TestParseCSLJSONErrorNamesFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "refs.json")
	if err := os.WriteFile(path, []byte("[\n  {\"id\": \"a\"}\n  {\"id\": \"b\"}\n]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	_, err = ParseCSLJSON(f)
	want := fmt.Sprintf("biblio: %s:3:3: invalid CSL-JSON: invalid character '{' after array element", path)
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error %v, want one starting %q", err, want)
	}
}
