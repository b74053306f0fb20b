package biblio

import (
	"reflect"
	"testing"
)

func TestParseFileField(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
	}{
		{"empty", "", nil},
		{"zotero relative", "Full Text PDF:files/12/x.pdf:application/pdf", []string{"files/12/x.pdf"}},
		{"zotero with snapshot",
			"Full Text PDF:files/12/Smith - 2020 - Deep.pdf:application/pdf;Snapshot:files/13/page.html:text/html",
			[]string{"files/12/Smith - 2020 - Deep.pdf"}},
		{"zotero pdf without .pdf", "Full Text:files/14/download:application/pdf", []string{"files/14/download"}},
		{"better bibtex path only", "/home/a/Zotero/storage/AB12CD34/x.pdf", []string{"/home/a/Zotero/storage/AB12CD34/x.pdf"}},
		{"better bibtex several", "/home/a/x.pdf;/home/a/y.pdf; /home/a/snap.html",
			[]string{"/home/a/x.pdf", "/home/a/y.pdf"}},
		{"path without type or extension is kept", "/home/a/attachment", []string{"/home/a/attachment"}},
		{"jabref", ":/home/a/b.pdf:PDF", []string{"/home/a/b.pdf"}},
		{"jabref description", "Main text:papers/b.pdf:PDF", []string{"papers/b.pdf"}},
		{"jabref non-pdf type dropped", ":notes/b.docx:Word", nil},
		{"type says pdf, odd extension", ":scans/b.bin:PDF", []string{"scans/b.bin"}},
		{"extension says pdf, odd type", ":scans/b.pdf:Unknown", []string{"scans/b.pdf"}},
		{"windows escaped", `:C\:\\Users\\ana\\Papers\\b.pdf:PDF`, []string{`C:\Users\ana\Papers\b.pdf`}},
		{"windows forward slashes", `:C\:/Users/ana/b.pdf:PDF`, []string{`C:/Users/ana/b.pdf`}},
		{"windows unescaped", `C:\Users\ana\b.pdf`, []string{`C:\Users\ana\b.pdf`}},
		{"windows unescaped with type", `:C:\Users\ana\b.pdf:PDF`, []string{`C:\Users\ana\b.pdf`}},
		{"escaped separators in name", `:papers/a\:b\;c.pdf:PDF`, []string{"papers/a:b;c.pdf"}},
		{"mendeley", ":home/ana/Documents/Mendeley Desktop/Smith - 2020 - Deep.pdf:pdf",
			[]string{"home/ana/Documents/Mendeley Desktop/Smith - 2020 - Deep.pdf"}},
		{"mendeley windows", `:C$\backslash$:/Users/ana/Documents/Mendeley Desktop/b.pdf:pdf`,
			[]string{"C:/Users/ana/Documents/Mendeley Desktop/b.pdf"}},
		{"mendeley several", ":a/one.pdf:pdf;:a/two.pdf:pdf", []string{"a/one.pdf", "a/two.pdf"}},
		{"latex escapes", `:papers/my\_paper.pdf:PDF`, []string{"papers/my_paper.pdf"}},
		{"braces", "{Full Text PDF}:files/1/x.pdf:application/pdf", []string{"files/1/x.pdf"}},
		{"empty records", ";;:a.pdf:PDF;", []string{"a.pdf"}},
		{"colon in path", "desc:dir:with:colons/a.pdf:application/pdf", []string{"dir:with:colons/a.pdf"}},
		{"url record", "Online:https\\://example.org/a:URL", nil},
	}
	for _, tt := range tests {
		got := parseFileField(tt.in)
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: parseFileField(%q) = %q, want %q", tt.name, tt.in, got, tt.want)
		}
	}
}
