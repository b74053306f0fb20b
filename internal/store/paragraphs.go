package store

import (
	"context"
	"strings"

	"github.com/opusblocks/opus/internal/domain"
)

const paraColumns = `id, seq, spec, spec_hash, state, current_revision, error, created_at, updated_at`

func withParaHandle(p *domain.Paragraph) { p.Handle = domain.Handle(domain.ParaPrefix, p.Seq) }

// AllowedFact is one entry of a paragraph's allowed set.
type AllowedFact struct {
	FactID  string
	MustUse bool
}

// CreateParagraph stores a paragraph and snapshots its allowed facts.
func (t *Tenant) CreateParagraph(ctx context.Context, p *domain.Paragraph, allowed []AllowedFact) error {
	seq, err := t.nextSeq(ctx, domain.ParaPrefix)
	if err != nil {
		return err
	}
	now := domain.Now()
	p.ID, p.Seq, p.CreatedAt, p.UpdatedAt = NewID(), seq, now, now
	withParaHandle(p)
	if _, err := t.exec(ctx, `INSERT INTO paragraphs (id, owner_id, seq, spec, spec_hash, state, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		p.ID, t.owner, p.Seq, p.Spec, p.SpecHash, p.State, now, now); err != nil {
		return err
	}
	for i, a := range allowed {
		mu := 0
		if a.MustUse {
			mu = 1
		}
		if _, err := t.exec(ctx, `INSERT INTO paragraph_allowed_facts (owner_id, paragraph_id, fact_id, must_use, ordinal) VALUES (?, ?, ?, ?, ?)`,
			t.owner, p.ID, a.FactID, mu, i); err != nil {
			return err
		}
	}
	return nil
}

// Paragraph resolves a paragraph handle number.
func (t *Tenant) Paragraph(ctx context.Context, seq int64) (*domain.Paragraph, error) {
	var p domain.Paragraph
	if err := t.get(ctx, &p, `SELECT `+paraColumns+` FROM paragraphs WHERE owner_id = ? AND seq = ?`, t.owner, seq); err != nil {
		return nil, notFound(err, domain.ParaPrefix, seq)
	}
	withParaHandle(&p)
	return &p, nil
}

// ParagraphByID loads a paragraph by internal id.
func (t *Tenant) ParagraphByID(ctx context.Context, id string) (*domain.Paragraph, error) {
	var p domain.Paragraph
	err := t.get(ctx, &p, `SELECT `+paraColumns+` FROM paragraphs WHERE owner_id = ? AND id = ?`, t.owner, id)
	if isNoRows(err) {
		return nil, domain.Errorf(domain.NotFound, "paragraph not found")
	}
	if err != nil {
		return nil, err
	}
	withParaHandle(&p)
	return &p, nil
}

// ParagraphBySpecHash returns the owner's newest paragraph written from a
// spec with that hash, or a NotFound error.
func (t *Tenant) ParagraphBySpecHash(ctx context.Context, hash string) (*domain.Paragraph, error) {
	var p domain.Paragraph
	err := t.get(ctx, &p, `SELECT `+paraColumns+` FROM paragraphs WHERE owner_id = ? AND spec_hash = ? ORDER BY seq DESC LIMIT 1`, t.owner, hash)
	if isNoRows(err) {
		return nil, domain.Errorf(domain.NotFound, "no paragraph has that spec")
	}
	if err != nil {
		return nil, err
	}
	withParaHandle(&p)
	return &p, nil
}

// DeleteParagraph removes a paragraph with its revisions, sentences, links
// and allowed facts. Its jobs and model runs stay on the record.
func (t *Tenant) DeleteParagraph(ctx context.Context, paraID string) error {
	// The links first: they reference both sentences and allowed facts,
	// and Postgres may cascade to the allowed facts before the sentences.
	if _, err := t.exec(ctx, `DELETE FROM sentence_fact_links WHERE paragraph_id IN (SELECT id FROM paragraphs WHERE owner_id = ? AND id = ?)`, t.owner, paraID); err != nil {
		return err
	}
	_, err := t.exec(ctx, `DELETE FROM paragraphs WHERE owner_id = ? AND id = ?`, t.owner, paraID)
	return err
}

// ParagraphsPage is a page of the owner's paragraphs, oldest first.
func (t *Tenant) ParagraphsPage(ctx context.Context, p Page) ([]domain.Paragraph, error) {
	var out []domain.Paragraph
	where, args := p.clause("seq", false)
	if err := t.selectAll(ctx, &out, `SELECT `+paraColumns+` FROM paragraphs WHERE owner_id = ?`+where, append([]any{t.owner}, args...)...); err != nil {
		return nil, err
	}
	for i := range out {
		withParaHandle(&out[i])
	}
	return out, nil
}

// SetParagraphState records a paragraph's state (and error text for
// failures). It cannot mark a paragraph verified: only SettleParagraph
// can, after checking the stored sentences and their facts.
func (t *Tenant) SetParagraphState(ctx context.Context, paraID, state string, errText *string) error {
	if state == domain.ParaVerified {
		return domain.Errorf(domain.Internal, "a paragraph becomes verified only through SettleParagraph")
	}
	_, err := t.exec(ctx, `UPDATE paragraphs SET state = ?, error = ?, updated_at = ? WHERE owner_id = ? AND id = ?`,
		state, errText, domain.Now(), t.owner, paraID)
	return err
}

// AllowedFacts returns a paragraph's allowed facts in spec order, with the
// must-use ones flagged.
func (t *Tenant) AllowedFacts(ctx context.Context, paraID string) ([]domain.Fact, map[string]bool, error) {
	type row struct {
		domain.Fact
		MustUse int `db:"must_use"`
	}
	var rows []row
	err := t.selectAll(ctx, &rows, `SELECT f.id, f.seq, f.origin, f.document_id, d.seq AS doc_seq, f.page, f.quote, f.text, f.kind,
		f.source_note, f.state, f.run_id, f.created_at, f.retracted_at, a.must_use
		FROM paragraph_allowed_facts a JOIN facts f ON f.id = a.fact_id LEFT JOIN documents d ON d.id = f.document_id
		WHERE a.owner_id = ? AND f.owner_id = ? AND a.paragraph_id = ? ORDER BY a.ordinal`, t.owner, t.owner, paraID)
	if err != nil {
		return nil, nil, err
	}
	facts := make([]domain.Fact, len(rows))
	must := map[string]bool{}
	for i, r := range rows {
		facts[i] = r.Fact
		withFactHandles(&facts[i])
		if r.MustUse == 1 {
			must[r.ID] = true
		}
	}
	return facts, must, nil
}

// NewSentence is a sentence to store in a revision, with its verdict.
type NewSentence struct {
	Text          string
	FactIDs       []string // internal fact ids, each in the paragraph's allowed set
	Verdict       string
	Reason        string
	ReasonCode    string // see domain.Sentence.ReasonCode
	VerifierRunID *string
}

// AddRevision stores revision n+1 of a paragraph with its sentences and links
// and makes it current. A link to a fact outside the allowed set fails on the
// composite foreign key, whatever the caller checked before.
func (t *Tenant) AddRevision(ctx context.Context, paraID, origin string, runID *string, sentences []NewSentence) (int, error) {
	// Owner check first: the revision tables carry no owner_id of their own.
	if _, err := t.ParagraphByID(ctx, paraID); err != nil {
		return 0, err
	}
	var n int
	if err := t.get(ctx, &n, `SELECT coalesce(max(n), 0) + 1 FROM revisions WHERE paragraph_id = ?`, paraID); err != nil {
		return 0, err
	}
	revID := NewID()
	if _, err := t.exec(ctx, `INSERT INTO revisions (id, paragraph_id, n, origin, run_id, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		revID, paraID, n, origin, runID, domain.Now()); err != nil {
		return 0, err
	}
	for _, s := range sentences {
		if err := checkShownText("sentence", s.Text); err != nil {
			return 0, err
		}
	}
	for i, s := range sentences {
		sid := NewID()
		if _, err := t.exec(ctx, `INSERT INTO sentences (id, revision_id, paragraph_id, ordinal, text, verdict, reason, reason_code, verifier_run_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			sid, revID, paraID, i, s.Text, s.Verdict, nullable(s.Reason), nullable(s.ReasonCode), s.VerifierRunID); err != nil {
			return 0, err
		}
		for _, fid := range s.FactIDs {
			if _, err := t.exec(ctx, `INSERT INTO sentence_fact_links (sentence_id, paragraph_id, fact_id) VALUES (?, ?, ?)`, sid, paraID, fid); err != nil {
				return 0, err
			}
		}
	}
	if _, err := t.exec(ctx, `UPDATE paragraphs SET current_revision = ?, updated_at = ? WHERE owner_id = ? AND id = ?`, n, domain.Now(), t.owner, paraID); err != nil {
		return 0, err
	}
	return n, nil
}

// Revisions returns every revision of a paragraph, oldest first, with
// sentences, their fact handles and verifier run handles.
func (t *Tenant) Revisions(ctx context.Context, paraID string) ([]domain.Revision, error) {
	var revs []domain.Revision
	if err := t.selectAll(ctx, &revs, `SELECT r.id, r.paragraph_id, r.n, r.origin, r.run_id, r.created_at FROM revisions r
		JOIN paragraphs p ON p.id = r.paragraph_id WHERE p.owner_id = ? AND p.id = ? ORDER BY r.n`, t.owner, paraID); err != nil {
		return nil, err
	}
	var sents []domain.Sentence
	if err := t.selectAll(ctx, &sents, `SELECT s.id, s.revision_id, s.ordinal, s.text, s.verdict, s.reason, s.reason_code, s.verifier_run_id FROM sentences s
		JOIN paragraphs p ON p.id = s.paragraph_id WHERE p.owner_id = ? AND p.id = ? ORDER BY s.ordinal`, t.owner, paraID); err != nil {
		return nil, err
	}
	type link struct {
		SentenceID string `db:"sentence_id"`
		Seq        int64  `db:"seq"`
	}
	var links []link
	if err := t.selectAll(ctx, &links, `SELECT l.sentence_id, f.seq FROM sentence_fact_links l JOIN facts f ON f.id = l.fact_id
		WHERE f.owner_id = ? AND l.paragraph_id = ? ORDER BY f.seq`, t.owner, paraID); err != nil {
		return nil, err
	}
	factsOf := map[string][]string{}
	for _, l := range links {
		factsOf[l.SentenceID] = append(factsOf[l.SentenceID], domain.Handle(domain.FactPrefix, l.Seq))
	}
	var runIDs []string
	for _, s := range sents {
		if s.VerifierRunID != nil {
			runIDs = append(runIDs, *s.VerifierRunID)
		}
	}
	for _, r := range revs {
		if r.RunID != nil {
			runIDs = append(runIDs, *r.RunID)
		}
	}
	runSeq, err := t.runHandles(ctx, runIDs)
	if err != nil {
		return nil, err
	}
	byRev := map[string][]domain.Sentence{}
	for _, s := range sents {
		s.Facts = factsOf[s.ID]
		if s.Facts == nil {
			s.Facts = []string{}
		}
		if s.VerifierRunID != nil {
			s.VerifierRun = runSeq[*s.VerifierRunID]
		}
		byRev[s.RevisionID] = append(byRev[s.RevisionID], s)
	}
	for i := range revs {
		revs[i].Sentences = byRev[revs[i].ID]
		if revs[i].RunID != nil {
			revs[i].RunHandle = runSeq[*revs[i].RunID]
		}
	}
	return revs, nil
}

// Verdict is the outcome for one sentence of a revision.
type Verdict struct {
	Ordinal       int
	Verdict       string
	Reason        string
	ReasonCode    string
	VerifierRunID *string
}

// SetVerdicts records verdicts on the sentences of revision n of a paragraph.
// Setting the same verdicts twice changes nothing, so a replay is harmless.
func (t *Tenant) SetVerdicts(ctx context.Context, paraID string, n int, vs []Verdict) error {
	if _, err := t.ParagraphByID(ctx, paraID); err != nil {
		return err
	}
	for _, v := range vs {
		if _, err := t.exec(ctx, `UPDATE sentences SET verdict = ?, reason = ?, reason_code = ?, verifier_run_id = ?
			WHERE paragraph_id = ? AND ordinal = ? AND revision_id = (SELECT id FROM revisions WHERE paragraph_id = ? AND n = ?)`,
			v.Verdict, nullable(v.Reason), nullable(v.ReasonCode), v.VerifierRunID, paraID, v.Ordinal, paraID, n); err != nil {
			return err
		}
	}
	return nil
}

// SettleParagraph decides, in the transaction that records it, the state a
// paragraph ends in once its current revision has verdicts, from what the
// database holds rather than from what the caller believes:
//
//   - stale, when a sentence links a fact that is retracted by now;
//   - verified, when the revision has sentences and every one is supported
//     and links at least one fact (contract §1, §4);
//   - rejected otherwise.
//
// The linked facts are read with a share lock on Postgres, so a concurrent
// retraction either commits first and is seen here, or waits for this
// transaction and then finds the verified paragraph to make stale
// (RetractFact). SQLite transactions are serialised already.
func (t *Tenant) SettleParagraph(ctx context.Context, paraID string) (string, error) {
	p, err := t.ParagraphByID(ctx, paraID)
	if err != nil {
		return "", err
	}
	if p.CurrentRevision == nil {
		return "", domain.Errorf(domain.Internal, "%s has no revision to settle", p.Handle)
	}
	lock := ""
	if t.d == Postgres {
		lock = " FOR SHARE"
	}
	// Every linked fact is locked, not only retracted ones: a row the
	// filter skipped would not be waited for.
	var linked []struct {
		Seq   int64  `db:"seq"`
		State string `db:"state"`
	}
	if err := t.selectAll(ctx, &linked, `SELECT f.seq, f.state FROM facts f WHERE f.owner_id = ? AND f.id IN (
		SELECT l.fact_id FROM sentence_fact_links l JOIN sentences s ON s.id = l.sentence_id
		JOIN revisions r ON r.id = s.revision_id WHERE r.paragraph_id = ? AND r.n = ?)
		ORDER BY f.seq`+lock, t.owner, paraID, *p.CurrentRevision); err != nil {
		return "", err
	}
	var retracted []string
	for _, f := range linked {
		if f.State != domain.FactActive {
			retracted = append(retracted, domain.Handle(domain.FactPrefix, f.Seq))
		}
	}
	if len(retracted) > 0 {
		return domain.ParaStale, t.SetParagraphState(ctx, paraID, domain.ParaStale, staleReason(retracted))
	}
	revs, err := t.Revisions(ctx, paraID)
	if err != nil {
		return "", err
	}
	state := domain.ParaRejected
	for i := range revs {
		if revs[i].N == *p.CurrentRevision && revs[i].Supported() {
			state = domain.ParaVerified
		}
	}
	_, err = t.exec(ctx, `UPDATE paragraphs SET state = ?, error = NULL, updated_at = ? WHERE owner_id = ? AND id = ?`,
		state, domain.Now(), t.owner, paraID)
	return state, err
}

// staleReason is the error text of a paragraph made stale by retractions.
func staleReason(handles []string) *string {
	s := "cites retracted fact " + strings.Join(handles, ", ")
	return &s
}

// nullable stores "" as NULL.
func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
