package pdftext

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/klippa-app/go-pdfium/requests"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The PDFs come from testdata/gen.go; every hidden run holds a word
// starting with HIDDEN.
var hiddenWord = regexp.MustCompile(`HIDDEN[A-Z]*`)

func extractTestdata(t *testing.T, name string) *Result {
	t.Helper()
	pdf, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	res, err := shared.Extract(t.Context(), pdf)
	require.NoError(t, err)
	return res
}

func TestHiddenTextDropped(t *testing.T) {
	res := extractTestdata(t, "hidden.pdf")
	require.Len(t, res.Pages, 1)
	page := res.Pages[0]
	t.Logf("%q", page)
	assert.Empty(t, hiddenWord.FindAllString(page, -1), "hidden text became page text")
	for _, visible := range []string{
		"Visible sentence about results.",
		"Second visible line.", // the kept start of a run that leaves the page
		"Blue words remain visible.",
		"Outlined white words remain visible.", // white fill, black outline
		"Words inside a form stay.",
		"Form words moved onto the page.",
	} {
		assert.Contains(t, page, visible)
	}
	assert.Equal(t, LayerText, res.TextLayer)
	assert.Zero(t, res.OCRPages)
}

// TestHiddenWordsAreInRawText: PDFium's own text has every hidden word, so
// their absence above is the filter's doing, not the test PDF's.
func TestHiddenWordsAreInRawText(t *testing.T) {
	pdf, err := os.ReadFile(filepath.Join("testdata", "hidden.pdf"))
	require.NoError(t, err)
	raw := rawText(t, pdf)
	for _, w := range []string{"HIDDENOUTSIDE", "HIDDENCROPPED", "HIDDENSTRADDLE", "HIDDENINVISIBLE", "HIDDENCLIP",
		"HIDDENWHITE", "HIDDENGRAYWHITE", "HIDDENCMYKWHITE", "HIDDENTRANSPARENT",
		"HIDDENFORMINVISIBLE", "HIDDENFORMOUTSIDE", "HIDDENFORMWHITE", "HIDDENFORMOFFPAGE", "HIDDENFORMMOVEDOFF",
		"Form words moved onto the page."} {
		assert.Contains(t, raw, w)
	}
}

// rawText is PDFium's unfiltered text of page 1.
func rawText(t *testing.T, pdf []byte) string {
	t.Helper()
	pool, err := shared.startPool()
	require.NoError(t, err)
	inst, err := pool.GetInstanceWithContext(t.Context())
	require.NoError(t, err)
	defer inst.Close()
	doc, err := inst.OpenDocument(&requests.OpenDocument{File: &pdf})
	require.NoError(t, err)
	page, err := inst.FPDF_LoadPage(&requests.FPDF_LoadPage{Document: doc.Document, Index: 0})
	require.NoError(t, err)
	tp, err := inst.FPDFText_LoadPage(&requests.FPDFText_LoadPage{Page: requests.Page{ByReference: &page.Page}})
	require.NoError(t, err)
	n, err := inst.FPDFText_CountChars(&requests.FPDFText_CountChars{TextPage: tp.TextPage})
	require.NoError(t, err)
	text, err := inst.FPDFText_GetText(&requests.FPDFText_GetText{TextPage: tp.TextPage, Count: n.Count})
	require.NoError(t, err)
	return text.Text
}

// TestStraddleOutsideBMP: a page read per character, because a run leaves
// it, keeps characters beyond U+FFFF whole.
func TestStraddleOutsideBMP(t *testing.T) {
	// "A" maps to U+1D400 MATHEMATICAL BOLD CAPITAL A.
	pdf := minimalPDF("BT /F1 12 Tf 72 720 Td (AAAA is bold, and this text must survive) Tj ET\n"+
		"BT /F1 12 Tf 400 700 Td [(Kept part of the line) -40000 (HIDDENOFFTHEEDGE)] TJ ET", "<41> <D835DC00>")
	pages, err := shared.Pages(t.Context(), pdf)
	require.NoError(t, err)
	require.Len(t, pages, 1)
	assert.Contains(t, pages[0], "𝐀𝐀𝐀𝐀 is bold, and this text must survive")
	assert.Contains(t, pages[0], "Kept part of the line")
	assert.NotContains(t, pages[0], "HIDDEN")
	assert.NotContains(t, pages[0], "\uFFFD")
}

func TestOCRLayerKept(t *testing.T) {
	res := extractTestdata(t, "ocr.pdf")
	require.Len(t, res.Pages, 1)
	page := res.Pages[0]
	t.Logf("%q", page)
	assert.Contains(t, page, "Invisible OCR text says the treatment reduced pain.")
	assert.Contains(t, page, "A second OCR line about forty patients.")
	assert.Contains(t, page, "Page 3", "the visible page number stays")
	assert.Empty(t, hiddenWord.FindAllString(page, -1), "white or off-page text is dropped on OCR pages too")
	assert.Equal(t, LayerOCR, res.TextLayer)
	assert.Equal(t, 1, res.OCRPages)
}

// TestMixedLayers: a page's invisible text is kept only where the page has
// no visible text, and one typeset page makes the document "text".
func TestMixedLayers(t *testing.T) {
	res := extractTestdata(t, "mixed.pdf")
	require.Len(t, res.Pages, 2)
	assert.Contains(t, res.Pages[0], "Typeset page one with visible words.")
	assert.NotContains(t, res.Pages[0], "HIDDEN")
	assert.Contains(t, res.Pages[1], "Scanned page two keeps its OCR words.")
	assert.Equal(t, LayerText, res.TextLayer)
	assert.Equal(t, 1, res.OCRPages)
}

// TestScannedPaperWithOCRLayer: the corpus's ABBYY-OCRed journal page. Its
// licence does not let it be copied into testdata/pdf; TestOCRLayerKept
// checks a generated OCR page on every run.
func TestScannedPaperWithOCRLayer(t *testing.T) {
	res, err := shared.Extract(t.Context(), readPDF(t, corpusDir(t), "grobid_ZFN-A-054.pdf"))
	require.NoError(t, err)
	assert.Equal(t, LayerOCR, res.TextLayer)
	assert.Equal(t, 2, res.OCRPages)
	assert.Greater(t, countLetters(strings.Join(res.Pages, "")), 2000)
}

// TestWhiteMarkerInRealPaper: PLOS prints "a1111111111" in white on the
// first page; it is not text a reader sees.
func TestWhiteMarkerInRealPaper(t *testing.T) {
	pages, err := shared.Pages(t.Context(), readTestPDF(t, "sciparse_e4faf2c1.pdf"))
	require.NoError(t, err)
	assert.NotContains(t, pages[0], "a1111111111")
	assert.Contains(t, pages[0], "PLOS")
}

// TestFreshInstanceEveryFewPages: reading a long PDF in several PDFium
// instances (to bound go-pdfium's page object handles) changes no text.
func TestFreshInstanceEveryFewPages(t *testing.T) {
	pdf := readTestPDF(t, "pysample_GeoTopo.pdf")
	want, err := shared.Extract(t.Context(), pdf)
	require.NoError(t, err)
	e, err := New(t.Context(), Options{CacheDir: filepath.Join(os.TempDir(), "opus-pdftext-test", "wazero")})
	require.NoError(t, err)
	defer e.Close()
	e.pagesPerInstance = 7
	got, err := e.Extract(t.Context(), pdf)
	require.NoError(t, err)
	assert.Equal(t, want, got)
}

// TestBoxesFirstSameText: looking at the objects' boxes first, as the
// interpreter does, gives every page the text of looking at the text first.
func TestBoxesFirstSameText(t *testing.T) {
	pool, err := shared.startPool()
	require.NoError(t, err)
	check := func(t *testing.T, files []string) {
		for _, f := range files {
			pdf, err := os.ReadFile(f)
			require.NoError(t, err)
			inst, err := pool.GetInstanceWithContext(t.Context())
			require.NoError(t, err)
			doc, err := inst.OpenDocument(&requests.OpenDocument{File: &pdf})
			if err != nil {
				inst.Close()
				continue // a bad file
			}
			n, err := inst.FPDF_GetPageCount(&requests.FPDF_GetPageCount{Document: doc.Document})
			require.NoError(t, err)
			for i := range n.PageCount {
				text, ocr, err := pageText(inst, doc.Document, i, false)
				require.NoError(t, err)
				boxed, boxedOCR, err := pageText(inst, doc.Document, i, true)
				require.NoError(t, err)
				assert.Equal(t, text, boxed, "%s page %d", filepath.Base(f), i+1)
				assert.Equal(t, ocr, boxedOCR, "%s page %d", filepath.Base(f), i+1)
			}
			inst.Close()
		}
	}
	t.Run("testdata", func(t *testing.T) { check(t, append(pdfsIn(t, testPDFs), pdfsIn(t, "testdata")...)) })
	t.Run("corpus", func(t *testing.T) { check(t, pdfsIn(t, corpusDir(t))) })
}
