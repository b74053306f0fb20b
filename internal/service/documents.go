package service

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

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

// AddDocument stores a PDF, .txt or .md file: blob, page texts, row. Bad
// input is refused before anything is written; a failure part-way leaves
// nothing behind.
func (s *Service) AddDocument(ctx context.Context, a Actor, path string) (*AddResult, error) {
	name := filepath.Base(path)
	st, err := os.Stat(path)
	if err != nil {
		if os.IsNotExist(err) {
			return nil, domain.Errorf(domain.Invalid, "%s: no such file", path)
		}
		return nil, domain.Errorf(domain.Invalid, "%s: cannot read: %v", path, err)
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
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, domain.Errorf(domain.Invalid, "%s: cannot read: %v", path, err)
	}
	return s.addBytes(ctx, a, name, data)
}

// AddPages stores a text document given page by page (form feeds separate
// pages in its blob), e.g. the inline documents of an evaluation suite.
func (s *Service) AddPages(ctx context.Context, a Actor, title string, pages []string) (*AddResult, error) {
	return s.addBytes(ctx, a, title+".txt", []byte(strings.Join(pages, "\f")))
}

// addBytes stores a file's content: blob, page texts, row.
func (s *Service) addBytes(ctx context.Context, a Actor, name string, data []byte) (*AddResult, error) {
	path := name
	sum := blobs.Sum(data)
	tn := s.DB.Tenant(a.OwnerID)
	if d, err := tn.DocumentBySHA(ctx, sum); err == nil {
		return &AddResult{Document: d, Existed: true}, nil
	} else if domain.ErrorCode(err) != domain.NotFound {
		return nil, err
	}

	mediaType, pages, err := s.pageTexts(ctx, name, data)
	if err != nil {
		return nil, err
	}
	if len(pages) > s.cfg.MaxPages {
		return nil, domain.Errorf(domain.Invalid, "%s has %d pages; the limit is %d", path, len(pages), s.cfg.MaxPages)
	}
	rel, err := s.blobs.Put(sum, data)
	if err != nil {
		return nil, domain.Wrap(err, domain.Unavailable, "cannot store %s: %v", path, err)
	}
	d := &domain.Document{
		Title: titleOf(name), Filename: name, MediaType: mediaType, SHA256: sum, Bytes: int64(len(data)),
		State: domain.DocTextReady, BlobPath: rel,
	}
	err = s.DB.InTx(ctx, func(tx *store.Tx) error { return tx.Tenant(a.OwnerID).CreateDocument(ctx, d, pages) })
	if err != nil {
		s.dropBlobIfUnused(ctx, rel)
		return nil, err
	}
	return &AddResult{Document: d}, nil
}

// pageTexts reads the pages of a file by its kind.
func (s *Service) pageTexts(ctx context.Context, name string, data []byte) (string, []string, error) {
	ext := strings.ToLower(filepath.Ext(name))
	isPDF := bytes.HasPrefix(data, []byte("%PDF-"))
	switch {
	case ext == ".pdf" || isPDF:
		ex, err := s.extractor(ctx)
		if err != nil {
			return "", nil, domain.Wrap(err, domain.Internal, "PDF engine failed to start: %v", err)
		}
		pages, err := ex.Pages(ctx, data)
		if err != nil {
			switch {
			case errors.Is(err, pdftext.ErrEncrypted), errors.Is(err, pdftext.ErrNoText), errors.Is(err, pdftext.ErrNoPages),
				errors.Is(err, pdftext.ErrCorrupt), errors.Is(err, pdftext.ErrTooManyPages):
				return "", nil, domain.Wrap(err, domain.Invalid, "%s: %s", name, err.Error())
			case errors.Is(err, context.Canceled):
				return "", nil, domain.Wrap(err, domain.Cancelled, "cancelled")
			}
			return "", nil, domain.Wrap(err, domain.Invalid, "%s: cannot read PDF: %v", name, err)
		}
		return "application/pdf", pages, nil
	case ext == ".txt" || ext == ".md" || ext == ".markdown":
		if !utf8.Valid(data) || bytes.IndexByte(data, 0) >= 0 {
			return "", nil, domain.Errorf(domain.Invalid, "%s is not UTF-8 text; convert it to UTF-8 first", name)
		}
		// A form feed separates pages, as pdftotext writes them; empty pages
		// are kept so page numbers stay those of the source.
		pages := strings.Split(strings.ReplaceAll(string(data), "\r\n", "\n"), "\f")
		if len(pages) > 1 && strings.TrimSpace(pages[len(pages)-1]) == "" {
			pages = pages[:len(pages)-1] // a trailing form feed ends the last page
		}
		if strings.TrimSpace(string(data)) == "" {
			return "", nil, domain.Errorf(domain.Invalid, "%s has no text", name)
		}
		mt := "text/plain"
		if ext != ".txt" {
			mt = "text/markdown"
		}
		return mt, pages, nil
	}
	return "", nil, domain.Errorf(domain.Invalid, "%s is not a PDF, .txt or .md file; opus reads only those", name)
}

func (s *Service) dropBlobIfUnused(ctx context.Context, rel string) {
	if used, err := s.DB.BlobInUse(ctx, rel); err == nil && !used {
		_ = s.blobs.Remove(rel)
	}
}

func titleOf(filename string) string {
	return strings.TrimSuffix(filename, filepath.Ext(filename))
}

func mb(n int64) string { return fmt.Sprintf("%.1f MB", float64(n)/(1<<20)) }

// Documents lists the owner's documents.
func (s *Service) Documents(ctx context.Context, a Actor) ([]domain.Document, error) {
	return s.DB.Tenant(a.OwnerID).Documents(ctx)
}

// DocumentView is a document with its fact counts.
type DocumentView struct {
	domain.Document
	ActiveFacts    int `json:"active_facts"`
	RetractedFacts int `json:"retracted_facts"`
}

// Document shows one document.
func (s *Service) Document(ctx context.Context, a Actor, handle string) (*DocumentView, error) {
	tn := s.DB.Tenant(a.OwnerID)
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
	d, err := s.resolveDoc(ctx, s.DB.Tenant(a.OwnerID), handle)
	if err != nil {
		return nil, err
	}
	if d.State == domain.DocExtracting {
		return nil, domain.Errorf(domain.Conflict, "%s is being extracted; cancel its job first (opus jobs list)", d.Handle)
	}
	err = s.DB.InTx(ctx, func(tx *store.Tx) error { return tx.Tenant(a.OwnerID).DeleteDocument(ctx, d.ID) })
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
