package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/opusblocks/opus/internal/domain"
	"github.com/opusblocks/opus/internal/eval"
	"github.com/opusblocks/opus/internal/prompts"
)

type evalOptions struct {
	f            *Factory
	Paths        []string
	Gate         bool
	Update       bool
	BaselinePath string
	Compare      string // an earlier --json report to compare with
	Concurrency  int
	Model        modelFlags
	Export       exportFlags
}

func newCmdEval(f *Factory, runF func(context.Context, *evalOptions) error) *cobra.Command {
	o := &evalOptions{f: f}
	c := &cobra.Command{
		Use:   "eval [PATH…]",
		Short: "Run golden suites (default golden/) in a throw-away database and report metrics",
		Long: `Runs every *.yaml suite under the given files or directories (default golden/) with the
selected provider, in a fresh temporary database — never your data — and prints a metrics
table, or one JSON object with --json. --gate exits 1 when false support > 0, a contract
violation occurred, or a baselined metric is worse than its baseline beyond tolerance.
Suites under golden/dev and golden/test are reported per split; the baseline compares the
held-out test split, the hard limits hold on every suite. --compare OLD.json adds a table of
every figure against an earlier --json report. A broken suite (a quote not on its page, an
unknown fact id or category) exits 2. The suite format and the metrics are in docs/eval.md.`,
		Example: examples("opus eval", "opus eval --gate --provider offline golden",
			"opus eval my-suites/ extra.yaml --json",
			"opus eval --json > before.json && opus eval --compare before.json", "opus eval --provider replay --cassette golden.cassette.jsonl --gate"),
		RunE: func(c *cobra.Command, args []string) error {
			o.Paths = args
			if len(o.Paths) == 0 {
				o.Paths = []string{"golden"}
			}
			return dispatch(c, o, runF, evalRun)
		},
	}
	c.Flags().BoolVar(&o.Gate, "gate", false, "exit 1 when a hard limit or the baseline is broken")
	c.Flags().BoolVar(&o.Update, "update-baseline", false, "record this run's metrics as the baseline")
	c.Flags().StringVar(&o.BaselinePath, "baseline", "", "baseline file (default: baseline.json beside the first suite path)")
	c.Flags().StringVar(&o.Compare, "compare", "", "compare with an earlier 'opus eval --json' report (a per-figure table)")
	c.Flags().IntVar(&o.Concurrency, "concurrency", 8, "items evaluated at once")
	addModelFlags(c, &o.Model)
	addExportFlags(c, &o.Export)
	return c
}

func evalRun(ctx context.Context, o *evalOptions) error {
	var old *eval.Report
	if o.Compare != "" {
		var err error
		if old, err = eval.ReadReport(o.Compare); err != nil {
			return domain.Errorf(domain.Invalid, "--compare %s: %v", o.Compare, err)
		}
	}
	suites, err := eval.Load(o.Paths)
	if err != nil {
		return suiteError(err)
	}
	st, prov, err := o.f.Provider(&o.Model)
	if err != nil {
		return err
	}
	if err := prov.require(); err != nil {
		return err
	}
	o.f.sayNotice()
	cfg := eval.Config{
		Provider: prov.Provider, Model: prov.model, Models: prov.models, Temperature: st.Temperature,
		Prompts: prompts.Versions(), CacheDir: st.cacheDir, Concurrency: o.Concurrency,
		Progress: func(done, total int) { o.f.progressf("eval: %d/%d items", done, total) },
	}
	report, err := eval.Run(ctx, suites, cfg)
	o.f.progressDone()
	if err != nil {
		return suiteError(err)
	}
	baselinePath := o.BaselinePath
	if baselinePath == "" {
		baselinePath = defaultBaseline(o.Paths[0])
	}
	base, err := eval.LoadBaseline(baselinePath)
	if err != nil {
		return domain.Errorf(domain.Invalid, "%v", err)
	}
	report.ApplyGate(base)
	if o.Update {
		if err := report.UpdateBaseline(base, baselinePath); err != nil {
			return domain.Errorf(domain.Unavailable, "cannot write %s: %v", baselinePath, err)
		}
	}
	var out any = report
	var cmp *eval.Comparison
	if old != nil {
		c := eval.Compare(old, report)
		cmp = &c
		out = struct {
			Report     *eval.Report    `json:"report"`
			Comparison eval.Comparison `json:"comparison"`
		}{report, c}
	}
	err = o.f.render(o.Export, out, func(w io.Writer) {
		report.PrintTable(w)
		if cmp != nil {
			fmt.Fprintf(w, "\ncompared with %s:\n", o.Compare)
			cmp.WriteTable(w)
		}
	})
	if err != nil {
		return err
	}
	if o.Gate && !report.Gate.Passed {
		return domain.Errorf(domain.Internal, "eval gate failed: %s", strings.Join(report.Gate.Reasons, "; "))
	}
	return nil
}

// suiteError maps a broken suite to an invalid-input error (exit 2).
func suiteError(err error) error {
	var se *eval.SuiteError
	if errors.As(err, &se) {
		return domain.Wrap(err, domain.Invalid, "%s", se.Error())
	}
	return err
}

func defaultBaseline(first string) string {
	if st, err := os.Stat(first); err == nil && st.IsDir() {
		return filepath.Join(first, "baseline.json")
	}
	return filepath.Join(filepath.Dir(first), "baseline.json")
}
