package eval

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// An invented two-page paper, laid out as PDF page text is.
var junkPages = []string{
	"2.1 Patients and procedures\n" +
		"Nurses who napped on night shifts slept longer at home.\n" +
		"Results Nine trials met the inclusion criteria of the review.\n" +
		"Figure 2. Minutes of sleep per night by week of the programme.\n" +
		"Bars show the mean of the twelve nurses in each ward.\n" +
		"The minutes of sleep in each week are as plotted in\n" +
		"Fig. 4. The nurses on the night ward slept the least of all.\n" +
		"Overall, on the night ward we\n" +
		"counted fewer sick days than on the day ward.\n",
	"The gain in sleep lasted for the whole year of the study.\n" +
		"REFERENCES\n" +
		"1. Dozer A, Napper B. Sleep in nurses. J Rest. 2029;4:12-19.\n" +
		"2. Yawn C, Snooze D. Naps at work. Rest Med. 2030;7:101-110.\n" +
		"A. Proofs of the diary's reliability\n" +
		"The diary agreed with the wrist monitor on nine nights of ten.\n",
}

func TestJunkKinds(t *testing.T) {
	d := newJunkDoc(junkPages)
	for _, tt := range []struct {
		page        int
		quote, want string
	}{
		{1, "Nurses who napped on night shifts slept longer at home.", ""},
		{1, "2.1 Patients and procedures\nNurses who napped on night shifts slept longer at home.", JunkHeading},
		{1, "Results Nine trials met the inclusion criteria of the review.", JunkHeading},
		{1, "Figure 2. Minutes of sleep per night by week of the programme.", JunkCaption},
		{1, "Bars show the mean of the twelve nurses in each ward.", ""}, // a caption's second sentence is not told apart
		{1, "The nurses on the night ward slept the least of all.", ""},  // "as plotted in / Fig. 4." refers to a figure
		{1, "Overall, on the night ward we\ncounted fewer sick days than on the day ward.", ""},
		{2, "The gain in sleep lasted for the whole year of the study.", ""},
		{2, "Dozer A, Napper B. Sleep in nurses.", JunkReference},
		{2, "Yawn C, Snooze D. Naps at work.", JunkReference},
		{2, "The diary agreed with the wrist monitor on nine nights of ten.", ""}, // an appendix ends the list
		{2, "no such quote anywhere on the page", ""},
	} {
		assert.Equal(t, tt.want, d.kind(tt.page, tt.quote, tt.quote), tt.quote)
	}
	// A reference entry's shape counts wherever it stands.
	assert.Equal(t, JunkReference, d.kind(1, "Nurses who napped on night shifts slept longer at home.", "Dozer A, Napper B, Yawn C, Sleep in nurses."))
}

func TestIsHeadingText(t *testing.T) {
	for _, s := range []string{"METHODS", "2.1 Patients and procedures", "IV. Results", "Sleep of Night Nurses"} {
		assert.True(t, isHeadingText(s), s)
	}
	for _, s := range []string{"Nurses slept longer.", "Overall, on the night ward we", "AB1234", "the nurses of the",
		"Sleep, Rest and Work"} {
		assert.False(t, isHeadingText(s), s)
	}
	assert.True(t, gluedLabel("Methods We asked twelve nurses"))
	assert.False(t, gluedLabel("Methods of sleep research"))
}
