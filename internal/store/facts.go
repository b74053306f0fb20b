package store

import (
	"context"

	"github.com/opusblocks/opus/internal/domain"
	"github.com/opusblocks/opus/internal/textnorm"
)

const factColumns = `f.id, f.seq, f.origin, f.document_id, d.seq AS doc_seq, f.page, f.quote, f.text, f.kind,
	f.source_note, f.state, f.run_id, f.created_at, f.retracted_at`

const factSelect = `SELECT ` + factColumns + `
	FROM facts f LEFT JOIN documents d ON d.id = f.document_id`

func withFactHandles(f *domain.Fact) {
	f.Handle = domain.Handle(domain.FactPrefix, f.Seq)
	if f.DocSeq != nil {
		f.DocHandle = domain.Handle(domain.DocPrefix, *f.DocSeq)
	}
}

// InsertFact stores a fact unless the same document already holds a fact
// with the same text key (then it returns false): replaying an extraction
// after a crash adds nothing twice.
func (t *Tenant) InsertFact(ctx context.Context, f *domain.Fact, textKey string) (bool, error) {
	if err := checkShownText("fact text", f.Text); err != nil {
		return false, err
	}
	if f.DocumentID != nil {
		var n int
		if err := t.get(ctx, &n, `SELECT count(*) FROM facts WHERE owner_id = ? AND document_id = ? AND text_key = ?`, t.owner, *f.DocumentID, textKey); err != nil {
			return false, err
		}
		if n > 0 {
			return false, nil
		}
	}
	seq, err := t.nextSeq(ctx, domain.FactPrefix)
	if err != nil {
		return false, err
	}
	f.ID, f.Seq, f.CreatedAt = NewID(), seq, domain.Now()
	if f.State == "" {
		f.State = domain.FactActive
	}
	_, err = t.exec(ctx, `INSERT INTO facts (id, owner_id, seq, origin, document_id, page, quote, text, text_key, kind, source_note, state, run_id, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		f.ID, t.owner, f.Seq, f.Origin, f.DocumentID, f.Page, f.Quote, f.Text, textKey, f.Kind, f.SourceNote, f.State, f.RunID, f.CreatedAt)
	if err != nil {
		return false, err
	}
	withFactHandles(f)
	return true, nil
}

// Fact resolves a fact handle number.
func (t *Tenant) Fact(ctx context.Context, seq int64) (*domain.Fact, error) {
	var f domain.Fact
	if err := t.get(ctx, &f, factSelect+` WHERE f.owner_id = ? AND f.seq = ?`, t.owner, seq); err != nil {
		return nil, notFound(err, domain.FactPrefix, seq)
	}
	withFactHandles(&f)
	return &f, nil
}

// FactFilter narrows a fact listing.
type FactFilter struct {
	DocumentID string // "" = all documents
	State      string // "" = all states
	Seqs       []int64
	AfterSeq   int64 // only facts after this one (a page's cursor)
	Limit      int   // at most this many (0 = all)
}

// Facts lists the owner's facts in handle order.
func (t *Tenant) Facts(ctx context.Context, ff FactFilter) ([]domain.Fact, error) {
	q := factSelect + ` WHERE f.owner_id = ?`
	args := []any{t.owner}
	if ff.DocumentID != "" {
		q += ` AND f.document_id = ?`
		args = append(args, ff.DocumentID)
	}
	if ff.State != "" {
		q += ` AND f.state = ?`
		args = append(args, ff.State)
	}
	if ff.Seqs != nil {
		q += ` AND f.seq IN (` + placeholders(len(ff.Seqs)) + `)`
		for _, s := range ff.Seqs {
			args = append(args, s)
		}
	}
	where, pargs := Page{Cursor: ff.AfterSeq, Limit: ff.Limit}.clause("f.seq", false)
	q += where
	args = append(args, pargs...)
	var out []domain.Fact
	if err := t.selectAll(ctx, &out, q, args...); err != nil {
		return nil, err
	}
	for i := range out {
		withFactHandles(&out[i])
	}
	return out, nil
}

// RetractFact marks an active fact retracted; facts are never edited in place.
//
// Every paragraph whose current revision cites the fact and that is
// verified or rejected becomes stale; their handles are returned. One whose
// job still runs is settled when the job ends (SettleParagraph): the fact's
// row lock, taken here first, orders this against it on Postgres — a settle
// that locked the fact first has committed before the citing paragraphs are
// read here.
func (t *Tenant) RetractFact(ctx context.Context, factID string) ([]string, error) {
	if _, err := t.exec(ctx, `UPDATE facts SET state = ?, retracted_at = ? WHERE owner_id = ? AND id = ? AND state = ?`,
		domain.FactRetracted, domain.Now(), t.owner, factID, domain.FactActive); err != nil {
		return nil, err
	}
	// The paragraphs whose current revision cites the fact and that are
	// settled, with the fact's handle number for the reason.
	var citing []struct {
		ID      string `db:"id"`
		Seq     int64  `db:"seq"`
		FactSeq int64  `db:"fact_seq"`
	}
	if err := t.selectAll(ctx, &citing, `SELECT DISTINCT p.id, p.seq, f.seq AS fact_seq FROM sentence_fact_links l
		JOIN facts f ON f.id = l.fact_id JOIN sentences s ON s.id = l.sentence_id
		JOIN revisions r ON r.id = s.revision_id JOIN paragraphs p ON p.id = r.paragraph_id
		WHERE p.owner_id = ? AND f.owner_id = ? AND l.fact_id = ? AND r.n = p.current_revision AND p.state IN (?, ?)
		ORDER BY p.seq`, t.owner, t.owner, factID, domain.ParaVerified, domain.ParaRejected); err != nil {
		return nil, err
	}
	var stale []string
	for _, c := range citing {
		if err := t.SetParagraphState(ctx, c.ID, domain.ParaStale, staleReason([]string{domain.Handle(domain.FactPrefix, c.FactSeq)})); err != nil {
			return nil, err
		}
		stale = append(stale, domain.Handle(domain.ParaPrefix, c.Seq))
	}
	return stale, nil
}

// RestoreFact makes a retracted fact active again and returns the ids of
// the stale paragraphs whose current revision cites it: the caller settles
// them (SettleParagraph), which finds them verified again unless another
// fact they cite is still retracted.
func (t *Tenant) RestoreFact(ctx context.Context, factID string) ([]string, error) {
	if _, err := t.exec(ctx, `UPDATE facts SET state = ?, retracted_at = NULL WHERE owner_id = ? AND id = ? AND state = ?`,
		domain.FactActive, t.owner, factID, domain.FactRetracted); err != nil {
		return nil, err
	}
	var ids []string
	err := t.selectAll(ctx, &ids, `SELECT p.id FROM paragraphs p WHERE p.owner_id = ? AND p.state = ? AND EXISTS (
		SELECT 1 FROM sentence_fact_links l JOIN sentences s ON s.id = l.sentence_id JOIN revisions r ON r.id = s.revision_id
		WHERE r.paragraph_id = p.id AND r.n = p.current_revision AND l.fact_id = ?) ORDER BY p.seq`,
		t.owner, domain.ParaStale, factID)
	return ids, err
}

// CitingParagraphs are the handles of the owner's paragraphs whose current
// revision cites the fact, in handle order.
func (t *Tenant) CitingParagraphs(ctx context.Context, factID string) ([]string, error) {
	var seqs []int64
	if err := t.selectAll(ctx, &seqs, `SELECT DISTINCT p.seq FROM sentence_fact_links l
		JOIN sentences s ON s.id = l.sentence_id JOIN revisions r ON r.id = s.revision_id
		JOIN paragraphs p ON p.id = r.paragraph_id
		WHERE p.owner_id = ? AND l.fact_id = ? AND r.n = p.current_revision
		ORDER BY p.seq`, t.owner, factID); err != nil {
		return nil, err
	}
	out := make([]string, len(seqs))
	for i, seq := range seqs {
		out[i] = domain.Handle(domain.ParaPrefix, seq)
	}
	return out, nil
}

// CountFacts counts the owner's facts of a document by state.
func (t *Tenant) CountFacts(ctx context.Context, docID, state string) (int, error) {
	var n int
	err := t.get(ctx, &n, `SELECT count(*) FROM facts WHERE owner_id = ? AND document_id = ? AND state = ?`, t.owner, docID, state)
	return n, err
}

// checkShownText refuses to store text that would be shown otherwise than
// it was judged: every fact text and sentence is stored clean (NFC, no
// controls or invisible characters, no citation markers), so the bytes a
// guard or verifier saw are the bytes a reader sees.
func checkShownText(what, s string) error {
	if s == "" || textnorm.CleanSentence(s) != s {
		return domain.Errorf(domain.Internal, "%s %q is not in clean form (a bug: clean it with textnorm.CleanSentence before storing)", what, s)
	}
	return nil
}
