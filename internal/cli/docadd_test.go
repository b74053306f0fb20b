package cli_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// A file that is not there is "not found" (exit 3), in one line that names
// it, whether it is the only argument or one of several.
func TestDocAddMissingFileIsNotFound(t *testing.T) {
	e := newEnv(t)
	missing := filepath.Join(e.home, "nonexistent.pdf")
	r := e.run("doc", "add", missing)
	assert.Equal(t, 3, r.code)
	assert.Equal(t, "opus: "+missing+": no such file; check the path\n", r.stderr)
	assert.Empty(t, r.stdout)

	r = e.run("doc", "add", missing, e.writeFile("notes.md", "Some notes about the trial were written down here."))
	assert.Equal(t, 3, r.code)
	assert.Contains(t, r.stderr, "opus: "+missing+": no such file; check the path\n")
	assert.Contains(t, r.stdout, "D1  notes.md", "the other file is added")
	assert.Len(t, strings.Split(strings.TrimSpace(r.stderr), "\n"), 2, "one line per failure, one summary")
}
