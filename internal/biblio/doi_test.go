package biblio

import "testing"

func TestFindDOI(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"none", "no identifier here", ""},
		{"empty", "", ""},
		{"bare", "see 10.5555/abc.123 for details", "10.5555/abc.123"},
		{"doi: prefix", "doi:10.5555/abc.123", "10.5555/abc.123"},
		{"DOI space", "DOI 10.5555/abc.123", "10.5555/abc.123"},
		{"DOI colon space", "DOI: 10.5555/abc.123", "10.5555/abc.123"},
		{"https resolver", "https://doi.org/10.5555/abc.123", "10.5555/abc.123"},
		{"dx resolver", "http://dx.doi.org/10.5555/abc.123", "10.5555/abc.123"},
		{"first of several", "10.5555/first and 10.5555/second", "10.5555/first"},
		{"sentence end", "It is doi:10.5555/abc.123.", "10.5555/abc.123"},
		{"trailing punctuation", "(10.5555/abc.123), 10.5555/x;", "10.5555/abc.123"},
		{"several trailing marks", "doi:10.5555/abc.123.;:,", "10.5555/abc.123"},
		{"unbalanced paren", "(doi:10.5555/abc.123)", "10.5555/abc.123"},
		{"balanced paren kept", "10.1002/(SICI)1097-4636(199603)31:3<331::AID-JBM6>3.0.CO;2-T is old", "10.1002/(SICI)1097-4636(199603)31:3<331::AID-JBM6>3.0.CO;2-T"},
		{"balanced paren at end kept", "10.5555/abc(2020)", "10.5555/abc(2020)"},
		{"bracket", "[10.5555/abc.123]", "10.5555/abc.123"},
		{"quotes", `"10.5555/abc.123"`, "10.5555/abc.123"},
		{"five digit registrant", "10.12345/xyz", "10.12345/xyz"},
		{"nine digit registrant", "10.123456789/xyz", "10.123456789/xyz"},
		{"three digits is no DOI", "10.123/xyz", ""},
		{"no suffix", "10.5555/ and more", ""},
		{"inside a number", "110.5555/abc", ""},
		{"version number", "v3.10.5555/abc", ""},
		{"unicode suffix kept", "10.5555/αβγ rest", "10.5555/αβγ"},
		{"non-breaking space ends it", "10.5555/abc\u00a0next", "10.5555/abc"},
		// Line breaks from PDF text extraction.
		{"broken after dot", "doi:10.1016/j.\ncell.2020.01.001", "10.1016/j.cell.2020.01.001"},
		{"broken after slash", "https://doi.org/10.1371/\njournal.pone.0123456 more", "10.1371/journal.pone.0123456"},
		{"broken after hyphen", "10.5555/abc-\ndef.1", "10.5555/abc-def.1"},
		{"broken with spaces around", "10.1016/j. \r\n  cell.2020.01.001", "10.1016/j.cell.2020.01.001"},
		{"broken twice", "10.5555/a.\nb.2020.\n0001", "10.5555/a.b.2020.0001"},
		{"sentence end before prose", "doi:10.5555/abc.\nThe next sentence", "10.5555/abc"},
		{"sentence end before plain word", "doi:10.5555/abc.\nwhich", "10.5555/abc"},
		{"slash before blank line", "10.5555/\n\nnext", ""},
		{"slash before punctuation", "10.5555/\n(next)", ""},
		{"no break without newline", "10.5555/abc. Next", "10.5555/abc"},
		{"broken mid word is cut", "10.1016/j.ce\nll.2020", "10.1016/j.ce"},
	}
	for _, tt := range tests {
		if got := FindDOI(tt.in); got != tt.want {
			t.Errorf("%s: FindDOI(%q) = %q, want %q", tt.name, tt.in, got, tt.want)
		}
	}
}

func TestCleanDOI(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"  10.5555/x  ", "10.5555/x"},
		{"https://doi.org/10.5555/x", "10.5555/x"},
		{"https://doi.org/10.5555%2Fx%3Cy%3E", "10.5555/x<y>"},
		{"DOI: 10.5555/x", "10.5555/x"},
		{`10.5555/a\_b`, "10.5555/a_b"},
		{"{10.5555/x}", "10.5555/x"},
		{"not a doi", "not a doi"},
	}
	for _, tt := range tests {
		if got := cleanDOI(tt.in); got != tt.want {
			t.Errorf("cleanDOI(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
