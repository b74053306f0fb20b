package cli_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// facts search: any of the words by default, --all-words for every word,
// and an empty result says so on stderr (stdout stays a table or JSON).
func TestFactsSearch(t *testing.T) {
	e := newEnv(t)
	e.ok("facts", "add", "Anaemia was common at baseline.", "--source", "notes")       // F1
	e.ok("facts", "add", "Anemia improved with oral iron.", "--source", "notes")       // F2
	e.ok("facts", "add", "Patients were randomised to two arms.", "--source", "notes") // F3

	var fs []fact
	e.json(&fs, "facts", "search", "anaemia", "anemia")
	assert.ElementsMatch(t, []string{"F1", "F2"}, []string{fs[0].ID, fs[1].ID})
	e.json(&fs, "facts", "search", "iron anemia", "--all-words")
	assert.Len(t, fs, 1)
	e.json(&fs, "facts", "search", "patient")
	assert.Equal(t, "F3", fs[0].ID)

	r := e.run("facts", "search", "anaemia anemia", "--all-words")
	assert.Equal(t, 0, r.code)
	assert.NotContains(t, r.stdout, "F1")
	assert.Equal(t, "opus: no fact holds all of the words of \"anaemia anemia\"\n", r.stderr)
	r = e.run("facts", "search", "zebrafish", "--json")
	assert.Equal(t, 0, r.code)
	assert.Equal(t, "[]", strings.TrimSpace(r.stdout))
	assert.Contains(t, r.stderr, "no fact holds any of the words")
	r = e.run("facts", "search", `"iron*" OR NEAR(x`)
	assert.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, "F2")

	r = e.run("facts", "search", "the of")
	assert.Equal(t, 2, r.code)
	assert.Contains(t, r.stderr, "common words")
}
