package cli

import (
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/opusblocks/opus/internal/biblio"
	"github.com/opusblocks/opus/internal/domain"
)

func newCmdDoc(f *Factory) *cobra.Command {
	c := &cobra.Command{
		Use:     "doc",
		Short:   "Add, import, list, show, edit and remove source documents",
		Example: examples("opus doc add paper.pdf notes.md", "opus doc import library.bib", "opus doc list", "opus doc show D1"),
	}
	c.AddCommand(newCmdDocAdd(f, nil), newCmdDocImport(f, nil), newCmdDocList(f, nil), newCmdDocShow(f, nil), newCmdDocEdit(f, nil),
		newCmdDocPage(f, nil), newCmdDocOpen(f, nil), newCmdDocRm(f, nil))
	return groupCommand(c)
}

// ocrNote is the "text layer" line of doc show: said only for OCR text
// (pdftext.LayerOCR), whose quotes may carry recognition errors.
func ocrNote(layer *string) string {
	if layer == nil || *layer != "ocr" {
		return ""
	}
	return *layer + " (invisible OCR text under a scan)"
}

// authorList names a document's authors for a terminal line: all of up to
// three, else the first and "et al.".
func authorList(as []biblio.Author) string {
	names := make([]string, 0, len(as))
	for _, a := range as {
		n := a.Family
		if a.Given != "" {
			n = a.Given + " " + a.Family
		}
		names = append(names, n)
	}
	if len(names) > 3 {
		return names[0] + " et al."
	}
	return strings.Join(names, ", ")
}

// docRefPairs are kv's lines of a document's handle, title and metadata,
// which doc show and doc edit print first.
func docRefPairs(d *domain.Document) []string {
	b := d.Bib
	return []string{"id", d.Handle, "title", safe(d.Title), "authors", safe(authorList(b.Authors)), "year", itoa0(b.Year),
		"venue", safe(b.Venue), "doi", safe(b.DOI), "key", safe(b.Key)}
}

// itoa0 is n, or "" for an unknown 0.
func itoa0(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}

// citeLine is a document's reference in one line (authors, year, venue,
// DOI, key): what doc add prints under each document it read metadata
// for. Empty when there is no metadata beyond the key.
func citeLine(d *domain.Document) string {
	b := d.Bib
	var parts []string
	if s := authorList(b.Authors); s != "" {
		parts = append(parts, s)
	}
	if b.Year != 0 {
		parts = append(parts, strconv.Itoa(b.Year))
	}
	if b.Venue != "" {
		parts = append(parts, b.Venue)
	}
	if b.DOI != "" {
		parts = append(parts, "doi:"+b.DOI)
	}
	if len(parts) == 0 {
		return ""
	}
	if b.Key != "" {
		parts = append(parts, "key "+b.Key)
	}
	return safe(strings.Join(parts, " · "))
}
