package eval

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/opusblocks/opus/internal/contract"
	"github.com/opusblocks/opus/internal/domain"
)

// Report is the result of an evaluation; its JSON form is the documented
// output of 'opus eval --json'.
type Report struct {
	Suites         int                       `json:"suites"`
	Provider       string                    `json:"provider"`
	Model          string                    `json:"model"`
	PromptVersions map[contract.Agent]string `json:"prompt_versions"`
	Verify         VerifyMetrics             `json:"verify"`
	Generate       GenerateMetrics           `json:"generate"`
	Extract        ExtractMetrics            `json:"extract"`
	Tokens         int64                     `json:"tokens"`
	CostUSD        float64                   `json:"cost_usd"`
	WallS          float64                   `json:"wall_s"`
	Gate           GateResult                `json:"gate"`

	verifyTokens int64
	verifyCost   float64
	probeTotal   int
	probeFound   int
}

// VerifyMetrics measure the verifier (with its guards) on labelled sentences.
type VerifyMetrics struct {
	N                int                   `json:"n"`
	Supported        int                   `json:"supported"`   // items labelled supported
	Unsupported      int                   `json:"unsupported"` // items labelled unsupported
	FalseSupport     int                   `json:"false_support"`
	FalseReject      int                   `json:"false_reject"`
	FalseSupportRate float64               `json:"false_support_rate"`
	FalseRejectRate  float64               `json:"false_reject_rate"`
	Accuracy         float64               `json:"accuracy"`
	ByCategory       map[string]*CategoryN `json:"by_category"`
	Failures         []Failure             `json:"failures"`
	correct          int
}

// CategoryN counts the items of one category and how many were judged right.
type CategoryN struct {
	N       int `json:"n"`
	Correct int `json:"correct"`
}

// Failure is an item the verifier judged wrongly.
type Failure struct {
	Suite  string `json:"suite"`
	ID     string `json:"id"`
	Label  string `json:"label"`
	Got    string `json:"got"`
	Reason string `json:"reason"`
}

// GenerateMetrics count end-to-end outcomes and contract violations.
type GenerateMetrics struct {
	N          int `json:"n"`
	Verified   int `json:"verified"`
	Rejected   int `json:"rejected"`
	Failed     int `json:"failed"`
	Violations int `json:"violations"`
	// Outcomes lists every item that did not end verified, with why.
	Outcomes []Failure `json:"not_verified"`
}

// ExtractMetrics measure the librarian on recall probes.
type ExtractMetrics struct {
	N             int            `json:"n"`
	ProbeRecall   float64        `json:"probe_recall"`
	FactsKept     int            `json:"facts_kept"`
	FactsRejected map[string]int `json:"facts_rejected"`
}

// GateResult says whether the run may pass CI, and why not.
type GateResult struct {
	Passed  bool     `json:"passed"`
	Reasons []string `json:"reasons"`
}

func newReport(cfg Config, suites int) *Report {
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
	return &Report{
		Suites: suites, Provider: cfg.Provider.Name(), Model: model, PromptVersions: cfg.Prompts,
		Verify:   VerifyMetrics{ByCategory: map[string]*CategoryN{}, Failures: []Failure{}},
		Generate: GenerateMetrics{Outcomes: []Failure{}},
		Extract:  ExtractMetrics{FactsRejected: map[string]int{}},
		Gate:     GateResult{Passed: true, Reasons: []string{}},
	}
}

func (r *Report) addVerify(suite string, v VerifyItem, supported bool, reason string) {
	m := &r.Verify
	m.N++
	c := m.ByCategory[v.Category]
	if c == nil {
		c = &CategoryN{}
		m.ByCategory[v.Category] = c
	}
	c.N++
	want := v.Label == "supported"
	if want {
		m.Supported++
	} else {
		m.Unsupported++
	}
	if supported == want {
		c.Correct++
		m.correct++
		return
	}
	got := "unsupported"
	if supported {
		got = "supported"
		m.FalseSupport++
	} else {
		m.FalseReject++
	}
	m.Failures = append(m.Failures, Failure{Suite: suite, ID: v.ID, Label: v.Label + "/" + v.Category, Got: got, Reason: reason})
}

func (r *Report) addRuns(runs []*domain.Run) {
	for _, run := range runs {
		r.verifyTokens += run.TokensIn + run.TokensOut
		r.verifyCost += run.CostUSD
	}
}

func (r *Report) addGenerate(suite, id, outcome, reason string, violations int) {
	g := &r.Generate
	g.N++
	g.Violations += violations
	if outcome != domain.ParaVerified {
		g.Outcomes = append(g.Outcomes, Failure{Suite: suite, ID: id, Label: "verified", Got: outcome, Reason: reason})
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

func (r *Report) addExtract(expected, found, kept int, rejected map[string]int) {
	r.Extract.N++
	r.probeTotal += expected
	r.probeFound += found
	r.Extract.FactsKept += kept
	for k, n := range rejected {
		r.Extract.FactsRejected[k] += n
	}
}

func (r *Report) finish(wall time.Duration) {
	m := &r.Verify
	m.FalseSupportRate = ratio(m.FalseSupport, m.Unsupported)
	m.FalseRejectRate = ratio(m.FalseReject, m.Supported)
	m.Accuracy = ratio(m.correct, m.N)
	sort.Slice(m.Failures, func(i, j int) bool {
		if m.Failures[i].Suite != m.Failures[j].Suite {
			return m.Failures[i].Suite < m.Failures[j].Suite
		}
		return m.Failures[i].ID < m.Failures[j].ID
	})
	r.Extract.ProbeRecall = ratio(r.probeFound, r.probeTotal)
	r.WallS = round(wall.Seconds(), 2)
	r.CostUSD = round(r.CostUSD, 6)
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

// Baselined metrics: name, value, and whether higher is better.
func (r *Report) baselined() []metric {
	return []metric{
		{"verify.accuracy", r.Verify.Accuracy, true},
		{"verify.false_reject_rate", r.Verify.FalseRejectRate, false},
		{"generate.verified_rate", ratio(r.Generate.Verified, r.Generate.N), true},
		{"extract.probe_recall", r.Extract.ProbeRecall, true},
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

// ApplyGate sets r.Gate: the hard limits (no false support, no violations)
// and every baselined metric no worse than its baseline beyond tolerance.
func (r *Report) ApplyGate(b *Baseline) {
	var reasons []string
	if r.Verify.FalseSupport > 0 {
		reasons = append(reasons, fmt.Sprintf("false support: %d unsupported item(s) judged supported (hard limit 0)", r.Verify.FalseSupport))
	}
	if r.Generate.Violations > 0 {
		reasons = append(reasons, fmt.Sprintf("%d contract violation(s) in generated paragraphs (hard limit 0)", r.Generate.Violations))
	}
	if r.Generate.Failed > 0 {
		reasons = append(reasons, fmt.Sprintf("%d generate item(s) failed", r.Generate.Failed))
	}
	if base, ok := b.Entries[r.Key()]; ok {
		for _, m := range r.baselined() {
			want, ok := base[m.name]
			if !ok {
				continue
			}
			worse := want - m.value
			if !m.higher {
				worse = m.value - want
			}
			if worse > b.Tolerance {
				reasons = append(reasons, fmt.Sprintf("%s is %.4f, worse than its baseline %.4f (tolerance %.4f)", m.name, m.value, want, b.Tolerance))
			}
		}
	}
	r.Gate = GateResult{Passed: len(reasons) == 0, Reasons: reasons}
	if r.Gate.Reasons == nil {
		r.Gate.Reasons = []string{}
	}
}

// UpdateBaseline records this report's metrics as the accepted ones.
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

// PrintTable writes the human summary.
func (r *Report) PrintTable(w io.Writer) {
	v := r.Verify
	fmt.Fprintf(w, "opus eval: %d suites, provider %s, model %s\n\n", r.Suites, r.Provider, r.Model)
	fmt.Fprintf(w, "verify    %s (%d supported, %d unsupported): accuracy %.3f, false support %d (rate %.3f), false reject %d (rate %.3f)\n",
		count(v.N, "item"), v.Supported, v.Unsupported, v.Accuracy, v.FalseSupport, v.FalseSupportRate, v.FalseReject, v.FalseRejectRate)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  category\tlabel\tn\tcorrect\twrong rate")
	cats := append(append([]string{}, SupportedCategories...), UnsupportedCategories...)
	for _, c := range cats {
		n := v.ByCategory[c]
		if n == nil {
			continue
		}
		label := "unsupported"
		for _, s := range SupportedCategories {
			if s == c {
				label = "supported"
			}
		}
		fmt.Fprintf(tw, "  %s\t%s\t%d\t%d\t%.3f\n", c, label, n.N, n.Correct, ratio(n.N-n.Correct, n.N))
	}
	tw.Flush()
	g := r.Generate
	fmt.Fprintf(w, "\ngenerate  %s: %d verified, %d rejected, %d failed; %d contract violations\n", count(g.N, "item"), g.Verified, g.Rejected, g.Failed, g.Violations)
	for _, o := range g.Outcomes {
		fmt.Fprintf(w, "  %s %s ended %s: %s\n", o.Suite, o.ID, o.Got, o.Reason)
	}
	e := r.Extract
	fmt.Fprintf(w, "extract   %s: recall %.3f; %d facts kept, rejected %v\n", count(e.N, "probe"), e.ProbeRecall, e.FactsKept, e.FactsRejected)
	fmt.Fprintf(w, "cost      %d tokens, $%.4f, %.1f s\n", r.Tokens, r.CostUSD, r.WallS)
	if len(v.Failures) > 0 {
		fmt.Fprintf(w, "\nmisjudged items:\n")
		for _, f := range v.Failures {
			fmt.Fprintf(w, "  %s %s (%s) judged %s: %s\n", f.Suite, f.ID, f.Label, f.Got, f.Reason)
		}
	}
	if r.Gate.Passed {
		fmt.Fprintln(w, "\ngate: passed")
	} else {
		fmt.Fprintf(w, "\ngate: FAILED\n  %s\n", strings.Join(r.Gate.Reasons, "\n  "))
	}
}

func count(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
