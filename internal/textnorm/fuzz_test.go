package textnorm

import (
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// fuzzTexts seed both targets: the formats PDF text and typed sentences
// really hold. More seeds are in testdata/fuzz/.
var fuzzTexts = []string{
	"LDL-C was reduced by 38% relative to placebo at week 12 (p < 0.001).",
	"In 1,200 patients over 12–15 weeks, p < .05 and 42 ± 3 mg/dL.",
	"النتيجة ٣٩% من المرضى", // Arabic-Indic digits
	"a dilution of 10⁵ cells and 2.5 × 10^-3 mol",
	"½ of patients, three quarters of an hour, two and a half minutes",
	"１２３ patients (full-width digits), ＣＤ４+",
	"dose \u202E12 mg\u202C and 3\u200D4\u200B5 mg",
	"e\u200D\u0301 and 1\u0301 and ﬁnal analy\u00AD\nsis",
	"re\u0002\r\nduced by 1\xff2 and \xe2\x80",
	"1234567890123456789012345678901234567890e99999999 and 10^999999999",
	"p-value of .049, P=.03, p ≤ 0.05, 1 h 30 min, $5, half an hour",
	"COVID-\n19 in 2019 and 20% in 2020, CD4- and ER+, 4.1.2, 0,05, 1,2,3",
	"",
}

// FuzzNumbers checks the tokenizer and number keys on arbitrary text.
func FuzzNumbers(f *testing.F) {
	for _, s := range fuzzTexts {
		f.Add(s)
	}
	f.Fuzz(checkNumbers)
}

// checkNumbers holds the properties FuzzNumbers checks on s.
func checkNumbers(t *testing.T, s string) {
	n := Normalize(s)
	if !utf8.ValidString(n) {
		t.Fatalf("Normalize(%+q) = %+q is not valid UTF-8", s, n)
	}
	// Idempotence: dropping an invisible character (or a break mark and
	// its line break) after NFKC can leave a letter and a combining mark
	// that NFKC would compose ("e\u200D\u0301"); recompose applies it again.
	n2 := Normalize(n)
	if n2 != n {
		t.Fatalf("Normalize not idempotent:\n in  %+q\n 1st %+q\n 2nd %+q", s, n, n2)
	}

	// Keys re-read as themselves, or NumberCovered (which re-reads
	// both sides) compares something else. Not for tokens written with
	// capitals, whose identifier keys are lower-cased into a unit: "3D"
	// gives "3d", which reads as "3 day" — the librarian compares keys
	// directly for that reason (agents.anchor).
	toks := Tokenize(s)
	var keys []string
	prevEnd := 0
	for i, tok := range toks {
		if tok.Start < prevEnd || tok.End <= tok.Start || tok.End > len(n) {
			t.Fatalf("token %d %+v out of order or bounds (prev end %d, len %d) in %+q", i, tok, prevEnd, len(n), n)
		}
		if tok.Text != n[tok.Start:tok.End] {
			t.Fatalf("token %d text %+q is not Normalize(s)[%d:%d] = %+q", i, tok.Text, tok.Start, tok.End, n[tok.Start:tok.End])
		}
		prevEnd = tok.End
		if tok.Kind == Number {
			keys = append(keys, tok.Key)
			if c := canonOne(tok.Key); c != tok.Key && tok.Text == strings.ToLower(tok.Text) {
				t.Fatalf("key %+q of %+q re-reads as %+q", tok.Key, tok.Text, c)
			}
		}
	}

	nums := Numbers(s)
	if !slices.Equal(nums, keys) {
		t.Fatalf("Numbers(%+q) = %+q, number tokens have %+q", s, nums, keys)
	}
	for _, k := range nums {
		if strings.TrimSpace(k) == "" {
			t.Fatalf("empty number key in %+q", nums)
		}
		if !NumberCovered(k, nums) {
			t.Fatalf("key %+q of %+q not covered by its own numbers %+q", k, s, nums)
		}
		if _, ok := QuantityCovered(k, nums); !ok {
			t.Fatalf("key %+q not QuantityCovered by %+q", k, nums)
		}
		if !SameQuantity(k, k) {
			t.Fatalf("SameQuantity(%+q, itself) is false", k)
		}
	}
	// Symmetry over a few distinct keys: all pairs would make long
	// inputs quadratic in big.Rat parses and slow the fuzzer down.
	distinct := slices.Compact(slices.Sorted(slices.Values(nums)))
	distinct = distinct[:min(len(distinct), 8)]
	for i, a := range distinct {
		for _, b := range distinct[i+1:] {
			if SameQuantity(a, b) != SameQuantity(b, a) {
				t.Fatalf("SameQuantity not symmetric for %+q, %+q", a, b)
			}
		}
	}

	// Arbitrary strings as numbers: must not panic.
	NumberCovered(s, nums)
	QuantityCovered(s, nums)
	SameQuantity(s, n)
}

// FuzzFindQuote cuts a quote out of a page at word boundaries (from and to
// pick which) and expects to find it; any page and quote must not panic and
// must give spans inside the page.
func FuzzFindQuote(f *testing.F) {
	for i, s := range fuzzTexts {
		f.Add(s, fuzzTexts[(i+1)%len(fuzzTexts)], uint16(i), uint16(3*i+7))
	}
	f.Add(anchorPage, "LDL-C was reduced by 38% relative to placebo", uint16(2), uint16(9))
	f.Fuzz(func(t *testing.T, page, quote string, from, to uint16) {
		idx := IndexPage(page)
		checkMatch := func(q string) bool {
			t.Helper()
			m, ok := idx.Find(q)
			if m2, ok2 := FindQuote(page, q); m2 != m || ok2 != ok {
				t.Fatalf("FindQuote and PageIndex.Find disagree: %+v %v, %+v %v", m2, ok2, m, ok)
			}
			if !ok {
				if m != (Match{}) {
					t.Fatalf("no match but a span: %+v", m)
				}
				return false
			}
			if m.Start < 0 || m.Start >= m.End || m.End > len(page) {
				t.Fatalf("span %d:%d outside page of %d bytes", m.Start, m.End, len(page))
			}
			if SignificantChars(q) < MinQuoteChars {
				t.Fatalf("quote %+q shorter than MinQuoteChars matched", q)
			}
			// The span holds the quote's letters and digits.
			if got, want := Fold(page[m.Start:m.End]), Fold(q); !strings.Contains(got, want) {
				t.Fatalf("span %+q folds to %+q, missing %+q", page[m.Start:m.End], got, want)
			}
			return true
		}
		checkMatch(quote)

		// Word boundaries: the ends of the page and the edges of its
		// whitespace runs.
		var starts, ends []int
		prevSpace := true
		for i, r := range page {
			space := unicode.IsSpace(r)
			if !space && prevSpace {
				starts = append(starts, i)
			}
			if space && !prevSpace {
				ends = append(ends, i)
			}
			prevSpace = space
		}
		if !prevSpace {
			ends = append(ends, len(page))
		}
		if len(starts) == 0 {
			return
		}
		i := starts[int(from)%len(starts)]
		k, _ := slices.BinarySearch(ends, i+1)
		if k == len(ends) {
			return
		}
		j := ends[k+int(to)%(len(ends)-k)]
		cut := page[i:j]
		if SignificantChars(cut) < MinQuoteChars {
			return
		}
		if !checkMatch(cut) {
			t.Fatalf("quote cut from the page at %d:%d not found: %+q\npage %+q", i, j, cut, page)
		}
	})
}
