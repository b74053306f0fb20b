// Package pdftext extracts the text of every page of a PDF with PDFium,
// compiled to WebAssembly and run by wazero, so opus stays pure Go
// (CGO_ENABLED=0). Measurements behind the choice:
// ../shared/notes/pdf-extraction.md.
package pdftext

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync"
	"unicode"

	"github.com/klippa-app/go-pdfium"
	pdfiumerrors "github.com/klippa-app/go-pdfium/errors"
	"github.com/klippa-app/go-pdfium/references"
	"github.com/klippa-app/go-pdfium/requests"
	"github.com/klippa-app/go-pdfium/webassembly"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"
)

// Sentinel errors; Pages wraps them with detail, so test with errors.Is.
var (
	ErrEncrypted    = errors.New("PDF is encrypted with a user password; decrypt it first (e.g. qpdf --decrypt)")
	ErrNoText       = errors.New("PDF has no text layer (scanned?); OCR is not supported — run OCR first (e.g. ocrmypdf)")
	ErrNoPages      = errors.New("PDF has no pages")
	ErrCorrupt      = errors.New("PDF is damaged or not a PDF")
	ErrTooManyPages = errors.New("PDF has too many pages")
)

const defaultMaxPages = 2000

// defaultPagesPerInstance: a fresh PDFium instance costs ~10 ms, 200 pages
// some seconds.
const defaultPagesPerInstance = 200

// minLettersPerPage: below this average the document has no real text layer.
// Page numbers or a scanner's stamp are not one; the one-line owner-password
// sample in the corpus (33 letters) is.
const minLettersPerPage = 16

// headerWindow is how far PDFium (like Acrobat) looks for "%PDF-".
const headerWindow = 1024

// Options configures an Extractor.
type Options struct {
	CacheDir string // wazero compilation cache dir; "" = no disk cache. Callers pass os.UserCacheDir()/opus/wazero.
	MaxPages int    // 0 = default 2000; more pages -> ErrTooManyPages
}

// Extractor turns PDF bytes into page text. It is safe for concurrent use;
// each running Pages call gets its own PDFium instance, up to a small limit.
type Extractor struct {
	maxPages         int
	pagesPerInstance int                     // pages read in one PDFium instance
	cache            wazero.CompilationCache // nil without Options.CacheDir

	// mu is held shared by Pages and exclusively by Close, so Close waits
	// for running extractions instead of pulling PDFium from under them.
	mu     sync.RWMutex
	closed bool

	// The pool is started on first use: compiling PDFium costs ~4 s without a
	// warm cache, and most opus commands never read a PDF.
	poolMu sync.Mutex
	pool   pdfium.Pool
}

// New returns an Extractor. It is cheap: PDFium is loaded on the first Pages call.
func New(ctx context.Context, opt Options) (*Extractor, error) {
	if opt.MaxPages < 0 {
		return nil, fmt.Errorf("pdftext: MaxPages must not be negative (got %d)", opt.MaxPages)
	}
	e := &Extractor{maxPages: opt.MaxPages, pagesPerInstance: defaultPagesPerInstance}
	if e.maxPages == 0 {
		e.maxPages = defaultMaxPages
	}
	if opt.CacheDir != "" {
		c, err := wazero.NewCompilationCacheWithDir(opt.CacheDir)
		if err != nil {
			return nil, fmt.Errorf("pdftext: compilation cache %s: %w", opt.CacheDir, err)
		}
		e.cache = c
	}
	return e, nil
}

// Close releases PDFium. It waits for running Pages calls; later calls fail.
func (e *Extractor) Close() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return nil
	}
	e.closed = true
	var errs []error
	if e.pool != nil {
		errs = append(errs, e.pool.Close())
	}
	if e.cache != nil {
		errs = append(errs, e.cache.Close(context.Background()))
	}
	return errors.Join(errs...)
}

func (e *Extractor) startPool() (pdfium.Pool, error) {
	e.poolMu.Lock()
	defer e.poolMu.Unlock()
	if e.pool != nil {
		return e.pool, nil
	}
	rc := wazero.NewRuntimeConfig().
		// The bundled PDFium lowers setjmp/longjmp to wasm exceptions.
		WithCoreFeatures(api.CoreFeaturesV2 | experimental.CoreFeaturesExceptionHandling)
	// WithCloseOnContextDone is left off on purpose: it made extraction 2.5x
	// slower; cancellation is checked between pages instead.
	if e.cache != nil {
		rc = rc.WithCompilationCache(e.cache)
	}
	p, err := webassembly.Init(webassembly.Config{
		Context:       context.Background(), // outlives any one call
		MaxTotal:      min(runtime.GOMAXPROCS(0), 4),
		FSConfig:      wazero.NewFSConfig(), // empty: PDFium must not see the host
		RuntimeConfig: rc,
		// PDFium must never write into opus's output (--json is a contract).
		Stdout: io.Discard,
		Stderr: io.Discard,
		// ReuseWorkers stays false: a fresh instance per document costs ~6% of
		// extraction time and frees the memory a big PDF grew, and whatever
		// state a failed call left behind.
	})
	if err != nil {
		return nil, fmt.Errorf("pdftext: start PDFium: %w", err)
	}
	e.pool = p
	return p, nil
}

// Result is the text of a PDF.
type Result struct {
	Pages []string // cleaned visible text of every page, index 0 = page 1
	// TextLayer is LayerOCR when some page's text is its OCR layer and no
	// page has visible text of its own (at least minLettersPerPage letters);
	// else LayerText, mixed documents included.
	TextLayer string
	OCRPages  int // pages whose text is their OCR layer
}

// Pages returns the cleaned text of every page, index 0 = page 1: Extract
// without the text layer.
func (e *Extractor) Pages(ctx context.Context, pdf []byte) ([]string, error) {
	r, err := e.Extract(ctx, pdf)
	if err != nil {
		return nil, err
	}
	return r.Pages, nil
}

// Extract returns the text a reader sees on every page (see visible.go for
// what that excludes) and where it came from.
func (e *Extractor) Extract(ctx context.Context, pdf []byte) (res *Result, err error) {
	defer func() {
		if r := recover(); r != nil {
			res, err = nil, fmt.Errorf("pdftext: PDFium failed: %s", oneLine(fmt.Sprint(r)))
		}
	}()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if len(pdf) == 0 {
		return nil, fmt.Errorf("%w: the file is empty", ErrCorrupt)
	}
	// PDFium refuses such files too; saying why helps with the common case
	// of a publisher's HTML page saved as .pdf.
	if !bytes.Contains(pdf[:min(len(pdf), headerWindow)], []byte("%PDF-")) {
		return nil, fmt.Errorf("%w: no %%PDF- header in its first %d bytes (a saved web page?)", ErrCorrupt, headerWindow)
	}

	e.mu.RLock()
	defer e.mu.RUnlock()
	if e.closed {
		return nil, errors.New("pdftext: extractor is closed")
	}
	pool, err := e.startPool()
	if err != nil {
		return nil, err
	}
	o, err := open(ctx, pool, &pdf)
	if err != nil {
		return nil, err
	}
	defer func() {
		if o != nil {
			o.close()
		}
	}()

	count, err := o.inst.FPDF_GetPageCount(&requests.FPDF_GetPageCount{Document: o.doc})
	if err != nil {
		return nil, damaged("cannot count pages", err)
	}
	n := count.PageCount
	switch {
	case n <= 0:
		return nil, ErrNoPages
	case n > e.maxPages:
		return nil, fmt.Errorf("%w (%d, limit %d); split it first (e.g. qpdf --split-pages)", ErrTooManyPages, n, e.maxPages)
	}

	res = &Result{Pages: make([]string, n), TextLayer: LayerText}
	letters, visiblePages := 0, 0
	for i := range res.Pages {
		// The only cancellation point while PDFium works: a page takes
		// milliseconds (see WithCloseOnContextDone above).
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if i > 0 && i%e.pagesPerInstance == 0 {
			// go-pdfium keeps a handle (~150 bytes) for every page object
			// it hands out until its instance closes, and visible.go asks
			// for all of them: a fresh instance bounds that on long PDFs.
			o.close()
			if o, err = open(ctx, pool, &pdf); err != nil {
				return nil, err
			}
		}
		raw, ocr, err := pageText(o.inst, o.doc, i)
		if err != nil {
			return nil, damaged(fmt.Sprintf("cannot read page %d", i+1), err)
		}
		page := clean(raw)
		res.Pages[i] = page
		k := countLetters(page)
		letters += k
		switch {
		case ocr:
			res.OCRPages++
		case k >= minLettersPerPage:
			visiblePages++
		}
	}
	if letters < minLettersPerPage*n {
		return nil, ErrNoText
	}
	if res.OCRPages > 0 && visiblePages == 0 {
		res.TextLayer = LayerOCR
	}
	return res, nil
}

// opened is a PDF opened in an instance of the pool.
type opened struct {
	inst pdfium.Pdfium
	doc  references.FPDF_DOCUMENT
}

func open(ctx context.Context, pool pdfium.Pool, pdf *[]byte) (*opened, error) {
	inst, err := pool.GetInstanceWithContext(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("pdftext: get PDFium instance: %w", err)
	}
	doc, err := inst.OpenDocument(&requests.OpenDocument{File: pdf})
	if err != nil {
		inst.Close()
		return nil, openError(err)
	}
	return &opened{inst: inst, doc: doc.Document}, nil
}

func (o *opened) close() {
	o.inst.FPDF_CloseDocument(&requests.FPDF_CloseDocument{Document: o.doc})
	o.inst.Close()
}

// pageText returns PDFium's raw visible text of page i, and whether it is
// the page's OCR layer.
func pageText(inst pdfium.Pdfium, doc references.FPDF_DOCUMENT, i int) (string, bool, error) {
	page, err := inst.FPDF_LoadPage(&requests.FPDF_LoadPage{Document: doc, Index: i})
	if err != nil {
		return "", false, err
	}
	defer inst.FPDF_ClosePage(&requests.FPDF_ClosePage{Page: page.Page})
	return visibleText(inst, requests.Page{ByReference: &page.Page})
}

// openError maps PDFium's load errors to the package's sentinels.
func openError(err error) error {
	switch {
	case errors.Is(err, pdfiumerrors.ErrPassword), errors.Is(err, pdfiumerrors.ErrSecurity):
		return ErrEncrypted
	case errors.Is(err, pdfiumerrors.ErrFormat):
		// The header was there, so the rest is unreadable: typically a
		// truncated download.
		return damaged("cannot read its structure (truncated?)", nil)
	default:
		return damaged("cannot open it", err)
	}
}

// damaged wraps ErrCorrupt with what failed, PDFium's reason and the fix.
func damaged(what string, cause error) error {
	if cause != nil {
		what += ": " + oneLine(cause.Error())
	}
	return fmt.Errorf("%w: %s; get a fresh copy or repair it (e.g. qpdf in.pdf repaired.pdf)", ErrCorrupt, what)
}

// oneLine keeps the first line: wazero appends wasm stack traces to traps.
func oneLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return strings.TrimSpace(s)
}

// clean makes PDFium's page text plain: \r\n (PDFium's line break) becomes
// \n, a lone \r too, and other C0 controls go (symbol fonts map glyphs to
// them), as does U+FFFE. PDFium marks a line-end hyphen it joined with U+0002
// (U+FFFE from the bulk call): dropping it leaves the joined word. Ligatures
// need nothing: PDFium already splits them into letters.
func clean(s string) string {
	if !needsClean(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\r':
			b.WriteByte('\n')
			if i+1 < len(s) && s[i+1] == '\n' {
				i++
			}
		case c == '\n' || c == '\t':
			b.WriteByte(c)
		case c < 0x20:
			// dropped
		case strings.HasPrefix(s[i:], "\uFFFE"):
			i += len("\uFFFE") - 1
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func needsClean(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 && c != '\n' && c != '\t' {
			return true
		}
	}
	return strings.Contains(s, "\uFFFE")
}

func countLetters(s string) int {
	n := 0
	for _, r := range s {
		if unicode.IsLetter(r) {
			n++
		}
	}
	return n
}
