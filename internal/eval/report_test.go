package eval_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/opusblocks/opus/internal/eval"
	"github.com/opusblocks/opus/internal/llm/offline"
)

// splitSet writes trialSuite into dir/dev and dir/test (as two suites of
// their own names), and returns dir.
func splitSet(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, split := range []string{"dev", "test"} {
		require.NoError(t, os.MkdirAll(filepath.Join(dir, split), 0o700))
		body := strings.Replace(trialSuite, "name: lipid-trial", "name: lipid-trial-"+split, 1)
		require.NoError(t, os.WriteFile(filepath.Join(dir, split, "trial.yaml"), []byte(body), 0o600))
	}
	return dir
}

func TestSplitIsTheDirectoryASuiteIsIn(t *testing.T) {
	dir := splitSet(t)
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "more", "deep"), 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "more", "deep", "x.yaml"), []byte(trialSuite), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "top.yaml"), []byte(trialSuite), 0o600))

	suites, err := eval.Load([]string{dir, filepath.Join(dir, "dev", "trial.yaml")})
	require.NoError(t, err)
	splits := map[string]string{}
	for _, s := range suites {
		rel, err := filepath.Rel(dir, s.Path)
		require.NoError(t, err)
		splits[filepath.ToSlash(rel)] = s.Split
	}
	assert.Equal(t, map[string]string{"dev/trial.yaml": "dev", "test/trial.yaml": "test", "more/deep/x.yaml": "", "top.yaml": ""}, splits,
		"every suite below the directory, once, each in the split its directory names")

	wd, err := os.Getwd()
	require.NoError(t, err)
	require.NoError(t, os.Chdir(filepath.Join(dir, "test")))
	defer func() { require.NoError(t, os.Chdir(wd)) }()
	assert.Equal(t, "test", eval.SplitOf("trial.yaml"), "a relative path is in the directory it names")
}

func TestReportCountsEachSplitApart(t *testing.T) {
	r := run(t, offline.New(), splitSet(t))
	require.Len(t, r.Splits, 2)
	assert.Equal(t, "test", r.GatedSplit)
	for _, name := range []string{"dev", "test"} {
		sp := r.Splits[name]
		assert.Equal(t, 1, sp.Suites)
		assert.Equal(t, []string{"lipid-trial-" + name}, sp.SuiteNames)
		assert.Equal(t, 5, sp.Verify.N)
		assert.Equal(t, 1, sp.Generate.N)
		assert.Equal(t, 1, sp.Extract.N)
	}
	assert.Equal(t, 10, r.Verify.N, "the whole run counts both")
	assert.Equal(t, 2, r.Generate.N)

	v := r.Splits["test"].Verify
	assert.Equal(t, eval.Confusion{TP: 1, FN: 0, FP: 0, TN: 4}, v.Confusion)
	assert.Equal(t, 1.0, v.Recall)
	assert.Equal(t, eval.Interval{1, 1}, v.RecallCI)
	verbatim := v.ByCategory["verbatim"]
	require.NotNil(t, verbatim.Recall)
	assert.Equal(t, "supported", verbatim.Label)
	assert.Equal(t, 1.0, *verbatim.Recall)
	assert.Nil(t, verbatim.FalseSupportRate, "a supported category has no false support rate")
	changed := v.ByCategory["number_changed"]
	require.NotNil(t, changed.FalseSupportRate)
	assert.Zero(t, *changed.FalseSupportRate)
	assert.Equal(t, eval.Interval{0, 0}, *changed.FalseSupportCI)
	assert.Nil(t, changed.Recall)
}

func TestGateJudgesTheTestSplitAgainstTheBaseline(t *testing.T) {
	dir := splitSet(t)
	basePath := filepath.Join(t.TempDir(), "baseline.json")
	good := run(t, offline.New(), dir)
	base, err := eval.LoadBaseline(basePath)
	require.NoError(t, err)
	require.NoError(t, good.UpdateBaseline(base, basePath))
	base, err = eval.LoadBaseline(basePath)
	require.NoError(t, err)
	entry := base.Entries[good.Key()]
	assert.Equal(t, []string{"test.extract.junk_facts", "test.extract.probe_recall", "test.generate.verified_rate", "test.verify.accuracy", "test.verify.false_reject_rate"},
		sortedKeys(entry), "the baseline holds the test split's figures")

	good.ApplyGate(base)
	assert.True(t, good.Gate.Passed, good.Gate.Reasons)

	// A verifier that rejects everything is worse on test: the gate fails.
	worse := run(t, noMan{offline.New()}, dir)
	worse.ApplyGate(base)
	assert.False(t, worse.Gate.Passed)
	assert.Contains(t, strings.Join(worse.Gate.Reasons, ";"), "test.verify.accuracy")

	// A baseline written before the split (no test figures) is no pass.
	old := &eval.Baseline{Tolerance: 0.01, Entries: map[string]map[string]float64{good.Key(): {"verify.accuracy": 0.1}}}
	good.ApplyGate(old)
	assert.False(t, good.Gate.Passed)
	assert.Contains(t, strings.Join(good.Gate.Reasons, ";"), "no baseline for test.verify.accuracy")

	// Dev is not compared with the baseline, but its false support still
	// fails the gate: the hard limits hold for every suite.
	yes := run(t, yesMan{offline.New()}, dir)
	yes.ApplyGate(&eval.Baseline{Entries: map[string]map[string]float64{}})
	assert.False(t, yes.Gate.Passed)
	assert.Contains(t, strings.Join(yes.Gate.Reasons, ";"), "(dev 2, test 2)")
}

func sortedKeys(m map[string]float64) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func TestBootstrapIntervals(t *testing.T) {
	a := eval.BootstrapCI(20, 40, "test/recall")
	assert.Equal(t, a, eval.BootstrapCI(20, 40, "test/recall"), "seeded: the same figures give the same interval")
	// 20 of 40: the normal approximation gives 0.5 ± 0.155.
	assert.InDelta(t, 0.345, a[0], 0.035)
	assert.InDelta(t, 0.655, a[1], 0.035)
	wide, narrow := eval.BootstrapCI(4, 8, "x"), eval.BootstrapCI(200, 400, "x")
	assert.Greater(t, wide[1]-wide[0], narrow[1]-narrow[0]+0.3, "fewer items, a wider interval")
	assert.LessOrEqual(t, narrow[0], 0.5)
	assert.GreaterOrEqual(t, narrow[1], 0.5)
	assert.Equal(t, eval.Interval{0, 0}, eval.BootstrapCI(0, 15, "x"))
	assert.Equal(t, eval.Interval{1, 1}, eval.BootstrapCI(15, 15, "x"))
	assert.Equal(t, eval.Interval{0, 0}, eval.BootstrapCI(0, 0, "x"))
	lo := eval.BootstrapCI(1, 15, "x")
	assert.Zero(t, lo[0])
	assert.Greater(t, lo[1], 0.0, "one false support in 15 is not a point")
}

func TestCompareShowsEachMetricOfEachSplit(t *testing.T) {
	dir := splitSet(t)
	good := run(t, offline.New(), dir)
	bad := run(t, noMan{offline.New()}, dir)
	c := eval.Compare(good, bad)
	assert.Empty(t, c.Notes, "same provider, model, prompts and suites")

	row := func(split, metric string) eval.Delta {
		for _, d := range c.Rows {
			if d.Split == split && d.Metric == metric {
				return d
			}
		}
		t.Fatalf("no row %s %s in %+v", split, metric, c.Rows)
		return eval.Delta{}
	}
	recall := row("test", "verify.recall")
	assert.Equal(t, 1.0, *recall.Old)
	assert.Equal(t, 0.0, *recall.New)
	assert.Equal(t, -1.0, *recall.Diff)
	assert.Equal(t, "worse", recall.Change)
	assert.Equal(t, "1/1", recall.OldOf)
	assert.True(t, recall.OutsideOldCI)
	assert.Equal(t, "same", row("dev", "verify.false_support_rate").Change)
	assert.Equal(t, "worse", row("all", "verify.verbatim.recall").Change)
	assert.Equal(t, "same", row("all", "verify.number_changed.false_support_rate").Change)
	assert.Equal(t, "", row("test", "verify.n").Better)
	row("all", "tokens")
	assert.NotEmpty(t, c.Worse())
	for _, d := range c.Worse() {
		assert.NotEqual(t, "verify.false_support_rate", d.Metric)
	}

	var out bytes.Buffer
	c.WriteTable(&out)
	assert.Regexp(t, `test\s+verify\.recall\s+1 \(1/1\) \[1\.000, 1\.000\]\s+0 \(0/1\) \[0\.000, 0\.000\]\s+-1\s+worse \*`, out.String())

	back := eval.Compare(bad, good)
	for _, d := range back.Rows {
		if d.Metric != "wall_s" {
			assert.NotEqual(t, "worse", d.Change, "%+v", d)
		}
	}
}

// A report written before splits and intervals existed still compares: its
// rates are recomputed from its counts.
func TestCompareReadsAReportFromBeforeTheSplit(t *testing.T) {
	before := `{"suites": 1, "provider": "offline", "model": "offline-2",
	 "prompt_versions": {"librarian": "librarian-1", "writer": "writer-2", "verifier": "verifier-1"},
	 "verify": {"n": 5, "supported": 2, "unsupported": 3, "false_support": 0, "false_reject": 1,
	            "false_support_rate": 0, "false_reject_rate": 0.5, "accuracy": 0.8,
	            "by_category": {"verbatim": {"n": 2, "correct": 1}, "negation": {"n": 3, "correct": 3}}, "failures": []},
	 "generate": {"n": 1, "verified": 1, "rejected": 0, "failed": 0, "violations": 0, "not_verified": []},
	 "extract": {"n": 1, "probe_recall": 1, "facts_kept": 9, "facts_rejected": {}},
	 "tokens": 0, "cost_usd": 0, "wall_s": 1.5, "gate": {"passed": true, "reasons": []}}`
	path := filepath.Join(t.TempDir(), "old.json")
	require.NoError(t, os.WriteFile(path, []byte(before), 0o600))
	old, err := eval.ReadReport(path)
	require.NoError(t, err)

	now := run(t, offline.New(), splitSet(t))
	c := eval.Compare(old, now)
	var recall, verbatim *eval.Delta
	added := 0
	for i, d := range c.Rows {
		switch {
		case d.Split == "all" && d.Metric == "verify.recall":
			recall = &c.Rows[i]
		case d.Split == "all" && d.Metric == "verify.verbatim.recall":
			verbatim = &c.Rows[i]
		case d.Split == "test" || d.Split == "dev":
			assert.Equal(t, "added", d.Change, "the old report has no splits")
			added++
		}
	}
	assert.Positive(t, added)
	require.NotNil(t, recall)
	assert.Equal(t, 0.5, *recall.Old, "1 of 2 supported items was rejected")
	assert.Equal(t, "better", recall.Change)
	require.NotNil(t, verbatim)
	assert.Equal(t, 0.5, *verbatim.Old)
	notes := strings.Join(c.Notes, ";")
	assert.Contains(t, notes, "different numbers of suites (1 and 2)")
	assert.Contains(t, notes, "the old report has no splits")

	_, err = eval.ReadReport(writeSuite(t, "not.json", "suites: 3"))
	assert.ErrorContains(t, err, "not an opus eval report")
}

func TestCompareNotesOtherRunsAndOtherSuites(t *testing.T) {
	a := run(t, offline.New(), splitSet(t))
	b := *a
	b.Model = a.Model + "-other"
	b.Splits = map[string]*eval.SplitReport{"test": {SuiteNames: []string{"other"}}, "dev": a.Splits["dev"]}
	c := eval.Compare(a, &b)
	notes := strings.Join(c.Notes, ";")
	assert.Contains(t, notes, "different runs")
	assert.Contains(t, notes, "the test split has other suites")
}

// schema compiles docs/eval-report.schema.json.
func schema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open("../../docs/eval-report.schema.json")
	require.NoError(t, err)
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	require.NoError(t, err)
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	require.NoError(t, c.AddResource("eval-report.schema.json", doc))
	s, err := c.Compile("eval-report.schema.json")
	require.NoError(t, err)
	return s
}

func asJSON(t *testing.T, v any) any {
	t.Helper()
	data, err := json.Marshal(v)
	require.NoError(t, err)
	out, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	require.NoError(t, err)
	return out
}

// TestReportMatchesItsSchema: real reports — with splits, without, with
// failures and a failed gate — are valid against the documented schema, and
// the schema is strict enough to reject what the report must not be.
func TestReportMatchesItsSchema(t *testing.T) {
	s := schema(t)
	split := run(t, offline.New(), splitSet(t))
	split.ApplyGate(&eval.Baseline{Entries: map[string]map[string]float64{}})
	flat := run(t, yesMan{offline.New()}, writeSuite(t, "trial.yaml", trialSuite))
	flat.ApplyGate(&eval.Baseline{Entries: map[string]map[string]float64{}})
	require.False(t, flat.Gate.Passed)
	require.NotEmpty(t, flat.Verify.Failures)
	for name, r := range map[string]*eval.Report{"split": split, "flat": flat} {
		assert.NoError(t, s.Validate(asJSON(t, r)), name)
	}

	doc := asJSON(t, split).(map[string]any)
	verify := doc["splits"].(map[string]any)["test"].(map[string]any)["verify"].(map[string]any)
	delete(verify, "recall_ci95")
	assert.Error(t, s.Validate(doc), "a missing interval")

	doc = asJSON(t, split).(map[string]any)
	cat := doc["verify"].(map[string]any)["by_category"].(map[string]any)["verbatim"].(map[string]any)
	cat["false_support_rate"] = json.Number("0")
	assert.Error(t, s.Validate(doc), "a supported category with a false support rate")

	doc = asJSON(t, split).(map[string]any)
	doc["splits"].(map[string]any)["holdout"] = doc["splits"].(map[string]any)["test"]
	assert.Error(t, s.Validate(doc), "a split other than dev and test")
}

func TestPrintTableShowsEachSplit(t *testing.T) {
	r := run(t, noMan{offline.New()}, splitSet(t))
	r.ApplyGate(&eval.Baseline{Entries: map[string]map[string]float64{}})
	var out bytes.Buffer
	r.PrintTable(&out)
	text := out.String()
	assert.Contains(t, text, "2 suites (dev 1, test 1)")
	assert.Regexp(t, `category\s+label\s+rate\s+dev\s+test\s+all`, text)
	assert.Regexp(t, `verbatim\s+supported\s+recall\s+0/1 0\.000 \[0\.000, 0\.000\]\s+0/1`, text)
	assert.Regexp(t, `all unsupported\s+unsupported\s+false support\s+0/4 0\.000`, text)
	assert.Contains(t, text, "dev/lipid-trial-dev v1 (supported/verbatim) judged unsupported")
	assert.Contains(t, text, "gate (baseline on test, hard limits on every suite): passed")
}

func TestRunWithoutSplitsGatesOnEverySuite(t *testing.T) {
	r := run(t, offline.New(), writeSuite(t, "trial.yaml", trialSuite))
	assert.Equal(t, "all", r.GatedSplit)
	assert.Empty(t, r.Splits)
	basePath := filepath.Join(t.TempDir(), "baseline.json")
	base, err := eval.LoadBaseline(basePath)
	require.NoError(t, err)
	require.NoError(t, r.UpdateBaseline(base, basePath))
	assert.Contains(t, base.Entries[r.Key()], "verify.accuracy", "no split, no prefix")
}
