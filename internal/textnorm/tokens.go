package textnorm

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Kind tells words, numbers and punctuation apart.
type Kind int

const (
	// Word is a run of letters (and marks).
	Word Kind = iota
	// Number is a quantity: a number with its unit, a percentage, a p-value,
	// a spelled-out number, or an identifier that contains digits ("p53",
	// "3D"), so that changing any digit is noticed.
	Number
	// Punct is one of , ; : ( ) . ! ? — kept because they end clauses.
	Punct
)

// Token is one word, number or punctuation mark of a normalised text.
type Token struct {
	Kind Kind
	// Text is the token as it appears in Normalize(s), unit included
	// ("38 %", "week 12", "p < .05").
	Text string
	// Key is what comparisons use: the stem of a word (see Key), the
	// canonical form of a number (see Numbers), the mark itself.
	Key string
	// Stop marks function words that carry no claim ("the", "was", "of").
	Stop bool
	// Start and End are byte offsets into Normalize(s).
	Start, End int
	// Q is a number's parsed value, nil for words, punctuation and
	// numbers that are no value (identifiers, ordinals).
	Q *Quantity
}

// markerPattern matches a citation marker: opus handles in square (or
// full-width, or lenticular) brackets, one or a list or a range, in any case
// and spacing — "[F3]", "[F3, F4]", "[F3–F5]", "[ f 3 ]", "［F3］". Handles
// of other kinds ("[D1]", "[P2]") count too: a model or a user may write
// them, and none of them is content.
const markerPattern = `[\[［【]\s*(?i:[FDPJR])\s*\d+(?:\s*(?:[,;–—-]|and|&)\s*(?:(?i:[FDPJR])\s*)?\d+)*\s*[\]］】]`

var (
	markerRE    = regexp.MustCompile(`^` + markerPattern)
	markerAnyRE = regexp.MustCompile(`\s*` + markerPattern)
	markerPart  = regexp.MustCompile(`(?i:([FDPJR]))?\s*(\d+)|([–—-])`)
)

// StripMarkers removes citation markers such as "[F12]" from a sentence:
// they are links, not content. opus stores sentences without them and
// shows the markers of a sentence's stored links instead.
func StripMarkers(s string) string {
	return strings.TrimSpace(markerAnyRE.ReplaceAllString(s, ""))
}

// maxMarkerRange bounds "[F1–F9999]": a range wider than this is read as
// its two ends.
const maxMarkerRange = 50

// MarkerHandles returns the handles cited by the markers of s, in order and
// upper-cased, ranges expanded ("[F3–F5]" is F3, F4, F5); a number without a
// letter takes the one before it ("[F3, 4]"). Handles of any kind are
// returned; callers decide which they accept.
func MarkerHandles(s string) []string {
	var out []string
	for _, m := range markerAnyRE.FindAllString(s, -1) {
		prefix, prev, dash := "F", -1, false
		for _, p := range markerPart.FindAllStringSubmatch(m, -1) {
			if p[3] != "" {
				dash = prev >= 0
				continue
			}
			if p[1] != "" {
				prefix = strings.ToUpper(p[1])
			}
			n, err := strconv.Atoi(p[2])
			if err != nil {
				continue
			}
			if dash && n > prev && n-prev <= maxMarkerRange {
				for k := prev + 1; k < n; k++ {
					out = append(out, prefix+strconv.Itoa(k))
				}
			}
			dash = false
			out = append(out, prefix+strconv.Itoa(n))
			prev = n
		}
	}
	return out
}

// Tokenize normalises s and splits it into words, numbers and clause
// punctuation. Fact markers ("[F3]") are skipped. Bracketed reference
// numbers ("[12]") are kept as numbers: a sentence that changes or invents
// one is then caught, at the price of rejecting a sentence that adds a
// citation its facts lack.
func Tokenize(s string) []Token {
	sc := scanner{s: Normalize(s)}
	sc.run()
	for i, t := range sc.toks {
		if t.Kind == Number {
			sc.toks[i].Q = ParseQuantity(t.Key)
		}
	}
	return sc.toks
}

// Numbers returns the canonical form of every number in s, in order:
// "1,200" → "1200", ".05" → "0.05", "38 %" and "38 percent" → "38%",
// "12-week", "12 weeks" and "week 12" → "12 week", "p < .05" → "p<0.05",
// "< 100 mg/dL" → "<100 mg/dl", "1.5-fold" → "1.5x", "twelve" → "12",
// "1.2 million" → "1200000"; fractions in words ("half an hour" → "0.5 h",
// "three and a half hours" → "3.5 h", "half of" → "50%", "three
// quarters" → "75%"); a duration in two units run together ("1 h 30 min"
// → "90 min"); both ends of a range ("12–15%" → "12%", "15%"; "±", "+/-"
// and "+-" separate too); identifiers with digits as themselves,
// lower-cased ("p53", "3d", "cd4+"). A decimal comma or a list without spaces ("0,05", "1,2,3") is
// kept whole rather than split into numbers the text does not state. Fact
// markers are ignored.
func Numbers(s string) []string {
	var out []string
	for _, t := range Tokenize(s) {
		if t.Kind == Number {
			out = append(out, t.Key)
		}
	}
	return out
}

// NumberCovered reports whether the number n (canonical or as written) is
// among in (canonical or as written). Numbers must agree in value, unit and
// comparison: "38%" is not covered by "38", "12 mg" not by "12 g",
// "p<0.05" not by "p=0.03", "<100" not by "100". Values compare in form
// only (".05" = "0.05" = "0.050"), never by rounding or unit conversion.
func NumberCovered(n string, in []string) bool {
	want := canonOne(n)
	if want == "" {
		return false
	}
	for _, c := range in {
		if canonOne(c) == want {
			return true
		}
	}
	return false
}

// canonOne returns the canonical form of a string holding one number, or
// the trimmed string when it does not parse as exactly one.
func canonOne(s string) string {
	toks := Tokenize(s)
	var nums []Token
	for _, t := range toks {
		if t.Kind == Number {
			nums = append(nums, t)
		}
	}
	if len(nums) == 1 && len(toks) == 1 {
		return nums[0].Key
	}
	return strings.TrimSpace(s)
}

// ContentWords returns the keys of the words of s that carry content, in
// order (numbers excluded: compare those with Numbers).
func ContentWords(s string) []string {
	var out []string
	for _, t := range Tokenize(s) {
		if t.Kind == Word && !t.Stop {
			out = append(out, t.Key)
		}
	}
	return out
}

type scanner struct {
	s    string
	toks []Token
}

func (sc *scanner) emit(k Kind, start, end int, key string, stop bool) {
	sc.toks = append(sc.toks, Token{Kind: k, Text: sc.s[start:end], Key: key, Stop: stop, Start: start, End: end})
}

func (sc *scanner) run() {
	s := sc.s
	for i := 0; i < len(s); {
		r, w := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == ' ':
			i += w
		case r == '[' || r == '【':
			if loc := markerRE.FindStringIndex(s[i:]); loc != nil {
				i += loc[1]
				continue
			}
			i += w
		case isDigit(r) || sc.numberStart(i, r):
			if j := sc.number(i, i, ""); j > i {
				i = j
				continue
			}
			i += w
		case r == '<' || r == '>' || r == '≤' || r == '≥':
			// "LDL < 100 mg/dL" is not "LDL > 100 mg/dL": the comparison
			// belongs to the number.
			cmp, k := comparator(s, i)
			if byteAt(s, k) == ' ' {
				k++
			}
			if r2, _ := utf8.DecodeRuneInString(s[k:]); isDigit(r2) || sc.numberStart(k, r2) {
				if j := sc.number(k, i, cmp); j > k {
					i = j
					continue
				}
			}
			i += w
		case unicode.IsNumber(r):
			// A numeral Normalize could not read as digits (Tibetan half
			// digits, Aegean numbers, "〇"): a number that only the same
			// numeral matches, never a skipped character.
			j := i
			for j < len(s) {
				r2, w2 := utf8.DecodeRuneInString(s[j:])
				if !unicode.IsNumber(r2) || isDigit(r2) {
					break
				}
				j += w2
			}
			sc.emit(Number, i, j, s[i:j], false)
			i = j
		case unicode.IsLetter(r):
			i = sc.word(i)
		case strings.ContainsRune(",;:().!?", r):
			sc.emit(Punct, i, i+w, string(r), false)
			i += w
		default:
			i += w
		}
	}
}

// numberStart reports a number that starts with something other than a
// digit: ".05", a sign, a currency symbol.
func (sc *scanner) numberStart(i int, r rune) bool {
	s := sc.s
	switch r {
	case '.':
		return digitAt(s, i+1) && !alnumBefore(s, i)
	case '-', '+':
		if alnumBefore(s, i) || sc.numberBefore(i) {
			return false // "LDL-C", "COVID-19", "12-15", "12 - 15"
		}
		return digitAt(s, i+1) || (byteAt(s, i+1) == '.' && digitAt(s, i+2))
	}
	if _, ok := currencies[r]; ok {
		j := i + utf8.RuneLen(r)
		if byteAt(s, j) == ' ' {
			j++
		}
		return digitAt(s, j)
	}
	return false
}

// numberBefore reports whether the last thing before i (spaces skipped)
// ends a number, so a dash at i separates a range rather than signs a
// value.
func (sc *scanner) numberBefore(i int) bool {
	if len(sc.toks) == 0 {
		return false
	}
	last := sc.toks[len(sc.toks)-1]
	return last.Kind == Number && strings.TrimSpace(sc.s[last.End:i]) == ""
}

// initial reports whether the next word starts a sentence.
func (sc *scanner) initial() bool {
	if len(sc.toks) == 0 {
		return true
	}
	last := sc.toks[len(sc.toks)-1]
	return last.Kind == Punct && strings.Contains(".!?:", last.Key)
}

// word scans the word at i and whatever it turns out to be: a p-value, a
// spelled-out number, "week 12", a contraction.
func (sc *scanner) word(i int) int {
	s := sc.s
	j := i
	hasDigit := false
	for j < len(s) {
		r, w := utf8.DecodeRuneInString(s[j:])
		if !unicode.IsLetter(r) && !unicode.Is(unicode.Mn, r) && !isDigit(r) {
			break
		}
		hasDigit = hasDigit || isDigit(r)
		j += w
	}
	text := s[i:j]
	lw := strings.ToLower(text)
	// "ER+" and "ER-", "CD4+" and "CD4-" are different things: a sign that
	// closes a name belongs to it.
	if c := byteAt(s, j); (c == '+' || c == '-') && !alnumAt(s, j+1) {
		if hasDigit {
			sc.emit(Number, i, j+1, lw+string(c), false)
		} else {
			key, _ := wordKey(text, sc.initial())
			sc.emit(Word, i, j+1, key+string(c), false)
		}
		return j + 1
	}

	// "e.g." and "i.e." would otherwise leave stray letters.
	if len(lw) == 1 && j+3 <= len(s) {
		if ab := strings.ToLower(s[i : i+4]); ab == "e.g." || ab == "i.e." {
			sc.emit(Word, i, i+4, string(ab[0])+string(ab[2]), true)
			return i + 4
		}
	}
	if hasDigit {
		// "p53", "CD4", "H1N1": an identifier whose digits matter.
		sc.emit(Number, i, j, lw, false)
		return j
	}
	// Contractions: "didn't" is "did not"; "patient's" is "patient".
	if byteAt(s, j) == '\'' {
		k := j + 1
		for k < len(s) && isASCIILetter(s[k]) {
			k++
		}
		suf := strings.ToLower(s[j+1 : k])
		switch {
		case suf == "t" && strings.HasSuffix(lw, "n") && len(lw) > 1:
			base := text[:len(text)-1]
			switch strings.ToLower(base) {
			case "ca":
				base = "can"
			case "wo":
				base = "will"
			case "sha":
				base = "shall"
			}
			sc.emitWord(base, i, j-1)
			sc.emit(Word, j-1, k, "not", false)
			return k
		case suf == "s" || suf == "re" || suf == "ve" || suf == "ll" || suf == "d" || suf == "m":
			sc.emitWord(text, i, j)
			return k
		}
	}
	if lw == "p" {
		if k := sc.pvalue(i, j); k > j {
			return k
		}
	}
	if lw == "cannot" {
		sc.emit(Word, i, i+3, "can", false)
		sc.emit(Word, i+3, j, "not", false)
		return j
	}
	if k := sc.spelled(i); k > i {
		return k
	}
	if u, ok := prefixUnits[lw]; ok {
		if k := sc.prefixed(i, j, u); k > j {
			return k
		}
	}
	sc.emitWord(text, i, j)
	return j
}

func (sc *scanner) emitWord(text string, start, end int) {
	key, stop := wordKey(text, sc.initial())
	sc.toks = append(sc.toks, Token{Kind: Word, Text: sc.s[start:end], Key: key, Stop: stop, Start: start, End: end})
}

// wordKey returns the comparison key of a word and whether it is a stop
// word. Acronyms and single capital letters that do not start a sentence
// ("drug A", "phase II", "US") are names, never stop words.
func wordKey(text string, initial bool) (string, bool) {
	lw := strings.ToLower(text)
	n := utf8.RuneCountInString(text)
	upper := isUpper(text)
	switch {
	case upper && n >= 2:
		return lw, false
	case upper && n == 1 && !initial:
		return lw, false
	case stopWords[lw]:
		return lw, true
	}
	return Stem(lw), false
}

func isUpper(s string) bool {
	for _, r := range s {
		if !unicode.IsUpper(r) {
			return false
		}
	}
	return s != ""
}

func isDigit(r rune) bool       { return '0' <= r && r <= '9' }
func isASCIILetter(b byte) bool { return 'a' <= b|0x20 && b|0x20 <= 'z' }

func byteAt(s string, i int) byte {
	if i < 0 || i >= len(s) {
		return 0
	}
	return s[i]
}

func digitAt(s string, i int) bool {
	b := byteAt(s, i)
	return '0' <= b && b <= '9'
}

// alnumAt reports whether the rune at byte i is a letter or digit.
func alnumAt(s string, i int) bool {
	if i >= len(s) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// alnumBefore reports whether the rune before byte i is a letter or digit.
func alnumBefore(s string, i int) bool {
	if i <= 0 {
		return false
	}
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// Key returns the key Tokenize gives the word w inside a sentence, so cue
// lists written as plain words can be compared with tokens.
func Key(w string) string {
	k, _ := wordKey(w, false)
	return k
}
