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

func cueTexts(cues []Cue) []string {
	var out []string
	for _, c := range cues {
		out = append(out, strings.ToLower(c.Text))
	}
	return out
}

// Cues are whole words as written: never a stem or a prefix of another
// word.
func TestCuesAreWholeWords(t *testing.T) {
	for _, s := range []string{
		"Note that the input rate is less than for grep.",
		"As noted above, the notes were kept.",
		"Nonetheless, the knot held; nonce words and nominal values were nowhere.",
		"Heart failure was the main diagnosis.",
		"The nothingness of the canopy.",
	} {
		assert.Empty(t, Negations(tokenize(s)), s)
	}
	assert.Equal(t, []string{"not", "n't", "not", "none", "without", "lacks", "failed"},
		cueTexts(Negations(tokenize("It is not here, it isn't there, it cannot be; none came without it; it lacks X and failed."))))

	for _, s := range []string{
		"The study ran from March to May 2014.",
		"Patients were enrolled in May.",
		"Enrolment closed on 12 May 2019.",
		"Recruitment lasted until mid-May.",
		"We tested all possible combinations as soon as possible.",
		"The action potential was recorded.",
		"Mayo Clinic patients and Maya.",
	} {
		assert.Empty(t, Hedges(tokenize(s)), s)
	}
	for _, s := range []string{
		"Statins may reduce risk.",
		"Statins May Reduce Dementia Risk.",
		"May statins reduce risk?",
		"To the authors' knowledge, REALM is the first system.",
		"To our knowledge, it is new.",
		"To the best of our knowledge, it is new.",
		"As far as the authors know, no system did.",
		"We believe this is new.",
		"It is thought to act on X.",
		"The effect seems small.",
		"This apparently helps.",
		"The data indicate a benefit.",
		"Presumably the drug acts on X.",
		"The drug was possibly effective.",
		"The effect, arguably, is small.",
	} {
		assert.NotEmpty(t, Hedges(tokenize(s)), s)
	}
	// Model organisms are whole words too: a sampling rate is no rat.
	assert.Empty(t, scopeGroups(tokenize("The sampling rate was 1000 Hz; rates of mousetraps.")))
	assert.Equal(t, []string{"rats"}, scopeGroups(tokenize("Rats were sampled.")))
}

func TestCheckNewRules(t *testing.T) {
	fREALM := contract.Fact{ID: "F1",
		Text:  "To the authors' knowledge, REALM is the first system to use language modeling techniques for IE Assessment.",
		Quote: "To our knowledge, REALM is the first system to use language modeling techniques for IE Assessment."}
	fWheat := contract.Fact{ID: "F2", Text: "Wheat is more sensitive to heat stress during the reproductive phase than the vegetative stage."}
	fCmp := contract.Fact{ID: "F3", Text: "Drug A lowered LDL-C more than placebo at week 12."}
	fChain := contract.Fact{ID: "F4", Text: "Site A was warmer than site B, and site B was warmer than site C."}
	fOver := contract.Fact{ID: "F5", Text: "The new index gave a 3.9x speedup over the interpreter."}
	fTime := contract.Fact{ID: "F6", Text: "The entire test took 2 hours (including breaks)."}
	fWeeks := contract.Fact{ID: "F7", Text: "Drug A was taken for 12 weeks."}
	fMay := contract.Fact{ID: "F8", Text: "Statins may reduce dementia in older adults."}
	fRate := contract.Fact{ID: "F9", Text: "EEG was recorded at a sampling rate of 1000 Hz."}
	fQuoteNeg := contract.Fact{ID: "F10",
		Text:  "The entire sort took 1283 seconds, an increase of 44% in elapsed time.",
		Quote: "The entire computation takes 1283 seconds, an increase of 44% in elapsed time. However these last few stragglers don't finish until 300 seconds later."}
	fAnaphora := contract.Fact{ID: "F11",
		Text:  "Drug A lowered LDL-C by 38% at week 12.",
		Quote: "Drug A lowered LDL-C by 38% at week 12. This was not significant after adjustment."}
	fQuoteHedge := contract.Fact{ID: "F12",
		Text:  "LDL-C fell by 38% at week 12.",
		Quote: "LDL-C fell by 38% at week 12. Statins may reduce events in older adults."}
	fFell := contract.Fact{ID: "F13", Text: "Coffee intake was associated with lower mortality in 5,000 adults."}
	fList := contract.Fact{ID: "F14", Text: "Drug A lowered LDL-C; thus fewer patients needed statins."}

	tests := []struct {
		name     string
		sentence string
		facts    []contract.Fact
		want     []string
	}{
		// Hedges that are phrases.
		{"knowledge hedge dropped", "REALM is the first system to use language modeling techniques for IE assessment.", []contract.Fact{fREALM}, []string{Hedge}},
		{"knowledge hedge kept", "To our knowledge, REALM is the first system to use language modeling techniques for IE assessment.", []contract.Fact{fREALM}, nil},
		{"knowledge hedge paraphrased", "As far as the authors know, REALM is the first system to use language modeling techniques for IE assessment.", []contract.Fact{fREALM}, nil},
		// The month is no hedge, so it cannot stand in for one.
		{"May the month is no hedge", "In May 2014, statins reduced dementia in older adults.", []contract.Fact{fMay}, []string{Hedge}},
		{"may the modal", "Statins may reduce dementia in older adults.", []contract.Fact{fMay}, nil},

		// Comparisons keep their sides.
		{"sides swapped", "Wheat is more sensitive to heat stress during the vegetative stage than during the reproductive phase.", []contract.Fact{fWheat}, []string{Comparison}},
		{"sides kept", "Wheat is more sensitive to heat stress during the reproductive phase than during the vegetative stage.", []contract.Fact{fWheat}, nil},
		{"sides kept, marker paraphrased", "Drug A lowered LDL-C more compared with placebo at week 12.", []contract.Fact{fCmp}, nil},
		{"fronted marker", "Compared with placebo, drug A lowered LDL-C more at week 12.", []contract.Fact{fCmp}, nil},
		{"fronted marker swapped", "Compared with drug A, placebo lowered LDL-C more at week 12.", []contract.Fact{fCmp}, []string{Comparison}},
		{"versus swapped", "Placebo lowered LDL-C more versus drug A at week 12.", []contract.Fact{fCmp}, []string{Comparison}},
		{"relative to swapped", "Placebo lowered LDL-C more relative to drug A.", []contract.Fact{fCmp}, []string{Comparison}},
		{"chain: the third is not the first", "Site C was warmer than site B.", []contract.Fact{fChain}, []string{Comparison}},
		{"chain: each link holds", "Site B was warmer than site C.", []contract.Fact{fChain}, nil},
		{"over after a gain", "The interpreter gave a 3.9x speedup over the new index.", []contract.Fact{fOver}, []string{Comparison}},
		{"over after a gain kept", "The new index gave a 3.9x speedup over the interpreter.", []contract.Fact{fOver}, nil},
		{"a comparison no fact makes", "Drug A was taken for longer than placebo.", []contract.Fact{fWeeks}, []string{Comparison}},
		{"a bound is no comparison", "Drug A was taken for more than 12 weeks.", []contract.Fact{fWeeks}, nil},
		{"over a time is no comparison", "Drug A was taken over 12 weeks.", []contract.Fact{fWeeks}, nil},

		// Numbers in other units, converted exactly.
		{"2 hours as 120 minutes", "The entire test took 120 minutes, including breaks.", []contract.Fact{fTime}, nil},
		{"12 weeks as 84 days", "Drug A was taken for 84 days.", []contract.Fact{fWeeks}, nil},
		{"12 weeks is not 3 months", "Drug A was taken for 3 months.", []contract.Fact{fWeeks}, []string{Numbers}},
		{"not 85 days", "Drug A was taken for 85 days.", []contract.Fact{fWeeks}, []string{Numbers}},
		{"1 kHz", "EEG was recorded at a sampling rate of 1 kHz.", []contract.Fact{fRate}, nil},

		// A sampling rate is no rat: no scope qualifier to keep.
		{"rate is not rats", "EEG was recorded at a sampling rate of 1000 Hz.", []contract.Fact{fRate}, nil},

		// Negations and hedges bind the sentences of a quote they belong to.
		{"a negated sentence of the quote the sentence does not use", "The entire sort took 1283 seconds, an increase of 44% in elapsed time.", []contract.Fact{fQuoteNeg}, nil},
		{"a negated sentence of the quote the sentence uses", "The last few stragglers finish 300 seconds later.", []contract.Fact{fQuoteNeg}, []string{Negation}},
		{"a negation that refers back", "Drug A lowered LDL-C by 38% at week 12.", []contract.Fact{fAnaphora}, []string{Negation}},
		{"a negation that names what came before", "Drug A lowered LDL-C by 38% at week 12.", []contract.Fact{{ID: "F16",
			Text:  "Drug A lowered LDL-C by 38% at week 12.",
			Quote: "Drug A lowered LDL-C by 38% at week 12. The difference was not significant."}}, []string{Negation}},
		{"a hedge that refers back", "Drug A lowered LDL-C by 38% at week 12.", []contract.Fact{{ID: "F17",
			Text:  "Drug A lowered LDL-C by 38% at week 12.",
			Quote: "Drug A lowered LDL-C by 38% at week 12; these findings may reflect chance."}}, []string{Hedge}},
		{"a hedged sentence of the quote the sentence does not use", "LDL-C fell by 38% at week 12.", []contract.Fact{fQuoteHedge}, nil},
		{"a hedged sentence of the quote the sentence uses", "Statins reduce events in older adults.", []contract.Fact{fQuoteHedge}, []string{Hedge}},

		// Verbs of change are claims of change.
		{"fell from an association", "Mortality fell with coffee intake in 5,000 adults.", []contract.Fact{fFell}, []string{Hedge}},
		{"therefore from nothing", "Drug A lowered LDL-C; therefore 120 patients were randomised.", []contract.Fact{fLDL, fManual}, []string{Hedge}},
		{"thus from a fact that says so", "Drug A lowered LDL-C; thus fewer patients needed statins.", []contract.Fact{fList}, nil},
		{"since a year is no reason", "Since 2019, 120 patients were randomised.", []contract.Fact{{ID: "F15", Text: "Since 2019, 120 patients were randomised."}}, nil},
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
		})
	}
}
