package textnorm

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// clauseTexts renders Clauses (or StrongClauses) as "text" with a "*" on
// strong clauses.
func clauseTexts(s string, split func([]Token) []Clause) []string {
	toks := Tokenize(s)
	var out []string
	for _, c := range split(toks) {
		var w []string
		for _, t := range toks[c.Start:c.End] {
			w = append(w, t.Text)
		}
		mark := ""
		if c.Strong {
			mark = "*"
		}
		out = append(out, mark+strings.Join(w, " "))
	}
	return out
}

func TestClauses(t *testing.T) {
	for _, c := range []struct {
		text string
		want []string
	}{
		{"Output rose; costs fell.", []string{"*Output rose", "*costs fell ."}},
		{"Site A warmed, whereas site B cooled.", []string{"*Site A warmed", "*site B cooled ."}},
		{"A fell by 5% and B by 3%.", []string{"*A fell by 5%", "B by 3% ."}},
		{"A fell, but B rose.", []string{"*A fell", "*B rose ."}},
		{"A fell but not B.", []string{"*A fell but not B ."}},
		{"It explained 60%, with the first factor (F1) accounting for 20%.", []string{"*It explained 60%", "*the first factor ( F1 ) accounting for 20% ."}},
		{"Ages were 40-65, with a mean of 52.", []string{"*Ages were 40 65 , with a mean of 52 ."}},
		{"At week 12: LDL fell.", []string{"*At week 12", "LDL fell ."}},
		{"Doses (1; 2 and 3 mg) were given. Then it stopped.", []string{"*Doses ( 1 ; 2 3 mg ) were given", "*Then it stopped ."}},
		{"Samples were taken at 11:30 and 24:18.", []string{"*Samples were taken at 11 : 30 24 : 18 ."}},
	} {
		assert.Equal(t, c.want, clauseTexts(c.text, Clauses), c.text)
	}
	assert.Equal(t, []string{"*A fell by 5% and B by 3% ."}, clauseTexts("A fell by 5% and B by 3%.", StrongClauses))
	assert.Equal(t, []string{"*At week 12 : LDL fell ."}, clauseTexts("At week 12: LDL fell.", StrongClauses))
}

func TestSameValue(t *testing.T) {
	num := func(s string) Token {
		for _, t := range Tokenize(s) {
			if t.Kind == Number {
				return t
			}
		}
		panic("no number in " + s)
	}
	for _, c := range []struct {
		a, b string
		same bool
	}{
		{"2 hours", "120 minutes", true},
		{"6 weeks", "42 days", true},
		{"0.25 g", "250 mg", true},
		{"93.1%", "0.931", true},
		{"50%", "half of them", true},
		{"1.4 million", "1,400,000", true},
		{"< 100 mg/dL", "<1 g/l", true},
		{"2 hours", "121 minutes", false},
		{"3 months", "12 weeks", false},
		{"93.1%", "0.0931", false},
		{"93.1%", "93", false},
		{"50%", "50", false},
		{"< 100 mg/dL", "> 100 mg/dL", false},
		{"p < 0.05", "p < 0.01", false},
		{"CD4", "CD8", false},
	} {
		assert.Equal(t, c.same, SameValue(num(c.a), num(c.b)), fmt.Sprintf("%s vs %s", c.a, c.b))
		assert.Equal(t, c.same, SameValue(num(c.b), num(c.a)), fmt.Sprintf("%s vs %s", c.b, c.a))
	}
	assert.Nil(t, num("CD4").Q, "an identifier has no value")
	assert.Equal(t, "time", num("3 h").Q.Dim)
	assert.Equal(t, "<", num("<5 mg").Q.Cmp)
}

func TestSynonyms(t *testing.T) {
	for _, p := range [][2]string{{"about", "approximately"}, {"fell", "decreased"}, {"reached", "achieves"}, {"started", "initiated"}} {
		assert.True(t, Synonyms(p[0], p[1]), p)
	}
	for _, p := range [][2]string{{"increased", "decreased"}, {"higher", "lower"}, {"about", "about"}, {"mouse", "rat"}} {
		assert.False(t, Synonyms(p[0], p[1]), p)
	}
}
