package textnorm

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestStripCitations(t *testing.T) {
	for in, want := range map[string]string{
		"Heart failure is associated with premature death [2].":                 "Heart failure is associated with premature death.",
		"Programmes reduce readmissions [6] and improve well-being [4, 7].":     "Programmes reduce readmissions and improve well-being.",
		"As shown before [3–6], the effect holds.":                              "As shown before, the effect holds.",
		"Iron deficiency is common (Smith, 2019).":                              "Iron deficiency is common.",
		"It was replicated (Smith et al. 2020; Lee and Park, 2018a) in adults.": "It was replicated in adults.",
		"It was seen earlier (see Jones & Brown, 2001).":                        "It was seen earlier.",
		"Both (Müller, 2015, 2017) agree.":                                      "Both agree.",
		"The weights lie in [0, 1] for every layer.":                            "The weights lie in [0, 1] for every layer.",
		"Smith (2019) showed the effect.":                                       "Smith (2019) showed the effect.",
		"I'd go straight to the heart unit (Centre A, R6).":                     "I'd go straight to the heart unit (Centre A, R6).",
		"The WMD was 12.88 g/l (95% CI 6.03 to 19.74).":                         "The WMD was 12.88 g/l (95% CI 6.03 to 19.74).",
		"They were sent back to [rehabilitation facility] six times.":           "They were sent back to [rehabilitation facility] six times.",
		"Enrolment ran until 2019 (n = 2019).":                                  "Enrolment ran until 2019 (n = 2019).",
		"No citation here.":                                                     "No citation here.",
		"Calcium [Ca2+] rose.":                                                  "Calcium [Ca2+] rose.",
		"Two groups (A and B, 2 weeks) were compared.":                          "Two groups (A and B, 2 weeks) were compared.",
	} {
		assert.Equal(t, want, StripCitations(in), in)
	}
}
