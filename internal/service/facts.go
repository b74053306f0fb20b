package service

import (
	"context"
	"slices"
	"strings"
	"unicode/utf8"

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
	if err := checkLimit(f.Limit); err != nil {
		return nil, err
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
	tn := s.db.Tenant(a.OwnerID)
	f, err := s.resolveFact(ctx, tn, handle)
	if err != nil {
		return nil, err
	}
	cited, err := tn.CitingParagraphs(ctx, f.ID)
	if err != nil {
		return nil, err
	}
	return &FactView{Fact: *f, CitedBy: cited}, nil
}

func (s *Service) resolveFact(ctx context.Context, tn *store.Tenant, handle string) (*domain.Fact, error) {
	seq, err := domain.ParseHandle(domain.FactPrefix, handle)
	if err != nil {
		return nil, err
	}
	return tn.Fact(ctx, seq)
}

// FactContext is where a fact's quote stands on its page: the page's text
// split into what comes before the quote, the quote as extracted, and what
// follows.
type FactContext struct {
	Fact     string `json:"id"`
	Document string `json:"document"`
	Page     int    `json:"page"`
	Before   string `json:"before"`
	Quote    string `json:"quote"`
	After    string `json:"after"`
	// Exact is false when the quote matches the page only apart from
	// formatting (case, accents, punctuation).
	Exact bool `json:"exact"`
}

// FactQuoteContext returns the page around a fact's quote: up to around
// bytes on each side, cut at line ends. A manual fact has no page.
func (s *Service) FactQuoteContext(ctx context.Context, a Actor, handle string, around int) (*FactContext, error) {
	tn := s.db.Tenant(a.OwnerID)
	f, err := s.resolveFact(ctx, tn, handle)
	if err != nil {
		return nil, err
	}
	if f.DocumentID == nil || f.Page == nil || f.Quote == nil {
		return nil, domain.Errorf(domain.Invalid, "%s is a manual fact (%s): it has no page to show", f.Handle, domain.Deref(f.SourceNote))
	}
	pages, err := tn.DocumentPages(ctx, *f.DocumentID)
	if err != nil {
		return nil, err
	}
	if *f.Page < 1 || *f.Page > len(pages) {
		return nil, domain.Errorf(domain.Internal, "%s names page %d of a %d-page document", f.Handle, *f.Page, len(pages))
	}
	page := pages[*f.Page-1]
	m, ok := textnorm.FindQuote(page, *f.Quote)
	if !ok { // every stored quote was found on its page when it was stored
		return nil, domain.Errorf(domain.Internal, "%s: its quote is no longer found on page %d", f.Handle, *f.Page)
	}
	from, to := max(0, m.Start-around), min(len(page), m.End+around)
	if i := strings.IndexByte(page[from:m.Start], '\n'); i >= 0 && from > 0 {
		from += i + 1
	}
	if i := strings.LastIndexByte(page[m.End:to], '\n'); i >= 0 && to < len(page) {
		to = m.End + i
	}
	from, to = runeStart(page, from), runeStart(page, to)
	return &FactContext{Fact: f.Handle, Document: f.DocHandle, Page: *f.Page, Before: page[from:m.Start], Quote: page[m.Start:m.End],
		After: page[m.End:to], Exact: m.Exact}, nil
}

// runeStart moves i back to the start of the UTF-8 character it is in.
func runeStart(s string, i int) int {
	for i > 0 && i < len(s) && !utf8.RuneStart(s[i]) {
		i--
	}
	return i
}

// SuggestFacts returns up to n of the owner's active facts most relevant to
// an intent (the full-text ranking of SearchFacts, any of its words), from
// the documents named in from when it is not empty: the start of a spec's
// fact list, for the user to trim.
func (s *Service) SuggestFacts(ctx context.Context, a Actor, intent string, from []string, n int) ([]domain.Fact, error) {
	if n < 1 || n > maxSpecFacts {
		return nil, domain.Errorf(domain.Invalid, "-n %d: a spec names 1 to %d facts", n, maxSpecFacts)
	}
	docs := map[string]bool{}
	tn := s.db.Tenant(a.OwnerID)
	for _, h := range from {
		d, err := s.resolveDoc(ctx, tn, strings.TrimSpace(h))
		if err != nil {
			return nil, err
		}
		docs[d.Handle] = true
	}
	// Retracted facts and other documents' facts are filtered out after
	// ranking, so ask for more than n.
	found, err := s.SearchFacts(ctx, a, FactSearch{Query: intent, Limit: suggestPool})
	if err != nil {
		return nil, err
	}
	var out []domain.Fact
	for _, f := range found {
		if f.State == domain.FactActive && (len(docs) == 0 || docs[f.DocHandle]) && len(out) < n {
			out = append(out, f)
		}
	}
	return out, nil
}

// suggestPool is how many ranked facts SuggestFacts filters; maxSpecFacts
// is the most a spec may name (paragraph-spec.schema.json).
const (
	suggestPool  = 500
	maxSpecFacts = 60
)

// FactSearch is a search over the owner's facts (see store.Tenant.SearchFacts).
type FactSearch = store.FactSearch

// SearchFacts searches the owner's facts, active and retracted: any of the
// query's words by default, every word with AllWords; best matches first.
func (s *Service) SearchFacts(ctx context.Context, a Actor, q FactSearch) ([]domain.Fact, error) {
	if strings.TrimSpace(q.Query) == "" {
		return nil, domain.Errorf(domain.Invalid, "empty search query")
	}
	if err := checkLimit(q.Limit); err != nil {
		return nil, err
	}
	if q.Limit == 0 {
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
	var stale []string
	var f *domain.Fact
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		tn := tx.Tenant(a.OwnerID)
		var err error
		if f, err = s.resolveFact(ctx, tn, handle); err != nil {
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

// RestoreFact makes a retracted fact active again. Its stale paragraphs
// are settled again from their stored verdicts, which the fact's text,
// never edited, still supports: those citing no other retracted fact are
// verified again and returned; the rest stay stale.
func (s *Service) RestoreFact(ctx context.Context, a Actor, handle string) (*domain.Fact, []string, error) {
	var restored []string
	var f *domain.Fact
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		tn := tx.Tenant(a.OwnerID)
		var err error
		if f, err = s.resolveFact(ctx, tn, handle); err != nil {
			return err
		}
		if f.State != domain.FactRetracted {
			return domain.Errorf(domain.Conflict, "%s is not retracted", f.Handle)
		}
		ids, err := tn.RestoreFact(ctx, f.ID)
		if err != nil {
			return err
		}
		for _, id := range ids {
			state, err := tn.SettleParagraph(ctx, id)
			if err != nil {
				return err
			}
			if state == domain.ParaVerified {
				p, err := tn.ParagraphByID(ctx, id)
				if err != nil {
					return err
				}
				restored = append(restored, p.Handle)
			}
		}
		f.State, f.RetractedAt = domain.FactActive, nil
		return nil
	})
	return f, restored, err
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
