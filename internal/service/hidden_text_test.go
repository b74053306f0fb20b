package service_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/opusblocks/opus/internal/domain"
	"github.com/opusblocks/opus/internal/service"
	"github.com/opusblocks/opus/internal/store"
	"github.com/opusblocks/opus/internal/store/storetest"
)

// The test PDFs of package pdftext (made by its testdata/gen.go); every
// hidden run there holds a word starting with HIDDEN.
const pdftextData = "../pdftext/testdata/"

// Issue 7: text a reader cannot see never becomes page text or a fact, and
// a document whose text is an OCR layer says so, in the database too.
func TestHiddenPDFTextNeverBecomesFacts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		svc, a := newService(t, db)
		ctx := context.Background()

		res, err := svc.AddDocument(ctx, a, pdftextData+"hidden.pdf")
		require.NoError(t, err)
		d := res.Document
		require.NotNil(t, d.TextLayer)
		assert.Equal(t, "text", *d.TextLayer)
		for i, p := range pagesOf(t, db, a, d) {
			assert.NotContains(t, p, "HIDDEN", "page %d", i+1)
			assert.Contains(t, p, "Visible sentence about results.")
		}
		j, err := svc.ExtractFacts(ctx, a, d.Handle, service.JobOptions{})
		require.NoError(t, err)
		require.Equal(t, domain.JobSucceeded, wait(t, svc, a, j).State)
		facts, err := svc.Facts(ctx, a, service.FactFilter{Doc: d.Handle})
		require.NoError(t, err)
		for _, f := range facts {
			assert.NotContains(t, f.Text, "HIDDEN")
			if f.Quote != nil {
				assert.NotContains(t, *f.Quote, "HIDDEN")
			}
		}

		res, err = svc.AddDocument(ctx, a, pdftextData+"ocr.pdf")
		require.NoError(t, err)
		v, err := svc.Document(ctx, a, res.Document.Handle) // read back from the database
		require.NoError(t, err)
		require.NotNil(t, v.TextLayer)
		assert.Equal(t, "ocr", *v.TextLayer)
		pages := pagesOf(t, db, a, &v.Document)
		assert.Contains(t, strings.Join(pages, "\n"), "Invisible OCR text says the treatment reduced pain.")

		res, err = svc.AddDocument(ctx, a, writeText(t, "notes.txt", trialText))
		require.NoError(t, err)
		v, err = svc.Document(ctx, a, res.Document.Handle)
		require.NoError(t, err)
		require.NotNil(t, v.TextLayer)
		assert.Equal(t, "text", *v.TextLayer)
	})
}
