package cli

import (
	"fmt"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/opusblocks/opus/internal/domain"
)

func (a *app) docCmd() *cobra.Command {
	c := &cobra.Command{Use: "doc", Short: "Add, list, show and remove source documents"}
	c.AddCommand(&cobra.Command{
		Use:   "add FILE…",
		Short: "Store PDFs, .txt or .md files and their page text (idempotent per content)",
		Args:  minArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			if err := a.open(ctx); err != nil {
				return err
			}
			type added struct {
				domain.Document
				Existed bool `json:"existed"`
			}
			var out []added
			var firstErr error
			for _, path := range args {
				res, err := a.svc.AddDocument(ctx, a.actor, path)
				if err != nil {
					if len(args) == 1 {
						return err
					}
					fmt.Fprintln(a.io.Err, "opus: "+safe(domain.ErrorMessage(err)))
					if firstErr == nil {
						firstErr = err
					}
					continue
				}
				out = append(out, added{*res.Document, res.Existed})
			}
			if a.json {
				if out == nil {
					out = []added{}
				}
				if err := a.printJSON(out); err != nil {
					return err
				}
			} else {
				for _, d := range out {
					note := "added"
					if d.Existed {
						note = "already stored"
					}
					fmt.Fprintf(a.io.Out, "%s  %s  (%s, %s)\n", d.Handle, safe(d.Filename), plural(d.PageCount, "page"), note)
				}
			}
			if firstErr != nil {
				return domain.Errorf(domain.ErrorCode(firstErr), "%d of %d files could not be added", len(args)-len(out), len(args))
			}
			return nil
		},
	})
	c.AddCommand(&cobra.Command{
		Use:   "list",
		Short: "List documents",
		Args:  exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := a.open(cmd.Context()); err != nil {
				return err
			}
			docs, err := a.svc.Documents(cmd.Context(), a.actor)
			if err != nil {
				return err
			}
			if a.json {
				if docs == nil {
					docs = []domain.Document{}
				}
				return a.printJSON(docs)
			}
			rows := make([][]string, len(docs))
			for i, d := range docs {
				rows[i] = []string{d.Handle, truncate(d.Title, 40), strconv.Itoa(d.PageCount), state(d.State), d.CreatedAt.Format("2006-01-02 15:04")}
			}
			a.table([]string{"ID", "TITLE", "PAGES", "STATE", "ADDED"}, rows)
			return nil
		},
	})
	c.AddCommand(&cobra.Command{
		Use:   "show D1",
		Short: "Show a document",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := a.open(cmd.Context()); err != nil {
				return err
			}
			d, err := a.svc.Document(cmd.Context(), a.actor, args[0])
			if err != nil {
				return err
			}
			if a.json {
				return a.printJSON(d)
			}
			kv(a.io.Out, "id", d.Handle, "title", safe(d.Title), "file", safe(d.Filename), "type", d.MediaType, "pages", strconv.Itoa(d.PageCount),
				"text layer", ocrNote(d.TextLayer), "bytes", strconv.FormatInt(d.Bytes, 10), "sha256", d.SHA256, "state", state(d.State), "error", safe(deref(d.Error)),
				"facts", fmt.Sprintf("%d active, %d retracted", d.ActiveFacts, d.RetractedFacts), "added", d.CreatedAt.Format("2006-01-02 15:04:05"))
			return nil
		},
	})
	c.AddCommand(&cobra.Command{
		Use:   "rm D1",
		Short: "Remove a document, its pages and facts (refused when paragraphs use its facts)",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := a.open(cmd.Context()); err != nil {
				return err
			}
			d, err := a.svc.RemoveDocument(cmd.Context(), a.actor, args[0])
			if err != nil {
				return err
			}
			if a.json {
				return a.printJSON(map[string]any{"id": d.Handle, "removed": true})
			}
			fmt.Fprintf(a.io.Out, "removed %s (%s)\n", d.Handle, safe(d.Filename))
			return nil
		},
	})
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
