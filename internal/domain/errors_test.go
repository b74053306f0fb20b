package domain

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestUserErrorsAreOneLine(t *testing.T) {
	cause := errors.New("failed to connect:\n\t127.0.0.1:1: refused\n\t127.0.0.1:1: refused")
	e := Wrap(cause, Unavailable, "cannot reach the database: %v", cause)
	assert.Equal(t, "cannot reach the database: failed to connect; 127.0.0.1:1: refused; 127.0.0.1:1: refused", e.Error())
	assert.Equal(t, Unavailable, ErrorCode(e))
	assert.Equal(t, "internal error: boom; more", ErrorMessage(errors.New("boom\nmore")))
	assert.Equal(t, Internal, ErrorCode(errors.New("x")))
}

func TestParseHandle(t *testing.T) {
	n, err := ParseHandle(FactPrefix, "f12")
	assert.NoError(t, err)
	assert.EqualValues(t, 12, n)
	for _, bad := range []string{"", "F", "F0", "F-1", "D3", "F1x", "12"} {
		_, err := ParseHandle(FactPrefix, bad)
		assert.Equal(t, Invalid, ErrorCode(err), bad)
	}
}
