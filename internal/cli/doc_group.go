package cli

import "github.com/spf13/cobra"

func newCmdDoc(f *Factory) *cobra.Command {
	c := &cobra.Command{
		Use:     "doc",
		Short:   "Add, list, show and remove source documents",
		Example: examples("opus doc add paper.pdf notes.md", "opus doc list", "opus doc show D1"),
	}
	c.AddCommand(newCmdDocAdd(f, nil), newCmdDocList(f, nil), newCmdDocShow(f, nil), newCmdDocPage(f, nil), newCmdDocRm(f, nil))
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
