package cli

import (
	"context"
	"fmt"
	"io"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/opusblocks/opus/internal/domain"
)

type runsShowOptions struct {
	f           *Factory
	Handle      string
	Diagnostics bool
	Export      exportFlags
}

func newCmdRunsShow(f *Factory, runF func(context.Context, *runsShowOptions) error) *cobra.Command {
	o := &runsShowOptions{f: f}
	c := &cobra.Command{
		Use:   "show R1",
		Short: "Show one model call with its request and response",
		Long: `Shows a model call: model, prompt version, tokens, cost, latency and input hash, with its
request and response (in --json as JSON values). The writer's and verifier's bodies may hold
unverified sentences, so they are withheld unless --diagnostics is given.`,
		Example:           examples("opus runs show R4", "opus runs show R4 --diagnostics --jq .response"),
		Args:              exactArgs(1),
		ValidArgsFunction: completeHandles(f, "R"),
		RunE: func(c *cobra.Command, args []string) error {
			o.Handle = args[0]
			return dispatch(c, o, runF, runsShowRun)
		},
	}
	c.Flags().BoolVar(&o.Diagnostics, "diagnostics", false, "show writer/verifier bodies, which may hold unverified sentences")
	addExportFlags(c, &o.Export)
	return c
}

func runsShowRun(ctx context.Context, o *runsShowOptions) error {
	svc, actor, err := o.f.Open(ctx)
	if err != nil {
		return err
	}
	r, err := svc.Run(ctx, actor, o.Handle, o.Diagnostics)
	if err != nil {
		return err
	}
	return o.f.render(o.Export, r, func(w io.Writer) {
		cached := ""
		if r.CachedFrom != nil {
			cached = "yes"
		}
		kv(w, "id", r.Handle, "job", r.Job, "trace", r.TraceID, "agent", r.Agent, "provider", r.Provider, "model", safe(r.Model),
			"prompt", r.PromptVersion, "temperature", strconv.FormatFloat(r.Temperature, 'f', -1, 64), "status", state(r.Status),
			"error", safe(domain.Deref(r.Error)), "tokens", fmt.Sprintf("%d in, %d out, %d cached", r.TokensIn, r.TokensOut, r.TokensCached),
			"cost", fmt.Sprintf("$%.6f", r.CostUSD), "latency", fmt.Sprintf("%d ms", r.LatencyMS), "cached", cached,
			"rejections", safe(domain.Deref(r.Rejections)), "input hash", r.InputHash)
		fmt.Fprintf(w, "\n%s\n%s\n\n%s\n%s\n", styleHeader.Render("Request"), safeLines(r.Request), styleHeader.Render("Response"), safeLines(domain.Deref(r.Response)))
	})
}
