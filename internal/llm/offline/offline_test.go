package offline

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/opusblocks/opus/internal/contract"
	"github.com/opusblocks/opus/internal/llm"
)

func TestProviderName(t *testing.T) {
	var p llm.Provider = New()
	assert.Equal(t, "offline", p.Name())
}

func TestCompleteDispatch(t *testing.T) {
	pages := realPages(t)
	lib := contract.LibrarianInput{DocumentTitle: "Heat stress", Pages: []contract.Page{{No: 2, Text: pages["plos-p2"]}}}
	wr := contract.WriterInput{Section: "results", Intent: "Report.", Facts: []contract.Fact{fLDL, fRandomised}, Length: contract.Length{MinSentences: 1, MaxSentences: 3}}
	ve := contract.VerifierInput{Items: []contract.VerifyItem{{Index: 0, Sentence: "Drug A lowered LDL-C by 38% versus placebo at week 12 [F1].", Facts: []contract.Fact{fLDL}}}}

	tests := []struct {
		agent contract.Agent
		input any
		check func(t *testing.T, out []byte)
	}{
		{contract.Librarian, lib, func(t *testing.T, out []byte) {
			var o contract.LibrarianOutput
			require.NoError(t, json.Unmarshal(out, &o))
			assert.GreaterOrEqual(t, len(o.Facts), 5)
			assert.Equal(t, 2, o.Facts[0].Page)
		}},
		{contract.Librarian, &lib, func(t *testing.T, out []byte) {
			var o contract.LibrarianOutput
			require.NoError(t, json.Unmarshal(out, &o))
			assert.GreaterOrEqual(t, len(o.Facts), 5)
		}},
		{contract.Writer, wr, func(t *testing.T, out []byte) {
			var o contract.WriterOutput
			require.NoError(t, json.Unmarshal(out, &o))
			assert.Len(t, o.Sentences, 2)
		}},
		{contract.Writer, &wr, func(t *testing.T, out []byte) {
			var o contract.WriterOutput
			require.NoError(t, json.Unmarshal(out, &o))
			assert.Len(t, o.Sentences, 2)
		}},
		{contract.Verifier, ve, func(t *testing.T, out []byte) {
			var o contract.VerifierOutput
			require.NoError(t, json.Unmarshal(out, &o))
			require.Len(t, o.Verdicts, 1)
			assert.True(t, o.Verdicts[0].Supported)
		}},
		{contract.Verifier, &ve, func(t *testing.T, out []byte) {
			var o contract.VerifierOutput
			require.NoError(t, json.Unmarshal(out, &o))
			require.Len(t, o.Verdicts, 1)
		}},
	}
	for _, tt := range tests {
		t.Run(string(tt.agent), func(t *testing.T) {
			req := llm.Request{Agent: tt.agent, PromptVersion: "v1", Model: "ignored", Input: tt.input}
			resp, err := New().Complete(context.Background(), req)
			require.NoError(t, err)
			assert.Equal(t, Model, resp.Model)
			assert.Zero(t, resp.TokensIn)
			assert.Zero(t, resp.TokensOut)
			assert.Zero(t, resp.TokensCached)
			assert.Zero(t, resp.CostUSD)
			tt.check(t, resp.Output)
			// Deterministic, byte for byte.
			again, err := New().Complete(context.Background(), req)
			require.NoError(t, err)
			assert.Equal(t, string(resp.Output), string(again.Output))
		})
	}
}

func TestCompleteEmptyOutputsAreLists(t *testing.T) {
	for agent, in := range map[contract.Agent]any{
		contract.Librarian: contract.LibrarianInput{},
		contract.Writer:    contract.WriterInput{},
		contract.Verifier:  contract.VerifierInput{},
	} {
		resp, err := New().Complete(context.Background(), llm.Request{Agent: agent, Input: in})
		require.NoError(t, err)
		assert.Contains(t, []string{`{"facts":[]}`, `{"sentences":[]}`, `{"verdicts":[]}`}, string(resp.Output), agent)
	}
}

func TestCompleteErrors(t *testing.T) {
	var nilLib *contract.LibrarianInput
	tests := []struct {
		name string
		req  llm.Request
	}{
		{"unknown agent", llm.Request{Agent: "critic", Input: contract.WriterInput{}}},
		{"wrong input type", llm.Request{Agent: contract.Writer, Input: contract.VerifierInput{}}},
		{"nil input", llm.Request{Agent: contract.Verifier}},
		{"nil pointer", llm.Request{Agent: contract.Librarian, Input: nilLib}},
		{"raw JSON is not an input", llm.Request{Agent: contract.Writer, Input: []byte(`{}`)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New().Complete(context.Background(), tt.req)
			assert.Error(t, err)
		})
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := New().Complete(ctx, llm.Request{Agent: contract.Writer, Input: contract.WriterInput{}})
	assert.ErrorIs(t, err, context.Canceled)
}

// End to end on real pages: librarian facts → writer → verifier, every
// sentence supported, which is what a paragraph needs to be verified.
func TestRoundTripOnRealPages(t *testing.T) {
	facts := realFacts(t)
	var allowed []contract.Fact
	for i, f := range facts {
		allowed = append(allowed, contract.Fact{ID: "F" + itoa(i+1), Text: f.Text, Quote: f.Quote})
	}
	w := Writer(contract.WriterInput{Facts: allowed, Length: contract.Length{MinSentences: 1, MaxSentences: len(allowed)}})
	require.Len(t, w.Sentences, len(allowed))
	byID := map[string]contract.Fact{}
	for _, f := range allowed {
		byID[f.ID] = f
	}
	var items []contract.VerifyItem
	for i, s := range w.Sentences {
		items = append(items, contract.VerifyItem{Index: i, Sentence: s.Text, Facts: []contract.Fact{byID[s.FactIDs[0]]}})
	}
	out := Verifier(contract.VerifierInput{Items: items})
	require.Len(t, out.Verdicts, len(items))
	for i, v := range out.Verdicts {
		assert.True(t, v.Supported, "%q: %s", items[i].Sentence, v.Reason)
	}
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}
