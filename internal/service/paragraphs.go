package service

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/opusblocks/opus/internal/agents"
	"github.com/opusblocks/opus/internal/contract"
	"github.com/opusblocks/opus/internal/domain"
	"github.com/opusblocks/opus/internal/jobs"
	"github.com/opusblocks/opus/internal/spec"
	"github.com/opusblocks/opus/internal/store"
	"github.com/opusblocks/opus/internal/textnorm"
)

// GenerateParagraph validates a spec, snapshots its allowed facts and queues
// generation. An invalid spec creates nothing.
func (s *Service) GenerateParagraph(ctx context.Context, a Actor, specData []byte, opt JobOptions) (*domain.Paragraph, *domain.Job, error) {
	sp, err := spec.Parse(specData)
	if err != nil {
		return nil, nil, domain.Wrap(err, domain.Invalid, "%s", err.Error())
	}
	var p *domain.Paragraph
	var job *domain.Job
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		tn := tx.Tenant(a.OwnerID)
		if opt.IdempotencyKey != "" {
			if prev, err := tn.JobByKey(ctx, opt.IdempotencyKey); err == nil {
				job = prev
				p, err = tn.ParagraphByID(ctx, prev.TargetID)
				return err
			}
		}
		must := map[string]bool{}
		for _, h := range sp.MustUse {
			must[strings.ToUpper(h)] = true
		}
		var allowed []store.AllowedFact
		for i, h := range sp.Facts {
			seq, err := domain.ParseHandle(domain.FactPrefix, h)
			if err != nil {
				return domain.Errorf(domain.Invalid, "invalid spec: /facts/%d: %s", i, domain.ErrorMessage(err))
			}
			f, err := tn.Fact(ctx, seq)
			if err != nil {
				return domain.Errorf(domain.Invalid, "invalid spec: /facts/%d: fact %s does not exist (see 'opus facts list')", i, h)
			}
			if f.State != domain.FactActive {
				return domain.Errorf(domain.Invalid, "invalid spec: /facts/%d: fact %s is retracted; remove it from the spec", i, h)
			}
			allowed = append(allowed, store.AllowedFact{FactID: f.ID, MustUse: must[f.Handle]})
		}
		p = &domain.Paragraph{Spec: string(sp.Canonical()), SpecHash: sp.Hash(), State: domain.ParaQueued}
		if err := tn.CreateParagraph(ctx, p, allowed); err != nil {
			return err
		}
		job, err = s.engine.Enqueue(ctx, tx, a.OwnerID, &domain.Job{Kind: domain.KindGenerateParagraph, TargetID: p.ID, IdempotencyKey: opt.key(), TraceID: a.TraceID})
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	return p, job, nil
}

// writerInput builds the writer's whole input from the spec and the allowed
// facts, and from nothing else (contract §2): no other facts, no document
// text, no other paragraphs.
func writerInput(sp *spec.Spec, allowed []domain.Fact, must map[string]bool) contract.WriterInput {
	in := contract.WriterInput{Section: sp.Section, Title: sp.Title, Intent: sp.Intent}
	if sp.Style != nil {
		st := contract.Style(*sp.Style)
		in.Style = &st
	}
	in.Length = contract.Length{MinSentences: spec.DefaultMinSentences, MaxSentences: spec.DefaultMaxSentences}
	if sp.Length != nil {
		in.Length = contract.Length(*sp.Length)
	}
	for _, f := range allowed {
		in.Facts = append(in.Facts, agents.FactForContract(f))
		if must[f.ID] {
			in.MustUse = append(in.MustUse, f.Handle)
		}
	}
	return in
}

func loadSpec(p *domain.Paragraph) (*spec.Spec, error) {
	sp, err := spec.Parse([]byte(p.Spec))
	if err != nil {
		return nil, jobs.Permanent(fmt.Errorf("stored spec of %s no longer parses: %w", p.Handle, err))
	}
	return sp, nil
}

type generateHandler struct{ s *Service }

func (h generateHandler) Handle(ctx context.Context, r *jobs.Run) error {
	tn := r.Tenant()
	p, err := tn.ParagraphByID(ctx, r.Job.TargetID)
	if err != nil {
		return jobs.Permanent(err)
	}
	sp, err := loadSpec(p)
	if err != nil {
		return err
	}
	allowed, must, err := tn.AllowedFacts(ctx, p.ID)
	if err != nil {
		return err
	}
	active, err := activeFacts(allowed, must)
	if err != nil {
		return jobs.Permanent(err)
	}
	if err := tn.SetParagraphState(ctx, p.ID, domain.ParaGenerating, nil); err != nil {
		return err
	}
	drafts, err := h.s.agents(r).Generate(ctx, writerInput(sp, active, must), h.s.cfg.RepairRounds)
	if err != nil {
		return jobError(err)
	}
	ids := handleToID(active)
	return r.Complete(ctx, func(tx *store.Tx) error {
		ttn := tx.Tenant(r.OwnerID)
		for _, d := range drafts {
			runID := d.RunID
			if _, err := ttn.AddRevision(ctx, p.ID, d.Origin, &runID, newSentences(d.Sentences, ids)); err != nil {
				return err
			}
		}
		_, err := ttn.SettleParagraph(ctx, p.ID)
		return err
	})
}

func (h generateHandler) Failed(ctx context.Context, tn *store.Tenant, job *domain.Job, reason string) error {
	return tn.SetParagraphState(ctx, job.TargetID, domain.ParaFailed, &reason)
}

func (h generateHandler) Retrying(ctx context.Context, tn *store.Tenant, job *domain.Job) error {
	return tn.SetParagraphState(ctx, job.TargetID, domain.ParaQueued, nil)
}

// activeFacts is the part of an allowed set the writer may still use: a fact
// retracted since the spec was accepted is left out, and a retracted
// must-use fact makes the spec impossible to meet.
func activeFacts(allowed []domain.Fact, must map[string]bool) ([]domain.Fact, error) {
	var out []domain.Fact
	for _, f := range allowed {
		switch {
		case f.State == domain.FactActive:
			out = append(out, f)
		case must[f.ID]:
			return nil, domain.Errorf(domain.Invalid, "must-use fact %s has been retracted; generate the paragraph again from a spec without it", f.Handle)
		}
	}
	if len(out) == 0 {
		return nil, domain.Errorf(domain.Invalid, "every allowed fact has been retracted; nothing to write from")
	}
	return out, nil
}

func handleToID(allowed []domain.Fact) map[string]string {
	m := map[string]string{}
	for _, f := range allowed {
		m[f.Handle] = f.ID
	}
	return m
}

func newSentences(cs []agents.Checked, ids map[string]string) []store.NewSentence {
	out := make([]store.NewSentence, len(cs))
	for i, c := range cs {
		ns := store.NewSentence{Text: c.Text, Verdict: domain.VerdictUnsupported, Reason: c.Reason, ReasonCode: c.Code}
		if c.Supported {
			ns.Verdict = domain.VerdictSupported
		}
		if c.VerifierRunID != "" {
			id := c.VerifierRunID
			ns.VerifierRunID = &id
		}
		for _, h := range c.FactIDs {
			ns.FactIDs = append(ns.FactIDs, ids[h])
		}
		out[i] = ns
	}
	return out
}

type verifyHandler struct{ s *Service }

func (h verifyHandler) Handle(ctx context.Context, r *jobs.Run) error {
	tn := r.Tenant()
	p, err := tn.ParagraphByID(ctx, r.Job.TargetID)
	if err != nil {
		return jobs.Permanent(err)
	}
	allowed, _, err := tn.AllowedFacts(ctx, p.ID)
	if err != nil {
		return err
	}
	rev, err := currentRevision(ctx, tn, p)
	if err != nil {
		return jobs.Permanent(err)
	}
	facts := map[string]contract.Fact{}
	retracted := false
	for _, f := range allowed {
		facts[f.Handle] = agents.FactForContract(f)
		for _, s := range rev.Sentences {
			retracted = retracted || (f.State != domain.FactActive && slices.Contains(s.Facts, f.Handle))
		}
	}
	settle := func(tx *store.Tx) error {
		_, err := tx.Tenant(r.OwnerID).SettleParagraph(ctx, p.ID)
		return err
	}
	if retracted {
		// Stale whatever a verifier would say: no call is worth making.
		return r.Complete(ctx, settle)
	}
	var sents []contract.Sentence
	for _, s := range rev.Sentences {
		sents = append(sents, contract.Sentence{Text: s.Text, FactIDs: s.Facts})
	}
	checked, err := h.s.agents(r).Verify(ctx, sents, facts)
	if err != nil {
		return jobError(err)
	}
	return r.Complete(ctx, func(tx *store.Tx) error {
		ttn := tx.Tenant(r.OwnerID)
		var vs []store.Verdict
		for i, c := range checked {
			v := store.Verdict{Ordinal: i, Verdict: domain.VerdictUnsupported, Reason: c.Reason, ReasonCode: c.Code}
			if c.Supported {
				v.Verdict = domain.VerdictSupported
			}
			if c.VerifierRunID != "" {
				id := c.VerifierRunID
				v.VerifierRunID = &id
			}
			vs = append(vs, v)
		}
		if err := ttn.SetVerdicts(ctx, p.ID, rev.N, vs); err != nil {
			return err
		}
		return settle(tx)
	})
}

func (h verifyHandler) Failed(ctx context.Context, tn *store.Tenant, job *domain.Job, reason string) error {
	return tn.SetParagraphState(ctx, job.TargetID, domain.ParaFailed, &reason)
}

func (h verifyHandler) Retrying(ctx context.Context, tn *store.Tenant, job *domain.Job) error {
	return tn.SetParagraphState(ctx, job.TargetID, domain.ParaVerifying, nil)
}

func currentRevision(ctx context.Context, tn *store.Tenant, p *domain.Paragraph) (*domain.Revision, error) {
	revs, err := tn.Revisions(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	return current(p, revs)
}

// current picks the paragraph's current revision out of all of them.
func current(p *domain.Paragraph, revs []domain.Revision) (*domain.Revision, error) {
	if p.CurrentRevision == nil || len(revs) == 0 {
		return nil, domain.Errorf(domain.Conflict, "%s has no text yet (state %s)", p.Handle, p.State)
	}
	for i := range revs {
		if revs[i].N == *p.CurrentRevision {
			return &revs[i], nil
		}
	}
	return nil, domain.Errorf(domain.Internal, "%s: current revision %d missing", p.Handle, *p.CurrentRevision)
}

func (s *Service) resolvePara(ctx context.Context, tn *store.Tenant, handle string) (*domain.Paragraph, error) {
	seq, err := domain.ParseHandle(domain.ParaPrefix, handle)
	if err != nil {
		return nil, err
	}
	return tn.Paragraph(ctx, seq)
}

// RemoveParagraph deletes a paragraph and its revisions. One being written
// or verified is refused: its job would write into a paragraph that is
// gone. The jobs and model runs that made it stay on the record.
func (s *Service) RemoveParagraph(ctx context.Context, a Actor, handle string) (*domain.Paragraph, error) {
	var p *domain.Paragraph
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		tn := tx.Tenant(a.OwnerID)
		var err error
		if p, err = s.resolvePara(ctx, tn, handle); err != nil {
			return err
		}
		switch p.State {
		case domain.ParaQueued, domain.ParaGenerating, domain.ParaVerifying:
			return domain.Errorf(domain.Conflict, "%s is %s; cancel its job first (opus jobs list)", p.Handle, p.State)
		}
		return tn.DeleteParagraph(ctx, p.ID)
	})
	return p, err
}

// ParagraphSummary is one line of the owner's paragraphs: what it is for
// and its state, never its text.
type ParagraphSummary struct {
	domain.Paragraph
	Section string `json:"section"`
	Title   string `json:"title,omitempty"`
}

// Paragraphs lists the owner's paragraphs (states only, never text).
func (s *Service) Paragraphs(ctx context.Context, a Actor) ([]ParagraphSummary, error) {
	return s.ParagraphsPage(ctx, a, "", 0)
}

// ParagraphsPage lists the owner's paragraphs in handle order, after the
// paragraph handle after when it is set, at most limit (all when 0).
func (s *Service) ParagraphsPage(ctx context.Context, a Actor, after string, limit int) ([]ParagraphSummary, error) {
	p, err := page(domain.ParaPrefix, after, limit)
	if err != nil {
		return nil, err
	}
	ps, err := s.db.Tenant(a.OwnerID).ParagraphsPage(ctx, p)
	if err != nil {
		return nil, err
	}
	out := make([]ParagraphSummary, len(ps))
	for i, p := range ps {
		out[i].Paragraph = p
		if sp, err := spec.Parse([]byte(p.Spec)); err == nil {
			out[i].Section, out[i].Title = sp.Section, sp.Title
		}
	}
	return out, nil
}

// ParagraphView is what callers may see of a paragraph.
type ParagraphView struct {
	ID       string `json:"id"`
	State    string `json:"state"`
	Revision int    `json:"revision,omitempty"`
	Section  string `json:"section"`
	Error    string `json:"error,omitempty"`
	// Text and Sentences are set only when the paragraph is verified, or
	// marked as unverified in a diagnostics view.
	Text        string            `json:"text,omitempty"`
	Sentences   []domain.Sentence `json:"sentences,omitempty"`
	Diagnostics bool              `json:"diagnostics,omitempty"`
	// Latest is the newest revision when an earlier, verified one is
	// shown (Revision); Note says why.
	Latest int    `json:"latest_revision,omitempty"`
	Note   string `json:"note,omitempty"`
	// Reasons say why an unverified paragraph is not shown.
	Reasons []string `json:"reasons,omitempty"`
}

// Displayable is the verify-before-display rule (contract §1): a paragraph's
// text may leave the system only when it is verified and every sentence of
// its current revision is supported, linked and stored in the form it was
// judged in. An earlier revision may be shown when it passes the same test
// and cites only active facts (verifiedRevision). Every path that shows a
// paragraph's text asks showable, which combines the two (ShowParagraph,
// ShowRevision, DiffRevisions, TraceParagraph); writer and verifier bodies
// of runs are withheld without diagnostics (redactRun).
func Displayable(p *domain.Paragraph, rev *domain.Revision) bool {
	return p.State == domain.ParaVerified && judgedAsStored(rev)
}

// judgedAsStored: every sentence of rev is supported and linked, and
// stored in the clean form it was judged in.
func judgedAsStored(rev *domain.Revision) bool {
	if !rev.Supported() {
		return false
	}
	for _, s := range rev.Sentences {
		if textnorm.Clean(s.Text) != s.Text {
			return false
		}
	}
	return true
}

// ShowParagraph returns a paragraph's text if it is displayable; otherwise
// the state and reasons, and a NotVerified error (unless diagnostics, where
// unverified sentences are returned marked as such).
func (s *Service) ShowParagraph(ctx context.Context, a Actor, handle string, diagnostics bool) (*ParagraphView, error) {
	return s.ShowRevision(ctx, a, handle, 0, diagnostics)
}

// paragraphRecord reads a paragraph with all its revisions and allowed facts.
func (s *Service) paragraphRecord(ctx context.Context, a Actor, handle string) (*domain.Paragraph, []domain.Revision, []domain.Fact, error) {
	tn := s.db.Tenant(a.OwnerID)
	p, err := s.resolvePara(ctx, tn, handle)
	if err != nil {
		return nil, nil, nil, err
	}
	revs, err := tn.Revisions(ctx, p.ID)
	if err != nil {
		return nil, nil, nil, err
	}
	allowed, _, err := tn.AllowedFacts(ctx, p.ID)
	if err != nil {
		return nil, nil, nil, err
	}
	return p, revs, allowed, nil
}

// ShowRevision is ShowParagraph for one revision n (0: the one to show).
// An earlier revision is shown only if it was verified and its facts are
// all still active.
func (s *Service) ShowRevision(ctx context.Context, a Actor, handle string, n int, diagnostics bool) (*ParagraphView, error) {
	p, revs, allowed, err := s.paragraphRecord(ctx, a, handle)
	if err != nil {
		return nil, err
	}
	active := activeHandles(allowed)
	var v *ParagraphView
	if n == 0 {
		v, err = paragraphView(p, revs, active, diagnostics)
	} else {
		v, err = revisionView(p, revs, n, active, diagnostics)
	}
	if v != nil && len(v.Sentences) > 0 {
		markVerbatim(v.Sentences, allowed, s.cfg.VerbatimWords)
		markRetracted(v.Sentences, active)
	}
	return v, err
}

// RevisionSummary is one line of a paragraph's history.
type RevisionSummary struct {
	N         int         `json:"n"`
	Origin    string      `json:"origin"`
	Run       string      `json:"run,omitempty"`
	CreatedAt domain.Time `json:"created_at"`
	Sentences int         `json:"sentences"`
	Supported int         `json:"supported"`
	// Verified: this revision may be shown (ShowRevision).
	Verified bool `json:"verified"`
	Current  bool `json:"current"`
}

// History lists a paragraph's revisions, oldest first, without their text.
func (s *Service) History(ctx context.Context, a Actor, handle string) ([]RevisionSummary, error) {
	p, revs, allowed, err := s.paragraphRecord(ctx, a, handle)
	if err != nil {
		return nil, err
	}
	active := activeHandles(allowed)
	out := []RevisionSummary{}
	for i := range revs {
		r := &revs[i]
		current := p.CurrentRevision != nil && r.N == *p.CurrentRevision
		sum := RevisionSummary{N: r.N, Origin: r.Origin, Run: r.RunHandle, CreatedAt: r.CreatedAt, Sentences: len(r.Sentences), Current: current,
			Verified: showable(p, r, active)}
		for _, st := range r.Sentences {
			if st.Verdict == domain.VerdictSupported {
				sum.Supported++
			}
		}
		out = append(out, sum)
	}
	return out, nil
}

// activeHandles are the handles of the active facts among fs.
func activeHandles(fs []domain.Fact) map[string]bool {
	out := make(map[string]bool, len(fs))
	for _, f := range fs {
		if f.State == domain.FactActive {
			out[f.Handle] = true
		}
	}
	return out
}

// lastVerified is what a paragraph that is not verified now still has to
// show: its newest earlier revision that was verified (every sentence
// supported, linked and clean, as Displayable asks) and whose facts are all
// still active. A rejected or unfinished edit, or a retraction that made
// the current revision stale, does not hide it.
func lastVerified(p *domain.Paragraph, revs []domain.Revision, active map[string]bool) *domain.Revision {
	var best *domain.Revision
	for i := range revs {
		r := &revs[i]
		if p.CurrentRevision != nil && r.N >= *p.CurrentRevision {
			continue
		}
		if best != nil && r.N < best.N {
			continue
		}
		if showable(p, r, active) {
			best = r
		}
	}
	return best
}

// verifiedRevision is Displayable for a revision that is not the current
// one: judged as stored, and citing only facts that are still active (the
// paragraph's state speaks for its current revision only).
func verifiedRevision(r *domain.Revision, active map[string]bool) bool {
	if !judgedAsStored(r) {
		return false
	}
	for _, s := range r.Sentences {
		for _, h := range s.Facts {
			if !active[h] {
				return false
			}
		}
	}
	return true
}

// showable is whether revision r's text may be shown: the current
// revision when the paragraph is Displayable, an earlier one when it is a
// verifiedRevision.
func showable(p *domain.Paragraph, r *domain.Revision, active map[string]bool) bool {
	if p.CurrentRevision != nil && r.N == *p.CurrentRevision {
		return Displayable(p, r) && verifiedRevision(r, active)
	}
	return verifiedRevision(r, active)
}

// revisionView shows revision n when it is the displayable current one or
// an earlier verified one; any other is withheld as ShowParagraph withholds.
func revisionView(p *domain.Paragraph, revs []domain.Revision, n int, active map[string]bool, diagnostics bool) (*ParagraphView, error) {
	var rev *domain.Revision
	for i := range revs {
		if revs[i].N == n {
			rev = &revs[i]
		}
	}
	if rev == nil {
		return nil, domain.Errorf(domain.NotFound, "%s has no revision %d (see 'opus para history %s')", p.Handle, n, p.Handle)
	}
	isCurrent := p.CurrentRevision != nil && n == *p.CurrentRevision
	if isCurrent && showable(p, rev, active) {
		return paragraphView(p, revs, active, diagnostics)
	}
	v := &ParagraphView{ID: p.Handle, State: p.State, Revision: n}
	if sp, err := spec.Parse([]byte(p.Spec)); err == nil {
		v.Section = sp.Section
	}
	if p.CurrentRevision != nil && !isCurrent {
		v.Latest = *p.CurrentRevision
	}
	if !isCurrent && showable(p, rev, active) {
		v.Sentences, v.Text = rev.Sentences, RenderParagraph(rev.Sentences)
		v.Note = fmt.Sprintf("revision %d of %s, verified; the latest is revision %d", n, p.Handle, v.Latest)
		return v, nil
	}
	v.Reasons = reasons(p, rev, diagnostics)
	if rev.Supported() && !verifiedRevision(rev, active) {
		v.Reasons = append(v.Reasons, "it cites a retracted fact")
	}
	if diagnostics {
		v.Diagnostics, v.Sentences = true, rev.Sentences
		return v, nil
	}
	return v, domain.Errorf(domain.NotVerified, "revision %d of %s is not verified: its text is not shown (%s); see 'opus para show %s --revision %d --diagnostics'",
		n, p.Handle, strings.Join(v.Reasons, "; "), p.Handle, n)
}

// paragraphView applies showable to a paragraph and its revisions:
// the current revision when it is verified, else the last verified one
// (lastVerified) with a note, else nothing but the reasons. active holds
// the handles of the paragraph's active facts.
func paragraphView(p *domain.Paragraph, revs []domain.Revision, active map[string]bool, diagnostics bool) (*ParagraphView, error) {
	v := &ParagraphView{ID: p.Handle, State: p.State}
	if sp, err := spec.Parse([]byte(p.Spec)); err == nil {
		v.Section = sp.Section
	}
	if p.Error != nil {
		v.Error = *p.Error
	}
	var rev *domain.Revision
	if p.CurrentRevision != nil {
		v.Revision = *p.CurrentRevision
		var err error
		if rev, err = current(p, revs); err != nil {
			return nil, err
		}
	}
	if rev != nil && showable(p, rev, active) {
		v.Sentences = rev.Sentences
		v.Text = RenderParagraph(rev.Sentences)
		return v, nil
	}
	v.Reasons = reasons(p, rev, diagnostics)
	if diagnostics && rev != nil {
		v.Diagnostics = true
		v.Sentences = rev.Sentences
		return v, nil
	}
	if last := lastVerified(p, revs, active); last != nil {
		v.Latest, v.Revision = v.Revision, last.N
		v.Sentences, v.Text = last.Sentences, RenderParagraph(last.Sentences)
		v.Note = fmt.Sprintf("showing revision %d, the last verified; the latest, revision %d, is %s (%s); 'opus para show %s --diagnostics' shows it",
			last.N, v.Latest, p.State, strings.Join(v.Reasons, "; "), p.Handle)
		return v, nil
	}
	return v, domain.Errorf(domain.NotVerified, "%s is %s, not verified: its text is not shown (%s); see 'opus para show %s --diagnostics'",
		p.Handle, p.State, strings.Join(v.Reasons, "; "), p.Handle)
}

// markRetracted records on each sentence the facts it cites that are no
// longer active.
func markRetracted(ss []domain.Sentence, active map[string]bool) {
	for i := range ss {
		ss[i].Retracted = nil
		for _, h := range ss[i].Facts {
			if !active[h] {
				ss[i].Retracted = append(ss[i].Retracted, h)
			}
		}
	}
}

// RenderSentence is a sentence as it is shown: its stored text with the
// markers of its stored links, before its final stop ("… by 39% [F3]."). The
// markers shown are always exactly the links; markers a writer typed were
// removed before verification (textnorm.CleanSentence), and any in text stored
// by an older opus are removed here.
func RenderSentence(s domain.Sentence) string {
	text := textnorm.StripMarkers(s.Text)
	if len(s.Facts) == 0 {
		return text
	}
	marker := " [" + strings.Join(s.Facts, ", ") + "]"
	if n := len(text); n > 0 && strings.ContainsRune(".!?", rune(text[n-1])) {
		return text[:n-1] + marker + text[n-1:]
	}
	return text + marker
}

// RenderParagraph joins the rendered sentences of a revision.
func RenderParagraph(ss []domain.Sentence) string {
	parts := make([]string, len(ss))
	for i, s := range ss {
		parts[i] = RenderSentence(s)
	}
	return strings.Join(parts, " ")
}

// reasons says why a paragraph is not shown. Outside diagnostics a sentence
// is named by its number and the category of its verdict only: a reason's
// words may quote the withheld sentence or come from a model.
func reasons(p *domain.Paragraph, rev *domain.Revision, diagnostics bool) []string {
	var out []string
	if p.Error != nil {
		out = append(out, *p.Error)
	}
	if rev != nil {
		for _, s := range rev.Sentences {
			if s.Verdict == domain.VerdictSupported {
				continue
			}
			r := s.Verdict
			switch {
			case diagnostics && s.Reason != nil:
				r = *s.Reason
			case s.ReasonCode != nil:
				r = *s.ReasonCode
			}
			out = append(out, fmt.Sprintf("sentence %d: %s", s.Ordinal+1, r))
		}
	}
	if len(out) == 0 {
		switch p.State {
		case domain.ParaQueued, domain.ParaGenerating, domain.ParaVerifying:
			out = append(out, "still being written; wait with 'opus jobs wait'")
		default:
			out = append(out, "no verified revision")
		}
	}
	return out
}

// ParseEdited reads an edited paragraph: one sentence per line, citations as
// markers ([F3], [F3, F7], [F3–F5]); lines starting with # are comments. A
// line is cleaned as any sentence is (textnorm.CleanSentence): its markers
// become its links and leave its text. Errors name the line.
func ParseEdited(text string) ([]contract.Sentence, error) {
	var out []contract.Sentence
	for n, line := range strings.Split(text, "\n") {
		line = textnorm.Clean(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		s := contract.Sentence{Text: textnorm.CleanSentence(line), FactIDs: []string{}}
		for _, h := range textnorm.MarkerHandles(line) {
			if !strings.HasPrefix(h, domain.FactPrefix) {
				return nil, domain.Errorf(domain.Invalid, "line %d: [%s] is not a fact; cite facts with markers like [F3]; nothing was changed", n+1, h)
			}
			if !slices.Contains(s.FactIDs, h) {
				s.FactIDs = append(s.FactIDs, h)
			}
		}
		if s.Text == "" {
			return nil, domain.Errorf(domain.Invalid, "line %d has citation markers but no sentence; write the sentence before them; nothing was changed", n+1)
		}
		out = append(out, s)
	}
	if len(out) == 0 {
		return nil, domain.Errorf(domain.Invalid, "the edited paragraph has no sentences; nothing was changed")
	}
	return out, nil
}

// EditTemplate is the current revision as ParseEdited reads it, for $EDITOR.
func (s *Service) EditTemplate(ctx context.Context, a Actor, handle string) (string, error) {
	tn := s.db.Tenant(a.OwnerID)
	p, err := s.resolvePara(ctx, tn, handle)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# Editing %s. One sentence per line; cite facts with markers like [F3].\n# Lines starting with # are ignored. Save and quit to re-verify.\n", p.Handle)
	allowed, _, err := tn.AllowedFacts(ctx, p.ID)
	if err != nil {
		return "", err
	}
	for _, f := range allowed {
		if f.State == domain.FactActive {
			fmt.Fprintf(&b, "# [%s] %s\n", f.Handle, f.Text)
		}
	}
	if rev, err := currentRevision(ctx, tn, p); err == nil {
		for _, s := range rev.Sentences {
			b.WriteString(RenderSentence(s) + "\n")
		}
	}
	return b.String(), nil
}

// DiffLine is one sentence of a diff between two revisions: Op is "=" (in
// both), "-" (only in the older) or "+" (only in the newer).
type DiffLine struct {
	Op   string `json:"op"`
	Text string `json:"text"`
}

// DiffRevisions compares revisions n and m sentence by sentence (0, 0: the
// two newest). A revision's text is compared only when it may be shown
// (ShowRevision's rule), unless diagnostics.
func (s *Service) DiffRevisions(ctx context.Context, a Actor, handle string, n, m int, diagnostics bool) ([]DiffLine, error) {
	p, revs, allowed, err := s.paragraphRecord(ctx, a, handle)
	if err != nil {
		return nil, err
	}
	if n == 0 && m == 0 {
		if len(revs) < 2 {
			return nil, domain.Errorf(domain.Invalid, "%s has %d revision(s); nothing to compare", p.Handle, len(revs))
		}
		n, m = revs[len(revs)-2].N, revs[len(revs)-1].N
	}
	active := activeHandles(allowed)
	text := func(k int) ([]string, error) {
		for i := range revs {
			r := &revs[i]
			if r.N != k {
				continue
			}
			if !diagnostics && !showable(p, r, active) {
				return nil, domain.Errorf(domain.NotVerified, "revision %d of %s is not verified: its text is not shown; add --diagnostics to compare it", k, p.Handle)
			}
			out := make([]string, len(r.Sentences))
			for j, st := range r.Sentences {
				out[j] = RenderSentence(st)
			}
			return out, nil
		}
		return nil, domain.Errorf(domain.NotFound, "%s has no revision %d (see 'opus para history %s')", p.Handle, k, p.Handle)
	}
	a1, err := text(n)
	if err != nil {
		return nil, err
	}
	b1, err := text(m)
	if err != nil {
		return nil, err
	}
	return diffLines(a1, b1), nil
}

// diffLines is a longest-common-subsequence diff of two sentence lists.
func diffLines(a, b []string) []DiffLine {
	lcs := make([][]int, len(a)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var out []DiffLine
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] == b[j]:
			out = append(out, DiffLine{"=", a[i]})
			i, j = i+1, j+1
		case lcs[i+1][j] >= lcs[i][j+1]:
			out = append(out, DiffLine{"-", a[i]})
			i++
		default:
			out = append(out, DiffLine{"+", b[j]})
			j++
		}
	}
	for ; i < len(a); i++ {
		out = append(out, DiffLine{"-", a[i]})
	}
	for ; j < len(b); j++ {
		out = append(out, DiffLine{"+", b[j]})
	}
	return out
}

// RevertParagraph makes revision n the paragraph's text again: a new
// revision with n's sentences and citations, verified like any edit before
// it is shown (the facts it cites may have changed since).
func (s *Service) RevertParagraph(ctx context.Context, a Actor, handle string, n int, opt JobOptions) (*domain.Paragraph, *domain.Job, error) {
	_, revs, _, err := s.paragraphRecord(ctx, a, handle)
	if err != nil {
		return nil, nil, err
	}
	for _, r := range revs {
		if r.N != n {
			continue
		}
		var b strings.Builder
		for _, st := range r.Sentences {
			b.WriteString(RenderSentence(st) + "\n")
		}
		return s.EditParagraph(ctx, a, handle, b.String(), opt)
	}
	return nil, nil, domain.Errorf(domain.NotFound, "%s has no revision %d (see 'opus para history %s')", handle, n, handle)
}

// EditParagraph stores edited sentences as a new revision and queues its
// verification. The edit is held to the paragraph's spec as the writer is:
// only allowed, active facts, every must-use fact cited, the sentence count
// within length (agents.CheckComposition). A refused edit changes nothing,
// and so does an edit that says exactly what the verified current revision
// says: then the job is nil.
func (s *Service) EditParagraph(ctx context.Context, a Actor, handle, text string, opt JobOptions) (*domain.Paragraph, *domain.Job, error) {
	sents, err := ParseEdited(text)
	if err != nil {
		return nil, nil, err
	}
	var p *domain.Paragraph
	var job *domain.Job
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		tn := tx.Tenant(a.OwnerID)
		if p, err = s.resolvePara(ctx, tn, handle); err != nil {
			return err
		}
		switch p.State {
		case domain.ParaVerified, domain.ParaRejected, domain.ParaStale, domain.ParaFailed:
		default:
			return domain.Errorf(domain.Conflict, "%s is %s; wait for its job to finish before editing", p.Handle, p.State)
		}
		allowed, must, err := tn.AllowedFacts(ctx, p.ID)
		if err != nil {
			return err
		}
		active, err := activeFacts(allowed, must)
		if err != nil {
			return domain.Errorf(domain.Invalid, "%s cannot be edited: %s", p.Handle, domain.ErrorMessage(err))
		}
		sp, err := loadSpec(p)
		if err != nil {
			return err
		}
		// The edit is held to what the writer would be given now.
		in := writerInput(sp, active, must)
		activeIDs, allowedIDs := handleToID(active), handleToID(allowed)
		var ns []store.NewSentence
		for i, st := range sents {
			n := store.NewSentence{Text: st.Text, Verdict: domain.VerdictPending}
			for _, h := range st.FactIDs {
				id, ok := activeIDs[h]
				if _, was := allowedIDs[h]; !ok && was {
					return domain.Errorf(domain.Invalid, "sentence %d cites %s, which has been retracted; cite another allowed fact", i+1, h)
				}
				if !ok {
					return domain.Errorf(domain.Invalid, "sentence %d cites %s, which is not among %s's allowed facts; allowed: %s", i+1, h, p.Handle, handles(allowed))
				}
				n.FactIDs = append(n.FactIDs, id)
			}
			ns = append(ns, n)
		}
		if err := agents.CheckComposition(sents, in.MustUse, in.Length, len(in.Facts)); err != nil {
			return domain.Errorf(domain.Invalid, "the edit breaks %s's spec: %v; nothing was changed", p.Handle, err)
		}
		if p.State == domain.ParaVerified {
			cur, err := currentRevision(ctx, tn, p)
			if err != nil {
				return err
			}
			if sameSentences(cur.Sentences, sents) {
				return nil // nothing to verify: no revision, no job
			}
		}
		if _, err := tn.AddRevision(ctx, p.ID, domain.RevEdit, nil, ns); err != nil {
			return err
		}
		if err := tn.SetParagraphState(ctx, p.ID, domain.ParaVerifying, nil); err != nil {
			return err
		}
		job, err = s.engine.Enqueue(ctx, tx, a.OwnerID, &domain.Job{Kind: domain.KindVerifyParagraph, TargetID: p.ID, IdempotencyKey: opt.key(), TraceID: a.TraceID})
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	return p, job, nil
}

// sameSentences reports whether an edit says exactly what a revision says:
// the same sentences, citing the same facts, in the same order.
func sameSentences(have []domain.Sentence, edit []contract.Sentence) bool {
	if len(have) != len(edit) {
		return false
	}
	for i := range have {
		if have[i].Text != edit[i].Text || !slices.Equal(have[i].Facts, edit[i].FactIDs) {
			return false
		}
	}
	return true
}

func handles(fs []domain.Fact) string {
	hs := make([]string, len(fs))
	for i, f := range fs {
		hs[i] = f.Handle
	}
	return strings.Join(hs, ", ")
}

// Trace is everything that produced a paragraph, rebuilt from the database.
type Trace struct {
	Paragraph ParagraphView     `json:"paragraph"`
	Spec      json.RawMessage   `json:"spec"`
	Allowed   []domain.Fact     `json:"allowed_facts"`
	Jobs      []domain.Job      `json:"jobs"`
	Runs      []domain.Run      `json:"runs"`
	Revisions []domain.Revision `json:"revisions"`
	// Redacted is true when sentence texts were withheld because they are not
	// verified (use diagnostics to see them). Writer and verifier run bodies
	// are always withheld here without diagnostics.
	Redacted bool `json:"redacted"`
}

// TraceParagraph gathers the spec, allowed facts with quotes, jobs, runs,
// revisions, sentences, links and verdicts of a paragraph. Unless the
// paragraph is displayable or diagnostics is asked for, texts are withheld.
func (s *Service) TraceParagraph(ctx context.Context, a Actor, handle string, diagnostics bool) (*Trace, error) {
	tn := s.db.Tenant(a.OwnerID)
	p, err := s.resolvePara(ctx, tn, handle)
	if err != nil {
		return nil, err
	}
	revs, err := tn.Revisions(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	allowed, _, err := tn.AllowedFacts(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	active := activeHandles(allowed)
	view, err := paragraphView(p, revs, active, diagnostics)
	if err != nil && domain.ErrorCode(err) != domain.NotVerified {
		return nil, err
	}
	tr := &Trace{Paragraph: *view, Spec: json.RawMessage(p.Spec), Revisions: revs, Allowed: allowed}
	if tr.Jobs, err = tn.JobsForTarget(ctx, p.ID); err != nil {
		return nil, err
	}
	for _, j := range tr.Jobs {
		rs, err := tn.Runs(ctx, store.RunFilter{JobID: j.ID})
		if err != nil {
			return nil, err
		}
		tr.Runs = append(tr.Runs, rs...)
	}
	if !diagnostics {
		// Only revisions that may be shown keep their text: the current one
		// when the paragraph is verified, an earlier one that was verified
		// and cites only active facts. Model bodies of writer and verifier
		// runs carry drafts, so they go too.
		for i := range tr.Revisions {
			rev := &tr.Revisions[i]
			shown := showable(p, rev, active)
			for j := range rev.Sentences {
				st := &rev.Sentences[j]
				if !shown {
					// The reason may quote the sentence; its code may not.
					st.Text, st.Reason = withheld, nil
					tr.Redacted = true
				}
			}
		}
		for i := range tr.Runs {
			redactRun(&tr.Runs[i])
		}
	}
	// The view's sentences are those of one of these revisions (the same
	// array), so this marks them too.
	for i := range tr.Revisions {
		markVerbatim(tr.Revisions[i].Sentences, tr.Allowed, s.cfg.VerbatimWords)
		markRetracted(tr.Revisions[i].Sentences, active)
	}
	return tr, nil
}

const withheld = "[withheld: not verified; use --diagnostics]"

// redactRun withholds the bodies of writer and verifier runs, which carry
// draft sentences that may be unverified.
func redactRun(r *domain.Run) {
	if r.Agent != string(contract.Writer) && r.Agent != string(contract.Verifier) {
		return
	}
	r.Request = withheld
	if r.Response != nil {
		w := withheld
		r.Response = &w
	}
}
