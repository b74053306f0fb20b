package config

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// isolated clears the OPUS_* variables a developer may have set.
func isolated(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", dir)
	for _, k := range Keys() {
		t.Setenv(envName(k.Name), "")
	}
	t.Setenv("OPUS_CONFIG", "")
	return filepath.Join(dir, "opus", "config.yaml")
}

func write(t *testing.T, path, text string) {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o700))
	require.NoError(t, os.WriteFile(path, []byte(text), 0o600))
}

func TestDefaultsWithoutAFile(t *testing.T) {
	isolated(t)
	l, err := Load("", nil)
	require.NoError(t, err)
	assert.False(t, l.Exists)
	assert.Equal(t, Default(), l.Config)
	assert.Equal(t, FromDefault, l.Source("jobs.workers"))
}

func TestTyposAreErrorsNamingKeyFileAndLine(t *testing.T) {
	for _, c := range []struct{ file, want string }{
		{"modl: gpt-4.1\n", `line 1: unknown key "modl" (did you mean "model"?)`},
		{"models:\n  writer: a\n  librarain: b\n", `line 3: unknown key "models.librarain" (did you mean "models.librarian"?)`},
		{"openai:\n  timeot: 3s\n", `unknown key "openai.timeot" (did you mean "openai.timeout"?)`},
		{"prices:\n  models:\n    gpt-4.1: {input: 1, outptu: 2}\n", `unknown key "prices.models.gpt-4.1.outptu" (did you mean "prices.models.gpt-4.1.output"?)`},
		{"zzz: 1\n", `unknown key "zzz";`},
		{"- a\n- b\n", "expected keys and values"},
		{"model: [\n", "not valid YAML"},
	} {
		path := isolated(t)
		write(t, path, c.file)
		_, err := Load("", nil)
		require.Error(t, err, c.file)
		assert.Contains(t, err.Error(), path)
		assert.Contains(t, err.Error(), c.want)
		assert.NotContains(t, err.Error(), "\n")
	}
}

func TestLayersAndTypes(t *testing.T) {
	path := isolated(t)
	write(t, path, `# my settings
model: from-file
jobs:
  workers: 4
  backoff: 250ms
openai:
  timeout: 30s
prices:
  version: v1
  models:
    gpt-4.1-mini: {input: 0.4, cached_input: 0.1, output: 1.6}
    Qwen/Qwen2.5-7B: {input: 0, output: 0}
`)
	t.Setenv("OPUS_JOBS_WORKERS", "6")
	l, err := Load("", map[string]string{"model": "from-flag"})
	require.NoError(t, err)
	assert.Equal(t, "from-flag", l.Model)
	assert.Equal(t, FromFlag, l.Source("model"))
	assert.Equal(t, 6, l.Jobs.Workers, "environment over file")
	assert.Equal(t, FromEnv, l.Source("jobs.workers"))
	assert.Equal(t, 250*time.Millisecond, l.Jobs.Backoff)
	assert.Equal(t, FromFile, l.Source("jobs.backoff"))
	assert.Equal(t, 30*time.Second, l.OpenAI.Timeout)
	assert.Equal(t, 3, l.Jobs.MaxAttempts, "default")
	require.Contains(t, l.Prices.Models, "gpt-4.1-mini", "a dotted model name stays one key")
	assert.Equal(t, Price{Input: 0.4, CachedInput: 0.1, Output: 1.6}, l.Prices.Models["gpt-4.1-mini"])
	v, err := l.Get("prices.models.gpt-4.1-mini.output")
	require.NoError(t, err)
	assert.Equal(t, "1.6", v)
}

func TestBadValuesNameKeyAndSource(t *testing.T) {
	path := isolated(t)
	t.Setenv("OPUS_JOBS_WORKERS", "many")
	_, err := Load("", nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "jobs.workers")
	assert.Contains(t, err.Error(), "OPUS_JOBS_WORKERS")

	t.Setenv("OPUS_JOBS_WORKERS", "")
	write(t, path, "limits:\n  pages: 0\n")
	_, err = Load("", nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "limits.pages")
	assert.Contains(t, err.Error(), path)

	_, err = Load(filepath.Join(t.TempDir(), "missing.yaml"), nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "does not exist")
}

func TestSetKeepsTheFileAndRefusesTypos(t *testing.T) {
	path := isolated(t)
	write(t, path, "# keep me\nmodel: a # and me\n")
	l, err := Load("", nil)
	require.NoError(t, err)
	require.NoError(t, l.Set("jobs.workers", "5"))
	require.NoError(t, l.Set("model", "b"))
	require.NoError(t, l.Set("prices.models.gpt-4.1.input", "2"))
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Contains(t, string(data), "# keep me")
	l, err = Load("", nil)
	require.NoError(t, err)
	assert.Equal(t, 5, l.Jobs.Workers)
	assert.Equal(t, "b", l.Model)
	assert.Equal(t, 2.0, l.Prices.Models["gpt-4.1"].Input)

	before, _ := os.ReadFile(path)
	err = l.Set("jobs.wrokers", "5")
	require.Error(t, err)
	assert.Contains(t, err.Error(), `did you mean "jobs.workers"`)
	err = l.Set("jobs.workers", "lots")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "nothing was changed")
	after, _ := os.ReadFile(path)
	assert.Equal(t, string(before), string(after))
}

func TestSetCreatesTheFile(t *testing.T) {
	path := isolated(t)
	l, err := Load("", nil)
	require.NoError(t, err)
	require.NoError(t, l.Set("openai.base_url", "http://localhost:11434/v1"))
	l, err = Load("", nil)
	require.NoError(t, err)
	assert.True(t, l.Exists)
	assert.Equal(t, path, l.File)
	assert.Equal(t, "http://localhost:11434/v1", l.OpenAI.BaseURL)
}

func TestListHidesSecrets(t *testing.T) {
	path := isolated(t)
	write(t, path, "openai:\n  api_key: sk-secret-1234\n")
	l, err := Load("", nil)
	require.NoError(t, err)
	for _, s := range l.List() {
		assert.NotContains(t, s.Value, "sk-secret")
	}
}
