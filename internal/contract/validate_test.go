package contract

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The examples of agent-contract.md.
const (
	librarianOK = `{"facts": [
  {"text": "Drug A lowered LDL cholesterol by 38% versus placebo at 12 weeks.",
   "quote": "LDL-C was reduced by 38% relative to placebo at week 12",
   "page": 4,
   "kind": "finding"}
]}`
	writerOK = `{"sentences": [
  {"text": "Drug A reduced LDL cholesterol by 38% relative to placebo at 12 weeks [F3].",
   "fact_ids": ["F3"]}
]}`
	verifierOK = `{"verdicts": [
  {"index": 0, "supported": true, "reason": "F3 states the 38% LDL reduction at 12 weeks.", "unsupported_span": null},
  {"index": 1, "supported": false, "reason": "No linked fact mentions mortality.",
   "unsupported_span": "and reduced mortality"}
]}`
)

func TestValidateAccepts(t *testing.T) {
	tests := []struct {
		agent  Agent
		output string
	}{
		{Librarian, librarianOK},
		{Librarian, `{"facts": []}`}, // a chunk may hold no facts
		{Librarian, `{"facts":[{"text":"` + strings.Repeat("a", 300) + `","quote":"` + strings.Repeat("é", 600) + `","page":1,"kind":"limitation"}]}`},
		{Writer, writerOK},
		{Writer, `{"sentences":[{"text":"A [F1][F20].","fact_ids":["F1","F20"]}]}`},
		{Verifier, verifierOK},
		{Verifier, `{"verdicts":[{"index":0,"supported":true,"reason":"","unsupported_span":""}]}`},
		{Verifier, `{"verdicts":[]}`},
	}
	for _, tt := range tests {
		assert.NoError(t, Validate(tt.agent, []byte(tt.output)), "%s: %s", tt.agent, tt.output)
	}
}

func TestValidateRejects(t *testing.T) {
	tests := []struct {
		name   string
		agent  Agent
		output string
		want   string
	}{
		// JSON syntax
		{"empty", Writer, "  ", "writer output: empty output"},
		{"malformed", Writer, `{"sentences": [`, "writer output: invalid JSON: unexpected EOF"},
		{"bad token", Writer, `{"sentences": [}`, "writer output: invalid JSON at byte 16: invalid character '}' looking for beginning of value"},
		{"trailing text", Writer, writerOK + " done", "writer output: invalid JSON: invalid character after top-level value"},
		{"markdown fence", Writer, "```json\n" + writerOK + "\n```", "writer output: invalid JSON at byte 1: invalid character '`' looking for beginning of value"},
		// shape
		{"not an object", Writer, `[]`, "writer output: must be an object (got a list)"},
		{"missing top field", Writer, `{}`, "writer output: /sentences: required"},
		{"extra top field", Writer, `{"sentences":[{"text":"A.","fact_ids":["F1"]}],"notes":"x"}`, "writer output: /notes: unknown field"},
		{"missing field", Writer, `{"sentences":[{"text":"A."}]}`, "writer output: /sentences/0/fact_ids: required"},
		{"extra field", Writer, `{"sentences":[{"text":"A.","fact_ids":["F1"],"confidence":0.9}]}`, "writer output: /sentences/0/confidence: unknown field"},
		{"wrong type", Writer, `{"sentences":[{"text":"A.","fact_ids":"F1"}]}`, "writer output: /sentences/0/fact_ids: must be a list (got a string)"},
		// writer limits
		{"no sentences", Writer, `{"sentences":[]}`, "writer output: /sentences: must have at least 1 item (got 0)"},
		{"empty fact_ids", Writer, `{"sentences":[{"text":"A.","fact_ids":["F1"]},{"text":"B.","fact_ids":[]}]}`, "writer output: /sentences/1/fact_ids: must have at least 1 item (got 0)"},
		{"empty text", Writer, `{"sentences":[{"text":"","fact_ids":["F1"]}]}`, "writer output: /sentences/0/text: must not be empty"},
		{"bad handle", Writer, `{"sentences":[{"text":"A.","fact_ids":["F1","fact 3"]}]}`, `writer output: /sentences/0/fact_ids/1: must be a fact handle like F3 (got "fact 3")`},
		{"zero handle", Writer, `{"sentences":[{"text":"A.","fact_ids":["F0"]}]}`, `writer output: /sentences/0/fact_ids/0: must be a fact handle like F3 (got "F0")`},
		// librarian limits
		{"text too long", Librarian, `{"facts":[{"text":"` + strings.Repeat("a", 301) + `","quote":"q","page":1,"kind":"finding"}]}`, "librarian output: /facts/0/text: must be at most 300 characters (got 301)"},
		{"quote too long", Librarian, `{"facts":[{"text":"t","quote":"` + strings.Repeat("q", 601) + `","page":1,"kind":"finding"}]}`, "librarian output: /facts/0/quote: must be at most 600 characters (got 601)"},
		{"page zero", Librarian, `{"facts":[{"text":"t","quote":"q","page":0,"kind":"finding"}]}`, "librarian output: /facts/0/page: must be >= 1"},
		{"page fraction", Librarian, `{"facts":[{"text":"t","quote":"q","page":1.5,"kind":"finding"}]}`, "librarian output: /facts/0/page: must be a whole number"},
		{"page as string", Librarian, `{"facts":[{"text":"t","quote":"q","page":"4","kind":"finding"}]}`, "librarian output: /facts/0/page: must be an integer (got a string)"},
		{"bad kind", Librarian, `{"facts":[{"text":"t","quote":"q","page":1,"kind":"result"}]}`, `librarian output: /facts/0/kind: must be one of finding, method, measurement, population, definition, background, limitation (got "result")`},
		{"missing quote", Librarian, `{"facts":[{"text":"t","page":1,"kind":"finding"}]}`, "librarian output: /facts/0/quote: required"},
		// verifier limits
		{"negative index", Verifier, `{"verdicts":[{"index":-1,"supported":true,"reason":"r","unsupported_span":null}]}`, "verifier output: /verdicts/0/index: must be >= 0"},
		{"supported as string", Verifier, `{"verdicts":[{"index":0,"supported":"yes","reason":"r","unsupported_span":null}]}`, "verifier output: /verdicts/0/supported: must be true or false (got a string)"},
		{"missing reason", Verifier, `{"verdicts":[{"index":0,"supported":true,"unsupported_span":null}]}`, "verifier output: /verdicts/0/reason: required"},
		{"span wrong type", Verifier, `{"verdicts":[{"index":0,"supported":false,"reason":"r","unsupported_span":3}]}`, "verifier output: /verdicts/0/unsupported_span: must be null or a string (got a number)"},
		// several problems, in document order
		{"several", Writer, `{"sentences":[{"text":"","fact_ids":[]},{"text":"B.","fact_ids":["x"]}],"extra":1}`,
			`writer output: /extra: unknown field; /sentences/0/fact_ids: must have at least 1 item (got 0); /sentences/0/text: must not be empty; /sentences/1/fact_ids/0: must be a fact handle like F3 (got "x")`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Validate(tt.agent, []byte(tt.output))
			require.Error(t, err)
			assert.Equal(t, tt.want, err.Error())
			var oe *OutputError
			require.True(t, errors.As(err, &oe), "want *OutputError, got %T", err)
			assert.Equal(t, tt.agent, oe.Agent)
			assert.NotContains(t, err.Error(), "\n")
		})
	}
}

func TestOutputErrorCapsProblems(t *testing.T) {
	var sb strings.Builder
	sb.WriteString(`{"sentences":[`)
	for i := range 8 {
		if i > 0 {
			sb.WriteString(",")
		}
		sb.WriteString(`{"text":"A.","fact_ids":[]}`)
	}
	sb.WriteString(`]}`)
	err := Validate(Writer, []byte(sb.String()))
	var oe *OutputError
	require.True(t, errors.As(err, &oe))
	assert.Len(t, oe.Problems, 8)
	assert.True(t, strings.HasSuffix(err.Error(), "/sentences/4/fact_ids: must have at least 1 item (got 0); and 3 more"), err.Error())
}

func TestValidateUnknownAgent(t *testing.T) {
	err := Validate("editor", []byte(`{}`))
	assert.EqualError(t, err, `contract: unknown agent "editor"`)
	var oe *OutputError
	assert.False(t, errors.As(err, &oe), "an unknown agent is a programming error, not invalid output")
	assert.Nil(t, Schema("editor"))
	assert.Nil(t, Schema("../contract"))
}

func TestSchemasAreStrict(t *testing.T) {
	// OpenAI strict structured outputs require every object to be closed and
	// every property to be required; check it so the schemas stay sendable.
	for _, a := range agents {
		var doc map[string]any
		require.NoError(t, json.Unmarshal(Schema(a), &doc), a)
		checkStrict(t, string(a), doc)
	}
}

func checkStrict(t *testing.T, at string, node map[string]any) {
	t.Helper()
	if props, ok := node["properties"].(map[string]any); ok {
		assert.Equal(t, false, node["additionalProperties"], "%s: additionalProperties must be false", at)
		req, _ := node["required"].([]any)
		assert.Len(t, req, len(props), "%s: every property must be required", at)
		for _, r := range req {
			assert.Contains(t, props, r, "%s: required %v is not a property", at, r)
		}
		for name, p := range props {
			checkStrict(t, at+"/"+name, p.(map[string]any))
		}
	}
	if items, ok := node["items"].(map[string]any); ok {
		checkStrict(t, at+"[]", items)
	}
}

func TestLibrarianKindsMatchFactKinds(t *testing.T) {
	var doc struct {
		Properties struct {
			Facts struct {
				Items struct {
					Properties struct {
						Kind struct {
							Enum []string `json:"enum"`
						} `json:"kind"`
					} `json:"properties"`
				} `json:"items"`
			} `json:"facts"`
		} `json:"properties"`
	}
	require.NoError(t, json.Unmarshal(Schema(Librarian), &doc))
	assert.Equal(t, FactKinds, doc.Properties.Facts.Items.Properties.Kind.Enum)
}

func TestSchemaIsACopy(t *testing.T) {
	b := Schema(Writer)
	b[0] = 'X'
	assert.Equal(t, byte('{'), Schema(Writer)[0])
}

// Outputs decoded from valid JSON must fit the Go types exactly.
func TestValidOutputsDecodeIntoTypes(t *testing.T) {
	var lo LibrarianOutput
	require.NoError(t, json.Unmarshal([]byte(librarianOK), &lo))
	assert.Equal(t, ExtractedFact{Text: "Drug A lowered LDL cholesterol by 38% versus placebo at 12 weeks.", Quote: "LDL-C was reduced by 38% relative to placebo at week 12", Page: 4, Kind: "finding"}, lo.Facts[0])
	var vo VerifierOutput
	require.NoError(t, json.Unmarshal([]byte(verifierOK), &vo))
	assert.Equal(t, "", vo.Verdicts[0].UnsupportedSpan, "null decodes to empty")
	assert.Equal(t, "and reduced mortality", vo.Verdicts[1].UnsupportedSpan)
}
