package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/opusblocks/opus/internal/domain"
	"github.com/opusblocks/opus/internal/service"
)

func newCmdPara(f *Factory) *cobra.Command {
	c := &cobra.Command{
		Use:     "para",
		Short:   "Generate, show, edit, export and trace verified paragraphs",
		Example: examples("opus para generate spec.yaml", "opus para show P1", "opus para edit P1", "opus para trace P1"),
	}
	c.AddCommand(newCmdParaGenerate(f, nil), newCmdParaShow(f, nil), newCmdParaList(f, nil),
		newCmdParaTrace(f, nil), newCmdParaEdit(f, nil), newCmdParaHistory(f, nil), newCmdParaDiff(f, nil), newCmdParaRevert(f, nil),
		newCmdParaExport(f, nil), newCmdParaRm(f, nil), newCmdParaNew(f, nil))
	return groupCommand(c)
}

// awaitWritten ends a command that queued a paragraph job (generate, edit,
// revert): with --detach it prints the job; otherwise it runs the job here
// and shows what it wrote. A nil job (nothing to write) shows the paragraph
// as it is.
func (f *Factory) awaitWritten(ctx context.Context, svc *service.Service, actor service.Actor, e exportFlags, jf jobFlags, p *domain.Paragraph, j *domain.Job, what string) error {
	if j != nil && jf.Detach {
		return f.renderJob(e, j)
	}
	if j != nil {
		if _, err := f.finishJob(ctx, svc, actor, j, what+" "+p.Handle); err != nil {
			return err
		}
	}
	return f.showWritten(ctx, svc, actor, e, p.Handle)
}

// showWritten prints the outcome of a generate or edit job: the new
// revision if it was verified. When it was not, the paragraph still shows
// an earlier one, but that is not what the command wrote: exit 5.
func (f *Factory) showWritten(ctx context.Context, svc *service.Service, actor service.Actor, e exportFlags, handle string) error {
	v, err := svc.ShowParagraph(ctx, actor, handle, false)
	if err == nil && v.Latest != 0 {
		err = domain.Errorf(domain.NotVerified, "revision %d of %s was not verified: %s", v.Latest, handle, v.Note)
		if e.enabled() {
			if rerr := f.render(e, v, nil); rerr != nil {
				return rerr
			}
		}
		return err
	}
	return f.renderParagraph(e, v, err)
}

// renderParagraph prints a paragraph view (ShowParagraph, ShowRevision).
func (f *Factory) renderParagraph(e exportFlags, v *service.ParagraphView, err error) error {
	if v != nil && e.enabled() {
		if rerr := f.render(e, v, nil); rerr != nil {
			return rerr
		}
		return err
	}
	if err != nil {
		return err
	}
	w := f.IO.Out
	if v.Diagnostics {
		fmt.Fprintf(w, "%s is %s — DIAGNOSTICS: unverified text below is not for use\n", v.ID, state(v.State))
		for _, s := range v.Sentences {
			mark := styleGood.Render("✓ supported  ")
			switch {
			case s.Verdict != domain.VerdictSupported:
				mark = styleBad.Render("✗ UNVERIFIED ")
			case len(s.Retracted) > 0:
				mark = styleBad.Render("✗ RETRACTED  ")
			}
			verbatim := ""
			if s.Verbatim {
				verbatim = styleDim.Render(" (verbatim)")
			}
			fmt.Fprintf(w, "%s %s%s\n", mark, safe(service.RenderSentence(s)), verbatim)
			if s.Verdict != domain.VerdictSupported && s.Reason != nil {
				fmt.Fprintf(w, "               %s\n", styleDim.Render(safe(*s.Reason)))
			}
			if len(s.Retracted) > 0 {
				fmt.Fprintf(w, "               %s\n", styleDim.Render("cites retracted "+strings.Join(s.Retracted, ", ")))
			}
		}
		return nil
	}
	fmt.Fprintln(w, safe(v.Text))
	if v.Note != "" {
		fmt.Fprintln(f.IO.Err, styleBad.Render("opus: "+safe(v.Note)))
	}
	note := fmt.Sprintf("%s verified: %s, revision %d", v.ID, plural(len(v.Sentences), "sentence"), v.Revision)
	if n := countVerbatim(v.Sentences); n > 0 {
		note += fmt.Sprintf("; %d copied verbatim from a quote: quote them as such (see 'opus para trace %s')", n, v.ID)
	}
	fmt.Fprintln(f.IO.Err, styleDim.Render(note))
	return nil
}

// countVerbatim counts the sentences marked verbatim.
func countVerbatim(ss []domain.Sentence) int {
	n := 0
	for _, s := range ss {
		if s.Verbatim {
			n++
		}
	}
	return n
}

// readInput reads a file, or stdin for "-".
func (f *Factory) readInput(path string) ([]byte, error) {
	if path == "-" {
		b, err := io.ReadAll(f.IO.In)
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
