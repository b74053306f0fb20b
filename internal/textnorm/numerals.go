package textnorm

import (
	"unicode"
)

// numeralState reads the digits that NFKC would drop or merge: every
// decimal digit of any script (unicode.Nd: "٣٩" is 39), superscripts and
// subscripts after a digit, and vulgar fractions. A number written in any
// of them is then a number to the guards, never an unread letter, and is
// not run together with the digits before it: NFKC alone makes "10⁵" into
// "105" and "2½" into "21⁄2".
type numeralState struct {
	afterDigit bool // the previous rune was a digit (of any script)
	inSup      bool // inside a superscript run that follows a digit
}

// read returns what to write for r instead of r itself, or "" to keep r.
func (st *numeralState) read(r rune) string {
	prevDigit, prevSup := st.afterDigit, st.inSup
	st.afterDigit, st.inSup = false, false
	if r < 0x80 {
		st.afterDigit = '0' <= r && r <= '9'
		return ""
	}
	if d, ok := decimalDigit(r); ok {
		st.afterDigit = true
		return string(rune('0' + d))
	}
	if sup, ok := superscripts[r]; ok {
		switch {
		case prevSup:
			st.inSup = true
			return sup
		case prevDigit:
			// "10⁵" is ten to the fifth, "2.5 × 10⁻³" a power too.
			st.inSup = true
			return "^" + sup
		}
		return "" // "m²", a footnote mark: NFKC's digit will do
	}
	if sub, ok := subscripts[r]; ok {
		if prevDigit {
			return "_" + sub // "10₂" is not "102"
		}
		return ""
	}
	if f, ok := vulgarFractions[r]; ok {
		switch {
		case f.decimal != "" && prevDigit:
			return f.decimal // "2½" is 2.5
		case f.decimal != "":
			return "0" + f.decimal // "½" is 0.5
		case prevDigit:
			return " " + f.slash // "2⅓": two numbers, not "21⁄3"
		}
		return f.slash
	}
	return ""
}

// decimalDigit returns the value of a decimal digit of any script. Unicode
// assigns every Nd digit in a contiguous run from 0 to 9 (a stability
// policy), so a digit's value is its distance from the start of its run,
// modulo 10 where runs of ten follow one another (mathematical digits).
func decimalDigit(r rune) (int, bool) {
	if !unicode.Is(unicode.Nd, r) {
		return 0, false
	}
	n := 0
	for unicode.Is(unicode.Nd, r-rune(n)-1) {
		n++
	}
	return n % 10, true
}

var superscripts = map[rune]string{
	'⁰': "0", '¹': "1", '²': "2", '³': "3", '⁴': "4", '⁵': "5", '⁶': "6", '⁷': "7", '⁸': "8", '⁹': "9",
	'⁺': "+", '⁻': "-",
}

var subscripts = map[rune]string{
	'₀': "0", '₁': "1", '₂': "2", '₃': "3", '₄': "4", '₅': "5", '₆': "6", '₇': "7", '₈': "8", '₉': "9",
}

// vulgarFraction is how a fraction character is read: as a decimal when it
// is one exactly, else as numerator and denominator around U+2044, which
// the number scanner keeps as one token ("1⁄3").
type vulgarFraction struct{ decimal, slash string }

var vulgarFractions = map[rune]vulgarFraction{
	'½': {".5", ""}, '¼': {".25", ""}, '¾': {".75", ""},
	'⅕': {".2", ""}, '⅖': {".4", ""}, '⅗': {".6", ""}, '⅘': {".8", ""},
	'⅛': {".125", ""}, '⅜': {".375", ""}, '⅝': {".625", ""}, '⅞': {".875", ""}, '⅒': {".1", ""},
	'⅓': {"", "1⁄3"}, '⅔': {"", "2⁄3"}, '⅙': {"", "1⁄6"}, '⅚': {"", "5⁄6"},
	'⅐': {"", "1⁄7"}, '⅑': {"", "1⁄9"}, '↉': {"", "0⁄3"},
}
