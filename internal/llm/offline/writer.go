package offline

import (
	"strings"

	"github.com/opusblocks/opus/internal/contract"
	"github.com/opusblocks/opus/internal/textnorm"
)

// Writer writes one sentence per allowed fact: the fact's text with its
// marker before the final stop ("... at week 12 [F3]."). must_use facts come
// first, in must_use order, then the others in the order given; facts with
// the same text are written once (a must_use fact whose text was already
// written is cited on that sentence too); at most Length.MaxSentences
// sentences (when set). Fewer facts than Length.MinSentences give fewer
// sentences: the caller decides what that means.
//
// In a repair round the facts behind rejected sentences are left out, so a
// rejected sentence is not written again, with two exceptions that keep
// the output within the writer's contract: must_use facts are always
// written (every one must be cited; if its sentence is rejected again, the
// paragraph ends rejected rather than the job failing on an invalid
// output), and left-out facts come back, in order, when too few sentences
// would remain for Length.MinSentences or none at all.
func Writer(in contract.WriterInput) contract.WriterOutput {
	excluded := map[string]bool{}
	for _, r := range in.Rejected {
		if r.Index < 0 || r.Index >= len(in.Previous) {
			continue
		}
		prev := in.Previous[r.Index]
		excluded[textnorm.Fold(textnorm.StripMarkers(prev.Text))] = true
		for _, id := range prev.FactIDs {
			excluded["id:"+id] = true
		}
	}
	byID := make(map[string]contract.Fact, len(in.Facts))
	for _, f := range in.Facts {
		if _, dup := byID[f.ID]; !dup {
			byID[f.ID] = f
		}
	}
	must := map[string]bool{}
	order := make([]contract.Fact, 0, len(in.Facts)+len(in.MustUse))
	for _, id := range in.MustUse {
		if f, ok := byID[id]; ok {
			order = append(order, f)
			must[id] = true
		}
	}
	order = append(order, in.Facts...)

	out := write(order, must, excluded, in.Length.MaxSentences)
	if len(excluded) > 0 && (len(out.Sentences) == 0 || len(out.Sentences) < in.Length.MinSentences) {
		// Too few left: write the rejected facts again rather than break
		// the length contract; the verifier will reject them again.
		out = write(order, must, nil, in.Length.MaxSentences)
	}
	return out
}

// write writes order's facts as described on Writer, leaving out those
// excluded unless they are must_use.
func write(order []contract.Fact, must, excluded map[string]bool, maxSentences int) contract.WriterOutput {
	out := contract.WriterOutput{Sentences: []contract.Sentence{}}
	seen := map[string]bool{}
	written := map[string]int{} // folded text -> sentence index
	for _, f := range order {
		text := strings.Join(strings.Fields(f.Text), " ")
		key := textnorm.Fold(text)
		if f.ID == "" || key == "" || seen["id:"+f.ID] {
			continue
		}
		if i, dup := written[key]; dup || seen[key] {
			// Same text as a sentence already written (or left out):
			// a must_use fact is cited on that sentence.
			seen["id:"+f.ID] = true
			if dup && must[f.ID] {
				s := &out.Sentences[i]
				s.FactIDs = append(s.FactIDs, f.ID)
				s.Text = cite(text, strings.Join(s.FactIDs, ", "))
			}
			continue
		}
		seen["id:"+f.ID], seen[key] = true, true
		if !must[f.ID] && (excluded["id:"+f.ID] || excluded[key]) {
			continue
		}
		if maxSentences > 0 && len(out.Sentences) >= maxSentences {
			if must[f.ID] {
				continue // the caller's limit; nothing to cite it in
			}
			break
		}
		written[key] = len(out.Sentences)
		out.Sentences = append(out.Sentences, contract.Sentence{Text: cite(text, f.ID), FactIDs: []string{f.ID}})
	}
	return out
}

// cite puts the marker of fact id (or ids, "F3, F4") before the sentence's
// final stop, adding a full stop when the text has none.
func cite(text, id string) string {
	marker := " [" + id + "]"
	if n := len(text); n > 0 && strings.ContainsRune(".!?", rune(text[n-1])) {
		return text[:n-1] + marker + text[n-1:]
	}
	return text + marker + "."
}
