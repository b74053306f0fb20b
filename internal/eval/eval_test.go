package eval_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/opusblocks/opus/internal/contract"
	"github.com/opusblocks/opus/internal/eval"
	"github.com/opusblocks/opus/internal/llm"
	"github.com/opusblocks/opus/internal/llm/offline"
	"github.com/opusblocks/opus/internal/prompts"
)

// A suite written from the documented format alone, as a new user would.
const trialSuite = `name: lipid-trial
documents:
  - id: D1
    title: Drug A phase II trial
    pages:
      - "Methods. We enrolled 120 adult patients with primary hypercholesterolaemia at four centres."
      - "Results. LDL-C was reduced by 38% relative to placebo at week 12. Adverse events were similar in both groups."
facts:
  - {id: F1, doc: D1, page: 2, text: "Drug A lowered LDL-C by 38% vs placebo at week 12.",
     quote: "LDL-C was reduced by 38% relative to placebo at week 12"}
  - {id: F2, text: "120 patients were randomised.", source: "Trial registry entry"}
verify:
  - {id: v1, sentence: "Drug A lowered LDL-C by 38% vs placebo at week 12.", facts: [F1], label: supported, category: verbatim}
  - {id: v2, sentence: "Drug A lowered LDL-C by 48% vs placebo at week 12.", facts: [F1], label: unsupported, category: number_changed}
  - {id: v3, sentence: "Drug A lowered LDL-C by 38% vs placebo in every patient.", facts: [F1], label: unsupported, category: fabricated_detail}
  - {id: v4, sentence: "Drug B lowered LDL-C by 38% vs placebo at week 12.", facts: [F1], label: unsupported, category: entity_swapped}
  - {id: v5, sentence: "Drug A is safe.", facts: [], label: unsupported, category: no_link}
generate:
  - {id: g1, spec: {section: results, intent: "Report the primary outcome.", facts: [F1, F2]}}
extract:
  - {doc: D1, expect: ["120 adult patients", "38%"]}
`

func writeSuite(t *testing.T, name, body string) string {
	t.Helper()
	dir := t.TempDir()
	p := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(p, []byte(body), 0o600))
	return p
}

func config(p llm.Provider) eval.Config {
	return eval.Config{Provider: p, Model: offline.Model, Prompts: prompts.Versions(), Concurrency: 4,
		CacheDir: filepath.Join(os.TempDir(), "opus-test-cache", "opus", "wazero")}
}

func run(t *testing.T, p llm.Provider, paths ...string) *eval.Report {
	t.Helper()
	suites, err := eval.Load(paths)
	require.NoError(t, err)
	r, err := eval.Run(context.Background(), suites, config(p))
	require.NoError(t, err)
	return r
}

func TestAFreshSuiteLoadsAndRuns(t *testing.T) {
	r := run(t, offline.New(), writeSuite(t, "trial.yaml", trialSuite))
	assert.Equal(t, 1, r.Suites)
	assert.Equal(t, 5, r.Verify.N)
	assert.Equal(t, 1, r.Verify.Supported)
	assert.Equal(t, 4, r.Verify.Unsupported)
	assert.Zero(t, r.Verify.FalseSupport)
	assert.Equal(t, 1.0, r.Verify.Accuracy, "%+v", r.Verify.Failures)
	assert.Equal(t, 1, r.Generate.N)
	assert.Equal(t, 1, r.Generate.Verified)
	assert.Zero(t, r.Generate.Violations)
	assert.Equal(t, 1, r.Extract.N)
	assert.Equal(t, 1.0, r.Extract.ProbeRecall)
	assert.Positive(t, r.Extract.FactsKept)
	r.ApplyGate(&eval.Baseline{Entries: map[string]map[string]float64{}})
	assert.True(t, r.Gate.Passed, r.Gate.Reasons)
}

func TestBrokenSuitesNameFileAndItem(t *testing.T) {
	cases := map[string]struct{ from, to, item string }{
		"quote not on its page": {`quote: "LDL-C was reduced by 38% relative to placebo at week 12"`, `quote: "LDL-C was reduced by 48% relative to placebo at week 12"`, "F1"},
		"quote on another page": {`{id: F1, doc: D1, page: 2,`, `{id: F1, doc: D1, page: 1,`, "F1"},
		"unknown fact id":       {`facts: [F1], label: unsupported, category: fabricated_detail`, `facts: [F7], label: unsupported, category: fabricated_detail`, "v3"},
		"unknown category":      {`category: number_changed`, `category: number_tweaked`, "v2"},
		"unknown field":         {`name: lipid-trial`, "name: lipid-trial\ncolour: red", ""},
		"number not in quote":   {`text: "Drug A lowered LDL-C by 38% vs placebo at week 12."`, `text: "Drug A lowered LDL-C by 38% vs placebo at week 14."`, "F1"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			body := strings.Replace(trialSuite, c.from, c.to, 1)
			require.NotEqual(t, trialSuite, body)
			path := writeSuite(t, "broken.yaml", body)
			suites, err := eval.Load([]string{path})
			if err == nil {
				_, err = eval.Run(context.Background(), suites, config(offline.New()))
			}
			var se *eval.SuiteError
			require.ErrorAs(t, err, &se)
			assert.Equal(t, path, se.Path)
			assert.Equal(t, c.item, se.Item)
			assert.Contains(t, err.Error(), path)
		})
	}
}

// yesMan is a weakened verifier: it calls every sentence supported. The
// deterministic guards still catch what they check (numbers, hedges…), but
// not a swapped entity, so the gate must fail on false support.
type yesMan struct{ llm.Provider }

func (y yesMan) Complete(ctx context.Context, req llm.Request) (llm.Response, error) {
	if req.Agent != contract.Verifier {
		return y.Provider.Complete(ctx, req)
	}
	in := req.Input.(contract.VerifierInput)
	out := `{"verdicts":[`
	for i := range in.Items {
		if i > 0 {
			out += ","
		}
		out += `{"index":` + string(rune('0'+i)) + `,"supported":true,"reason":"looks fine","unsupported_span":null}`
	}
	return llm.Response{Output: []byte(out + "]}"), Model: "yes-man"}, nil
}

func TestGateFailsOnAWeakenedVerifier(t *testing.T) {
	path := writeSuite(t, "trial.yaml", trialSuite)
	r := run(t, yesMan{offline.New()}, path)
	r.ApplyGate(&eval.Baseline{Entries: map[string]map[string]float64{}})
	assert.False(t, r.Gate.Passed)
	assert.Positive(t, r.Verify.FalseSupport)
	assert.Contains(t, strings.Join(r.Gate.Reasons, ";"), "false support")
	assert.Contains(t, failedIDs(r), "v4", "the swapped entity passed the weakened verifier")
	assert.NotContains(t, failedIDs(r), "v2", "the number guard still caught the changed number")
}

// noMan rejects everything: no false support, but accuracy falls below the
// baseline recorded for the real offline verifier.
type noMan struct{ llm.Provider }

func (n noMan) Name() string { return "offline" }
func (n noMan) Complete(ctx context.Context, req llm.Request) (llm.Response, error) {
	resp, err := n.Provider.Complete(ctx, req)
	if err != nil || req.Agent != contract.Verifier {
		return resp, err
	}
	in := req.Input.(contract.VerifierInput)
	out := `{"verdicts":[`
	for i := range in.Items {
		if i > 0 {
			out += ","
		}
		out += `{"index":` + string(rune('0'+i)) + `,"supported":false,"reason":"no","unsupported_span":null}`
	}
	resp.Output = []byte(out + "]}")
	return resp, nil
}

func TestGateFailsBelowBaseline(t *testing.T) {
	path := writeSuite(t, "trial.yaml", trialSuite)
	basePath := filepath.Join(t.TempDir(), "baseline.json")
	good := run(t, offline.New(), path)
	base, err := eval.LoadBaseline(basePath)
	require.NoError(t, err)
	require.NoError(t, good.UpdateBaseline(base, basePath))

	base, err = eval.LoadBaseline(basePath)
	require.NoError(t, err)
	worse := run(t, noMan{offline.New()}, path)
	require.Equal(t, good.Key(), worse.Key())
	worse.ApplyGate(base)
	assert.False(t, worse.Gate.Passed)
	assert.Contains(t, strings.Join(worse.Gate.Reasons, ";"), "verify.accuracy")
	good.ApplyGate(base)
	assert.True(t, good.Gate.Passed, good.Gate.Reasons)
}

// A probe is matched against what the librarian kept, not against the
// suite's own facts, which quote the very passages probes name: here the
// only sentence with the probe's words is a caption, which no librarian
// should keep.
func TestProbesMatchOnlyWhatTheLibrarianKept(t *testing.T) {
	suite := `name: caption-only
documents:
  - id: D1
    pages:
      - "Figure 1. Blood pressure fell by 12 mmHg in the treated arm of the trial.\nThe trial enrolled adults with high blood pressure at three clinics."
facts:
  - {id: F1, doc: D1, page: 1, text: "Blood pressure fell by 12 mmHg in the treated arm.",
     quote: "Blood pressure fell by 12 mmHg in the treated arm of the trial."}
extract:
  - {doc: D1, expect: ["12 mmHg", "three clinics"]}
`
	r := run(t, offline.New(), writeSuite(t, "caption.yaml", suite))
	require.Len(t, r.Extract.BySuite, 1)
	se := r.Extract.BySuite[0]
	assert.Equal(t, 1, se.Found)
	assert.Equal(t, []string{"12 mmHg"}, se.Missed)
	assert.Equal(t, 0.5, r.Extract.ProbeRecall)
	assert.Zero(t, r.Extract.JunkFacts)
}

// A probe's string that is on no page of its document is a broken suite.
func TestProbeNotInTheDocumentIsABrokenSuite(t *testing.T) {
	body := strings.Replace(trialSuite, `expect: ["120 adult patients", "38%"]`, `expect: ["120 adult patients", "48%"]`, 1)
	suites, err := eval.Load([]string{writeSuite(t, "trial.yaml", body)})
	require.NoError(t, err)
	_, err = eval.Run(context.Background(), suites, config(offline.New()))
	var se *eval.SuiteError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, "extract[0]", se.Item)
	assert.Contains(t, se.Problem, `"48%" is on no page of D1`)
}

// junkMan's librarian also proposes the reference list's first entry.
type junkMan struct{ llm.Provider }

func (j junkMan) Name() string { return "offline" }
func (j junkMan) Complete(ctx context.Context, req llm.Request) (llm.Response, error) {
	resp, err := j.Provider.Complete(ctx, req)
	if err != nil || req.Agent != contract.Librarian {
		return resp, err
	}
	in := req.Input.(contract.LibrarianInput)
	out := offline.Librarian(in)
	for _, p := range in.Pages {
		if i := strings.Index(p.Text, "1. Dozer"); i >= 0 {
			q := "Dozer A, Napper B. Sleep in nurses on night shifts."
			out.Facts = append(out.Facts, contract.ExtractedFact{Text: q, Quote: q, Page: p.No, Kind: "finding"})
		}
	}
	resp.Output, err = json.Marshal(out)
	return resp, err
}

// Junk facts are counted per suite and split, and with a baseline of none
// one junk fact on the test split fails the gate.
func TestJunkFactsAreCountedAndGated(t *testing.T) {
	suite := `name: naps
documents:
  - id: D1
    pages:
      - "Naps on night shifts lengthened the sleep of nurses by forty minutes a night.\nReferences\n1. Dozer A, Napper B. Sleep in nurses on night shifts. J Rest. 2029;4:12-19."
extract:
  - {doc: D1, expect: ["forty minutes"]}
`
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "test"), 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "test", "naps.yaml"), []byte(suite), 0o600))
	good := run(t, offline.New(), dir)
	assert.Zero(t, good.Splits["test"].Extract.JunkFacts)
	basePath := filepath.Join(t.TempDir(), "baseline.json")
	base, err := eval.LoadBaseline(basePath)
	require.NoError(t, err)
	require.NoError(t, good.UpdateBaseline(base, basePath))
	assert.Zero(t, base.Entries[good.Key()]["test.extract.junk_facts"])

	bad := run(t, junkMan{offline.New()}, dir)
	ex := bad.Splits["test"].Extract
	assert.Equal(t, 1, ex.JunkFacts)
	assert.Equal(t, map[string]int{eval.JunkReference: 1}, ex.Junk)
	require.Len(t, ex.BySuite, 1)
	assert.Equal(t, 1, ex.BySuite[0].JunkFacts)
	bad.ApplyGate(base)
	assert.False(t, bad.Gate.Passed)
	assert.Contains(t, strings.Join(bad.Gate.Reasons, ";"), "test.extract.junk_facts is 1.0000, worse than its baseline 0.0000")
	var out bytes.Buffer
	bad.PrintTable(&out)
	assert.Contains(t, out.String(), "1 junk (reference 1)")
}

func failedIDs(r *eval.Report) string {
	var ids []string
	for _, f := range r.Verify.Failures {
		ids = append(ids, f.ID)
	}
	return strings.Join(ids, ",")
}
