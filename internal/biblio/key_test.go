package biblio

import (
	"fmt"
	"testing"
)

func TestKey(t *testing.T) {
	smith := []Author{{Family: "Smith", Given: "Jane"}}
	tests := []struct {
		name string
		ref  Ref
		want string
	}{
		{"all parts", Ref{Authors: smith, Year: 2020, Title: "Deep Learning of Mosses"}, "smith2020deep"},
		{"stop words skipped", Ref{Authors: smith, Year: 2020, Title: "The Role of Mosses"}, "smith2020role"},
		{"all stop words but one", Ref{Authors: smith, Year: 2020, Title: "On the Use of a Net"}, "smith2020use"},
		{"first author only", Ref{Authors: []Author{{Family: "Lee"}, {Family: "Kim"}}, Year: 1999, Title: "Ferns"}, "lee1999ferns"},
		{"accents folded", Ref{Authors: []Author{{Family: "Müller-Lüdenscheidt"}}, Year: 2019, Title: "Über Moose"}, "mullerludenscheidt2019uber"},
		{"special letters", Ref{Authors: []Author{{Family: "Øster-Æbeltoft Groß", Given: "Å."}}, Title: "Łąki"}, "osteraebeltoftgrosslaki"},
		{"apostrophe and particle", Ref{Authors: []Author{{Family: "van O'Neil", Given: "A."}}, Year: 2001}, "vanoneil2001"},
		{"organisation", Ref{Authors: []Author{{Family: "The World Soil Observatory"}}, Year: 2020, Title: "Status"}, "world2020status"},
		{"hyphenated title word", Ref{Authors: smith, Title: "Deep-learning approaches"}, "smithdeep"},
		{"elided article", Ref{Authors: smith, Title: "L'analyse des mousses"}, "smithanalyse"},
		{"title starting with a number", Ref{Authors: smith, Year: 2020, Title: "3D Scans of Moss"}, "smith2020scans"},
		{"no year", Ref{Authors: smith, Title: "Mosses"}, "smithmosses"},
		{"no title", Ref{Authors: smith, Year: 2020}, "smith2020"},
		{"no author", Ref{Year: 2020, Title: "Deep Mosses"}, "2020deep"},
		{"nothing but a year", Ref{Year: 2020}, "anon2020"},
		{"nothing", Ref{}, "anon"},
		{"family with no ASCII letters", Ref{Authors: []Author{{Family: "李"}}, Year: 2018, Title: "苔藓"}, "anon2018"},
		{"family with no ASCII letters, title", Ref{Authors: []Author{{Family: "李"}}, Year: 2018, Title: "Moss"}, "2018moss"},
	}
	for _, tt := range tests {
		if got := Key(tt.ref, nil); got != tt.want {
			t.Errorf("%s: Key = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestKeyCollisions(t *testing.T) {
	r := Ref{Authors: []Author{{Family: "Smith"}}, Year: 2020, Title: "Deep"}
	taken := map[string]bool{}
	var got []string
	for range 30 {
		k := Key(r, func(s string) bool { return taken[s] })
		taken[k] = true
		got = append(got, k)
	}
	want := []string{"smith2020deep", "smith2020deepa", "smith2020deepb"}
	for i, w := range want {
		if got[i] != w {
			t.Errorf("key %d = %q, want %q", i, got[i], w)
		}
	}
	if got[26] != "smith2020deepz" || got[27] != "smith2020deepaa" || got[28] != "smith2020deepab" {
		t.Errorf("keys 26–28 = %q", got[26:29])
	}
}

func TestKeyTakenAlways(t *testing.T) {
	calls := 0
	k := Key(Ref{Year: 2020}, func(string) bool { calls++; return true })
	if k != "anon2020zzz" || calls != 1+26+26*26+26*26*26 {
		t.Errorf("Key = %q after %d calls", k, calls)
	}
}

func TestLetterSuffix(t *testing.T) {
	for n, want := range map[int]string{1: "a", 2: "b", 26: "z", 27: "aa", 28: "ab", 52: "az", 53: "ba", 702: "zz", 703: "aaa"} {
		if got := letterSuffix(n); got != want {
			t.Errorf("letterSuffix(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestFoldASCII(t *testing.T) {
	for in, want := range map[string]string{
		"Müller": "muller", "Ångström": "angstrom", "Łukasiewicz": "lukasiewicz", "Gauß": "gauss",
		"Ørsted": "orsted", "O'Neil": "oneil", "Nguyễn": "nguyen", "Çelik": "celik", "Dvořák": "dvorak",
		"İnce": "ince", "Þórr": "thorr", "van der Berg": "vanderberg", "李": "", "": "",
	} {
		if got := foldASCII(in); got != want {
			t.Errorf("foldASCII(%q) = %q, want %q", in, got, want)
		}
	}
}

func ExampleKey() {
	r := Ref{Authors: []Author{{Family: "Müller", Given: "Jörg"}}, Year: 2019, Title: "The Sparse Attention"}
	used := map[string]bool{"muller2019sparse": true}
	fmt.Println(Key(r, nil))
	fmt.Println(Key(r, func(k string) bool { return used[k] }))
	// Output:
	// muller2019sparse
	// muller2019sparsea
}
