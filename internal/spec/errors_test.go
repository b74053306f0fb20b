package spec

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Field names come from the document; the message must stay one line and
// must not carry control characters to a terminal.
func TestErrorEscapesFieldNames(t *testing.T) {
	_, err := Parse([]byte("section: results\nintent: x\nfacts: [F1]\n\"a\\nb\\e[31m\\u202E\": 1\n"))
	require.Error(t, err)
	assert.Equal(t, `invalid spec: /a\nb\x1b[31m\u202e: unknown field`, err.Error())
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "/a\nb\x1b[31m\u202E", ve.Problems[0].Path, "the structured form keeps the name as written")
}
