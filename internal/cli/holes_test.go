package cli_test

// Tests for the holes in the proof listed by issue 7, each tried the way it
// was found: through the CLI, with the offline provider or against the fake
// OpenAI server (the real SDK client). Every one failed on 7d875a3.

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/opusblocks/opus/internal/llm/llmtest"
	"github.com/opusblocks/opus/internal/textnorm"
)

// manualFacts adds the facts the hole tests cite, offline.
func manualFacts(e *env) {
	e.ok("facts", "add", "REALM reduces extraction error by 39%.", "--source", "notes")        // F1
	e.ok("facts", "add", "The trial enrolled 120 adult patients.", "--source", "registry")     // F2
	e.ok("facts", "add", "The culture held 105 cells after two days.", "--source", "lab book") // F3
}

func paraState(e *env, handle string) string {
	var ps []paraView
	e.json(&ps, "para", "list")
	for _, p := range ps {
		if p.ID == handle {
			return p.State
		}
	}
	e.t.Fatalf("no paragraph %s", handle)
	return ""
}

// Hole 1: a fact retracted while the job that writes or verifies its
// paragraph is queued, running or cancelled never ends behind verified text.
func TestRetractedFactNeverEndsBehindVerifiedText(t *testing.T) {
	spec := "section: results\nintent: Report.\nfacts: [F1, F2]\nlength: {min_sentences: 1, max_sentences: 4}\n"
	t.Run("generate --detach, retract, wait", func(t *testing.T) {
		e := newEnv(t)
		manualFacts(e)
		e.ok("para", "generate", e.writeFile("s.yaml", spec), "--detach")
		e.ok("facts", "retract", "F1")
		e.run("jobs", "wait", "J1")
		assertNotShownCiting(t, e, "P1", "F1")
	})
	t.Run("retract while the writer is answering", func(t *testing.T) {
		e, srv := openaiEnv(t)
		asked := make(chan struct{})
		var once sync.Once
		srv.SetHandler(func(r llmtest.ChatRequest) llmtest.Reply {
			reply := model(goodDraft)(r)
			if r.Agent() == "writer" {
				once.Do(func() { close(asked) })
				reply.Delay = 300 * time.Millisecond
			}
			return reply
		})
		done := make(chan result)
		go func() {
			done <- e.run("para", "generate", e.writeFile("s.yaml", "section: methods\nintent: x\nfacts: [F1, F2]\n"))
		}()
		<-asked
		e.ok("facts", "retract", "F1")
		r := <-done
		assert.Equal(t, 5, r.code, r.stderr)
		assertNotShownCiting(t, e, "P1", "F1")
		assert.Equal(t, "stale", paraState(e, "P1"))
	})
	t.Run("edit --detach, retract, wait", func(t *testing.T) {
		e := newEnv(t)
		manualFacts(e)
		e.ok("para", "generate", e.writeFile("s.yaml", spec))
		assert.Equal(t, "verified", paraState(e, "P1"))
		e.ok("para", "edit", "P1", "--detach", "--file", e.writeFile("edit.txt", "REALM reduces extraction error by 39% [F1].\n"))
		e.ok("facts", "retract", "F1")
		e.run("jobs", "wait", "J2")
		assertNotShownCiting(t, e, "P1", "F1")
		assert.Equal(t, "stale", paraState(e, "P1"))
	})
	t.Run("cancel, retract, retry", func(t *testing.T) {
		e := newEnv(t)
		manualFacts(e)
		e.ok("para", "generate", e.writeFile("s.yaml", spec), "--detach")
		e.ok("jobs", "cancel", "J1")
		e.ok("facts", "retract", "F1")
		e.ok("jobs", "retry", "J1", "--detach")
		e.run("jobs", "wait", "J1")
		assertNotShownCiting(t, e, "P1", "F1")
	})
	t.Run("a retracted must-use fact fails the retried job with the fix", func(t *testing.T) {
		e := newEnv(t)
		manualFacts(e)
		e.ok("para", "generate", e.writeFile("s.yaml", spec+"must_use: [F1]\n"), "--detach")
		e.ok("jobs", "cancel", "J1")
		e.ok("facts", "retract", "F1")
		r := e.run("jobs", "retry", "J1")
		assert.NotEqual(t, 0, r.code)
		assert.Contains(t, r.stderr, "must-use fact F1 has been retracted")
		assert.Equal(t, "failed", paraState(e, "P1"))
	})
	t.Run("a rejected paragraph citing the fact becomes stale", func(t *testing.T) {
		e := newEnv(t)
		manualFacts(e)
		e.ok("para", "generate", e.writeFile("s.yaml", spec))
		e.run("para", "edit", "P1", "--file", e.writeFile("edit.txt", "REALM reduces extraction error by 93% [F1].\n"))
		assert.Equal(t, "rejected", paraState(e, "P1"))
		e.ok("facts", "retract", "F1")
		assert.Equal(t, "stale", paraState(e, "P1"))
	})
}

// assertNotShownCiting checks that no displayed paragraph text cites the
// (retracted) fact: show either withholds the text or shows one that does
// not cite it.
func assertNotShownCiting(t *testing.T, e *env, para, fact string) {
	t.Helper()
	r := e.run("para", "show", para, "--json")
	var v paraView
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &v), r.stdout+r.stderr)
	if v.Text == "" {
		assert.Equal(t, 5, r.code, "text withheld means exit 5: %s", r.stderr)
		return
	}
	assert.Equal(t, "verified", v.State)
	for _, s := range v.Sentences {
		assert.NotContains(t, s.Facts, fact, "a shown sentence cites retracted %s", fact)
	}
	assert.NotContains(t, v.Text, "["+fact+"]")
}

// editOutcome generates P1 from facts F1–F3 (offline), edits it to line and
// returns the paragraph as shown (JSON) and the edit's exit code.
func editOutcome(t *testing.T, e *env, line string) (paraView, result) {
	t.Helper()
	spec := "section: results\nintent: Report.\nfacts: [F1, F2, F3]\nlength: {min_sentences: 1, max_sentences: 4}\n"
	e.ok("para", "generate", e.writeFile("s.yaml", spec))
	r := e.run("para", "edit", "P1", "--file", e.writeFile("edit.txt", line+"\n"))
	var v paraView
	out := e.run("para", "show", "P1", "--json")
	require.NoError(t, json.Unmarshal([]byte(out.stdout), &v), out.stdout+out.stderr)
	return v, r
}

// Hole 2: digits of any script, superscripts and vulgar fractions are read
// as numbers, never skipped by the number guard.
func TestNumbersInAnyScriptAreChecked(t *testing.T) {
	for _, c := range []struct{ name, line string }{
		{"Arabic-Indic digits", "REALM reduces extraction error by ٩٣% [F1]."},
		{"Extended Arabic-Indic digits", "REALM reduces extraction error by ۹۳% [F1]."},
		{"Devanagari digits", "REALM reduces extraction error by ९३% [F1]."},
		{"Bengali digits", "REALM reduces extraction error by ৯৩% [F1]."},
		{"mathematical digits", "REALM reduces extraction error by 𝟗𝟑% [F1]."},
		{"superscript exponent", "The culture held 10⁵ cells after two days [F3]."},
		{"subscript after a digit", "The culture held 10₅ cells after two days [F3]."},
		{"vulgar fraction", "REALM reduces extraction error by 3½% [F1]."},
		{"numeral without digits", "The trial enrolled 〇 adult patients [F2]."},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t)
			manualFacts(e)
			v, r := editOutcome(t, e, c.line)
			assert.Equal(t, 5, r.code, "the edit is not verified: %s", r.stderr)
			assert.NotEqual(t, "verified", v.State)
			// Only the last verified revision may be shown, never the edit.
			assert.Equal(t, 2, v.Latest)
			assert.NotContains(t, v.Text, strings.TrimSuffix(c.line, " [F1]."))
			assert.NotContains(t, v.Text, strings.TrimSuffix(c.line, " [F2]."))
			assert.NotContains(t, v.Text, strings.TrimSuffix(c.line, " [F3]."))
		})
	}
	t.Run("the same number in another script still verifies", func(t *testing.T) {
		e := newEnv(t)
		manualFacts(e)
		v, r := editOutcome(t, e, "REALM reduces extraction error by ٣٩% [F1].")
		assert.Equal(t, 0, r.code, r.stderr)
		assert.Equal(t, "verified", v.State)
	})
	t.Run("through a model writer and a yes-saying verifier", func(t *testing.T) {
		e, srv := openaiEnv(t)
		srv.SetHandler(model(`{"sentences":[{"text":"The trial enrolled ١٢٩ adult patients.","fact_ids":["F1"]}]}`))
		r := e.run("para", "generate", e.writeFile("s.yaml", "section: methods\nintent: x\nfacts: [F1]\nlength: {min_sentences: 1}\n"))
		assert.Equal(t, 5, r.code, r.stderr)
		assert.Equal(t, "rejected", paraState(e, "P1"))
	})
	t.Run("a model librarian's fact", func(t *testing.T) {
		e, srv := openaiEnv(t)
		doc := e.writeFile("realm.md", "Our experiments show that REALM reduces extraction error by 39% on the test set.\n")
		srv.SetHandler(librarian(`{"facts":[{"text":"REALM reduces extraction error by ٩٣%.","quote":"REALM reduces extraction error by 39% on the test set","page":1,"kind":"finding"}]}`))
		e.ok("doc", "add", doc)
		e.ok("facts", "extract", "D1")
		assertNoFactOf(t, e, "D1")
	})
	t.Run("an eval suite's fact", func(t *testing.T) {
		e := newEnv(t)
		suite := e.writeFile("digits.yaml", `name: digits
documents:
  - id: D1
    title: inline
    pages: ["Our experiments show that REALM reduces extraction error by 39% on the test set."]
facts:
  - {id: F1, doc: D1, page: 1, text: "REALM reduces extraction error by ٩٣%.", quote: "REALM reduces extraction error by 39% on the test set"}
verify:
  - {id: V1, sentence: "REALM reduces extraction error by 39%.", facts: [F1], label: supported, category: verbatim}
`)
		r := e.run("eval", suite)
		assert.Equal(t, 2, r.code, r.stderr)
		assert.Contains(t, r.stderr, "F1")
		assert.Contains(t, r.stderr, "number_not_in_quote")
	})
}

// librarian answers every librarian call with out and supports everything
// else like model.
func librarian(out string) func(llmtest.ChatRequest) llmtest.Reply {
	return func(r llmtest.ChatRequest) llmtest.Reply {
		if r.Agent() == "librarian" {
			return llmtest.Reply{Body: llmtest.Completion(out, "gpt-test-2026", 100, 10, 0)}
		}
		return model(goodDraft)(r)
	}
}

func assertNoFactOf(t *testing.T, e *env, doc string) {
	t.Helper()
	var facts []fact
	e.json(&facts, "facts", "list", "--doc", doc)
	assert.Empty(t, facts, "no fact of %s is stored", doc)
	var runs []struct {
		Agent      string `json:"agent"`
		Rejections string `json:"rejections"`
	}
	e.json(&runs, "runs", "list", "--agent", "librarian")
	require.NotEmpty(t, runs)
	assert.NotEmpty(t, runs[0].Rejections, "the rejection is counted on the run")
}

// shownMarkers returns, per sentence of a shown paragraph text, the
// handles of its markers.
func shownMarkers(text string) [][]string {
	var out [][]string
	for _, s := range regexp.MustCompile(`[^.!?]+[.!?]`).FindAllString(text, -1) {
		out = append(out, textnorm.MarkerHandles(s))
	}
	return out
}

// Hole 3: the markers a reader sees are made from the stored links, never
// taken from what a writer or an editor typed.
func TestShownMarkersAreTheLinks(t *testing.T) {
	t.Run("model writer typing other markers", func(t *testing.T) {
		e, srv := openaiEnv(t)
		srv.SetHandler(model(`{"sentences":[` +
			`{"text":"The trial enrolled 120 adult patients [F99].","fact_ids":["F1"]},` +
			`{"text":"The trial ran at four centres [F1][ f 3 ].","fact_ids":["F2"]}]}`))
		var v paraView
		e.json(&v, "para", "generate", e.writeFile("s.yaml", "section: methods\nintent: x\nfacts: [F1, F2]\nlength: {min_sentences: 1}\n"))
		require.Equal(t, "verified", v.State)
		assert.NotContains(t, v.Text, "F99")
		assert.NotContains(t, v.Text, "f 3")
		require.Len(t, v.Sentences, 2)
		assertMarkersAreLinks(t, v)
		for _, s := range v.Sentences {
			assert.Empty(t, textnorm.MarkerHandles(s.Text), "stored text carries no markers: %q", s.Text)
		}
		human := e.ok("para", "show", "P1")
		assert.Contains(t, human, "patients [F1].")
		assert.Contains(t, human, "centres [F2].")
	})
	t.Run("edits: markers become links and leave the text", func(t *testing.T) {
		e := newEnv(t)
		manualFacts(e)
		v, r := editOutcome(t, e, "The trial enrolled 120 adult patients [f2].")
		require.Equal(t, 0, r.code, r.stderr)
		assertMarkersAreLinks(t, v)
		assert.Equal(t, "The trial enrolled 120 adult patients [F2].", v.Text)
	})
	t.Run("edits citing other kinds of handles are refused", func(t *testing.T) {
		e := newEnv(t)
		manualFacts(e)
		_, r := editOutcome(t, e, "The trial enrolled 120 adult patients [D1].")
		assert.Equal(t, 2, r.code)
		assert.Contains(t, r.stderr, "[D1] is not a fact")
	})
}

func assertMarkersAreLinks(t *testing.T, v paraView) {
	t.Helper()
	shown := shownMarkers(v.Text)
	require.Len(t, shown, len(v.Sentences), "one shown sentence per stored sentence: %q", v.Text)
	for i, s := range v.Sentences {
		assert.Equal(t, s.Facts, shown[i], "sentence %d shows markers %v but links %v", i+1, shown[i], s.Facts)
	}
}

// Hole 4: controls and invisible characters never reach a verified text or
// a terminal; what is verified is byte for byte what is shown.
func TestControlAndInvisibleCharactersAreNeverShown(t *testing.T) {
	for _, c := range []struct{ name, line string }{
		{"backspaces", "The trial enrolled 120 adult patients not" + strings.Repeat("\b", 40) + " [F2]."},
		{"bidi override", "REALM reduces extraction error by \u202E39\u202C% [F1]."},
		{"bell and escape", "The trial enrolled 120 adult\a patients \x1b[8mnot\x1b[0m [F2]."},
		{"zero-width and isolates", "The trial enrolled 120\u200B adult \u2066patients\u2069 [F2]."},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t)
			manualFacts(e)
			v, _ := editOutcome(t, e, c.line)
			for _, s := range v.Sentences {
				assert.Equal(t, textnorm.Clean(s.Text), s.Text, "stored sentence is clean")
			}
			r := e.run("para", "show", "P1", "--diagnostics")
			assertTerminalSafe(t, r.stdout+r.stderr)
			r = e.run("para", "trace", "P1", "--diagnostics")
			assertTerminalSafe(t, r.stdout+r.stderr)
			if v.State == "verified" {
				// Shown text has "not" visible when the edit had it.
				assert.Equal(t, strings.Contains(c.line, "not"), strings.Contains(v.Text, "not"))
			}
		})
	}
	t.Run("stored strings from documents are escaped on a terminal", func(t *testing.T) {
		e := newEnv(t)
		name := "evil\x1b[31m\u202E.md"
		doc := filepath.Join(e.home, name)
		require.NoError(t, os.WriteFile(doc, []byte("Results. The drug lowered LDL cholesterol by 38% \x07at week 12 in \x1b[8mall\x1b[0m treated patients of the trial.\n"), 0o600))
		e.ok("doc", "add", doc)
		e.ok("facts", "extract", "D1")
		for _, args := range [][]string{{"doc", "list"}, {"doc", "show", "D1"}, {"facts", "list"}, {"facts", "show", "F1"}} {
			out := e.ok(args...)
			assertTerminalSafe(t, out)
		}
		assert.Contains(t, e.ok("doc", "show", "D1"), `\u001B`, "escaped, not dropped silently")
	})
}

// assertTerminalSafe fails on any byte or character that acts on a
// terminal instead of printing: controls other than newline, bidi and
// other format characters. opus's own colours are off in tests (no TTY).
func assertTerminalSafe(t *testing.T, out string) {
	t.Helper()
	for i, r := range out {
		if r == '\n' {
			continue
		}
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			t.Errorf("output holds %U at byte %d: %q", r, i, out)
			return
		}
	}
}

// Hole 6: reasons may quote the withheld sentence or come from a model;
// outside --diagnostics only a category and the sentence's number leave.
func TestVerifierReasonsDoNotLeakWithheldText(t *testing.T) {
	e, srv := openaiEnv(t)
	const secret = "The trial enrolled 120 adult patients in Atlantis"
	srv.SetHandler(func(r llmtest.ChatRequest) llmtest.Reply {
		switch r.Agent() {
		case "writer":
			return model(`{"sentences":[{"text":"` + secret + `.","fact_ids":["F1"]}]}`)(r)
		default:
			body := fmt.Sprintf(`{"verdicts":[{"index":0,"supported":false,"reason":"The sentence '%s' adds a place.","unsupported_span":"in Atlantis"}]}`, secret)
			return llmtest.Reply{Body: llmtest.Completion(body, "gpt-test-2026", 10, 10, 0)}
		}
	})
	r := e.run("para", "generate", e.writeFile("s.yaml", "section: methods\nintent: x\nfacts: [F1]\nlength: {min_sentences: 1}\n"))
	assert.Equal(t, 5, r.code)
	assert.NotContains(t, r.stdout+r.stderr, "Atlantis")
	assert.Contains(t, r.stderr, "sentence 1: not_entailed")
	for _, args := range [][]string{{"para", "show", "P1"}, {"para", "show", "P1", "--json"}, {"para", "trace", "P1"}, {"para", "trace", "P1", "--json"}, {"para", "list"}, {"jobs", "list"}} {
		r := e.run(args...)
		assert.NotContainsf(t, r.stdout+r.stderr, "Atlantis", "opus %v", args)
	}
	diag := e.run("para", "show", "P1", "--diagnostics")
	assert.Contains(t, diag.stdout, "Atlantis", "--diagnostics shows the sentence and the reason to its owner")
}

func TestOfflineReasonsListWordsOnlyWithDiagnostics(t *testing.T) {
	e := newEnv(t)
	manualFacts(e)
	_, r := editOutcome(t, e, "REALM reduces extraction error in Atlantis by 39% [F1].")
	assert.Equal(t, 5, r.code)
	assert.NotContains(t, r.stderr, "Atlantis")
	assert.Regexp(t, `sentence 1: [a-z_,]+`, r.stderr)
	assert.Contains(t, e.run("para", "show", "P1", "--diagnostics").stdout, "Atlantis")
}

// Hole 7: a yes-saying model cannot verify filler or an off-topic sentence.
func TestContentFreeSentencesFailWithALenientVerifier(t *testing.T) {
	for _, text := range []string{
		"This finding was also reported.",
		"The weather in the lab was pleasant throughout.",
	} {
		t.Run(text, func(t *testing.T) {
			e, srv := openaiEnv(t)
			srv.SetHandler(model(`{"sentences":[{"text":"` + text + `","fact_ids":["F1"]}]}`))
			r := e.run("para", "generate", e.writeFile("s.yaml", "section: methods\nintent: x\nfacts: [F1]\nlength: {min_sentences: 1}\n"))
			assert.Equal(t, 5, r.code, r.stderr)
			assert.Contains(t, r.stderr, "content")
		})
	}
}

// Hole 9: a librarian fact whose text contradicts its quote is not stored.
func TestFactsContradictingTheirQuoteAreRejected(t *testing.T) {
	const plain, hedged = "REALM reduces extraction error by 39% on the test set", "REALM may reduce extraction error by 39% on the test set"
	for _, c := range []struct{ text, quote string }{
		{"REALM does not reduce extraction error by 39%.", plain},                 // negation added
		{"REALM reduces extraction error by 39% because it learns early.", plain}, // cause added
		{"REALM reduces extraction error by 39% more than the baseline.", plain},  // comparison added
		{"REALM reduces extraction error by 39%.", hedged},                        // hedge dropped
		{"The weather was fine.", plain},                                          // says something else
	} {
		t.Run(c.text, func(t *testing.T) {
			e, srv := openaiEnv(t)
			doc := e.writeFile("realm.md", "Our experiments show that "+c.quote+".\n")
			srv.SetHandler(librarian(`{"facts":[{"text":"` + c.text + `","quote":"` + c.quote + `","page":1,"kind":"finding"}]}`))
			e.ok("doc", "add", doc)
			e.ok("facts", "extract", "D1")
			assertNoFactOf(t, e, "D1")
		})
	}
}

// Hole 10: edits are held to the spec's length and must_use.
func TestEditsKeepToTheSpec(t *testing.T) {
	spec := "section: results\nintent: Report.\nfacts: [F1, F2, F3]\nmust_use: [F1]\nlength: {min_sentences: 1, max_sentences: 2}\n"
	for _, c := range []struct{ name, edit, want string }{
		{"too many sentences", strings.Repeat("REALM reduces extraction error by 39% [F1].\n", 40), "length.max_sentences"},
		{"must-use fact dropped", "The trial enrolled 120 adult patients [F2].\n", "must_use"},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t)
			manualFacts(e)
			e.ok("para", "generate", e.writeFile("s.yaml", spec))
			r := e.run("para", "edit", "P1", "--file", e.writeFile("edit.txt", c.edit))
			assert.Equal(t, 2, r.code)
			assert.Contains(t, r.stderr, c.want)
			assert.Contains(t, r.stderr, "nothing was changed")
			var tr struct {
				Revisions []json.RawMessage `json:"revisions"`
			}
			e.json(&tr, "para", "trace", "P1")
			assert.Len(t, tr.Revisions, 1, "no revision was added")
			assert.Equal(t, "verified", paraState(e, "P1"))
		})
	}
}
