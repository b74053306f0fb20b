package cli

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/opusblocks/opus/internal/domain"
)

type docAddOptions struct {
	f      *Factory
	Paths  []string
	Export exportFlags
}

func newCmdDocAdd(f *Factory, runF func(context.Context, *docAddOptions) error) *cobra.Command {
	o := &docAddOptions{f: f}
	c := &cobra.Command{
		Use:   "add FILE…",
		Short: "Store PDFs, .txt or .md files and their page text (idempotent per content)",
		Long: `Stores each file and its page text. Adding the same content again returns the stored
document. With several files, each is added on its own: one that cannot be read is reported
and the rest are still added (the exit status then says some failed).`,
		Example: examples("opus doc add paper.pdf", "opus doc add papers/*.pdf --json", "opus doc add notes.md"),
		Args:    minArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			o.Paths = args
			return dispatch(c, o, runF, docAddRun)
		},
	}
	addExportFlags(c, &o.Export)
	return c
}

// addedDocument is one line of doc add's output.
type addedDocument struct {
	domain.Document
	Existed bool `json:"existed"`
}

func docAddRun(ctx context.Context, o *docAddOptions) error {
	svc, actor, err := o.f.Open(ctx)
	if err != nil {
		return err
	}
	out := []addedDocument{}
	var firstErr error
	for _, path := range o.Paths {
		res, err := svc.AddDocument(ctx, actor, path)
		if err != nil {
			if len(o.Paths) == 1 {
				return err
			}
			fmt.Fprintln(o.f.IO.Err, "opus: "+safe(domain.ErrorMessage(err)))
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		out = append(out, addedDocument{*res.Document, res.Existed})
	}
	err = o.f.render(o.Export, out, func(w io.Writer) {
		for _, d := range out {
			note := "added"
			if d.Existed {
				note = "already stored"
			}
			fmt.Fprintf(w, "%s  %s  (%s, %s)\n", d.Handle, safe(d.Filename), plural(d.PageCount, "page"), note)
		}
	})
	if err != nil {
		return err
	}
	if firstErr != nil {
		return domain.Errorf(domain.ErrorCode(firstErr), "%d of %d files could not be added", len(o.Paths)-len(out), len(o.Paths))
	}
	return nil
}
