package cli

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/opusblocks/opus/internal/domain"
	"github.com/opusblocks/opus/internal/service"
)

func (a *app) paraCmd() *cobra.Command {
	c := &cobra.Command{Use: "para", Short: "Generate, show, edit and trace verified paragraphs"}
	var diagnostics bool

	generate := &cobra.Command{
		Use:   "generate SPEC.yaml|-",
		Short: "Write and verify a paragraph from a spec (a job; waits unless --detach)",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			data, err := a.readInput(args[0])
			if err != nil {
				return err
			}
			if err := a.openForModel(ctx); err != nil {
				return err
			}
			p, j, err := a.svc.GenerateParagraph(ctx, a.actor, data, service.JobOptions{IdempotencyKey: a.idemKey})
			if err != nil {
				return err
			}
			if a.detach {
				return a.printJob(j)
			}
			if _, err := a.finishJob(ctx, j, "writing "+p.Handle); err != nil {
				return err
			}
			return a.showParagraph(cmd, p.Handle, false)
		},
	}
	a.jobFlags(generate)

	show := &cobra.Command{
		Use:   "show P1",
		Short: "Show a paragraph — only if every sentence is verified",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := a.open(cmd.Context()); err != nil {
				return err
			}
			return a.showParagraph(cmd, args[0], diagnostics)
		},
	}
	show.Flags().BoolVar(&diagnostics, "diagnostics", false, "also show unverified sentences, marked, with the reasons")

	list := &cobra.Command{
		Use:   "list",
		Short: "List paragraphs and their states",
		Args:  exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := a.open(cmd.Context()); err != nil {
				return err
			}
			ps, err := a.svc.Paragraphs(cmd.Context(), a.actor)
			if err != nil {
				return err
			}
			if a.json {
				if ps == nil {
					ps = []domain.Paragraph{}
				}
				return a.printJSON(ps)
			}
			rows := make([][]string, len(ps))
			for i, p := range ps {
				rev := ""
				if p.CurrentRevision != nil {
					rev = strconv.Itoa(*p.CurrentRevision)
				}
				rows[i] = []string{p.Handle, state(p.State), rev, p.UpdatedAt.Format("2006-01-02 15:04"), truncate(deref(p.Error), 60)}
			}
			a.table([]string{"ID", "STATE", "REVISION", "UPDATED", "ERROR"}, rows)
			return nil
		},
	}

	var traceDiag bool
	trace := &cobra.Command{
		Use:   "trace P1",
		Short: "Everything that produced a paragraph: spec, facts and quotes, runs, revisions, verdicts",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := a.open(cmd.Context()); err != nil {
				return err
			}
			tr, err := a.svc.TraceParagraph(cmd.Context(), a.actor, args[0], traceDiag)
			if err != nil {
				return err
			}
			if a.json {
				return a.printJSON(tr)
			}
			a.printTrace(tr)
			return nil
		},
	}
	trace.Flags().BoolVar(&traceDiag, "diagnostics", false, "include texts of unverified sentences and model outputs")

	var file string
	edit := &cobra.Command{
		Use:   "edit P1 [--file edited.txt]",
		Short: "Edit sentences and citations ([F3] markers); the new revision is verified before display",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			if err := a.openForModel(ctx); err != nil {
				return err
			}
			var text string
			if file != "" {
				b, err := a.readInput(file)
				if err != nil {
					return err
				}
				text = string(b)
			} else {
				tmpl, err := a.svc.EditTemplate(ctx, a.actor, args[0])
				if err != nil {
					return err
				}
				if text, err = editInEditor(tmpl); err != nil {
					return err
				}
			}
			p, j, err := a.svc.EditParagraph(ctx, a.actor, args[0], text, service.JobOptions{IdempotencyKey: a.idemKey})
			if err != nil {
				return err
			}
			if a.detach {
				return a.printJob(j)
			}
			if _, err := a.finishJob(ctx, j, "verifying "+p.Handle); err != nil {
				return err
			}
			return a.showParagraph(cmd, p.Handle, false)
		},
	}
	edit.Flags().StringVar(&file, "file", "", "read the edited paragraph from this file (- for stdin) instead of $EDITOR")
	a.jobFlags(edit)

	c.AddCommand(generate, show, list, trace, edit)
	return groupCommand(c)
}

// showParagraph prints a paragraph through the service's display rule.
func (a *app) showParagraph(cmd *cobra.Command, handle string, diagnostics bool) error {
	v, err := a.svc.ShowParagraph(cmd.Context(), a.actor, handle, diagnostics)
	if v != nil && a.json {
		if perr := a.printJSON(v); perr != nil {
			return perr
		}
		return err
	}
	if err != nil {
		return err
	}
	if v.Diagnostics {
		fmt.Fprintf(a.io.Out, "%s is %s — DIAGNOSTICS: unverified text below is not for use\n", v.ID, state(v.State))
		for _, s := range v.Sentences {
			mark := styleGood.Render("✓ supported  ")
			if s.Verdict != domain.VerdictSupported {
				mark = styleBad.Render("✗ UNVERIFIED ")
			}
			fmt.Fprintf(a.io.Out, "%s %s\n", mark, safe(service.RenderSentence(s)))
			if s.Verdict != domain.VerdictSupported && s.Reason != nil {
				fmt.Fprintf(a.io.Out, "               %s\n", styleDim.Render(safe(*s.Reason)))
			}
		}
		return nil
	}
	fmt.Fprintln(a.io.Out, safe(v.Text))
	fmt.Fprintln(a.io.Err, styleDim.Render(fmt.Sprintf("%s verified: %s, revision %d", v.ID, plural(len(v.Sentences), "sentence"), v.Revision)))
	return nil
}

func (a *app) printTrace(tr *service.Trace) {
	w := a.io.Out
	p := tr.Paragraph
	fmt.Fprintf(w, "%s  %s  (revision %d)\n", styleHeader.Render(p.ID), state(p.State), p.Revision)
	if p.Error != "" {
		fmt.Fprintf(w, "error: %s\n", safe(p.Error))
	}
	fmt.Fprintf(w, "\n%s\n%s\n", styleHeader.Render("Spec"), safeLines(string(tr.Spec)))
	fmt.Fprintf(w, "\n%s\n", styleHeader.Render("Allowed facts"))
	for _, f := range tr.Allowed {
		src := "manual: " + safe(deref(f.SourceNote))
		if f.DocHandle != "" {
			src = fmt.Sprintf("%s p.%d", f.DocHandle, deref0(f.Page))
		}
		fmt.Fprintf(w, "  [%s] %s\n       quote (%s): \"%s\"\n", f.Handle, safe(f.Text), src, oneLine(deref(f.Quote)))
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

func deref0(p *int) int {
	if p == nil {
		return 0
	}
	return *p
}

// readInput reads a file, or stdin for "-".
func (a *app) readInput(path string) ([]byte, error) {
	if path == "-" {
		b, err := io.ReadAll(a.io.In)
		if err != nil {
			return nil, domain.Errorf(domain.Invalid, "cannot read stdin: %v", err)
		}
		return b, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		if os.IsNotExist(err) {
			return nil, domain.Errorf(domain.Invalid, "%s: no such file", path)
		}
		return nil, domain.Errorf(domain.Invalid, "%s: cannot read: %v", path, err)
	}
	return b, nil
}

// editInEditor opens text in $VISUAL/$EDITOR and returns what was saved.
func editInEditor(text string) (string, error) {
	editor := os.Getenv("VISUAL")
	if editor == "" {
		editor = os.Getenv("EDITOR")
	}
	if editor == "" {
		return "", domain.Errorf(domain.Invalid, "no $EDITOR set; set it or pass --file edited.txt")
	}
	dir, err := os.MkdirTemp("", "opus-edit-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "paragraph.txt")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		return "", err
	}
	parts := strings.Fields(editor)
	cmd := exec.Command(parts[0], append(parts[1:], path)...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		return "", domain.Errorf(domain.Invalid, "editor %q failed: %v; nothing was changed", editor, err)
	}
	b, err := os.ReadFile(path)
	return string(b), err
}
