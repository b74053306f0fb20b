package cli_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func (e *env) configFile(text string) string {
	p := filepath.Join(e.home, "config", "opus", "config.yaml")
	require.NoError(e.t, os.MkdirAll(filepath.Dir(p), 0o700))
	require.NoError(e.t, os.WriteFile(p, []byte(text), 0o600))
	return p
}

// A typo in the config file is an error naming the key, the file and the
// line, for every command; nothing runs on a misread configuration.
func TestConfigTypoIsAnError(t *testing.T) {
	e := newEnv(t)
	path := e.configFile("model: m\nmodels:\n  librarain: big-model\n")
	r := e.run("doc", "list")
	assert.Equal(t, 2, r.code)
	assert.Contains(t, r.stderr, path)
	assert.Contains(t, r.stderr, `line 3: unknown key "models.librarain" (did you mean "models.librarian"?)`)
	assert.Empty(t, r.stdout)
	_, err := os.Stat(filepath.Join(e.home, "data", "opus.db"))
	assert.True(t, os.IsNotExist(err), "no database was created")
}

func TestConfigCommands(t *testing.T) {
	e := newEnv(t)
	path := e.ok("config", "path")
	assert.Contains(t, path, filepath.Join(e.home, "config", "opus", "config.yaml"))
	assert.Contains(t, path, "does not exist yet")

	e.ok("config", "set", "jobs.workers", "4")
	e.ok("config", "set", "prices.models.gpt-4.1-mini.input", "0.4")
	assert.Equal(t, "4\n", e.ok("config", "get", "jobs.workers"))
	assert.Equal(t, "0.4\n", e.ok("config", "get", "prices.models.gpt-4.1-mini.input"))

	r := e.run("config", "set", "jobs.wrokers", "4")
	assert.Equal(t, 2, r.code)
	assert.Contains(t, r.stderr, `did you mean "jobs.workers"`)
	r = e.run("config", "set", "jobs.workers", "many")
	assert.Equal(t, 2, r.code)
	assert.Contains(t, r.stderr, "nothing was changed")

	t.Setenv("OPUS_OPENAI_TIMEOUT", "5s")
	var list []struct{ Key, Value, Source string }
	e.json(&list, "config", "list")
	sources := map[string]string{}
	for _, s := range list {
		sources[s.Key] = s.Source + "=" + s.Value
	}
	assert.Equal(t, "file=4", sources["jobs.workers"])
	assert.Equal(t, "env=5s", sources["openai.timeout"])
	assert.Equal(t, "default=3", sources["jobs.max_attempts"])
}

// A profile that does not exist is an error with the fix, not a new empty
// tenant; names are case-insensitive.
func TestProfileTypoIsAnError(t *testing.T) {
	e := newEnv(t)
	e.ok("profile", "add", "Alice")
	e.ok("--profile", "alice", "facts", "add", "A fact of Alice's, 12 mg.", "--source", "notes")

	for _, args := range [][]string{{"--profile", "alcie", "facts", "list"}, {"profile", "use", "alcie"}} {
		r := e.run(args...)
		assert.Equal(t, 3, r.code, args)
		assert.Contains(t, r.stderr, "opus profile add alcie")
	}
	t.Setenv("OPUS_PROFILE", "alcie")
	r := e.run("facts", "list")
	assert.Equal(t, 3, r.code)
	t.Setenv("OPUS_PROFILE", "")

	var facts []fact
	e.json(&facts, "--profile", "ALICE", "facts", "list")
	assert.Len(t, facts, 1, "names are case-insensitive")
	r = e.run("profile", "add", "alice")
	assert.Equal(t, 4, r.code)
	var profiles []struct{ Name string }
	e.json(&profiles, "profile", "list")
	assert.Len(t, profiles, 2, "default and alice, nothing made by the typos")
}

func TestVersion(t *testing.T) {
	e := newEnv(t)
	out := e.ok("version")
	assert.Regexp(t, regexp.MustCompile(`^opus \S+ .*go1\.\d+`), out)
	assert.Equal(t, out, e.ok("--version"))
	var v struct {
		Version   string `json:"version"`
		GoVersion string `json:"go_version"`
		Platform  string `json:"platform"`
	}
	require.NoError(t, json.Unmarshal([]byte(e.ok("version", "--json")), &v))
	assert.NotEmpty(t, v.Version)
	assert.Regexp(t, `^go1\.`, v.GoVersion)
	assert.Contains(t, v.Platform, "/")
}

// With an API key and no model, commands that call no model work; OpenAI's
// own endpoint has a default model; another server needs one named.
func TestModelsWithoutAModel(t *testing.T) {
	e := newEnv(t)
	t.Setenv("OPENAI_API_KEY", "sk-test")
	t.Setenv("OPENAI_BASE_URL", "")
	e.ok("doc", "list")
	var models []struct {
		Agent, Provider, Model string
	}
	e.json(&models, "models")
	require.Len(t, models, 3)
	for _, m := range models {
		assert.Equal(t, "openai", m.Provider)
		assert.Equal(t, "gpt-4.1-mini", m.Model)
	}

	t.Setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
	e.ok("para", "list")
	r := e.run("para", "generate", e.writeFile("s.yaml", "section: results\nintent: x\nfacts: [F1]\n"))
	assert.Equal(t, 2, r.code)
	assert.Contains(t, r.stderr, "no model configured for http://127.0.0.1:9/v1")
	var jobs []json.RawMessage
	e.json(&jobs, "jobs", "list")
	assert.Empty(t, jobs, "no job was created")
}
