package textnorm

import (
	"math/big"
	"strconv"
	"strings"
)

// dimension is what a unit measures and how many base units it holds.
type dimension struct {
	dim    string
	factor *big.Rat
}

// units maps canonical units (as in Numbers' keys) to their dimension.
// Only exact conversions are listed: months and years are not days, a
// kelvin difference is not a Celsius reading, a kilobyte may be 1000 or
// 1024 bytes, so none of those convert.
var units = map[string]dimension{}

// compositeParts are the units that may form "mass/volume"-style units.
// Molar units are left out: a composite is lower-cased, where "mM" and
// "mm" can no longer be told apart.
var compositeParts = map[string]bool{}

func init() {
	add := func(dim string, composite bool, pairs ...string) {
		for k := 0; k+1 < len(pairs); k += 2 {
			f, ok := new(big.Rat).SetString(pairs[k+1])
			if !ok {
				panic("textnorm: bad unit factor " + pairs[k+1])
			}
			units[pairs[k]] = dimension{dim, f}
			compositeParts[pairs[k]] = composite
		}
	}
	add("time", true, "ms", "1/1000", "s", "1", "min", "60", "h", "3600", "day", "86400", "week", "604800")
	add("calendar", false, "month", "1", "year", "12")
	add("mass", true, "pg", "1/1000000000000", "ng", "1/1000000000", "ug", "1/1000000", "mg", "1/1000", "g", "1", "kg", "1000")
	add("volume", true, "nl", "1/1000000000", "ul", "1/1000000", "ml", "1/1000", "dl", "1/10", "l", "1")
	add("length", true, "nm", "1/1000000000", "um", "1/1000000", "mm", "1/1000", "cm", "1/100", "m", "1", "km", "1000")
	add("amount", true, "nmol", "1/1000000000", "umol", "1/1000000", "mmol", "1/1000", "mol", "1")
	add("molar", false, "pM", "1/1000000000000", "nM", "1/1000000000", "uM", "1/1000000", "mM", "1/1000", "M", "1")
	add("frequency", false, "hz", "1", "khz", "1000", "mhz", "1000000", "ghz", "1000000000")
	add("pressure", false, "pa", "1", "kpa", "1000")
	add("power", false, "mw", "1/1000", "w", "1", "kw", "1000", "MW", "1000000")
	add("voltage", false, "mv", "1/1000", "v", "1", "kv", "1000")
	add("energy", false, "j", "1", "kj", "1000")
	add("percent", false, "%", "1", "‰", "1/10")
}

// unitDimension returns the dimension of a canonical unit, composite ones
// ("g/dl") included.
func unitDimension(u string) (dimension, bool) {
	if d, ok := units[u]; ok {
		return d, true
	}
	a, b, ok := strings.Cut(u, "/")
	if !ok || !compositeParts[a] || !compositeParts[b] {
		return dimension{}, false
	}
	da, db := units[a], units[b]
	return dimension{da.dim + "/" + db.dim, new(big.Rat).Quo(da.factor, db.factor)}, true
}

// quantity is a parsed number key: comparison, value in base units and
// dimension.
type quantity struct {
	cmp string
	val *big.Rat
	dim string
}

// maxExponent bounds the powers of ten parseQuantity converts; beyond it a
// key is only ever equal to itself.
const maxExponent = 300

// glued are the units written without a space in keys ("38%", "37°c").
var glued = []string{"%", "‰", "pp", "x", "°c", "°f", "°"}

// parseQuantity reads a key of Numbers ("<120 mg/dl", "0.5 h", "38%")
// whose unit converts. Identifiers, ordinals, p-values, currencies and
// unitless numbers do not.
func parseQuantity(key string) (quantity, bool) {
	var q quantity
	for _, c := range []string{"<=", ">=", "<", ">"} {
		if strings.HasPrefix(key, c) {
			q.cmp, key = c, key[len(c):]
			break
		}
	}
	num, unit, spaced := strings.Cut(key, " ")
	if !spaced {
		for _, g := range glued {
			if strings.HasSuffix(key, g) {
				num, unit = strings.TrimSuffix(key, g), g
				break
			}
		}
	}
	if unit == "" || num == "" || (num[0] != '-' && !digitAt(num, 0)) {
		return q, false
	}
	d, ok := unitDimension(unit)
	if !ok {
		return q, false
	}
	if i := strings.IndexAny(num, "eE"); i >= 0 {
		// big.Rat builds 10^e in full: "1e999999 mg" costs tens of
		// milliseconds per comparison. No measured quantity needs more.
		if n, err := strconv.Atoi(num[i+1:]); err != nil || n > maxExponent || n < -maxExponent {
			return q, false
		}
	}
	v, ok := new(big.Rat).SetString(num)
	if !ok {
		return q, false
	}
	q.val = v.Mul(v, d.factor)
	q.dim = d.dim
	return q, true
}

// SameQuantity reports whether two keys of Numbers state the same quantity:
// the same key, or the same comparison and dimension with values that
// convert exactly ("2 h" and "120 min", "100 ms" and "0.1 s", "14.5 g/l"
// and "1.45 g/dl", "1000 hz" and "1 khz", "6 week" and "42 day", "half"
// read as "50%"). Nothing is rounded: "26 ms" is not "0.03 s", and months
// are not converted to days or weeks.
func SameQuantity(a, b string) bool {
	if a == b {
		return true
	}
	qa, ok := parseQuantity(a)
	if !ok {
		return false
	}
	qb, ok := parseQuantity(b)
	if !ok {
		return false
	}
	return qa.cmp == qb.cmp && qa.dim == qb.dim && qa.val.Cmp(qb.val) == 0
}

// QuantityCovered is NumberCovered with exact unit conversions: it reports
// whether the number n is among in as the same quantity (SameQuantity),
// and returns the key of in that matches, preferring an identical one.
func QuantityCovered(n string, in []string) (string, bool) {
	want := canonOne(n)
	if want == "" {
		return "", false
	}
	for _, c := range in {
		if canonOne(c) == want {
			return canonOne(c), true
		}
	}
	for _, c := range in {
		if k := canonOne(c); SameQuantity(want, k) {
			return k, true
		}
	}
	return "", false
}

// Quantity is the parsed value of a number token, so that callers compare
// values rather than re-read keys.
type Quantity struct {
	Cmp   string   // "<", "<=", ">", ">=" or ""
	Value *big.Rat // in the base unit of Dim
	Dim   string   // what the unit measures ("time", "percent"); "" for a bare number
}

// ParseQuantity reads a key of Numbers: a value with a unit that converts
// (parseQuantity) or a bare number. Identifiers, ordinals, p-values,
// currencies and unknown units give nil: they equal only themselves.
func ParseQuantity(key string) *Quantity {
	if q, ok := parseQuantity(key); ok {
		return &Quantity{Cmp: q.cmp, Value: q.val, Dim: q.dim}
	}
	cmp := ""
	for _, c := range []string{"<=", ">=", "<", ">"} {
		if strings.HasPrefix(key, c) {
			cmp, key = c, key[len(c):]
			break
		}
	}
	if key == "" || strings.ContainsAny(key, " eE") || (key[0] != '-' && !digitAt(key, 0)) {
		return nil
	}
	v, ok := new(big.Rat).SetString(key)
	if !ok {
		return nil
	}
	return &Quantity{Cmp: cmp, Value: v}
}

// SameValue reports whether two number tokens state the same quantity: the
// same key, or the same comparison, dimension and value after an exact
// unit conversion (SameQuantity), or a percentage and a bare decimal
// fraction of equal value ("93.1%" and "0.931").
func SameValue(a, b Token) bool {
	if a.Key == b.Key {
		return true
	}
	qa, qb := a.Q, b.Q
	if qa == nil || qb == nil || qa.Cmp != qb.Cmp {
		return false
	}
	if qa.Dim == qb.Dim {
		return qa.Dim != "" && qa.Value.Cmp(qb.Value) == 0
	}
	frac := b
	if qa.Dim == "" {
		qa, qb, frac = qb, qa, a
	}
	// qa is a percentage, qb a fraction written with a point.
	if qa.Dim != "percent" || qb.Dim != "" || !strings.Contains(frac.Key, ".") {
		return false
	}
	return new(big.Rat).Mul(qb.Value, big.NewRat(100, 1)).Cmp(qa.Value) == 0
}
