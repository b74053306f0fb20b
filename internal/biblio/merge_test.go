package biblio

import (
	"reflect"
	"testing"
)

func TestMerge(t *testing.T) {
	pdf := Ref{Title: "From the PDF", Year: 2018, Authors: []Author{{Family: "Pdf"}}, Publisher: "Tool Press"}
	page := Ref{Title: "From the First Page", DOI: "10.5555/page", Year: 2019}
	bib := Ref{Key: "k2019", Type: "article", Title: "From BibTeX", Authors: []Author{{Family: "Bib", Given: "B."}}, Venue: "J"}
	tests := []struct {
		name       string
		base, over Ref
		want       Ref
	}{
		{"empty over keeps base", pdf, Ref{}, pdf},
		{"empty base takes over", Ref{}, bib, bib},
		{"set fields replace", pdf, page, Ref{Title: "From the First Page", Year: 2019, Authors: []Author{{Family: "Pdf"}},
			Publisher: "Tool Press", DOI: "10.5555/page"}},
		{"layers", Merge(Merge(pdf, page), bib), Ref{URL: "https://example.org"},
			Ref{Key: "k2019", Type: "article", Title: "From BibTeX", Authors: []Author{{Family: "Bib", Given: "B."}},
				Year: 2019, Venue: "J", Publisher: "Tool Press", DOI: "10.5555/page", URL: "https://example.org"}},
		{"empty author list does not erase", bib, Ref{Authors: []Author{}}, bib},
	}
	for _, tt := range tests {
		if got := Merge(tt.base, tt.over); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s:\n got %+v\nwant %+v", tt.name, got, tt.want)
		}
	}
}

// TestMergeEveryField sets every field of over (by reflection, so a field
// added to Ref later is covered) and expects all of them in the result.
func TestMergeEveryField(t *testing.T) {
	var over Ref
	v := reflect.ValueOf(&over).Elem()
	for i := range v.NumField() {
		f := v.Field(i)
		switch f.Kind() {
		case reflect.String:
			f.SetString("over " + v.Type().Field(i).Name)
		case reflect.Int:
			f.SetInt(int64(1000 + i))
		case reflect.Slice:
			f.Set(reflect.ValueOf([]Author{{Family: "Over"}}))
		default:
			t.Fatalf("field %s: kind %s not handled by this test", v.Type().Field(i).Name, f.Kind())
		}
	}
	base := Ref{Key: "b", Title: "b", Year: 1, Authors: []Author{{Family: "Base"}}}
	if got := Merge(base, over); !reflect.DeepEqual(got, over) {
		t.Errorf("Merge dropped fields of over:\n got %+v\nwant %+v", got, over)
	}
}

func TestMergeDoesNotAlias(t *testing.T) {
	over := Ref{Authors: []Author{{Family: "A"}}}
	got := Merge(Ref{}, over)
	got.Authors[0].Family = "changed"
	if over.Authors[0].Family != "A" {
		t.Error("changing the result changed over's authors")
	}
	base := Ref{Authors: []Author{{Family: "B"}}}
	got = Merge(base, Ref{})
	got.Authors[0].Family = "changed"
	if base.Authors[0].Family != "B" {
		t.Error("changing the result changed base's authors")
	}
}
