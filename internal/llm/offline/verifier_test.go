package offline

import (
	"fmt"
	"math/rand"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/opusblocks/opus/internal/contract"
	"github.com/opusblocks/opus/internal/textnorm"
)

// Facts written for these tests; none is a golden item.
var (
	fLDL = contract.Fact{ID: "F1",
		Text:  "Drug A lowered LDL-C by 38% versus placebo at week 12.",
		Quote: "LDL-C was reduced by 38% relative to placebo at week 12"}
	fRandomised = contract.Fact{ID: "F2", Text: "120 patients were randomised to drug A or placebo."}
	fHedged     = contract.Fact{ID: "F3",
		Text:  "Statin use may reduce the risk of dementia in older adults.",
		Quote: "These findings suggest that statin use may reduce the risk of dementia in older adults"}
	fAssoc = contract.Fact{ID: "F4", Text: "Coffee intake was associated with lower mortality in 5,000 adults."}
	fNeg   = contract.Fact{ID: "F5", Text: "Drug A did not reduce mortality at 24 months."}
	fMice  = contract.Fact{ID: "F6", Text: "In mice, compound X reduced tumour growth by 40%."}
	fComp  = contract.Fact{ID: "F7", Text: "Drug A was more effective than drug B in preventing relapse."}
	fTwo   = contract.Fact{ID: "F8", Text: "LDL-C fell by 38% in group A and by 12% in group B."}
	fMixed = contract.Fact{ID: "F9", Text: "Drug A did not reduce LDL-C but reduced triglycerides by 20%."}
	fHDL   = contract.Fact{ID: "F10", Text: "Drug A raised HDL-C by 5% at week 12."}
	fTwoOp = contract.Fact{ID: "F11", Text: "Drug A reduced LDL-C and drug B reduced HDL-C."}
	fYear  = contract.Fact{ID: "F12", Text: "The survey was conducted before the pandemic in 2019."}
	fPair  = contract.Fact{ID: "F13", Text: "Patients and controls were matched for age and sex."}
	fTwelv = contract.Fact{ID: "F14", Text: "Twelve participants withdrew from the study."}
	fPval  = contract.Fact{ID: "F15", Text: "The difference in pain scores was significant (P<0.05)."}
	fWords = contract.Fact{ID: "F16", Text: "The randomised trial reduces hospital admissions."}
	fHDLB  = contract.Fact{ID: "F17", Text: "Drug B raised HDL-C by 5% at week 12."}
	fResp  = contract.Fact{ID: "F18", Text: "LDL-C fell by 38% and 12% in groups A and B, respectively."}
	fKin   = contract.Fact{ID: "F19", Text: "Kinase X phosphorylated protein Y in vitro."}
	fRange = contract.Fact{ID: "F20", Text: "Mean scores rose from 10 to 20 points over the year."}
	fBelow = contract.Fact{ID: "F21", Text: "LDL-C remained < 100 mg/dL in 90% of treated patients."}
	fERpos = contract.Fact{ID: "F22", Text: "Drug A improved survival in ER+ tumours."}
	fUse   = contract.Fact{ID: "F23", Text: "We use drug A in routine care."}
	fRisk  = contract.Fact{ID: "F24", Text: "Obesity is a risk factor for diabetes."}
)

func verdict(t *testing.T, sentence string, facts ...contract.Fact) contract.Verdict {
	t.Helper()
	out := Verifier(contract.VerifierInput{Items: []contract.VerifyItem{{Index: 7, Sentence: sentence, Facts: facts}}})
	require.Len(t, out.Verdicts, 1)
	require.Equal(t, 7, out.Verdicts[0].Index)
	return out.Verdicts[0]
}

type item struct {
	why, sentence string
	facts         []contract.Fact
}

func accepts(t *testing.T, tests []item) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.why+"/"+tt.sentence, func(t *testing.T) {
			v := verdict(t, tt.sentence, tt.facts...)
			assert.True(t, v.Supported, "must be supported, got %q", v.Reason)
			assert.Empty(t, v.UnsupportedSpan)
			for _, f := range tt.facts {
				assert.Contains(t, v.Reason, f.ID)
			}
		})
	}
}

func rejects(t *testing.T, tests []item) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.why+"/"+tt.sentence, func(t *testing.T) {
			v := verdict(t, tt.sentence, tt.facts...)
			assert.False(t, v.Supported, "must be unsupported")
			assert.NotEmpty(t, v.Reason)
		})
	}
}

// Every category of unsupported sentence of the evaluation plan is
// rejected, and the reason says why.
func TestVerifierRejects(t *testing.T) {
	tests := []struct {
		category, sentence string
		facts              []contract.Fact
		reason             string // substring of the reason
	}{
		{"number_changed", "Drug A lowered LDL-C by 48% versus placebo at week 12 [F1].", []contract.Fact{fLDL}, "48%"},
		{"number_changed", "Drug A lowered LDL-C by 38% versus placebo at week 24 [F1].", []contract.Fact{fLDL}, "week 24"},
		{"number_changed", "1200 patients were randomised to drug A or placebo [F2].", []contract.Fact{fRandomised}, "1200"},
		{"number_changed", "Thirteen participants withdrew from the study [F14].", []contract.Fact{fTwelv}, "Thirteen"},
		{"number_changed", "The difference in pain scores was significant (p < 0.01) [F15].", []contract.Fact{fPval}, "p < 0.01"},
		{"number_changed", "Mean scores rose from 20 to 10 points over the year [F20].", []contract.Fact{fRange}, "restate"},
		{"unit_changed", "Drug A lowered LDL-C by 38 mg/dL versus placebo at week 12 [F1].", []contract.Fact{fLDL}, "38 mg/dL"},
		{"unit_changed", "Drug A lowered LDL-C by 38% versus placebo at 12 months [F1].", []contract.Fact{fLDL}, "12 months"},
		{"unit_changed", "Drug A lowered LDL-C by 38 percentage points versus placebo at week 12 [F1].", []contract.Fact{fLDL}, "38 percentage points"},
		{"negation", "Drug A did not lower LDL-C by 38% versus placebo at week 12 [F1].", []contract.Fact{fLDL}, "negat"},
		{"negation", "Drug A reduced mortality at 24 months [F5].", []contract.Fact{fNeg}, "negated"},
		{"negation", "Drug A did not reduce triglycerides but reduced LDL-C by 20% [F9].", []contract.Fact{fMixed}, "restate"},
		{"negation", "Drug A reduced LDL-C [F9].", []contract.Fact{fMixed}, ""},
		{"negation", "Drug A did not not reduce mortality at 24 months [F5].", []contract.Fact{fNeg}, "restate"},
		{"negation", "Drug A did NOT reduce mortality at 24 months [F1].", []contract.Fact{fLDL}, ""},
		{"hedge_dropped", "Statin use reduces the risk of dementia in older adults [F3].", []contract.Fact{fHedged}, "hedged"},
		{"hedge_dropped", "Statin use reduced the risk of dementia in older adults [F3].", []contract.Fact{fHedged}, "may"},
		{"hedge_dropped", "Statin use may reduce the risk of dementia in older adults, and statin use reduces the risk of dementia [F3].", []contract.Fact{fHedged}, "restate"},
		{"causal_overreach", "Coffee intake lowered mortality in 5,000 adults [F4].", []contract.Fact{fAssoc}, ""},
		{"causal_overreach", "Coffee intake reduced mortality in 5,000 adults, an association [F4].", []contract.Fact{fAssoc}, "causal"},
		{"causal_overreach", "Coffee intake was associated with lower mortality in 5,000 adults because it prevents disease [F4].", []contract.Fact{fAssoc}, "causal"},
		{"scope_overreach", "In humans, compound X reduced tumour growth by 40% [F6].", []contract.Fact{fMice}, "mice"},
		{"scope_overreach", "Compound X reduced tumour growth by 40% [F6].", []contract.Fact{fMice}, "mice"},
		{"scope_overreach", "In mice and patients, compound X reduced tumour growth by 40% [F6].", []contract.Fact{fMice}, "patients"},
		{"scope_overreach", "Statin use may reduce the risk of dementia [F3].", []contract.Fact{fHedged}, "older"},
		{"comparative_reversed", "Drug B was more effective than drug A in preventing relapse [F7].", []contract.Fact{fComp}, "comparison"},
		{"comparative_reversed", "Drug A was less effective than drug B in preventing relapse [F7].", []contract.Fact{fComp}, "less"},
		{"comparative_reversed", "Drug A lowered LDL-C by 38% more than placebo at week 12 [F1].", []contract.Fact{fLDL}, "more"},
		{"comparative_reversed", "LDL-C remained > 100 mg/dL in 90% of treated patients [F21].", []contract.Fact{fBelow}, ">"},
		{"comparative_reversed", "LDL-C remained 100 mg/dL in 90% of treated patients [F21].", []contract.Fact{fBelow}, "100 mg/dL"},
		{"entity_swapped", "Drug B lowered LDL-C by 38% versus placebo at week 12 [F1].", []contract.Fact{fLDL}, `"B"`},
		{"entity_swapped", "Drug A lowered HDL-C by 38% versus placebo at week 12 [F1].", []contract.Fact{fLDL}, `"HDL"`},
		{"entity_swapped", "LDL-C fell by 12% in group A and by 38% in group B [F8].", []contract.Fact{fTwo}, ""},
		{"entity_swapped", "LDL-C fell by 12% in group A [F8].", []contract.Fact{fTwo}, "restate"},
		{"entity_swapped", "Drug A reduced HDL-C [F11].", []contract.Fact{fTwoOp}, "restate"},
		{"entity_swapped", "Drug B reduced LDL-C and drug A reduced HDL-C [F11].", []contract.Fact{fTwoOp}, ""},
		{"entity_swapped", "LDL-C fell by 12% and 38% in groups A and B, respectively [F18].", []contract.Fact{fResp}, "restate"},
		{"entity_swapped", "Protein Y phosphorylated kinase X in vitro [F19].", []contract.Fact{fKin}, "restate"},
		{"entity_swapped", "Drug A improved survival in ER- tumours [F22].", []contract.Fact{fERpos}, "ER-"},
		{"entity_swapped", "Diabetes is a risk factor for obesity [F24].", []contract.Fact{fRisk}, "restate"},
		{"entity_swapped across facts", "Drug A lowered HDL-C by 38% versus placebo at week 12 [F1][F17].", []contract.Fact{fLDL, fHDLB}, ""},
		{"entity_swapped across facts", "Drug A raised HDL-C by 5% at week 12 [F1][F17].", []contract.Fact{fLDL, fHDLB}, ""},
		{"fabricated_detail", "Drug A lowered LDL-C by 38% versus placebo at week 12 in 412 patients [F1].", []contract.Fact{fLDL}, "412"},
		{"fabricated_detail", "Drug A significantly lowered LDL-C by 38% versus placebo at week 12 [F1].", []contract.Fact{fLDL}, "significantly"},
		{"fabricated_detail", "Drug A lowered LDL-C by 38% versus placebo at week 12 in diabetic patients [F1].", []contract.Fact{fLDL}, "diabetic"},
		{"fabricated_detail", "Drug A lowered LDL-C by 38% versus placebo at week 12 (p < 0.05) [F1].", []contract.Fact{fLDL}, "p < 0.05"},
		{"fabricated_detail", "We use drug A in routine care in the US [F23].", []contract.Fact{fUse}, "US"},
		{"partial_support", "Drug A lowered LDL-C by 38% and mortality versus placebo at week 12 [F1].", []contract.Fact{fLDL}, `"mortality"`},
		{"partial_support", "Drug A lowered LDL-C by 38% and raised HDL-C by 5% at week 12 [F1].", []contract.Fact{fLDL}, ""},
		{"partial_support", "All 120 patients were randomised to drug A or placebo [F2].", []contract.Fact{fRandomised}, `"All"`},
		{"no_link", "Drug A lowered LDL-C by 38% versus placebo at week 12.", nil, "sentence cites no fact"},
		{"no_link", "Drug A lowered LDL-C by 38% versus placebo at week 12 [F1].", []contract.Fact{}, "sentence cites no fact"},
		{"temporal_shift", "The survey was conducted after the pandemic in 2019 [F12].", []contract.Fact{fYear}, `"after"`},
		{"temporal_shift", "The survey was conducted before the pandemic in 2020 [F12].", []contract.Fact{fYear}, "2020"},
		{"temporal_shift", "The survey will be conducted before the pandemic in 2019 [F12].", []contract.Fact{fYear}, `"will"`},
		{"temporal_shift", "Drug A lowered LDL-C by 38% versus placebo at baseline [F1].", []contract.Fact{fLDL}, "baseline"},
		{"temporal_shift", "Drug A lowered LDL-C by 38% versus placebo [F1].", []contract.Fact{fLDL}, "week 12"},
		{"empty", "", []contract.Fact{fLDL}, "nothing"},
		{"empty", "It was. [F1]", []contract.Fact{fLDL}, "nothing"},
	}
	for _, tt := range tests {
		t.Run(tt.category+"/"+tt.sentence, func(t *testing.T) {
			v := verdict(t, tt.sentence, tt.facts...)
			assert.False(t, v.Supported, "must be unsupported")
			assert.NotEmpty(t, v.Reason)
			assert.Contains(t, v.Reason, tt.reason)
		})
	}
}

// Rule restate: a clause of the sentence is a clause of a fact, word for
// word up to stop words, inflection and spelling.
func TestRuleRestate(t *testing.T) {
	accepts(t, []item{
		{"verbatim", "Drug A lowered LDL-C by 38% versus placebo at week 12 [F1].", []contract.Fact{fLDL}},
		{"verbatim quote", "LDL-C was reduced by 38% relative to placebo at week 12 [F1].", []contract.Fact{fLDL}},
		{"verbatim hedged", "Statin use may reduce the risk of dementia in older adults [F3].", []contract.Fact{fHedged}},
		{"verbatim negated", "Drug A did not reduce mortality at 24 months [F5].", []contract.Fact{fNeg}},
		{"verbatim mixed negation", "Drug A did not reduce LDL-C but reduced triglycerides by 20% [F9].", []contract.Fact{fMixed}},
		{"verbatim association", "Coffee intake was associated with lower mortality in 5,000 adults [F4].", []contract.Fact{fAssoc}},
		{"verbatim two numbers", "LDL-C fell by 38% in group A and by 12% in group B [F8].", []contract.Fact{fTwo}},
		{"verbatim comparison", "Drug A was more effective than drug B in preventing relapse [F7].", []contract.Fact{fComp}},
		{"verbatim bound", "LDL-C remained <100 mg/dL in 90% of treated patients [F21].", []contract.Fact{fBelow}},
		{"verbatim marker sign", "Drug A improved survival in ER+ tumours [F22].", []contract.Fact{fERpos}},
		{"scope kept", "In mice, compound X reduced tumour growth by 40% [F6].", []contract.Fact{fMice}},
		{"no marker", "Drug A lowered LDL-C by 38% versus placebo at week 12.", []contract.Fact{fLDL}},
		{"stop words differ", "Drug A had lowered the LDL-C by 38% versus placebo at week 12 [F1].", []contract.Fact{fLDL}},
		{"inflection", "The randomised trials reduced hospital admission [F16].", []contract.Fact{fWords}},
		{"spelling", "The randomized trial reduces hospital admissions [F16].", []contract.Fact{fWords}},
		{"vs for versus", "Drug A lowered LDL-C by 38% vs placebo at week 12 [F1].", []contract.Fact{fLDL}},
	})
	rejects(t, []item{
		{"a word the fact lacks", "Drug A lowered serum LDL-C by 38% versus placebo at week 12 [F1].", []contract.Fact{fLDL}},
		{"words reordered", "Drug A lowered LDL-C by 38% at week 12 versus placebo [F1].", []contract.Fact{fLDL}},
		{"subject and object swapped", "Placebo lowered LDL-C by 38% versus drug A at week 12 [F1].", []contract.Fact{fLDL}},
		{"a modifier left out", "Drug A lowered LDL-C by 38% versus placebo at week 12 in 120 patients [F1].", []contract.Fact{fLDL}},
		{"a head left out", "The randomised trial reduces hospital [F16].", []contract.Fact{fWords}},
		{"a modifier of the head left out", "The randomised trial reduces admissions [F16].", []contract.Fact{fWords}},
		{"the subject left out", "Lowered LDL-C by 38% versus placebo at week 12 [F1].", []contract.Fact{fLDL}},
		{"a pronoun for the subject", "It lowered LDL-C by 38% versus placebo at week 12 [F1].", []contract.Fact{fLDL}},
		{"a time left out", "Drug A did not reduce mortality [F5].", []contract.Fact{fNeg}},
		{"a population left out", "Coffee intake was associated with lower mortality [F4].", []contract.Fact{fAssoc}},
		{"a list reordered", "Patients and controls were matched for sex and age [F13].", []contract.Fact{fPair}},
		{"a domain left out", "Drug A was more effective than drug B [F7].", []contract.Fact{fComp}},
	})
}

// What restate may leave out of a fact (droppable): asides, a second
// predicate, phrases of detail; and what it may not.
func TestRuleDroppable(t *testing.T) {
	fAside := contract.Fact{ID: "F30", Text: "The pump delivered 5 mL per minute (model P2, firmware 1.3) during the run."}
	fPred := contract.Fact{ID: "F31", Text: "Each session lasted two days and was recorded on video."}
	fPurpose := contract.Fact{ID: "F32", Text: "Soil cores were taken 5 days after burning for isotope analysis with a mass spectrometer."}
	fPart := contract.Fact{ID: "F33", Text: "The roots of the seedlings were rinsed twice in tap water."}
	fWhich := contract.Fact{ID: "F34", Text: "The index halved query time, which the authors had not expected."}
	fPop := contract.Fact{ID: "F35", Text: "The vaccine was given to infants in two doses."}
	fCount := contract.Fact{ID: "F36", Text: "Some 40% of the sampled wells held arsenic above the limit."}
	fCond := contract.Fact{ID: "F37", Text: "Yields rose by 12% on plots with drip irrigation."}
	fEx := contract.Fact{ID: "F38", Text: "Hardy cereals such as rye and oats were sown in March."}
	accepts(t, []item{
		{"a bracketed aside", "The pump delivered 5 mL per minute during the run [F30].", []contract.Fact{fAside}},
		{"a second predicate", "Each session lasted two days [F31].", []contract.Fact{fPred}},
		{"a second predicate, in hours", "Each session lasted 48 hours [F31].", []contract.Fact{fPred}},
		{"a purpose", "Soil cores were taken 5 days after burning [F32].", []contract.Fact{fPurpose}},
		{"a part", "The roots were rinsed twice in tap water [F33].", []contract.Fact{fPart}},
		{"examples", "Hardy cereals were sown in March [F38].", []contract.Fact{fEx}},
		{"a second predicate after a purpose", "The pump ran [F44].", []contract.Fact{{ID: "F44", Text: "The pump ran to drain the tank and was then cleaned."}}},
	})
	rejects(t, []item{
		{"a negated relative clause", "The index halved query time [F34].", []contract.Fact{fWhich}},
		{"a population", "The vaccine was given in two doses [F35].", []contract.Fact{fPop}},
		{"what a number counts", "Some 40% held arsenic above the limit [F36].", []contract.Fact{fCount}},
		{"a quantifier", "The sampled wells held arsenic above the limit [F36].", []contract.Fact{fCount}},
		{"a condition", "Yields rose by 12% [F37].", []contract.Fact{fCond}},
		{"a condition, a plot", "Yields rose by 12% on plots [F37].", []contract.Fact{fCond}},
		{"a setting in an aside", "Compound Z killed the cells [F39].", []contract.Fact{{ID: "F39", Text: "Compound Z killed the cells (in culture)."}}},
		{"a number in a phrase of detail", "The pump delivered 5 mL [F40].", []contract.Fact{{ID: "F40", Text: "The pump delivered 5 mL for 3 hours."}}},
		{"a leading phrase", "The seedlings were rinsed twice [F41].", []contract.Fact{{ID: "F41", Text: "For the second trial, the seedlings were rinsed twice."}}},
		{"a time in a phrase of detail", "The pump ran [F42].", []contract.Fact{{ID: "F42", Text: "The pump ran for a day and was then cleaned."}}},
		{"a phrase across a comma", "Cells were stained [F43].", []contract.Fact{{ID: "F43", Text: "Cells were stained to show nuclei, as described before."}}},
	})
}

// Rule clauses: each clause of the sentence may restate another fact or
// clause, in any order; a clause that leans on the one before it ("and
// HDL-C by 12%") may not be taken from another fact.
func TestRuleClauses(t *testing.T) {
	fA := contract.Fact{ID: "F51", Text: "Drug A lowered LDL-C by 38%."}
	fB := contract.Fact{ID: "F52", Text: "Drug B lowered HDL-C by 12%."}
	fT := contract.Fact{ID: "F53", Text: "The test took 2 hours."}
	fU := contract.Fact{ID: "F54", Text: "The break took 30 minutes."}
	fC := contract.Fact{ID: "F55", Text: "Site A warmed by 2 °C, whereas site B cooled by 1 °C."}
	fD := contract.Fact{ID: "F56", Text: "Output rose by 8%; costs fell by 3%."}
	fAbs := contract.Fact{ID: "F57", Text: "The model explained 60% of the variance, with the first factor (F-one) accounting for 20%."}
	accepts(t, []item{
		{"two facts", "Drug A lowered LDL-C by 38% and drug B lowered HDL-C by 12% [F51][F52].", []contract.Fact{fA, fB}},
		{"two facts, comma", "Drug A lowered LDL-C by 38%, and drug B lowered HDL-C by 12% [F51][F52].", []contract.Fact{fA, fB}},
		{"two facts reordered", "Drug B lowered HDL-C by 12% and drug A lowered LDL-C by 38% [F51][F52].", []contract.Fact{fA, fB}},
		{"two facts, converted", "The test took 120 minutes and the break took half an hour [F53][F54].", []contract.Fact{fT, fU}},
		{"contrast clauses reordered", "Site B cooled by 1 °C, whereas site A warmed by 2 °C [F55].", []contract.Fact{fC}},
		{"one clause of two", "Site B cooled by 1 °C [F55].", []contract.Fact{fC}},
		{"a clause after a semicolon", "Costs fell by 3% [F56].", []contract.Fact{fD}},
		{"an absolute construction", "The first factor accounted for 20% [F57].", []contract.Fact{fAbs}},
	})
	rejects(t, []item{
		{"a number continued into another fact", "Drug A lowered LDL-C by 38% and HDL-C by 12% [F51][F52].", []contract.Fact{fA, fB}},
		{"an object continued into another fact", "Drug A lowered LDL-C and HDL-C [F57][F58].", []contract.Fact{
			{ID: "F57", Text: "Drug A lowered LDL-C."}, {ID: "F58", Text: "Drug B lowered HDL-C."}}},
		{"a number taken to another fact", "Drug A lowered LDL-C by 12% and drug B lowered HDL-C by 38% [F51][F52].", []contract.Fact{fA, fB}},
		{"a number taken to another fact, alone", "Drug B lowered HDL-C by 38% [F51][F52].", []contract.Fact{fA, fB}},
		{"a converted number taken to another fact", "The test took 30 minutes and the break took 120 minutes [F53][F54].", []contract.Fact{fT, fU}},
		{"a converted number taken to another fact, alone", "The break took 2 hours [F53][F54].", []contract.Fact{fT, fU}},
		{"an entity taken to another fact", "Drug A was given to children [F55][F56].", []contract.Fact{
			{ID: "F55", Text: "Drug A was given to older adults."}, {ID: "F56", Text: "Drug B was given to children."}}},
		{"a clause of numbers parallel to another", "LDL fell 38% at 24 weeks [F47].", []contract.Fact{{ID: "F47", Text: "LDL fell 38% at 12 weeks and 20% at 24 weeks."}}},
		{"a clause of another year", "In 2020, samples were taken at 7, 10 and 14 days [F38].", []contract.Fact{
			{ID: "F38", Text: "In 2020, samples were taken at 7 and 14 days. In 2021, samples were taken at 7, 10 and 14 days."}}},
		{"subjects joined", "Drug A and drug B lowered HDL-C by 12% [F51][F52].", []contract.Fact{fA, fB}},
	})
}

// Rule units: numbers compare by value, converted exactly.
func TestRuleUnits(t *testing.T) {
	fRun := contract.Fact{ID: "F60", Text: "The full run took 2 hours (including set-up)."}
	fFrost := contract.Fact{ID: "F61", Text: "The bulbs were chilled at 5 °C for 8 weeks."}
	fDose := contract.Fact{ID: "F62", Text: "Each tablet held 0.25 g of the salt."}
	fShare := contract.Fact{ID: "F63", Text: "Half of the sampled lakes were acidic."}
	fRate := contract.Fact{ID: "F64", Text: "The pass rate was 93.1% in the final year."}
	fBig := contract.Fact{ID: "F65", Text: "The archive held 1.4 million records."}
	accepts(t, []item{
		{"hours as minutes", "The full run took 120 minutes (including set-up) [F60].", []contract.Fact{fRun}},
		{"weeks as days", "The bulbs were chilled at 5 °C for 56 days [F61].", []contract.Fact{fFrost}},
		{"g as mg", "Each tablet held 250 mg of the salt [F62].", []contract.Fact{fDose}},
		{"half as 50%", "50% of the sampled lakes were acidic [F63].", []contract.Fact{fShare}},
		{"percent as a fraction", "The pass rate was 0.931 in the final year [F64].", []contract.Fact{fRate}},
		{"percent in words", "The pass rate was 93.1 percent in the final year [F64].", []contract.Fact{fRate}},
		{"scale words", "The archive held 1,400,000 records [F65].", []contract.Fact{fBig}},
		{"12 weeks for week 12", "Drug A lowered LDL-C by 38% versus placebo at 12 weeks [F1].", []contract.Fact{fLDL}},
		{"spelled number", "12 participants withdrew from the study [F14].", []contract.Fact{fTwelv}},
		{"thousands", "Coffee intake was associated with lower mortality in 5000 adults [F4].", []contract.Fact{fAssoc}},
		{"p-value form", "The difference in pain scores was significant (p < .05) [F15].", []contract.Fact{fPval}},
	})
	rejects(t, []item{
		{"inexact", "The full run took 121 minutes (including set-up) [F60].", []contract.Fact{fRun}},
		{"weeks are not months", "The bulbs were chilled at 5 °C for 2 months [F61].", []contract.Fact{fFrost}},
		{"mg are not g", "Each tablet held 250 g of the salt [F62].", []contract.Fact{fDose}},
		{"half is not a quarter", "A quarter of the sampled lakes were acidic [F63].", []contract.Fact{fShare}},
		{"a fraction is not the percentage", "The pass rate was 0.0931 in the final year [F64].", []contract.Fact{fRate}},
		{"rounded", "The pass rate was 93% in the final year [F64].", []contract.Fact{fRate}},
	})
}

// Rule synonyms: a word of the same WordNet synset stands for another;
// qualifiers, directions and names do not.
func TestRuleSynonyms(t *testing.T) {
	fAbout := contract.Fact{ID: "F70", Text: "Each interview lasted approximately 40 minutes."}
	fFell := contract.Fact{ID: "F71", Text: "River levels decreased by 2 m during the drought."}
	fReach := contract.Fact{ID: "F72", Text: "The new cache achieves a 3x speedup on reads."}
	fStart := contract.Fact{ID: "F73", Text: "The survey was initiated in spring 2020."}
	fSig := contract.Fact{ID: "F74", Text: "The effect was important for older readers."}
	fSome := contract.Fact{ID: "F75", Text: "Approximately 30 wells were tested."}
	accepts(t, []item{
		{"about for approximately", "Each interview lasted about 40 minutes [F70].", []contract.Fact{fAbout}},
		{"fell for decreased", "River levels fell by 2 m during the drought [F71].", []contract.Fact{fFell}},
		{"reaches for achieves", "The new cache reaches a 3x speedup on reads [F72].", []contract.Fact{fReach}},
		{"started for initiated", "The survey was started in spring 2020 [F73].", []contract.Fact{fStart}},
		{"lessened for decreased", "River levels lessened by 2 m during the drought [F71].", []contract.Fact{fFell}},
	})
	rejects(t, []item{
		{"a direction reversed", "River levels rose by 2 m during the drought [F71].", []contract.Fact{fFell}},
		{"significant for important", "The effect was significant for older readers [F74].", []contract.Fact{fSig}},
		{"a quantifier for approximately", "Some 30 wells were tested [F75].", []contract.Fact{fSome}},
		{"a synonym in the wrong place", "LDL-C decreased drug A by 38% versus placebo at week 12 [F1].", []contract.Fact{fLDL}},
	})
}

// Supported paraphrases the rules do not cover. They are the offline
// verifier's measured false rejects, not hidden: a change that makes one
// pass must be deliberate and keep every test above.
func TestVerifierKnownFalseRejects(t *testing.T) {
	for _, tt := range []item{
		{"passive voice", "LDL-C was lowered by drug A by 38% versus placebo at week 12 [F1].", []contract.Fact{fLDL}},
		{"numbers reordered", "At week 12, drug A lowered LDL-C by 38% versus placebo [F1].", []contract.Fact{fLDL}},
		{"a list reordered", "Patients and controls were matched for sex and age [F13].", []contract.Fact{fPair}},
		{"a sum of two facts", "Drug A and drug B lowered lipids by 50% in total [F51][F52].", []contract.Fact{
			{ID: "F51", Text: "Drug A lowered lipids by 38%."}, {ID: "F52", Text: "Drug B lowered lipids by 12%."}}},
		{"duration in two units joined by and", "The sort took 21 minutes and 23 seconds [F60].", []contract.Fact{{ID: "F60", Text: "The sort took 1283 seconds."}}},
		{"kelvin for a difference in degrees Celsius", "Nights were 2.8 K warmer in the centre [F61].", []contract.Fact{{ID: "F61", Text: "Nights were 2.8 °C warmer in the centre."}}},
		{"added reporting verb", "The trial showed that drug A lowered LDL-C by 38% versus placebo at week 12 [F1].", []contract.Fact{fLDL}},
		{"a comparison the facts imply but do not state", "LDL-C fell more with drug A than with placebo [F64].",
			[]contract.Fact{{ID: "F64", Text: "LDL-C fell by 38% with drug A and by 3% with placebo."}}},
	} {
		t.Run(tt.why, func(t *testing.T) { assert.False(t, verdict(t, tt.sentence, tt.facts...).Supported) })
	}
}

// Item 4 of issue 11: a rejection names the rule that failed and the
// closest wording that passes, the linked facts with the sentence's
// citations.
func TestVerifierReasonsAndSpans(t *testing.T) {
	v := verdict(t, "Drug A lowered LDL-C and mortality by 38% versus placebo at week 12 [F1].", fLDL)
	assert.False(t, v.Supported)
	assert.Equal(t, `restate: word "mortality" not in linked facts; closest wording that passes: "Drug A lowered LDL-C by 38% versus placebo at week 12 [F1]."`, v.Reason)
	assert.Equal(t, "mortality", v.UnsupportedSpan)

	v = verdict(t, "Drug A lowered LDL-C by 48% versus placebo at week 12 [F1].", fLDL)
	assert.True(t, strings.HasPrefix(v.Reason, "numbers: number 48% not in linked facts; closest wording"), v.Reason)
	assert.Equal(t, "48%", v.UnsupportedSpan)

	v = verdict(t, "The randomised trial reduces hospital [F16].", fWords)
	assert.Contains(t, v.Reason, `restate: the sentence stops after "randomised trial reduces hospital" where the linked facts go on with "admissions"`)

	fA := contract.Fact{ID: "F51", Text: "Drug A lowered LDL-C by 38%."}
	fB := contract.Fact{ID: "F52", Text: "Drug B lowered HDL-C by 12%."}
	v = verdict(t, "Drug A lowered LDL-C by 38% and drug B lowered LDL-C by 12% [F51, F52].", fA, fB)
	assert.Contains(t, v.Reason, `after "drug B lowered" the linked facts go on with "HDL", not "LDL"`)
	assert.Contains(t, v.Reason, `closest wording that passes: "Drug A lowered LDL-C by 38%, and drug B lowered HDL-C by 12% [F51, F52]."`)
	assert.True(t, verdict(t, "Drug A lowered LDL-C by 38%, and drug B lowered HDL-C by 12% [F51, F52].", fA, fB).Supported)

	v = verdict(t, "Statin use reduces the risk of dementia in older adults [F3].", fHedged)
	assert.Contains(t, v.Reason, "hedge: fact F3 is hedged")
	assert.Contains(t, v.Reason, `closest wording that passes: "Statin use may reduce the risk of dementia in older adults [F3]."`)

	v = verdict(t, "Drug A lowered LDL-C [F1].")
	assert.Equal(t, "sentence cites no fact", v.Reason)
}

// Issue 7, hole 8: a word deleted from a quantity's subject or object
// changes the claim, and a pronoun does not name what a fact names.
func TestVerifierIssue7DroppedHead(t *testing.T) {
	f3 := contract.Fact{ID: "F3", Text: "Our trials show that the filter reduces detection error by 39%."}
	f8 := contract.Fact{ID: "F8", Text: "The old camera makes many detection errors at night."}
	v := verdict(t, "Our trials show that the filter reduces detection by 39% [F3].", f3)
	assert.False(t, v.Supported, "dropped head passed: %s", v.Reason)
	assert.Contains(t, v.Reason, `"error"`)
	v = verdict(t, "The old camera makes many detection errors at night, and the filter reduces them [F8][F3].", f8, f3)
	assert.False(t, v.Supported, "pronoun passed: %s", v.Reason)
}

func TestVerifierRejectsDroppedHead(t *testing.T) {
	fHRV := contract.Fact{ID: "F70", Text: "Heart rate variability increased by 10% during the breathing exercise."}
	fRT := contract.Fact{ID: "F71", Text: "Caffeine improved reaction time by 12 ms in rested volunteers."}
	fNS := contract.Fact{ID: "F72", Text: "Night-shift nurses reported frequent dosing mistakes."}
	fBC := contract.Fact{ID: "F73", Text: "The barcode scanner reduced dosing mistakes by 25%."}
	fCG := contract.Fact{ID: "F74", Text: "The waiting-list group received standard care."}
	fEX := contract.Fact{ID: "F75", Text: "The exercise programme raised muscle strength by 20%."}
	fSalt := contract.Fact{ID: "F76", Text: "The salt substitute significantly lowered systolic blood pressure by 5 mmHg, and urinary sodium fell by 30%."}
	rejects(t, []item{
		{"head of the subject dropped", "Heart rate increased by 10% during the breathing exercise [F70].", []contract.Fact{fHRV}},
		{"head of the object dropped", "Caffeine improved reaction by 12 ms in rested volunteers [F71].", []contract.Fact{fRT}},
		{"pronoun for the object", "Night-shift nurses reported frequent dosing mistakes, and the barcode scanner reduced them [F72][F73].", []contract.Fact{fNS, fBC}},
		{"pronoun for the subject", "The waiting-list group received standard care, and it raised muscle strength by 20% [F74][F75].", []contract.Fact{fCG, fEX}},
		{"pronoun for the subject, alone", "It raised muscle strength by 20% [F75].", []contract.Fact{fEX}},
		{"head of a clause's subject dropped", "The salt substitute significantly lowered systolic blood pressure by 5 mmHg, and urinary fell by 30% [F76].", []contract.Fact{fSalt}},
		{"adverb dropped", "The salt substitute lowered systolic blood pressure by 5 mmHg [F76].", []contract.Fact{fSalt}},
	})
	accepts(t, []item{
		{"verbatim", "The salt substitute significantly lowered systolic blood pressure by 5 mmHg, and urinary sodium fell by 30% [F76].", []contract.Fact{fSalt}},
		{"verbatim, two facts", "Night-shift nurses reported frequent dosing mistakes, and the barcode scanner reduced dosing mistakes by 25% [F72][F73].", []contract.Fact{fNS, fBC}},
		{"a demonstrative determiner", "This barcode scanner reduced dosing mistakes by 25% [F73].", []contract.Fact{fBC}},
	})
}

func TestVerifierOneVerdictPerItem(t *testing.T) {
	in := contract.VerifierInput{Items: []contract.VerifyItem{
		{Index: 3, Sentence: "Drug A lowered LDL-C by 38% versus placebo at week 12 [F1].", Facts: []contract.Fact{fLDL}},
		{Index: 0, Sentence: "Drug A lowered LDL-C by 48% [F1].", Facts: []contract.Fact{fLDL}},
		{Index: 9, Sentence: "Anything.", Facts: nil},
	}}
	out := Verifier(in)
	require.Len(t, out.Verdicts, 3)
	assert.Equal(t, []int{3, 0, 9}, []int{out.Verdicts[0].Index, out.Verdicts[1].Index, out.Verdicts[2].Index})
	assert.Equal(t, []bool{true, false, false}, []bool{out.Verdicts[0].Supported, out.Verdicts[1].Supported, out.Verdicts[2].Supported})
	assert.Empty(t, Verifier(contract.VerifierInput{}).Verdicts)
}

// The writer's own sentences always pass the verifier.
func TestVerifierPassesWriterSentences(t *testing.T) {
	facts := []contract.Fact{fLDL, fRandomised, fHedged, fAssoc, fNeg, fMice, fComp, fTwo, fMixed, fHDL, fTwoOp, fYear, fPair, fTwelv, fPval, fWords}
	w := Writer(contract.WriterInput{Facts: facts, Length: contract.Length{MinSentences: 1, MaxSentences: 100}})
	require.Len(t, w.Sentences, len(facts))
	byID := map[string]contract.Fact{}
	for _, f := range facts {
		byID[f.ID] = f
	}
	for _, s := range w.Sentences {
		v := verdict(t, s.Text, byID[s.FactIDs[0]])
		assert.True(t, v.Supported, "%q: %s", s.Text, v.Reason)
	}
}

// mutations change what a sentence claims; each returns "" when it does not
// apply to the sentence.
var mutations = map[string]func(s string, rng *rand.Rand) string{
	"change a digit": func(s string, rng *rand.Rand) string {
		var idx []int
		for i, r := range s {
			if r >= '0' && r <= '9' {
				idx = append(idx, i)
			}
		}
		if len(idx) == 0 {
			return ""
		}
		i := idx[rng.Intn(len(idx))]
		d := s[i] - '0'
		return s[:i] + string(rune('0'+(d+1+byte(rng.Intn(8)))%10)) + s[i+1:]
	},
	"add a detail": func(s string, rng *rand.Rand) string {
		extra := []string{"in elderly patients", "and reduced mortality", "in 2021", "in humans", "significantly", "at 6 months", "by 15%"}
		return insertBeforeStop(s, " "+extra[rng.Intn(len(extra))])
	},
	"insert a negation": func(s string, rng *rand.Rand) string {
		for _, aux := range []string{" was ", " were ", " is ", " are ", " can "} {
			if i := strings.Index(s, aux); i >= 0 {
				return s[:i] + aux + "not " + s[i+len(aux):]
			}
		}
		return ""
	},
	"drop a negation": func(s string, rng *rand.Rand) string {
		for _, neg := range []string{" not ", " no ", " never ", " without "} {
			if i := strings.Index(s, neg); i >= 0 {
				return s[:i] + " " + s[i+len(neg):]
			}
		}
		return ""
	},
	"drop a hedge": func(s string, rng *rand.Rand) string {
		for _, h := range []string{" may ", " might ", " could ", " likely ", " possibly ", " potential "} {
			if i := strings.Index(s, h); i >= 0 {
				return s[:i] + " " + s[i+len(h):]
			}
		}
		return ""
	},
	"swap in a foreign word": func(s string, rng *rand.Rand) string {
		words := strings.Fields(s)
		var content []int
		for i, w := range words {
			if len(w) > 4 && !textnorm.IsStopWord(w) && strings.IndexFunc(w, func(r rune) bool { return r < 'a' || r > 'z' }) < 0 {
				content = append(content, i)
			}
		}
		if len(content) == 0 {
			return ""
		}
		foreign := []string{"zebrafish", "mortality", "insulin", "adolescents", "lithium", "bacteria"}
		words[content[rng.Intn(len(content))]] = foreign[rng.Intn(len(foreign))]
		return strings.Join(words, " ")
	},
	"make it causal": func(s string, rng *rand.Rand) string {
		for _, a := range []string{" was associated with ", " were associated with ", " is associated with ", " are associated with "} {
			if i := strings.Index(s, a); i >= 0 {
				return s[:i] + " caused " + s[i+len(a):]
			}
		}
		return ""
	},
	"swap two numbers": func(s string, rng *rand.Rand) string {
		var nums []textnorm.Token
		for _, t := range textnorm.Tokenize(s) {
			if t.Kind == textnorm.Number && len(nums) < 2 && (len(nums) == 0 || nums[0].Key != t.Key) {
				nums = append(nums, t)
			}
		}
		n := textnorm.Normalize(s)
		if len(nums) < 2 {
			return ""
		}
		a, b := nums[0], nums[1]
		return n[:a.Start] + b.Text + n[a.End:b.Start] + a.Text + n[b.End:]
	},
	"swap around than": func(s string, rng *rand.Rand) string {
		w := strings.Fields(s)
		for i := 1; i+1 < len(w); i++ {
			if (w[i] == "than" || w[i] == "versus" || w[i] == "vs" || w[i] == "over") && i >= 2 {
				a, b := i-2, i+1
				if w[b] == "in" || w[b] == "the" || w[b] == "with" {
					b++
				}
				if b < len(w) && !textnorm.IsStopWord(w[a]) && !textnorm.IsStopWord(w[b]) {
					w[a], w[b] = w[b], w[a]
					return strings.Join(w, " ")
				}
			}
		}
		return ""
	},
	"swap subject and object": func(s string, rng *rand.Rand) string {
		// The first and the last content word change places.
		toks := textnorm.Tokenize(s)
		n := textnorm.Normalize(s)
		var c []textnorm.Token
		for _, t := range toks {
			if t.Kind == textnorm.Word && !t.Stop {
				c = append(c, t)
			}
		}
		if len(c) < 2 || c[0].Key == c[len(c)-1].Key {
			return ""
		}
		a, b := c[0], c[len(c)-1]
		return n[:a.Start] + b.Text + n[a.End:b.Start] + a.Text + n[b.End:]
	},
	"convert a unit inexactly": func(s string, rng *rand.Rand) string {
		// "12 weeks" becomes 85 days, "2 hours" 121 minutes: the right
		// dimension, one unit off.
		for _, t := range textnorm.Tokenize(s) {
			if t.Kind != textnorm.Number {
				continue
			}
			n := textnorm.Normalize(s)
			for _, c := range []struct {
				unit, to string
				mult     int
			}{
				{" week", " days", 7}, {" h", " minutes", 60}, {" min", " seconds", 60}, {" day", " hours", 24},
				{" g", " mg", 1000}, {" s", " ms", 1000},
			} {
				v, ok := strings.CutSuffix(t.Key, c.unit)
				if !ok {
					continue
				}
				x, err := strconv.Atoi(v)
				if err != nil {
					continue
				}
				return n[:t.Start] + strconv.Itoa(x*c.mult+1+rng.Intn(3)) + c.to + n[t.End:]
			}
		}
		return ""
	},
	"reverse a direction": func(s string, rng *rand.Rand) string {
		for _, p := range [][2]string{{" rose ", " fell "}, {" fell ", " rose "}, {" reduced ", " increased "}, {" increased ", " reduced "},
			{" dropped ", " rose "}, {" lowered ", " raised "}, {" declined ", " increased "}} {
			if i := strings.Index(s, p[0]); i >= 0 {
				return s[:i] + p[1] + s[i+len(p[0]):]
			}
		}
		return ""
	},
	"reverse a comparison": func(s string, rng *rand.Rand) string {
		for _, p := range [][2]string{{" higher ", " lower "}, {" lower ", " higher "}, {" more ", " less "}, {" less ", " more "}, {" increased ", " decreased "}, {" decreased ", " increased "}} {
			if i := strings.Index(s, p[0]); i >= 0 {
				return s[:i] + p[1] + s[i+len(p[0]):]
			}
		}
		return ""
	},
}

func insertBeforeStop(s, extra string) string {
	s = strings.TrimSpace(s)
	if strings.HasSuffix(s, ".") {
		return s[:len(s)-1] + extra + "."
	}
	return s + extra
}

// Randomised attempt to break the hard line: every fact the librarian
// takes from the real pages, restated verbatim, passes; mutated so that
// its claim changes, it never does.
func TestVerifierNeverPassesMutatedFacts(t *testing.T) {
	seeds, reps := int64(5), 4
	if testing.Short() {
		seeds, reps = 1, 2
	}
	for seed := int64(1); seed <= seeds; seed++ {
		mutateFacts(t, rand.New(rand.NewSource(seed)), reps)
	}
}

func mutateFacts(t *testing.T, rng *rand.Rand, reps int) {
	facts := realFacts(t)
	require.Greater(t, len(facts), 50)
	names := make([]string, 0, len(mutations))
	for n := range mutations {
		names = append(names, n)
	}
	slices.Sort(names) // the same draws in the same order, run after run
	tried := map[string]int{}
	for i, ef := range facts {
		f := contract.Fact{ID: fmt.Sprintf("F%d", i+1), Text: ef.Text, Quote: ef.Quote}
		v := verdict(t, cite(f.Text, f.ID), f)
		require.True(t, v.Supported, "verbatim %q: %s", f.Text, v.Reason)
		for _, name := range names {
			for rep := 0; rep < reps; rep++ {
				m := mutations[name](f.Text, rng)
				if m == "" || textnorm.Fold(m) == textnorm.Fold(f.Text) || mutationIsHarmless(name, f, m) {
					continue
				}
				tried[name]++
				v := verdict(t, m, f)
				assert.False(t, v.Supported, "%s: %q passed as support of %q", name, m, f.Text)
			}
		}
	}
	for _, n := range names {
		assert.Greater(t, tried[n], 0, "mutation %q never applied", n)
	}
}

// mutationIsHarmless spots mutations that add nothing new: a detail or a
// "foreign" word the fact already has, with no new number. (A bag of the
// fact's own words in another order is a known limit of a lexical check;
// see the package documentation.)
func mutationIsHarmless(name string, f contract.Fact, m string) bool {
	if name != "swap in a foreign word" && name != "add a detail" {
		return false
	}
	vocab := map[string]bool{}
	for _, w := range textnorm.ContentWords(f.Text + " " + f.Quote) {
		vocab[w] = true
	}
	for _, n := range textnorm.Numbers(f.Text + " " + f.Quote) {
		vocab["#"+n] = true
	}
	for _, w := range textnorm.ContentWords(m) {
		if !vocab[w] {
			return false
		}
	}
	for _, n := range textnorm.Numbers(m) {
		if !vocab["#"+n] {
			return false
		}
	}
	return true
}

// Randomised attempt to break aggregation: two real facts linked to one
// sentence, the first restated with a number taken from the second (in
// the second's unit or converted), never passes.
func TestVerifierNeverPassesNumbersSwappedAcrossFacts(t *testing.T) {
	facts := realFacts(t)
	rng := rand.New(rand.NewSource(11))
	tried, want := 0, 1000
	if testing.Short() {
		want = 200
	}
	for n := 0; n < 5*want && tried < want; n++ {
		a, b := facts[rng.Intn(len(facts))], facts[rng.Intn(len(facts))]
		fa := contract.Fact{ID: "F1", Text: a.Text, Quote: a.Quote}
		fb := contract.Fact{ID: "F2", Text: b.Text, Quote: b.Quote}
		var na, nb []textnorm.Token
		for _, tk := range textnorm.Tokenize(fa.Text) {
			if tk.Kind == textnorm.Number {
				na = append(na, tk)
			}
		}
		for _, tk := range textnorm.Tokenize(fb.Text) {
			if tk.Kind == textnorm.Number {
				nb = append(nb, tk)
			}
		}
		if len(na) == 0 || len(nb) == 0 {
			continue
		}
		x, y := na[rng.Intn(len(na))], nb[rng.Intn(len(nb))]
		if slices.ContainsFunc(textnorm.Numbers(fa.Text+" "+fa.Quote), func(k string) bool { return textnorm.SameQuantity(k, y.Key) }) {
			continue // fact A states that number too
		}
		norm := textnorm.Normalize(fa.Text)
		if strings.HasSuffix(norm[:x.Start], "[") {
			// A reference number: "climate change [2]" may cite what
			// the other fact cites for the same words.
			continue
		}
		m := norm[:x.Start] + y.Text + norm[x.End:]
		if !slices.ContainsFunc(textnorm.Numbers(m), func(k string) bool { return textnorm.SameQuantity(k, y.Key) }) {
			continue // read as another number in its new place ("from 1 to 2%" is "1%")
		}
		tried++
		v := verdict(t, cite(m, "F1, F2"), fa, fb)
		assert.False(t, v.Supported, "%q passed with facts %q and %q", m, fa.Text, fb.Text)
	}
	assert.Greater(t, tried, want/10)
}

// Randomised attempt to break aggregation with words: two real facts
// linked to one sentence, the first restated with one of its content words
// replaced by a word of the second that the first lacks, never passes.
func TestVerifierNeverPassesWordsSwappedAcrossFacts(t *testing.T) {
	facts := realFacts(t)
	rng := rand.New(rand.NewSource(5))
	tried, want := 0, 2000
	if testing.Short() {
		want = 300
	}
	for n := 0; n < 10*want && tried < want; n++ {
		a, b := facts[rng.Intn(len(facts))], facts[rng.Intn(len(facts))]
		fa := contract.Fact{ID: "F1", Text: a.Text, Quote: a.Quote}
		fb := contract.Fact{ID: "F2", Text: b.Text, Quote: b.Quote}
		inA := map[string]bool{}
		for _, tk := range textnorm.Tokenize(fa.Text + " " + fa.Quote) {
			inA[tk.Key] = true
		}
		var ta, tb []textnorm.Token
		for _, tk := range textnorm.Tokenize(fa.Text) {
			if isContent(tk) && len(tk.Text) > 3 {
				ta = append(ta, tk)
			}
		}
		for _, tk := range textnorm.Tokenize(fb.Text) {
			if isContent(tk) && len(tk.Text) > 3 && !inA[tk.Key] {
				tb = append(tb, tk)
			}
		}
		if len(ta) == 0 || len(tb) == 0 {
			continue
		}
		x, y := ta[rng.Intn(len(ta))], tb[rng.Intn(len(tb))]
		if textnorm.Synonyms(x.Text, y.Text) {
			continue // a synonym says the same
		}
		norm := textnorm.Normalize(fa.Text)
		m := norm[:x.Start] + y.Text + norm[x.End:]
		tried++
		v := verdict(t, cite(m, "F1, F2"), fa, fb)
		assert.False(t, v.Supported, "%q passed with facts %q and %q", m, fa.Text, fb.Text)
	}
	assert.Greater(t, tried, want/2)
}

func isContent(t textnorm.Token) bool { return t.Kind == textnorm.Word && !t.Stop }
