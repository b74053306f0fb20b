package domain

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRunJSONHasRequestAndResponseAsValues(t *testing.T) {
	resp := `{"facts":[{"text":"x"}]}`
	b, err := json.Marshal(Run{Handle: "R1", Agent: "librarian", Request: `{"agent":"librarian","input":{"pages":[]}}`, Response: &resp})
	require.NoError(t, err)
	var got map[string]any
	require.NoError(t, json.Unmarshal(b, &got))
	assert.Equal(t, "R1", got["id"])
	assert.Equal(t, "librarian", got["request"].(map[string]any)["agent"])
	assert.Len(t, got["response"].(map[string]any)["facts"], 1)

	// Text that is not a JSON document stays a string: a withheld body, a
	// model's broken answer, a bare number that JSON would also accept.
	for _, s := range []string{"[withheld: not verified; use --diagnostics]", `{"facts": [`, "42", ""} {
		s := s
		b, err := json.Marshal(Run{Request: s, Response: &s})
		require.NoError(t, err)
		require.NoError(t, json.Unmarshal(b, &got))
		assert.Equal(t, s, got["request"], "request %q", s)
		assert.Equal(t, s, got["response"], "response %q", s)
	}

	b, err = json.Marshal(Run{Request: "{}"})
	require.NoError(t, err)
	assert.NotContains(t, string(b), `"response"`, "no response, no field")
}
