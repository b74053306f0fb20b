package guards

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/opusblocks/opus/internal/contract"
	"github.com/opusblocks/opus/internal/textnorm"
)

var (
	fLDL = contract.Fact{ID: "F1",
		Text:  "Drug A lowered LDL-C by 38% versus placebo at week 12.",
		Quote: "LDL-C was reduced by 38% relative to placebo at week 12 (p < 0.001)"}
	fHedged = contract.Fact{ID: "F2",
		Text:  "Statin use may reduce the risk of dementia.",
		Quote: "These findings suggest that statin use may reduce the risk of dementia"}
	fAssoc = contract.Fact{ID: "F3",
		Text: "Coffee intake was associated with lower mortality in 5,000 adults."}
	fNeg = contract.Fact{ID: "F4",
		Text: "Drug A did not reduce mortality at 24 months."}
	fMice = contract.Fact{ID: "F5",
		Text: "In mice, compound X reduced tumour growth by 40%."}
	fPlain = contract.Fact{ID: "F6",
		Text: "The cohort comprised 1,200 participants aged 40 to 65 years."}
	fManual = contract.Fact{ID: "F7",
		Text: "120 patients were randomised."}
)

func guardNames(fs []Failure) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Guard)
	}
	return out
}

func TestCheck(t *testing.T) {
	tests := []struct {
		name     string
		sentence string
		facts    []contract.Fact
		want     []string // guard names that must fail; nil = passes
	}{
		// Passing: restatements keep numbers, hedges, negation, scope.
		{"verbatim with marker", "Drug A lowered LDL-C by 38% versus placebo at week 12 [F1].", []contract.Fact{fLDL}, nil},
		{"number from the quote", "LDL-C was reduced by 38% (p < .001) [F1].", []contract.Fact{fLDL}, nil},
		{"12 weeks for week 12", "After 12 weeks, LDL-C fell by 38 % [F1].", []contract.Fact{fLDL}, nil},
		{"hedge kept", "Statin use may lower dementia risk [F2].", []contract.Fact{fHedged}, nil},
		{"hedge changed but kept", "Statin use was suggested to reduce dementia risk [F2].", []contract.Fact{fHedged}, nil},
		{"association kept", "Coffee intake was associated with lower mortality among 5000 adults [F3].", []contract.Fact{fAssoc}, nil},
		{"negation kept", "Mortality at 24 months was not reduced by drug A [F4].", []contract.Fact{fNeg}, nil},
		{"negation paraphrased", "Drug A failed to reduce mortality at 24 months [F4].", []contract.Fact{fNeg}, nil},
		{"scope kept", "Compound X reduced tumour growth by 40% in mice [F5].", []contract.Fact{fMice}, nil},
		{"range and thousands", "The 1200 participants were aged 40-65 years [F6].", []contract.Fact{fPlain}, nil},
		{"spelled number", "One hundred and twenty patients were randomised [F7].", []contract.Fact{fManual}, nil},
		{"no numbers at all", "Patients were randomised [F7].", []contract.Fact{fManual}, nil},
		{"aggregation", "Drug A lowered LDL-C by 38% at week 12 but did not reduce mortality at 24 months [F1][F4].", []contract.Fact{fLDL, fNeg}, nil},
		{"causal verb present in the fact", "LDL-C was reduced by 38% [F1].", []contract.Fact{fLDL}, nil},

		// no_link.
		{"no facts", "Drug A lowered LDL-C by 38% [F1].", nil, []string{NoLink}},
		{"empty facts", "Anything at all.", []contract.Fact{}, []string{NoLink}},

		// numbers.
		{"number changed", "Drug A lowered LDL-C by 48% versus placebo at week 12 [F1].", []contract.Fact{fLDL}, []string{Numbers}},
		{"unit changed", "Drug A lowered LDL-C by 38 mg versus placebo at week 12 [F1].", []contract.Fact{fLDL}, []string{Numbers}},
		{"percent dropped", "Drug A lowered LDL-C by 38 points [F1].", []contract.Fact{fLDL}, []string{Numbers}},
		{"time unit changed", "Drug A lowered LDL-C by 38% at 12 months [F1].", []contract.Fact{fLDL}, []string{Numbers}},
		{"p-value changed", "LDL-C was reduced by 38% (p < 0.05) [F1].", []contract.Fact{fLDL}, []string{Numbers}},
		{"fabricated number", "Drug A lowered LDL-C by 38% in 412 patients [F1].", []contract.Fact{fLDL}, []string{Numbers}},
		{"spelled number changed", "Twelve patients were randomised [F7].", []contract.Fact{fManual}, []string{Numbers}},
		{"year added", "In 2019, 120 patients were randomised [F7].", []contract.Fact{fManual}, []string{Numbers}},
		{"decimal shifted", "The cohort comprised 120.0 participants [F6].", []contract.Fact{fPlain}, []string{Numbers}},
		{"marker-like but a reference", "Drug A lowered LDL-C by 38% [12] [F1].", []contract.Fact{fLDL}, []string{Numbers}},

		// hedge.
		{"hedge dropped", "Statin use reduces the risk of dementia [F2].", []contract.Fact{fHedged}, []string{Hedge}},
		{"hedge dropped, only the quote is hedged",
			"Statin use reduces the risk of dementia [F8].",
			[]contract.Fact{{ID: "F8", Text: "Statin use reduces the risk of dementia.", Quote: "Our data suggest that statin use reduces the risk of dementia"}},
			[]string{Hedge}},
		{"association made causal", "Coffee intake lowered mortality in 5,000 adults [F3].", []contract.Fact{fAssoc}, []string{Hedge}},
		{"association made causal with a hedge", "Coffee intake may reduce mortality in 5,000 adults [F3].", []contract.Fact{fAssoc}, []string{Hedge}},
		{"causal claim the facts lack", "Randomisation caused 120 patients to enrol [F7].", []contract.Fact{fManual}, []string{Hedge}},
		{"prevention overclaim", "Drug A lowered LDL-C by 38% and prevented events at week 12 [F1].", []contract.Fact{fLDL}, []string{Hedge}},
		{"leads to", "Drug A use leads to 38% lower LDL-C at week 12 [F1].", []contract.Fact{fLDL}, []string{Hedge}},

		// negation.
		{"negation added", "Drug A did not lower LDL-C by 38% at week 12 [F1].", []contract.Fact{fLDL}, []string{Negation}},
		{"negation dropped", "Drug A reduced mortality at 24 months [F4].", []contract.Fact{fNeg}, []string{Negation}},
		{"negation by 'no'", "There was no change in LDL-C by 38% at week 12 [F1].", []contract.Fact{fLDL}, []string{Negation}},
		{"negation by contraction", "Drug A didn't lower LDL-C by 38% at week 12 [F1].", []contract.Fact{fLDL}, []string{Negation}},
		{"'not only' is not a negation", "Drug A not only lowered LDL-C by 38% at week 12 [F1].", []contract.Fact{fLDL}, nil},

		// scope.
		{"scope overreach mice to humans", "Compound X reduced tumour growth by 40% in humans [F5].", []contract.Fact{fMice}, []string{Scope}},
		{"scope dropped", "Compound X reduced tumour growth by 40% [F5].", []contract.Fact{fMice}, []string{Scope}},
		{"scope moved to patients", "In patients, compound X reduced tumour growth by 40% [F5].", []contract.Fact{fMice}, []string{Scope}},
		{"in vitro dropped",
			"Compound Y killed 90% of tumour cells [F9].",
			[]contract.Fact{{ID: "F9", Text: "In vitro, compound Y killed 90% of tumour cells."}},
			[]string{Scope}},

		// Several at once.
		{"number and hedge", "Statin use reduces the risk of dementia by 48% [F2].", []contract.Fact{fHedged}, []string{Numbers, Hedge}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Check(tt.sentence, tt.facts)
			names := guardNames(got)
			if tt.want == nil {
				assert.Empty(t, got, "unexpected failures")
				return
			}
			for _, w := range tt.want {
				assert.Contains(t, names, w)
			}
			for _, f := range got {
				assert.NotEmpty(t, f.Reason)
			}
		})
	}
}

func TestCheckReasonsNameWhatIsWrong(t *testing.T) {
	got := Check("Drug A lowered LDL-C by 48% versus placebo at week 12 [F1].", []contract.Fact{fLDL})
	require.Len(t, got, 1)
	assert.Equal(t, Numbers, got[0].Guard)
	assert.Equal(t, "number 48% not in linked facts", got[0].Reason)
	assert.Equal(t, "48%", got[0].Span)

	got = Check("Statin use reduces the risk of dementia [F2].", []contract.Fact{fHedged})
	require.NotEmpty(t, got)
	assert.Contains(t, got[0].Reason, "F2")
	assert.Contains(t, got[0].Reason, "may")

	got = Check("Drug A reduced mortality at 24 months [F4].", []contract.Fact{fNeg})
	require.Len(t, got, 1)
	assert.Contains(t, got[0].Reason, "F4")
	assert.Contains(t, got[0].Reason, "not")

	got = Check("X.", nil)
	require.Len(t, got, 1)
	assert.Equal(t, "sentence cites no fact", got[0].Reason)
}

// Guards only take support away: whatever the sentence, adding a linked
// fact that says something else can never remove a failure of numbers,
// and no input makes Check report "supported" for a sentence without
// facts.
func TestCheckNumbersAreMonotone(t *testing.T) {
	for _, s := range []string{
		"Drug A lowered LDL-C by 48% [F1].",
		"LDL-C fell 38 mg at week 12 [F1].",
		"p < 0.05 [F1].",
	} {
		base := guardNames(Check(s, []contract.Fact{fLDL}))
		require.Contains(t, base, Numbers, s)
		more := guardNames(Check(s, []contract.Fact{fLDL, fPlain, fManual}))
		assert.Contains(t, more, Numbers, s)
	}
}

func TestCheckMarkersAreNotNumbers(t *testing.T) {
	facts := []contract.Fact{{ID: "F12", Text: "The cohort was followed for a long time."}}
	assert.Empty(t, Check("The cohort was followed for a long time [F12].", facts))
	assert.Empty(t, Check("The cohort was followed for a long time [F12, F13].", facts))
	assert.Empty(t, Check("The cohort was followed [F12] for a long time.", facts))
}

func TestNegationsAndHedges(t *testing.T) {
	toks := tokenize("The drug did not work, not only in mice; whether or not treated, no one improved.")
	var got []string
	for _, c := range Negations(toks) {
		got = append(got, c.Text)
	}
	assert.Equal(t, []string{"not", "no"}, got)

	var hedges []string
	for _, c := range Hedges(tokenize("These data suggest it may be associated with risk and appears to help.")) {
		hedges = append(hedges, strings.ToLower(c.Text))
	}
	assert.Equal(t, []string{"suggest", "may", "associated", "appears to"}, hedges)
}

func tokenize(s string) []textnorm.Token { return textnorm.Tokenize(s) }
