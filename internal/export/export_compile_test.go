package export

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/opusblocks/opus/internal/biblio"
)

// These tests run the real tools on what the writers produce: Pandoc on
// the Markdown, pdflatex and BibTeX on the LaTeX. Debian:
//
//	apt-get install -y --no-install-recommends pandoc texlive-latex-base lmodern
//
// (lmodern is optional: without it pdflatex makes bitmap fonts on first
// use, which takes longer.) A missing tool skips the test, except on CI
// (CI=true), where it fails it: CI must run them.

// needTool is the path of a command a test needs.
func needTool(t *testing.T, name, debPkg string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err == nil {
		return path
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s not found and CI=true: install the Debian package %s", name, debPkg)
	}
	t.Skipf("%s not found: install the Debian package %s to run this test", name, debPkg)
	return ""
}

// run runs a tool in dir and returns its output; a failure fails the test
// with that output.
func run(t *testing.T, dir, name string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s %s:\n%s", name, strings.Join(args, " "), out)
	return string(out)
}

// compileManuscript has two sections, a verbatim sentence, a manual fact,
// works by authors with non-ASCII names and text that is hostile to both
// Markdown and LaTeX.
func compileManuscript() Manuscript {
	mueller := &biblio.Ref{Key: "muller2019", Type: "article", Title: "Zellkerne, {Färbung} & α-Helices: 50% more",
		Authors: []biblio.Author{{Family: "Müller", Given: "Jörg"}, {Family: "Ødegård", Given: "Åse"}},
		Year:    2019, Venue: "J. Cell Biol. & Co.", Volume: "12", Pages: "45–67", DOI: "10.1000/jcb_2019#1"}
	who := &biblio.Ref{Key: "who2016", Title: "Global report on diabetes", Authors: []biblio.Author{{Family: "World Health Organization"}},
		Year: 2016, URL: "https://example.org/report_2016?a=1&b=50%25"}
	return Manuscript{
		Title: "Cells & nuclei: 50% of $5_2 #1",
		Sections: []Section{
			{Heading: "Results & {Discussion}", Paragraphs: []Paragraph{{Handle: "P1", Sentences: []Sentence{
				{Text: "Counts fell by 50% & $5_2 #1 in *all* arms_x {y} ~z ^w \\cmd.", Cites: []Cite{{Ref: mueller}, {Ref: who}}},
				{Text: "Nuclei were stained within 12 h.", Verbatim: true, Cites: []Cite{{Ref: mueller, Page: 3}}},
			}}}},
			{Heading: "Methods", Paragraphs: []Paragraph{{Handle: "P2", Sentences: []Sentence{
				{Text: "Samples were stored at −80 °C (α ≤ 0.05, CO₂ 5%).", Cites: []Cite{{Note: "lab notebook 2024-03-02, p. 7 & 8"}}},
				{Text: "1. Diabetes affects 8.5% of adults.", Cites: []Cite{{Ref: who}}},
			}}}},
		},
	}
}

// writeFiles writes name.ext and refs.bib into dir.
func writeFiles(t *testing.T, dir, name string, write func(*bytes.Buffer) error, m Manuscript) {
	t.Helper()
	var doc, bib bytes.Buffer
	require.NoError(t, write(&doc))
	require.NoError(t, WriteBibTeX(&bib, m.Refs()))
	require.NoError(t, os.WriteFile(filepath.Join(dir, name), doc.Bytes(), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "refs.bib"), bib.Bytes(), 0o644))
}

func TestCompilePandoc(t *testing.T) {
	pandoc := needTool(t, "pandoc", "pandoc")
	dir := t.TempDir()
	m := compileManuscript()
	writeFiles(t, dir, "x.md", func(b *bytes.Buffer) error { return WriteMarkdown(b, m, "refs.bib", Options{}) }, m)

	assert.NotContains(t, run(t, dir, pandoc, "--citeproc", "x.md", "-o", "x.html"), "WARNING")
	raw, err := os.ReadFile(filepath.Join(dir, "x.html"))
	require.NoError(t, err)
	// Pandoc wraps lines and puts no-break spaces in "p. 7".
	html := collapse(strings.ReplaceAll(string(raw), "\u00a0", " "))
	for _, want := range []string{
		// the citation, linked to its bibliography entry
		`data-cites="muller2019 who2016"`, `href="#ref-muller2019"`, "Müller and Ødegård 2019",
		`data-cites="muller2019"`, "2019, 3", // the verbatim sentence's page
		// the bibliography entries
		`id="ref-muller2019"`, "Müller, Jörg", `id="ref-who2016"`, "World Health Organization",
		"10.1000/jcb_2019#1", "https://example.org/report_2016?a=1&amp;b=50%25",
		// the text, hostile characters and all, as written
		"Counts fell by 50% &amp; $5_2 #1 in *all* arms_x {y} ~z ^w \\cmd",
		"“Nuclei were stained within 12 h”", "1. Diabetes affects",
		"lab notebook 2024-03-02, p. 7 &amp; 8", // the footnote
		"Results &amp; {Discussion}",
	} {
		assert.Contains(t, html, want)
	}
	for _, bad := range []string{"<em>all", "<sub>", "<sup>w", "<code", "<ol start", "???"} {
		assert.NotContains(t, html, bad)
	}

	assert.NotContains(t, run(t, dir, pandoc, "--citeproc", "x.md", "-o", "x.docx"), "WARNING")
	z, err := zip.OpenReader(filepath.Join(dir, "x.docx"))
	require.NoError(t, err)
	defer func() { _ = z.Close() }()
	var body string
	for _, f := range z.File {
		if f.Name == "word/document.xml" {
			r, err := f.Open()
			require.NoError(t, err)
			var b bytes.Buffer
			_, err = b.ReadFrom(r)
			_ = r.Close()
			require.NoError(t, err)
			// Text is split into runs; keep only the text.
			body = regexp.MustCompile(`<[^>]*>`).ReplaceAllString(b.String(), "")
		}
	}
	for _, want := range []string{"Cells &amp; nuclei: 50% of $5_2 #1", "Counts fell by 50% &amp; $5_2 #1", "Müller and Ødegård 2019", "Müller, Jörg"} {
		assert.Contains(t, body, want)
	}
}

// TestPandocReadsEscapedText has Pandoc parse each hostile text as the
// only paragraph of a document (and as its title): it must come back as
// plain words and spaces, nothing else, and unchanged.
func TestPandocReadsEscapedText(t *testing.T) {
	pandoc := needTool(t, "pandoc", "pandoc")
	hostile := []string{
		"*bold* **strong** _it_ __u__ `code` ``more``",
		"[link](http://x) ![img](y.png) [ref] [^1] ^[note] <http://auto.link>",
		"<b>html</b> <!-- comment --> &amp; &#64; &lt;",
		"@smith2020 [@key] [-@key] @{braced} email@example.org",
		`$x^2$ $$y$$ H~2~O x^2^ ~~strike~~ \textbf{x} \(y\) \[z\] \\ \`,
		"{.class} [span]{#id} | a | b | :smile: ==mark==",
		"# heading", "## 2", "1. item", "2) item", "(a) item", "iv. roman", "A. Smith", "(@) example",
		"- bullet", "+ plus", "* star", "> quote", ": definition", "% title", "=====", "-----", "***",
		"::: div", "```fence", "~~~ tilde", "| line block", "    indented", "a--b---c", "#1 #hash",
		"<div>block</div>", "\\newcommand{\\x}{y}", "50% & $5_2 #1",
	}
	for _, text := range hostile {
		t.Run(text, func(t *testing.T) {
			m := Manuscript{Title: text, Sections: []Section{{Paragraphs: []Paragraph{{Sentences: []Sentence{{Text: text}}}}}}}
			var b bytes.Buffer
			require.NoError(t, WriteMarkdown(&b, m, "", Options{Style: NoCitations}))
			dir := t.TempDir()
			require.NoError(t, os.WriteFile(filepath.Join(dir, "x.md"), b.Bytes(), 0o644))
			out := run(t, dir, pandoc, "-f", "markdown", "-t", "json", "x.md")
			var ast struct {
				Meta   map[string]struct{ T, C json.RawMessage }
				Blocks []struct {
					T string
					C json.RawMessage
				}
			}
			require.NoError(t, json.Unmarshal([]byte(out), &ast), out)
			require.Len(t, ast.Blocks, 1, "markdown:\n%s\nast: %s", b.String(), out)
			require.Equal(t, "Para", ast.Blocks[0].T, "markdown:\n%s\nast: %s", b.String(), out)
			assert.Equal(t, collapse(text), plainInlines(t, ast.Blocks[0].C), "markdown:\n%s", b.String())
			require.Contains(t, ast.Meta, "title")
			assert.Equal(t, collapse(text), plainInlines(t, ast.Meta["title"].C), "markdown:\n%s", b.String())
		})
	}
}

// plainInlines joins a Pandoc inline list that may hold only Str and
// Space; anything else fails the test.
func plainInlines(t *testing.T, raw json.RawMessage) string {
	t.Helper()
	var inlines []struct {
		T string
		C json.RawMessage
	}
	require.NoError(t, json.Unmarshal(raw, &inlines))
	var b strings.Builder
	for _, in := range inlines {
		switch in.T {
		case "Str":
			var s string
			require.NoError(t, json.Unmarshal(in.C, &s))
			b.WriteString(s)
		case "Space":
			b.WriteByte(' ')
		default:
			t.Errorf("Pandoc read markup: %s %s", in.T, in.C)
		}
	}
	return b.String()
}

func TestCompileLaTeX(t *testing.T) {
	pdflatex := needTool(t, "pdflatex", "texlive-latex-base")
	bibtex := needTool(t, "bibtex", "texlive-latex-base")
	m := compileManuscript()
	// Every character texEscape keeps or maps must typeset, and what it
	// cannot must not stop pdflatex.
	var chars strings.Builder
	for _, rg := range texSafe.R16 {
		for r := rune(rg.Lo); r <= rune(rg.Hi); r += rune(rg.Stride) {
			chars.WriteString(string(r) + " ")
		}
	}
	keys := make([]rune, 0, len(texMap))
	for r := range texMap {
		keys = append(keys, r)
	}
	slices.Sort(keys)
	for _, r := range keys {
		chars.WriteString(string(r) + " ")
	}
	chars.WriteString("Привет 你好 😀 ǘ e\u0301 ̈ ﬃ Ａ ⅓ \x01 \uFFFD " + string(utf8.RuneError))
	m.Sections = append(m.Sections, Section{Heading: "Characters", Paragraphs: []Paragraph{{Handle: "P3", Sentences: []Sentence{
		{Text: chars.String(), Cites: []Cite{{Note: chars.String()}}},
	}}}})

	for _, style := range []Style{AuthorYear, Numeric} {
		t.Run(string(style), func(t *testing.T) {
			dir := t.TempDir()
			writeFiles(t, dir, "x.tex", func(b *bytes.Buffer) error {
				return WriteLaTeX(b, m, "refs.bib", Options{Style: style})
			}, m)
			latex := func() {
				run(t, dir, pdflatex, "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape", "x.tex")
			}
			latex()
			blg := run(t, dir, bibtex, "x")
			assert.NotContains(t, blg, "Warning")
			latex()
			latex()

			pdf, err := os.Stat(filepath.Join(dir, "x.pdf"))
			require.NoError(t, err)
			assert.Positive(t, pdf.Size())
			log, err := os.ReadFile(filepath.Join(dir, "x.log"))
			require.NoError(t, err)
			for _, bad := range []*regexp.Regexp{
				regexp.MustCompile(`(?m)^!.*`),
				regexp.MustCompile(`Citation .* undefined`),
				regexp.MustCompile(`There were undefined references`),
				regexp.MustCompile(`Missing character: .*`),
			} {
				assert.Empty(t, bad.FindAllString(string(log), -1), "x.log")
			}
			bbl, err := os.ReadFile(filepath.Join(dir, "x.bbl"))
			require.NoError(t, err)
			assert.Contains(t, string(bbl), "Müller")
			assert.Contains(t, string(bbl), "World Health Organization")
		})
	}
}
