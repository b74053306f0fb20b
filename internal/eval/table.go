package eval

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
)

// column is one split of the human table, or the whole run.
type column struct {
	name     string
	verify   VerifyMetrics
	generate GenerateMetrics
	extract  ExtractMetrics
}

// columns returns the splits of the run and then the whole run; a run
// without splits has the whole run only.
func (r *Report) columns() []column {
	var cols []column
	for _, name := range r.splitNames() {
		sp := r.Splits[name]
		cols = append(cols, column{name, sp.Verify, sp.Generate, sp.Extract})
	}
	return append(cols, column{All, r.Verify, r.Generate, r.Extract})
}

// PrintTable writes the human summary: for each split and the whole run,
// the rate that matters for each category (recall for a supported one,
// false support for an unsupported one) with its 95% bootstrap interval,
// then generation, extraction, cost, the misjudged items and the gate.
func (r *Report) PrintTable(w io.Writer) {
	cols := r.columns()
	var per []string
	for _, c := range cols[:len(cols)-1] {
		per = append(per, fmt.Sprintf("%s %d", c.name, r.Splits[c.name].Suites))
	}
	split := ""
	if len(per) > 0 {
		split = " (" + strings.Join(per, ", ") + ")"
	}
	fmt.Fprintf(w, "opus eval: %s%s, provider %s, model %s\n\n", count(r.Suites, "suite"), split, r.Provider, r.Model)

	fmt.Fprintln(w, "verify: recall = supported items judged supported; false support = unsupported items judged supported; [95% bootstrap interval]")
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	head := "  category\tlabel\trate"
	for _, c := range cols {
		head += "\t" + c.name
	}
	fmt.Fprintln(tw, head)
	cats := append(append([]string{}, SupportedCategories...), UnsupportedCategories...)
	for _, cat := range cats {
		label, rate := "unsupported", "false support"
		if slices.Contains(SupportedCategories, cat) {
			label, rate = "supported", "recall"
		}
		cells, seen := "", false
		for _, c := range cols {
			n := c.verify.ByCategory[cat]
			if n == nil {
				cells += "\t-"
				continue
			}
			seen = true
			if label == "supported" {
				cells += "\t" + cell(n.Confusion.TP, n.N, *n.RecallCI)
			} else {
				cells += "\t" + cell(n.Confusion.FP, n.N, *n.FalseSupportCI)
			}
		}
		if seen {
			fmt.Fprintf(tw, "  %s\t%s\t%s%s\n", cat, label, rate, cells)
		}
	}
	rows := []struct {
		name, label, rate string
		get               func(VerifyMetrics) string
	}{
		{"all supported", "supported", "recall", func(v VerifyMetrics) string { return cell(v.Confusion.TP, v.Supported, v.RecallCI) }},
		{"all unsupported", "unsupported", "false support", func(v VerifyMetrics) string { return cell(v.FalseSupport, v.Unsupported, v.FalseSupportCI) }},
		{"all items", "", "accuracy", func(v VerifyMetrics) string { return cell(v.Correct, v.N, v.AccuracyCI) }},
	}
	for _, row := range rows {
		line := fmt.Sprintf("  %s\t%s\t%s", row.name, row.label, row.rate)
		for _, c := range cols {
			line += "\t" + row.get(c.verify)
		}
		fmt.Fprintln(tw, line)
	}
	tw.Flush()

	fmt.Fprintln(w)
	for _, c := range cols {
		g := c.generate
		fmt.Fprintf(w, "generate  %-4s  %s: %d verified, %d rejected, %d failed; %d contract violations\n", c.name, count(g.N, "item"), g.Verified, g.Rejected, g.Failed, g.Violations)
	}
	for _, o := range r.Generate.Outcomes {
		fmt.Fprintf(w, "  %s %s ended %s: %s\n", o.Suite, o.ID, o.Got, o.Reason)
	}
	for _, c := range cols {
		e := c.extract
		fmt.Fprintf(w, "extract   %-4s  %s: recall %.3f (%d of %d strings); %d facts kept, %s, rejected %v\n", c.name, count(e.N, "probe"), e.ProbeRecall, e.Found, e.Expected, e.FactsKept, junk(e.JunkFacts, e.Junk), e.FactsRejected)
	}
	if len(r.Extract.BySuite) > 0 {
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "  suite\tfound\tkept\tjunk\tnot found")
		for _, se := range r.Extract.BySuite {
			at := se.Suite
			if se.Split != "" {
				at = se.Split + "/" + se.Suite
			}
			fmt.Fprintf(tw, "  %s\t%d/%d\t%d\t%s\t%s\n", at, se.Found, se.Expected, se.FactsKept, junk(se.JunkFacts, se.Junk), quoted(se.Missed))
		}
		tw.Flush()
	}
	fmt.Fprintf(w, "cost      %d tokens, $%.4f, %.1f s\n", r.Tokens, r.CostUSD, r.WallS)
	if len(r.Verify.Failures) > 0 {
		fmt.Fprintf(w, "\nmisjudged items:\n")
		for _, f := range r.Verify.Failures {
			at := f.Suite
			if f.Split != "" {
				at = f.Split + "/" + f.Suite
			}
			fmt.Fprintf(w, "  %s %s (%s) judged %s: %s\n", at, f.ID, f.Label, f.Got, f.Reason)
		}
	}
	on := "every suite"
	if r.GatedSplit != All {
		on = "baseline on " + r.GatedSplit + ", hard limits on every suite"
	}
	if r.Gate.Passed {
		fmt.Fprintf(w, "\ngate (%s): passed\n", on)
	} else {
		fmt.Fprintf(w, "\ngate (%s): FAILED\n  %s\n", on, strings.Join(r.Gate.Reasons, "\n  "))
	}
}

// cell shows k of n, the rate and its interval: "9/43 0.209 [0.093, 0.326]".
func cell(k, n int, ci Interval) string {
	if n == 0 {
		return "-"
	}
	return fmt.Sprintf("%d/%d %.3f [%.3f, %.3f]", k, n, ratio(k, n), ci[0], ci[1])
}

// junk shows a count of junk facts with its kinds: "3 junk (reference 2,
// caption 1)".
func junk(n int, kinds map[string]int) string {
	var parts []string
	for _, k := range JunkKinds {
		if kinds[k] > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", k, kinds[k]))
		}
	}
	if len(parts) == 0 {
		return fmt.Sprintf("%d junk", n)
	}
	return fmt.Sprintf("%d junk (%s)", n, strings.Join(parts, ", "))
}

func quoted(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = strconv.Quote(s)
	}
	return strings.Join(q, ", ")
}

func count(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
