package textnorm

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestStem(t *testing.T) {
	// Inflections that must share a key.
	same := [][]string{
		{"reduce", "reduces", "reduced", "reducing", "reduction", "reductions"},
		{"increase", "increases", "increased", "increasing"},
		{"study", "studies", "studied"},
		{"patient", "patients"},
		{"randomised", "randomized", "randomisation", "randomization"},
		{"analysed", "analyzed", "analyse", "analyze"},
		{"associated", "associate", "association", "associations"},
		{"correlated", "correlation", "correlates"},
		{"selected", "selection"},
		{"stopped", "stop", "stops"},
		{"controlled", "control", "controls"},
		{"significant", "significantly"},
		{"statistical", "statistically"},
		{"possible", "possibly"},
		{"use", "used", "uses", "using"},
		{"CD4+", "cd4+"},
		{"exceed", "exceeded", "exceeds"},
		{"lower", "lowered", "lowers", "lowering"},
		{"Mortality", "mortality"},
		// Irregular verbs meet their base form.
		{"run", "ran", "runs", "running"},
		{"take", "took", "taken", "takes", "taking"},
		{"fall", "fell", "fallen", "falls", "falling"},
		{"rise", "rose", "risen", "rises", "rising"},
		{"show", "showed", "shown", "shows"},
		{"begin", "began", "begun", "beginning"},
		{"grow", "grew", "grown"},
		{"find", "found", "finds"},
		{"hold", "held"},
		{"withdraw", "withdrew", "withdrawn"},
	}
	for _, group := range same {
		for _, w := range group[1:] {
			assert.Equal(t, Stem(group[0]), Stem(w), "%s / %s", group[0], w)
		}
	}
	// Words whose difference is a claim must keep different keys.
	different := [][2]string{
		{"higher", "high"}, {"lower", "low"}, {"increase", "decrease"}, {"more", "most"},
		{"changed", "unchanged"}, {"effective", "ineffective"}, {"mice", "humans"},
		{"significant", "insignificant"}, {"before", "after"}, {"station", "stated"},
		{"likely", "like"}, {"children", "child"}, {"women", "men"},
		// No word may take the key of a negation, modal or quantifier.
		{"note", "not"}, {"notes", "not"}, {"noted", "not"}, {"noting", "not"}, {"cans", "can"},
		{"none", "no"},
		// Irregular forms that are also other words are not merged.
		{"left", "leave"}, {"bound", "bind"}, {"lay", "lie"}, {"founded", "found"},
	}
	for _, d := range different {
		assert.NotEqual(t, Stem(d[0]), Stem(d[1]), "%s / %s", d[0], d[1])
	}
}

func TestTokenizeWords(t *testing.T) {
	type tok struct {
		Key  string
		Stop bool
	}
	words := func(s string) []tok {
		var out []tok
		for _, t := range Tokenize(s) {
			if t.Kind == Word {
				out = append(out, tok{t.Key, t.Stop})
			}
		}
		return out
	}
	tests := []struct {
		in   string
		want []tok
	}{
		{"The drug was effective.", []tok{{"the", true}, {"drug", false}, {"was", true}, {"effectiv", false}}},
		{"Drug A beat drug B.", []tok{{"drug", false}, {"a", false}, {"beat", false}, {"drug", false}, {"b", false}}},
		{"A total of patients", []tok{{"a", true}, {"total", false}, {"of", true}, {"patient", false}}},
		{"It was a trial.", []tok{{"it", true}, {"was", true}, {"a", true}, {"trial", false}}},
		{"phase II, not phase I", []tok{{"phas", false}, {"ii", false}, {"not", false}, {"phas", false}, {"i", false}}},
		{"in the US", []tok{{"in", true}, {"the", true}, {"us", false}}},
		{"It didn't work", []tok{{"it", true}, {"did", true}, {"not", false}, {"work", false}}},
		{"It cannot and won't", []tok{{"it", true}, {"can", false}, {"not", false}, {"and", true}, {"wil", false}, {"not", false}}},
		{"the patient's drug", []tok{{"the", true}, {"patient", false}, {"drug", false}}},
		{"e.g. and i.e. and et al.", []tok{{"eg", true}, {"and", true}, {"ie", true}, {"and", true}, {"et", true}, {"al", true}}},
		{"LDL-C vs HDL versus placebo", []tok{{"ldl", false}, {"c", false}, {"vs", false}, {"hdl", false}, {"vs", false}, {"placebo", false}}},
		{"mice [F3] and rats [F4].", []tok{{"mic", false}, {"and", true}, {"rat", false}}},
		{"ER+ and ER- tumours, pre- and post-treatment", []tok{{"er+", false}, {"and", true}, {"er-", false}, {"tumour", false}, {"pr-", false}, {"and", true}, {"post", false}, {"treatment", false}}},
		{"We use it in the US", []tok{{"we", true}, {"us~", false}, {"it", true}, {"in", true}, {"the", true}, {"us", false}}},
		{"Drug A did NOT work", []tok{{"drug", false}, {"a", false}, {"did", true}, {"not", false}, {"work", false}}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			assert.Equal(t, tt.want, words(tt.in))
		})
	}
}

func TestTokenizeOffsetsAndPunct(t *testing.T) {
	s := "LDL\u2011C fell 38\u00A0%, p\u00A0<\u00A0.05; then rose."
	n := Normalize(s)
	var kinds []Kind
	for _, tk := range Tokenize(s) {
		assert.Equal(t, tk.Text, n[tk.Start:tk.End])
		kinds = append(kinds, tk.Kind)
	}
	assert.Equal(t, []Kind{Word, Word, Word, Number, Punct, Number, Punct, Word, Word, Punct}, kinds)
}

func TestContentWords(t *testing.T) {
	assert.Equal(t,
		[]string{"drug", "a", "reduc", "ldl", "c", "vs", "placebo"},
		ContentWords("Drug A reduced LDL-C by 38% versus placebo at week 12 [F3]."))
	assert.Empty(t, ContentWords("It was of the."))
}

func TestStripMarkers(t *testing.T) {
	tests := map[string]string{
		"Drug A lowered LDL [F3].":            "Drug A lowered LDL.",
		"A [F1] and B [F2, F3] and C [F4-F6]": "A and B and C",
		"No markers [12] here.":               "No markers [12] here.",
		"[F1]":                                "",
		"Adjacent [F1][F2].":                  "Adjacent.",
	}
	for in, want := range tests {
		assert.Equal(t, want, StripMarkers(in), in)
	}
}

func TestIsStopWordAndKey(t *testing.T) {
	for _, w := range []string{"the", "The", "was", "of", "and", "which"} {
		assert.True(t, IsStopWord(w), w)
	}
	// Words that carry a claim are never stop words.
	for _, w := range []string{"not", "no", "without", "may", "might", "will", "before", "after", "more", "less", "all", "some", "only", "or", "never"} {
		assert.False(t, IsStopWord(w), w)
	}
	assert.Equal(t, "reduc", Key("reduced"))
	assert.Equal(t, "with", Key("with"))
}
