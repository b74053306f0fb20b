package cli_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A user's library: one paper with its facts, a paragraph, their jobs and runs.
func library(t *testing.T) *env {
	t.Helper()
	e := newEnv(t)
	e.ok("doc", "add", testPDFs+"cermine_test2.pdf")
	e.ok("facts", "extract", "D1")
	e.ok("facts", "add", "Twelve patients took part.", "--source", "registry")
	return e
}

func TestJQFiltersEveryJSONCommand(t *testing.T) {
	e := library(t)
	assert.Equal(t, "D1\n", e.ok("doc", "list", "--jq", ".[].id"))
	assert.Equal(t, "cermine_test2.pdf\n", e.ok("doc", "show", "D1", "--jq", ".filename"))
	ids := strings.Fields(e.ok("facts", "list", "--jq", ".[] | select(.origin == \"manual\") | .id"))
	require.Len(t, ids, 1)
	assert.Equal(t, "Twelve patients took part.\n", e.ok("facts", "show", ids[0], "--jq", ".text"))
	// Non-string results are one line of JSON each.
	assert.Equal(t, "{\"id\":\"J1\",\"state\":\"succeeded\"}\n", e.ok("jobs", "--jq", ".[] | {id, state}"))
	assert.Equal(t, "true\n", e.ok("runs", "stats", "--jq", ".total.calls > 0"))

	// A bad expression is invalid input, refused before any work is done.
	r := e.run("facts", "extract", "D1", "--jq", ".[")
	assert.Equal(t, 2, r.code)
	assert.Contains(t, r.stderr, `--jq ".["`)
	var jobs []map[string]any
	e.json(&jobs, "jobs", "list")
	assert.Len(t, jobs, 1, "the refused extract queued no job")
	// An expression that fails on the data is invalid input too.
	r = e.run("doc", "list", "--jq", ".[] | .id + 1")
	assert.Equal(t, 2, r.code)
	assert.Contains(t, r.stderr, "--jq")
}

// runs show --json gives request and response as JSON values, so scripts
// can read .response.facts without decoding a string.
func TestRunsShowJSONHasObjects(t *testing.T) {
	e := library(t)
	var run struct {
		Request  map[string]any `json:"request"`
		Response struct {
			Facts []struct{ Quote string } `json:"facts"`
		} `json:"response"`
	}
	e.json(&run, "runs", "show", "R1")
	assert.Equal(t, "librarian", run.Request["agent"])
	assert.NotEmpty(t, run.Response.Facts)
	assert.Equal(t, "librarian-1\n", e.ok("runs", "show", "R1", "--jq", ".request.prompt_version"))
}

// Shell completion offers the handles of the user's own data.
func TestCompletionOffersHandles(t *testing.T) {
	e := newEnv(t)
	// Before there is a database, completing offers nothing and creates none.
	out := e.ok("__complete", "doc", "show", "")
	assert.NotContains(t, out, "D1")
	_, err := os.Stat(filepath.Join(e.home, "data", "opus.db"))
	assert.True(t, os.IsNotExist(err), "completion created a database")

	e.ok("doc", "add", testPDFs+"cermine_test2.pdf")
	out = e.ok("__complete", "doc", "show", "")
	assert.Contains(t, out, "D1\tPatient Experiences", "a document is described by its title")
	out = e.ok("__complete", "facts", "extract", "d")
	assert.Contains(t, out, "D1", "handles complete case-insensitively")
	out = e.ok("__complete", "facts", "list", "--doc", "")
	assert.Contains(t, out, "D1")
	out = e.ok("__complete", "doc", "show", "D1", "")
	assert.NotContains(t, out, "D1", "only the first argument is a handle")
	out = e.ok("__complete", "--profile", "")
	assert.Contains(t, out, "default")

	for _, shell := range []string{"bash", "zsh", "fish", "powershell"} {
		assert.Contains(t, e.ok("completion", shell), "opus", shell)
	}
}

func TestDocsManWritesAPagePerCommand(t *testing.T) {
	e := newEnv(t)
	dir := filepath.Join(e.home, "man")
	var out struct {
		Pages int `json:"pages"`
	}
	e.json(&out, "docs", "man", dir)
	assert.Greater(t, out.Pages, 35)
	page, err := os.ReadFile(filepath.Join(dir, "opus-para-generate.1"))
	require.NoError(t, err)
	assert.Contains(t, string(page), "must_use")
	assert.Contains(t, string(page), "EXAMPLE")
	_, err = os.Stat(filepath.Join(dir, "opus.1"))
	assert.NoError(t, err)
	_, err = os.Stat(filepath.Join(e.home, "data", "opus.db"))
	assert.True(t, os.IsNotExist(err), "writing the manual opened no database")
}

// Model flags are refused on commands that call no model.
func TestModelFlagsOnlyWhereModelsAreCalled(t *testing.T) {
	e := newEnv(t)
	r := e.run("doc", "list", "--model", "gpt-4.1")
	assert.Equal(t, 2, r.code)
	assert.Contains(t, r.stderr, "unknown flag: --model (see 'opus doc list --help')")
	// A broken model configuration does not stop commands that call none.
	t.Setenv("OPUS_PROVIDER", "openai")
	t.Setenv("OPENAI_API_KEY", "")
	assert.Contains(t, e.ok("doc", "list"), "ID")
	r = e.run("facts", "extract", "D1")
	assert.Equal(t, 2, r.code)
	assert.Contains(t, r.stderr, "no OpenAI API key")
}

func TestParaGenerateHelpDescribesTheSpec(t *testing.T) {
	e := newEnv(t)
	help := e.ok("para", "generate", "--help")
	for _, s := range []string{"section", "intent", "facts", "must_use", "min_sentences", "citations", "Examples:"} {
		assert.Contains(t, help, s)
	}
	assert.NotContains(t, e.ok("para", "show", "--help"), "--model")
}

// A sentence that copies a run of its quote is marked verbatim, at the
// configured length, in --json, in show's note and in trace.
func TestVerbatimSentencesAreMarked(t *testing.T) {
	e := library(t)
	e.ok("para", "generate", e.writeFile("s.yaml", "section: results\nintent: Report the findings.\nfacts: [F2, F3]\n"))
	type view struct {
		Sentences []struct {
			VerbatimWords int  `json:"verbatim_words"`
			Verbatim      bool `json:"verbatim"`
		} `json:"sentences"`
	}
	var v view
	e.json(&v, "para", "show", "P1")
	require.NotEmpty(t, v.Sentences)
	for _, s := range v.Sentences {
		assert.GreaterOrEqual(t, s.VerbatimWords, 8, "the offline writer restates its facts")
		assert.True(t, s.Verbatim)
	}
	r := e.run("para", "show", "P1")
	require.Equal(t, 0, r.code)
	assert.Contains(t, r.stderr, "copied verbatim from a quote")
	assert.Contains(t, e.ok("para", "trace", "P1"), "verbatim: ")

	t.Setenv("OPUS_VERBATIM_WORDS", "500")
	var again view
	e.json(&again, "para", "show", "P1")
	require.Len(t, again.Sentences, len(v.Sentences))
	for i, s := range again.Sentences {
		assert.Equal(t, v.Sentences[i].VerbatimWords, s.VerbatimWords)
		assert.False(t, s.Verbatim, "below the configured length")
	}
	assert.NotContains(t, e.run("para", "show", "P1").stderr, "verbatim")
}

// Extracted facts do not carry their paper's citation markers; their quotes
// stay verbatim.
func TestFactTextsCarryNoSourceCitations(t *testing.T) {
	e := library(t)
	var facts []fact
	e.json(&facts, "facts", "list")
	marker := regexp.MustCompile(`\[\d{1,3}(?:[,–-]\s*\d{1,3})*\]`)
	quoted := 0
	for _, f := range facts {
		assert.False(t, marker.MatchString(f.Text), "%s: %q", f.ID, f.Text)
		if marker.MatchString(f.Quote) {
			quoted++
		}
	}
	assert.Positive(t, quoted, "the paper cites references in the quotes kept")
}

// A rejected edit does not hide the last verified revision; a retraction of
// a fact it cites does.
func TestRejectedEditKeepsTheLastVerifiedRevision(t *testing.T) {
	e := library(t)
	e.ok("para", "generate", e.writeFile("s.yaml", "section: results\nintent: Report the findings.\nfacts: [F2, F3]\n"))
	first := e.ok("para", "show", "P1")

	assert.Equal(t, "P1\n", e.ok("facts", "show", "F2", "--jq", ".cited_by[]"), "a fact says which paragraphs cite it")
	assert.Contains(t, e.ok("facts", "show", "F3"), "cited by")
	assert.Equal(t, "[]\n", e.ok("facts", "show", "F4", "--jq", ".cited_by"))

	r := e.run("para", "edit", "P1", "--file", e.writeFile("bad.txt", "The moon is made of green cheese [F2].\nStructured programmes are effective in enabling patients to develop lifestyle skills [F3].\n"))
	require.Equal(t, 5, r.code, r.stderr)
	r = e.run("para", "show", "P1")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, first, r.stdout, "the last verified revision is shown")
	assert.Contains(t, r.stderr, "showing revision 1, the last verified; the latest, revision 2, is rejected")
	var v struct {
		Revision int    `json:"revision"`
		Latest   int    `json:"latest_revision"`
		Text     string `json:"text"`
	}
	e.json(&v, "para", "show", "P1")
	assert.Equal(t, 1, v.Revision)
	assert.Equal(t, 2, v.Latest)
	// The rejected draft only under --diagnostics.
	assert.NotContains(t, r.stdout, "cheese")
	assert.Contains(t, e.ok("para", "show", "P1", "--diagnostics"), "cheese")
	assert.NotContains(t, e.ok("para", "trace", "P1"), "cheese")
	assert.Contains(t, e.ok("para", "trace", "P1"), strings.Fields(first)[0], "trace keeps the verified revision's text")

	var hist []struct {
		N        int  `json:"n"`
		Verified bool `json:"verified"`
		Current  bool `json:"current"`
	}
	e.json(&hist, "para", "history", "P1")
	require.Len(t, hist, 2)
	assert.True(t, hist[0].Verified)
	assert.False(t, hist[1].Verified)
	assert.True(t, hist[1].Current)
	assert.Equal(t, first, e.ok("para", "show", "P1", "--revision", "1"))
	r = e.run("para", "show", "P1", "--revision", "2")
	assert.Equal(t, 5, r.code)
	assert.NotContains(t, r.stdout+r.stderr, "cheese")
	assert.Equal(t, 3, e.run("para", "show", "P1", "--revision", "9").code)

	// Diff: the rejected revision only with --diagnostics.
	assert.Equal(t, 5, e.run("para", "diff", "P1").code)
	diff := e.ok("para", "diff", "P1", "--diagnostics")
	assert.Contains(t, diff, "+ The moon is made of green cheese [F2].")
	assert.Contains(t, diff, "- ")
	assert.Equal(t, 2, e.run("para", "diff", "P1", "1").code)

	// Reverting to revision 1 is a new revision, verified again.
	r = e.run("para", "revert", "P1", "1")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, first, r.stdout)
	e.json(&hist, "para", "history", "P1")
	require.Len(t, hist, 3)
	assert.True(t, hist[2].Verified && hist[2].Current)
	assert.Equal(t, 3, e.run("para", "revert", "P1", "7").code)
	var same []struct{ Op string }
	e.json(&same, "para", "diff", "P1", "1", "3")
	for _, l := range same {
		assert.Equal(t, "=", l.Op, "revision 3 says what revision 1 says")
	}

	// Retracting a fact the verified revision cites leaves nothing to show.
	e.ok("facts", "retract", "F3")
	r = e.run("para", "show", "P1")
	assert.Equal(t, 5, r.code, r.stdout+r.stderr+e.ok("para", "history", "P1")+e.ok("para", "trace", "P1"))
	assert.Empty(t, r.stdout)
}

// doc page prints the page a quote was checked against.
func TestDocPageHoldsTheQuotes(t *testing.T) {
	e := library(t)
	var f fact
	e.json(&f, "facts", "show", "F2")
	page := e.ok("doc", "page", "D1", strconv.Itoa(f.Page))
	assert.Contains(t, strings.Join(strings.Fields(page), " "), strings.Join(strings.Fields(f.Quote), " ")[:40])
	r := e.run("doc", "page", "D1", "99")
	assert.Equal(t, 3, r.code)
	assert.Contains(t, r.stderr, "D1 has no page 99; its pages are 1 to 6")
	assert.Equal(t, 2, e.run("doc", "page", "D1", "two").code)
}

// An edit in $EDITOR that changes nothing creates no revision; one that is
// refused keeps the user's text in a file the error names.
func TestEditorEdits(t *testing.T) {
	e := library(t)
	e.ok("para", "generate", e.writeFile("s.yaml", "section: results\nintent: Report the findings.\nfacts: [F2, F3]\n"))
	t.Setenv("VISUAL", "")
	t.Setenv("EDITOR", "true") // saves the template as it is
	r := e.run("para", "edit", "P1")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stderr, "P1 is unchanged")
	var hist []any
	e.json(&hist, "para", "history", "P1")
	assert.Len(t, hist, 1, "no revision for an unchanged edit")

	script := e.writeFile("editor.sh", "#!/bin/sh\nprintf 'My careful new wording cites nothing.\\n' > \"$1\"\n")
	require.NoError(t, os.Chmod(script, 0o700))
	t.Setenv("EDITOR", script)
	r = e.run("para", "edit", "P1")
	require.Equal(t, 2, r.code, r.stderr)
	m := regexp.MustCompile(`kept in (\S+) `).FindStringSubmatch(r.stderr)
	require.Len(t, m, 2, r.stderr)
	kept, err := os.ReadFile(m[1])
	require.NoError(t, err)
	assert.Contains(t, string(kept), "My careful new wording", "the user's text is not lost")
}
