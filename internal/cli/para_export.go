package cli

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/opusblocks/opus/internal/domain"
	"github.com/opusblocks/opus/internal/export"
)

type paraExportOptions struct {
	f         *Factory
	Handle    string
	Format    string
	Out       string
	Citations string
	Verbatim  string
	Export    exportFlags
}

func newCmdParaExport(f *Factory, runF func(context.Context, *paraExportOptions) error) *cobra.Command {
	o := &paraExportOptions{f: f}
	c := &cobra.Command{
		Use:   "export P1 [--format md|latex|json] [-o FILE]",
		Short: "Write a verified paragraph as Markdown (Pandoc), LaTeX or JSON provenance",
		Long: `Writes a verified paragraph with citations rendered from its sentences' links.

  md     Markdown with Pandoc citations ([@key]) and a .bib beside it named in the front
         matter: 'pandoc --citeproc FILE.md -o FILE.docx' gives a document in any CSL style.
  latex  a LaTeX document with natbib \citep{key} and a .bib beside it (pdflatex + bibtex).
  json   provenance: each sentence, the facts it cites with quote, page and document
         metadata, its verifier run, and the models and prompt versions behind it.

The format defaults to the output file's extension (.md, .tex, .json), else md. Markdown and
LaTeX need -o FILE, since the .bib is written beside it (FILE.bib). Sentences that copy a
quote verbatim are rendered as quotations with their page, unless --verbatim=flag (left as
written, marked [verbatim]) or --verbatim=refuse (the export fails). Only a verified
paragraph whose facts are all active exports; anything else is refused with the reason.`,
		Example: examples("opus para export P1 -o results.md && pandoc --citeproc results.md -o results.docx",
			"opus para export P1 -o results.tex --citations numeric", "opus para export P1 --format json | jq '.sentences[0].facts'"),
		Args:              exactArgs(1),
		ValidArgsFunction: completeHandles(f, "P"),
		RunE: func(c *cobra.Command, args []string) error {
			o.Handle = args[0]
			return dispatch(c, o, runF, paraExportRun)
		},
	}
	fl := c.Flags()
	fl.StringVar(&o.Format, "format", "", "md, latex or json (default: from -o's extension, else md)")
	fl.StringVarP(&o.Out, "output", "o", "", "write to `FILE` (and FILE.bib beside it); json may go to stdout")
	fl.StringVar(&o.Citations, "citations", "", "citation style: numeric, author-year or none (default: the spec's, else the config's)")
	fl.StringVar(&o.Verbatim, "verbatim", "quote", "verbatim sentences: quote, flag or refuse")
	addExportFlags(c, &o.Export)
	return c
}

func paraExportRun(ctx context.Context, o *paraExportOptions) error {
	format, err := exportFormat(o.Format, o.Out)
	if err != nil {
		return err
	}
	if o.Export.enabled() && o.Out == "" { // --json: the provenance on stdout
		format = formatJSON
	}
	if format != formatJSON && o.Out == "" {
		return domain.Errorf(domain.Invalid, "%s export writes a .bib beside the document: give -o FILE (or --format json for stdout)", format)
	}
	svc, actor, err := o.f.Open(ctx)
	if err != nil {
		return err
	}
	p, err := svc.ExportParagraph(ctx, actor, o.Handle)
	if err != nil {
		return err
	}
	if format == formatJSON {
		if o.Out == "" {
			return o.f.render(exportFlags{JSON: true, JQ: o.Export.JQ}, p, nil)
		}
		b, err := marshalIndent(p)
		if err != nil {
			return err
		}
		return writeOutputs(map[string][]byte{o.Out: b})
	}
	opts, err := o.f.exportOptions(o.Citations, p.Style, o.Verbatim)
	if err != nil {
		return err
	}
	m := export.Manuscript{Title: p.Title, Sections: []export.Section{{Paragraphs: []export.Paragraph{p.Paragraph}}}}
	bib := bibPath(o.Out)
	doc, bibData, err := manuscriptFiles(m, format, filepath.Base(bib), opts)
	if err != nil {
		return err
	}
	files := map[string][]byte{o.Out: doc}
	if bibData != nil {
		files[bib] = bibData
	}
	if err := writeOutputs(files); err != nil {
		return err
	}
	if bibData != nil {
		fmt.Fprintf(o.f.IO.Err, "wrote %s and %s\n", o.Out, bib)
	} else {
		fmt.Fprintf(o.f.IO.Err, "wrote %s\n", o.Out)
	}
	return nil
}

// exportOptions picks the citation style (the flag's, else the spec's or
// manuscript's, else the config's) and the verbatim mode.
func (f *Factory) exportOptions(flag, fromSpec, verbatim string) (export.Options, error) {
	name := flag
	if name == "" {
		name = fromSpec
	}
	if name == "" {
		st, err := f.Settings(nil)
		if err != nil {
			return export.Options{}, err
		}
		name = st.Citations
	}
	var opts export.Options
	var err error
	if opts.Style, err = export.ParseStyle(name); err != nil {
		return opts, domain.Wrap(err, domain.Invalid, "%s", err.Error())
	}
	if opts.Verbatim, err = export.ParseVerbatimMode(verbatim); err != nil {
		return opts, domain.Wrap(err, domain.Invalid, "--verbatim: %s", err.Error())
	}
	return opts, nil
}
