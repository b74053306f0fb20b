package textnorm

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestConcept(t *testing.T) {
	same := [][]string{
		{"decreased", "reduced", "fell", "dropped", "lowered", "reduction", "Decreases"},
		{"increased", "rose", "risen", "rises"},
		{"used", "employed", "utilised", "utilized", "using"},
		{"participants", "subjects", "participant"},
		{"showed", "demonstrated", "revealed", "shown"},
		{"began", "started", "initiated", "commenced"},
		{"approximately", "about", "roughly"},
		{"mean", "average"},
		{"but", "although", "whereas", "however"},
		{"versus", "vs", "compared"},
	}
	for _, group := range same {
		c0, ok := Concept(group[0])
		assert.True(t, ok, group[0])
		for _, w := range group[1:] {
			c, ok := Concept(w)
			assert.True(t, ok, w)
			assert.Equal(t, c0, c, "%s / %s", group[0], w)
		}
	}
	// Never in a class: levels, refusals, other senses, other strengths,
	// and anything that carries a negation, hedge or direction.
	for _, w := range []string{"lower", "higher", "declined", "decline", "grew", "raised", "patients", "nearly",
		"not", "no", "may", "more", "less", "than", "elevated", "cut", "median"} {
		_, ok := Concept(w)
		assert.False(t, ok, w)
	}
	inc, _ := Concept("increased")
	dec, _ := Concept("decreased")
	assert.NotEqual(t, inc, dec)
}

func TestConceptException(t *testing.T) {
	assert.True(t, ConceptException("dropped", "out"))
	assert.True(t, ConceptException("just", "before"))
	assert.True(t, ConceptException("subjects", "to"))
	assert.False(t, ConceptException("dropped", "by"))
	assert.False(t, ConceptException("just", "in"))
}
