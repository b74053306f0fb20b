package agents

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/opusblocks/opus/internal/contract"
	"github.com/opusblocks/opus/internal/domain"
	"github.com/opusblocks/opus/internal/llm"
)

// scripted is a provider whose answers a test writes, one per agent call in
// order; it keeps every request it was sent.
type scripted struct {
	mu      sync.Mutex
	answers map[contract.Agent][]string
	// answer, when set, answers from the request instead of the queue.
	answer func(req llm.Request) string
	seen   []llm.Request
}

func (s *scripted) Name() string { return "scripted" }

func (s *scripted) Complete(_ context.Context, req llm.Request) (llm.Response, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seen = append(s.seen, req)
	if s.answer != nil {
		return llm.Response{Output: []byte(s.answer(req)), Model: "scripted-1"}, nil
	}
	q := s.answers[req.Agent]
	if len(q) == 0 {
		return llm.Response{}, errors.New("no scripted answer for " + string(req.Agent))
	}
	s.answers[req.Agent] = q[1:]
	return llm.Response{Output: []byte(q[0]), Model: "scripted-1", TokensIn: 10, TokensOut: 5}, nil
}

func newAgents(p llm.Provider) (*Agents, *[]*domain.Run) {
	var runs []*domain.Run
	// One verifier call for all sentences, so tests can script one answer.
	return &Agents{Provider: p, Model: "m", Prompts: map[contract.Agent]string{"writer": "writer-1", "verifier": "verifier-1", "librarian": "librarian-1"},
		Record: func(r *domain.Run) { runs = append(runs, r) }, VerifyBatch: 100}, &runs
}

var allowed = map[string]contract.Fact{
	"F1": {ID: "F1", Text: "Drug A lowered LDL cholesterol by 38% at week 12.", Quote: "LDL-C was reduced by 38% at week 12"},
	"F2": {ID: "F2", Text: "Drug A may reduce inflammation.", Quote: "drug A may reduce inflammation in some patients"},
}

func writerInput() contract.WriterInput {
	return contract.WriterInput{Section: "results", Intent: "x", Length: contract.Length{MinSentences: 1, MaxSentences: 4},
		Facts: []contract.Fact{allowed["F1"], allowed["F2"]}}
}

func TestWriterCitingAFactOutsideTheAllowedSetIsInvalidOutput(t *testing.T) {
	bad := `{"sentences":[{"text":"Drug A cured everyone [F9].","fact_ids":["F9"]}]}`
	p := &scripted{answers: map[contract.Agent][]string{contract.Writer: {bad, bad}}}
	a, runs := newAgents(p)
	_, err := a.Generate(context.Background(), writerInput(), 2)
	require.ErrorIs(t, err, ErrInvalidOutput)
	require.Len(t, *runs, 2, "the original call and one repair attempt, both on the record")
	for _, r := range *runs {
		assert.Equal(t, domain.RunInvalidOutput, r.Status)
		assert.Contains(t, *r.Error, "F9")
	}
	assert.Contains(t, p.seen[1].Repair, "F9", "the repair request carries the validation error")
}

func TestRepairAttemptCanFixOutput(t *testing.T) {
	p := &scripted{answers: map[contract.Agent][]string{
		contract.Writer:   {`{"sentences":[]}`, `{"sentences":[{"text":"Drug A lowered LDL cholesterol by 38% at week 12 [F1].","fact_ids":["F1"]}]}`},
		contract.Verifier: {`{"verdicts":[{"index":0,"supported":true,"reason":"F1 says so","unsupported_span":null}]}`},
	}}
	a, runs := newAgents(p)
	drafts, err := a.Generate(context.Background(), writerInput(), 0)
	require.NoError(t, err)
	require.Len(t, drafts, 1)
	assert.True(t, drafts[0].Verified())
	require.Len(t, *runs, 3)
	assert.Equal(t, domain.RunInvalidOutput, (*runs)[0].Status)
	assert.Equal(t, domain.RunOK, (*runs)[1].Status)
}

func TestSentenceWithoutLinkIsUnsupportedWhateverTheModelSays(t *testing.T) {
	p := &scripted{answers: map[contract.Agent][]string{
		contract.Verifier: {`{"verdicts":[{"index":0,"supported":true,"reason":"fine","unsupported_span":null}]}`},
	}}
	a, _ := newAgents(p)
	got, err := a.Verify(context.Background(), []contract.Sentence{
		{Text: "Drug A lowered LDL cholesterol by 38% at week 12.", FactIDs: []string{"F1"}},
		{Text: "Drug A is the best drug ever made.", FactIDs: []string{}},
	}, allowed)
	require.NoError(t, err)
	assert.True(t, got[0].Supported)
	assert.False(t, got[1].Supported)
	assert.Equal(t, CodeNoLink, got[1].Code)
	require.Len(t, p.seen, 1)
	items := p.seen[0].Input.(contract.VerifierInput).Items
	assert.Len(t, items, 1, "the unlinked sentence is not even sent")
}

func TestGuardsOverrideAModelThatCallsAnUnsupportedSentenceSupported(t *testing.T) {
	yes := `{"verdicts":[{"index":0,"supported":true,"reason":"ok","unsupported_span":null},{"index":1,"supported":true,"reason":"ok","unsupported_span":null}]}`
	p := &scripted{answers: map[contract.Agent][]string{contract.Verifier: {yes}}}
	a, _ := newAgents(p)
	got, err := a.Verify(context.Background(), []contract.Sentence{
		{Text: "Drug A lowered LDL cholesterol by 48% at week 12 [F1].", FactIDs: []string{"F1"}},
		{Text: "Drug A reduces inflammation [F2].", FactIDs: []string{"F2"}},
	}, allowed)
	require.NoError(t, err)
	assert.False(t, got[0].Supported, "a number not in the linked facts")
	assert.Contains(t, got[0].Reason, "48")
	assert.False(t, got[1].Supported, "a hedged fact restated as certain")
}

func TestGuardsNeverTurnUnsupportedIntoSupported(t *testing.T) {
	no := `{"verdicts":[{"index":0,"supported":false,"reason":"not what F1 says","unsupported_span":"everything"}]}`
	p := &scripted{answers: map[contract.Agent][]string{contract.Verifier: {no}}}
	a, _ := newAgents(p)
	got, err := a.Verify(context.Background(), []contract.Sentence{{Text: allowed["F1"].Text, FactIDs: []string{"F1"}}}, allowed)
	require.NoError(t, err)
	assert.False(t, got[0].Supported)
}

func TestVerifierSeesOnlyEachSentencesOwnFacts(t *testing.T) {
	yes := `{"verdicts":[{"index":0,"supported":true,"reason":"ok","unsupported_span":null},{"index":1,"supported":true,"reason":"ok","unsupported_span":null}]}`
	p := &scripted{answers: map[contract.Agent][]string{contract.Verifier: {yes}}}
	a, runs := newAgents(p)
	_, err := a.Verify(context.Background(), []contract.Sentence{
		{Text: "s0", FactIDs: []string{"F1"}}, {Text: "s1", FactIDs: []string{"F2"}},
	}, allowed)
	require.NoError(t, err)
	items := p.seen[0].Input.(contract.VerifierInput).Items
	require.Len(t, items, 2)
	assert.Equal(t, []contract.Fact{allowed["F1"]}, items[0].Facts)
	assert.Equal(t, []contract.Fact{allowed["F2"]}, items[1].Facts)
	var req struct {
		Input contract.VerifierInput `json:"input"`
	}
	require.NoError(t, json.Unmarshal([]byte((*runs)[0].Request), &req), "the recorded request is the canonical JSON")
	assert.Equal(t, items, req.Input.Items)
}

func TestVerifierMustAnswerEveryItemExactlyOnce(t *testing.T) {
	missing := `{"verdicts":[{"index":0,"supported":true,"reason":"ok","unsupported_span":null}]}`
	twice := `{"verdicts":[{"index":0,"supported":true,"reason":"ok","unsupported_span":null},{"index":0,"supported":true,"reason":"ok","unsupported_span":null}]}`
	p := &scripted{answers: map[contract.Agent][]string{contract.Verifier: {missing, twice}}}
	a, runs := newAgents(p)
	_, err := a.Verify(context.Background(), []contract.Sentence{{Text: "a", FactIDs: []string{"F1"}}, {Text: "b", FactIDs: []string{"F2"}}}, allowed)
	require.ErrorIs(t, err, ErrInvalidOutput)
	assert.Contains(t, *(*runs)[0].Error, "no verdict for item 1")
	assert.Contains(t, *(*runs)[1].Error, "two verdicts for item 0")
}

func TestLibrarianKeepsOnlyAnchoredFacts(t *testing.T) {
	page := "Methods\nWe enrolled 120 patients in a double-\nblind trial at four sites. LDL-C was reduced by 38% relative to placebo at week 12."
	out := `{"facts":[
	 {"text":"The trial enrolled 120 patients.","quote":"We enrolled 120 patients in a double-blind trial at four sites","page":1,"kind":"population"},
	 {"text":"The trial enrolled 120 patients.","quote":"We enrolled 120 patients in a double-blind trial","page":1,"kind":"population"},
	 {"text":"LDL-C fell by 48% at week 12.","quote":"LDL-C was reduced by 38% relative to placebo at week 12","page":1,"kind":"finding"},
	 {"text":"Drug A is safe.","quote":"Drug A was shown to be entirely safe in all patients","page":1,"kind":"finding"},
	 {"text":"Four sites took part.","quote":"four sites","page":1,"kind":"method"},
	 {"text":"LDL-C fell.","quote":"LDL-C was reduced by 38% relative to placebo","page":2,"kind":"finding"}
	]}`
	p := &scripted{answers: map[contract.Agent][]string{contract.Librarian: {out}}}
	a, runs := newAgents(p)
	ex, err := a.Extract(context.Background(), "Trial", []string{page}, nil)
	require.NoError(t, err)
	require.Len(t, ex.Facts, 1)
	assert.Equal(t, "The trial enrolled 120 patients.", ex.Facts[0].Text)
	assert.Equal(t, map[string]int{RejectDuplicate: 1, RejectNumberNotQuote: 1, RejectQuoteNotFound: 1, RejectQuoteTooShort: 1, RejectPageOutside: 1}, ex.Rejections)
	require.Len(t, *runs, 1)
	var counted map[string]int
	require.NoError(t, json.Unmarshal([]byte(*(*runs)[0].Rejections), &counted))
	assert.Equal(t, ex.Rejections, counted, "rejections are counted on the run")
}

func TestChunksCoverEveryPageOnce(t *testing.T) {
	pages := []string{strings.Repeat("a", 5000), strings.Repeat("b", 5000), strings.Repeat("c", 30000), "d"}
	chunks := Chunk(pages, 12000)
	var got []int
	for _, ch := range chunks {
		for _, p := range ch {
			got = append(got, p.No)
		}
	}
	assert.Equal(t, []int{1, 2, 3, 4}, got)
	assert.Len(t, chunks, 3)
}

// With one sentence per call, each verifier call holds exactly one item and
// its own facts, and verdicts land on the right sentences.
func TestVerifierOneCallPerSentence(t *testing.T) {
	p := &scripted{answer: func(req llm.Request) string {
		in := req.Input.(contract.VerifierInput)
		ok := !strings.Contains(in.Items[0].Sentence, "48%")
		return fmt.Sprintf(`{"verdicts":[{"index":0,"supported":%t,"reason":"r","unsupported_span":null}]}`, ok)
	}}
	a, runs := newAgents(p)
	a.VerifyBatch, a.Concurrency = 1, 4
	sents := []contract.Sentence{
		{Text: allowed["F1"].Text, FactIDs: []string{"F1"}},
		{Text: "Drug A lowered LDL cholesterol by 48% at week 12.", FactIDs: []string{"F1"}},
		{Text: "Drug A may reduce inflammation.", FactIDs: []string{"F2"}},
	}
	got, err := a.Verify(context.Background(), sents, allowed)
	require.NoError(t, err)
	assert.True(t, got[0].Supported)
	assert.False(t, got[1].Supported)
	assert.True(t, got[2].Supported)
	require.Len(t, p.seen, 3)
	require.Len(t, *runs, 3)
	for _, req := range p.seen {
		items := req.Input.(contract.VerifierInput).Items
		require.Len(t, items, 1)
		assert.Equal(t, 0, items[0].Index)
	}
	ids := map[string]bool{}
	for _, c := range got {
		ids[c.VerifierRunID] = true
	}
	assert.Len(t, ids, 3, "each sentence names its own verifier run")
}

type memCache map[string]*domain.Run

func (m memCache) Lookup(_ context.Context, h string) (*domain.Run, error) { return m[h], nil }

// An identical request at temperature 0 is answered from the earlier run
// and recorded as a cached run; at another temperature it is not.
func TestCacheAnswersIdenticalRequestsAtTemperatureZero(t *testing.T) {
	verdict := `{"verdicts":[{"index":0,"supported":true,"reason":"ok","unsupported_span":null}]}`
	p := &scripted{answers: map[contract.Agent][]string{contract.Verifier: {verdict, verdict}}}
	a, runs := newAgents(p)
	cache := memCache{}
	a.Cache = cache
	sents := []contract.Sentence{{Text: allowed["F1"].Text, FactIDs: []string{"F1"}}}
	_, err := a.Verify(context.Background(), sents, allowed)
	require.NoError(t, err)
	first := (*runs)[0]
	cache[first.InputHash] = first

	got, err := a.Verify(context.Background(), sents, allowed)
	require.NoError(t, err)
	assert.True(t, got[0].Supported)
	assert.Len(t, p.seen, 1, "no second call to the provider")
	second := (*runs)[1]
	assert.Equal(t, domain.RunCached, second.Status)
	require.NotNil(t, second.CachedFrom)
	assert.Equal(t, first.ID, *second.CachedFrom)
	assert.Equal(t, first.InputHash, second.InputHash)

	a.Temperature = 0.7
	_, err = a.Verify(context.Background(), sents, allowed)
	require.NoError(t, err)
	assert.Len(t, p.seen, 2, "sampled requests are never served from the cache")
}

// A refusal is invalid output: repaired once, then the step fails.
func TestRefusalIsInvalidOutput(t *testing.T) {
	p := &refuser{}
	a, runs := newAgents(p)
	_, err := a.Verify(context.Background(), []contract.Sentence{{Text: "x", FactIDs: []string{"F1"}}}, allowed)
	require.ErrorIs(t, err, ErrInvalidOutput)
	require.Len(t, *runs, 2)
	assert.Equal(t, domain.RunInvalidOutput, (*runs)[0].Status)
	assert.Contains(t, *(*runs)[0].Error, "refused")
}

type refuser struct{}

func (refuser) Name() string { return "refuser" }
func (refuser) Complete(context.Context, llm.Request) (llm.Response, error) {
	return llm.Response{Model: "r"}, &llm.OutputError{Reason: "the model refused: I can't help with that"}
}
