package textnorm

import (
	"fmt"
	"math/rand"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNumbers(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"no numbers here", nil},
		{"120 patients", []string{"120"}},
		{"1,200 patients and 12,345,678 cells", []string{"1200", "12345678"}},
		{"lists 1,2,3 are not thousands", []string{"1,2,3"}},
		{"a decimal comma 0,05 is kept whole", []string{"0,05"}},
		{"1, 2 and 3", []string{"1", "2", "3"}},
		{"0.05 and .05 and 0.050", []string{"0.05", "0.05", "0.05"}},
		{"007 agents", []string{"7"}},
		{"38% and 38 % and 38 percent and 38 per cent", []string{"38%", "38%", "38%", "38%"}},
		{"a 5 percentage point gain", []string{"5pp"}},
		{"12-15 weeks", []string{"12 week", "15 week"}},
		{"12\u201315%", []string{"12%", "15%"}},
		{"between 12 and 15 weeks", []string{"12 week", "15 week"}},
		{"from 12 to 15 mg", []string{"12 mg", "15 mg"}},
		{"120/80 mmHg", []string{"120 mmhg", "80 mmhg"}},
		{"42 \u00B1 3 mg", []string{"42 mg", "3 mg"}},
		{"week 12", []string{"12 week"}},
		{"at 12 weeks", []string{"12 week"}},
		{"a 12-week trial", []string{"12 week"}},
		{"weeks 12 and 24", []string{"12 week", "24 week"}},
		{"Day 7", []string{"7 day"}},
		{"3 h, 3 hours, 3 hrs", []string{"3 h", "3 h", "3 h"}},
		{"10 d after", []string{"10 day"}},
		{"5 mg, 5mg, 5 milligrams", []string{"5 mg", "5 mg", "5 mg"}},
		{"5 mM is not 5 mm", []string{"5 mM", "5 mm"}},
		{"120 mg/dL", []string{"120 mg/dl"}},
		{"500 \u00B5L and 500 \u03BCl", []string{"500 ul", "500 ul"}},
		{"37 \u00B0C, 37\u00B0C, 37\u2103, 37\u02DAC", []string{"37°c", "37°c", "37°c", "37°c"}},
		{"1.5-fold, 1.5 fold, 1.5x, 1.5\u00D7", []string{"1.5x", "1.5x", "1.5x", "1.5x"}},
		{"twice as many", []string{"2x"}},
		{"p < 0.05", []string{"p<0.05"}},
		{"LDL < 100 mg/dL", []string{"<100 mg/dl"}},
		{"aged \u2265 65 years", []string{">=65 year"}},
		{"in >90% and <5% of cases", []string{">90%", "<5%"}},
		{"P<.05", []string{"p<0.05"}},
		{"(p = 0.03)", []string{"p=0.03"}},
		{"p \u2264 0.001", []string{"p<=0.001"}},
		{"p-value of 0.2", []string{"p=0.2"}},
		{"P > 0.1", []string{"p>0.1"}},
		{"twelve patients", []string{"12"}},
		{"Thirty participants", []string{"30"}},
		{"twenty-five mice", []string{"25"}},
		{"two hundred and", []string{"200"}},
		{"one hundred and twenty patients", []string{"120"}},
		{"one and two", []string{"1", "2"}},
		{"one hundred twenty", []string{"120"}},
		{"three weeks", []string{"3 week"}},
		{"five percent", []string{"5%"}},
		{"ten-fold", []string{"10x"}},
		{"1.2 million", []string{"1200000"}},
		{"3 thousand", []string{"3000"}},
		{"1e-5, 1.0E-05, 2.5 \u00D7 10^-3", []string{"1e-5", "1e-5", "2.5e-3"}},
		{"10^6 cells", []string{"1e6"}},
		{"a change of -0.5", []string{"-0.5"}},
		{"(\u22120.5, 0.3)", []string{"-0.5", "0.3"}},
		{"-80\u02DAC", []string{"-80°c"}},
		{"from -0.5 to -0.2", []string{"-0.5", "-0.2"}},
		{"12 - 15", []string{"12", "15"}},
		{"$12 and \u20AC5", []string{"12 usd", "5 eur"}},
		{"1st, 2nd and 23rd", []string{"1st", "2nd", "23rd"}},
		{"COVID-19 and IL-6", []string{"19", "6"}},
		{"p53, CD4, H1N1, 3D, Tyr369", []string{"p53", "cd4", "h1n1", "3d", "tyr369"}},
		{"Section 4.1.2", []string{"4.1.2"}},
		{"in 2019.", []string{"2019"}},
		{"Fig. 3 and Table 2", []string{"3", "2"}},
		{"fact markers [F3] and [F3, F4] and [F12\u2013F14] are ignored", nil},
		{"reference numbers [12] and [3, 5] are kept", []string{"12", "3", "5"}},
		{"drug A [F3].", nil},
		// ± typed in ASCII.
		{"11.21 +/- 0.74 nM and 3 +- 1 mg", []string{"11.21 nM", "0.74 nM", "3 mg", "1 mg"}},
		{"11.21 +\u2212 0.74 nM", []string{"11.21 nM", "0.74 nM"}},
		// Fractions in words: exact, and only where they are quantities.
		{"half an hour", []string{"0.5 h"}},
		{"half a day", []string{"0.5 day"}},
		{"half of the extractions", []string{"50%"}},
		{"two and a half minutes", []string{"2.5 min"}},
		{"one and a half hours", []string{"1.5 h"}},
		{"three quarters of an hour", []string{"0.75 h"}},
		{"three quarters of the time", []string{"75%"}},
		{"a quarter of a second", []string{"0.25 s"}},
		{"a quarter of patients", []string{"25%"}},
		{"a half-life of 12 h", []string{"12 h"}},
		{"an hour and a half", nil},
		{"the first quarter of 2020", []string{"2020"}},
		{"a quarter of a century", nil},
		{"Eighty percent", []string{"80%"}},
		// "and" makes a range only where a list may start, and never
		// from a year.
		{"at 12 and 24 weeks", []string{"12 week", "24 week"}},
		{"by 38 and 12%", []string{"38%", "12%"}},
		{"in 2019 and 20% in 2020", []string{"2019", "20%", "2020"}},
		{"rose in 2019 to 20%", []string{"2019", "20%"}},
		{"in group 2 and 20% in group 3", []string{"2", "20%", "3"}},
		{"11.21 \u00B1 0.74 nM and 3 \u00B1 1 mg", []string{"11.21 nM", "0.74 nM", "3 mg", "1 mg"}},
		// Durations in two units run together, and only then.
		{"1 h 30 min", []string{"90 min"}},
		{"2 min 5 s", []string{"125 s"}},
		{"2 weeks 3 days", []string{"17 day"}},
		{"1 h and 30 min", []string{"1 h", "30 min"}},
		{"from 2 h to 30 min", []string{"2 h", "30 min"}},
		{"1 h 75 min", []string{"1 h", "75 min"}},
		{"1 h 30-45 min", []string{"1 h", "30 min", "45 min"}},
		{"1.5 h 10 min", []string{"1.5 h", "10 min"}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			assert.Equal(t, tt.want, Numbers(tt.in))
		})
	}
}

func TestNumberCovered(t *testing.T) {
	covered := []struct {
		n  string
		in []string
	}{
		{"0.05", []string{".05"}},
		{".05", []string{"0.05"}},
		{"0.50", []string{"0.5"}},
		{"38 %", []string{"38%"}},
		{"38%", []string{"38 percent"}},
		{"1,200", []string{"1200"}},
		{"12 weeks", []string{"week 12"}},
		{"twelve", []string{"12"}},
		{"p < .05", []string{"P<0.05"}},
		{"38%", []string{"12", "38%"}},
	}
	for _, tt := range covered {
		assert.True(t, NumberCovered(tt.n, tt.in), "%q in %q", tt.n, tt.in)
	}
	// The hard line: a number missing from the facts is never covered.
	notCovered := []struct {
		n  string
		in []string
	}{
		{"48%", []string{"38%"}},
		{"38", []string{"38%"}},
		{"38%", []string{"38"}},
		{"38%", []string{"38pp"}},
		{"12 mg", []string{"12 g"}},
		{"12 mg", []string{"12"}},
		{"12", []string{"12 mg"}},
		{"12 weeks", []string{"12 months"}},
		{"0.5", []string{"-0.5"}},
		{"-0.5", []string{"0.5"}},
		{"p<0.05", []string{"p=0.05"}},
		{"p<0.05", []string{"0.05"}},
		{"0.05", []string{"p<0.05"}},
		{"1200", []string{"120"}},
		{"120", []string{"1200"}},
		{"0.05", []string{"0.5"}},
		{"5", []string{"15"}},
		{"15", []string{"1.5"}},
		{"2019", []string{"2020"}},
		{"5", []string{"0,05"}},
		{"0.05", []string{"0,05"}},
		{"3D", []string{"2D"}},
		{"1.5x", []string{"1.5"}},
		{"1e-5", []string{"1e-6"}},
		{"<100 mg/dL", []string{"100 mg/dL"}},
		{"100 mg/dL", []string{"<100 mg/dL"}},
		{">100 mg/dL", []string{"<100 mg/dL"}},
		{"CD4+", []string{"CD4-"}},
		{"12", nil},
		{"", []string{""}},
	}
	for _, tt := range notCovered {
		assert.False(t, NumberCovered(tt.n, tt.in), "%q must not be covered by %q", tt.n, tt.in)
	}
}

// Randomised attempt to break NumberCovered: two quantities that differ in
// value or unit are never taken for one another.
func TestNumberCoveredNeverConfusesDifferentQuantities(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	units := []string{"", "%", " mg", " g", " weeks", " months", "-fold", " mmHg", " °C", " mL"}
	format := func(v float64, prec int, unit string) string {
		return strconv.FormatFloat(v, 'f', prec, 64) + unit
	}
	for n := 0; n < 3000; n++ {
		prec := rng.Intn(3)
		a := float64(rng.Intn(2000)) / 10
		b := a
		ua, ub := units[rng.Intn(len(units))], units[rng.Intn(len(units))]
		if rng.Intn(2) == 0 {
			for b == a {
				b = float64(rng.Intn(2000)) / 10
			}
		} else if ua == ub {
			continue
		}
		sa, sb := format(a, prec, ua), format(b, prec, ub)
		if strconv.FormatFloat(a, 'f', prec, 64) == strconv.FormatFloat(b, 'f', prec, 64) && ua == ub {
			continue // equal once rounded for printing
		}
		sentence := fmt.Sprintf("The value was %s overall.", sa)
		fact := fmt.Sprintf("The value was %s overall.", sb)
		nums := Numbers(sentence)
		require.Len(t, nums, 1, sentence)
		assert.False(t, NumberCovered(nums[0], Numbers(fact)), "%q covered by %q", sentence, fact)
	}
}
