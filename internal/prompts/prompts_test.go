package prompts

import (
	"crypto/sha256"
	"encoding/hex"
	"testing"

	"github.com/stretchr/testify/require"
)

// Each prompt's text is pinned to its version: editing a prompt without
// bumping its version fails here, so no prompt change goes unmeasured.
// After bumping the version, record the new hash below.
var pinned = map[string]string{
	"librarian-1": "f528f707c645b245e74003251c4697158d4cdb1e56d1297e2781f98b9cacde3b",
	"writer-1":    "cd55a7ce9c0dcff8a84d7f60564560e408c10e5de2673f5bcd79519478ae7f61",
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
