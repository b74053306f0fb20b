package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// doc open starts the configured viewer on the stored file at the page.
func TestDocOpenStartsTheViewerAtThePage(t *testing.T) {
	e := newEnv(t)
	log := filepath.Join(e.home, "viewer.log")
	viewer := e.writeFile("viewer.sh", "#!/bin/sh\necho \"$@\" > "+log+".tmp && mv "+log+".tmp "+log+"\n")
	require.NoError(t, os.Chmod(viewer, 0o755))
	t.Setenv("OPUS_PDF_VIEWER", viewer+" --page-index={page} {file}")
	e.ok("doc", "add", testPDFs+"cermine_test2.pdf")

	var out struct {
		File   string `json:"file"`
		AtPage bool   `json:"at_page"`
	}
	e.json(&out, "doc", "open", "D1", "--page", "3")
	assert.True(t, out.AtPage)
	var args string
	require.Eventually(t, func() bool {
		b, err := os.ReadFile(log)
		args = string(b)
		return err == nil
	}, 10*time.Second, 20*time.Millisecond, "the viewer ran")
	assert.Equal(t, "--page-index=3 "+out.File, strings.TrimSpace(args))
	pdf, err := os.ReadFile(out.File)
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(string(pdf), "%PDF-"), "the stored file is the PDF")

	r := e.run("doc", "open", "D1", "--page", "7")
	assert.Equal(t, 2, r.code, "past the last page: %s", r.stderr)
	r = e.run("doc", "open", "D1", "--page", "0")
	assert.Equal(t, 2, r.code, r.stderr)
}

// facts show --context shows the quote within its page; a manual fact has
// no page to show.
func TestFactsShowContext(t *testing.T) {
	e := newEnv(t)
	e.ok("doc", "add", e.writeFile("trial.txt", "Background line one.\nDrug A lowered LDL cholesterol by 38% relative to placebo at week 12.\nThe end of the page.\n"))
	e.ok("facts", "extract", "D1")
	var f fact
	e.json(&f, "facts", "show", "F1")
	var c struct {
		Before, Quote, After string
		Page                 int
		Exact                bool
	}
	e.json(&c, "facts", "show", "F1", "--context")
	assert.Equal(t, f.Quote, c.Quote)
	assert.Equal(t, 1, c.Page)
	assert.True(t, c.Exact)
	assert.Contains(t, c.Before+c.Quote+c.After, "Drug A lowered LDL")
	human := e.ok("facts", "show", "F1", "--context")
	assert.Contains(t, human, "»"+f.Quote+"«", "the quote is marked where colour is lost")

	e.ok("facts", "add", "The trial ran at four centres.", "--source", "registry")
	r := e.run("facts", "show", "F2", "--context")
	if f2 := e.ok("facts", "list", "--jq", ".[-1].id"); strings.TrimSpace(f2) != "F2" {
		t.Fatalf("the manual fact is %s", f2)
	}
	assert.Equal(t, 2, r.code, r.stderr)
	assert.Contains(t, r.stderr, "manual fact")
}

// para rm removes a paragraph; facts restore verifies a stale one again.
func TestParaRmAndFactsRestore(t *testing.T) {
	e := newEnv(t)
	e.ok("facts", "add", "The trial enrolled 120 adult patients.", "--source", "registry")
	e.ok("facts", "add", "The trial ran at four centres.", "--source", "registry")
	spec := e.writeFile("spec.yaml", "section: methods\nintent: x\nfacts: [F1, F2]\n")
	e.ok("para", "generate", spec)
	e.ok("facts", "retract", "F1")
	assert.Equal(t, 5, e.run("para", "show", "P1").code, "stale")
	diag := e.ok("para", "show", "P1", "--diagnostics")
	assert.Contains(t, diag, "✗ RETRACTED", "the sentence citing the retracted fact is marked")
	assert.Contains(t, diag, "cites retracted F1")
	var v struct {
		Sentences []struct {
			Facts     []string `json:"facts"`
			Retracted []string `json:"retracted_facts"`
		} `json:"sentences"`
	}
	e.json(&v, "para", "show", "P1", "--diagnostics")
	marked := 0
	for _, s := range v.Sentences {
		if len(s.Retracted) > 0 {
			marked++
			assert.Equal(t, []string{"F1"}, s.Retracted)
			assert.Contains(t, s.Facts, "F1")
		}
	}
	assert.Positive(t, marked)
	var restored struct {
		State    string   `json:"state"`
		Verified []string `json:"verified_paragraphs"`
	}
	e.json(&restored, "facts", "restore", "F1")
	assert.Equal(t, "active", restored.State)
	assert.Equal(t, []string{"P1"}, restored.Verified)
	e.ok("para", "show", "P1")

	e.ok("para", "rm", "P1")
	assert.Equal(t, 3, e.run("para", "show", "P1").code, "not found")
	var list []struct{}
	e.json(&list, "para", "list")
	assert.Empty(t, list)
}

// para new proposes the facts most relevant to the intent as a valid spec,
// each with its text beside it, and only from --from's documents.
func TestParaNewProposesASpec(t *testing.T) {
	e := newEnv(t)
	e.ok("doc", "add", e.writeFile("trial.txt", "Drug A lowered LDL cholesterol by 38% relative to placebo at week 12.\n"+
		"The trial enrolled 120 adult patients with primary hypercholesterolaemia at four centres.\n"))
	e.ok("doc", "add", e.writeFile("other.txt", "Wheat yield fell by 20% under post-anthesis heat stress in the field trial.\n"))
	e.ok("facts", "extract", "D1")
	e.ok("facts", "extract", "D2")
	out := e.ok("para", "new", "--section", "results", "--intent", "Report the LDL cholesterol effect", "-n", "1")
	var f fact
	e.json(&f, "facts", "show", "F1")
	require.Contains(t, f.Text, "LDL")
	assert.Contains(t, out, "section: results\n")
	assert.Contains(t, out, "  - F1   # "+f.Text, "the best match first, its text beside it")
	specFile := e.writeFile("spec.yaml", out)
	e.ok("para", "generate", specFile)

	out = e.ok("para", "new", "--section", "results", "--intent", "trial", "--from", "D2")
	assert.NotContains(t, out, "F1 ", "only D2's facts")
	assert.Equal(t, 3, e.run("para", "new", "--section", "results", "--intent", "x", "--from", "D9").code)
	assert.Equal(t, 2, e.run("para", "new", "--intent", "x").code, "--section is required")
	assert.Equal(t, 2, e.run("para", "new", "--section", "resultz", "--intent", "LDL").code, "the draft is checked as a spec")
}
