package textnorm

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// currencies are symbols written before an amount.
var currencies = map[rune]string{'$': "usd", '€': "eur", '£': "gbp", '¥': "jpy"}

// fractionSlash joins the numerator and denominator of a vulgar fraction
// that has no exact decimal (see numeralState).
const fractionSlash = "\u2044"

// caseUnits are unit spellings whose case matters ("mM" is millimolar, "mm"
// millimetre) or that are too short to trust lower-cased.
var caseUnits = map[string]string{
	"s": "s", "ms": "ms", "h": "h", "d": "day", "y": "year",
	"g": "g", "kg": "kg", "mg": "mg", "µg": "ug", "μg": "ug", "ug": "ug", "mcg": "ug", "ng": "ng", "pg": "pg",
	"l": "l", "L": "l", "ml": "ml", "mL": "ml", "dl": "dl", "dL": "dl", "µl": "ul", "μl": "ul", "µL": "ul", "μL": "ul", "ul": "ul", "uL": "ul", "nl": "nl", "nL": "nl",
	"M": "M", "mM": "mM", "µM": "uM", "μM": "uM", "uM": "uM", "nM": "nM", "pM": "pM",
	"mol": "mol", "mmol": "mmol", "µmol": "umol", "μmol": "umol", "umol": "umol", "nmol": "nmol",
	"m": "m", "cm": "cm", "mm": "mm", "km": "km", "µm": "um", "μm": "um", "um": "um", "nm": "nm",
	"mmHg": "mmhg", "kPa": "kpa", "Pa": "pa",
	"Hz": "hz", "kHz": "khz", "MHz": "mhz", "GHz": "ghz",
	"KB": "kb", "kB": "kb", "MB": "mb", "GB": "gb", "TB": "tb", "kbps": "kbps", "Mbps": "mbps", "Gbps": "gbps",
	"W": "w", "kW": "kw", "mW": "mw", "MW": "MW", "V": "v", "mV": "mv", "kV": "kv", "mA": "ma", "J": "j", "kJ": "kj",
	"kcal": "kcal", "IU": "iu", "bp": "bp", "kbp": "kbp", "ppm": "ppm", "ppb": "ppb",
	"x": "x", "pp": "pp", "px": "px", "dpi": "dpi", "fps": "fps",
}

// wordUnits are unit words, matched lower-cased, with their plurals.
var wordUnits = map[string]string{
	"sec": "s", "secs": "s", "second": "s", "seconds": "s",
	"msec": "ms", "millisecond": "ms", "milliseconds": "ms",
	"min": "min", "mins": "min", "minute": "min", "minutes": "min",
	"hr": "h", "hrs": "h", "hour": "h", "hours": "h",
	"day": "day", "days": "day",
	"wk": "week", "wks": "week", "week": "week", "weeks": "week",
	"mo": "month", "mos": "month", "month": "month", "months": "month",
	"yr": "year", "yrs": "year", "year": "year", "years": "year",
	"percent": "%", "pct": "%",
	"fold": "x", "times": "x",
	"gram": "g", "grams": "g", "kilogram": "kg", "kilograms": "kg", "milligram": "mg", "milligrams": "mg",
	"microgram": "ug", "micrograms": "ug",
	"liter": "l", "liters": "l", "litre": "l", "litres": "l", "milliliter": "ml", "milliliters": "ml", "millilitre": "ml", "millilitres": "ml",
	"meter": "m", "meters": "m", "metre": "m", "metres": "m", "centimeter": "cm", "centimeters": "cm", "centimetre": "cm", "centimetres": "cm",
	"millimeter": "mm", "millimeters": "mm", "millimetre": "mm", "millimetres": "mm", "kilometer": "km", "kilometers": "km", "kilometre": "km", "kilometres": "km",
	"degree": "°", "degrees": "°", "hertz": "hz", "mmhg": "mmhg",
	"bit": "bit", "bits": "bit", "byte": "byte", "bytes": "byte",
}

// prefixUnits are time words written before their number: "week 12" is
// compared as "12 weeks", as trial reports use both for the same time point.
var prefixUnits = map[string]string{
	"week": "week", "weeks": "week", "wk": "week", "day": "day", "days": "day",
	"month": "month", "months": "month", "year": "year", "years": "year", "hour": "h", "hours": "h",
}

var scaleWords = map[string]int{"hundred": 2, "thousand": 3, "million": 6, "billion": 9}

var smallNumbers = map[string]int{
	"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
	"ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
	"seventeen": 17, "eighteen": 18, "nineteen": 19,
	"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}

// unitCanon returns the canonical unit of a word written after a number, or
// "" if it is not a unit.
func unitCanon(w string) string {
	if u, ok := caseUnits[w]; ok {
		return u
	}
	return wordUnits[strings.ToLower(w)]
}

// withUnit formats a canonical value with its unit: symbols are glued
// ("38%", "1.5x"), words spaced ("12 week").
func withUnit(val, unit string) string {
	switch {
	case unit == "":
		return val
	case unit == "%" || unit == "x" || unit == "pp" || strings.HasPrefix(unit, "°"):
		return val + unit
	}
	return val + " " + unit
}

// value is a parsed number before formatting.
type value struct {
	intPart, frac string // digits only
	neg           bool
	exp           string // scientific exponent, if any
}

func (v value) canon() string {
	ip := strings.TrimLeft(v.intPart, "0")
	if ip == "" {
		ip = "0"
	}
	fr := strings.TrimRight(v.frac, "0")
	out := ip
	if fr != "" {
		out += "." + fr
	}
	if v.exp != "" {
		e, err := strconv.Atoi(v.exp)
		if err == nil {
			out += "e" + strconv.Itoa(e)
		}
	}
	if v.neg && (out != "0") {
		out = "-" + out
	}
	return out
}

// shift multiplies v by 10^n (for "1.2 million").
func (v value) shift(n int) value {
	digits := v.intPart + v.frac
	point := len(v.intPart) + n
	for point > len(digits) {
		digits += "0"
	}
	v.intPart, v.frac = digits[:point], digits[point:]
	return v
}

// scanValue reads digits at i: "1,200", "0.05", ".05", "1e-5". It returns
// the value, the end, and ok; a dotted run such as "4.1.2" is returned as
// ident.
func scanValue(s string, i int) (v value, end int, ok, ident bool) {
	j := i
	for digitAt(s, j) {
		j++
	}
	v.intPart = s[i:j]
	if j > i && strings.HasPrefix(s[j:], fractionSlash) && digitAt(s, j+len(fractionSlash)) {
		// "1⁄3" (from "⅓"): one number that no decimal states exactly.
		k := j + len(fractionSlash)
		for digitAt(s, k) {
			k++
		}
		return v, k, true, true
	}
	// Thousands separators: only comma groups of exactly three digits.
	if j-i >= 1 && j-i <= 3 {
		for byteAt(s, j) == ',' && digitAt(s, j+1) && digitAt(s, j+2) && digitAt(s, j+3) && !digitAt(s, j+4) {
			v.intPart += s[j+1 : j+4]
			j += 4
		}
	}
	if byteAt(s, j) == ',' && digitAt(s, j+1) {
		// "0,05" (a decimal comma) or "1,2,3" (a list): neither is safe to
		// read as separate numbers, where "0,05" would yield a 5.
		k := j
		for byteAt(s, k) == ',' && digitAt(s, k+1) {
			k++
			for digitAt(s, k) {
				k++
			}
		}
		return v, k, true, true
	}
	if byteAt(s, j) == '.' && digitAt(s, j+1) {
		k := j + 1
		for digitAt(s, k) {
			k++
		}
		if byteAt(s, k) == '.' && digitAt(s, k+1) {
			// Section numbers, versions, dates: compare as written.
			for byteAt(s, k) == '.' && digitAt(s, k+1) {
				k++
				for digitAt(s, k) {
					k++
				}
			}
			return v, k, true, true
		}
		v.frac = s[j+1 : k]
		j = k
	}
	if v.intPart == "" && v.frac == "" {
		return v, i, false, false
	}
	// Scientific notation glued to the number: 1e-5, 2.5E+03.
	if b := byteAt(s, j); b == 'e' || b == 'E' {
		k := j + 1
		if c := byteAt(s, k); c == '-' || c == '+' {
			k++
		}
		if digitAt(s, k) {
			m := k
			for digitAt(s, m) {
				m++
			}
			if !isASCIILetter(byteAt(s, m)) {
				v.exp = strings.TrimPrefix(s[j+1:m], "+")
				j = m
			}
		}
	}
	return v, j, true, false
}

// pending is a number scanned but not yet emitted (a range may give it a
// unit).
type pending struct {
	start, end int
	val        string
	unit       string
	raw        string // set for identifiers and ordinals: the key as is
	cmp        string // "<", "<=", ">", ">=" written before the number
}

// number scans the number at i with its unit and, for ranges, the numbers
// that follow ("12–15 weeks"). A comparison written before it (cmp, from
// start) becomes part of the first number: "<100 mg/dl". It returns the
// end, or i if there is none.
func (sc *scanner) number(i, start int, cmp string) int {
	s := sc.s
	first, j, ok := sc.quantity(i, true)
	if !ok {
		return i
	}
	first.start, first.cmp = start, cmp
	if c, e, ok := sc.compound(first, j); ok {
		first, j = c, e
	}
	items := []pending{first}
	// "and" joins a range only where a list can start: "at 12 and 24
	// weeks", "between 12 and 15 weeks", "by 38 and 12%". After a noun
	// ("group 2 and 20%") or from a year ("in 2019 and 20% in 2020",
	// "in 2019 to 20%") the numbers belong to different things.
	listStart := sc.opensList()
	for first.raw == "" {
		k, ok := rangeSep(s, j)
		if !ok {
			break
		}
		if w := strings.TrimSpace(s[j:k]); w == "and" || w == "to" {
			if last := items[len(items)-1]; (w == "and" && !listStart) || isYear(last) {
				break
			}
		}
		next, e, ok := sc.quantity(k, false)
		if !ok || next.raw != "" {
			break
		}
		items = append(items, next)
		j = e
	}
	// A unit written once at the end of a range belongs to every value
	// before it: "12-15 weeks", and in "8.42 ± 0.51 nM and 3 ± 1 mg" the
	// nM to 8.42.
	next := ""
	for n := len(items) - 1; n >= 0; n-- {
		switch {
		case items[n].raw != "":
		case items[n].unit != "":
			next = items[n].unit
		default:
			items[n].unit = next
		}
	}
	for _, it := range items {
		key := it.raw
		if key == "" {
			key = withUnit(it.val, it.unit)
		}
		sc.emit(Number, it.start, it.end, it.cmp+key, false)
	}
	return j
}

// opensList reports whether a number scanned now may open a list: at the
// start, after punctuation or after a function word.
func (sc *scanner) opensList() bool {
	if len(sc.toks) == 0 {
		return true
	}
	last := sc.toks[len(sc.toks)-1]
	return last.Kind == Punct || last.Kind == Word && (last.Stop || listWords[strings.ToLower(last.Text)])
}

// listWords are words other than function words after which a list of
// numbers may start.
var listWords = map[string]bool{"between": true, "about": true, "approximately": true, "around": true,
	"nearly": true, "roughly": true, "after": true, "before": true, "within": true, "during": true, "over": true,
	"under": true, "among": true, "than": true, "respectively": true}

// isYear reports a bare whole number that reads as a year.
func isYear(p pending) bool {
	if p.unit != "" || p.raw != "" || strings.ContainsAny(p.val, ".e-") {
		return false
	}
	n, err := strconv.Atoi(p.val)
	return err == nil && n >= 1800 && n <= 2100
}

// rangeSep reads a range separator at i ("-", "/", "±", "to", "and") and
// returns where the next number starts. A sign may open the second value
// only after a word ("-0.5 to -0.2"); after a dash it would be a typo.
func rangeSep(s string, i int) (int, bool) {
	j := i
	if byteAt(s, j) == ' ' {
		j++
	}
	word := false
	switch {
	case byteAt(s, j) == '-' || byteAt(s, j) == '/':
		j++
	case strings.HasPrefix(s[j:], "±"):
		j += len("±")
	case strings.HasPrefix(s[j:], "+/-"):
		j += len("+/-") // "±" typed in ASCII
	case strings.HasPrefix(s[j:], "+-"):
		j += len("+-") // "+−" once dashes are folded
	case strings.HasPrefix(s[j:], "to "):
		j, word = j+2, true
	case strings.HasPrefix(s[j:], "and "):
		j, word = j+3, true
	default:
		return i, false
	}
	if byteAt(s, j) == ' ' {
		j++
	}
	if digitAt(s, j) || (byteAt(s, j) == '.' && digitAt(s, j+1)) {
		return j, true
	}
	if c := byteAt(s, j); word && (c == '-' || c == '+') && digitAt(s, j+1) {
		return j, true
	}
	return i, false
}

// quantity scans one number with its unit at i. allowPrefix lets a currency
// symbol open it.
func (sc *scanner) quantity(i int, allowPrefix bool) (pending, int, bool) {
	s := sc.s
	p := pending{start: i}
	j := i
	unit := ""
	if allowPrefix {
		if r, w := utf8.DecodeRuneInString(s[j:]); currencies[r] != "" {
			unit = currencies[r]
			j += w
			if byteAt(s, j) == ' ' {
				j++
			}
		}
	}
	neg := false
	if c := byteAt(s, j); c == '-' || c == '+' {
		neg = c == '-'
		j++
	}
	v, e, ok, ident := scanValue(s, j)
	if !ok {
		return p, i, false
	}
	v.neg = neg
	if ident {
		p.end, p.raw = e, s[p.start:e]
		return p, e, true
	}
	j = e
	// "2.5 × 10^-3", "10^6".
	if k, exp, ok := powerOfTen(s, j); ok {
		if v.intPart == "10" && v.frac == "" && k == j+len("^")+len(exp) && byteAt(s, j) == '^' {
			v = value{intPart: "1", neg: v.neg, exp: exp}
		} else {
			v.exp = exp
		}
		j = k
	}
	// "1.2 million".
	if byteAt(s, j) == ' ' {
		k := j + 1
		w := letterRun(s, k)
		if n, ok := scaleWords[strings.ToLower(s[k:w])]; ok && v.exp == "" {
			v = v.shift(n)
			j = w
		}
	}
	// Letters glued to the number: a unit, an ordinal, or an identifier.
	if j < len(s) {
		if r, _ := utf8.DecodeRuneInString(s[j:]); unicode.IsLetter(r) {
			k := j
			for k < len(s) {
				r, w := utf8.DecodeRuneInString(s[k:])
				if !unicode.IsLetter(r) && !isDigit(r) {
					break
				}
				k += w
			}
			suf := s[j:k]
			if u := unitCanon(suf); u != "" && unit == "" {
				if k2, u2 := compositeUnit(s, k, u); k2 > k {
					k, u = k2, u2
				}
				p.end, p.val, p.unit = k, v.canon(), u
				return p, k, true
			}
			if isOrdinal(v, suf) {
				p.end, p.raw = k, v.canon()+strings.ToLower(suf)
				return p, k, true
			}
			p.end, p.raw = k, strings.ToLower(s[p.start:k])
			return p, k, true
		}
	}
	if unit == "" {
		if u, k := parseUnit(s, j); u != "" {
			unit, j = u, k
		}
	}
	p.end, p.val, p.unit = j, v.canon(), unit
	return p, j, true
}

// powerOfTen reads "× 10^-3" (or x, ·, *) or a bare "^6" after "10" at i,
// returning the end and the exponent.
func powerOfTen(s string, i int) (int, string, bool) {
	j := i
	if byteAt(s, j) == '^' {
		return readExp(s, j+1)
	}
	if byteAt(s, j) == ' ' {
		j++
	}
	switch {
	case strings.HasPrefix(s[j:], "×"):
		j += len("×")
	case strings.HasPrefix(s[j:], "·"):
		j += len("·")
	case byteAt(s, j) == 'x' || byteAt(s, j) == '*':
		j++
	default:
		return i, "", false
	}
	if byteAt(s, j) == ' ' {
		j++
	}
	if !strings.HasPrefix(s[j:], "10^") {
		return i, "", false
	}
	return readExp(s, j+3)
}

func readExp(s string, j int) (int, string, bool) {
	k := j
	if c := byteAt(s, k); c == '-' || c == '+' {
		k++
	}
	if !digitAt(s, k) {
		return j, "", false
	}
	for digitAt(s, k) {
		k++
	}
	return k, strings.TrimPrefix(s[j:k], "+"), true
}

func isOrdinal(v value, suf string) bool {
	if v.frac != "" || v.exp != "" {
		return false
	}
	switch strings.ToLower(suf) {
	case "st", "nd", "rd", "th":
		return true
	}
	return false
}

// letterRun returns the end of the run of letters at i.
func letterRun(s string, i int) int {
	for i < len(s) {
		r, w := utf8.DecodeRuneInString(s[i:])
		if !unicode.IsLetter(r) {
			break
		}
		i += w
	}
	return i
}

// parseUnit reads a unit written after a number at i, after at most one
// space or hyphen: "%", "°C", "mg/dL", "weeks", "per cent", "percentage
// points", "-fold". It returns the canonical unit and its end.
func parseUnit(s string, i int) (string, int) {
	j := i
	if c := byteAt(s, j); c == ' ' || c == '-' {
		j++
	}
	switch {
	case byteAt(s, j) == '%':
		return "%", j + 1
	case strings.HasPrefix(s[j:], "‰"):
		return "‰", j + len("‰")
	case strings.HasPrefix(s[j:], "×"):
		return "x", j + len("×")
	case strings.HasPrefix(s[j:], "°"):
		k := j + len("°")
		m := k
		if byteAt(s, m) == ' ' {
			m++
		}
		if c := byteAt(s, m); (c == 'C' || c == 'F') && !isASCIILetter(byteAt(s, m+1)) {
			return "°" + strings.ToLower(string(c)), m + 1
		}
		return "°", k
	}
	k := letterRun(s, j)
	if k == j {
		return "", i
	}
	w := s[j:k]
	lw := strings.ToLower(w)
	if lw == "per" && strings.HasPrefix(strings.ToLower(s[k:]), " cent") && !isASCIILetter(byteAt(s, k+5)) {
		return "%", k + 5
	}
	if lw == "percentage" {
		for _, p := range []string{" points", " point"} {
			if strings.HasPrefix(strings.ToLower(s[k:]), p) && !isASCIILetter(byteAt(s, k+len(p))) {
				return "pp", k + len(p)
			}
		}
		return "", i
	}
	u := unitCanon(w)
	if u == "" {
		return "", i
	}
	if k2, u2 := compositeUnit(s, k, u); k2 > k {
		return u2, k2
	}
	return u, k
}

// compositeUnit extends a unit by "/unit" ("mg/dL", "km/h").
func compositeUnit(s string, k int, u string) (int, string) {
	if byteAt(s, k) != '/' {
		return k, u
	}
	e := letterRun(s, k+1)
	if e == k+1 {
		return k, u
	}
	u2 := unitCanon(s[k+1 : e])
	if u2 == "" {
		return k, u
	}
	return e, strings.ToLower(u + "/" + u2)
}

// pvalue reads a p-value starting at the "p" at i (j is after it):
// "p < 0.05", "P=.03", "p-value of 0.001", "p ≤ 0.05".
func (sc *scanner) pvalue(i, j int) int {
	s := sc.s
	k := j
	named := false
	for _, v := range []string{"-values", "-value", " values", " value"} {
		if strings.HasPrefix(strings.ToLower(s[k:]), v) && !isASCIILetter(byteAt(s, k+len(v))) {
			k += len(v)
			named = true
			break
		}
	}
	if byteAt(s, k) == ' ' {
		k++
	}
	cmp, k := comparator(s, k)
	if cmp == "" && strings.HasPrefix(s[k:], "=") {
		cmp, k = "=", k+1
	}
	if cmp == "" && named {
		for _, w := range []string{"of ", "was ", "is ", "were "} {
			if strings.HasPrefix(strings.ToLower(s[k:]), w) {
				cmp, k = "=", k+len(w)
				break
			}
		}
	}
	if cmp == "" {
		return j
	}
	if byteAt(s, k) == ' ' {
		k++
	}
	v, e, ok, ident := scanValue(s, k)
	if !ok || ident {
		return j
	}
	if e2, exp, ok := powerOfTen(s, e); ok {
		v.exp, e = exp, e2
	}
	sc.emit(Number, i, e, "p"+cmp+v.canon(), false)
	return e
}

// comparator reads "<", "<=", "≤", ">", ">=" or "≥" at i, returning its
// canonical form and end ("" and i if there is none).
func comparator(s string, i int) (string, int) {
	for _, c := range []struct{ in, out string }{
		{"<=", "<="}, {">=", ">="}, {"≤", "<="}, {"≥", ">="}, {"<", "<"}, {">", ">"},
	} {
		if strings.HasPrefix(s[i:], c.in) {
			return c.out, i + len(c.in)
		}
	}
	return "", i
}

// spelled reads a spelled-out number at i ("twelve", "twenty-five", "two
// hundred", "twice") with the unit that follows it.
func (sc *scanner) spelled(i int) int {
	s := sc.s
	total, current := 0, 0
	seen := false
	j := i
	end := i
	for {
		k := letterRun(s, j)
		w := strings.ToLower(s[j:k])
		if n, ok := smallNumbers[w]; ok {
			current += n
			seen = true
		} else if sh, ok := scaleWords[w]; ok && seen {
			if sh == 2 {
				current *= 100
			} else {
				mult := 1
				for n := 0; n < sh; n++ {
					mult *= 10
				}
				total += current * mult
				current = 0
			}
		} else if !seen && (w == "twice" || w == "thrice") {
			key := "2x"
			if w == "thrice" {
				key = "3x"
			}
			sc.emit(Number, i, k, key, false)
			return k
		} else {
			break
		}
		end = k
		if c := byteAt(s, k); (c == ' ' || c == '-') && isASCIILetter(byteAt(s, k+1)) {
			j = k + 1
			// "one hundred and twenty": "and" joins only after a scale.
			if strings.HasPrefix(strings.ToLower(s[j:]), "and ") && current%100 == 0 && current > 0 {
				if e := letterRun(s, j+4); smallNumbers[strings.ToLower(s[j+4:e])] > 0 {
					j += 4
				}
			}
			continue
		}
		break
	}
	if !seen {
		return sc.fraction(i)
	}
	n := total + current
	// "three and a half hours": only with a unit, which makes it a
	// quantity rather than a list ("two and a half-day course").
	if rest := strings.ToLower(s[end:]); strings.HasPrefix(rest, " and a half ") {
		if unit, e := parseUnit(s, end+len(" and a half")); unit != "" && unit != "%" {
			sc.emit(Number, i, e, withUnit(strconv.Itoa(n)+".5", unit), false)
			return e
		}
	}
	// "three quarters", "one quarter of an hour".
	if byteAt(s, end) == ' ' {
		k := letterRun(s, end+1)
		if w := strings.ToLower(s[end+1 : k]); (w == "quarter" && n == 1) || (w == "quarters" && n > 1 && n < 4) {
			return sc.fractionOf(i, k, float64(n)/4)
		}
	}
	val := strconv.Itoa(n)
	unit, e := parseUnit(s, end)
	if unit == "" {
		e = end
	}
	sc.emit(Number, i, e, withUnit(val, unit), false)
	return e
}

// prefixed reads "week 8" (and "weeks 8 and 16") at i, where s[i:j] is
// the time word.
func (sc *scanner) prefixed(i, j int, unit string) int {
	s := sc.s
	if byteAt(s, j) != ' ' || !digitAt(s, j+1) {
		return j
	}
	start := i
	k := j + 1
	for {
		v, e, ok, ident := scanValue(s, k)
		if !ok || ident || isASCIILetter(byteAt(s, e)) {
			return k
		}
		sc.emit(Number, start, e, withUnit(v.canon(), unit), false)
		k = e
		next, ok := listSep(s, k)
		if !ok {
			return k
		}
		start, k = next, next
	}
}

// listSep reads ", ", " and ", " to ", "-" between the numbers of a list
// after a time word and returns where the next number starts.
func listSep(s string, i int) (int, bool) {
	for _, sep := range []string{", and ", ", ", " and ", " to ", " or ", "-", " - "} {
		if strings.HasPrefix(s[i:], sep) && digitAt(s, i+len(sep)) {
			return i + len(sep), true
		}
	}
	return i, false
}

// fraction reads "half" or "a quarter" at i as a quantity: "half an hour"
// is 0.5 h, "half of the samples" 50%, "a quarter of an hour" 0.25 h.
// Compounds ("half-life"), "a half" ("an hour and a half") and "quarter"
// without "a" ("the first quarter") stay words.
func (sc *scanner) fraction(i int) int {
	s := sc.s
	k := letterRun(s, i)
	w := strings.ToLower(s[i:k])
	if byteAt(s, k) == '-' && isASCIILetter(byteAt(s, k+1)) {
		return i
	}
	prevA := false
	if n := len(sc.toks); n > 0 {
		last := sc.toks[n-1]
		prevA = last.Kind == Word && strings.EqualFold(last.Text, "a") && strings.TrimSpace(s[last.End:i]) == ""
	}
	switch {
	case w == "half" && !prevA:
		for _, art := range []string{" a ", " an "} {
			if strings.HasPrefix(strings.ToLower(s[k:]), art) {
				if unit, e := parseUnit(s, k+len(art)-1); unit != "" && unit != "%" && unit != "x" {
					sc.emit(Number, i, e, withUnit("0.5", unit), false)
					return e
				}
			}
		}
		sc.emit(Number, i, k, "50%", false)
		return k
	case w == "quarter" && prevA:
		return sc.fractionOf(i, k, 0.25)
	}
	return i
}

// fractionOf emits the fraction f written from i to k ("three quarters"),
// of a unit if one follows ("of an hour", "of a second"), else as a
// percentage ("of the time", "of patients").
func (sc *scanner) fractionOf(i, k int, f float64) int {
	s := sc.s
	rest := strings.ToLower(s[k:])
	for _, of := range []string{" of a ", " of an "} {
		if strings.HasPrefix(rest, of) {
			if unit, e := parseUnit(s, k+len(of)-1); unit != "" && unit != "%" && unit != "x" {
				sc.emit(Number, i, e, withUnit(strconv.FormatFloat(f, 'f', -1, 64), unit), false)
				return e
			}
			return i // "a quarter of a century": not a unit we know
		}
	}
	sc.emit(Number, i, k, strconv.FormatFloat(f*100, 'f', -1, 64)+"%", false)
	return k
}

// timeUnits are the units of a compound duration, largest first, with how
// many of the next one each holds.
var timeUnits = []struct {
	unit string
	next int
}{{"week", 7}, {"day", 24}, {"h", 60}, {"min", 60}, {"s", 1000}, {"ms", 0}}

// compound merges a duration written in two units with nothing but a space
// between them ("1 h 30 min", "2 min 5 s") into one quantity in the smaller
// unit ("90 min"). Both values must be whole, the second smaller than one of
// the larger unit. "1 h and 30 min" is left alone: it may list two time
// points.
func (sc *scanner) compound(first pending, j int) (pending, int, bool) {
	s := sc.s
	if first.raw != "" || byteAt(s, j) != ' ' || !digitAt(s, j+1) || strings.ContainsAny(first.val, ".e-") {
		return first, j, false
	}
	ui := -1
	for n, u := range timeUnits {
		if u.unit == first.unit {
			ui = n
		}
	}
	if ui < 0 || ui+1 >= len(timeUnits) {
		return first, j, false
	}
	next, e, ok := sc.quantity(j+1, false)
	if !ok || next.raw != "" || next.unit != timeUnits[ui+1].unit || strings.ContainsAny(next.val, ".e-") {
		return first, j, false
	}
	// Nothing may follow that would make the second value part of a
	// range or a list ("1 h 30-45 min").
	if _, ok := rangeSep(s, e); ok {
		return first, j, false
	}
	a, err1 := strconv.Atoi(first.val)
	b, err2 := strconv.Atoi(next.val)
	if err1 != nil || err2 != nil || b >= timeUnits[ui].next {
		return first, j, false
	}
	first.val = strconv.Itoa(a*timeUnits[ui].next + b)
	first.unit = next.unit
	first.end = e
	return first, e, true
}
