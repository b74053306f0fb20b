package service

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"strings"

	"github.com/opusblocks/opus/internal/biblio"
	"github.com/opusblocks/opus/internal/domain"
	"github.com/opusblocks/opus/internal/export"
	"github.com/opusblocks/opus/internal/store"
)

// Bib is a reference manager's export (BibTeX, BibLaTeX or CSL-JSON) read
// for adding documents, and the record a user named in it, if any.
type Bib struct {
	Source  string // the file's name, for messages
	Dir     string // its directory: its entries' relative file paths start there
	Entries []biblio.Entry
	Key     string // the entry to use; "" to find it
}

// ReadBib reads a .bib (BibTeX/BibLaTeX) or .json (CSL-JSON) file.
func (s *Service) ReadBib(path string) (*Bib, error) {
	data, err := readFile(path)
	if err != nil {
		return nil, err
	}
	var entries []biblio.Entry
	switch ext := strings.ToLower(filepath.Ext(path)); ext {
	case ".bib", ".bibtex", ".biblatex":
		entries, err = biblio.ParseBibTeX(bytes.NewReader(data))
	case ".json":
		entries, err = biblio.ParseCSLJSON(bytes.NewReader(data))
	default:
		return nil, domain.Errorf(domain.Invalid, "%s: not a .bib (BibTeX) or .json (CSL-JSON) file; export your library in one of those", path)
	}
	if err != nil {
		return nil, domain.Errorf(domain.Invalid, "%s: %v", path, err)
	}
	if len(entries) == 0 {
		return nil, domain.Errorf(domain.Invalid, "%s has no entries", path)
	}
	return &Bib{Source: filepath.Base(path), Dir: filepath.Dir(path), Entries: entries}, nil
}

// choose picks the record of b that describes the file name with those
// pages: the one named by b.Key; else the only one; else the one whose
// file field names a file of that name; else the one whose DOI the first
// pages print. Anything else is refused rather than guessed.
func (b *Bib) choose(name string, pages []string) (biblio.Ref, error) {
	if b.Key != "" {
		for _, e := range b.Entries {
			if e.Ref.Key == b.Key {
				return e.Ref, nil
			}
		}
		return biblio.Ref{}, domain.Errorf(domain.NotFound, "%s has no entry with key %q", b.Source, b.Key)
	}
	if len(b.Entries) == 1 {
		return b.Entries[0].Ref, nil
	}
	var byFile []biblio.Ref
	for _, e := range b.Entries {
		for _, f := range e.Files {
			if strings.EqualFold(filepath.Base(filepath.FromSlash(f)), name) {
				byFile = append(byFile, e.Ref)
				break
			}
		}
	}
	if len(byFile) == 1 {
		return byFile[0], nil
	}
	if doi := firstDOI(pages); doi != "" {
		for _, e := range b.Entries {
			if strings.EqualFold(e.Ref.DOI, doi) {
				return e.Ref, nil
			}
		}
	}
	return biblio.Ref{}, domain.Errorf(domain.Invalid, "%s has %d entries and none is plainly %s's; name it with --key", b.Source, len(b.Entries), name)
}

// firstDOI is the DOI printed on a document's first two pages: a journal
// prints it on the first, a preprint's cover page may push it to the
// second.
func firstDOI(pages []string) string {
	for _, p := range pages[:min(len(pages), 2)] {
		if doi := biblio.FindDOI(p); doi != "" {
			return doi
		}
	}
	return ""
}

// fileMeta is the metadata a file carries: its PDF information dictionary
// and XMP, overridden by what its first page prints (a publisher's page is
// likelier right than the producing software's fields), and its DOI.
func fileMeta(ft *fileText) biblio.Ref {
	if len(ft.pages) == 0 {
		return biblio.Ref{}
	}
	meta := biblio.Merge(biblio.FromPDFInfo(ft.info, ft.xmp), biblio.FromFirstPage(ft.pages[0]))
	if meta.DOI == "" {
		meta.DOI = firstDOI(ft.pages)
	}
	return meta
}

// maxKeyTries bounds how often a document races another process for a
// generated citation key.
const maxKeyTries = 3

// withFreeKey runs write, which stores d, with a citation key: the one d
// has, or one generated from its metadata that no other document of the
// owner has. A generated key taken concurrently is generated again; a key
// the user chose and another document has is the Conflict write returns.
func (s *Service) withFreeKey(ctx context.Context, tn *store.Tenant, d *domain.Document, write func() error) error {
	if d.Bib.Key != "" {
		return write()
	}
	var err error
	for range maxKeyTries {
		if d.Bib.Key, err = s.freeKey(ctx, tn, d); err != nil {
			return err
		}
		if err = write(); !errors.Is(err, store.ErrKeyTaken) {
			return err
		}
	}
	return err
}

// freeKey generates a citation key for d that the owner's other documents
// do not have; with no author or title the file name stands for the title.
func (s *Service) freeKey(ctx context.Context, tn *store.Tenant, d *domain.Document) (string, error) {
	keys, err := tn.BibKeys(ctx)
	if err != nil {
		return "", err
	}
	taken := map[string]bool{}
	for _, k := range keys {
		taken[k] = true
	}
	r := d.Bib
	if r.Title == "" {
		r.Title = titleOf(d.Filename)
	}
	return biblio.Key(r, func(k string) bool { return taken[k] }), nil
}

// storeMeta stores d's metadata and the display title that follows from
// it.
func (s *Service) storeMeta(ctx context.Context, tn *store.Tenant, d *domain.Document) error {
	d.Title = displayTitle(d)
	return s.withFreeKey(ctx, tn, d, func() error { return tn.SetDocumentMeta(ctx, d) })
}

// DocEdit is a user's change to a document's metadata; nil fields stay as
// they are, and an empty value clears a field.
type DocEdit struct {
	Title   *string
	Authors *string // "Family, Given; Given Family; …"
	Year    *int
	Venue   *string
	DOI     *string
	Key     *string
}

// EditDocument changes a document's metadata.
func (s *Service) EditDocument(ctx context.Context, a Actor, handle string, e DocEdit) (*domain.Document, error) {
	tn := s.db.Tenant(a.OwnerID)
	d, err := s.resolveDoc(ctx, tn, handle)
	if err != nil {
		return nil, err
	}
	r := d.Bib
	if e.Title != nil {
		r.Title = strings.TrimSpace(*e.Title)
	}
	if e.Authors != nil {
		r.Authors = biblio.ParseNames(*e.Authors)
	}
	if e.Year != nil {
		if *e.Year != 0 && (*e.Year < 1000 || *e.Year > 2999) {
			return nil, domain.Errorf(domain.Invalid, "year %d is not a four-digit year", *e.Year)
		}
		r.Year = *e.Year
	}
	if e.Venue != nil {
		r.Venue = strings.TrimSpace(*e.Venue)
	}
	if e.DOI != nil {
		r.DOI = ""
		if v := strings.TrimSpace(*e.DOI); v != "" {
			if r.DOI = biblio.FindDOI(v); r.DOI == "" {
				return nil, domain.Errorf(domain.Invalid, "%q is not a DOI; a DOI looks like 10.1234/abc", v)
			}
		}
	}
	if e.Key != nil {
		k := strings.TrimSpace(*e.Key)
		if err := checkKey(k); err != nil {
			return nil, err
		}
		r.Key = k
	}
	d.Bib = r
	if err := s.storeMeta(ctx, tn, d); err != nil {
		return nil, err
	}
	return d, nil
}

// checkKey refuses a citation key that an export could not cite by
// (export.ValidKey), naming the first character at fault.
func checkKey(k string) error {
	if k == "" {
		return domain.Errorf(domain.Invalid, "the citation key is empty; give one like smith2020 (or leave --key out)")
	}
	for _, r := range k {
		if !export.ValidKey(string(r)) {
			return domain.Errorf(domain.Invalid, "citation key %q has %q; use ASCII letters, digits and - _ : . / + only", k, r)
		}
	}
	return nil
}

// ImportResult is one entry of an import.
type ImportResult struct {
	Key      string           `json:"key"`
	File     string           `json:"file,omitempty"`
	Document *domain.Document `json:"document,omitempty"`
	Outcome  string           `json:"outcome"` // added, updated, skipped, failed
	Reason   string           `json:"reason,omitempty"`
}

// Import outcomes.
const (
	ImportAdded   = "added"
	ImportUpdated = "updated" // the file was stored already: its metadata is the entry's now
	ImportSkipped = "skipped"
	ImportFailed  = "failed"
)

// ImportBib adds the PDF each entry of b links (a Zotero or Better BibTeX
// export's file field), with the entry's metadata; an entry with no PDF
// updates the document with its DOI, if there is one. A file that fails
// is reported and the rest go on: each document is stored whole or not at
// all. progress, if set, is told of each entry done.
func (s *Service) ImportBib(ctx context.Context, a Actor, b *Bib, progress func(ImportResult)) ([]ImportResult, error) {
	var out []ImportResult
	byDOI := &docsByDOI{}
	for _, e := range b.Entries {
		if err := ctx.Err(); err != nil {
			return out, domain.Wrap(err, domain.Cancelled, "cancelled")
		}
		r := s.importEntry(ctx, a, b, e, byDOI)
		out = append(out, r)
		if progress != nil {
			progress(r)
		}
	}
	return out, nil
}

func (s *Service) importEntry(ctx context.Context, a Actor, b *Bib, e biblio.Entry, byDOI *docsByDOI) ImportResult {
	r := ImportResult{Key: e.Ref.Key}
	one := &Bib{Source: b.Source, Entries: []biblio.Entry{e}}
	if len(e.Files) == 0 {
		d, err := byDOI.find(ctx, s.db.Tenant(a.OwnerID), e.Ref.DOI)
		if err != nil || d == nil {
			r.Outcome, r.Reason = ImportSkipped, "no PDF linked (a file field) and no stored document with its DOI"
			if err != nil {
				r.Outcome, r.Reason = ImportFailed, err.Error()
			}
			return r
		}
		d.Bib = biblio.Merge(d.Bib, e.Ref)
		if err := s.storeMeta(ctx, s.db.Tenant(a.OwnerID), d); err != nil {
			r.Outcome, r.Reason = ImportFailed, err.Error()
			return r
		}
		r.Document, r.Outcome = d, ImportUpdated
		return r
	}
	r.File = e.Files[0]
	path := filepath.FromSlash(r.File)
	if !filepath.IsAbs(path) {
		path = filepath.Join(b.Dir, path)
	}
	res, err := s.AddDocumentWithBib(ctx, a, path, one)
	if err != nil {
		r.Outcome, r.Reason = ImportFailed, err.Error()
		return r
	}
	byDOI.add(res.Document)
	r.Document, r.Outcome = res.Document, ImportAdded
	if res.Existed {
		r.Outcome = ImportUpdated
	}
	return r
}

// docsByDOI finds the owner's documents by DOI during one import: the
// documents are read once, when the first entry without a file needs
// them, and those the import adds are added.
type docsByDOI struct {
	loaded bool
	docs   map[string]*domain.Document // by lower-cased DOI
}

func (x *docsByDOI) find(ctx context.Context, tn *store.Tenant, doi string) (*domain.Document, error) {
	if doi == "" {
		return nil, nil
	}
	if !x.loaded {
		docs, err := tn.Documents(ctx)
		if err != nil {
			return nil, err
		}
		x.loaded, x.docs = true, nil // the documents added so far are among these
		for i := range docs {
			x.add(&docs[i])
		}
	}
	return x.docs[strings.ToLower(doi)], nil
}

func (x *docsByDOI) add(d *domain.Document) {
	if d.Bib.DOI == "" {
		return
	}
	if x.docs == nil {
		x.docs = map[string]*domain.Document{}
	}
	if _, ok := x.docs[strings.ToLower(d.Bib.DOI)]; !ok { // the oldest, as a scan in handle order finds
		x.docs[strings.ToLower(d.Bib.DOI)] = d
	}
}
