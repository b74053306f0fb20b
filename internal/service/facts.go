package service

import (
	"context"
	"slices"
	"strings"

	"github.com/opusblocks/opus/internal/agents"
	"github.com/opusblocks/opus/internal/contract"
	"github.com/opusblocks/opus/internal/domain"
	"github.com/opusblocks/opus/internal/jobs"
	"github.com/opusblocks/opus/internal/store"
	"github.com/opusblocks/opus/internal/textnorm"
)

// JobOptions are the options of any command that starts a job.
type JobOptions struct {
	IdempotencyKey string // "" = a fresh key
}

func (o JobOptions) key() string {
	if o.IdempotencyKey != "" {
		return o.IdempotencyKey
	}
	return domain.NewID()
}

// ExtractFacts queues fact extraction for a document. A document already
// being extracted returns its running job instead of starting another.
func (s *Service) ExtractFacts(ctx context.Context, a Actor, handle string, opt JobOptions) (*domain.Job, error) {
	var job *domain.Job
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		tn := tx.Tenant(a.OwnerID)
		d, err := s.resolveDoc(ctx, tn, handle)
		if err != nil {
			return err
		}
		if opt.IdempotencyKey != "" {
			if prev, err := tn.JobByKey(ctx, opt.IdempotencyKey); err == nil {
				job = prev
				return nil
			}
		}
		if d.State == domain.DocExtracting {
			if active, err := tn.ActiveJobFor(ctx, domain.KindExtractFacts, d.ID); err == nil {
				job = active
				return nil
			}
		}
		if err := tn.SetDocumentState(ctx, d.ID, domain.DocExtracting, nil); err != nil {
			return err
		}
		job, err = s.engine.Enqueue(ctx, tx, a.OwnerID, &domain.Job{Kind: domain.KindExtractFacts, TargetID: d.ID, IdempotencyKey: opt.key(), TraceID: a.TraceID})
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.db.Tenant(a.OwnerID).JobByID(ctx, job.ID)
}

type extractHandler struct{ s *Service }

func (h extractHandler) Handle(ctx context.Context, r *jobs.Run) error {
	tn := r.Tenant()
	d, err := tn.DocumentByID(ctx, r.Job.TargetID)
	if err != nil {
		return jobs.Permanent(err)
	}
	pages, err := tn.DocumentPages(ctx, d.ID)
	if err != nil {
		return err
	}
	ex, err := h.s.agents(r).Extract(ctx, d.Title, pages, r.Progress)
	if err != nil {
		return jobError(err)
	}
	return r.Complete(ctx, func(tx *store.Tx) error {
		ttn := tx.Tenant(r.OwnerID)
		for _, f := range ex.Facts {
			page, quote, runID := f.Page, f.Quote, f.RunID
			fact := &domain.Fact{Origin: domain.OriginExtracted, DocumentID: &d.ID, Page: &page, Quote: &quote, Text: f.Text, Kind: f.Kind, RunID: &runID}
			if _, err := ttn.InsertFact(ctx, fact, f.TextKey); err != nil {
				return err
			}
		}
		return ttn.SetDocumentState(ctx, d.ID, domain.DocFactsReady, nil)
	})
}

func (h extractHandler) Failed(ctx context.Context, tn *store.Tenant, job *domain.Job, reason string) error {
	return tn.SetDocumentState(ctx, job.TargetID, domain.DocFailed, &reason)
}

func (h extractHandler) Retrying(ctx context.Context, tn *store.Tenant, job *domain.Job) error {
	return tn.SetDocumentState(ctx, job.TargetID, domain.DocExtracting, nil)
}

// FactFilter narrows Facts.
type FactFilter struct {
	Doc       string // document handle, "" = all
	Retracted bool   // include retracted facts
	// After and Limit page through the list: the facts after handle After
	// ("" = from the first), at most Limit of them (0 = all).
	After string
	Limit int
}

// Facts lists the owner's facts.
func (s *Service) Facts(ctx context.Context, a Actor, f FactFilter) ([]domain.Fact, error) {
	tn := s.db.Tenant(a.OwnerID)
	ff := store.FactFilter{State: domain.FactActive}
	if f.Retracted {
		ff.State = ""
	}
	if f.Doc != "" {
		d, err := s.resolveDoc(ctx, tn, f.Doc)
		if err != nil {
			return nil, err
		}
		ff.DocumentID = d.ID
	}
	if f.After != "" {
		seq, err := domain.ParseHandle(domain.FactPrefix, f.After)
		if err != nil {
			return nil, err
		}
		ff.AfterSeq = seq
	}
	if f.Limit < 0 {
		return nil, domain.Errorf(domain.Invalid, "limit %d: give a positive number", f.Limit)
	}
	ff.Limit = f.Limit
	return tn.Facts(ctx, ff)
}

// FactView is a fact with the paragraphs whose current revision cites it.
type FactView struct {
	domain.Fact
	CitedBy []string `json:"cited_by"`
}

// Fact shows one fact and where it is cited.
func (s *Service) Fact(ctx context.Context, a Actor, handle string) (*FactView, error) {
	seq, err := domain.ParseHandle(domain.FactPrefix, handle)
	if err != nil {
		return nil, err
	}
	tn := s.db.Tenant(a.OwnerID)
	f, err := tn.Fact(ctx, seq)
	if err != nil {
		return nil, err
	}
	cited, err := tn.CitingParagraphs(ctx, f.ID)
	if err != nil {
		return nil, err
	}
	return &FactView{Fact: *f, CitedBy: cited}, nil
}

// FactSearch is a search over the owner's facts (see store.Tenant.SearchFacts).
type FactSearch = store.FactSearch

// SearchFacts searches the owner's facts, active and retracted: any of the
// query's words by default, every word with AllWords; best matches first.
func (s *Service) SearchFacts(ctx context.Context, a Actor, q FactSearch) ([]domain.Fact, error) {
	if strings.TrimSpace(q.Query) == "" {
		return nil, domain.Errorf(domain.Invalid, "empty search query")
	}
	if q.Limit <= 0 {
		q.Limit = 20
	}
	return s.db.Tenant(a.OwnerID).SearchFacts(ctx, q)
}

// AddFact stores a manual fact with its source note.
func (s *Service) AddFact(ctx context.Context, a Actor, text, source, kind string) (*domain.Fact, error) {
	text, source = textnorm.CleanSentence(text), textnorm.Clean(source)
	switch {
	case text == "":
		return nil, domain.Errorf(domain.Invalid, "fact text is empty")
	case len(text) > 300:
		return nil, domain.Errorf(domain.Invalid, "fact text is %d characters; at most 300 (one atomic statement)", len(text))
	case source == "":
		return nil, domain.Errorf(domain.Invalid, "a manual fact needs --source (where it comes from, e.g. \"Lab notebook 2024-03-02\")")
	}
	if kind == "" {
		kind = "finding"
	}
	if !slices.Contains(contract.FactKinds, kind) {
		return nil, domain.Errorf(domain.Invalid, "unknown kind %q; use one of %s", kind, strings.Join(contract.FactKinds, ", "))
	}
	f := &domain.Fact{Origin: domain.OriginManual, Text: text, Kind: kind, SourceNote: &source}
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		_, err := tx.Tenant(a.OwnerID).InsertFact(ctx, f, agents.TextKey(text))
		return err
	})
	return f, err
}

// RetractFact retracts a fact; verified or rejected paragraphs whose current
// revision cites it become stale.
func (s *Service) RetractFact(ctx context.Context, a Actor, handle string) (*domain.Fact, []string, error) {
	seq, err := domain.ParseHandle(domain.FactPrefix, handle)
	if err != nil {
		return nil, nil, err
	}
	var stale []string
	var f *domain.Fact
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		tn := tx.Tenant(a.OwnerID)
		if f, err = tn.Fact(ctx, seq); err != nil {
			return err
		}
		if f.State == domain.FactRetracted {
			return domain.Errorf(domain.Conflict, "%s is already retracted", f.Handle)
		}
		if stale, err = tn.RetractFact(ctx, f.ID); err != nil {
			return err
		}
		f.State = domain.FactRetracted
		return nil
	})
	return f, stale, err
}

// AddQuotedFact stores a fact with its quote on a page of one of the owner's
// documents, checked exactly as extracted facts are (contract §7): a quote
// not on its page, or a number of the text missing from the quote, is
// refused with the reason.
func (s *Service) AddQuotedFact(ctx context.Context, a Actor, docHandle string, page int, quote, text, kind string) (*domain.Fact, error) {
	if kind == "" {
		kind = "finding"
	}
	f := &domain.Fact{Origin: domain.OriginExtracted, Text: textnorm.StripCitations(textnorm.CleanSentence(text)), Kind: kind, Page: &page, Quote: &quote}
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		tn := tx.Tenant(a.OwnerID)
		d, err := s.resolveDoc(ctx, tn, docHandle)
		if err != nil {
			return err
		}
		pages, err := tn.DocumentPages(ctx, d.ID)
		if err != nil {
			return err
		}
		if page < 1 || page > len(pages) {
			return domain.Errorf(domain.Invalid, "%s has no page %d (it has %d)", d.Handle, page, len(pages))
		}
		ef := contract.ExtractedFact{Text: f.Text, Quote: quote, Page: page, Kind: kind}
		if reason := agents.CheckAnchored(ef, pages[page-1]); reason != "" {
			return domain.Errorf(domain.Invalid, "fact not anchored (%s): %q on %s page %d", reason, quote, d.Handle, page)
		}
		f.DocumentID = &d.ID
		added, err := tn.InsertFact(ctx, f, agents.TextKey(f.Text))
		if err != nil {
			return err
		}
		if !added {
			return domain.Errorf(domain.Conflict, "%s already has a fact with this text", d.Handle)
		}
		return nil
	})
	return f, err
}
