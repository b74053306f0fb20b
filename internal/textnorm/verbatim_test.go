package textnorm

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestSharedRun(t *testing.T) {
	quote := "Median survival was 14.2 months in the treat-\nment arm and 9.8 months with placebo (HR 0.61)."
	for _, tc := range []struct {
		sentence string
		want     int
	}{
		// Copied whole, with its citation marker and other punctuation.
		{"Median survival was 14.2 months in the treatment arm and 9.8 months with placebo (HR 0.61) [F3].", 16},
		// A paraphrase shares only short runs.
		{"Patients given the drug lived a median of 14.2 months, against 9.8 months on placebo [F3].", 2},
		// Case, curly quotes and ligatures do not hide a copy.
		{"MEDIAN SURVIVAL WAS 14.2 MONTHS", 5},
		{"", 0},
		{"nothing in common here", 1}, // "in"
	} {
		assert.Equal(t, tc.want, SharedRun(tc.sentence, quote), tc.sentence)
	}
	assert.Equal(t, 4, SharedRun("the ﬁnal “dose” was", "The final \"dose\" was given"), "ligatures and quote marks")
	assert.Equal(t, 0, SharedRun("a b c", ""))
}
