package cli

import (
	"errors"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/opusblocks/opus/internal/domain"
	"github.com/opusblocks/opus/internal/eval"
	"github.com/opusblocks/opus/internal/prompts"
)

func (a *app) evalCmd() *cobra.Command {
	var gate, update bool
	var baselinePath string
	var concurrency int
	c := &cobra.Command{
		Use:   "eval [PATH…]",
		Short: "Run golden suites (default golden/) in a throw-away database and report metrics",
		Long: `Runs every *.yaml suite under the given files or directories (default golden/) with the
selected provider, in a fresh temporary database — never your data — and prints a metrics
table, or one JSON object with --json. --gate exits 1 when false support > 0, a contract
violation occurred, or a baselined metric is worse than its baseline beyond tolerance.
A broken suite (a quote not on its page, an unknown fact id or category) exits 2.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			if len(args) == 0 {
				args = []string{"golden"}
			}
			suites, err := eval.Load(args)
			if err != nil {
				return suiteError(err)
			}
			st, prov, err := a.loadProvider()
			if err != nil {
				return err
			}
			if err := a.requireModel(); err != nil {
				return err
			}
			a.sayNotice()
			cfg := eval.Config{
				Provider: prov.Provider, Model: prov.model, Models: prov.models, Temperature: st.Temperature,
				Prompts: prompts.Versions(), CacheDir: st.cacheDir, Concurrency: concurrency,
				Progress: func(done, total int) { a.progressf("eval: %d/%d items", done, total) },
			}
			report, err := eval.Run(ctx, suites, cfg)
			a.progressDone()
			if err != nil {
				return suiteError(err)
			}
			if baselinePath == "" {
				baselinePath = defaultBaseline(args[0])
			}
			base, err := eval.LoadBaseline(baselinePath)
			if err != nil {
				return domain.Errorf(domain.Invalid, "%v", err)
			}
			report.ApplyGate(base)
			if update {
				if err := report.UpdateBaseline(base, baselinePath); err != nil {
					return domain.Errorf(domain.Unavailable, "cannot write %s: %v", baselinePath, err)
				}
			}
			if a.json {
				if err := a.printJSON(report); err != nil {
					return err
				}
			} else {
				report.PrintTable(a.io.Out)
			}
			if gate && !report.Gate.Passed {
				return domain.Errorf(domain.Internal, "eval gate failed: %s", strings.Join(report.Gate.Reasons, "; "))
			}
			return nil
		},
	}
	c.Flags().BoolVar(&gate, "gate", false, "exit 1 when a hard limit or the baseline is broken")
	c.Flags().BoolVar(&update, "update-baseline", false, "record this run's metrics as the baseline")
	c.Flags().StringVar(&baselinePath, "baseline", "", "baseline file (default: baseline.json beside the first suite path)")
	c.Flags().IntVar(&concurrency, "concurrency", 8, "items evaluated at once")
	return c
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
