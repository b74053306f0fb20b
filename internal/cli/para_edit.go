package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/opusblocks/opus/internal/domain"
)

type paraEditOptions struct {
	f      *Factory
	Handle string
	File   string // "" opens $EDITOR
	Model  modelFlags
	Job    jobFlags
	Export exportFlags
}

func newCmdParaEdit(f *Factory, runF func(context.Context, *paraEditOptions) error) *cobra.Command {
	o := &paraEditOptions{f: f}
	c := &cobra.Command{
		Use:   "edit P1 [--file edited.txt]",
		Short: "Edit sentences and citations ([F3] markers); the new revision is verified before display",
		Long: `Opens the paragraph in $EDITOR (or reads --file), one sentence per line with its citations
as [F3] markers. The markers you leave become the sentence's links; the new revision is verified
like a written one and shown only if every sentence passes.`,
		Example:           examples("opus para edit P1", "opus para edit P1 --file edited.txt", "opus para edit P1 --file - < edited.txt"),
		Args:              exactArgs(1),
		ValidArgsFunction: completeHandles(f, "P"),
		RunE: func(c *cobra.Command, args []string) error {
			o.Handle = args[0]
			return dispatch(c, o, runF, paraEditRun)
		},
	}
	c.Flags().StringVar(&o.File, "file", "", "read the edited paragraph from this file (- for stdin) instead of $EDITOR")
	addModelFlags(c, &o.Model)
	addJobFlags(c, &o.Job)
	addExportFlags(c, &o.Export)
	return c
}

func paraEditRun(ctx context.Context, o *paraEditOptions) error {
	svc, actor, err := o.f.OpenForModel(ctx, &o.Model)
	if err != nil {
		return err
	}
	var text string
	if o.File != "" {
		b, err := o.f.readInput(o.File)
		if err != nil {
			return err
		}
		text = string(b)
	} else {
		tmpl, err := svc.EditTemplate(ctx, actor, o.Handle)
		if err != nil {
			return err
		}
		if text, err = editInEditor(tmpl); err != nil {
			return err
		}
	}
	p, j, err := svc.EditParagraph(ctx, actor, o.Handle, text, o.Job.options())
	if err != nil {
		if o.File == "" && domain.ErrorCode(err) == domain.Invalid {
			return o.f.keepEdit(o.Handle, text, err)
		}
		return err
	}
	if j == nil {
		fmt.Fprintf(o.f.IO.Err, "opus: %s is unchanged: the edit says what its verified revision says\n", p.Handle)
	}
	return o.f.awaitWritten(ctx, svc, actor, o.Export, o.Job, p, j, "verifying")
}

// keepEdit saves text typed in $EDITOR that the edit refused, so that a
// user's writing is never lost, and names the file in the error.
func (f *Factory) keepEdit(handle, text string, cause error) error {
	dir := filepath.Join(f.settings.dataDir, "edits")
	if err := os.MkdirAll(dir, 0o700); err == nil {
		path := filepath.Join(dir, fmt.Sprintf("%s-%s.txt", handle, time.Now().Format("20060102-150405")))
		if err := os.WriteFile(path, []byte(text), 0o600); err == nil {
			return domain.Wrap(cause, domain.Invalid, "%s; your text is kept in %s (fix it and run 'opus para edit %s --file %s')",
				domain.ErrorMessage(cause), path, handle, path)
		}
	}
	return cause
}
