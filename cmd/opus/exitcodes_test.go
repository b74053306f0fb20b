package main

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Every exit code the README documents, through the binary: 0 ok, 1
// internal, 2 invalid input, 3 not found, 4 conflict, 5 not verified, 6
// unavailable, 130 cancelled. Each error is one line on stderr.
func TestExitCodes(t *testing.T) {
	home := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(home, "cfg", "opus"), 0o700))
	run := func(env []string, args ...string) (int, string) {
		c := opusCmd(home, args...)
		c.Env = append(c.Env, env...)
		var stderr strings.Builder
		c.Stderr = &stderr
		err := c.Run()
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return exit.ExitCode(), stderr.String()
		}
		require.NoError(t, err)
		return 0, stderr.String()
	}
	spec := filepath.Join(home, "spec.yaml")
	require.NoError(t, os.WriteFile(spec, []byte("section: results\nintent: x\nfacts: [F1]\nlength: {min_sentences: 1}\n"), 0o600))
	edit := filepath.Join(home, "edit.txt")
	require.NoError(t, os.WriteFile(edit, []byte("The trial enrolled 999 adult patients [F1].\n"), 0o600))
	// A file that is not a database is the user's input; a database whose
	// pages are damaged is an internal failure (exit 1).
	junk := filepath.Join(home, "junk.db")
	require.NoError(t, os.WriteFile(junk, []byte(strings.Repeat("not a database ", 100)), 0o600))
	damagedHome := t.TempDir()
	runOK(t, damagedHome, "facts", "add", "The trial enrolled 120 adult patients.", "--source", "registry")
	damaged := filepath.Join(damagedHome, "opus.db")
	db, err := os.ReadFile(damaged)
	require.NoError(t, err)
	for i := 2 * 4096; i < min(len(db), 40*4096); i++ {
		db[i] = 0x5a
	}
	require.NoError(t, os.WriteFile(damaged, db, 0o600))
	_ = os.Remove(damaged + "-wal")
	unreachable := []string{"OPENAI_API_KEY=sk-test", "OPENAI_BASE_URL=http://127.0.0.1:9/v1", "OPUS_MODEL=m",
		"OPUS_OPENAI_MAX_RETRIES=0", "OPUS_JOBS_MAX_ATTEMPTS=1"}

	for _, c := range []struct {
		name string
		env  []string
		args []string
		want int
		say  string
	}{
		{"ok", nil, []string{"facts", "add", "The trial enrolled 120 adult patients.", "--source", "registry"}, 0, ""},
		{"generate", nil, []string{"para", "generate", spec}, 0, ""},
		{"unknown flag", nil, []string{"doc", "list", "--bogus"}, 2, "see 'opus doc list --help'"},
		{"missing argument", nil, []string{"para", "show"}, 2, "see 'opus para show --help'"},
		{"unknown command", nil, []string{"para", "shwo"}, 2, "did you mean show?"},
		{"bad spec", nil, []string{"para", "generate", edit}, 2, "invalid spec"},
		{"config typo", []string{"OPUS_JOBS_WORKERS=lots"}, []string{"doc", "list"}, 2, "jobs.workers"},
		{"unknown database scheme", nil, []string{"doc", "list", "--db", "mysql://root@localhost/opus"}, 2, "scheme \"mysql\""},
		{"no such fact", nil, []string{"facts", "show", "F99"}, 3, "F99"},
		{"no such file", nil, []string{"doc", "add", filepath.Join(home, "missing.pdf")}, 3, "no such file"},
		{"no such profile", nil, []string{"doc", "list", "--profile", "bbo"}, 3, "opus profile add bbo"},
		{"already retracted", nil, []string{"facts", "add", "A second fact about 12 centres.", "--source", "x"}, 0, ""},
		{"retract", nil, []string{"facts", "retract", "F2"}, 0, ""},
		{"retract again", nil, []string{"facts", "retract", "F2"}, 4, "already retracted"},
		{"not verified", nil, []string{"para", "edit", "P1", "--file", edit}, 5, "not verified"},
		{"model server unreachable", unreachable, []string{"para", "generate", spec}, 6, "connection to http://127.0.0.1:9/v1 failed"},
		{"not a database", nil, []string{"doc", "list", "--db", "sqlite:" + junk}, 2, "is not a SQLite database"},
		{"damaged database", nil, []string{"doc", "list", "--db", "sqlite:" + damaged}, 1, "is damaged"},
	} {
		code, stderr := run(c.env, c.args...)
		assert.Equalf(t, c.want, code, "%s: opus %s\n%s", c.name, strings.Join(c.args, " "), stderr)
		assert.Contains(t, stderr, c.say, c.name)
		if c.want != 0 {
			lines := strings.Split(strings.TrimSpace(stderr), "\n")
			last := lines[len(lines)-1]
			assert.Truef(t, strings.HasPrefix(last, "opus: "), "%s: the error is a line of its own: %q", c.name, stderr)
			assert.NotContains(t, stderr, "goroutine", c.name)
			assert.NotContainsf(t, last, "will retry", "%s: a final error does not promise a retry", c.name)
		}
	}

	// 130: a job cancelled while the command waits for it.
	out, err := opusCmd(home, "para", "generate", spec, "--detach", "--json").Output()
	require.NoError(t, err)
	var job struct {
		ID string `json:"id"`
	}
	require.NoError(t, json.Unmarshal(out, &job))
	code, _ := run(nil, "jobs", "cancel", job.ID)
	require.Equal(t, 0, code)
	code, stderr := run(nil, "jobs", "wait", job.ID)
	assert.Equal(t, 130, code, stderr)
}
