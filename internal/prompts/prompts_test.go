package prompts

import (
	"crypto/sha256"
	"encoding/hex"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/opusblocks/opus/internal/contract"
)

// Each prompt's text is pinned to its version: editing a prompt without
// bumping its version fails here, so no prompt change goes unmeasured.
// After bumping the version, record the new hash below.
var pinned = map[string]string{
	"librarian-1": "f528f707c645b245e74003251c4697158d4cdb1e56d1297e2781f98b9cacde3b",
	"writer-1":    "cd55a7ce9c0dcff8a84d7f60564560e408c10e5de2673f5bcd79519478ae7f61",
	"writer-2":    "f999bf9f8bcc340aca2dded6f9c0af3495a14f79f61668283e45f21d93e7096f",
	"verifier-1":  "f912ab7962b36e4f918ab05265e124d8819849f56f6f2a6de9fd1bec9ed4a347",
}

func TestPromptTextIsPinnedToVersion(t *testing.T) {
	all, err := All()
	require.NoError(t, err)
	for a, p := range all {
		sum := sha256.Sum256([]byte(p.Template))
		got := hex.EncodeToString(sum[:])
		want, ok := pinned[p.Version]
		require.Truef(t, ok, "%s prompt has version %q, which is not pinned; add it to pinned", a, p.Version)
		require.Equalf(t, want, got, "prompts/%s.md changed without a version bump (version %s)", a, p.Version)
	}
}

func TestRenderEveryAgent(t *testing.T) {
	f := contract.Fact{ID: "F3", Text: "LDL fell 38%.", Quote: "LDL-C was reduced by 38%"}
	cases := map[contract.Agent]any{
		contract.Librarian: contract.LibrarianInput{DocumentTitle: "Trial", Pages: []contract.Page{{No: 4, Text: "page four text"}}},
		contract.Writer: contract.WriterInput{Section: "results", Intent: "Report it.", Length: contract.Length{MinSentences: 2, MaxSentences: 5},
			Style: &contract.Style{Tense: "past"}, MustUse: []string{"F3"}, Facts: []contract.Fact{f},
			Previous: []contract.Sentence{{Text: "LDL fell 48% [F3].", FactIDs: []string{"F3"}}}, Rejected: []contract.Rejected{{Index: 0, Reason: "number 48%"}}},
		contract.Verifier: contract.VerifierInput{Items: []contract.VerifyItem{{Index: 0, Sentence: "LDL fell 38% [F3].", Facts: []contract.Fact{f}}}},
	}
	for a, in := range cases {
		text, version, err := Render(a, in)
		require.NoError(t, err, a)
		require.NotEmpty(t, version)
		require.NotContains(t, text, "<no value>", a)
		switch a {
		case contract.Librarian:
			require.Contains(t, text, "=== page 4 ===")
		case contract.Writer:
			require.Contains(t, text, "[F3] LDL fell 38%.")
			require.Contains(t, text, "sentence 0: number 48%")
		case contract.Verifier:
			require.Contains(t, text, "Sentence: LDL fell 38% [F3].")
		}
	}
}
