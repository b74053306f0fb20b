package agents

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"sync/atomic"

	"golang.org/x/sync/errgroup"

	"github.com/opusblocks/opus/internal/contract"
	"github.com/opusblocks/opus/internal/domain"
	"github.com/opusblocks/opus/internal/guards"
	"github.com/opusblocks/opus/internal/textnorm"
)

// Rejection reasons for librarian facts, counted on each run.
const (
	RejectQuoteNotFound  = "quote_not_found"
	RejectQuoteTooShort  = "quote_too_short"
	RejectNumberNotQuote = "number_not_in_quote"
	RejectPageOutside    = "page_outside_chunk"
	RejectDuplicate      = "duplicate"
	RejectBadKind        = "bad_kind"
	RejectEmptyText      = "empty_text"
	// RejectTextNotQuote is a fact text that claims more than, or other
	// than, its quote: the guards that hold a sentence to its facts hold a
	// fact to its quote (numbers, negation, hedges, causal claims, scope,
	// comparisons, content).
	RejectTextNotQuote = "text_not_supported_by_quote"
)

// AnchoredFact is a librarian fact that passed every check (contract §7).
type AnchoredFact struct {
	contract.ExtractedFact
	// TextKey identifies the fact within its document for de-duplication.
	TextKey string
	// RunID is the run that proposed it.
	RunID string
}

// Extraction is the outcome of extracting one document.
type Extraction struct {
	Facts      []AnchoredFact
	Rejections map[string]int
}

// ChunkChars bounds the page text sent in one librarian call.
const ChunkChars = 12000

// Extract runs the librarian over a document, chunk by chunk, and keeps only
// facts whose quote stands on their page and whose numbers stand in their
// quote. progress, if set, is told after each chunk.
func (a *Agents) Extract(ctx context.Context, title string, pages []string, progress func(done, total int)) (*Extraction, error) {
	chunks := Chunk(pages, ChunkChars)
	outs := make([]contract.LibrarianOutput, len(chunks))
	runs := make([]*domain.Run, len(chunks))
	var done atomic.Int32
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(a.concurrency())
	for i, ch := range chunks {
		g.Go(func() error {
			run, err := a.call(gctx, contract.Librarian, contract.LibrarianInput{DocumentTitle: title, Pages: ch}, &outs[i], nil)
			if err != nil {
				return err
			}
			runs[i] = run
			if progress != nil {
				progress(int(done.Add(1)), len(chunks))
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	// Merge in document order, so the kept facts do not depend on which
	// chunk answered first.
	res := &Extraction{Rejections: map[string]int{}}
	seen := map[string]bool{}
	for i, ch := range chunks {
		rej := map[string]int{}
		indexed := newChunkIndex(ch)
		for _, f := range outs[i].Facts {
			// The source paper's own citation markers point nowhere here.
			f.Text = textnorm.StripCitations(textnorm.CleanSentence(f.Text))
			reason := anchor(f, indexed)
			if reason == "" && !backedByQuote(f) {
				reason = RejectTextNotQuote
			}
			key := TextKey(f.Text)
			if reason == "" && seen[key] {
				reason = RejectDuplicate
			}
			if reason != "" {
				rej[reason]++
				res.Rejections[reason]++
				continue
			}
			seen[key] = true
			res.Facts = append(res.Facts, AnchoredFact{ExtractedFact: f, TextKey: key, RunID: runs[i].ID})
		}
		if len(rej) > 0 {
			b, _ := json.Marshal(rej)
			s := string(b)
			runs[i].Rejections = &s
		}
	}
	return res, nil
}

// anchor applies the anchoring rules of contract §7 to one proposed fact and
// returns the rejection reason, or "" when the fact is anchored. This is the
// one place those rules live.
func anchor(f contract.ExtractedFact, chunk *chunkIndex) string {
	if !slices.Contains(contract.FactKinds, f.Kind) {
		return RejectBadKind
	}
	if f.Text == "" {
		return RejectEmptyText
	}
	if !chunk.has(f.Page) {
		return RejectPageOutside
	}
	if textnorm.SignificantChars(f.Quote) < textnorm.MinQuoteChars {
		return RejectQuoteTooShort
	}
	if _, ok := chunk.index(f.Page).Find(f.Quote); !ok {
		return RejectQuoteNotFound
	}
	// Keys against keys: both are canonical already, and reading a key
	// again can change it ("3D" is the identifier "3d", not "3 d").
	quoteNums := textnorm.Numbers(f.Quote)
	for _, n := range textnorm.Numbers(f.Text) {
		if !slices.Contains(quoteNums, n) {
			return RejectNumberNotQuote
		}
	}
	return ""
}

// backedByQuote holds a librarian's fact to its quote as a sentence is held
// to its facts: a fact is a claim about its quote, so a text that drops the
// quote's negation or hedge, adds a cause, a scope or a comparison, or says
// something else fails here. Facts written by people (golden suites,
// manual facts) are taken as written.
func backedByQuote(f contract.ExtractedFact) bool {
	return len(guards.Check(f.Text, []contract.Fact{{ID: "quote", Quote: f.Quote}})) == 0
}

// CheckAnchored reports why a fact with a quote on a page is not anchored
// ("" when it is); used for facts that come from elsewhere (suites, imports).
// The text must be clean already (textnorm.CleanSentence).
func CheckAnchored(f contract.ExtractedFact, pageText string) string {
	return anchor(f, newChunkIndex([]contract.Page{{No: f.Page, Text: pageText}}))
}

// chunkIndex is a chunk's pages, each indexed for quote look-ups on first
// use: indexing a page costs time and memory linear in its size, so it is
// done once per page, not once per fact quoting it.
type chunkIndex struct {
	pages map[int]string
	idx   map[int]*textnorm.PageIndex
}

func newChunkIndex(chunk []contract.Page) *chunkIndex {
	c := &chunkIndex{pages: make(map[int]string, len(chunk)), idx: map[int]*textnorm.PageIndex{}}
	for _, p := range chunk {
		c.pages[p.No] = p.Text // the last of equal numbers, as before
	}
	return c
}

func (c *chunkIndex) has(no int) bool { _, ok := c.pages[no]; return ok }

func (c *chunkIndex) index(no int) *textnorm.PageIndex {
	ix := c.idx[no]
	if ix == nil {
		ix = textnorm.IndexPage(c.pages[no])
		c.idx[no] = ix
	}
	return ix
}

// TextKey is a fact's identity within a document: its normalised text.
func TextKey(text string) string { return strings.ToLower(textnorm.Normalize(text)) }

// Chunk splits pages into runs of consecutive pages of at most maxChars
// (a longer single page is its own chunk).
func Chunk(pages []string, maxChars int) [][]contract.Page {
	var out [][]contract.Page
	var cur []contract.Page
	size := 0
	for i, p := range pages {
		if len(cur) > 0 && size+len(p) > maxChars {
			out = append(out, cur)
			cur, size = nil, 0
		}
		cur = append(cur, contract.Page{No: i + 1, Text: p})
		size += len(p)
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}

// FactForContract is how the writer and verifier see a stored fact.
func FactForContract(f domain.Fact) contract.Fact {
	cf := contract.Fact{ID: f.Handle, Text: f.Text}
	if f.Quote != nil {
		cf.Quote = *f.Quote
	}
	return cf
}
