package offline

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/opusblocks/opus/internal/contract"
)

// Issue 7, hole 8: a word deleted from a quantity's subject or object
// changes the claim.
func TestVerifierIssue7DroppedHead(t *testing.T) {
	f3 := contract.Fact{ID: "F3",
		Text:  "Our experiments show that REALM reduces extraction error by 39%.",
		Quote: "Our experiments show that REALM reduces extraction error by 39%."}
	f8 := contract.Fact{ID: "F8", Text: "The baseline system makes many extraction errors on long documents."}

	v := verdict(t, "Our experiments show that REALM reduces extraction by 39% [F3].", f3)
	assert.False(t, v.Supported, "dropped head passed: %s", v.Reason)
	assert.Contains(t, v.Reason, `"error"`)

	v = verdict(t, "The baseline system makes many extraction errors on long documents, and REALM reduces them [F8][F3].", f8, f3)
	assert.False(t, v.Supported, "pronoun passed: %s", v.Reason)
	assert.Contains(t, v.Reason, `"them"`)
}

var (
	fHRV  = contract.Fact{ID: "F70", Text: "Heart rate variability increased by 10% during the breathing exercise."}
	fRT   = contract.Fact{ID: "F71", Text: "Caffeine improved reaction time by 12 ms in rested volunteers."}
	fNS   = contract.Fact{ID: "F72", Text: "Night-shift nurses reported frequent dosing mistakes."}
	fBC   = contract.Fact{ID: "F73", Text: "The barcode scanner reduced dosing mistakes by 25%."}
	fCG   = contract.Fact{ID: "F74", Text: "The waiting-list group received standard care."}
	fEX   = contract.Fact{ID: "F75", Text: "The exercise programme raised muscle strength by 20%."}
	fSalt = contract.Fact{ID: "F76",
		Text: "The salt substitute significantly lowered systolic blood pressure by 5 mmHg, and urinary sodium fell by 30%."}
	fLeak = contract.Fact{ID: "F77", Text: "The sensor was cheap, and it detected leaks within 2 minutes."}
)

// A sentence may not keep part of a verb's subject or object while
// dropping its head, nor put a pronoun where the facts name it.
func TestVerifierRejectsDroppedHead(t *testing.T) {
	tests := []struct {
		why, sentence string
		facts         []contract.Fact
		reason        string
	}{
		{"head of the subject dropped", "Heart rate increased by 10% during the breathing exercise [F70].", []contract.Fact{fHRV}, `"variability"`},
		{"head of the object dropped", "Caffeine improved reaction by 12 ms in rested volunteers [F71].", []contract.Fact{fRT}, `"time"`},
		{"pronoun for the object", "Night-shift nurses reported frequent dosing mistakes, and the barcode scanner reduced them [F72][F73].",
			[]contract.Fact{fNS, fBC}, `"them"`},
		{"pronoun for the subject", "The waiting-list group received standard care, and it raised muscle strength by 20% [F74][F75].",
			[]contract.Fact{fCG, fEX}, `"it"`},
		{"pronoun for the subject, alone", "It raised muscle strength by 20% [F75].", []contract.Fact{fEX}, `"It"`},
		{"head of a clause's subject dropped", "The salt substitute lowered systolic blood pressure by 5 mmHg, and urinary fell by 30% [F76].",
			[]contract.Fact{fSalt}, `"sodium"`},
	}
	for _, tt := range tests {
		t.Run(tt.why+"/"+tt.sentence, func(t *testing.T) {
			v := verdict(t, tt.sentence, tt.facts...)
			assert.False(t, v.Supported, "must be unsupported")
			assert.Contains(t, v.Reason, tt.reason)
		})
	}
}

// Restatements that keep every head still pass.
func TestVerifierAcceptsKeptHeads(t *testing.T) {
	tests := []struct {
		why, sentence string
		facts         []contract.Fact
	}{
		{"verbatim", "The salt substitute significantly lowered systolic blood pressure by 5 mmHg, and urinary sodium fell by 30% [F76].", []contract.Fact{fSalt}},
		{"adverb dropped", "The salt substitute lowered systolic blood pressure by 5 mmHg [F76].", []contract.Fact{fSalt}},
		{"leading modifier dropped", "The salt substitute significantly lowered blood pressure by 5 mmHg [F76].", []contract.Fact{fSalt}},
		{"clauses reordered", "Urinary sodium fell by 30%, and the salt substitute significantly lowered systolic blood pressure by 5 mmHg [F76].", []contract.Fact{fSalt}},
		{"subject modifier dropped", "The substitute lowered blood pressure by 5 mmHg [F76].", []contract.Fact{fSalt}},
		{"a pronoun the fact has", "The sensor was cheap, and it detected leaks within 2 minutes [F77].", []contract.Fact{fLeak}},
		{"a demonstrative determiner", "This barcode scanner reduced dosing mistakes by 25% [F73].", []contract.Fact{fBC}},
		{"verbatim, two facts", "Night-shift nurses reported frequent dosing mistakes, and the barcode scanner reduced dosing mistakes by 25% [F72][F73].",
			[]contract.Fact{fNS, fBC}},
	}
	for _, tt := range tests {
		t.Run(tt.why+"/"+tt.sentence, func(t *testing.T) {
			v := verdict(t, tt.sentence, tt.facts...)
			assert.True(t, v.Supported, "must be supported, got %q", v.Reason)
		})
	}
}
