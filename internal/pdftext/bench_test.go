package pdftext

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Both benchmarks read every real paper from disk, one file after the
// other, so their pages/s compare directly; scripts/bench-ingest.sh runs
// them interleaved. The papers are those of testdata/pdf, or of the whole
// corpus when OPUS_CORPUS names it (the better figure).

// benchPapers is the directory the benchmarks read and its papers.
func benchPapers(b *testing.B) (string, []corpusFile) {
	dir, ok := corpusPath()
	if !ok {
		dir = testPDFs
	}
	papers := realPapers(b, dir)
	b.Logf("%d papers of %s", len(papers), dir)
	return dir, papers
}

func BenchmarkPages(b *testing.B) {
	dir, papers := benchPapers(b)
	// Start PDFium outside the timed loop, as a long-running opus would have.
	_, err := shared.Pages(b.Context(), readPDF(b, dir, papers[0].name))
	if err != nil {
		b.Fatal(err)
	}
	pages := 0
	for b.Loop() {
		for _, f := range papers {
			pdf, err := os.ReadFile(filepath.Join(dir, f.name))
			if err != nil {
				b.Fatal(err)
			}
			text, err := shared.Pages(b.Context(), pdf)
			if err != nil {
				b.Fatalf("%s: %v", f.name, err)
			}
			pages += len(text)
		}
	}
	b.ReportMetric(float64(pages)/b.Elapsed().Seconds(), "pages/s")
}

func BenchmarkPdftotext(b *testing.B) {
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		b.Skip("pdftotext not installed (apt-get install poppler-utils)")
	}
	dir, papers := benchPapers(b)
	pages := 0
	for b.Loop() {
		for _, f := range papers {
			// Text to stdout, as opus keeps it in memory too.
			cmd := exec.Command(bin, "-q", "-enc", "UTF-8", filepath.Join(dir, f.name), "-")
			if out, err := cmd.Output(); err != nil || len(out) == 0 {
				b.Fatalf("%s: %v", f.name, err)
			}
			pages += f.pages
		}
	}
	b.ReportMetric(float64(pages)/b.Elapsed().Seconds(), "pages/s")
}
