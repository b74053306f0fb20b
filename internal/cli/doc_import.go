package cli

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/opusblocks/opus/internal/domain"
	"github.com/opusblocks/opus/internal/service"
)

type docImportOptions struct {
	f      *Factory
	Path   string
	Export exportFlags
}

func newCmdDocImport(f *Factory, runF func(context.Context, *docImportOptions) error) *cobra.Command {
	o := &docImportOptions{f: f}
	c := &cobra.Command{
		Use:   "import LIBRARY.bib|LIBRARY.json",
		Short: "Add the PDFs a reference manager's export links, with their metadata",
		Long: `Reads a BibTeX/BibLaTeX export (Zotero, Better BibTeX, JabRef, Mendeley) or CSL-JSON and
adds the PDF each entry's file field links, with the entry's title, authors, year, venue,
DOI and citation key. A file stored already gets the entry's metadata; an entry without a
PDF updates the stored document with the same DOI, if any, else is skipped. Relative file
paths are relative to the export's folder. One entry that fails does not stop the others.`,
		Example: examples("opus doc import ~/Zotero/export/library.bib", "opus doc import refs.json --json"),
		Args:    exactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			o.Path = args[0]
			return dispatch(c, o, runF, docImportRun)
		},
	}
	addExportFlags(c, &o.Export)
	return c
}

func docImportRun(ctx context.Context, o *docImportOptions) error {
	svc, actor, err := o.f.Open(ctx)
	if err != nil {
		return err
	}
	bib, err := svc.ReadBib(o.Path)
	if err != nil {
		return err
	}
	n := 0
	out, err := svc.ImportBib(ctx, actor, bib, func(service.ImportResult) {
		n++
		o.f.progressf("importing: %d of %d entries done", n, len(bib.Entries))
	})
	o.f.progressDone()
	if err != nil {
		return err
	}
	counts := map[string]int{}
	for _, r := range out {
		counts[r.Outcome]++
	}
	err = o.f.render(o.Export, out, func(w io.Writer) {
		rows := make([][]string, 0, len(out))
		for _, r := range out {
			doc, note := "", r.Reason
			if r.Document != nil {
				doc = r.Document.Handle
				note = r.Document.Title
			}
			rows = append(rows, []string{r.Key, doc, r.Outcome, safe(note)})
		}
		table(w, []string{"KEY", "DOC", "OUTCOME", "TITLE / REASON"}, rows)
		fmt.Fprintf(w, "%d added, %d updated, %d skipped, %d failed\n", counts[service.ImportAdded], counts[service.ImportUpdated],
			counts[service.ImportSkipped], counts[service.ImportFailed])
	})
	if err != nil {
		return err
	}
	if n := counts[service.ImportFailed]; n > 0 {
		return domain.Errorf(domain.Invalid, "%d of %d entries could not be imported", n, len(out))
	}
	return nil
}
