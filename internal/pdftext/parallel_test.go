package pdftext

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testCache is the compilation cache the package's tests share.
var testCache = filepath.Join(os.TempDir(), "opus-pdftext-test", "wazero")

// pdfsIn lists the PDFs of dir.
func pdfsIn(t *testing.T, dir string) []string {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(dir, "*.pdf"))
	require.NoError(t, err)
	require.NotEmpty(t, names, dir)
	return names
}

// sameResult asserts that two reads of one PDF agree: the same pages, layer
// and OCR pages, or the same error.
func sameResult(t *testing.T, name string, want *Result, wantErr error, got *Result, gotErr error) {
	t.Helper()
	if wantErr != nil || gotErr != nil {
		require.Error(t, wantErr, "%s: only the second read failed: %v", name, gotErr)
		require.Error(t, gotErr, "%s: only the first read failed: %v", name, wantErr)
		assert.Equal(t, wantErr.Error(), gotErr.Error(), name)
		return
	}
	require.Len(t, got.Pages, len(want.Pages), name)
	for i := range want.Pages {
		// Not assert.Equal on the whole: one differing page is enough to show.
		if got.Pages[i] != want.Pages[i] {
			t.Errorf("%s: page %d differs:\nwant %q\n got %q", name, i+1, want.Pages[i], got.Pages[i])
		}
	}
	assert.Equal(t, want.TextLayer, got.TextLayer, name)
	assert.Equal(t, want.OCRPages, got.OCRPages, name)
}

// TestParallelPagesMatchSequential: pages of one document read across
// several PDFium instances give the text of a page-by-page read in one,
// for every PDF of testdata/pdf and, with OPUS_CORPUS, of the whole corpus.
func TestParallelPagesMatchSequential(t *testing.T) {
	seq, err := New(t.Context(), Options{CacheDir: testCache})
	require.NoError(t, err)
	defer seq.Close()
	seq.docInstances = 1
	// Three instances even on one core; the second reader also takes fresh
	// ones every few pages, so pages land in instances in ever other groups.
	var pars []*Extractor
	for _, perInstance := range []int{defaultPagesPerInstance, 5} {
		par, err := New(t.Context(), Options{CacheDir: testCache})
		require.NoError(t, err)
		defer par.Close()
		par.poolInstances = 3
		par.pagesPerInstance = perInstance
		pars = append(pars, par)
	}

	check := func(t *testing.T, files []string) {
		for _, f := range files {
			pdf, err := os.ReadFile(f)
			require.NoError(t, err)
			want, wantErr := seq.Extract(t.Context(), pdf)
			for _, par := range pars {
				got, gotErr := par.Extract(t.Context(), pdf)
				sameResult(t, filepath.Base(f), want, wantErr, got, gotErr)
			}
		}
	}
	t.Run("testdata", func(t *testing.T) {
		check(t, append(pdfsIn(t, testPDFs), pdfsIn(t, "testdata")...))
		assert.Zero(t, seq.extraInstances.Load())
		for _, par := range pars {
			assert.Positive(t, par.extraInstances.Load(), "no document was read in parallel")
		}
	})
	t.Run("corpus", func(t *testing.T) { check(t, pdfsIn(t, corpusDir(t))) })
}

// TestParallelErrorIsTheFirstPages: with pages failing in several instances
// at once, the error is that of the lowest page, as in a page-by-page read.
func TestParallelErrorIsTheFirstPages(t *testing.T) {
	r := &pageRun{out: make([]pageOut, 10), failedAt: 10}
	r.fail(7, assert.AnError)
	r.fail(3, context.Canceled)
	r.fail(5, assert.AnError)
	assert.Equal(t, 3, r.failedAt)
	assert.ErrorIs(t, r.err, context.Canceled)
	r.next.Store(2)
	i, ok := r.claim()
	assert.True(t, ok, "page %d is before the failure", i+1)
	i, ok = r.claim()
	assert.False(t, ok, "page %d is not", i+1)
}

// TestInterpreterMatchesCompiler: the interpreter with the lean PDFium,
// which reads a small PDF while the compilation cache is cold, gives the
// compiled engine's text, and the lean PDFium has every function the test
// PDFs need.
func TestInterpreterMatchesCompiler(t *testing.T) {
	if testing.Short() {
		t.Skip("the interpreter takes ~0.5 s of CPU a page")
	}
	lean := leanPDFium()
	require.NotNil(t, lean, "see TestLeanList")
	files := pdfsIn(t, "testdata")
	for _, f := range readManifest(t, testPDFs) {
		// The pages a first run reads interpreted, and the bad files.
		if f.pages <= maxInterpretedPages {
			files = append(files, filepath.Join(testPDFs, f.name))
		}
	}
	for _, f := range files {
		pdf, err := os.ReadFile(f)
		require.NoError(t, err)
		want, wantErr := shared.Extract(t.Context(), pdf)
		e := firstRun(t, lean)
		got, gotErr := e.Extract(t.Context(), pdf)
		sameResult(t, filepath.Base(f), want, wantErr, got, gotErr)
		assert.Nil(t, e.fast, "%s: read compiled", filepath.Base(f))
		assert.Zero(t, e.leanMisses.Load(), "%s needs a function lean.txt lacks: see TestLeanList", filepath.Base(f))
	}
}

// TestFirstRun walks a cold cache to a warm one: a small PDF is read by the
// interpreter and leaves a background compile behind, a long one waits for
// that compile, and the next Extractor starts warm, saying nothing.
func TestFirstRun(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles PDFium (~4 s of CPU)")
	}
	dir := t.TempDir()
	var mu sync.Mutex
	var said []string
	progress := func(msg string) {
		mu.Lock()
		defer mu.Unlock()
		said = append(said, msg)
	}
	e, err := New(t.Context(), Options{CacheDir: dir, Progress: progress})
	require.NoError(t, err)
	defer e.Close()
	t.Cleanup(func() { waitNoCompile(t, dir) }) // before TempDir's removal

	small := readTestPDF(t, "cermine_test2.pdf")
	got, err := e.Extract(t.Context(), small)
	require.NoError(t, err)
	wantSmall, err := shared.Extract(t.Context(), small)
	require.NoError(t, err)
	sameResult(t, "cermine_test2.pdf", wantSmall, nil, got, nil)
	assert.Equal(t, []string{msgPreparing}, said)
	assert.FileExists(t, filepath.Join(dir, compileLock), "a background compile runs")

	long := readTestPDF(t, "pysample_GeoTopo.pdf")
	got, err = e.Extract(t.Context(), long)
	require.NoError(t, err)
	want, err := shared.Extract(t.Context(), long)
	require.NoError(t, err)
	sameResult(t, "pysample_GeoTopo.pdf", want, nil, got, nil)
	assert.Equal(t, []string{msgPreparing, msgCompiling}, said)
	assert.True(t, e.warm(), "the background compile finished and said so")
	assert.Nil(t, e.slow, "the interpreter is closed once the compiler took over")

	said = nil
	e2, err := New(t.Context(), Options{CacheDir: dir, Progress: progress})
	require.NoError(t, err)
	defer e2.Close()
	got, err = e2.Extract(t.Context(), small)
	require.NoError(t, err)
	sameResult(t, "cermine_test2.pdf", wantSmall, nil, got, nil)
	assert.Empty(t, said, "a warm start is quick and quiet")
}

// waitNoCompile waits for a background compile into dir to end.
func waitNoCompile(t *testing.T, dir string) {
	deadline := time.Now().Add(2 * time.Minute)
	for lockHeld(filepath.Join(dir, compileLock)) {
		if time.Now().After(deadline) {
			t.Error("the background compile still runs after 2 minutes")
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestManyCallersFewInstances: callers outnumbering instances, each wanting
// a helper, all finish (a helper holding the last instance while its first
// waited for one deadlocked).
func TestManyCallersFewInstances(t *testing.T) {
	e, err := New(t.Context(), Options{CacheDir: testCache})
	require.NoError(t, err)
	defer e.Close()
	e.poolInstances = 2
	pdf := readTestPDF(t, "pysample_multicolumn.pdf")
	want, err := shared.Extract(t.Context(), pdf)
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 4 {
				got, err := e.Extract(ctx, pdf)
				if assert.NoError(t, err) {
					assert.Equal(t, want.Pages, got.Pages)
				}
			}
		})
	}
	wg.Wait()
}

// BenchmarkPagesOneInstance is BenchmarkPages reading each document in one
// instance, as before pages were read in parallel: run both to see what
// the parallel read gains on this machine (-bench 'Pages(OneInstance)?$').
func BenchmarkPagesOneInstance(b *testing.B) {
	dir, papers := benchPapers(b)
	e, err := New(b.Context(), Options{CacheDir: testCache})
	require.NoError(b, err)
	defer e.Close()
	e.docInstances = 1
	_, err = e.Pages(b.Context(), readPDF(b, dir, papers[0].name))
	require.NoError(b, err)
	pages := 0
	for b.Loop() {
		for _, f := range papers {
			text, err := e.Pages(b.Context(), readPDF(b, dir, f.name))
			if err != nil {
				b.Fatalf("%s: %v", f.name, err)
			}
			pages += len(text)
		}
	}
	b.ReportMetric(float64(pages)/b.Elapsed().Seconds(), "pages/s")
}
