package cli

import (
	"context"
	"fmt"
	"io"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/opusblocks/opus/internal/domain"
	"github.com/opusblocks/opus/internal/service"
)

type runsListOptions struct {
	f      *Factory
	Filter service.RunFilter
	Export exportFlags
}

func newCmdRunsList(f *Factory, runF func(context.Context, *runsListOptions) error) *cobra.Command {
	o := &runsListOptions{f: f}
	c := &cobra.Command{
		Use:     "list",
		Short:   "List model calls, newest first",
		Example: examples("opus runs list", "opus runs list --job J2 --agent verifier", "opus runs list --jq 'map(.cost_usd) | add'"),
		Args:    exactArgs(0),
		RunE: func(c *cobra.Command, _ []string) error {
			return dispatch(c, o, runF, runsListRun)
		},
	}
	c.Flags().StringVar(&o.Filter.Job, "job", "", "only runs of this job (e.g. J2)")
	c.Flags().StringVar(&o.Filter.Agent, "agent", "", "only runs of this agent (librarian|writer|verifier)")
	c.Flags().IntVar(&o.Filter.Limit, "limit", 50, "at most this many runs")
	_ = c.RegisterFlagCompletionFunc("job", completeHandles(f, "J"))
	_ = c.RegisterFlagCompletionFunc("agent", cobra.FixedCompletions([]string{"librarian", "writer", "verifier"}, cobra.ShellCompDirectiveNoFileComp))
	addExportFlags(c, &o.Export)
	return c
}

func runsListRun(ctx context.Context, o *runsListOptions) error {
	svc, actor, err := o.f.Open(ctx)
	if err != nil {
		return err
	}
	rs, err := svc.Runs(ctx, actor, o.Filter)
	if err != nil {
		return err
	}
	if rs == nil {
		rs = []domain.Run{}
	}
	return o.f.render(o.Export, rs, func(w io.Writer) {
		rows := make([][]string, len(rs))
		for i, r := range rs {
			rows[i] = []string{r.Handle, r.Job, r.Agent, safe(r.Provider + "/" + r.Model), r.PromptVersion, state(r.Status),
				strconv.FormatInt(r.TokensIn, 10), strconv.FormatInt(r.TokensOut, 10), fmt.Sprintf("%.4f", r.CostUSD), strconv.FormatInt(r.LatencyMS, 10)}
		}
		table(w, []string{"ID", "JOB", "AGENT", "MODEL", "PROMPT", "STATUS", "IN", "OUT", "COST$", "MS"}, rows)
	})
}
