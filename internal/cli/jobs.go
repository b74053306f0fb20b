package cli

import (
	"fmt"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/opusblocks/opus/internal/domain"
	"github.com/opusblocks/opus/internal/service"
	"github.com/opusblocks/opus/internal/store"
)

func (a *app) jobsCmd() *cobra.Command {
	var limit int
	c := &cobra.Command{
		Use:   "jobs",
		Short: "List, show, wait for, retry and cancel jobs",
		Args:  exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := a.open(cmd.Context()); err != nil {
				return err
			}
			js, err := a.svc.Jobs(cmd.Context(), a.actor, limit)
			if err != nil {
				return err
			}
			return a.printJobs(js)
		},
	}
	c.Flags().IntVar(&limit, "limit", 50, "at most this many jobs")
	listCmd := &cobra.Command{Use: "list", Short: "List recent jobs", Args: exactArgs(0), RunE: c.RunE}
	listCmd.Flags().IntVar(&limit, "limit", 50, "at most this many jobs")

	one := func(use, short string, fn func(cmd *cobra.Command, handle string) (*domain.Job, error)) *cobra.Command {
		return &cobra.Command{Use: use, Short: short, Args: exactArgs(1), RunE: func(cmd *cobra.Command, args []string) error {
			if err := a.open(cmd.Context()); err != nil {
				return err
			}
			j, err := fn(cmd, args[0])
			if j != nil {
				if perr := a.printJob(j); perr != nil {
					return perr
				}
			}
			return err
		}}
	}
	show := one("show J1", "Show a job", func(cmd *cobra.Command, h string) (*domain.Job, error) {
		return a.svc.Job(cmd.Context(), a.actor, h)
	})
	wait := one("wait J1", "Run and wait for a job until it finishes", func(cmd *cobra.Command, h string) (*domain.Job, error) {
		j, err := a.svc.Job(cmd.Context(), a.actor, h)
		if err != nil {
			return nil, err
		}
		return a.finishJob(cmd.Context(), j, "running")
	})
	retry := one("retry J1", "Queue a failed or cancelled job again (waits unless --detach)", func(cmd *cobra.Command, h string) (*domain.Job, error) {
		if err := a.requireModel(); err != nil {
			return nil, err
		}
		j, err := a.svc.RetryJob(cmd.Context(), a.actor, h)
		if err != nil {
			return nil, err
		}
		return a.finishJob(cmd.Context(), j, "running")
	})
	a.jobFlags(retry)
	cancel := one("cancel J1", "Cancel a queued or running job", func(cmd *cobra.Command, h string) (*domain.Job, error) {
		return a.svc.CancelJob(cmd.Context(), a.actor, h)
	})
	c.AddCommand(listCmd, show, wait, retry, cancel)
	return c
}

func (a *app) printJob(j *domain.Job) error {
	if a.json {
		return a.printJSON(j)
	}
	kv(a.io.Out, "id", j.Handle, "kind", j.Kind, "target", j.Target, "state", state(j.State),
		"attempt", fmt.Sprintf("%d/%d", j.Attempt, j.MaxAttempts), "error", safe(deref(j.Error)), "trace", j.TraceID,
		"created", j.CreatedAt.Format("2006-01-02 15:04:05"))
	return nil
}

func (a *app) printJobs(js []domain.Job) error {
	if a.json {
		if js == nil {
			js = []domain.Job{}
		}
		return a.printJSON(js)
	}
	rows := make([][]string, len(js))
	for i, j := range js {
		rows[i] = []string{j.Handle, j.Kind, j.Target, state(j.State), strconv.Itoa(j.Attempt) + "/" + strconv.Itoa(j.MaxAttempts), truncate(deref(j.Error), 60)}
	}
	a.table([]string{"ID", "KIND", "TARGET", "STATE", "ATTEMPT", "ERROR"}, rows)
	return nil
}

func (a *app) runsCmd() *cobra.Command {
	var f service.RunFilter
	list := func(cmd *cobra.Command, _ []string) error {
		if err := a.open(cmd.Context()); err != nil {
			return err
		}
		rs, err := a.svc.Runs(cmd.Context(), a.actor, f)
		if err != nil {
			return err
		}
		if a.json {
			if rs == nil {
				rs = []domain.Run{}
			}
			return a.printJSON(rs)
		}
		rows := make([][]string, len(rs))
		for i, r := range rs {
			rows[i] = []string{r.Handle, r.Job, r.Agent, safe(r.Provider + "/" + r.Model), r.PromptVersion, state(r.Status),
				strconv.FormatInt(r.TokensIn, 10), strconv.FormatInt(r.TokensOut, 10), fmt.Sprintf("%.4f", r.CostUSD), strconv.FormatInt(r.LatencyMS, 10)}
		}
		a.table([]string{"ID", "JOB", "AGENT", "MODEL", "PROMPT", "STATUS", "IN", "OUT", "COST$", "MS"}, rows)
		return nil
	}
	c := &cobra.Command{Use: "runs", Short: "The record of every model call", Args: exactArgs(0), RunE: list}
	lc := &cobra.Command{Use: "list", Short: "List model calls, newest first", Args: exactArgs(0), RunE: list}
	for _, cc := range []*cobra.Command{c, lc} {
		cc.Flags().StringVar(&f.Job, "job", "", "only runs of this job (e.g. J2)")
		cc.Flags().StringVar(&f.Agent, "agent", "", "only runs of this agent (librarian|writer|verifier)")
		cc.Flags().IntVar(&f.Limit, "limit", 50, "at most this many runs")
	}
	var diagnostics bool
	show := &cobra.Command{
		Use:   "show R1",
		Short: "Show one model call with its request and response",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := a.open(cmd.Context()); err != nil {
				return err
			}
			r, err := a.svc.Run(cmd.Context(), a.actor, args[0], diagnostics)
			if err != nil {
				return err
			}
			if a.json {
				return a.printJSON(r)
			}
			cached := ""
			if r.CachedFrom != nil {
				cached = "yes"
			}
			kv(a.io.Out, "id", r.Handle, "job", r.Job, "trace", r.TraceID, "agent", r.Agent, "provider", r.Provider, "model", safe(r.Model),
				"prompt", r.PromptVersion, "temperature", strconv.FormatFloat(r.Temperature, 'f', -1, 64), "status", state(r.Status),
				"error", safe(deref(r.Error)), "tokens", fmt.Sprintf("%d in, %d out, %d cached", r.TokensIn, r.TokensOut, r.TokensCached),
				"cost", fmt.Sprintf("$%.6f", r.CostUSD), "latency", fmt.Sprintf("%d ms", r.LatencyMS), "cached", cached,
				"rejections", safe(deref(r.Rejections)), "input hash", r.InputHash)
			fmt.Fprintf(a.io.Out, "\n%s\n%s\n\n%s\n%s\n", styleHeader.Render("Request"), safeLines(r.Request), styleHeader.Render("Response"), safeLines(deref(r.Response)))
			return nil
		},
	}
	show.Flags().BoolVar(&diagnostics, "diagnostics", false, "show writer/verifier bodies, which may hold unverified sentences")
	c.AddCommand(lc, show, a.runsStatsCmd())
	return c
}

func (a *app) runsStatsCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "stats",
		Short: "Calls, tokens and cost by agent, model and day",
		Args:  exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := a.open(cmd.Context()); err != nil {
				return err
			}
			rows, err := a.svc.RunStats(cmd.Context(), a.actor)
			if err != nil {
				return err
			}
			total := statRow{}
			if all := sumStats(rows, func(store.RunStat) string { return "" }); len(all) == 1 {
				total = all[0]
			}
			out := map[string]any{"total": total}
			for _, by := range []struct {
				name string
				key  func(store.RunStat) string
			}{
				{"by_agent", func(r store.RunStat) string { return r.Agent }},
				{"by_model", func(r store.RunStat) string { return r.Model }},
				{"by_day", func(r store.RunStat) string { return r.Day }},
			} {
				out[by.name] = sumStats(rows, by.key)
			}
			if a.json {
				return a.printJSON(out)
			}
			for _, group := range []struct{ title, field string }{{"AGENT", "by_agent"}, {"MODEL", "by_model"}, {"DAY", "by_day"}} {
				var tbl [][]string
				for _, r := range out[group.field].([]statRow) {
					tbl = append(tbl, []string{r.Key, strconv.FormatInt(r.Calls, 10), strconv.FormatInt(r.Cached, 10), strconv.FormatInt(r.Failed, 10),
						strconv.FormatInt(r.TokensIn, 10), strconv.FormatInt(r.TokensOut, 10), strconv.FormatInt(r.TokensCached, 10), fmt.Sprintf("%.4f", r.CostUSD)})
				}
				a.table([]string{group.title, "CALLS", "CACHED", "FAILED", "TOKENS IN", "OUT", "CACHED IN", "COST$"}, tbl)
				fmt.Fprintln(a.io.Out)
			}
			t := out["total"].(statRow)
			fmt.Fprintf(a.io.Out, "total: %d calls (%d from cache, %d failed), %d tokens in, %d out, $%.4f\n", t.Calls, t.Cached, t.Failed, t.TokensIn, t.TokensOut, t.CostUSD)
			return nil
		},
	}
}

// statRow is a sum of run stats under one key.
type statRow struct {
	Key string `json:"key"`
	store.RunStat
}

// sumStats groups rows by key, in first-seen order.
func sumStats(rows []store.RunStat, key func(store.RunStat) string) []statRow {
	var out []statRow
	idx := map[string]int{}
	for _, r := range rows {
		k := key(r)
		i, ok := idx[k]
		if !ok {
			i = len(out)
			idx[k] = i
			out = append(out, statRow{Key: k})
		}
		s := &out[i].RunStat
		s.Calls += r.Calls
		s.Cached += r.Cached
		s.Failed += r.Failed
		s.TokensIn += r.TokensIn
		s.TokensOut += r.TokensOut
		s.TokensCached += r.TokensCached
		s.CostUSD += r.CostUSD
	}
	if out == nil {
		out = []statRow{}
	}
	return out
}
