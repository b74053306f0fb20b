package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/opusblocks/opus/internal/cli"
	"github.com/opusblocks/opus/internal/store/storetest"
)

// testPDFs are the repository's own test PDFs (MANIFEST.tsv there gives
// each one's source, licence and sha256).
const testPDFs = "../../testdata/pdf/"

// env is one user's machine: a fresh OPUS_HOME and config directory.
type env struct {
	t    *testing.T
	home string
}

func newEnv(t *testing.T) *env {
	t.Helper()
	home := t.TempDir()
	t.Setenv("OPUS_HOME", filepath.Join(home, "data"))
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, "config"))
	t.Setenv("XDG_CACHE_HOME", filepath.Join(os.TempDir(), "opus-test-cache"))
	t.Setenv("OPUS_PROFILE", "")
	t.Setenv("OPUS_DB", "")
	t.Setenv("OPUS_PROVIDER", "")
	return &env{t: t, home: home}
}

type result struct {
	code           int
	stdout, stderr string
}

func (e *env) run(args ...string) result {
	e.t.Helper()
	var out, errb bytes.Buffer
	code := cli.Main(context.Background(), args, cli.Stdio{In: strings.NewReader(""), Out: &out, Err: &errb})
	return result{code, out.String(), errb.String()}
}

// ok runs a command that must succeed.
func (e *env) ok(args ...string) string {
	e.t.Helper()
	r := e.run(args...)
	require.Equalf(e.t, 0, r.code, "opus %s\nstdout: %s\nstderr: %s", strings.Join(args, " "), r.stdout, r.stderr)
	return r.stdout
}

func (e *env) json(v any, args ...string) {
	e.t.Helper()
	out := e.ok(append(args, "--json")...)
	require.NoErrorf(e.t, json.Unmarshal([]byte(out), v), "opus %s --json printed %q", strings.Join(args, " "), out)
}

func (e *env) writeFile(name, content string) string {
	p := filepath.Join(e.home, name)
	require.NoError(e.t, os.WriteFile(p, []byte(content), 0o600))
	return p
}

type fact struct {
	ID    string `json:"id"`
	Text  string `json:"text"`
	Quote string `json:"quote"`
	Page  int    `json:"page"`
	Doc   string `json:"document"`
	State string `json:"state"`
}

type paraView struct {
	ID        string `json:"id"`
	State     string `json:"state"`
	Text      string `json:"text"`
	Sentences []struct {
		Text    string   `json:"text"`
		Verdict string   `json:"verdict"`
		Facts   []string `json:"facts"`
	} `json:"sentences"`
	Reasons []string `json:"reasons"`
	// Latest is set when an earlier verified revision is shown.
	Latest int `json:"latest_revision"`
}

// The README's main job: add a real paper, extract, generate, show.
func TestMainJobOnBundledPaper(t *testing.T) {
	e := newEnv(t)
	out := e.ok("doc", "add", "../../testdata/pdf/cermine_test2.pdf")
	assert.Contains(t, out, "D1")
	again := e.ok("doc", "add", "../../testdata/pdf/cermine_test2.pdf")
	assert.Contains(t, again, "already stored", "adding the same file twice is idempotent")

	e.ok("facts", "extract", "D1")
	var facts []fact
	e.json(&facts, "facts", "list", "--doc", "D1")
	require.GreaterOrEqual(t, len(facts), 5)

	var doc struct {
		State       string `json:"state"`
		ActiveFacts int    `json:"active_facts"`
	}
	e.json(&doc, "doc", "show", "D1")
	assert.Equal(t, "facts_ready", doc.State)
	assert.Equal(t, len(facts), doc.ActiveFacts)

	spec := e.writeFile("spec.yaml", "section: results\nintent: Report the findings.\nfacts: [F1, F2, F3, F4]\nmust_use: [F2]\n")
	r := e.run("para", "generate", spec)
	var list []paraView
	e.json(&list, "para", "list")
	require.Len(t, list, 1)
	var p paraView
	require.NotContains(t, e.ok("para", "list", "--json"), `"text"`)
	if r.code == 0 {
		require.NoError(t, json.Unmarshal([]byte(e.ok("para", "show", "P1", "--json")), &p))
		assert.Equal(t, "verified", p.State)
		assert.NotEmpty(t, p.Text)
		cited := map[string]bool{}
		for _, s := range p.Sentences {
			assert.Equal(t, "supported", s.Verdict)
			require.NotEmpty(t, s.Facts)
			for _, f := range s.Facts {
				cited[f] = true
				assert.Contains(t, []string{"F1", "F2", "F3", "F4"}, f)
			}
		}
		assert.True(t, cited["F2"], "must_use fact cited")
	} else {
		assert.Equal(t, 5, r.code, "a generated paragraph ends verified or rejected: %s", r.stderr)
	}
	trace := e.ok("para", "trace", "P1")
	for _, want := range []string{"Spec", "Allowed facts", "Runs", "writer", "verifier", "Revisions"} {
		assert.Contains(t, trace, want)
	}
}

func TestBadInputsStoreNothing(t *testing.T) {
	e := newEnv(t)
	notPDF := e.writeFile("notes.docx", "PK\x03\x04 not a document opus reads")
	empty := e.writeFile("empty.pdf", "")
	fakePDF := e.writeFile("fake.pdf", "hello, I am not a PDF")
	big := e.writeFile("big.txt", strings.Repeat("a", 2<<20))
	require.NoError(t, os.MkdirAll(filepath.Join(e.home, "config", "opus"), 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(e.home, "config", "opus", "config.yaml"), []byte("limits:\n  upload_mb: 1\n"), 0o600))

	cases := []string{
		testPDFs + "bad_encrypted-userpw.pdf",
		testPDFs + "bad_scanned-jbig2-notext.pdf",
		testPDFs + "bad_zero-pages.pdf",
		testPDFs + "bad_truncated-multicolumn.pdf",
		notPDF, empty, fakePDF, big, filepath.Join(e.home, "missing.pdf"),
	}
	for _, path := range cases {
		r := e.run("doc", "add", path)
		assert.NotEqualf(t, 0, r.code, "%s must fail", path)
		lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
		assert.Lenf(t, lines, 1, "%s: one line, got %q", path, r.stderr)
		assert.Truef(t, strings.HasPrefix(lines[0], "opus: "), "%q", lines[0])
		assert.NotContains(t, r.stderr, "panic")
		assert.NotContains(t, r.stderr, "goroutine")
	}
	var docs []any
	e.json(&docs, "doc", "list")
	assert.Empty(t, docs, "no document row is left behind")
	blobs, _ := filepath.Glob(filepath.Join(e.home, "data", "blobs", "*", "*"))
	assert.Empty(t, blobs, "no blob is left behind")

	// These two are only "bad-ish": they must be read.
	e.ok("doc", "add", testPDFs+"bad_encrypted-ownerpw-aes256.pdf")
	e.ok("doc", "add", testPDFs+"bad_broken-xref-multicolumn.pdf")
	var d struct {
		Pages int `json:"pages"`
	}
	e.json(&d, "doc", "show", "D2")
	assert.Equal(t, 3, d.Pages)
}

func TestSpecErrorsNameTheFieldAndCreateNothing(t *testing.T) {
	e := newEnv(t)
	e.ok("facts", "add", "120 patients were randomised.", "--source", "Trial registry")
	cases := map[string]string{
		"section: results\nintent: x\nfacts: [F1]\ncolour: red\n":                 "/colour",
		"section: results\nintent: x\nfacts: [F1]\nlength: {max_sentences: 30}\n": "/length/max_sentences",
		"section: results\nintent: x\nfacts: [F1, F9]\n":                          "F9",
		"section: results\nintent: x\nfacts: [F1]\nmust_use: [F2]\n":              "/must_use",
		"section: result\nintent: x\nfacts: [F1]\n":                               "/section",
	}
	for body, want := range cases {
		r := e.run("para", "generate", e.writeFile("bad.yaml", body))
		assert.Equal(t, 2, r.code, body)
		assert.Contains(t, r.stderr, want, body)
	}
	var ps []any
	e.json(&ps, "para", "list")
	assert.Empty(t, ps)
	var js []any
	e.json(&js, "jobs", "list")
	assert.Empty(t, js)
}

// Contract §1 through every command: a rejected paragraph's text never
// appears without --diagnostics.
func TestRejectedParagraphTextIsNeverShown(t *testing.T) {
	e := newEnv(t)
	e.ok("facts", "add", "Drug A lowered LDL cholesterol by 38% at week 12.", "--source", "Trial report p. 4")
	e.ok("facts", "add", "Drug A was well tolerated.", "--source", "Trial report p. 6")
	spec := e.writeFile("spec.yaml", "section: results\nintent: Report the outcome.\nfacts: [F1, F2]\n")
	e.ok("para", "generate", spec)

	lie := "Drug A lowered LDL cholesterol by 48% at week 12 [F1]."
	r := e.run("para", "edit", "P1", "--file", e.writeFile("edit.txt", lie+"\nDrug A was well tolerated [F2].\n"))
	assert.Equal(t, 5, r.code, "an edit that fails verification ends rejected: %s", r.stderr)

	for _, args := range [][]string{
		{"para", "show", "P1"}, {"para", "show", "P1", "--json"}, {"para", "list"}, {"para", "list", "--json"},
		{"para", "trace", "P1"}, {"para", "trace", "P1", "--json"}, {"runs", "list", "--json"}, {"jobs", "list", "--json"},
	} {
		r := e.run(args...)
		// Reasons may name the offending number; the sentence itself must not appear.
		assert.NotContainsf(t, r.stdout+r.stderr, "cholesterol by 48%", "opus %v shows the rejected text", args)
	}
	var runs []struct {
		ID string `json:"id"`
	}
	e.json(&runs, "runs", "list")
	for _, run := range runs {
		r := e.run("runs", "show", run.ID)
		assert.NotContainsf(t, r.stdout, "cholesterol by 48%", "runs show %s shows the rejected text", run.ID)
	}
	// What is shown is the last verified revision, saying the edit was rejected.
	show := e.run("para", "show", "P1")
	assert.Equal(t, 0, show.code)
	assert.Contains(t, show.stderr, "revision 2, is rejected")
	assert.Contains(t, show.stdout, "38%")

	diag := e.ok("para", "show", "P1", "--diagnostics")
	assert.Contains(t, diag, "cholesterol by 48%", "diagnostics shows the unverified sentence…")
	assert.Contains(t, diag, "UNVERIFIED", "…marked as such")

	// Citing a fact outside the allowed set is refused outright.
	e.ok("facts", "add", "Drug B is unrelated.", "--source", "x")
	r = e.run("para", "edit", "P1", "--file", e.writeFile("edit2.txt", "Drug B is unrelated [F3].\n"))
	assert.Equal(t, 2, r.code)
	assert.Contains(t, r.stderr, "F3")
}

func TestProfilesSeeNothingOfEachOther(t *testing.T) {
	e := newEnv(t)
	e.ok("profile", "add", "alice")
	e.ok("profile", "add", "bob")
	a := func(args ...string) string { return e.ok(append(args, "--profile", "alice")...) }
	a("doc", "add", "../../testdata/pdf/cermine_test2.pdf")
	a("facts", "extract", "D1")
	a("facts", "add", "A private note about 7 mice.", "--source", "alice notebook")
	a("para", "generate", e.writeFile("spec.yaml", "section: results\nintent: x\nfacts: [F1, F2]\n"))

	bob := func(args ...string) result { return e.run(append(args, "--profile", "bob")...) }
	for _, args := range [][]string{
		{"doc", "show", "D1"}, {"doc", "rm", "D1"}, {"facts", "extract", "D1"}, {"facts", "show", "F1"},
		{"facts", "retract", "F1"}, {"facts", "list", "--doc", "D1"}, {"para", "show", "P1"}, {"para", "trace", "P1"},
		{"para", "edit", "P1", "--file", e.writeFile("e.txt", "x [F1]\n")}, {"jobs", "show", "J1"}, {"jobs", "cancel", "J1"},
		{"jobs", "retry", "J1"}, {"jobs", "wait", "J1"}, {"runs", "show", "R1"},
	} {
		r := bob(args...)
		assert.Equalf(t, 3, r.code, "bob: opus %v must say not found, got %d: %s", args, r.code, r.stderr)
	}
	for _, args := range [][]string{{"doc", "list"}, {"facts", "list"}, {"para", "list"}, {"jobs", "list"}, {"runs", "list"}, {"facts", "search", "mice"}} {
		r := bob(append(args, "--json")...)
		require.Equal(t, 0, r.code, r.stderr)
		assert.Equalf(t, "[]", strings.TrimSpace(r.stdout), "bob: opus %v", args)
	}
	// Bob's spec cannot reach Alice's facts.
	r := bob("para", "generate", e.writeFile("spec2.yaml", "section: results\nintent: x\nfacts: [F1]\n"))
	assert.Equal(t, 2, r.code)
	// Alice's data is untouched.
	var fs []fact
	e.json(&fs, "facts", "list", "--profile", "alice")
	assert.NotEmpty(t, fs)
	assert.Contains(t, a("facts", "search", "mice"), "7 mice")
}

func TestDetachedJobRunsOnWaitAndJobsCommands(t *testing.T) {
	e := newEnv(t)
	e.ok("doc", "add", "../../testdata/pdf/cermine_test2.pdf")
	var j struct {
		ID    string `json:"id"`
		State string `json:"state"`
		Kind  string `json:"kind"`
	}
	e.json(&j, "facts", "extract", "D1", "--detach", "--idempotency-key", "extract-d1")
	assert.Equal(t, "J1", j.ID)
	assert.Equal(t, "queued", j.State)
	e.json(&j, "facts", "extract", "D1", "--detach", "--idempotency-key", "extract-d1")
	assert.Equal(t, "J1", j.ID, "same idempotency key, same job")

	var d struct {
		State string `json:"state"`
	}
	e.json(&d, "doc", "show", "D1")
	assert.Equal(t, "extracting", d.State)

	e.json(&j, "jobs", "wait", "J1")
	assert.Equal(t, "succeeded", j.State)
	e.json(&d, "doc", "show", "D1")
	assert.Equal(t, "facts_ready", d.State)

	r := e.run("jobs", "cancel", "J1")
	assert.Equal(t, 4, r.code, "a finished job cannot be cancelled: %s", r.stderr)
	r = e.run("jobs", "retry", "J1")
	assert.Equal(t, 4, r.code)

	var runs []struct {
		Agent  string `json:"agent"`
		Job    string `json:"job"`
		Status string `json:"status"`
	}
	e.json(&runs, "runs", "list", "--job", "J1")
	require.NotEmpty(t, runs)
	for _, run := range runs {
		assert.Equal(t, "librarian", run.Agent)
		assert.Equal(t, "J1", run.Job)
		assert.Equal(t, "ok", run.Status)
	}

	// A queued job can be cancelled; its document then reads failed.
	e.ok("doc", "add", testPDFs+"pysample_multicolumn.pdf")
	e.json(&j, "facts", "extract", "D2", "--detach")
	e.json(&j, "jobs", "cancel", j.ID)
	assert.Equal(t, "cancelled", j.State)
	e.json(&d, "doc", "show", "D2")
	assert.Equal(t, "failed", d.State)
}

func TestDocRemove(t *testing.T) {
	e := newEnv(t)
	e.ok("doc", "add", "../../testdata/pdf/cermine_test2.pdf")
	e.ok("doc", "add", testPDFs+"pysample_multicolumn.pdf")
	e.ok("facts", "extract", "D1")
	e.ok("para", "generate", e.writeFile("spec.yaml", "section: results\nintent: x\nfacts: [F1, F2]\n"))
	r := e.run("doc", "rm", "D1")
	assert.Equal(t, 4, r.code, "facts used by P1: refused")
	assert.Contains(t, r.stderr, "P1")

	e.ok("doc", "rm", "D2")
	r = e.run("doc", "show", "D2")
	assert.Equal(t, 3, r.code)
	blobs, _ := filepath.Glob(filepath.Join(e.home, "data", "blobs", "*", "*"))
	assert.Len(t, blobs, 1, "the removed document's blob is gone, D1's stays")
	e.ok("doc", "add", testPDFs+"pysample_multicolumn.pdf") // can be added again
}

func TestEditInEditor(t *testing.T) {
	e := newEnv(t)
	e.ok("facts", "add", "The trial enrolled 120 adult patients.", "--source", "registry")
	e.ok("facts", "add", "The trial ran at four centres.", "--source", "registry")
	e.ok("para", "generate", e.writeFile("spec.yaml", "section: methods\nintent: x\nfacts: [F1, F2]\nlength: {min_sentences: 1, max_sentences: 3}\n"))
	// The "editor" keeps only the second sentence and cites it explicitly.
	editor := e.writeFile("editor.sh", "#!/bin/sh\ngrep -v '^#' \"$1\" | sed -n 2p > \"$1.new\" && mv \"$1.new\" \"$1\"\n")
	require.NoError(t, os.Chmod(editor, 0o700))
	t.Setenv("EDITOR", editor)
	t.Setenv("VISUAL", "")
	var v paraView
	e.json(&v, "para", "edit", "P1")
	assert.Equal(t, "verified", v.State)
	require.Len(t, v.Sentences, 1)
	assert.Equal(t, []string{"F2"}, v.Sentences[0].Facts)
}

func TestMigratePostgres(t *testing.T) {
	base := os.Getenv("OPUS_TEST_POSTGRES")
	if base == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("OPUS_TEST_POSTGRES must be set in CI")
		}
		t.Skip("OPUS_TEST_POSTGRES not set")
	}
	e := newEnv(t)
	dsn := storetest.PostgresSchema(t, base)
	assert.Contains(t, e.ok("migrate", "--db", dsn), "postgres")
	assert.Contains(t, e.ok("migrate", "--db", dsn), "up to date")
	// The whole pipeline runs on it.
	e.ok("doc", "add", "../../testdata/pdf/cermine_test2.pdf", "--db", dsn)
	e.ok("facts", "extract", "D1", "--db", dsn)
	var v paraView
	e.json(&v, "para", "generate", e.writeFile("spec.yaml", "section: results\nintent: x\nfacts: [F1, F2, F3, F4]\n"), "--db", dsn)
	assert.Equal(t, "verified", v.State)
	r := e.run("migrate", "--db", "postgres://nobody@127.0.0.1:1/none?connect_timeout=2")
	assert.Equal(t, 6, r.code, r.stderr)
	assert.Equal(t, 1, strings.Count(strings.TrimSpace(r.stderr), "\n")+1)
}

type runRow struct {
	ID     string `json:"id"`
	Agent  string `json:"agent"`
	Status string `json:"status"`
	Prov   string `json:"provider"`
}

// Regenerating an identical spec at temperature 0 is answered from the
// runs cache; --no-cache asks the provider again.
func TestIdenticalRegenerationIsServedFromCache(t *testing.T) {
	e := newEnv(t)
	e.ok("facts", "add", "The trial enrolled 120 adult patients.", "--source", "registry")
	e.ok("facts", "add", "The trial ran at four centres.", "--source", "registry")
	spec := e.writeFile("spec.yaml", "section: methods\nintent: x\nfacts: [F1, F2]\n")
	e.ok("para", "generate", spec)
	var first []runRow
	e.json(&first, "runs", "list", "--job", "J1")
	for _, r := range first {
		assert.Equal(t, "ok", r.Status)
	}

	var v paraView
	e.json(&v, "para", "generate", spec)
	assert.Equal(t, "verified", v.State)
	var second []runRow
	e.json(&second, "runs", "list", "--job", "J2")
	require.Len(t, second, len(first))
	for _, r := range second {
		assert.Equal(t, "cached", r.Status, "identical request answered from the cache")
	}

	e.ok("para", "generate", spec, "--no-cache")
	var third []runRow
	e.json(&third, "runs", "list", "--job", "J3")
	for _, r := range third {
		assert.Equal(t, "ok", r.Status)
	}

	var stats struct {
		Total struct {
			Calls  int `json:"calls"`
			Cached int `json:"cached"`
		} `json:"total"`
		ByAgent []struct {
			Key   string `json:"key"`
			Calls int    `json:"calls"`
		} `json:"by_agent"`
	}
	e.json(&stats, "runs", "stats")
	assert.Equal(t, 3*len(first), stats.Total.Calls)
	assert.Equal(t, len(first), stats.Total.Cached)
	assert.Len(t, stats.ByAgent, 2)
}

// --record writes a cassette; --provider replay answers from it, and a
// request the cassette lacks fails, naming agent and prompt version.
func TestRecordAndReplay(t *testing.T) {
	e := newEnv(t)
	cas := filepath.Join(e.home, "cassette.jsonl")
	e.ok("facts", "add", "The trial enrolled 120 adult patients.", "--source", "registry")
	e.ok("facts", "add", "The trial ran at four centres.", "--source", "registry")
	spec := e.writeFile("spec.yaml", "section: methods\nintent: x\nfacts: [F1, F2]\n")
	e.ok("para", "generate", spec, "--record", cas)

	var v paraView
	e.json(&v, "para", "generate", spec, "--provider", "replay", "--cassette", cas, "--no-cache")
	assert.Equal(t, "verified", v.State)
	var runs []runRow
	e.json(&runs, "runs", "list", "--job", "J2")
	require.NotEmpty(t, runs)
	for _, r := range runs {
		assert.Equal(t, "replay", r.Prov)
		assert.Equal(t, "ok", r.Status)
	}

	other := e.writeFile("spec2.yaml", "section: results\nintent: y\nfacts: [F2]\nlength: {min_sentences: 1}\n")
	r := e.run("para", "generate", other, "--provider", "replay", "--cassette", cas, "--no-cache")
	assert.NotEqual(t, 0, r.code)
	assert.Contains(t, r.stderr, "writer request (prompt writer-2")
	assert.Contains(t, r.stderr, "re-record")

	r = e.run("para", "generate", spec, "--provider", "replay")
	assert.Equal(t, 2, r.code)
	assert.Contains(t, r.stderr, "--cassette")
}

func TestEvalCommand(t *testing.T) {
	e := newEnv(t)
	suite := `name: tiny
documents:
  - {id: D1, pages: ["The trial enrolled 120 adult patients at four centres in 2021."]}
facts:
  - {id: F1, doc: D1, page: 1, text: "The trial enrolled 120 adult patients.", quote: "The trial enrolled 120 adult patients at four centres"}
verify:
  - {id: v1, sentence: "The trial enrolled 120 adult patients.", facts: [F1], label: supported, category: verbatim}
  - {id: v2, sentence: "The trial enrolled 210 adult patients.", facts: [F1], label: unsupported, category: number_changed}
`
	dir := filepath.Join(e.home, "suites")
	require.NoError(t, os.MkdirAll(dir, 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "tiny.yaml"), []byte(suite), 0o600))
	var r struct {
		Suites int `json:"suites"`
		Verify struct {
			N            int `json:"n"`
			FalseSupport int `json:"false_support"`
		} `json:"verify"`
		Gate struct {
			Passed bool `json:"passed"`
		} `json:"gate"`
	}
	e.json(&r, "eval", dir, "--gate")
	assert.Equal(t, 1, r.Suites)
	assert.Equal(t, 2, r.Verify.N)
	assert.True(t, r.Gate.Passed)
	var docs []any
	e.json(&docs, "doc", "list")
	assert.Empty(t, docs, "eval never touches the user's data")

	// --compare lines every figure up against an earlier report.
	before := e.writeFile("before.json", e.ok("eval", dir, "--json"))
	out := e.ok("eval", dir, "--compare", before)
	assert.Contains(t, out, "compared with "+before)
	assert.Regexp(t, `verify\.accuracy\s+1 \(2/2\).*1 \(2/2\).*same`, out)
	var both struct {
		Report     map[string]any `json:"report"`
		Comparison map[string]any `json:"comparison"`
	}
	e.json(&both, "eval", dir, "--compare", before)
	assert.NotEmpty(t, both.Report)
	assert.NotEmpty(t, both.Comparison)
	res := e.run("eval", dir, "--compare", filepath.Join(e.home, "missing.json"))
	assert.Equal(t, 2, res.code)
	assert.Contains(t, res.stderr, "--compare")

	broken := strings.Replace(suite, "at four centres\"}", "at five centres\"}", 1)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "tiny.yaml"), []byte(broken), 0o600))
	res = e.run("eval", dir)
	assert.Equal(t, 2, res.code)
	assert.Contains(t, res.stderr, "tiny.yaml, item F1")
	assert.Equal(t, 1, strings.Count(strings.TrimSpace(res.stderr), "\n")+1, res.stderr)
}
