package offline

import (
	"strings"

	"github.com/opusblocks/opus/internal/contract"
	"github.com/opusblocks/opus/internal/textnorm"
)

// Writer writes one sentence per allowed fact: the fact's text with its
// marker before the final stop ("... at week 12 [F3]."). must_use facts come
// first, in must_use order, then the others in the order given; facts with
// the same text are written once; at most Length.MaxSentences sentences
// (when set). Fewer facts than Length.MinSentences give fewer sentences:
// the caller decides what that means.
//
// In a repair round the facts behind rejected sentences are left out, so a
// rejected sentence is never written again.
func Writer(in contract.WriterInput) contract.WriterOutput {
	out := contract.WriterOutput{Sentences: []contract.Sentence{}}
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
	order := make([]contract.Fact, 0, len(in.Facts)+len(in.MustUse))
	for _, id := range in.MustUse {
		if f, ok := byID[id]; ok {
			order = append(order, f)
		}
	}
	order = append(order, in.Facts...)

	seen := map[string]bool{}
	for _, f := range order {
		if in.Length.MaxSentences > 0 && len(out.Sentences) >= in.Length.MaxSentences {
			break
		}
		text := strings.Join(strings.Fields(f.Text), " ")
		key := textnorm.Fold(text)
		if f.ID == "" || key == "" || seen["id:"+f.ID] || seen[key] {
			continue
		}
		seen["id:"+f.ID], seen[key] = true, true
		if excluded["id:"+f.ID] || excluded[key] {
			continue
		}
		out.Sentences = append(out.Sentences, contract.Sentence{Text: cite(text, f.ID), FactIDs: []string{f.ID}})
	}
	return out
}

// cite puts the marker of fact id before the sentence's final stop, adding
// a full stop when the text has none.
func cite(text, id string) string {
	marker := " [" + id + "]"
	if n := len(text); n > 0 && strings.ContainsRune(".!?", rune(text[n-1])) {
		return text[:n-1] + marker + text[n-1:]
	}
	return text + marker + "."
}
