package main

import (
	"bytes"
	"flag"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/creack/pty"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite testdata/golden/*.txt from the current output")

// goldenDir holds the expected human output, one file per command.
const goldenDir = "../../testdata/golden"

// volatile matches what changes from run to run — times, trace ids —
// replaced by placeholders of the same width so that alignment is still
// compared.
var volatile = []*regexp.Regexp{
	regexp.MustCompile(`\d{4}-\d\d-\d\d[ T]\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)?`),
	regexp.MustCompile(`\b[0-9a-f]{32}\b`),
}

func normalise(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	for _, re := range volatile {
		s = re.ReplaceAllStringFunc(s, func(m string) string {
			return strings.Map(func(r rune) rune {
				if r >= '0' && r <= '9' || r >= 'a' && r <= 'f' {
					return 'N'
				}
				return r
			}, m)
		})
	}
	return s
}

var ansi = regexp.MustCompile(`\x1b\[[0-9;:?]*[A-Za-z]`)

// underTTY runs opus with its stdout on a pseudo-terminal, as a user at a
// terminal sees it: in colour.
func underTTY(t *testing.T, home string, args ...string) string {
	t.Helper()
	ptmx, tty, err := pty.Open()
	require.NoError(t, err)
	defer ptmx.Close()
	c := opusCmd(home, args...)
	// A terminal as a user has one: colour detection also looks at CI and
	// NO_COLOR, which a CI run may set.
	env := []string{"TERM=xterm-256color"}
	for _, kv := range c.Env {
		if k, _, _ := strings.Cut(kv, "="); k != "CI" && k != "NO_COLOR" && k != "TERM" && k != "CLICOLOR_FORCE" {
			env = append(env, kv)
		}
	}
	c.Env = env
	c.Stdout = tty
	var stderr bytes.Buffer
	c.Stderr = &stderr
	require.NoError(t, c.Start())
	tty.Close()
	var out bytes.Buffer
	_, _ = io.Copy(&out, ptmx) // ends with EIO when the child closes its side
	require.NoErrorf(t, c.Wait(), "opus %v: %s", args, stderr.String())
	return out.String()
}

// Human output of the listing and showing commands, against golden files,
// both in a pipe and on a terminal: colour codes must not move a column.
func TestHumanOutputGolden(t *testing.T) {
	home := t.TempDir()
	doc := filepath.Join(home, "velo-trial.md")
	require.NoError(t, os.WriteFile(doc, []byte("Results. In the trial, LDL cholesterol fell by 38% with velmorastat at week 12.\n"+
		"Myalgia was reported by 9 patients (7.5%) on velmorastat and 6 patients (5.0%) on placebo.\n"+
		"Müller et al. enrolled 240 adults aged 40 to 75 years at 14 clinics in Denmark and Sweden.\n"), 0o600))
	runOK(t, home, "doc", "add", doc)
	runOK(t, home, "facts", "extract", "D1")
	runOK(t, home, "facts", "add", "研究 (the study) ran for 24 weeks.", "--source", "Lab notebook 2024-03-02")
	spec := filepath.Join(home, "spec.yaml")
	require.NoError(t, os.WriteFile(spec, []byte("section: results\nintent: Report the primary outcome.\nfacts: [F1, F2]\nlength: {min_sentences: 1, max_sentences: 3}\n"), 0o600))
	runOK(t, home, "para", "generate", spec)
	runOK(t, home, "profile", "add", "second")

	for name, args := range map[string][]string{
		"doc-list":     {"doc", "list"},
		"doc-show":     {"doc", "show", "D1"},
		"facts-list":   {"facts", "list"},
		"facts-show":   {"facts", "show", "F4"},
		"para-show":    {"para", "show", "P1"},
		"para-list":    {"para", "list"},
		"jobs-list":    {"jobs", "list"},
		"jobs-show":    {"jobs", "show", "J1"},
		"profile-list": {"profile", "list"},
		"models":       {"models"},
	} {
		t.Run(name, func(t *testing.T) {
			plain := normalise(string(runOK(t, home, args...)))
			path := filepath.Join(goldenDir, name+".txt")
			if *update {
				require.NoError(t, os.MkdirAll(goldenDir, 0o755))
				require.NoError(t, os.WriteFile(path, []byte(plain), 0o644))
			}
			want, err := os.ReadFile(path)
			require.NoError(t, err, "run 'go test ./cmd/opus -run TestHumanOutputGolden -update' to create it")
			assert.Equal(t, string(want), plain, "piped output of opus %v", args)

			colour := underTTY(t, home, args...)
			assert.Equal(t, string(want), normalise(ansi.ReplaceAllString(colour, "")), "terminal output of opus %v, colours removed", args)
		})
	}
	// The terminal really was one: headers come out bold.
	assert.Contains(t, underTTY(t, home, "doc", "list"), "\x1b[1m")
}
