package cli_test

import (
	"archive/zip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type buildReport struct {
	Output     string `json:"output"`
	Bib        string `json:"bib"`
	ModelCalls int    `json:"model_calls"`
	CacheHits  int    `json:"cache_hits"`
	Paragraphs []struct {
		Action    string `json:"action"`
		Paragraph string `json:"paragraph"`
	} `json:"paragraphs"`
}

func (r buildReport) actions() []string {
	var out []string
	for _, p := range r.Paragraphs {
		out = append(out, p.Action)
	}
	return out
}

// opus build: the first run generates every paragraph; the second makes no
// model call and writes the same bytes; a changed spec regenerates its
// paragraph only; a paragraph that cannot be verified fails the build and
// nothing is written.
func TestBuildManuscript(t *testing.T) {
	e := newEnv(t)
	e.ok("doc", "add", e.writeFile("trial.txt", "Drug A lowered LDL cholesterol by 38% relative to placebo at week 12.\n"+
		"The trial enrolled 120 adult patients with primary hypercholesterolaemia at four centres.\n"+
		"Adverse events were reported by 12 patients in the drug A group and 11 in the placebo group.\n"))
	e.ok("doc", "edit", "D1", "--title", "A trial of drug A", "--authors", "Smith, Jane; Karl Müller", "--year", "2020", "--key", "smith2020")
	e.ok("facts", "extract", "D1")
	var facts []fact
	e.json(&facts, "facts", "list")
	require.GreaterOrEqual(t, len(facts), 3)
	handle := func(word string) string {
		for _, f := range facts {
			if strings.Contains(f.Text, word) {
				return f.ID
			}
		}
		t.Fatalf("no fact says %q", word)
		return ""
	}
	ldl, enrolled, adverse := handle("LDL"), handle("enrolled"), handle("Adverse")
	require.NoError(t, os.MkdirAll(filepath.Join(e.home, "specs"), 0o755))
	e.writeFile("specs/methods.yaml", "section: methods\nintent: Describe the trial.\nfacts: ["+enrolled+"]\n")
	paper := e.writeFile("paper.yaml", `title: Drug A
citations: author-year
sections:
  - heading: Methods
    paragraphs:
      - spec: specs/methods.yaml
  - heading: Results
    paragraphs:
      - section: results
        intent: Report the effect.
        facts: [`+ldl+`]
  - heading: Safety
    paragraphs:
      - section: results
        intent: Report the adverse events.
        facts: [`+adverse+`]
`)
	plain := e.writeFile("plain.yaml", "sections:\n  - heading: Methods\n    paragraphs:\n      - spec: specs/methods.yaml\n")
	r := e.run("build", plain, "--dry-run", "--provider", "nosuch")
	assert.Equal(t, 2, r.code, "the model flags are honoured, not shadowed by settings read earlier: %s", r.stderr)
	assert.Contains(t, r.stderr, "nosuch")

	var plan buildReport
	e.json(&plan, "build", paper, "--dry-run")
	assert.Equal(t, []string{"generate", "generate", "generate"}, plan.actions())
	_, err := os.Stat(filepath.Join(e.home, "paper.md"))
	assert.True(t, os.IsNotExist(err), "a dry run writes nothing")

	var first buildReport
	e.json(&first, "build", paper)
	assert.Equal(t, []string{"generate", "generate", "generate"}, first.actions())
	assert.Positive(t, first.ModelCalls)
	md1, err := os.ReadFile(filepath.Join(e.home, "paper.md"))
	require.NoError(t, err)
	bib1, err := os.ReadFile(filepath.Join(e.home, "paper.bib"))
	require.NoError(t, err)
	assert.Contains(t, string(md1), "## Methods")
	assert.Contains(t, string(md1), "[@smith2020, p. 1]")
	assert.Contains(t, string(bib1), "@misc{smith2020,")

	var second buildReport
	e.json(&second, "build", paper)
	assert.Equal(t, []string{"reuse", "reuse", "reuse"}, second.actions())
	assert.Zero(t, second.ModelCalls, "unchanged specs make no model call")
	md2, err := os.ReadFile(filepath.Join(e.home, "paper.md"))
	require.NoError(t, err)
	bib2, err := os.ReadFile(filepath.Join(e.home, "paper.bib"))
	require.NoError(t, err)
	assert.Equal(t, string(md1), string(md2), "byte-identical document")
	assert.Equal(t, string(bib1), string(bib2), "byte-identical bibliography")

	e.writeFile("specs/methods.yaml", "section: methods\nintent: Describe who was enrolled.\nfacts: ["+enrolled+"]\n")
	var third buildReport
	e.json(&third, "build", paper, "-o", filepath.Join(e.home, "paper.tex"))
	assert.Equal(t, []string{"generate", "reuse", "reuse"}, third.actions())
	tex, err := os.ReadFile(filepath.Join(e.home, "paper.tex"))
	require.NoError(t, err)
	assert.Contains(t, string(tex), `\citep[p.~1]{smith2020}`)

	// A retracted fact makes its paragraph stale: the build fails, names it,
	// and leaves the earlier output alone.
	e.ok("facts", "retract", adverse)
	r = e.run("build", paper)
	assert.NotEqual(t, 0, r.code)
	assert.Contains(t, r.stderr, adverse)
	md3, err := os.ReadFile(filepath.Join(e.home, "paper.md"))
	require.NoError(t, err)
	assert.Equal(t, string(md1), string(md3), "a failed build writes nothing")
}

// need finds a tool the export tests run, skipping without it, except in
// CI, where .ci/run installs it.
func need(t *testing.T, tool, pkg string) string {
	t.Helper()
	p, err := exec.LookPath(tool)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is missing in CI; .ci/run installs it (Debian package %s)", tool, pkg)
		}
		t.Skipf("%s not installed (Debian package %s): the exported files are not compiled", tool, pkg)
	}
	return p
}

// A verified paragraph of a real paper, exported to Markdown and LaTeX,
// compiles with the tools researchers use: pandoc --citeproc to .docx and
// HTML, pdflatex + bibtex to PDF, with every citation resolved.
func TestExportedParagraphCompiles(t *testing.T) {
	pandoc := need(t, "pandoc", "pandoc")
	pdflatex := need(t, "pdflatex", "texlive-latex-base")
	bibtex := need(t, "bibtex", "texlive-latex-base")
	e := newEnv(t)
	e.ok("doc", "add", filepath.Join(testPDFs, "cermine_test2.pdf"))
	e.ok("facts", "extract", "D1")
	spec := e.writeFile("spec.yaml", "section: results\ntitle: Heart failure programmes\nintent: Report what participants gained.\nfacts: [F1, F2, F3]\n")
	e.ok("para", "generate", spec)

	dir := t.TempDir()
	md := filepath.Join(dir, "results.md")
	e.ok("para", "export", "P1", "-o", md)
	run := func(name string, args ...string) string {
		cmd := exec.Command(name, args...)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "%s %v:\n%s", name, args, out)
		return string(out)
	}
	run(pandoc, "--citeproc", "results.md", "-o", "results.html")
	raw, err := os.ReadFile(filepath.Join(dir, "results.html"))
	require.NoError(t, err)
	html := strings.Join(strings.Fields(string(raw)), " ") // pandoc wraps lines
	assert.Contains(t, html, `data-cites="tully2010patient"`, "each citation is Pandoc's, from the paper's key")
	assert.Contains(t, html, "Tully, Nuala E. 2010.", "the bibliography entry")
	assert.Contains(t, html, "https://doi.org/10.1155/2010/157939")
	run(pandoc, "--citeproc", "results.md", "-o", "results.docx")
	zr, err := zip.OpenReader(filepath.Join(dir, "results.docx"))
	require.NoError(t, err, "a .docx is a zip")
	require.NoError(t, zr.Close())

	e.ok("para", "export", "P1", "-o", filepath.Join(dir, "results.tex"), "--citations", "numeric")
	run(pdflatex, "-interaction=nonstopmode", "-halt-on-error", "results.tex")
	run(bibtex, "results")
	run(pdflatex, "-interaction=nonstopmode", "-halt-on-error", "results.tex")
	log := run(pdflatex, "-interaction=nonstopmode", "-halt-on-error", "results.tex")
	assert.NotContains(t, log, "undefined", "every citation resolves")
	st, err := os.Stat(filepath.Join(dir, "results.pdf"))
	require.NoError(t, err)
	assert.Positive(t, st.Size())
}

// Export refuses what is not verified (exit 5) and usage mistakes (exit 2),
// and writes nothing either way.
func TestExportRefusals(t *testing.T) {
	e := newEnv(t)
	e.ok("facts", "add", "The trial enrolled 120 adult patients.", "--source", "registry")
	e.ok("para", "generate", e.writeFile("spec.yaml", "section: methods\nintent: x\nfacts: [F1]\n"))
	out := filepath.Join(e.home, "p.md")
	r := e.run("para", "export", "P1")
	assert.Equal(t, 2, r.code, "md to stdout has nowhere to put its .bib: %s", r.stderr)
	r = e.run("para", "export", "P1", "-o", out, "--citations", "harvard")
	assert.Equal(t, 2, r.code, r.stderr)
	assert.Contains(t, r.stderr, "harvard")
	// A folder that is not there is named, and no temporary file is.
	missing := filepath.Join(e.home, "no-such-folder")
	r = e.run("para", "export", "P1", "-o", filepath.Join(missing, "p.md"))
	assert.Equal(t, 2, r.code, r.stderr)
	assert.Equal(t, "opus: cannot write "+filepath.Join(missing, "p.md")+": folder "+missing+" does not exist\n", r.stderr)
	e.ok("facts", "retract", "F1")
	r = e.run("para", "export", "P1", "-o", out)
	assert.Equal(t, 5, r.code, r.stderr)
	assert.Contains(t, r.stderr, "cannot be exported")
	_, err := os.Stat(out)
	assert.True(t, os.IsNotExist(err), "nothing written")
}
