package spec

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// docExample is the example of paragraph-manuscript-spec.md, comments and all.
const docExample = `section: results                 # required: abstract|introduction|methods|results|discussion|conclusion
title: Effect of drug A on LDL   # optional, <= 200 chars
intent: >                        # required, 1-1000 chars: what the paragraph must convey
  Report the primary outcome and the safety finding of the trial.
facts: [F3, F7, F9, F12]         # required: allowed_fact_ids, 1-60 distinct handles of the owner's active facts
must_use: [F3]                   # optional: subset of facts that must be cited at least once
length:                          # optional; defaults min 2, max 8
  min_sentences: 3
  max_sentences: 6
style:                           # optional
  tense: past                    # past|present
  voice: active                  # active|passive|any
  audience: specialist           # specialist|general
citations: numeric               # optional export style: numeric|author-year|none
`

func TestParseDocExample(t *testing.T) {
	s, err := Parse([]byte(docExample))
	require.NoError(t, err)
	assert.Equal(t, &Spec{
		Section:   "results",
		Title:     "Effect of drug A on LDL",
		Intent:    "Report the primary outcome and the safety finding of the trial.",
		Facts:     []string{"F3", "F7", "F9", "F12"},
		MustUse:   []string{"F3"},
		Length:    &Length{MinSentences: 3, MaxSentences: 6},
		Style:     &Style{Tense: "past", Voice: "active", Audience: "specialist"},
		Citations: "numeric",
	}, s)
}

func TestDefaults(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want Length
	}{
		{"no length", "", Length{2, 8}},
		{"empty length", "length: {}\n", Length{2, 8}},
		{"min only", "length: {min_sentences: 4}\n", Length{4, 8}},
		{"max only", "length: {max_sentences: 5}\n", Length{2, 5}},
		{"max below default min", "length: {max_sentences: 1, min_sentences: 1}\n", Length{1, 1}},
		{"integral float", "length: {min_sentences: 3.0}\n", Length{3, 8}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Parse([]byte("section: methods\nintent: x\nfacts: [F1]\n" + tt.in))
			require.NoError(t, err)
			assert.Equal(t, &tt.want, s.Length)
		})
	}
}

func TestParseErrors(t *testing.T) {
	const base = "section: results\nintent: Report it.\nfacts: [F1, F2]\n"
	tests := []struct {
		name string
		in   string
		want []Problem // all problems, in order
	}{
		{"unknown field", base + "colour: red\n",
			[]Problem{{Path: "/colour", Message: "unknown field"}}},
		{"unknown nested field", base + "style: {tense: past, mood: calm}\n",
			[]Problem{{Path: "/style/mood", Message: "unknown field"}}},
		{"missing section", "intent: x\nfacts: [F1]\n",
			[]Problem{{Path: "/section", Message: "required"}}},
		{"missing everything", "title: t\n",
			[]Problem{{Path: "/facts", Message: "required"}, {Path: "/intent", Message: "required"}, {Path: "/section", Message: "required"}}},
		{"bad section", strings.Replace(base, "results", "result", 1),
			[]Problem{{Path: "/section", Message: `must be one of abstract, introduction, methods, results, discussion, conclusion (got "result")`}}},
		{"title too long", base + "title: " + strings.Repeat("a", 201) + "\n",
			[]Problem{{Path: "/title", Message: "must be at most 200 characters (got 201)"}}},
		{"title not a string", base + "title: [a]\n",
			[]Problem{{Path: "/title", Message: "must be a string (got a list)"}}},
		{"empty intent", "section: results\nintent: ''\nfacts: [F1]\n",
			[]Problem{{Path: "/intent", Message: "must not be empty"}}},
		{"blank intent", "section: results\nintent: '   '\nfacts: [F1]\n",
			[]Problem{{Path: "/intent", Message: "must not be blank"}}},
		{"intent too long", "section: results\nintent: " + strings.Repeat("a", 1001) + "\nfacts: [F1]\n",
			[]Problem{{Path: "/intent", Message: "must be at most 1000 characters (got 1001)"}}},
		{"no facts", "section: results\nintent: x\nfacts: []\n",
			[]Problem{{Path: "/facts", Message: "must have at least 1 item (got 0)"}}},
		{"too many facts", "section: results\nintent: x\nfacts: [" + handles(61) + "]\n",
			[]Problem{{Path: "/facts", Message: "must have at most 60 items (got 61)"}}},
		{"duplicate fact", "section: results\nintent: x\nfacts: [F1, F2, F1]\n",
			[]Problem{{Path: "/facts/2", Message: "duplicate of /facts/0"}}},
		{"bad handle", "section: results\nintent: x\nfacts: [F1, F01, G3]\n",
			[]Problem{{Path: "/facts/1", Message: `must be a fact handle like F3 (got "F01")`}, {Path: "/facts/2", Message: `must be a fact handle like F3 (got "G3")`}}},
		{"numeric handle", "section: results\nintent: x\nfacts: [3]\n",
			[]Problem{{Path: "/facts/0", Message: "must be a string (got a number)"}}},
		{"must_use not in facts", base + "must_use: [F2, F9]\n",
			[]Problem{{Path: "/must_use/1", Message: "F9 is not listed in facts"}}},
		{"must_use bad handle", base + "must_use: [x]\n",
			[]Problem{{Path: "/must_use/0", Message: `must be a fact handle like F3 (got "x")`}}},
		{"must_use duplicate", base + "must_use: [F1, F1]\n",
			[]Problem{{Path: "/must_use/1", Message: "duplicate of /must_use/0"}}},
		{"max over 20", base + "length: {max_sentences: 21}\n",
			[]Problem{{Path: "/length/max_sentences", Message: "must be <= 20"}}},
		{"min zero", base + "length: {min_sentences: 0}\n",
			[]Problem{{Path: "/length/min_sentences", Message: "must be >= 1"}}},
		{"min not integer", base + "length: {min_sentences: 2.5}\n",
			[]Problem{{Path: "/length/min_sentences", Message: "must be a whole number"}}},
		{"min as string", base + "length: {min_sentences: '3'}\n",
			[]Problem{{Path: "/length/min_sentences", Message: "must be an integer (got a string)"}}},
		{"min above max", base + "length: {min_sentences: 5, max_sentences: 3}\n",
			[]Problem{{Path: "/length/min_sentences", Message: "must be <= max_sentences (3)"}}},
		{"min above default max", base + "length: {min_sentences: 9}\n",
			[]Problem{{Path: "/length/min_sentences", Message: "must be <= max_sentences (8, the default)"}}},
		{"bad tense", base + "style: {tense: future}\n",
			[]Problem{{Path: "/style/tense", Message: `must be one of past, present (got "future")`}}},
		{"bad voice", base + "style: {voice: loud}\n",
			[]Problem{{Path: "/style/voice", Message: `must be one of active, passive, any (got "loud")`}}},
		{"bad audience", base + "style: {audience: kids}\n",
			[]Problem{{Path: "/style/audience", Message: `must be one of specialist, general (got "kids")`}}},
		{"bad citations", base + "citations: harvard\n",
			[]Problem{{Path: "/citations", Message: `must be one of numeric, author-year, none (got "harvard")`}}},
		{"style not object", base + "style: past\n",
			[]Problem{{Path: "/style", Message: "must be an object (got a string)"}}},
		{"duplicate key", base + "section: methods\n",
			[]Problem{{Path: "/section", Message: "duplicate field (first on line 1)"}}},
		{"not a mapping", "- a\n- b\n",
			[]Problem{{Path: "", Message: "must be an object (got a list)"}}},
		{"several problems", "section: results\nintent: x\nfacts: [F1]\ncolour: red\nlength: {max_sentences: 30}\n",
			[]Problem{{Path: "/colour", Message: "unknown field"}, {Path: "/length/max_sentences", Message: "must be <= 20"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Parse([]byte(tt.in))
			require.Error(t, err)
			assert.Nil(t, s)
			var ve *ValidationError
			require.True(t, errors.As(err, &ve), "want *ValidationError, got %T: %v", err, err)
			assert.Equal(t, tt.want, ve.Problems)
			assert.NotContains(t, err.Error(), "\n", "error must be one line")
		})
	}
}

func handles(n int) string {
	hs := make([]string, n)
	for i := range hs {
		hs[i] = "F" + string(rune('1'+i%9)) + strings.Repeat("0", i/9)
	}
	return strings.Join(hs, ", ")
}

func TestErrorString(t *testing.T) {
	_, err := Parse([]byte("section: results\nintent: x\nfacts: [F1]\ncolour: red\nlength: {max_sentences: 30}\n"))
	assert.EqualError(t, err, "invalid spec: /colour: unknown field; /length/max_sentences: must be <= 20")
}

func TestSyntaxAndEmptyErrors(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", "invalid spec: empty spec"},
		{"whitespace", " \n\t\n", "invalid spec: empty spec"},
		{"comments only", "# nothing here\n", "invalid spec: empty spec"},
		{"null document", "~\n", "invalid spec: empty spec"},
		{"bad indentation", "section: results\n  intent: x\n", "invalid spec: line 2: mapping values are not allowed in this context"},
		{"tab indentation", "section: results\nlength:\n\tmin_sentences: 3\n", "invalid spec: line 3: found character that cannot start any token"},
		{"bad JSON", "{\"section\": \"results\",\n \"facts\": [\"F1\"\n", "invalid spec: line 3: invalid JSON: unexpected end of JSON input"},
		{"JSON trailing garbage", "{\"section\": \"results\"}}\n", "invalid spec: line 1: invalid JSON: invalid character '}' after top-level value"},
		{"flow YAML error", "{section: results\n", "invalid spec: line 1: did not find expected ',' or '}'"},
		{"two documents", "section: results\n---\nsection: methods\n", "invalid spec: line 2: more than one YAML document; a spec is one document"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.in))
			var ve *ValidationError
			require.True(t, errors.As(err, &ve), "want *ValidationError, got %T: %v", err, err)
			assert.Equal(t, tt.want, err.Error())
		})
	}
}

func TestAliasBombRejected(t *testing.T) {
	in := "a: &a [x, x, x, x, x, x, x, x, x, x]\n" +
		"b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n" +
		"c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n" +
		"d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n" +
		"e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
	_, err := Parse([]byte(in))
	assert.EqualError(t, err, "invalid spec: document too large or too deeply nested")
}

func TestYAMLScalarsKeepTheirText(t *testing.T) {
	// An unquoted date must stay the text written, not become a timestamp.
	s, err := Parse([]byte("section: results\ntitle: 2024-01-01\nintent: yes\nfacts: [F1]\n"))
	require.NoError(t, err)
	assert.Equal(t, "2024-01-01", s.Title)
	assert.Equal(t, "yes", s.Intent)
}

func TestCanonicalHashStable(t *testing.T) {
	reordered := `citations: numeric
style: {audience: specialist, voice: active, tense: past}
length:
  max_sentences: 6
  min_sentences: 3
must_use: [F3]
facts:
  - F3
  - "F7"
  - F9
  - F12
intent: Report the primary outcome and the safety finding of the trial.
title: "Effect of drug A on LDL"
section: results
`
	asJSON := `{
	"section": "results",
	"title": "Effect of drug A on LDL",
	"intent": "Report the primary outcome and the safety finding of the trial.",
	"facts": ["F3", "F7", "F9", "F12"],
	"must_use": ["F3"],
	"length": {"min_sentences": 3, "max_sentences": 6},
	"style": {"tense": "past", "voice": "active", "audience": "specialist"},
	"citations": "numeric"
}`
	want, err := Parse([]byte(docExample))
	require.NoError(t, err)
	const canonical = `{"citations":"numeric","facts":["F3","F7","F9","F12"],"intent":"Report the primary outcome and the safety finding of the trial.","length":{"max_sentences":6,"min_sentences":3},"must_use":["F3"],"section":"results","style":{"audience":"specialist","tense":"past","voice":"active"},"title":"Effect of drug A on LDL"}`
	assert.Equal(t, canonical, string(want.Canonical()))
	assert.Len(t, want.Hash(), 64)

	for name, in := range map[string]string{"reordered YAML": reordered, "JSON": asJSON} {
		got, err := Parse([]byte(in))
		require.NoError(t, err, name)
		assert.Equal(t, string(want.Canonical()), string(got.Canonical()), name)
		assert.Equal(t, want.Hash(), got.Hash(), name)
	}

	// Spelling out the defaults, or an empty style, is the same spec.
	short, err := Parse([]byte("section: methods\nintent: x\nfacts: [F1]\n"))
	require.NoError(t, err)
	long, err := Parse([]byte("section: methods\nintent: x\nfacts: [F1]\nmust_use: []\nstyle: {}\nlength: {min_sentences: 2, max_sentences: 8}\n"))
	require.NoError(t, err)
	assert.Equal(t, short.Hash(), long.Hash())

	// A different spec hashes differently.
	other, err := Parse([]byte("section: methods\nintent: x\nfacts: [F1]\nlength: {max_sentences: 7}\n"))
	require.NoError(t, err)
	assert.NotEqual(t, short.Hash(), other.Hash())
}

func TestCanonicalOfHandBuiltSpec(t *testing.T) {
	// Canonical applies the defaults itself, so a Spec built in code hashes
	// like the parsed equivalent.
	built := &Spec{Section: "methods", Intent: "x", Facts: []string{"F1"}}
	parsed, err := Parse([]byte(`{"section":"methods","intent":"x","facts":["F1"]}`))
	require.NoError(t, err)
	assert.Equal(t, parsed.Hash(), built.Hash())
	assert.Nil(t, built.Length, "Canonical must not modify the receiver")
}

func TestCanonicalRoundTrips(t *testing.T) {
	s, err := Parse([]byte(docExample))
	require.NoError(t, err)
	again, err := Parse(s.Canonical())
	require.NoError(t, err)
	assert.Equal(t, s, again)
}
