package cli

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/opusblocks/opus/internal/domain"
	"github.com/opusblocks/opus/internal/service"
)

type docAddOptions struct {
	f      *Factory
	Paths  []string
	Bib    string // a .bib or CSL-JSON file with the documents' metadata
	Key    string // the entry of Bib to use
	Export exportFlags
}

func newCmdDocAdd(f *Factory, runF func(context.Context, *docAddOptions) error) *cobra.Command {
	o := &docAddOptions{f: f}
	c := &cobra.Command{
		Use:   "add FILE…",
		Short: "Store PDFs, .txt or .md files and their page text (idempotent per content)",
		Long: `Stores each file and its page text. Adding the same content again returns the stored
document. With several files, each is added on its own: one that cannot be read is reported
and the rest are still added (the exit status then says some failed).

Title, authors, year, DOI and a citation key are read from the PDF (its metadata and first
page) where it has them. --bib takes them from your reference manager's export instead
(BibTeX/BibLaTeX .bib or CSL-JSON .json): the entry named by --key, else the only entry, else
the one whose file field names the PDF, else the one with the DOI the PDF prints. Adding a
stored file again with --bib updates its metadata. 'opus doc edit' changes any of it.`,
		Example: examples("opus doc add paper.pdf", "opus doc add papers/*.pdf --json", "opus doc add notes.md",
			"opus doc add paper.pdf --bib library.bib --key smith2020"),
		Args: minArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			o.Paths = args
			if o.Key != "" && o.Bib == "" {
				return usageError(c, "--key names an entry of --bib; give --bib FILE too")
			}
			if o.Key != "" && len(args) > 1 {
				return usageError(c, "--key names one entry; add one file with it")
			}
			return dispatch(c, o, runF, docAddRun)
		},
	}
	c.Flags().StringVar(&o.Bib, "bib", "", "take metadata from this `FILE` (.bib or CSL-JSON .json)")
	c.Flags().StringVar(&o.Key, "key", "", "the `KEY` of the --bib entry to use")
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
	var bib *service.Bib
	if o.Bib != "" {
		if bib, err = svc.ReadBib(o.Bib); err != nil {
			return err
		}
		bib.Key = o.Key
	}
	out := []addedDocument{}
	var firstErr error
	for _, path := range o.Paths {
		res, err := svc.AddDocumentWithBib(ctx, actor, path, bib)
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
			switch {
			case d.Existed && bib != nil:
				note = "already stored; metadata from " + safe(bib.Source)
			case d.Existed:
				note = "already stored"
			}
			fmt.Fprintf(w, "%s  %s  (%s, %s)\n", d.Handle, safe(d.Filename), plural(d.PageCount, "page"), note)
			if line := citeLine(&d.Document); line != "" {
				fmt.Fprintln(w, "    "+styleDim.Render(line))
			}
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
