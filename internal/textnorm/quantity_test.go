package textnorm

import (
	"math/big"
	"math/rand"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSameQuantity(t *testing.T) {
	same := [][2]string{
		{"2 hours", "120 minutes"},
		{"one hour", "60 min"},
		{"half an hour", "30 minutes"},
		{"three quarters of an hour", "45 minutes"},
		{"two and a half minutes", "150 seconds"},
		{"a quarter of a second", "250 ms"},
		{"100 ms", "0.1 s"},
		{"26ms", "0.026 s"},
		{"6 weeks", "42 days"},
		{"2 weeks", "14 days"},
		{"24 weeks", "168 days"},
		{"24 h", "1 day"},
		{"10 hours", "600 minutes"},
		{"1 h 30 min", "90 minutes"},
		{"12 months", "1 year"},
		{"12.88 g/l", "1.288 g/dl"},
		{"5 mg/dL", "50 mg/L"},
		{"1000 Hz", "1 kHz"},
		{"1,000 mg", "1 g"},
		{"500 µL", "0.5 mL"},
		{"5 mM", "5000 µM"},
		{"2.5 km", "2500 m"},
		{"half", "50%"},
		{"three quarters", "75%"},
		{"< 2 h", "<120 min"},
		{"38 %", "38 percent"},
	}
	for _, p := range same {
		a, b := Numbers(p[0]), Numbers(p[1])
		require.Len(t, a, 1, p[0])
		require.Len(t, b, 1, p[1])
		assert.True(t, SameQuantity(a[0], b[0]), "%q = %q", p[0], p[1])
		assert.True(t, SameQuantity(b[0], a[0]), "%q = %q", p[1], p[0])
	}
	// The hard line: anything not exactly the same quantity.
	different := [][2]string{
		{"12 weeks", "3 months"},      // a month is no fixed number of weeks
		{"1 month", "30 days"},        //
		{"1 year", "365 days"},        //
		{"2.8 K", "2.8 °C"},           // kelvin and Celsius readings differ
		{"26 ms", "0.03 s"},           // no rounding
		{"2 h", "121 min"},            //
		{"< 2 h", "120 min"},          // a bound is not a value
		{"> 2 h", "<120 min"},         //
		{"5 mM", "5 mm"},              // millimolar is not millimetre
		{"5 mm", "0.5 cm/l"},          // different dimensions
		{"12 mg", "12 g"},             //
		{"12 mg/dl", "12 mg/l"},       //
		{"1 KB", "1000 bytes"},        // 1000 or 1024: never converted
		{"50%", "0.5"},                // a fraction is not a percentage
		{"5 percentage points", "5%"}, //
		{"2-fold", "200%"},            //
		{"1 kHz", "1000"},             // a unit is not dropped
		{"1 h", "1"},                  //
		{"$12", "12"},                 //
		{"half", "0.5"},               //
		{"3 weeks", "20 days"},        //
	}
	for _, p := range different {
		a, b := Numbers(p[0]), Numbers(p[1])
		require.NotEmpty(t, a, p[0])
		require.NotEmpty(t, b, p[1])
		assert.False(t, SameQuantity(a[0], b[0]), "%q must not equal %q", p[0], p[1])
		assert.False(t, SameQuantity(b[0], a[0]), "%q must not equal %q", p[1], p[0])
	}
	assert.False(t, SameQuantity("p53", "p53 s"))
	assert.False(t, SameQuantity("", "0 s"))
}

func TestQuantityCovered(t *testing.T) {
	k, ok := QuantityCovered("120 minutes", []string{"38%", "2 h"})
	assert.True(t, ok)
	assert.Equal(t, "2 h", k)
	k, ok = QuantityCovered("2 hours", []string{"120 min", "2 h"})
	assert.True(t, ok)
	assert.Equal(t, "2 h", k, "an identical key is preferred")
	_, ok = QuantityCovered("3 months", []string{"12 week"})
	assert.False(t, ok)
	_, ok = QuantityCovered("", []string{""})
	assert.False(t, ok)
}

// Randomised attempt to break SameQuantity: two quantities are the same
// exactly when their values in base units are equal, computed here with
// the test's own table; rounding, near misses and unrelated units never
// pass.
func TestSameQuantityIsExact(t *testing.T) {
	type unit struct {
		written string
		dim     string
		base    *big.Rat
	}
	r := func(s string) *big.Rat { v, _ := new(big.Rat).SetString(s); return v }
	units := []unit{
		{" ms", "t", r("1/1000")}, {" s", "t", r("1")}, {" min", "t", r("60")}, {" hours", "t", r("3600")},
		{" days", "t", r("86400")}, {" weeks", "t", r("604800")}, {" months", "mo", r("1")}, {" years", "mo", r("12")},
		{" mg", "m", r("1/1000")}, {" g", "m", r("1")}, {" kg", "m", r("1000")}, {" µg", "m", r("1/1000000")},
		{" mL", "v", r("1/1000")}, {" dL", "v", r("1/10")}, {" L", "v", r("1")},
		{" mg/dL", "c", r("1/100")}, {" g/L", "c", r("1")}, {" g/dL", "c", r("10")},
		{" Hz", "f", r("1")}, {" kHz", "f", r("1000")}, {"%", "p", r("1")}, {" °C", "C", r("1")}, {"", "", r("1")},
	}
	rng := rand.New(rand.NewSource(7))
	values := []string{"1", "2", "0.5", "12", "60", "120", "0.1", "100", "1000", "1.5", "7", "42", "0.25", "3600", "24", "10", "0.01"}
	checked, equal := 0, 0
	for n := 0; n < 20000; n++ {
		ua, ub := units[rng.Intn(len(units))], units[rng.Intn(len(units))]
		va, vb := values[rng.Intn(len(values))], values[rng.Intn(len(values))]
		a, b := Numbers("it was "+va+ua.written+" then"), Numbers("it was "+vb+ub.written+" then")
		require.Len(t, a, 1)
		require.Len(t, b, 1)
		want := ua.dim == ub.dim && ua.dim != "" && new(big.Rat).Mul(r(va), ua.base).Cmp(new(big.Rat).Mul(r(vb), ub.base)) == 0
		if ua.dim == "" && ub.dim == "" {
			want = r(va).Cmp(r(vb)) == 0
		}
		if ua.dim == "C" && ub.dim == "C" {
			want = r(va).Cmp(r(vb)) == 0
		}
		got := SameQuantity(a[0], b[0])
		assert.Equal(t, want, got, "%s%s vs %s%s (%s, %s)", va, ua.written, vb, ub.written, a[0], b[0])
		checked++
		if got {
			equal++
		}
	}
	assert.Greater(t, equal, 50, "the draw must produce conversions, not only mismatches")
	t.Logf("%d pairs, %d equal", checked, equal)
}

// Huge exponents are not converted: big.Rat would build 10^999999 in full
// for every comparison, tens of milliseconds each.
func TestSameQuantityHugeExponent(t *testing.T) {
	assert.False(t, SameQuantity("1e999999 mg", "2e999999 mg"))
	assert.False(t, SameQuantity("1e999999 mg", "1000e999996 mg"), "not converted: equal only to itself")
	assert.False(t, SameQuantity("1E999999 mg", "2E999999 mg"))
	assert.True(t, SameQuantity("1e999999 mg", "1e999999 mg"))
	assert.True(t, SameQuantity("1e300 mg", "1e297 g"))
	assert.True(t, SameQuantity("1e-297 g", "1e-300 kg"))
}
