package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/opusblocks/opus/internal/biblio"
	"github.com/opusblocks/opus/internal/domain"
)

const docColumns = `id, seq, title, filename, media_type, sha256, bytes, page_count, state, error, blob_path, bibkey, text_layer, meta, created_at, updated_at`

// withDocHandle completes a document read from its row: its handle and its
// metadata, decoded. Metadata that no longer decodes (it is always written
// by encodeMeta) is shown as none rather than failing every list.
func withDocHandle(d *domain.Document) {
	d.Handle = domain.Handle(domain.DocPrefix, d.Seq)
	d.Bib = biblio.Ref{}
	_ = json.Unmarshal([]byte(d.MetaJSON), &d.Bib)
	d.Bib.Key = ""
	if d.Bibkey != nil {
		d.Bib.Key = *d.Bibkey
	}
}

// encodeMeta sets the columns that mirror d.Bib: the key and the stored
// JSON. The display title stays the caller's (the file name when the
// metadata has none).
func encodeMeta(d *domain.Document) error {
	d.Bibkey = nil
	if d.Bib.Key != "" {
		k := d.Bib.Key
		d.Bibkey = &k
	}
	b, err := json.Marshal(d.Bib)
	if err != nil {
		return fmt.Errorf("store: encode metadata: %w", err)
	}
	d.MetaJSON = string(b)
	return nil
}

// CreateDocument stores a document and its page texts; d.ID, Seq, Handle and
// timestamps are filled in.
func (t *Tenant) CreateDocument(ctx context.Context, d *domain.Document, pages []string) error {
	seq, err := t.nextSeq(ctx, domain.DocPrefix)
	if err != nil {
		return err
	}
	now := domain.Now()
	d.ID, d.Seq, d.CreatedAt, d.UpdatedAt, d.PageCount = NewID(), seq, now, now, len(pages)
	d.Handle = domain.Handle(domain.DocPrefix, d.Seq)
	if err := encodeMeta(d); err != nil {
		return err
	}
	_, err = t.exec(ctx, `INSERT INTO documents (id, owner_id, seq, title, filename, media_type, sha256, bytes, page_count, state, error, blob_path, bibkey, text_layer, meta, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		d.ID, t.owner, d.Seq, d.Title, d.Filename, d.MediaType, d.SHA256, d.Bytes, d.PageCount, d.State, d.Error, d.BlobPath, d.Bibkey, d.TextLayer, d.MetaJSON, d.CreatedAt, d.UpdatedAt)
	if isUniqueViolation(err) && d.Bibkey != nil {
		return keyTaken(*d.Bibkey)
	}
	if err != nil {
		return err
	}
	for i, p := range pages {
		if _, err := t.exec(ctx, `INSERT INTO document_pages (document_id, page_no, text) VALUES (?, ?, ?)`, d.ID, i+1, p); err != nil {
			return err
		}
	}
	return nil
}

// DocumentBySHA returns the owner's document with that content, or a NotFound error.
func (t *Tenant) DocumentBySHA(ctx context.Context, sha string) (*domain.Document, error) {
	var d domain.Document
	err := t.get(ctx, &d, `SELECT `+docColumns+` FROM documents WHERE owner_id = ? AND sha256 = ?`, t.owner, sha)
	if isNoRows(err) {
		return nil, domain.Errorf(domain.NotFound, "no document with sha256 %s", sha)
	}
	if err != nil {
		return nil, err
	}
	withDocHandle(&d)
	return &d, nil
}

// Document resolves a handle number.
func (t *Tenant) Document(ctx context.Context, seq int64) (*domain.Document, error) {
	var d domain.Document
	err := t.get(ctx, &d, `SELECT `+docColumns+` FROM documents WHERE owner_id = ? AND seq = ?`, t.owner, seq)
	if err != nil {
		return nil, notFound(err, domain.DocPrefix, seq)
	}
	withDocHandle(&d)
	return &d, nil
}

// DocumentByID loads a document by its internal id.
func (t *Tenant) DocumentByID(ctx context.Context, id string) (*domain.Document, error) {
	var d domain.Document
	err := t.get(ctx, &d, `SELECT `+docColumns+` FROM documents WHERE owner_id = ? AND id = ?`, t.owner, id)
	if isNoRows(err) {
		return nil, domain.Errorf(domain.NotFound, "document not found")
	}
	if err != nil {
		return nil, err
	}
	withDocHandle(&d)
	return &d, nil
}

// Documents lists the owner's documents, oldest first.
func (t *Tenant) Documents(ctx context.Context) ([]domain.Document, error) {
	return t.DocumentsPage(ctx, Page{})
}

// Page is a cursor page of a list in handle order: the items after
// (ascending lists) or before (newest-first lists) the handle number
// Cursor, at most Limit of them (all when 0).
type Page struct {
	Cursor int64
	Limit  int
}

// clause is p's condition on column and its LIMIT, for a list ordered by
// column ascending (or descending when newestFirst).
func (p Page) clause(column string, newestFirst bool) (string, []any) {
	var q string
	var args []any
	if p.Cursor > 0 {
		op := " > ?"
		if newestFirst {
			op = " < ?"
		}
		q += " AND " + column + op
		args = append(args, p.Cursor)
	}
	dir := ""
	if newestFirst {
		dir = " DESC"
	}
	q += " ORDER BY " + column + dir
	if p.Limit > 0 {
		q += " LIMIT ?"
		args = append(args, p.Limit)
	}
	return q, args
}

// DocumentsPage is a page of the owner's documents, oldest first.
func (t *Tenant) DocumentsPage(ctx context.Context, p Page) ([]domain.Document, error) {
	var out []domain.Document
	where, args := p.clause("seq", false)
	if err := t.selectAll(ctx, &out, `SELECT `+docColumns+` FROM documents WHERE owner_id = ?`+where, append([]any{t.owner}, args...)...); err != nil {
		return nil, err
	}
	for i := range out {
		withDocHandle(&out[i])
	}
	return out, nil
}

// DocumentPages returns the page texts of one of the owner's documents.
func (t *Tenant) DocumentPages(ctx context.Context, docID string) ([]string, error) {
	var pages []string
	err := t.selectAll(ctx, &pages, `SELECT p.text FROM document_pages p JOIN documents d ON d.id = p.document_id
		WHERE d.owner_id = ? AND d.id = ? ORDER BY p.page_no`, t.owner, docID)
	return pages, err
}

// SetDocumentMeta stores a document's metadata and display title. A
// citation key another of the owner's documents has is a Conflict.
func (t *Tenant) SetDocumentMeta(ctx context.Context, d *domain.Document) error {
	if err := encodeMeta(d); err != nil {
		return err
	}
	d.UpdatedAt = domain.Now()
	_, err := t.exec(ctx, `UPDATE documents SET title = ?, bibkey = ?, meta = ?, updated_at = ? WHERE owner_id = ? AND id = ?`,
		d.Title, d.Bibkey, d.MetaJSON, d.UpdatedAt, t.owner, d.ID)
	if isUniqueViolation(err) && d.Bibkey != nil {
		return keyTaken(*d.Bibkey)
	}
	return err
}

// ErrKeyTaken is the cause of the Conflict a citation key that another of
// the owner's documents has gets.
var ErrKeyTaken = errors.New("citation key taken")

func keyTaken(key string) error {
	return domain.Wrap(ErrKeyTaken, domain.Conflict, "citation key %q is another document's; choose another with --key", key)
}

// BibKeys returns the citation keys of the owner's documents.
func (t *Tenant) BibKeys(ctx context.Context) ([]string, error) {
	var keys []string
	err := t.selectAll(ctx, &keys, `SELECT bibkey FROM documents WHERE owner_id = ? AND bibkey IS NOT NULL ORDER BY bibkey`, t.owner)
	return keys, err
}

// SetDocumentState moves a document to state, recording errText for failures.
func (t *Tenant) SetDocumentState(ctx context.Context, docID, state string, errText *string) error {
	_, err := t.exec(ctx, `UPDATE documents SET state = ?, error = ?, updated_at = ? WHERE owner_id = ? AND id = ?`,
		state, errText, domain.Now(), t.owner, docID)
	return err
}

// DeleteDocument removes a document, its pages and its facts. Facts a
// paragraph was allowed to use are kept on the record, so such a document is
// refused with Conflict.
func (t *Tenant) DeleteDocument(ctx context.Context, docID string) error {
	var used []int64
	if err := t.selectAll(ctx, &used, `SELECT DISTINCT p.seq FROM paragraph_allowed_facts a
		JOIN facts f ON f.id = a.fact_id JOIN paragraphs p ON p.id = a.paragraph_id
		WHERE f.owner_id = ? AND f.document_id = ? ORDER BY p.seq`, t.owner, docID); err != nil {
		return err
	}
	if len(used) > 0 {
		hs := make([]string, len(used))
		for i, s := range used {
			hs[i] = domain.Handle(domain.ParaPrefix, s)
		}
		return domain.Errorf(domain.Conflict, "its facts are used by paragraph(s) %v; retract facts instead of removing the document", hs)
	}
	if _, err := t.exec(ctx, `DELETE FROM facts WHERE owner_id = ? AND document_id = ?`, t.owner, docID); err != nil {
		return err
	}
	_, err := t.exec(ctx, `DELETE FROM documents WHERE owner_id = ? AND id = ?`, t.owner, docID)
	return err
}

// BlobInUse reports whether any owner's document still points at a blob path;
// blobs are content-addressed and may be shared.
func (db *DB) BlobInUse(ctx context.Context, blobPath string) (bool, error) {
	var n int
	err := db.X.GetContext(ctx, &n, db.Rebind(`SELECT count(*) FROM documents WHERE blob_path = ?`), blobPath)
	return n > 0, wrapDB(err)
}
