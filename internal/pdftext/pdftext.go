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
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"

	"github.com/klippa-app/go-pdfium"
	pdfiumerrors "github.com/klippa-app/go-pdfium/errors"
	"github.com/klippa-app/go-pdfium/references"
	"github.com/klippa-app/go-pdfium/requests"
	"github.com/klippa-app/go-pdfium/responses"
	"github.com/tetratelabs/wazero"
)

// Sentinel errors; Pages wraps them with detail, so test with errors.Is.
var (
	ErrEncrypted    = errors.New("PDF is encrypted with a user password; decrypt it first (e.g. qpdf --decrypt)")
	ErrNoText       = errors.New("PDF has no text layer (scanned?); OCR is not supported — run OCR first (e.g. ocrmypdf)")
	ErrNoPages      = errors.New("PDF has no pages")
	ErrCorrupt      = errors.New("PDF is damaged or not a PDF")
	ErrTooManyPages = errors.New("PDF has too many pages")
)

// errLeanMissed fails a page the lean PDFium read after it entered a trap;
// the whole PDFium reads it again.
var errLeanMissed = errors.New("the lean PDFium lacks a function")

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
	// Progress, if set, is told in a short line (no newline) before slow
	// work that makes an Extract wait: preparing PDFium on the first run
	// (cold CacheDir; ~0.1 s, and small PDFs read slower), compiling it (a
	// few seconds; on the first run only for a PDF of more than a few
	// pages, or on every run without CacheDir). At most once per message
	// and Extractor, from the goroutine of the Extract that waits, with the
	// Extractor's engine lock held: it must not call the Extractor.
	Progress func(msg string)
}

// Extractor turns PDF bytes into page text. It is safe for concurrent use;
// each running Extract reads its pages in one or more PDFium instances of a
// small pool (one per core, at most 4), as many as are free.
type Extractor struct {
	maxPages         int
	pagesPerInstance int                     // pages read in one PDFium instance
	docInstances     int                     // per document; 0 = as many as the pool has
	poolInstances    int                     // per engine; 0 = poolSize's default
	extraInstances   atomic.Int64            // instances a document took beside its first (for tests)
	leanMisses       atomic.Int64            // documents the lean PDFium could not read (for tests)
	cacheDir         string                  // absolute; "" without Options.CacheDir
	cache            wazero.CompilationCache // nil without Options.CacheDir
	progress         func(string)

	// mu is held shared by Extract and exclusively by Close, so Close waits
	// for running extractions instead of pulling PDFium from under them.
	mu     sync.RWMutex
	closed bool

	// Engines are started on first use (see engine.go): most opus commands
	// never read a PDF.
	poolMu      sync.Mutex
	fast        *engine            // compiled
	slow        *engine            // interpreter, while the cache is cold
	lean        func() *leanModule // the interpreter's PDFium (lean.go); nil: the whole one
	interpreted int                // pages read by slow
	spawned     bool               // a background compile was started
	background  bool               // this process is the background compile
	said        map[string]bool
}

// New returns an Extractor. It is cheap: PDFium is loaded on the first Pages call.
func New(ctx context.Context, opt Options) (*Extractor, error) {
	if opt.MaxPages < 0 {
		return nil, fmt.Errorf("pdftext: MaxPages must not be negative (got %d)", opt.MaxPages)
	}
	e := &Extractor{maxPages: opt.MaxPages, pagesPerInstance: defaultPagesPerInstance,
		lean: leanPDFium, progress: opt.Progress, said: map[string]bool{}}
	if e.maxPages == 0 {
		e.maxPages = defaultMaxPages
	}
	if opt.CacheDir != "" {
		dir, err := filepath.Abs(opt.CacheDir) // the background compile may run elsewhere
		if err != nil {
			return nil, fmt.Errorf("pdftext: compilation cache %s: %w", opt.CacheDir, err)
		}
		c, err := wazero.NewCompilationCacheWithDir(dir)
		if err != nil {
			return nil, fmt.Errorf("pdftext: compilation cache %s: %w", opt.CacheDir, err)
		}
		e.cacheDir, e.cache = dir, c
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
	for _, g := range []*engine{e.fast, e.slow} {
		if g != nil {
			errs = append(errs, g.pool.Close())
		}
	}
	if e.cache != nil {
		errs = append(errs, e.cache.Close(context.Background()))
	}
	return errors.Join(errs...)
}

// startPool starts the compiled engine and returns its pool.
func (e *Extractor) startPool() (pdfium.Pool, error) {
	e.poolMu.Lock()
	defer e.poolMu.Unlock()
	g, err := e.startCompiled(context.Background())
	if err != nil {
		return nil, err
	}
	return g.pool, nil
}

// Result is the text of a PDF.
type Result struct {
	Pages []string // cleaned visible text of every page, index 0 = page 1
	// TextLayer is LayerOCR when some page's text is its OCR layer and no
	// page has visible text of its own (at least minLettersPerPage letters);
	// else LayerText, mixed documents included.
	TextLayer string
	OCRPages  int // pages whose text is their OCR layer
	// Info is the document information dictionary's non-empty entries
	// (Title, Author, Subject, Keywords, CreationDate), as PDFium decodes
	// them; XMP is the last uncompressed XMP packet in the file, or nil.
	// Both are what the producing software wrote: often wrong or empty.
	Info map[string]string
	XMP  []byte
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
	r, err := e.read(ctx, &pdf)
	if err != nil {
		return nil, err
	}
	n := len(r.out)
	res = &Result{Pages: make([]string, n), TextLayer: LayerText, Info: r.info, XMP: findXMP(pdf)}
	letters, visiblePages := 0, 0
	for i, p := range r.out {
		res.Pages[i] = p.text
		k := countLetters(p.text)
		letters += k
		switch {
		case p.ocr:
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

// read reads the pages of pdf; what the lean PDFium could not read, the
// whole one reads.
func (e *Extractor) read(ctx context.Context, pdf *[]byte) (*pageRun, error) {
	g, slow, err := e.acquire(ctx)
	if err != nil {
		return nil, err
	}
	defer func() {
		if g != nil {
			e.release(g)
		}
	}()
	o, h, err := e.start(ctx, g, pdf)
	var count *responses.FPDF_GetPageCount
	if err == nil {
		if count, err = o.inst.FPDF_GetPageCount(&requests.FPDF_GetPageCount{Document: o.doc}); err != nil {
			o.close()
			h.stop()
			err = damaged("cannot count pages", err)
		}
	}
	if err != nil {
		if e.leanMissed(g) && ctx.Err() == nil {
			e.release(g)
			g = nil
			return e.read(ctx, pdf)
		}
		return nil, err
	}
	defer func() {
		if o != nil {
			o.close()
		}
		h.stop()
	}()

	info := readInfo(o)
	n := count.PageCount
	switch {
	case n <= 0:
		return nil, ErrNoPages
	case n > e.maxPages:
		return nil, fmt.Errorf("%w (%d, limit %d); split it first (e.g. qpdf --split-pages)", ErrTooManyPages, n, e.maxPages)
	}
	if slow {
		if e.interpret(n) {
			// After the pages: on 2 cores a compile alongside would halve
			// the interpreter's speed.
			defer e.compileInBackground()
		} else {
			o.close()
			o = nil
			h.stop()
			h = nil
			e.release(g)
			if g, err = e.compiled(ctx); err != nil {
				g = nil
				return nil, err
			}
			if o, h, err = e.start(ctx, g, pdf); err != nil {
				return nil, err
			}
		}
	}

	r := &pageRun{ctx: ctx, pdf: pdf, perInstance: e.pagesPerInstance, out: make([]pageOut, n), failedAt: n, info: info}
	e.readPages(g, o, r, h)
	o = nil // readPages closed it
	if r.err != nil && e.leanMissed(g) && ctx.Err() == nil {
		// The pages before the first that failed are read as with the
		// whole PDFium; the rest are read with it.
		e.release(g)
		if g, err = e.whole(); err != nil {
			g = nil
			return nil, err
		}
		if o, h, err = e.start(ctx, g, pdf); err != nil {
			return nil, err
		}
		r.next.Store(int64(r.failedAt))
		r.failedAt, r.err = n, nil
		e.readPages(g, o, r, h)
		o = nil
	}
	if r.err != nil {
		return nil, r.err
	}
	return r, nil
}

// pageRun reads the pages of one document in one or more PDFium instances,
// each with the document open: a page's text depends on that page alone,
// so the text is the same however the pages are shared out.
type pageRun struct {
	ctx         context.Context
	eng         *engine
	pdf         *[]byte
	perInstance int
	next        atomic.Int64 // the next page to claim
	out         []pageOut
	mu          sync.Mutex
	failedAt    int // the lowest page that failed, len(out) if none
	err         error
	info        map[string]string
}

type pageOut struct {
	text string
	ocr  bool
}

// readPages reads r's pages from r.next on in g, o's instance taking pages
// in turn with h's and as many other free instances as help; it closes o.
// An error is that of the lowest page that failed, as in a page-by-page
// read.
func (e *Extractor) readPages(g *engine, o *opened, r *pageRun, h *helper) {
	r.eng = g
	n := len(r.out) - int(r.next.Load())
	// Another instance costs about what a page does (~7 ms of CPU: a fresh
	// instance and the PDF opened again), so it must take two or more; but
	// h is made already.
	extra := (n - 1) / 2
	if h != nil && n > 1 {
		extra = max(extra, 1)
	}
	if e.docInstances > 0 {
		extra = min(extra, e.docInstances-1)
	}
	if h != nil {
		if extra > 0 {
			h.help(r)
			extra--
		} else {
			h.help(nil)
		}
	}
	var wg sync.WaitGroup
	// Only free instances: under concurrent calls each reads alone.
	for ; extra > 0 && g.reserve(); extra-- {
		more := e.helper(r.ctx, g, r.pdf)
		more.help(r)
		wg.Go(more.wait)
	}
	r.work(o)
	wg.Wait()
	if h != nil {
		h.wait()
	}
}

// helper is an instance of its own with the PDF open, ready to take pages.
type helper struct {
	run  chan *pageRun // what to help with; nil: nothing
	once sync.Once
	done chan struct{}
}

// startHelper starts a helper if an instance is free and the Extractor may
// read a document in more than one.
func (e *Extractor) startHelper(ctx context.Context, g *engine, pdf *[]byte) *helper {
	if e.docInstances == 1 || !g.reserve() {
		return nil
	}
	return e.helper(ctx, g, pdf)
}

// helper starts a helper on a token taken from g.
func (e *Extractor) helper(ctx context.Context, g *engine, pdf *[]byte) *helper {
	h := &helper{run: make(chan *pageRun, 1), done: make(chan struct{})}
	go func() {
		defer close(h.done)
		defer func() { _ = recover() }() // the first instance reads on; work recovers its own
		inst, err := g.instance(ctx)
		if err != nil {
			return // the first instance reads on
		}
		doc, err := inst.OpenDocument(&requests.OpenDocument{File: pdf})
		if err != nil {
			g.put(inst)
			return
		}
		o := &opened{eng: g, inst: inst, doc: doc.Document}
		if r := <-h.run; r != nil {
			e.extraInstances.Add(1)
			r.work(o)
		} else {
			o.close()
		}
	}()
	return h
}

// help gives the helper its pages (once; nil: none).
func (h *helper) help(r *pageRun) {
	h.once.Do(func() { h.run <- r })
}

// wait waits for the helper to be done.
func (h *helper) wait() { <-h.done }

// stop tells a helper not given pages that there are none, and waits for it.
func (h *helper) stop() {
	if h != nil {
		h.help(nil)
		h.wait()
	}
}

// work reads claimed pages in o's instance until none are left, and closes o.
func (r *pageRun) work(o *opened) {
	i := -1
	defer func() {
		if p := recover(); p != nil {
			r.fail(max(i, 0), fmt.Errorf("pdftext: PDFium failed: %s", oneLine(fmt.Sprint(p))))
		}
		if o != nil {
			o.close()
		}
	}()
	read := 0
	for {
		var ok bool
		if i, ok = r.claim(); !ok {
			return
		}
		// The only cancellation point while PDFium works: a page takes
		// milliseconds (see WithCloseOnContextDone in engine.go).
		if err := r.ctx.Err(); err != nil {
			r.fail(i, err)
			return
		}
		if read == r.perInstance {
			// go-pdfium keeps a handle (~150 bytes) for every page object
			// it hands out until its instance closes, and visible.go asks
			// for all of them: a fresh instance bounds that on long PDFs.
			o.close()
			var err error
			if o, err = open(r.ctx, r.eng, r.pdf); err != nil {
				r.fail(i, err)
				return
			}
			read = 0
		}
		raw, ocr, err := pageText(o.inst, o.doc, i, r.eng.interpreted)
		if r.eng.missed.Load() {
			err = errLeanMissed
		}
		if err != nil {
			r.fail(i, damaged(fmt.Sprintf("cannot read page %d", i+1), err))
			return
		}
		r.out[i] = pageOut{text: clean(raw), ocr: ocr}
		read++
	}
}

// claim hands out the next page, unless none is left or an earlier one
// failed.
func (r *pageRun) claim() (int, bool) {
	i := int(r.next.Add(1) - 1)
	r.mu.Lock()
	defer r.mu.Unlock()
	return i, i < r.failedAt
}

func (r *pageRun) fail(i int, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if i < r.failedAt {
		r.failedAt, r.err = i, err
	}
}

// opened is a PDF opened in an instance of an engine.
type opened struct {
	eng  *engine
	inst pdfium.Pdfium
	doc  references.FPDF_DOCUMENT
}

// start opens pdf in an instance of g, and starts a helper if another
// instance is free: it makes itself and opens the PDF while the first does
// and counts the pages, ~10 ms a document. The first instance's token is
// taken before the helper's, so helpers, which wait for their first, never
// hold every token while firsts wait.
func (e *Extractor) start(ctx context.Context, g *engine, pdf *[]byte) (*opened, *helper, error) {
	if err := g.take(ctx); err != nil {
		return nil, nil, err
	}
	h := e.startHelper(ctx, g, pdf)
	o, err := openTaken(ctx, g, pdf)
	if err != nil {
		h.stop()
		return nil, nil, err
	}
	return o, h, nil
}

// open opens pdf in an instance of g.
func open(ctx context.Context, g *engine, pdf *[]byte) (*opened, error) {
	if err := g.take(ctx); err != nil {
		return nil, err
	}
	return openTaken(ctx, g, pdf)
}

// openTaken opens pdf in a new instance for a token taken from g.
func openTaken(ctx context.Context, g *engine, pdf *[]byte) (*opened, error) {
	inst, err := g.instance(ctx)
	if err != nil {
		return nil, err
	}
	doc, err := inst.OpenDocument(&requests.OpenDocument{File: pdf})
	if err != nil {
		g.put(inst)
		return nil, openError(err)
	}
	return &opened{eng: g, inst: inst, doc: doc.Document}, nil
}

func (o *opened) close() {
	o.inst.FPDF_CloseDocument(&requests.FPDF_CloseDocument{Document: o.doc})
	o.eng.put(o.inst)
}

// pageText returns PDFium's raw visible text of page i, and whether it is
// the page's OCR layer.
func pageText(inst pdfium.Pdfium, doc references.FPDF_DOCUMENT, i int, boxesFirst bool) (string, bool, error) {
	page, err := inst.FPDF_LoadPage(&requests.FPDF_LoadPage{Document: doc, Index: i})
	if err != nil {
		return "", false, err
	}
	defer inst.FPDF_ClosePage(&requests.FPDF_ClosePage{Page: page.Page})
	return visibleText(inst, requests.Page{ByReference: &page.Page}, boxesFirst)
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
