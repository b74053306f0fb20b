package biblio

import (
	"reflect"
	"testing"
)

func TestParseBibNames(t *testing.T) {
	tests := []struct {
		in   string
		want []Author
	}{
		{"", nil},
		{"Smith, John", []Author{{Family: "Smith", Given: "John"}}},
		{"John Smith", []Author{{Family: "Smith", Given: "John"}}},
		{"Smith", []Author{{Family: "Smith"}}},
		{"Smith, J. and Jones, K. L.", []Author{{Family: "Smith", Given: "J."}, {Family: "Jones", Given: "K. L."}}},
		{"Anne Marie Brown and Li Wei", []Author{{Family: "Brown", Given: "Anne Marie"}, {Family: "Wei", Given: "Li"}}},
		// Particles belong to the family name, in both orders.
		{"Ludwig van Beethoven", []Author{{Family: "van Beethoven", Given: "Ludwig"}}},
		{"Jean de la Fontaine", []Author{{Family: "de la Fontaine", Given: "Jean"}}},
		{"van der Berg, Anneke", []Author{{Family: "van der Berg", Given: "Anneke"}}},
		{"van Gogh", []Author{{Family: "van Gogh"}}},
		{"Charles Louis Xavier Joseph de la Vall{\\'e}e Poussin", []Author{{Family: "de la Vallée Poussin", Given: "Charles Louis Xavier Joseph"}}},
		// A braced word is not a particle; all-lowercase names keep the
		// last word as the family name.
		{"{van} Halen, Eddie", []Author{{Family: "van Halen", Given: "Eddie"}}},
		{"Eddie {van} Halen", []Author{{Family: "Halen", Given: "Eddie van"}}},
		{"jane doe", []Author{{Family: "doe", Given: "jane"}}},
		// Jr.
		{"Hale, Jr., Robert", []Author{{Family: "Hale", Given: "Robert", Suffix: "Jr."}}},
		{"Ford, III, Henry James", []Author{{Family: "Ford", Given: "Henry James", Suffix: "III"}}},
		// Corporate names and braces.
		{"{World Health Organization}", []Author{{Family: "World Health Organization"}}},
		{"{Barnes and Noble, Inc.}", []Author{{Family: "Barnes and Noble, Inc."}}},
		{"{World Health Organization} and Smith, J.", []Author{{Family: "World Health Organization"}, {Family: "Smith", Given: "J."}}},
		// "and" splits only outside braces and between white space.
		{"Anderson, Sandra and Andrews, Randall", []Author{{Family: "Anderson", Given: "Sandra"}, {Family: "Andrews", Given: "Randall"}}},
		{"Smith, A.\n  and\tJones, B.", []Author{{Family: "Smith", Given: "A."}, {Family: "Jones", Given: "B."}}},
		{"Smith, A. AND Jones, B.", []Author{{Family: "Smith", Given: "A."}, {Family: "Jones", Given: "B."}}},
		// "and others" is dropped.
		{"Petrov, Ivan and others", []Author{{Family: "Petrov", Given: "Ivan"}}},
		{"Petrov, Ivan and Others", []Author{{Family: "Petrov", Given: "Ivan"}}},
		// LaTeX is decoded, accents decide the case of a word.
		{`M{\"u}ller, J{\"o}rg`, []Author{{Family: "Müller", Given: "Jörg"}}},
		{`{\'A}lvarez-Ruiz, Mar{\'i}a`, []Author{{Family: "Álvarez-Ruiz", Given: "María"}}},
		{`Jos{\'e} {\'A}lvarez`, []Author{{Family: "Álvarez", Given: "José"}}},
		{`Jos{\'e} {\'e}l Rey`, []Author{{Family: "él Rey", Given: "José"}}},
		{"Kim~Jong Su", []Author{{Family: "Su", Given: "Kim Jong"}}},
		// biblatex's extended form.
		{"family=Gogh, given=Vincent, prefix=van, useprefix=true", []Author{{Family: "van Gogh", Given: "Vincent"}}},
		{"given=Robert, family=Hale, suffix=Jr.", []Author{{Family: "Hale", Given: "Robert", Suffix: "Jr."}}},
		// Degenerate input.
		{"and", nil},
		{"Smith and and Jones", []Author{{Family: "Smith"}, {Family: "Jones"}}},
		{", John", []Author{{Family: "John"}}},
		{"{}", nil},
	}
	for _, tt := range tests {
		got := parseBibNames(tt.in)
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("parseBibNames(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
}

func TestPlainName(t *testing.T) {
	tests := []struct {
		in   string
		want Author
		ok   bool
	}{
		{"John Smith", Author{Family: "Smith", Given: "John"}, true},
		{"J. Smith", Author{Family: "Smith", Given: "J."}, true},
		{"Ivo H. M. van Stokkum", Author{Family: "van Stokkum", Given: "Ivo H. M."}, true},
		{"Ross G. DOUGLAS", Author{Family: "DOUGLAS", Given: "Ross G."}, true},
		{"Jean-Pierre Dupont", Author{Family: "Dupont", Given: "Jean-Pierre"}, true},
		{"J.-P. Dupont", Author{Family: "Dupont", Given: "J.-P."}, true},
		{"Mary O’Connell", Author{Family: "O’Connell", Given: "Mary"}, true},
		{"Martin Luther King Jr.", Author{Family: "King", Given: "Martin Luther", Suffix: "Jr."}, true},
		{"Žydrūnas Šalkauskas", Author{Family: "Šalkauskas", Given: "Žydrūnas"}, true},
		{"Smith", Author{}, false},                              // one word
		{"Anna Maria Luisa de Medici Toscana", Author{}, false}, // five name words
		{"jsmith", Author{}, false},
		{"john smith", Author{}, false}, // not capitalised
		{"Microsoft Office User", Author{}, false},
		{"Cambridge University Press", Author{}, false},
		{"Department of Physics", Author{}, false},
		{"User123 Name", Author{}, false},
		{"Fifth-order Models", Author{}, false}, // a compound, not a double name
		{"Smith, John", Author{}, false},        // commas are the caller's
	}
	for _, tt := range tests {
		got, ok := plainName(tt.in)
		if ok != tt.ok || got != tt.want {
			t.Errorf("plainName(%q) = %+v, %v; want %+v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestParseNames(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []Author
	}{
		{"Smith, Jane; Karl Müller", []Author{{Family: "Smith", Given: "Jane"}, {Family: "Müller", Given: "Karl"}}},
		{"Ludwig van Beethoven;", []Author{{Family: "van Beethoven", Given: "Ludwig"}}},
		{"{World Health Organization}", []Author{{Family: "World Health Organization"}}},
		{" ; ", nil},
	} {
		if got := ParseNames(tc.in); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("ParseNames(%q) = %#v, want %#v", tc.in, got, tc.want)
		}
	}
}
