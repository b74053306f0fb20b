package cli_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/opusblocks/opus/internal/llm/llmtest"
)

const apiKey = "sk-test-SECRET-4242"

// openaiEnv points opus at a fake OpenAI-compatible server, as a user would
// point it at Ollama or vLLM: OPENAI_API_KEY, OPENAI_BASE_URL and a config file.
func openaiEnv(t *testing.T) (*env, *llmtest.Server) {
	e := newEnv(t)
	srv := llmtest.NewServer(t)
	t.Setenv("OPENAI_API_KEY", apiKey)
	t.Setenv("OPENAI_BASE_URL", srv.URL)
	cfg := `model: gpt-test
openai:
  timeout: 500ms
  max_retry_delay: 20ms
jobs:
  backoff: 10ms
prices:
  version: test-prices-1
  models:
    gpt-test-2026: {input: 2.0, cached_input: 0.5, output: 8.0}
`
	require.NoError(t, os.MkdirAll(filepath.Join(e.home, "config", "opus"), 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(e.home, "config", "opus", "config.yaml"), []byte(cfg), 0o600))
	e.ok("facts", "add", "The trial enrolled 120 adult patients.", "--source", "registry")
	e.ok("facts", "add", "The trial ran at four centres.", "--source", "registry")
	e.ok("facts", "add", "A secret unrelated fact about zebrafish.", "--source", "lab")
	return e, srv
}

const goodDraft = `{"sentences":[{"text":"The trial enrolled 120 adult patients [F1].","fact_ids":["F1"]},` +
	`{"text":"The trial ran at four centres [F2].","fact_ids":["F2"]}]}`

// model answers like a well-behaved model: the writer's draft, and a
// verifier that supports every sentence (the guards still apply).
func model(writer string) func(llmtest.ChatRequest) llmtest.Reply {
	return func(r llmtest.ChatRequest) llmtest.Reply {
		switch r.Agent() {
		case "writer":
			return llmtest.Reply{Body: llmtest.Completion(writer, "gpt-test-2026", 1000, 100, 400)}
		case "verifier":
			var vs []string
			for i := range r.Sentences() {
				vs = append(vs, fmt.Sprintf(`{"index":%d,"supported":true,"reason":"stated by the fact","unsupported_span":null}`, i))
			}
			return llmtest.Reply{Body: llmtest.Completion(`{"verdicts":[`+strings.Join(vs, ",")+`]}`, "gpt-test-2026", 300, 30, 0)}
		}
		return llmtest.Reply{Status: http.StatusBadRequest, Body: llmtest.APIError("unexpected agent", "invalid_request_error")}
	}
}

type fullRun struct {
	runRow
	Model        string  `json:"model"`
	TokensIn     int     `json:"tokens_in"`
	TokensOut    int     `json:"tokens_out"`
	TokensCached int     `json:"tokens_cached"`
	CostUSD      float64 `json:"cost_usd"`
	PriceVersion string  `json:"price_version"`
	Error        string  `json:"error"`
}

func TestOpenAIProviderEndToEnd(t *testing.T) {
	e, srv := openaiEnv(t)
	srv.SetHandler(model(goodDraft))
	spec := e.writeFile("spec.yaml", "section: methods\nintent: Describe the trial.\nfacts: [F1, F2]\n")

	var v paraView
	e.json(&v, "para", "generate", spec)
	assert.Equal(t, "verified", v.State)
	assert.Equal(t, 3, srv.Calls(), "one writer call and one verifier call per sentence")

	var runs []fullRun
	e.json(&runs, "runs", "list", "--job", "J1")
	require.Len(t, runs, 3)
	for _, r := range runs {
		assert.Equal(t, "openai", r.Prov)
		assert.Equal(t, "ok", r.Status)
		assert.Equal(t, "gpt-test-2026", r.Model, "the model as answered")
		assert.Equal(t, "test-prices-1", r.PriceVersion)
		assert.Positive(t, r.CostUSD)
	}
	writer := runs[len(runs)-1]
	assert.Equal(t, "writer", writer.Agent)
	assert.Equal(t, 1000, writer.TokensIn)
	assert.Equal(t, 400, writer.TokensCached)
	assert.InDelta(t, (600*2.0+400*0.5+100*8.0)/1e6, writer.CostUSD, 1e-12)

	// Contract §2 through the real client: the writer request holds the
	// allowed facts and not F3.
	for _, r := range srv.Requests() {
		if r.Agent() == "writer" {
			assert.Contains(t, r.Prompt(), "[F1] The trial enrolled 120 adult patients.")
			assert.NotContains(t, string(r.Raw), "zebrafish")
			assert.Equal(t, "gpt-test", r.Model)
			assert.Equal(t, "Bearer "+apiKey, r.Header.Get("Authorization"))
		}
	}

	// The same spec at temperature 0: answered from the runs cache.
	e.json(&v, "para", "generate", spec)
	assert.Equal(t, "verified", v.State)
	assert.Equal(t, 3, srv.Calls(), "no call reaches the server")

	assertKeyNowhere(t, e)
}

func TestOpenAIFailures(t *testing.T) {
	t.Run("writer citing a fact outside the allowed set", func(t *testing.T) {
		e, srv := openaiEnv(t)
		bad := `{"sentences":[{"text":"Zebrafish were studied [F3].","fact_ids":["F3"]}]}`
		srv.SetHandler(model(bad))
		r := e.run("para", "generate", e.writeFile("s.yaml", "section: methods\nintent: x\nfacts: [F1, F2]\n"), "--json")
		assert.NotEqual(t, 0, r.code)
		assert.NotContains(t, r.stdout, "Zebrafish")
		var p []paraView
		e.json(&p, "para", "list")
		assert.Equal(t, "failed", p[0].State)
		var runs []fullRun
		e.json(&runs, "runs", "list", "--job", "J1")
		assert.Len(t, runs, 6, "3 job attempts × (answer + one repair)")
		for _, run := range runs {
			assert.Equal(t, "invalid_output", run.Status)
		}
		assert.Equal(t, 6, srv.Calls())
		show := e.run("para", "show", "P1")
		assert.Equal(t, 5, show.code)
		assert.NotContains(t, show.stdout+show.stderr, "Zebrafish were studied")
		assertKeyNowhere(t, e)
	})
	// A first writer answer that breaks the contract is repaired once, with
	// the validation error in the repair request, and the paragraph verifies.
	for _, c := range []struct{ name, first, wantErr string }{
		{"malformed JSON", llmtest.Completion(`{"sentences": [`, "gpt-test-2026", 10, 2, 0), "invalid JSON"},
		{"schema violation", llmtest.Completion(`{"sentences":[{"text":"The trial enrolled 120 adult patients [F1]."}]}`, "gpt-test-2026", 10, 2, 0), "/sentences/0/fact_ids: required"},
		{"refusal", llmtest.Refusal("I can't help with that."), "refus"},
	} {
		t.Run(c.name+", then a valid repair", func(t *testing.T) {
			e, srv := openaiEnv(t)
			srv.Enqueue(llmtest.Reply{Body: c.first})
			srv.SetHandler(model(goodDraft))
			var v paraView
			e.json(&v, "para", "generate", e.writeFile("s.yaml", "section: methods\nintent: x\nfacts: [F1, F2]\n"))
			assert.Equal(t, "verified", v.State)
			var runs []fullRun
			e.json(&runs, "runs", "list", "--agent", "writer")
			require.Len(t, runs, 2)
			assert.Equal(t, "ok", runs[0].Status)
			assert.Equal(t, "invalid_output", runs[1].Status)
			assert.Contains(t, runs[1].Error, c.wantErr)
			var repair string
			for _, r := range srv.Requests() {
				if r.Agent() == "writer" && len(r.Messages) > 2 {
					repair = r.Messages[len(r.Messages)-1].Content
				}
			}
			assert.Contains(t, repair, c.wantErr, "the repair request carries the validation error")
		})
	}
	t.Run("verifier call past the timeout is retried by the job", func(t *testing.T) {
		e, srv := openaiEnv(t)
		var slowed atomic.Bool
		one := `{"sentences":[{"text":"The trial enrolled 120 adult patients [F1].","fact_ids":["F1"]}]}`
		srv.SetHandler(func(r llmtest.ChatRequest) llmtest.Reply {
			reply := model(one)(r)
			if r.Agent() == "verifier" && slowed.CompareAndSwap(false, true) {
				reply.Delay = 2 * time.Second
			}
			return reply
		})
		var v paraView
		e.json(&v, "para", "generate", e.writeFile("s.yaml", "section: methods\nintent: x\nfacts: [F1]\nlength: {min_sentences: 1}\n"))
		assert.Equal(t, "verified", v.State)
		var j struct {
			Attempt int `json:"attempt"`
		}
		e.json(&j, "jobs", "show", "J1")
		assert.Equal(t, 2, j.Attempt)
		var runs []fullRun
		e.json(&runs, "runs", "list", "--agent", "verifier")
		require.NotEmpty(t, runs)
		assert.Equal(t, "error", runs[len(runs)-1].Status)
		assert.Contains(t, runs[len(runs)-1].Error, "timed out")
	})
	t.Run("401 fails the job at once, naming the fix", func(t *testing.T) {
		e, srv := openaiEnv(t)
		srv.SetHandler(func(r llmtest.ChatRequest) llmtest.Reply {
			return llmtest.Reply{Status: 401, Body: llmtest.APIError("Incorrect API key provided: "+r.Header.Get("Authorization"), "invalid_request_error")}
		})
		r := e.run("para", "generate", e.writeFile("s.yaml", "section: methods\nintent: x\nfacts: [F1, F2]\n"))
		assert.NotEqual(t, 0, r.code)
		assert.Contains(t, r.stderr, "OPENAI_API_KEY")
		assert.Equal(t, 1, srv.Calls(), "not retried")
		var j struct {
			Attempt int    `json:"attempt"`
			State   string `json:"state"`
		}
		e.json(&j, "jobs", "show", "J1")
		assert.Equal(t, "failed", j.State)
		assert.Equal(t, 1, j.Attempt)
		assertKeyNowhere(t, e)
	})
}

// assertKeyNowhere checks the database file, every run body and the
// outputs of the listing commands for the API key.
func assertKeyNowhere(t *testing.T, e *env) {
	t.Helper()
	db, err := os.ReadFile(filepath.Join(e.home, "data", "opus.db"))
	require.NoError(t, err)
	assert.NotContains(t, string(db), apiKey)
	wal, _ := os.ReadFile(filepath.Join(e.home, "data", "opus.db-wal"))
	assert.NotContains(t, string(wal), apiKey)
	var runs []runRow
	e.json(&runs, "runs", "list")
	for _, r := range runs {
		out := e.ok("runs", "show", r.ID, "--diagnostics", "--json")
		assert.NotContains(t, out, apiKey)
		assert.True(t, json.Valid([]byte(out)))
	}
	for _, args := range [][]string{{"jobs", "list", "--json"}, {"para", "list", "--json"}, {"runs", "stats", "--json"}} {
		r := e.run(args...)
		assert.NotContains(t, r.stdout+r.stderr, apiKey)
	}
}
