package agents

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"golang.org/x/sync/errgroup"

	"github.com/opusblocks/opus/internal/contract"
	"github.com/opusblocks/opus/internal/domain"
	"github.com/opusblocks/opus/internal/guards"
	"github.com/opusblocks/opus/internal/textnorm"
)

// Checked is a sentence with its final verdict.
type Checked struct {
	Text      string
	FactIDs   []string // handles, each in the allowed set
	Supported bool
	// Reason says why, in words that may quote the sentence or the model:
	// shown only with diagnostics. Code is its category, safe to show.
	Reason        string
	Code          string
	VerifierRunID string // "" when no model was asked (e.g. no link)
}

// Reason codes of unsupported sentences, besides the guards' names
// (guards.Numbers, guards.Hedge, …). They never quote the sentence or the
// model, so they may be shown where the text may not.
const (
	CodeNoLink      = "no_link"      // the sentence cites no fact
	CodeNotAllowed  = "not_allowed"  // it cites a fact outside the allowed set
	CodeNotEntailed = "not_entailed" // the verifier found it unsupported
)

// Draft is one revision produced while generating.
type Draft struct {
	Origin    string // domain.RevWriter or domain.RevRepair
	RunID     string // the writer run
	Sentences []Checked
}

// Verified reports whether every sentence is supported and linked.
func (d Draft) Verified() bool { return AllSupported(d.Sentences) }

// AllSupported reports whether a draft needs no repair round. Whether a
// stored paragraph is verified is decided from the database, by
// domain.Revision.Supported.
func AllSupported(ss []Checked) bool {
	if len(ss) == 0 {
		return false
	}
	for _, s := range ss {
		if !s.Supported || len(s.FactIDs) == 0 {
			return false
		}
	}
	return true
}

// Generate writes a paragraph from exactly the writer input it is given
// (the spec's fields and allowed facts: contract §2), verifies it, and runs
// up to rounds repair rounds on rejected sentences. It returns every draft;
// the last one is the outcome.
func (a *Agents) Generate(ctx context.Context, in contract.WriterInput, rounds int) ([]Draft, error) {
	allowed := map[string]contract.Fact{}
	for _, f := range in.Facts {
		allowed[f.ID] = f
	}
	var drafts []Draft
	origin := domain.RevWriter
	for round := 0; ; round++ {
		var out contract.WriterOutput
		run, err := a.call(ctx, contract.Writer, in, &out, func() error { return checkWriterOutput(&out, in, allowed) })
		if err != nil {
			return drafts, err
		}
		checked, err := a.Verify(ctx, out.Sentences, allowed)
		if err != nil {
			return drafts, err
		}
		d := Draft{Origin: origin, RunID: run.ID, Sentences: checked}
		drafts = append(drafts, d)
		if d.Verified() || round >= rounds {
			return drafts, nil
		}
		// Repair round: same allowed facts, previous sentences and reasons.
		in.Previous = out.Sentences
		in.Rejected = nil
		for i, c := range checked {
			if !c.Supported {
				in.Rejected = append(in.Rejected, contract.Rejected{Index: i, Reason: c.Reason})
			}
		}
		origin = domain.RevRepair
	}
}

// checkWriterOutput enforces the writer's contract beyond its schema: every
// link is to an allowed fact (contract §3) and the paragraph keeps to its
// spec (CheckComposition). It cleans the sentences in place (textnorm.CleanSentence),
// so what is verified is what will be stored and shown; a sentence with
// nothing left is invalid output.
func checkWriterOutput(out *contract.WriterOutput, in contract.WriterInput, allowed map[string]contract.Fact) error {
	for i := range out.Sentences {
		s := &out.Sentences[i]
		s.Text = textnorm.CleanSentence(s.Text)
		if s.Text == "" {
			return fmt.Errorf("sentence %d has no text besides citation markers and invisible characters", i)
		}
		for _, id := range s.FactIDs {
			if _, ok := allowed[id]; !ok {
				return fmt.Errorf("sentence %d cites %s, which is not an allowed fact", i, id)
			}
		}
	}
	return CheckComposition(out.Sentences, in.MustUse, in.Length, len(in.Facts))
}

// CheckComposition holds a paragraph's sentences to its spec, for the
// writer's drafts and the user's edits alike: every must-use fact is cited,
// and the number of sentences is within length — fewer than the minimum
// only when there are fewer allowed facts than that.
func CheckComposition(ss []contract.Sentence, mustUse []string, length contract.Length, allowedFacts int) error {
	cited := map[string]bool{}
	for _, s := range ss {
		for _, id := range s.FactIDs {
			cited[id] = true
		}
	}
	for _, id := range mustUse {
		if !cited[id] {
			return fmt.Errorf("must-use fact %s is not cited (spec: must_use)", id)
		}
	}
	if n := len(ss); n > length.MaxSentences {
		return fmt.Errorf("%d sentences; the spec allows at most %d (length.max_sentences)", n, length.MaxSentences)
	}
	if n := len(ss); n < length.MinSentences && n < allowedFacts {
		return fmt.Errorf("%d sentences; the spec asks for at least %d (length.min_sentences)", n, length.MinSentences)
	}
	return nil
}

// Verify judges each sentence from its linked facts alone (contract §5). A
// sentence without links is unsupported without asking anyone (§4); a
// sentence the model calls supported must also pass the deterministic guards
// (§6), which can only take support away. This is the one place a verdict
// is made.
func (a *Agents) Verify(ctx context.Context, sentences []contract.Sentence, allowed map[string]contract.Fact) ([]Checked, error) {
	out := make([]Checked, len(sentences))
	var items []contract.VerifyItem
	var itemOf []int // item index -> sentence index
	for i, s := range sentences {
		// Judged in the form it is stored and shown in, whoever wrote it.
		out[i] = Checked{Text: textnorm.CleanSentence(s.Text), FactIDs: s.FactIDs}
		var facts []contract.Fact
		for _, id := range s.FactIDs {
			f, ok := allowed[id]
			if !ok {
				out[i].Reason, out[i].Code = fmt.Sprintf("cites %s, which is not an allowed fact", id), CodeNotAllowed
				facts = nil
				break
			}
			facts = append(facts, f)
		}
		if len(facts) == 0 {
			if out[i].Reason == "" {
				out[i].Reason, out[i].Code = "sentence cites no fact", CodeNoLink
			}
			continue
		}
		items = append(items, contract.VerifyItem{Index: len(items), Sentence: out[i].Text, Facts: facts})
		itemOf = append(itemOf, i)
	}
	if len(items) == 0 {
		return out, nil
	}
	// Each batch is its own call, all at once: no serial per-sentence latency.
	batch := max(a.VerifyBatch, 1)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(a.concurrency())
	for start := 0; start < len(items); start += batch {
		part := items[start:min(start+batch, len(items))]
		g.Go(func() error { return a.verifyBatch(gctx, part, itemOf[start:], out) })
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return out, nil
}

// verifyBatch asks the verifier about part (items numbered from 0 within the
// call) and writes the final verdicts into out[itemOf[i]].
func (a *Agents) verifyBatch(ctx context.Context, part []contract.VerifyItem, itemOf []int, out []Checked) error {
	local := make([]contract.VerifyItem, len(part))
	for i, it := range part {
		it.Index = i
		local[i] = it
	}
	var vo contract.VerifierOutput
	run, err := a.call(ctx, contract.Verifier, contract.VerifierInput{Items: local}, &vo, func() error { return checkVerdicts(vo, len(local)) })
	if err != nil {
		return err
	}
	for _, v := range vo.Verdicts {
		c := &out[itemOf[v.Index]] // distinct per item: no two goroutines share one
		c.VerifierRunID = run.ID
		if !v.Supported {
			c.Reason, c.Code = "verifier: "+v.Reason, CodeNotEntailed
			continue
		}
		if fails := guards.Check(c.Text, local[v.Index].Facts); len(fails) > 0 {
			var rs, codes []string
			for _, f := range fails {
				rs = append(rs, f.Guard+": "+f.Reason)
				if !slices.Contains(codes, f.Guard) {
					codes = append(codes, f.Guard)
				}
			}
			c.Reason, c.Code = "guard "+strings.Join(rs, "; "), strings.Join(codes, ",")
			continue
		}
		c.Supported = true
		c.Reason = v.Reason
	}
	return nil
}

// checkVerdicts demands exactly one verdict per item.
func checkVerdicts(vo contract.VerifierOutput, n int) error {
	seen := make([]bool, n)
	for _, v := range vo.Verdicts {
		if v.Index < 0 || v.Index >= n {
			return fmt.Errorf("verdict for item %d, but there are %d items", v.Index, n)
		}
		if seen[v.Index] {
			return fmt.Errorf("two verdicts for item %d", v.Index)
		}
		seen[v.Index] = true
	}
	for i, ok := range seen {
		if !ok {
			return fmt.Errorf("no verdict for item %d", i)
		}
	}
	return nil
}
