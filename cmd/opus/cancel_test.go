package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/opusblocks/opus/internal/llm/llmtest"
)

// slowModel answers like a model whose writer takes delay: the verifier
// supports everything.
func slowModel(delay time.Duration) func(llmtest.ChatRequest) llmtest.Reply {
	return func(r llmtest.ChatRequest) llmtest.Reply {
		switch r.Agent() {
		case "writer":
			draft := `{"sentences":[{"text":"The trial enrolled 120 adult patients.","fact_ids":["F1"]}]}`
			return llmtest.Reply{Body: llmtest.Completion(draft, "m", 10, 10, 0), Delay: delay}
		default:
			var vs []string
			for i := range r.Sentences() {
				vs = append(vs, fmt.Sprintf(`{"index":%d,"supported":true,"reason":"ok","unsupported_span":null}`, i))
			}
			return llmtest.Reply{Body: llmtest.Completion(`{"verdicts":[`+strings.Join(vs, ",")+`]}`, "m", 10, 10, 0)}
		}
	}
}

// Issue 7, hole 5: 'jobs cancel' from a second process stops a job that the
// first is running, and the cancellation holds: the first exits 130, and no
// later opus process runs the job to completion.
func TestCancelFromAnotherProcessIsFinal(t *testing.T) {
	srv := llmtest.NewServer(t)
	srv.SetHandler(slowModel(3 * time.Second))
	home := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(home, "cfg", "opus"), 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(home, "cfg", "opus", "config.yaml"), []byte("model: m\njobs:\n  backoff: 10ms\n"), 0o600))
	cmd := func(args ...string) *exec.Cmd {
		c := opusCmd(home, args...)
		c.Env = append(c.Env, "OPENAI_API_KEY=sk-test", "OPENAI_BASE_URL="+srv.URL)
		return c
	}
	run := func(args ...string) []byte {
		t.Helper()
		out, err := cmd(args...).CombinedOutput()
		require.NoErrorf(t, err, "opus %v: %s", args, out)
		return out
	}
	run("facts", "add", "The trial enrolled 120 adult patients.", "--source", "registry")
	spec := filepath.Join(home, "spec.yaml")
	require.NoError(t, os.WriteFile(spec, []byte("section: methods\nintent: x\nfacts: [F1]\nlength: {min_sentences: 1}\n"), 0o600))

	writer := cmd("para", "generate", spec)
	var stderr strings.Builder
	writer.Stderr = &stderr
	require.NoError(t, writer.Start())
	deadline := time.Now().Add(30 * time.Second)
	for srv.Calls() == 0 {
		require.True(t, time.Now().Before(deadline), "the writer was never called")
		time.Sleep(20 * time.Millisecond)
	}
	run("jobs", "cancel", "J1")
	start := time.Now()
	err := writer.Wait()
	t.Logf("the generating process ended %s after the cancel", time.Since(start))
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit, "stderr: %s", stderr.String())
	assert.Equal(t, 130, exit.ExitCode(), stderr.String())
	assert.Contains(t, stderr.String(), "cancelled")

	// Later processes run jobs (this one starts workers); J1 stays cancelled.
	start = time.Now()
	run("para", "generate", spec)
	t.Logf("the next generate took %s", time.Since(start))
	out, _ := cmd("jobs", "wait", "J1").CombinedOutput()
	assert.Contains(t, string(out), "cancelled")
	var jobs []struct {
		ID    string `json:"id"`
		State string `json:"state"`
	}
	require.NoError(t, json.Unmarshal(run("jobs", "list", "--json"), &jobs))
	states := map[string]string{}
	for _, j := range jobs {
		states[j.ID] = j.State
	}
	assert.Equal(t, "cancelled", states["J1"])
	assert.Equal(t, "succeeded", states["J2"])
	var paras []struct {
		ID    string `json:"id"`
		State string `json:"state"`
	}
	require.NoError(t, json.Unmarshal(run("para", "list", "--json"), &paras))
	require.Len(t, paras, 2)
	assert.Equal(t, "failed", paras[0].State, "the cancelled job's paragraph")
	assert.Equal(t, "verified", paras[1].State)
	out, err = cmd("para", "show", "P1").CombinedOutput()
	assert.Error(t, err)
	assert.NotContains(t, string(out), "120 adult patients")
}
