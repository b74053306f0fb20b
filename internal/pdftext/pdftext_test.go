package pdftext

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/klippa-app/go-pdfium/requests"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/opusblocks/opus/internal/testpdf"
)

// testPDFs are the repository's own test PDFs; every run reads them.
var testPDFs = testpdf.Dir()

// corpusPath and corpusDir name the whole corpus (OPUS_CORPUS), an opt-in.
var (
	corpusPath = testpdf.Corpus
	corpusDir  = testpdf.CorpusDir
)

// shared is one Extractor for the whole package: starting PDFium per test
// would dominate the run.
var shared *Extractor

func TestMain(m *testing.M) {
	// A cache that outlives the run: only the first run compiles PDFium (~4 s).
	cache := filepath.Join(os.TempDir(), "opus-pdftext-test", "wazero")
	var err error
	shared, err = New(context.Background(), Options{CacheDir: cache})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	if err := shared.Close(); err != nil {
		fmt.Fprintln(os.Stderr, "close:", err)
		code = 1
	}
	os.Exit(code)
}

type corpusFile struct {
	name  string
	pages int // -1 for bad files, whose column is free text
}

// readManifest lists the PDFs of dir as its MANIFEST.tsv describes them.
func readManifest(tb testing.TB, dir string) []corpusFile {
	tb.Helper()
	f, err := os.Open(filepath.Join(dir, "MANIFEST.tsv"))
	require.NoError(tb, err, "every PDF directory has a MANIFEST.tsv")
	defer f.Close()
	var files []corpusFile
	sc := bufio.NewScanner(f)
	sc.Scan() // header
	for sc.Scan() {
		cols := strings.Split(sc.Text(), "\t")
		require.GreaterOrEqual(tb, len(cols), 6, "manifest line %q", sc.Text())
		pages, err := strconv.Atoi(cols[5])
		if err != nil {
			pages = -1
		}
		files = append(files, corpusFile{name: cols[0], pages: pages})
	}
	require.NoError(tb, sc.Err())
	return files
}

// realPapers are the papers (not the bad_* files) of dir's manifest.
func realPapers(tb testing.TB, dir string) []corpusFile {
	var out []corpusFile
	for _, f := range readManifest(tb, dir) {
		if !strings.HasPrefix(f.name, "bad_") {
			out = append(out, f)
		}
	}
	require.NotEmpty(tb, out)
	return out
}

// readTestPDF reads one of the test PDFs in testdata/pdf.
func readTestPDF(tb testing.TB, name string) []byte {
	tb.Helper()
	return readPDF(tb, testPDFs, name)
}

func readPDF(tb testing.TB, dir, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join(dir, name))
	require.NoError(tb, err)
	return b
}

// TestCorpusPapers reads every real paper of testdata/pdf and, with
// OPUS_CORPUS, of the whole corpus.
func TestCorpusPapers(t *testing.T) {
	t.Run("testdata", func(t *testing.T) { checkPapers(t, testPDFs) })
	t.Run("corpus", func(t *testing.T) { checkPapers(t, corpusDir(t)) })
}

func checkPapers(t *testing.T, dir string) {
	for _, f := range realPapers(t, dir) {
		t.Run(f.name, func(t *testing.T) {
			t.Parallel()
			res, err := shared.Extract(t.Context(), readPDF(t, dir, f.name))
			require.NoError(t, err)
			pages := res.Pages
			require.Len(t, pages, f.pages)
			// The one scan in the corpus has an ABBYY OCR layer.
			wantLayer := LayerText
			if f.name == "grobid_ZFN-A-054.pdf" {
				wantLayer = LayerOCR
			}
			assert.Equal(t, wantLayer, res.TextLayer)
			letters := 0
			for i, p := range pages {
				letters += countLetters(p)
				assert.False(t, needsClean(p), "page %d keeps control characters", i+1)
				assert.NotContains(t, p, "\r", "page %d", i+1)
			}
			// The sparsest paper (German lecture notes, many figures) averages 730.
			assert.Greater(t, letters, 300*f.pages, "too little text")
			assert.Contains(t, strings.Join(pages, ""), "\n", "line breaks are kept")
		})
	}
}

// TestCleaningOnRealText pins the notes' rules on text PDFium produced.
func TestCleaningOnRealText(t *testing.T) {
	pages, err := shared.Pages(t.Context(), readTestPDF(t, "cermine_test2.pdf"))
	require.NoError(t, err)
	// "propor-\ntion" in the PDF: PDFium joins the line and marks the hyphen.
	assert.Contains(t, pages[0], "proportion")

	// The PDF sets "fi" as the U+FB01 ligature ("specifi-\ncally" on page 3).
	all := strings.Join(pages, "\n")
	assert.NotContains(t, all, "\uFB01", "PDFium splits ligatures")
	assert.Contains(t, all, "specifically")
}

// badFiles is what each bad_* file must give: the error, or (nil) the
// page count it must be read with.
var badFiles = map[string]struct {
	err   error
	pages int
}{
	"bad_encrypted-userpw.pdf":         {ErrEncrypted, 0},
	"bad_encrypted-ownerpw-aes256.pdf": {nil, 1},
	"bad_broken-xref-multicolumn.pdf":  {nil, 3},
	"bad_scanned-jbig2-notext.pdf":     {ErrNoText, 0},
	"bad_zero-pages.pdf":               {ErrNoPages, 0},
	"bad_truncated-multicolumn.pdf":    {ErrCorrupt, 0},
	// Only in the whole corpus: derived from papers that may not be copied.
	"bad_broken-xref.pdf": {nil, 13},
	"bad_truncated.pdf":   {ErrCorrupt, 0},
}

// TestBadFiles reads every bad_* file of testdata/pdf and, with
// OPUS_CORPUS, of the whole corpus.
func TestBadFiles(t *testing.T) {
	t.Run("testdata", func(t *testing.T) { checkBadFiles(t, testPDFs) })
	t.Run("corpus", func(t *testing.T) { checkBadFiles(t, corpusDir(t)) })
}

func checkBadFiles(t *testing.T, dir string) {
	var listed []string
	for _, f := range readManifest(t, dir) {
		if strings.HasPrefix(f.name, "bad_") {
			listed = append(listed, f.name)
		}
	}
	require.NotEmpty(t, listed)
	for _, name := range listed {
		c, ok := badFiles[name]
		require.True(t, ok, "every bad_* file of the manifest has a case: %s has none", name)
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			pages, err := shared.Pages(t.Context(), readPDF(t, dir, name))
			if c.err == nil {
				require.NoError(t, err)
				require.Len(t, pages, c.pages)
				assert.Greater(t, countLetters(strings.Join(pages, "")), 20)
				return
			}
			require.ErrorIs(t, err, c.err)
			assert.Nil(t, pages)
			assertOneLine(t, err)
			t.Logf("%s: %v", name, err)
		})
	}
}

func TestNotAPDF(t *testing.T) {
	for name, in := range map[string][]byte{
		"empty": nil,
		"hello": []byte("hello"),
		"html":  []byte("<!DOCTYPE html><html><body>Access denied</body></html>"),
		// A header alone gets past the cheap check to PDFium itself.
		"header only": []byte("%PDF-1.7\n"),
	} {
		t.Run(name, func(t *testing.T) {
			pages, err := shared.Pages(t.Context(), in)
			require.ErrorIs(t, err, ErrCorrupt)
			assert.Nil(t, pages)
			assertOneLine(t, err)
			t.Logf("%v", err)
		})
	}
}

func assertOneLine(t *testing.T, err error) {
	t.Helper()
	assert.NotContains(t, err.Error(), "\n")
}

func TestConcurrent(t *testing.T) {
	var papers []corpusFile
	for _, f := range realPapers(t, testPDFs) {
		if f.pages <= 30 { // the 117-page one only makes the run longer
			papers = append(papers, f)
		}
	}
	require.GreaterOrEqual(t, len(papers), 3)
	want := make([][]string, len(papers))
	for i, f := range papers {
		var err error
		want[i], err = shared.Pages(t.Context(), readTestPDF(t, f.name))
		require.NoError(t, err)
	}
	// Every goroutine takes every paper, in a different order, at once.
	var wg sync.WaitGroup
	errs := make(chan error, 4*len(papers))
	for g := range 4 {
		wg.Go(func() {
			for k := range papers {
				i := (k + 2*g) % len(papers)
				got, err := shared.Pages(t.Context(), readTestPDF(t, papers[i].name))
				if err == nil && !equal(got, want[i]) {
					err = fmt.Errorf("goroutine %d: %s differs from the sequential run", g, papers[i].name)
				}
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		assert.NoError(t, err)
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := shared.Pages(ctx, readTestPDF(t, "pysample_multicolumn.pdf"))
	require.ErrorIs(t, err, context.Canceled)

	// Between pages: a 117-page document takes ~0.4 s, far over 50 ms.
	ctx, cancel = context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	_, err = shared.Pages(ctx, readTestPDF(t, "pysample_GeoTopo.pdf"))
	require.ErrorIs(t, err, context.DeadlineExceeded)
}

func TestMaxPages(t *testing.T) {
	e, err := New(t.Context(), Options{CacheDir: filepath.Join(os.TempDir(), "opus-pdftext-test", "wazero"), MaxPages: 2})
	require.NoError(t, err)
	defer e.Close()
	_, err = e.Pages(t.Context(), readTestPDF(t, "pysample_multicolumn.pdf"))
	require.ErrorIs(t, err, ErrTooManyPages)
	assertOneLine(t, err)
	assert.Contains(t, err.Error(), "(3, limit 2)")

	_, err = New(t.Context(), Options{MaxPages: -1})
	require.Error(t, err)
}

func TestClose(t *testing.T) {
	// New is lazy: with a cold cache dir it still returns at once.
	e, err := New(t.Context(), Options{CacheDir: t.TempDir()})
	require.NoError(t, err)
	require.NoError(t, e.Close())
	require.NoError(t, e.Close(), "Close is idempotent")
	_, err = e.Pages(t.Context(), readTestPDF(t, "pysample_multicolumn.pdf"))
	require.Error(t, err)
}

// TestHostFilesystemHidden: PDFium gets an empty filesystem, so even its
// own path-based loader cannot read a file that exists on the host.
func TestHostFilesystemHidden(t *testing.T) {
	abs, err := filepath.Abs(filepath.Join(testPDFs, "pysample_multicolumn.pdf"))
	require.NoError(t, err)
	require.FileExists(t, abs)
	pool, err := shared.startPool()
	require.NoError(t, err)
	inst, err := pool.GetInstanceWithContext(t.Context())
	require.NoError(t, err)
	defer inst.Close()
	_, err = inst.OpenDocument(&requests.OpenDocument{FilePath: &abs})
	require.Error(t, err)
}

// TestOutsideBMP: PDFium counts UTF-16 units, so the bulk text call must not
// cut the page short when it holds characters beyond U+FFFF.
func TestOutsideBMP(t *testing.T) {
	// "A" maps to U+1D400 MATHEMATICAL BOLD CAPITAL A.
	pdf := minimalPDF("BT /F1 12 Tf 72 720 Td (AAAA is bold, and this text must survive) Tj ET", "<41> <D835DC00>")
	pages, err := shared.Pages(t.Context(), pdf)
	require.NoError(t, err)
	assert.Equal(t, []string{"𝐀𝐀𝐀𝐀 is bold, and this text must survive"}, pages)
}

// minimalPDF builds a one-page PDF in Helvetica whose ToUnicode CMap holds bfchar.
func minimalPDF(content, bfchar string) []byte {
	cmap := "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n" +
		"/CMapName /Adobe-Identity-UCS def /CMapType 2 def\n" +
		"1 begincodespacerange <00> <FF> endcodespacerange\n" +
		"1 beginbfchar " + bfchar + " endbfchar\n" +
		"endcmap CMapName currentdict /CMap defineresource pop end end"
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(content), content),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 6 0 R >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(cmap), cmap),
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, o := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return b.Bytes()
}

func TestClean(t *testing.T) {
	for in, want := range map[string]string{
		"":                            "",
		"plain text\nline two":        "plain text\nline two",
		"line one\r\nline two\r\n":    "line one\nline two\n",
		"old mac\rline":               "old mac\nline",
		"in\uFFFEfrequently":          "infrequently",
		"re\x02quire":                 "require",
		"tab\tkept, \x04\x12\x1fgone": "tab\tkept, gone",
		"\r\n\r\n":                    "\n\n",
		"ümlaut \uFFFD stays":         "ümlaut \uFFFD stays",
	} {
		assert.Equal(t, want, clean(in), "clean(%q)", in)
	}
}

func TestErrorsAreOneLine(t *testing.T) {
	for _, err := range []error{ErrEncrypted, ErrNoText, ErrNoPages, ErrCorrupt, ErrTooManyPages,
		damaged("cannot open it", errors.New("trap\nwasm stack trace:\n\tfoo"))} {
		assertOneLine(t, err)
	}
}

// TestDocumentMetadata reads the information dictionary and the XMP packet
// of real papers: what the producing software wrote, wrong or not.
func TestDocumentMetadata(t *testing.T) {
	res, err := shared.Extract(context.Background(), readTestPDF(t, "sciparse_e4faf2c1.pdf"))
	require.NoError(t, err)
	assert.Equal(t, "Comparative physiological and metabolomics analysis of wheat (Triticum aestivum L.) following post-anthesis heat stress", res.Info["Title"])
	assert.Contains(t, res.Info["Author"], "Kayla Thomason")
	assert.NotContains(t, res.Info, "Producer", "only what says what the document is")

	res, err = shared.Extract(context.Background(), readTestPDF(t, "cermine_test2.pdf"))
	require.NoError(t, err)
	assert.Contains(t, string(res.XMP), "Rehabilitation Research and Practice")
	assert.True(t, strings.HasPrefix(string(res.XMP), "<x:xmpmeta") && strings.HasSuffix(string(res.XMP), "</x:xmpmeta>"))

	// This one's only packets are its embedded images' (dc:format image/…).
	res, err = shared.Extract(context.Background(), readTestPDF(t, "cermine_example3.pdf"))
	require.NoError(t, err)
	assert.Nil(t, res.XMP)
}

func TestFindXMP(t *testing.T) {
	doc := "<x:xmpmeta><dc:format>application/pdf</dc:format><dc:title>Doc</dc:title></x:xmpmeta>"
	img := "<x:xmpmeta><dc:format>image/jpeg</dc:format></x:xmpmeta>"
	for _, tc := range []struct{ pdf, want string }{
		{"%PDF-1.4 no packet", ""},
		{"%PDF " + doc + " stream " + img, doc}, // the image's packet comes later
		{"%PDF " + doc + " update <x:xmpmeta>new</x:xmpmeta>", "<x:xmpmeta>new</x:xmpmeta>"}, // newest wins
		{"%PDF <x:xmpmeta> never closed", ""},
	} {
		assert.Equal(t, tc.want, string(findXMP([]byte(tc.pdf))), tc.pdf)
	}
}
