package eval

import (
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"strings"
	"text/tabwriter"
)

// Comparison is the metric-by-metric difference between two evaluation
// reports, as 'opus eval --compare OLD.json' shows it.
type Comparison struct {
	Old ReportID `json:"old"`
	New ReportID `json:"new"`
	// Notes say what makes the figures less comparable: another provider,
	// model or prompt, or other suites in a split.
	Notes []string `json:"notes"`
	Rows  []Delta  `json:"rows"`
}

// ReportID says which run a report is.
type ReportID struct {
	Key    string `json:"key"`
	Suites int    `json:"suites"`
}

// Delta is one metric of one split (dev, test, or all for the whole run)
// in both reports.
type Delta struct {
	Split  string `json:"split"`
	Metric string `json:"metric"`
	// Old and New are nil when that report lacks the metric (a split or
	// category it has no items of).
	Old *float64 `json:"old"`
	New *float64 `json:"new"`
	// OldOf and NewOf are the counts behind a rate ("9/43"), else "".
	OldOf string `json:"old_of,omitempty"`
	NewOf string `json:"new_of,omitempty"`
	// OldCI and NewCI are the 95% bootstrap intervals of a rate.
	OldCI *Interval `json:"old_ci95,omitempty"`
	NewCI *Interval `json:"new_ci95,omitempty"`
	// Diff is New - Old when both exist.
	Diff *float64 `json:"diff"`
	// Better is "higher", "lower", or "" for a figure with no better side
	// (a count of items or facts).
	Better string `json:"better"`
	// Change is better, worse, same, changed (no better side), added (only
	// in the new report) or removed (only in the old one).
	Change string `json:"change"`
	// OutsideOldCI: the new rate lies outside the old one's 95% interval.
	OutsideOldCI bool `json:"outside_old_ci95"`
}

// value is one figure of a report: a rate (k of n, with its bootstrap
// interval) or a plain number.
type value struct {
	metric string
	x      float64
	k, n   int
	rate   bool
	better string
	stream string
}

// Compare returns how every figure moved from old to new: per split (dev,
// test, then any other) and for the whole run ("all"), the verify rates
// (with per-category recall or false support), generation and extraction,
// and for the whole run tokens, cost and time. Rates are recomputed from
// their counts, so a report written before a rate was added to the JSON
// still compares, and intervals are those the report shows.
func Compare(old, new *Report) Comparison {
	c := Comparison{Old: ReportID{old.Key(), old.Suites}, New: ReportID{new.Key(), new.Suites}, Notes: []string{}, Rows: []Delta{}}
	if c.Old.Key != c.New.Key {
		c.Notes = append(c.Notes, fmt.Sprintf("the reports are of different runs: %s and %s", c.Old.Key, c.New.Key))
	}
	if old.Suites != new.Suites {
		c.Notes = append(c.Notes, fmt.Sprintf("the runs have different numbers of suites (%d and %d): the whole run's figures are not of the same items", old.Suites, new.Suites))
	}
	if len(old.Splits) == 0 && len(new.Splits) > 0 {
		c.Notes = append(c.Notes, "the old report has no splits: only the whole run compares")
	}
	var splits []string
	for _, s := range append(old.splitNames(), new.splitNames()...) {
		if !slices.Contains(splits, s) {
			splits = append(splits, s)
		}
	}
	sort.SliceStable(splits, func(i, j int) bool { return splitRank(splits[i]) < splitRank(splits[j]) })
	for _, s := range splits {
		o, n := old.Splits[s], new.Splits[s]
		if o != nil && n != nil && !slices.Equal(sorted(o.SuiteNames), sorted(n.SuiteNames)) {
			c.Notes = append(c.Notes, fmt.Sprintf("the %s split has other suites (old: %s; new: %s)", s,
				strings.Join(sorted(o.SuiteNames), ", "), strings.Join(sorted(n.SuiteNames), ", ")))
		}
		c.Rows = append(c.Rows, deltas(s, splitValues(s, o), splitValues(s, n))...)
	}
	c.Rows = append(c.Rows, deltas(All, runValues(old), runValues(new))...)
	return c
}

func splitRank(s string) int {
	if i := slices.Index(Splits, s); i >= 0 {
		return i
	}
	return len(Splits)
}

func sorted(s []string) []string {
	out := slices.Clone(s)
	sort.Strings(out)
	return out
}

func splitValues(name string, sp *SplitReport) []value {
	if sp == nil {
		return nil
	}
	return figures(name, sp.Verify, sp.Generate, sp.Extract)
}

func runValues(r *Report) []value {
	out := figures(All, r.Verify, r.Generate, r.Extract)
	return append(out,
		value{metric: "tokens", x: float64(r.Tokens), better: "lower"},
		value{metric: "cost_usd", x: r.CostUSD, better: "lower"},
		value{metric: "wall_s", x: r.WallS, better: "lower"})
}

// figures lists the compared figures of one split, in table order.
func figures(split string, v VerifyMetrics, g GenerateMetrics, e ExtractMetrics) []value {
	rate := func(metric string, k, n int, better, stream string) value {
		return value{metric: metric, x: ratio(k, n), k: k, n: n, rate: true, better: better, stream: split + "/" + stream}
	}
	correct := v.Correct
	if correct == 0 && v.N > 0 {
		correct = int(math.Round(v.Accuracy * float64(v.N))) // a report from before "correct" was written
	}
	out := []value{
		{metric: "verify.n", x: float64(v.N)},
		rate("verify.recall", v.Supported-v.FalseReject, v.Supported, "higher", "recall"),
		rate("verify.false_support_rate", v.FalseSupport, v.Unsupported, "lower", "false_support_rate"),
		rate("verify.accuracy", correct, v.N, "higher", "accuracy"),
	}
	for _, cat := range append(append([]string{}, SupportedCategories...), UnsupportedCategories...) {
		n := v.ByCategory[cat]
		if n == nil {
			continue
		}
		if slices.Contains(SupportedCategories, cat) {
			out = append(out, rate("verify."+cat+".recall", n.Correct, n.N, "higher", cat+"/recall"))
		} else {
			out = append(out, rate("verify."+cat+".false_support_rate", n.N-n.Correct, n.N, "lower", cat+"/false_support_rate"))
		}
	}
	out = append(out,
		value{metric: "generate.n", x: float64(g.N)},
		value{metric: "generate.verified_rate", x: ratio(g.Verified, g.N), k: g.Verified, n: g.N, better: "higher"},
		value{metric: "generate.failed", x: float64(g.Failed), better: "lower"},
		value{metric: "generate.violations", x: float64(g.Violations), better: "lower"},
		value{metric: "extract.n", x: float64(e.N)},
		value{metric: "extract.probe_recall", x: e.ProbeRecall, k: e.Found, n: e.Expected, better: "higher"},
		value{metric: "extract.facts_kept", x: float64(e.FactsKept)},
		value{metric: "extract.junk_facts", x: float64(e.JunkFacts), better: "lower"},
	)
	return out
}

// deltas pairs the figures of one split by metric, in the new report's
// order, then those only the old one has.
func deltas(split string, old, new []value) []Delta {
	var out []Delta
	seen := map[string]bool{}
	find := func(vs []value, m string) *value {
		for i := range vs {
			if vs[i].metric == m {
				return &vs[i]
			}
		}
		return nil
	}
	add := func(o, n *value) {
		d := Delta{Split: split}
		if o != nil {
			d.Metric, d.Better = o.metric, o.better
			d.Old, d.OldOf, d.OldCI = describe(o)
		}
		if n != nil {
			d.Metric, d.Better = n.metric, n.better
			d.New, d.NewOf, d.NewCI = describe(n)
		}
		switch {
		case o == nil:
			d.Change = "added"
		case n == nil:
			d.Change = "removed"
		default:
			diff := round(n.x-o.x, 6)
			d.Diff = &diff
			switch {
			case math.Abs(diff) < 1e-9:
				d.Change = "same"
			case d.Better == "":
				d.Change = "changed"
			case (diff > 0) == (d.Better == "higher"):
				d.Change = "better"
			default:
				d.Change = "worse"
			}
			if d.OldCI != nil && d.Change != "same" && (n.x < d.OldCI[0] || n.x > d.OldCI[1]) {
				d.OutsideOldCI = true
			}
		}
		out = append(out, d)
	}
	for i := range new {
		seen[new[i].metric] = true
		add(find(old, new[i].metric), &new[i])
	}
	for i := range old {
		if !seen[old[i].metric] {
			add(&old[i], nil)
		}
	}
	return out
}

func describe(v *value) (*float64, string, *Interval) {
	x := v.x
	of := ""
	if v.n > 0 {
		of = fmt.Sprintf("%d/%d", v.k, v.n)
	}
	if !v.rate || v.n == 0 {
		return &x, of, nil
	}
	ci := BootstrapCI(v.k, v.n, v.stream)
	return &x, of, &ci
}

// Worse returns the rows that got worse.
func (c Comparison) Worse() []Delta {
	var out []Delta
	for _, d := range c.Rows {
		if d.Change == "worse" {
			out = append(out, d)
		}
	}
	return out
}

// WriteTable writes the comparison for people: one line per figure that
// either report has, with both values, the counts and 95% intervals of
// rates, the difference and whether it is better or worse ("*" when the
// new rate lies outside the old one's interval). Unchanged figures are
// shown too, so the table reads the same for every pair of reports.
func (c Comparison) WriteTable(w io.Writer) {
	fmt.Fprintf(w, "opus eval --compare\n  old: %s, %s\n  new: %s, %s\n", c.Old.Key, count(c.Old.Suites, "suite"), c.New.Key, count(c.New.Suites, "suite"))
	for _, n := range c.Notes {
		fmt.Fprintf(w, "  note: %s\n", n)
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "split\tmetric\told\tnew\tdiff\tchange")
	for _, d := range c.Rows {
		diff := ""
		if d.Diff != nil {
			diff = fmt.Sprintf("%+.4g", *d.Diff)
		}
		change := d.Change
		if d.OutsideOldCI {
			change += " *"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", d.Split, d.Metric, show(d.Old, d.OldOf, d.OldCI), show(d.New, d.NewOf, d.NewCI), diff, change)
	}
	tw.Flush()
	fmt.Fprintln(w, "\n* the new rate lies outside the old one's 95% bootstrap interval")
}

func show(x *float64, of string, ci *Interval) string {
	if x == nil {
		return "-"
	}
	s := fmt.Sprintf("%.4g", *x)
	if of != "" {
		s += " (" + of + ")"
	}
	if ci != nil {
		s += fmt.Sprintf(" [%.3f, %.3f]", ci[0], ci[1])
	}
	return s
}
