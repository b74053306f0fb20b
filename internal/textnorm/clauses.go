package textnorm

import (
	"strings"
	"unicode"
)

// Clause is a span of tokens, toks[Start:End], of a text split by Clauses.
type Clause struct {
	Start, End int
	// Strong says the clause stands on its own: it opens the text or
	// follows a sentence stop, a semicolon, a contrast ("whereas",
	// ", but") or is an absolute construction (", with X rising").
	// Clauses after "and" or a colon are weak: they may lean on the one
	// before ("X fell by 5% and Y by 3%").
	Strong bool
}

// Clauses splits a token list into clauses: the one clause splitter of the
// guards and the offline verifier. Nothing inside round brackets splits, and
// neither does punctuation between two numbers ("[11; 12]", "24:18"). The
// joining punctuation and conjunctions belong to no clause.
func Clauses(toks []Token) []Clause {
	var out []Clause
	start, strong, depth := 0, true, 0
	cut := func(i, next int, s bool) {
		if i > start {
			out = append(out, Clause{start, i, strong})
		}
		start, strong = next, s || (i == start && strong)
	}
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		prevComma := i > 0 && toks[i-1].Kind == Punct && toks[i-1].Key == ","
		at := i
		if prevComma {
			at = i - 1
		}
		switch {
		case t.Kind == Punct && t.Key == "(":
			depth++
		case t.Kind == Punct && t.Key == ")":
			depth = max(depth-1, 0)
		case depth > 0:
		case t.Kind == Punct && strings.Contains(";:!?", t.Key):
			between := i > 0 && i+1 < len(toks) && toks[i-1].Kind == Number && toks[i+1].Kind == Number
			if !between || t.Key == "!" || t.Key == "?" {
				// What a colon introduces may lean on what it follows
				// ("At 12 weeks: ...").
				cut(i, i+1, t.Key != ":")
			}
		case t.Kind == Punct && t.Key == ".":
			if i+1 < len(toks) && toks[i+1].Kind == Word && startsUpper(toks[i+1].Text) {
				cut(i, i+1, true)
			}
		case t.Kind != Word:
		case contrastWords[strings.ToLower(t.Text)], prevComma && commaContrast[strings.ToLower(t.Text)]:
			cut(at, i+1, true)
		case prevComma && strings.EqualFold(t.Text, "with") && absolute(toks, i+1):
			cut(at, i+1, true)
		case strings.EqualFold(t.Text, "and"):
			cut(at, i+1, false)
		}
	}
	if start < len(toks) {
		out = append(out, Clause{start, len(toks), strong})
	}
	return out
}

// StrongClauses is Clauses with each weak clause joined to the one before:
// the parts of a text that say something on their own.
func StrongClauses(toks []Token) []Clause {
	var out []Clause
	for _, c := range Clauses(toks) {
		if !c.Strong && len(out) > 0 {
			out[len(out)-1].End = c.End
			continue
		}
		out = append(out, c)
	}
	return out
}

// contrastWords open a clause wherever they stand; commaContrast only after
// a comma ("while" alone may be a time, "but" alone an exception).
var (
	contrastWords = map[string]bool{"whereas": true, "although": true, "though": true}
	commaContrast = map[string]bool{"but": true, "yet": true, "while": true}
)

// absolute reports whether the words from i to the next punctuation (brackets
// aside) hold a participle in "-ing": ", with the first run taking 2 s" says something of
// its own, ", with a mean of 5" does not.
func absolute(toks []Token, i int) bool {
	depth := 0
	for ; i < len(toks); i++ {
		t := toks[i]
		switch {
		case t.Kind == Punct && t.Key == "(":
			depth++
		case t.Kind == Punct && t.Key == ")":
			depth--
		case t.Kind == Punct && depth <= 0:
			return false
		case t.Kind == Word && depth <= 0 && len(t.Text) > 4 && strings.HasSuffix(strings.ToLower(t.Text), "ing"):
			return true
		}
	}
	return false
}

func startsUpper(s string) bool {
	for _, r := range s {
		return unicode.IsUpper(r)
	}
	return false
}
