package offline

import (
	"fmt"
	"math/rand"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/opusblocks/opus/internal/contract"
)

func TestWriter(t *testing.T) {
	f1 := contract.Fact{ID: "F1", Text: "Drug A lowered LDL-C by 38% at week 12."}
	f2 := contract.Fact{ID: "F2", Text: "120 patients were randomised"}
	f3 := contract.Fact{ID: "F3", Text: "Did drug A work?"}
	f4 := contract.Fact{ID: "F4", Text: "  Drug A  lowered LDL-C\nby 38% at week 12. "} // same text as F1
	f5 := contract.Fact{ID: "F5", Text: "   "}
	f6 := contract.Fact{ID: "F6", Text: "Mortality did not differ between arms."}
	all := []contract.Fact{f1, f2, f3, f4, f5, f6}

	tests := []struct {
		name string
		in   contract.WriterInput
		want []contract.Sentence
	}{
		{
			name: "one sentence per fact, marker before the stop, duplicates and blanks dropped",
			in:   contract.WriterInput{Facts: all, Length: contract.Length{MinSentences: 1, MaxSentences: 10}},
			want: []contract.Sentence{
				{Text: "Drug A lowered LDL-C by 38% at week 12 [F1].", FactIDs: []string{"F1"}},
				{Text: "120 patients were randomised [F2].", FactIDs: []string{"F2"}},
				{Text: "Did drug A work [F3]?", FactIDs: []string{"F3"}},
				{Text: "Mortality did not differ between arms [F6].", FactIDs: []string{"F6"}},
			},
		},
		{
			name: "must_use first, in must_use order",
			in:   contract.WriterInput{Facts: all, MustUse: []string{"F6", "F2"}, Length: contract.Length{MaxSentences: 3}},
			want: []contract.Sentence{
				{Text: "Mortality did not differ between arms [F6].", FactIDs: []string{"F6"}},
				{Text: "120 patients were randomised [F2].", FactIDs: []string{"F2"}},
				{Text: "Drug A lowered LDL-C by 38% at week 12 [F1].", FactIDs: []string{"F1"}},
			},
		},
		{
			name: "must_use outside the allowed facts is ignored",
			in:   contract.WriterInput{Facts: []contract.Fact{f2}, MustUse: []string{"F99"}},
			want: []contract.Sentence{{Text: "120 patients were randomised [F2].", FactIDs: []string{"F2"}}},
		},
		{
			name: "max sentences",
			in:   contract.WriterInput{Facts: all, Length: contract.Length{MaxSentences: 1}},
			want: []contract.Sentence{{Text: "Drug A lowered LDL-C by 38% at week 12 [F1].", FactIDs: []string{"F1"}}},
		},
		{
			name: "fewer facts than the minimum: what exists",
			in:   contract.WriterInput{Facts: []contract.Fact{f2}, Length: contract.Length{MinSentences: 3, MaxSentences: 5}},
			want: []contract.Sentence{{Text: "120 patients were randomised [F2].", FactIDs: []string{"F2"}}},
		},
		{
			name: "repair round drops rejected sentences and their facts",
			in: contract.WriterInput{
				Facts:  []contract.Fact{f1, f2, f6},
				Length: contract.Length{MaxSentences: 5},
				Previous: []contract.Sentence{
					{Text: "Drug A lowered LDL-C by 38% at week 12 [F1].", FactIDs: []string{"F1"}},
					{Text: "120 patients were randomised [F2].", FactIDs: []string{"F2"}},
					{Text: "Mortality did not differ between arms [F6].", FactIDs: []string{"F6"}},
				},
				Rejected: []contract.Rejected{{Index: 1, Reason: "numbers: ..."}, {Index: 7, Reason: "out of range"}},
			},
			want: []contract.Sentence{
				{Text: "Drug A lowered LDL-C by 38% at week 12 [F1].", FactIDs: []string{"F1"}},
				{Text: "Mortality did not differ between arms [F6].", FactIDs: []string{"F6"}},
			},
		},
		{
			name: "a rejected text is not reused under another fact",
			in: contract.WriterInput{
				Facts:    []contract.Fact{f4, f2},
				Previous: []contract.Sentence{{Text: "Drug A lowered LDL-C by 38% at week 12 [F1].", FactIDs: []string{"F1"}}},
				Rejected: []contract.Rejected{{Index: 0, Reason: "x"}},
			},
			want: []contract.Sentence{{Text: "120 patients were randomised [F2].", FactIDs: []string{"F2"}}},
		},
		{
			name: "repair round keeps a must_use fact whose sentence was rejected",
			in: contract.WriterInput{
				Facts:   []contract.Fact{f1, f2, f6},
				MustUse: []string{"F2"},
				Length:  contract.Length{MaxSentences: 5},
				Previous: []contract.Sentence{
					{Text: "120 patients were randomised [F2].", FactIDs: []string{"F2"}},
					{Text: "Drug A lowered LDL-C by 38% at week 12 [F1].", FactIDs: []string{"F1"}},
					{Text: "Mortality did not differ between arms [F6].", FactIDs: []string{"F6"}},
				},
				Rejected: []contract.Rejected{{Index: 0, Reason: "x"}, {Index: 2, Reason: "y"}},
			},
			want: []contract.Sentence{
				{Text: "120 patients were randomised [F2].", FactIDs: []string{"F2"}},
				{Text: "Drug A lowered LDL-C by 38% at week 12 [F1].", FactIDs: []string{"F1"}},
			},
		},
		{
			name: "repair round with every sentence rejected writes them again",
			in: contract.WriterInput{
				Facts:    []contract.Fact{f1, f2},
				Previous: []contract.Sentence{{Text: "Drug A lowered LDL-C by 38% at week 12 [F1].", FactIDs: []string{"F1"}}, {Text: "120 patients were randomised [F2].", FactIDs: []string{"F2"}}},
				Rejected: []contract.Rejected{{Index: 0, Reason: "x"}, {Index: 1, Reason: "y"}},
			},
			want: []contract.Sentence{
				{Text: "Drug A lowered LDL-C by 38% at week 12 [F1].", FactIDs: []string{"F1"}},
				{Text: "120 patients were randomised [F2].", FactIDs: []string{"F2"}},
			},
		},
		{
			name: "repair round keeps the minimum number of sentences",
			in: contract.WriterInput{
				Facts:    []contract.Fact{f1, f2, f6},
				Length:   contract.Length{MinSentences: 3, MaxSentences: 5},
				Previous: []contract.Sentence{{Text: "Drug A lowered LDL-C by 38% at week 12 [F1].", FactIDs: []string{"F1"}}},
				Rejected: []contract.Rejected{{Index: 0, Reason: "x"}},
			},
			want: []contract.Sentence{
				{Text: "Drug A lowered LDL-C by 38% at week 12 [F1].", FactIDs: []string{"F1"}},
				{Text: "120 patients were randomised [F2].", FactIDs: []string{"F2"}},
				{Text: "Mortality did not differ between arms [F6].", FactIDs: []string{"F6"}},
			},
		},
		{
			name: "a must_use fact with the text of another is cited on its sentence",
			in:   contract.WriterInput{Facts: []contract.Fact{f1, f4, f2}, MustUse: []string{"F1", "F4"}},
			want: []contract.Sentence{
				{Text: "Drug A lowered LDL-C by 38% at week 12 [F1, F4].", FactIDs: []string{"F1", "F4"}},
				{Text: "120 patients were randomised [F2].", FactIDs: []string{"F2"}},
			},
		},
		{
			name: "no facts",
			in:   contract.WriterInput{Length: contract.Length{MinSentences: 2, MaxSentences: 4}},
			want: []contract.Sentence{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Writer(tt.in)
			assert.Equal(t, tt.want, got.Sentences)
			allowed := map[string]bool{}
			for _, f := range tt.in.Facts {
				allowed[f.ID] = true
			}
			for _, s := range got.Sentences {
				assert.NotEmpty(t, s.FactIDs)
				for _, id := range s.FactIDs {
					assert.True(t, allowed[id], "cites %s outside the allowed facts", id)
				}
			}
		})
	}
}

// Whatever was rejected before, the writer's output stays within its
// contract: every must_use fact cited, every link allowed, at least one
// sentence when there are facts, no more than the maximum.
func TestWriterKeepsItsContractInRepairRounds(t *testing.T) {
	var facts []contract.Fact
	for i := 1; i <= 8; i++ {
		facts = append(facts, contract.Fact{ID: fmt.Sprintf("F%d", i), Text: fmt.Sprintf("Finding number %d was observed.", i%6)})
	}
	rng := rand.New(rand.NewSource(3))
	for n := 0; n < 500; n++ {
		in := contract.WriterInput{Facts: facts[:1+rng.Intn(len(facts))], Length: contract.Length{MinSentences: rng.Intn(4), MaxSentences: 4 + rng.Intn(6)}}
		for _, f := range in.Facts {
			if rng.Intn(4) == 0 && len(in.MustUse) < 3 {
				in.MustUse = append(in.MustUse, f.ID)
			}
		}
		first := Writer(in)
		in.Previous = first.Sentences
		for i := range first.Sentences {
			if rng.Intn(2) == 0 {
				in.Rejected = append(in.Rejected, contract.Rejected{Index: i, Reason: "x"})
			}
		}
		for _, out := range []contract.WriterOutput{first, Writer(in)} {
			assert.NotEmpty(t, out.Sentences)
			assert.LessOrEqual(t, len(out.Sentences), in.Length.MaxSentences)
			cited := map[string]bool{}
			for _, s := range out.Sentences {
				for _, id := range s.FactIDs {
					cited[id] = true
					assert.Contains(t, s.Text, id)
				}
			}
			for _, id := range in.MustUse {
				assert.True(t, cited[id], "must_use %s not cited in %+v", id, out.Sentences)
			}
		}
	}
}
