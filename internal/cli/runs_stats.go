package cli

import (
	"context"
	"fmt"
	"io"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/opusblocks/opus/internal/service"
)

type runsStatsOptions struct {
	f      *Factory
	Export exportFlags
}

func newCmdRunsStats(f *Factory, runF func(context.Context, *runsStatsOptions) error) *cobra.Command {
	o := &runsStatsOptions{f: f}
	c := &cobra.Command{
		Use:     "stats",
		Short:   "Calls, tokens and cost by agent, model and day",
		Example: examples("opus runs stats", "opus runs stats --jq .total.cost_usd"),
		Args:    exactArgs(0),
		RunE: func(c *cobra.Command, _ []string) error {
			return dispatch(c, o, runF, runsStatsRun)
		},
	}
	addExportFlags(c, &o.Export)
	return c
}

func runsStatsRun(ctx context.Context, o *runsStatsOptions) error {
	svc, actor, err := o.f.Open(ctx)
	if err != nil {
		return err
	}
	out, err := svc.RunSummary(ctx, actor)
	if err != nil {
		return err
	}
	return o.f.render(o.Export, out, func(w io.Writer) {
		for _, group := range []struct {
			title string
			rows  []service.RunTotal
		}{{"AGENT", out.ByAgent}, {"MODEL", out.ByModel}, {"DAY", out.ByDay}} {
			var tbl [][]string
			for _, r := range group.rows {
				tbl = append(tbl, []string{r.Key, strconv.FormatInt(r.Calls, 10), strconv.FormatInt(r.Cached, 10), strconv.FormatInt(r.Failed, 10),
					strconv.FormatInt(r.TokensIn, 10), strconv.FormatInt(r.TokensOut, 10), strconv.FormatInt(r.TokensCached, 10), fmt.Sprintf("%.4f", r.CostUSD)})
			}
			table(w, []string{group.title, "CALLS", "CACHED", "FAILED", "TOKENS IN", "OUT", "CACHED IN", "COST$"}, tbl)
			fmt.Fprintln(w)
		}
		t := out.Total
		fmt.Fprintf(w, "total: %d calls (%d from cache, %d failed), %d tokens in, %d out, $%.4f\n", t.Calls, t.Cached, t.Failed, t.TokensIn, t.TokensOut, t.CostUSD)
	})
}
