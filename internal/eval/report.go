package eval

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/opusblocks/opus/internal/contract"
	"github.com/opusblocks/opus/internal/domain"
)

// Report is the result of an evaluation; its JSON form is the documented
// output of 'opus eval --json' (docs/eval.md, docs/eval-report.schema.json).
// Verify, Generate and Extract count every suite of the run; Splits counts
// the suites of each split apart.
type Report struct {
	Suites         int                       `json:"suites"`
	Provider       string                    `json:"provider"`
	Model          string                    `json:"model"`
	PromptVersions map[contract.Agent]string `json:"prompt_versions"`
	Verify         VerifyMetrics             `json:"verify"`
	Generate       GenerateMetrics           `json:"generate"`
	Extract        ExtractMetrics            `json:"extract"`
	// Splits holds the figures of each split that has suites in the run
	// (dev, test); suites outside both count only above.
	Splits map[string]*SplitReport `json:"splits"`
	// GatedSplit is what the baseline comparison of the gate judges:
	// "test" when the run has test suites, else "all" (every suite).
	GatedSplit string     `json:"gated_split"`
	Bootstrap  Bootstrap  `json:"bootstrap"`
	Tokens     int64      `json:"tokens"`
	CostUSD    float64    `json:"cost_usd"`
	WallS      float64    `json:"wall_s"`
	Gate       GateResult `json:"gate"`

	verifyTokens int64
	verifyCost   float64
}

// SplitReport is the figures of one split's suites.
type SplitReport struct {
	Suites     int             `json:"suites"`
	SuiteNames []string        `json:"suite_names"`
	Verify     VerifyMetrics   `json:"verify"`
	Generate   GenerateMetrics `json:"generate"`
	Extract    ExtractMetrics  `json:"extract"`
}

// All names the whole run where a split is expected (GatedSplit, and the
// split of Comparison rows).
const All = "all"

// VerifyMetrics measure the verifier (with its guards) on labelled
// sentences. Supported is the positive class: a true positive is a
// supported item judged supported, a false positive (false support) an
// unsupported item judged supported.
type VerifyMetrics struct {
	N           int `json:"n"`
	Supported   int `json:"supported"`   // items labelled supported
	Unsupported int `json:"unsupported"` // items labelled unsupported
	// Correct is the number of items judged as labelled.
	Correct          int       `json:"correct"`
	FalseSupport     int       `json:"false_support"`
	FalseReject      int       `json:"false_reject"`
	Confusion        Confusion `json:"confusion"`
	Recall           float64   `json:"recall"` // supported items judged supported / supported items
	RecallCI         Interval  `json:"recall_ci95"`
	FalseSupportRate float64   `json:"false_support_rate"`
	FalseSupportCI   Interval  `json:"false_support_rate_ci95"`
	FalseRejectRate  float64   `json:"false_reject_rate"`
	Accuracy         float64   `json:"accuracy"`
	AccuracyCI       Interval  `json:"accuracy_ci95"`
	// ByCategory has one entry per category with items.
	ByCategory map[string]*CategoryN `json:"by_category"`
	Failures   []Failure             `json:"failures"`
}

// Confusion is a confusion matrix with supported as the positive class.
type Confusion struct {
	TP int `json:"tp"` // supported, judged supported
	FN int `json:"fn"` // supported, judged unsupported (false reject)
	FP int `json:"fp"` // unsupported, judged supported (false support)
	TN int `json:"tn"` // unsupported, judged unsupported
}

// Interval is a 95% bootstrap interval [low, high] of a rate (Bootstrap).
type Interval [2]float64

// CategoryN is one category's items: how many, how many were judged as
// labelled, its confusion matrix and the rate that matters for its label
// with a 95% bootstrap interval: recall for a supported category, false
// support rate for an unsupported one (the other is absent).
type CategoryN struct {
	N                int       `json:"n"`
	Correct          int       `json:"correct"`
	Label            string    `json:"label"`
	Confusion        Confusion `json:"confusion"`
	Recall           *float64  `json:"recall,omitempty"`
	RecallCI         *Interval `json:"recall_ci95,omitempty"`
	FalseSupportRate *float64  `json:"false_support_rate,omitempty"`
	FalseSupportCI   *Interval `json:"false_support_rate_ci95,omitempty"`
}

// Failure is an item the verifier judged wrongly, or a generate item that
// did not end verified.
type Failure struct {
	Suite  string `json:"suite"`
	Split  string `json:"split,omitempty"`
	ID     string `json:"id"`
	Label  string `json:"label"`
	Got    string `json:"got"`
	Reason string `json:"reason"`
}

// GenerateMetrics count end-to-end outcomes and contract violations.
type GenerateMetrics struct {
	N            int     `json:"n"`
	Verified     int     `json:"verified"`
	Rejected     int     `json:"rejected"`
	Failed       int     `json:"failed"`
	Violations   int     `json:"violations"`
	VerifiedRate float64 `json:"verified_rate"`
	// Outcomes lists every item that did not end verified, with why.
	Outcomes []Failure `json:"not_verified"`
}

// ExtractMetrics measure the librarian on recall probes. A probe's
// document is extracted apart from the suite's own facts, so only what the
// librarian kept can match.
type ExtractMetrics struct {
	N             int            `json:"n"`
	Expected      int            `json:"expected"` // expect strings over all probes
	Found         int            `json:"found"`    // of them, found in a kept fact
	ProbeRecall   float64        `json:"probe_recall"`
	FactsKept     int            `json:"facts_kept"`
	FactsRejected map[string]int `json:"facts_rejected"`
	// JunkFacts counts the kept facts that are a reference-list entry, a
	// heading or a caption rather than a claim (junk.go); Junk divides
	// them by kind (JunkKinds).
	JunkFacts int            `json:"junk_facts"`
	Junk      map[string]int `json:"junk"`
	// BySuite has each suite's figures, in split and suite order.
	BySuite []SuiteExtract `json:"by_suite"`
}

// SuiteExtract is one suite's extraction figures: its probes' strings, the
// ones not found, and the facts kept from its documents.
type SuiteExtract struct {
	Suite     string         `json:"suite"`
	Split     string         `json:"split,omitempty"`
	N         int            `json:"n"`
	Expected  int            `json:"expected"`
	Found     int            `json:"found"`
	Missed    []string       `json:"missed"`
	FactsKept int            `json:"facts_kept"`
	JunkFacts int            `json:"junk_facts"`
	Junk      map[string]int `json:"junk"`
}

// GateResult says whether the run may pass CI, and why not.
type GateResult struct {
	Passed  bool     `json:"passed"`
	Reasons []string `json:"reasons"`
}

func newReport(cfg Config, suites []*Suite) *Report {
	model := cfg.Model
	if len(cfg.Models) > 0 {
		var parts []string
		for _, a := range []contract.Agent{contract.Librarian, contract.Writer, contract.Verifier} {
			m := cfg.Models[a]
			if m == "" {
				m = cfg.Model
			}
			parts = append(parts, string(a)+"="+m)
		}
		model = strings.Join(parts, ",")
	}
	r := &Report{
		Suites: len(suites), Provider: cfg.Provider.Name(), Model: model, PromptVersions: cfg.Prompts,
		Verify: newVerifyMetrics(), Generate: newGenerateMetrics(), Extract: newExtractMetrics(),
		Splits: map[string]*SplitReport{}, GatedSplit: All,
		Bootstrap: Bootstrap{Resamples: BootstrapResamples, Seed: BootstrapSeed, Level: 0.95, Method: "percentile"},
		Gate:      GateResult{Passed: true, Reasons: []string{}},
	}
	for _, s := range suites {
		if s.Split == "" {
			continue
		}
		sp := r.Splits[s.Split]
		if sp == nil {
			sp = &SplitReport{SuiteNames: []string{}, Verify: newVerifyMetrics(), Generate: newGenerateMetrics(), Extract: newExtractMetrics()}
			r.Splits[s.Split] = sp
		}
		sp.Suites++
		sp.SuiteNames = append(sp.SuiteNames, s.Name)
	}
	if r.Splits[Test] != nil {
		r.GatedSplit = Test
	}
	return r
}

func newVerifyMetrics() VerifyMetrics {
	return VerifyMetrics{ByCategory: map[string]*CategoryN{}, Failures: []Failure{}}
}

func newGenerateMetrics() GenerateMetrics { return GenerateMetrics{Outcomes: []Failure{}} }

func newExtractMetrics() ExtractMetrics {
	return ExtractMetrics{FactsRejected: map[string]int{}, Junk: map[string]int{}, BySuite: []SuiteExtract{}}
}

// split returns the figures of s's split, or nil for a suite outside one.
func (r *Report) split(s *Suite) *SplitReport {
	if s.Split == "" {
		return nil
	}
	return r.Splits[s.Split]
}

func (r *Report) addVerify(s *Suite, v VerifyItem, supported bool, reason string) {
	r.Verify.add(s, v, supported, reason)
	if sp := r.split(s); sp != nil {
		sp.Verify.add(s, v, supported, reason)
	}
}

func (m *VerifyMetrics) add(s *Suite, v VerifyItem, supported bool, reason string) {
	m.N++
	c := m.ByCategory[v.Category]
	if c == nil {
		c = &CategoryN{Label: v.Label}
		m.ByCategory[v.Category] = c
	}
	c.N++
	want := v.Label == "supported"
	if want {
		m.Supported++
	} else {
		m.Unsupported++
	}
	switch {
	case want && supported:
		m.Confusion.TP++
		c.Confusion.TP++
	case want:
		m.Confusion.FN++
		c.Confusion.FN++
	case supported:
		m.Confusion.FP++
		c.Confusion.FP++
	default:
		m.Confusion.TN++
		c.Confusion.TN++
	}
	if supported == want {
		c.Correct++
		m.Correct++
		return
	}
	got := "unsupported"
	if supported {
		got = "supported"
		m.FalseSupport++
	} else {
		m.FalseReject++
	}
	m.Failures = append(m.Failures, Failure{Suite: s.Name, Split: s.Split, ID: v.ID, Label: v.Label + "/" + v.Category, Got: got, Reason: reason})
}

func (r *Report) addRuns(runs []*domain.Run) {
	for _, run := range runs {
		r.verifyTokens += run.TokensIn + run.TokensOut
		r.verifyCost += run.CostUSD
	}
}

func (r *Report) addGenerate(s *Suite, id, outcome, reason string, violations int) {
	r.Generate.add(s, id, outcome, reason, violations)
	if sp := r.split(s); sp != nil {
		sp.Generate.add(s, id, outcome, reason, violations)
	}
}

func (g *GenerateMetrics) add(s *Suite, id, outcome, reason string, violations int) {
	g.N++
	g.Violations += violations
	if outcome != domain.ParaVerified {
		g.Outcomes = append(g.Outcomes, Failure{Suite: s.Name, Split: s.Split, ID: id, Label: "verified", Got: outcome, Reason: reason})
	}
	switch outcome {
	case domain.ParaVerified:
		g.Verified++
	case domain.ParaRejected:
		g.Rejected++
	default:
		g.Failed++
	}
}

// addExtract counts one probe; first says it is the first probe of its
// document, whose kept, rejected and junk facts count once.
func (r *Report) addExtract(s *Suite, res probeResult, first bool) {
	r.Extract.add(s, res, first)
	if sp := r.split(s); sp != nil {
		sp.Extract.add(s, res, first)
	}
}

func (e *ExtractMetrics) add(s *Suite, res probeResult, first bool) {
	var se *SuiteExtract
	for i := range e.BySuite {
		if e.BySuite[i].Suite == s.Name && e.BySuite[i].Split == s.Split {
			se = &e.BySuite[i]
		}
	}
	if se == nil {
		e.BySuite = append(e.BySuite, SuiteExtract{Suite: s.Name, Split: s.Split, Missed: []string{}, Junk: map[string]int{}})
		se = &e.BySuite[len(e.BySuite)-1]
	}
	e.N++
	se.N++
	e.Expected += res.expected
	se.Expected += res.expected
	e.Found += res.found
	se.Found += res.found
	se.Missed = append(se.Missed, res.missed...)
	if !first {
		return
	}
	e.FactsKept += res.kept
	se.FactsKept += res.kept
	for k, n := range res.rejected {
		e.FactsRejected[k] += n
	}
	for k, n := range res.junk {
		e.Junk[k] += n
		e.JunkFacts += n
		se.Junk[k] += n
		se.JunkFacts += n
	}
}

func (r *Report) finish(wall time.Duration) {
	r.Verify.finish(All)
	r.Generate.finish()
	r.Extract.finish()
	for name, sp := range r.Splits {
		sp.Verify.finish(name)
		sp.Generate.finish()
		sp.Extract.finish()
	}
	r.WallS = round(wall.Seconds(), 2)
	r.CostUSD = round(r.CostUSD, 6)
}

// finish computes the rates and their bootstrap intervals; split names the
// streams of random numbers, so each interval is reproducible on its own.
func (m *VerifyMetrics) finish(split string) {
	m.Recall = ratio(m.Confusion.TP, m.Supported)
	m.RecallCI = BootstrapCI(m.Confusion.TP, m.Supported, split+"/recall")
	m.FalseSupportRate = ratio(m.FalseSupport, m.Unsupported)
	m.FalseSupportCI = BootstrapCI(m.FalseSupport, m.Unsupported, split+"/false_support_rate")
	m.FalseRejectRate = ratio(m.FalseReject, m.Supported)
	m.Accuracy = ratio(m.Correct, m.N)
	m.AccuracyCI = BootstrapCI(m.Correct, m.N, split+"/accuracy")
	for name, c := range m.ByCategory {
		if c.Label == "supported" {
			v, ci := ratio(c.Confusion.TP, c.N), BootstrapCI(c.Confusion.TP, c.N, split+"/"+name+"/recall")
			c.Recall, c.RecallCI = &v, &ci
		} else {
			v, ci := ratio(c.Confusion.FP, c.N), BootstrapCI(c.Confusion.FP, c.N, split+"/"+name+"/false_support_rate")
			c.FalseSupportRate, c.FalseSupportCI = &v, &ci
		}
	}
	sort.Slice(m.Failures, func(i, j int) bool {
		a, b := m.Failures[i], m.Failures[j]
		if a.Split != b.Split {
			return a.Split < b.Split
		}
		if a.Suite != b.Suite {
			return a.Suite < b.Suite
		}
		return a.ID < b.ID
	})
}

func (g *GenerateMetrics) finish() {
	g.VerifiedRate = ratio(g.Verified, g.N)
	sort.Slice(g.Outcomes, func(i, j int) bool {
		a, b := g.Outcomes[i], g.Outcomes[j]
		if a.Suite != b.Suite {
			return a.Suite < b.Suite
		}
		return a.ID < b.ID
	})
}

func (e *ExtractMetrics) finish() {
	e.ProbeRecall = ratio(e.Found, e.Expected)
	sort.Slice(e.BySuite, func(i, j int) bool {
		a, b := e.BySuite[i], e.BySuite[j]
		if a.Split != b.Split {
			return splitRank(a.Split) < splitRank(b.Split)
		}
		return a.Suite < b.Suite
	})
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return round(float64(a)/float64(b), 4)
}

func round(x float64, places int) float64 {
	p := math.Pow(10, float64(places))
	return math.Round(x*p) / p
}

// gated returns the figures the baseline comparison judges: the test
// split's when the run has one, else the whole run's.
func (r *Report) gated() (VerifyMetrics, GenerateMetrics, ExtractMetrics) {
	if sp := r.Splits[r.GatedSplit]; sp != nil {
		return sp.Verify, sp.Generate, sp.Extract
	}
	return r.Verify, r.Generate, r.Extract
}

// Baselined metrics of the gated split: name, value, and whether higher is
// better. With a test split the names start with "test.".
func (r *Report) baselined() []metric {
	v, g, e := r.gated()
	prefix := ""
	if r.GatedSplit != All {
		prefix = r.GatedSplit + "."
	}
	return []metric{
		{prefix + "verify.accuracy", v.Accuracy, true},
		{prefix + "verify.false_reject_rate", v.FalseRejectRate, false},
		{prefix + "generate.verified_rate", ratio(g.Verified, g.N), true},
		{prefix + "extract.probe_recall", e.ProbeRecall, true},
		// A count: with a baseline of 0 (the offline librarian's on the
		// golden test split) one junk fact fails the gate.
		{prefix + "extract.junk_facts", float64(e.JunkFacts), false},
	}
}

type metric struct {
	name   string
	value  float64
	higher bool
}

// Key identifies what a baseline applies to: provider, model and prompts.
func (r *Report) Key() string {
	return fmt.Sprintf("%s|%s|librarian=%s,writer=%s,verifier=%s", r.Provider, r.Model,
		r.PromptVersions[contract.Librarian], r.PromptVersions[contract.Writer], r.PromptVersions[contract.Verifier])
}

// Baseline holds the last accepted metrics per key.
type Baseline struct {
	Tolerance float64                       `json:"tolerance"`
	Entries   map[string]map[string]float64 `json:"entries"`
}

// LoadBaseline reads a baseline file; a missing file is an empty baseline.
func LoadBaseline(path string) (*Baseline, error) {
	b := &Baseline{Tolerance: 0.01, Entries: map[string]map[string]float64{}}
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return b, nil
	}
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(data, b); err != nil {
		return nil, fmt.Errorf("baseline %s: %w", path, err)
	}
	if b.Entries == nil {
		b.Entries = map[string]map[string]float64{}
	}
	return b, nil
}

// ApplyGate sets r.Gate. The hard limits hold for every suite of the run,
// whatever its split: no false support, no contract violation, no failed
// generate item. The baseline comparison judges the gated split (test,
// when the run has it): each baselined metric no worse than its baseline
// beyond tolerance. A baseline entry for this key that lacks one of those
// metrics (e.g. one written before the split) fails the gate too, rather
// than passing unmeasured.
func (r *Report) ApplyGate(b *Baseline) {
	var reasons []string
	if r.Verify.FalseSupport > 0 {
		reasons = append(reasons, fmt.Sprintf("false support: %d unsupported item(s) judged supported%s (hard limit 0)",
			r.Verify.FalseSupport, r.perSplit(func(sp *SplitReport) int { return sp.Verify.FalseSupport })))
	}
	if r.Generate.Violations > 0 {
		reasons = append(reasons, fmt.Sprintf("%d contract violation(s) in generated paragraphs%s (hard limit 0)",
			r.Generate.Violations, r.perSplit(func(sp *SplitReport) int { return sp.Generate.Violations })))
	}
	if r.Generate.Failed > 0 {
		reasons = append(reasons, fmt.Sprintf("%d generate item(s) failed%s",
			r.Generate.Failed, r.perSplit(func(sp *SplitReport) int { return sp.Generate.Failed })))
	}
	if base, ok := b.Entries[r.Key()]; ok {
		for _, m := range r.baselined() {
			want, ok := base[m.name]
			if !ok {
				reasons = append(reasons, fmt.Sprintf("%s has no baseline for %s (%.4f now): accept it with --update-baseline", r.Key(), m.name, m.value))
				continue
			}
			worse := want - m.value
			if !m.higher {
				worse = m.value - want
			}
			if worse > b.Tolerance+1e-9 {
				reasons = append(reasons, fmt.Sprintf("%s is %.4f, worse than its baseline %.4f (tolerance %.4f)", m.name, m.value, want, b.Tolerance))
			}
		}
	}
	r.Gate = GateResult{Passed: len(reasons) == 0, Reasons: reasons}
	if r.Gate.Reasons == nil {
		r.Gate.Reasons = []string{}
	}
}

// perSplit says how a count divides among the splits: " (dev 1, test 0)".
func (r *Report) perSplit(count func(*SplitReport) int) string {
	var parts []string
	for _, name := range r.splitNames() {
		parts = append(parts, fmt.Sprintf("%s %d", name, count(r.Splits[name])))
	}
	if len(parts) == 0 {
		return ""
	}
	return " (" + strings.Join(parts, ", ") + ")"
}

// splitNames returns the run's splits: dev and test first, then any other
// in name order.
func (r *Report) splitNames() []string {
	var out []string
	for _, s := range Splits {
		if r.Splits[s] != nil {
			out = append(out, s)
		}
	}
	var rest []string
	for s := range r.Splits {
		if !slices.Contains(Splits, s) {
			rest = append(rest, s)
		}
	}
	sort.Strings(rest)
	return append(out, rest...)
}

// UpdateBaseline records this report's gated metrics as the accepted ones
// for its key, replacing what that key held.
func (r *Report) UpdateBaseline(b *Baseline, path string) error {
	entry := map[string]float64{}
	for _, m := range r.baselined() {
		entry[m.name] = m.value
	}
	b.Entries[r.Key()] = entry
	data, err := json.MarshalIndent(b, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(data, '\n'), 0o644)
}

// ReadReport reads the JSON that 'opus eval --json' wrote (for Compare).
func ReadReport(path string) (*Report, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var r Report
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("%s is not an opus eval report: %w", path, err)
	}
	if r.Splits == nil {
		r.Splits = map[string]*SplitReport{}
	}
	return &r, nil
}
