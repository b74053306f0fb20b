package agents_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/opusblocks/opus/internal/agents"
	"github.com/opusblocks/opus/internal/llm/offline"
	"github.com/opusblocks/opus/internal/pdftext"
	"github.com/opusblocks/opus/internal/prompts"
	"github.com/opusblocks/opus/internal/testpdf"
)

// BenchmarkOfflineExtract measures fact extraction (offline librarian plus
// anchoring checks) over the page texts of the papers of testdata/pdf, or
// of the whole corpus when OPUS_CORPUS names it (absolute, or relative to
// the repository root), reporting facts/s and pages/s. PDF text extraction
// is done once, outside the timer.
func BenchmarkOfflineExtract(b *testing.B) {
	ctx := context.Background()
	ex, err := pdftext.New(ctx, pdftext.Options{CacheDir: filepath.Join(os.TempDir(), "opus-test-cache", "opus", "wazero")})
	if err != nil {
		b.Fatal(err)
	}
	defer ex.Close()
	dir := testpdf.Dir()
	if c, ok := testpdf.Corpus(); ok {
		dir = c
	}
	paths, _ := filepath.Glob(filepath.Join(dir, "*.pdf"))
	var docs [][]string
	pages := 0
	for _, p := range paths {
		if strings.HasPrefix(filepath.Base(p), "bad_") {
			continue
		}
		data, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		pp, err := ex.Pages(ctx, data)
		if err != nil {
			b.Fatal(err)
		}
		docs = append(docs, pp)
		pages += len(pp)
	}
	if len(docs) == 0 {
		b.Fatalf("no paper in %s", dir)
	}
	b.Logf("%d papers, %d pages of %s", len(docs), pages, dir)
	a := &agents.Agents{Provider: offline.New(), Model: offline.Model, Prompts: prompts.Versions()}
	facts := 0
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, d := range docs {
			res, err := a.Extract(ctx, "bench", d, nil)
			if err != nil {
				b.Fatal(err)
			}
			facts += len(res.Facts)
		}
	}
	secs := b.Elapsed().Seconds()
	b.ReportMetric(float64(facts)/secs, "facts/s")
	b.ReportMetric(float64(pages*b.N)/secs, "pages/s")
}
