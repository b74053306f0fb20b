package service

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/opusblocks/opus/internal/biblio"
	"github.com/opusblocks/opus/internal/blobs"
	"github.com/opusblocks/opus/internal/domain"
	"github.com/opusblocks/opus/internal/pdftext"
	"github.com/opusblocks/opus/internal/store"
)

// AddResult is the outcome of adding one file.
type AddResult struct {
	Document *domain.Document
	Existed  bool // the same content was already stored for this owner
}

// AddDocument stores a PDF, .txt or .md file: blob, page texts, row, and
// the bibliographic metadata the file carries. Bad input is refused before
// anything is written; a failure part-way leaves nothing behind.
func (s *Service) AddDocument(ctx context.Context, a Actor, path string) (*AddResult, error) {
	return s.AddDocumentWithBib(ctx, a, path, nil)
}

// AddDocumentWithBib is AddDocument with the document's metadata taken
// from a reference manager's record (see Bib.choose); a file stored
// already gets the record's metadata.
func (s *Service) AddDocumentWithBib(ctx context.Context, a Actor, path string, bib *Bib) (*AddResult, error) {
	name := filepath.Base(path)
	st, err := os.Stat(path)
	if err != nil {
		return nil, fileError(path, err)
	}
	if st.IsDir() {
		return nil, domain.Errorf(domain.Invalid, "%s is a directory; give the files inside it", path)
	}
	if st.Size() == 0 {
		return nil, domain.Errorf(domain.Invalid, "%s is empty", path)
	}
	if st.Size() > s.cfg.MaxUploadBytes {
		return nil, domain.Errorf(domain.Invalid, "%s is %s; the limit is %s (raise limits.upload_mb in the config)", path, mb(st.Size()), mb(s.cfg.MaxUploadBytes))
	}
	data, err := readFile(path)
	if err != nil {
		return nil, err
	}
	return s.addBytes(ctx, a, name, data, bib)
}

// AddUpload stores a file received as a stream (an HTTP upload) under its
// file name; more than the upload limit is refused without storing
// anything.
func (s *Service) AddUpload(ctx context.Context, a Actor, filename string, r io.Reader) (*AddResult, error) {
	name := filepath.Base(strings.ReplaceAll(filename, "\\", "/"))
	if name == "" || name == "." || name == "/" {
		return nil, domain.Errorf(domain.Invalid, "the upload has no file name")
	}
	data, err := io.ReadAll(io.LimitReader(r, s.cfg.MaxUploadBytes+1))
	if err != nil {
		return nil, domain.Errorf(domain.Invalid, "%s: cannot read the upload: %v", name, err)
	}
	if int64(len(data)) > s.cfg.MaxUploadBytes {
		return nil, domain.Errorf(domain.Invalid, "%s is larger than the limit of %s", name, mb(s.cfg.MaxUploadBytes))
	}
	if len(data) == 0 {
		return nil, domain.Errorf(domain.Invalid, "%s is empty", name)
	}
	return s.addBytes(ctx, a, name, data, nil)
}

// AddPages stores a text document given page by page (form feeds separate
// pages in its blob), e.g. the inline documents of an evaluation suite.
func (s *Service) AddPages(ctx context.Context, a Actor, title string, pages []string) (*AddResult, error) {
	return s.addBytes(ctx, a, title+".txt", []byte(strings.Join(pages, "\f")), nil)
}

// addBytes stores a file's content: blob, page texts, row.
func (s *Service) addBytes(ctx context.Context, a Actor, name string, data []byte, bib *Bib) (*AddResult, error) {
	path := name
	s.sweepOnce.Do(func() { s.sweepBlobs(ctx) })
	sum := blobs.Sum(data)
	tn := s.db.Tenant(a.OwnerID)
	if d, err := tn.DocumentBySHA(ctx, sum); err == nil {
		if bib == nil {
			return &AddResult{Document: d, Existed: true}, nil
		}
		pages, err := tn.DocumentPages(ctx, d.ID)
		if err != nil {
			return nil, err
		}
		rec, err := bib.choose(name, pages)
		if err != nil {
			return nil, err
		}
		d.Bib = biblio.Merge(d.Bib, rec)
		if err := s.storeMeta(ctx, tn, d); err != nil {
			return nil, err
		}
		return &AddResult{Document: d, Existed: true}, nil
	} else if domain.ErrorCode(err) != domain.NotFound {
		return nil, err
	}

	ft, err := s.pageTexts(ctx, name, data)
	if err != nil {
		return nil, err
	}
	if len(ft.pages) > s.cfg.MaxPages {
		return nil, domain.Errorf(domain.Invalid, "%s has %d pages; the limit is %d (raise limits.pages in the config)", path, len(ft.pages), s.cfg.MaxPages)
	}
	meta := fileMeta(ft)
	if bib != nil {
		rec, err := bib.choose(name, ft.pages)
		if err != nil {
			return nil, err
		}
		meta = biblio.Merge(meta, rec)
	}
	// Blob and row are written so that a crash at any point leaves either
	// both or nothing the next sweep does not remove (see package blobs).
	staged, err := s.blobs.Stage(ctx, sum, data)
	if err != nil {
		return nil, domain.Wrap(err, domain.Unavailable, "cannot store %s: %v", path, err)
	}
	defer staged.Close()
	crashPoint("staged")
	d := &domain.Document{
		Filename: name, MediaType: ft.mediaType, SHA256: sum, Bytes: int64(len(data)),
		State: domain.DocTextReady, BlobPath: staged.Rel(), TextLayer: &ft.layer, Bib: meta,
	}
	d.Title = displayTitle(d)
	err = s.withFreeKey(ctx, tn, d, func() error {
		return s.db.InTx(ctx, func(tx *store.Tx) error {
			if err := tx.Tenant(a.OwnerID).CreateDocument(ctx, d, ft.pages); err != nil {
				return err
			}
			crashPoint("inserted")
			if err := staged.Publish(); err != nil {
				return domain.Wrap(err, domain.Unavailable, "cannot store %s: %v", path, err)
			}
			crashPoint("published")
			return nil
		})
	})
	if err != nil {
		created := staged.Created()
		staged.Close() // before taking the store's exclusive lock below
		if created {
			s.dropBlobIfUnused(ctx, d.BlobPath)
		}
		return nil, err
	}
	crashPoint("committed")
	return &AddResult{Document: d}, nil
}

// crashPoint marks the steps of adding a document, for the test that kills
// the process at each of them; it does nothing otherwise.
var crashPoint = func(step string) {}

// sweepBlobs removes what an add killed part-way left in the blob store.
// It is best effort: a failure only postpones the clean-up.
func (s *Service) sweepBlobs(ctx context.Context) {
	n, err := s.blobs.Sweep(ctx, s.db.BlobInUse)
	if err != nil {
		s.cfg.Logger.Warn("blob store sweep failed", "err", err)
	} else if n > 0 {
		s.cfg.Logger.Info("blob store: removed files left by an interrupted add", "files", n)
	}
}

// fileText is what reading a file gives: its kind, its pages, where their
// text came from (pdftext.LayerOCR for a PDF whose only text is an OCR
// layer, else pdftext.LayerText) and, for a PDF, the metadata it carries.
type fileText struct {
	mediaType string
	pages     []string
	layer     string
	info      map[string]string
	xmp       []byte
}

// pageTexts reads the pages of a file by its kind.
func (s *Service) pageTexts(ctx context.Context, name string, data []byte) (*fileText, error) {
	ext := strings.ToLower(filepath.Ext(name))
	isPDF := bytes.HasPrefix(data, []byte("%PDF-"))
	switch {
	case ext == ".pdf" || isPDF:
		ex, err := s.extractor(ctx)
		if err != nil {
			return nil, domain.Wrap(err, domain.Internal, "PDF engine failed to start: %v", err)
		}
		res, err := ex.Extract(ctx, data)
		if err != nil {
			switch {
			case errors.Is(err, pdftext.ErrEncrypted), errors.Is(err, pdftext.ErrNoText), errors.Is(err, pdftext.ErrNoPages),
				errors.Is(err, pdftext.ErrCorrupt), errors.Is(err, pdftext.ErrTooManyPages):
				return nil, domain.Wrap(err, domain.Invalid, "%s: %s", name, err.Error())
			case errors.Is(err, context.Canceled):
				return nil, domain.Wrap(err, domain.Cancelled, "cancelled")
			}
			return nil, domain.Wrap(err, domain.Invalid, "%s: cannot read PDF: %v", name, err)
		}
		return &fileText{mediaType: "application/pdf", pages: res.Pages, layer: res.TextLayer, info: res.Info, xmp: res.XMP}, nil
	case ext == ".txt" || ext == ".md" || ext == ".markdown":
		if !utf8.Valid(data) || bytes.IndexByte(data, 0) >= 0 {
			return nil, domain.Errorf(domain.Invalid, "%s is not UTF-8 text; convert it to UTF-8 first", name)
		}
		text := strings.ReplaceAll(string(data), "\r\n", "\n")
		if strings.TrimSpace(text) == "" {
			return nil, domain.Errorf(domain.Invalid, "%s has no text", name)
		}
		// A form feed separates pages, as pdftotext writes them; empty pages
		// are kept so page numbers stay those of the source (a page over
		// MaxTextPageBytes, which no PDF tool writes, becomes several). Pages
		// are cut one at a time so that a file of form feeds is refused
		// before it costs a slice of millions of pages.
		var pages []string
		for rest, more := text, true; more; {
			var p string
			p, rest, more = strings.Cut(rest, "\f")
			if !more && len(pages) > 0 && strings.TrimSpace(p) == "" {
				break // a trailing form feed ends the last page
			}
			pages = append(pages, splitPage(p, MaxTextPageBytes)...)
			if len(pages) > s.cfg.MaxPages {
				return nil, domain.Errorf(domain.Invalid, "%s has more than %d pages (text is paged at form feeds and every %d KB at most); raise limits.pages in the config",
					name, s.cfg.MaxPages, MaxTextPageBytes>>10)
			}
		}
		mt := "text/plain"
		if ext != ".txt" {
			mt = "text/markdown"
		}
		return &fileText{mediaType: mt, pages: pages, layer: pdftext.LayerText}, nil
	}
	return nil, domain.Errorf(domain.Invalid, "%s is not a PDF, .txt or .md file; opus reads only those", name)
}

// MaxTextPageBytes bounds a page of a .txt or .md file; a longer page
// (often the whole file: text has no pages) is stored as several. A dense
// journal page holds 3-8 KB of text (the PDF corpus: median 2.9 KB, largest
// 8 KB), so no page a PDF tool wrote is ever split, while every later step
// (normalising, sentence splitting, quote anchoring, one model call per
// page) works on a bounded page. And 64 KB pages keep the largest upload
// (limits.upload_mb, 50 MB) within the page limit (limits.pages, 2000).
const MaxTextPageBytes = 64 << 10

// splitPage cuts text into pages of at most limit bytes, each ending at the
// last paragraph break, else line break, else sentence end, else space in
// its second half, else at a character boundary, so that a sentence is
// rarely cut in two. It runs in time linear in len(text).
func splitPage(text string, limit int) []string {
	var out []string
	for len(text) > limit {
		cut := cutPoint(text[:limit+1])
		out = append(out, text[:cut])
		text = text[cut:]
	}
	if len(out) > 0 && strings.TrimSpace(text) == "" {
		return out // no page of nothing but the file's last line breaks
	}
	return append(out, text)
}

// cutPoint is where splitPage ends a page within w (len(w) = limit+1, so
// that a break right after the limit counts): a cut in w's first half is
// refused, so every page is at least half the limit.
func cutPoint(w string) int {
	half := len(w) / 2
	for _, sep := range []string{"\n\n", "\n", ". ", " "} {
		if i := strings.LastIndex(w, sep); i >= half {
			return min(i+len(sep), len(w)-1)
		}
	}
	cut := len(w) - 1
	for cut > 0 && !utf8.RuneStart(w[cut]) {
		cut--
	}
	if cut == 0 { // not UTF-8 text; pageTexts refuses it before
		cut = len(w) - 1
	}
	return cut
}

// dropBlobIfUnused removes a blob no row references any more; on failure
// the blob stays, which wastes space but loses nothing.
func (s *Service) dropBlobIfUnused(ctx context.Context, rel string) {
	if err := s.blobs.RemoveIfUnused(ctx, rel, s.db.BlobInUse); err != nil {
		s.cfg.Logger.Warn("cannot remove unused blob", "blob", rel, "err", err)
	}
}

func titleOf(filename string) string {
	return strings.TrimSuffix(filename, filepath.Ext(filename))
}

// displayTitle is the title lists show: the metadata's, else the file's
// name.
func displayTitle(d *domain.Document) string {
	if t := strings.TrimSpace(d.Bib.Title); t != "" {
		return t
	}
	return titleOf(d.Filename)
}

// readFile reads a file the user named.
func readFile(path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fileError(path, err)
	}
	return data, nil
}

// fileError is the error for a file the user named that cannot be read.
func fileError(path string, err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return domain.Errorf(domain.NotFound, "%s: no such file; check the path", path)
	}
	return domain.Errorf(domain.Invalid, "%s: cannot read: %v", path, err)
}

func mb(n int64) string { return fmt.Sprintf("%.1f MB", float64(n)/(1<<20)) }

// Documents lists the owner's documents.
func (s *Service) Documents(ctx context.Context, a Actor) ([]domain.Document, error) {
	return s.DocumentsPage(ctx, a, "", 0)
}

// DocumentsPage lists the owner's documents in handle order, after the
// document handle after when it is set, at most limit (all when 0).
func (s *Service) DocumentsPage(ctx context.Context, a Actor, after string, limit int) ([]domain.Document, error) {
	p, err := page(domain.DocPrefix, after, limit)
	if err != nil {
		return nil, err
	}
	return s.db.Tenant(a.OwnerID).DocumentsPage(ctx, p)
}

// DocumentView is a document with its fact counts.
type DocumentView struct {
	domain.Document
	ActiveFacts    int `json:"active_facts"`
	RetractedFacts int `json:"retracted_facts"`
}

// Document shows one document.
func (s *Service) Document(ctx context.Context, a Actor, handle string) (*DocumentView, error) {
	tn := s.db.Tenant(a.OwnerID)
	d, err := s.resolveDoc(ctx, tn, handle)
	if err != nil {
		return nil, err
	}
	v := &DocumentView{Document: *d}
	if v.ActiveFacts, err = tn.CountFacts(ctx, d.ID, domain.FactActive); err != nil {
		return nil, err
	}
	if v.RetractedFacts, err = tn.CountFacts(ctx, d.ID, domain.FactRetracted); err != nil {
		return nil, err
	}
	return v, nil
}

// RemoveDocument deletes a document, its pages, its facts and (when no other
// owner shares it) its blob.
func (s *Service) RemoveDocument(ctx context.Context, a Actor, handle string) (*domain.Document, error) {
	d, err := s.resolveDoc(ctx, s.db.Tenant(a.OwnerID), handle)
	if err != nil {
		return nil, err
	}
	if d.State == domain.DocExtracting {
		return nil, domain.Errorf(domain.Conflict, "%s is being extracted; cancel its job first (opus jobs list)", d.Handle)
	}
	err = s.db.InTx(ctx, func(tx *store.Tx) error { return tx.Tenant(a.OwnerID).DeleteDocument(ctx, d.ID) })
	if err != nil {
		var de *domain.Error
		if errors.As(err, &de) && de.Code == domain.Conflict {
			return nil, domain.Errorf(domain.Conflict, "cannot remove %s: %s", d.Handle, de.Message)
		}
		return nil, err
	}
	s.dropBlobIfUnused(ctx, d.BlobPath)
	return d, nil
}

func (s *Service) resolveDoc(ctx context.Context, tn *store.Tenant, handle string) (*domain.Document, error) {
	seq, err := domain.ParseHandle(domain.DocPrefix, handle)
	if err != nil {
		return nil, err
	}
	return tn.Document(ctx, seq)
}

// DocumentFile returns a document's stored file (to open it in a viewer)
// and its page count.
func (s *Service) DocumentFile(ctx context.Context, a Actor, handle string) (string, *domain.Document, error) {
	d, err := s.resolveDoc(ctx, s.db.Tenant(a.OwnerID), handle)
	if err != nil {
		return "", nil, err
	}
	if !s.blobs.Exists(d.BlobPath) {
		return "", nil, domain.Errorf(domain.NotFound, "%s's file is not in this machine's data directory (%s)", d.Handle, s.blobs.Dir)
	}
	return s.blobs.Path(d.BlobPath), d, nil
}

// Page is one page of a document as it was extracted: the text every quote
// of the document was checked against.
type Page struct {
	Document string `json:"document"`
	Page     int    `json:"page"`
	Pages    int    `json:"pages"`
	Text     string `json:"text"`
}

// DocumentPage returns page n (from 1) of a document.
func (s *Service) DocumentPage(ctx context.Context, a Actor, handle string, n int) (*Page, error) {
	tn := s.db.Tenant(a.OwnerID)
	d, err := s.resolveDoc(ctx, tn, handle)
	if err != nil {
		return nil, err
	}
	pages, err := tn.DocumentPages(ctx, d.ID)
	if err != nil {
		return nil, err
	}
	if n < 1 || n > len(pages) {
		return nil, domain.Errorf(domain.NotFound, "%s has no page %d; its pages are 1 to %d", d.Handle, n, len(pages))
	}
	return &Page{Document: d.Handle, Page: n, Pages: len(pages), Text: pages[n-1]}, nil
}
