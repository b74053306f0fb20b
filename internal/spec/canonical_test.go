package spec

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// YAML escapes let a spec hold characters that encoding/json writes raw
// and the YAML reader refuses or folds; the stored canonical form must
// still parse to the same spec, or the paragraph's job fails for good.
func TestCanonicalRoundTripsControlCharacters(t *testing.T) {
	for _, esc := range []string{`\x7f`, `\x80`, `\x85`, `\x9f`, `\uFEFF`, `\uFFFE`, `\uFFFF`, `\u2028`, `\0`, `\e`, `\t`} {
		t.Run(esc, func(t *testing.T) {
			s, err := Parse([]byte("section: results\nfacts: [F1]\nintent: \"a" + esc + "b\"\ntitle: \"" + esc + "x\"\n"))
			require.NoError(t, err)
			again, err := Parse(s.Canonical())
			require.NoError(t, err, "%s", s.Canonical())
			assert.Equal(t, s, again)
			assert.Equal(t, s.Hash(), again.Hash())
		})
	}
}

func TestCanonicalPlainTextUnchanged(t *testing.T) {
	s, err := Parse([]byte("section: results\nfacts: [F1]\nintent: \"LDL < 100 & ٣٩% \u00a0ﬁ\u200d\"\n"))
	require.NoError(t, err)
	assert.Equal(t, "{\"facts\":[\"F1\"],\"intent\":\"LDL < 100 & ٣٩% \u00a0ﬁ\u200d\",\"length\":{\"max_sentences\":8,\"min_sentences\":2},\"section\":\"results\"}", string(s.Canonical()))
}
