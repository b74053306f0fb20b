package cassette_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/opusblocks/opus/internal/contract"
	"github.com/opusblocks/opus/internal/llm"
	"github.com/opusblocks/opus/internal/llm/cassette"
	"github.com/opusblocks/opus/internal/llm/offline"
)

func req(sentence string) llm.Request {
	f := contract.Fact{ID: "F1", Text: "The trial enrolled 120 patients.", Quote: "We enrolled 120 patients in the trial"}
	return llm.Request{Agent: contract.Verifier, PromptVersion: "verifier-1", Model: "offline-1",
		Input: contract.VerifierInput{Items: []contract.VerifyItem{{Index: 0, Sentence: sentence, Facts: []contract.Fact{f}}}}}
}

func TestRecordThenReplay(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "c.jsonl")
	rec, err := cassette.NewRecorder(offline.New(), path)
	require.NoError(t, err)
	want, err := rec.Complete(ctx, req("The trial enrolled 120 patients."))
	require.NoError(t, err)
	_, err = rec.Complete(ctx, req("The trial enrolled 120 patients.")) // same request: one entry
	require.NoError(t, err)
	require.NoError(t, rec.Close())
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, 1, countLines(b))

	rp, err := cassette.Open(path)
	require.NoError(t, err)
	assert.Equal(t, "replay", rp.Name())
	got, err := rp.Complete(ctx, req("The trial enrolled 120 patients."))
	require.NoError(t, err)
	assert.JSONEq(t, string(want.Output), string(got.Output))
	assert.Equal(t, want.Model, got.Model)

	changed := req("The trial enrolled 120 patients.")
	changed.PromptVersion = "verifier-2"
	_, err = rp.Complete(ctx, changed)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "verifier request (prompt verifier-2")
	assert.Contains(t, err.Error(), "re-record")
}

func TestBadCassettes(t *testing.T) {
	_, err := cassette.Open(filepath.Join(t.TempDir(), "none.jsonl"))
	assert.ErrorContains(t, err, "does not exist")
	bad := filepath.Join(t.TempDir(), "bad.jsonl")
	require.NoError(t, os.WriteFile(bad, []byte("{\"input_hash\":\"a\",\"output\":{}}\nnot json\n"), 0o600))
	_, err = cassette.Open(bad)
	assert.ErrorContains(t, err, "line 2")
}

func countLines(b []byte) int {
	n := 0
	for _, c := range b {
		if c == '\n' {
			n++
		}
	}
	return n
}
