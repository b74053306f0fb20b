package cli

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/opusblocks/opus/internal/domain"
	"github.com/opusblocks/opus/internal/service"
)

type paraTraceOptions struct {
	f           *Factory
	Handle      string
	Diagnostics bool
	Export      exportFlags
}

func newCmdParaTrace(f *Factory, runF func(context.Context, *paraTraceOptions) error) *cobra.Command {
	o := &paraTraceOptions{f: f}
	c := &cobra.Command{
		Use:   "trace P1",
		Short: "Everything that produced a paragraph: spec, facts and quotes, runs, revisions, verdicts",
		Example: examples("opus para trace P1", "opus para trace P1 --diagnostics",
			"opus para trace P1 --jq '.runs[] | [.id, .agent, .input_hash] | @tsv'"),
		Args:              exactArgs(1),
		ValidArgsFunction: completeHandles(f, "P"),
		RunE: func(c *cobra.Command, args []string) error {
			o.Handle = args[0]
			return dispatch(c, o, runF, paraTraceRun)
		},
	}
	c.Flags().BoolVar(&o.Diagnostics, "diagnostics", false, "include texts of unverified sentences and model outputs")
	addExportFlags(c, &o.Export)
	return c
}

func paraTraceRun(ctx context.Context, o *paraTraceOptions) error {
	svc, actor, err := o.f.Open(ctx)
	if err != nil {
		return err
	}
	tr, err := svc.TraceParagraph(ctx, actor, o.Handle, o.Diagnostics)
	if err != nil {
		return err
	}
	return o.f.render(o.Export, tr, func(w io.Writer) { printTrace(w, tr) })
}

func printTrace(w io.Writer, tr *service.Trace) {
	p := tr.Paragraph
	fmt.Fprintf(w, "%s  %s  (revision %d)\n", styleHeader.Render(p.ID), state(p.State), p.Revision)
	if p.Error != "" {
		fmt.Fprintf(w, "error: %s\n", safe(p.Error))
	}
	fmt.Fprintf(w, "\n%s\n%s\n", styleHeader.Render("Spec"), safeLines(string(tr.Spec)))
	fmt.Fprintf(w, "\n%s\n", styleHeader.Render("Allowed facts"))
	for _, f := range tr.Allowed {
		src := "manual: " + safe(domain.Deref(f.SourceNote))
		if f.DocHandle != "" {
			src = fmt.Sprintf("%s p.%d", f.DocHandle, domain.Deref(f.Page))
		}
		fmt.Fprintf(w, "  [%s] %s\n       quote (%s): \"%s\"\n", f.Handle, safe(f.Text), src, oneLine(domain.Deref(f.Quote)))
	}
	fmt.Fprintf(w, "\n%s\n", styleHeader.Render("Jobs"))
	for _, j := range tr.Jobs {
		fmt.Fprintf(w, "  %s  %s  %s  attempt %d/%d  trace %s\n", j.Handle, j.Kind, state(j.State), j.Attempt, j.MaxAttempts, j.TraceID)
	}
	fmt.Fprintf(w, "\n%s\n", styleHeader.Render("Runs"))
	for _, r := range tr.Runs {
		fmt.Fprintf(w, "  %s  %-9s %s/%s  prompt %s  %s  in=%d out=%d  $%.4f  %dms  input %s…\n",
			r.Handle, r.Agent, r.Provider, safe(r.Model), r.PromptVersion, state(r.Status), r.TokensIn, r.TokensOut, r.CostUSD, r.LatencyMS, r.InputHash[:12])
	}
	fmt.Fprintf(w, "\n%s\n", styleHeader.Render("Revisions"))
	for _, rev := range tr.Revisions {
		by := "edited by the user"
		if rev.RunHandle != "" {
			by = "writer run " + rev.RunHandle
		}
		fmt.Fprintf(w, "  revision %d (%s, %s)\n", rev.N, rev.Origin, by)
		for _, s := range rev.Sentences {
			fmt.Fprintf(w, "    %d. %s  %s\n", s.Ordinal+1, state(s.Verdict), safe(s.Text))
			detail := "cites " + strings.Join(s.Facts, ", ")
			if len(s.Facts) == 0 {
				detail = "cites no fact"
			}
			if s.VerifierRun != "" {
				detail += "; verifier run " + s.VerifierRun
			}
			if s.Verbatim {
				detail += fmt.Sprintf("; verbatim: %d words copied from a quote", s.VerbatimWords)
			}
			switch {
			case s.Reason != nil:
				detail += "; " + safe(*s.Reason)
			case s.ReasonCode != nil:
				detail += "; " + *s.ReasonCode
			}
			fmt.Fprintf(w, "       %s\n", styleDim.Render(detail))
		}
	}
	if tr.Redacted {
		fmt.Fprintln(w)
		fmt.Fprintln(w, styleDim.Render("Unverified texts are withheld; add --diagnostics to see them."))
	}
}
