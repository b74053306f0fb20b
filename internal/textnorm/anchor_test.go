package textnorm

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// page imitates pdfium output: CRLF line ends, a joined hyphen marked with
// U+0002, a ligature, curly quotes, an accented name and a dotless i.
const anchorPage = "4 Results\r\n" +
	"LDL-C was re\u0002\r\nduced by 38% relative to placebo at week 12 (p < 0.001).\r\n" +
	"The e\uFB00ect was \u201Cconsistent\u201D across well-\r\nknown subgroups, as Müller et al. reported.\r\n" +
	"Yıldız cohorts showed the same pattern in 1,200 participants.\r\n"

func TestFindQuote(t *testing.T) {
	tests := []struct {
		name      string
		quote     string
		wantFound bool
		wantExact bool
		wantText  string // page[Start:End]
	}{
		{
			name: "verbatim across a joined hyphen", quote: "LDL-C was reduced by 38% relative to placebo at week 12",
			wantFound: true, wantExact: true,
			wantText: "LDL-C was re\u0002\r\nduced by 38% relative to placebo at week 12",
		},
		{
			name: "whitespace and line breaks differ", quote: "LDL-C  was\nreduced by 38%\trelative to placebo",
			wantFound: true, wantExact: true,
			wantText: "LDL-C was re\u0002\r\nduced by 38% relative to placebo",
		},
		{
			name: "ligature and curly quotes typed plainly", quote: `The effect was "consistent" across`,
			wantFound: true, wantExact: true,
			wantText: "The e\uFB00ect was \u201Cconsistent\u201D across",
		},
		{
			name: "hyphenated word written as extracted", quote: "across well-\nknown subgroups",
			wantFound: true, wantExact: true,
			wantText: "across well-\r\nknown subgroups",
		},
		{
			name: "hyphenated compound typed with its hyphen matches apart from formatting", quote: "consistent across well-known subgroups",
			wantFound: true, wantExact: false,
			wantText: "consistent\u201D across well-\r\nknown subgroups",
		},
		{
			name: "case and punctuation differ", quote: "ldl c was reduced by 38 relative to placebo",
			wantFound: true, wantExact: false,
			wantText: "LDL-C was re\u0002\r\nduced by 38% relative to placebo",
		},
		{
			name: "accents folded", quote: "as Muller et al reported",
			wantFound: true, wantExact: false,
			wantText: "as Müller et al. reported",
		},
		{
			name: "dotless i folded", quote: "Yildiz cohorts showed the same pattern",
			wantFound: true, wantExact: false,
			wantText: "Yıldız cohorts showed the same pattern",
		},
		{
			name: "thousands separator is formatting", quote: "the same pattern in 1200 participants",
			wantFound: true, wantExact: false,
			wantText: "the same pattern in 1,200 participants",
		},
		{name: "changed number", quote: "LDL-C was reduced by 48% relative to placebo at week 12"},
		{name: "changed word", quote: "LDL-C was increased by 38% relative to placebo at week 12"},
		{name: "words from two places", quote: "LDL-C was reduced by 38% across well-known subgroups"},
		{name: "too short although present", quote: "reduced by 38%"},
		{name: "empty", quote: ""},
		{name: "punctuation only", quote: "... --- !!!"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, ok := FindQuote(anchorPage, tt.quote)
			require.Equal(t, tt.wantFound, ok)
			if !ok {
				return
			}
			assert.Equal(t, tt.wantExact, m.Exact)
			assert.Equal(t, tt.wantText, anchorPage[m.Start:m.End])
		})
	}
}

func TestFindQuoteMinimumLength(t *testing.T) {
	page := "abcdefghij klmnopqrst uvwxyz"
	_, ok := FindQuote(page, "abcdefghij klmnopqrs") // 19 letters
	assert.False(t, ok, "19 letters must not anchor")
	m, ok := FindQuote(page, "abcdefghij klmnopqrst") // 20 letters
	require.True(t, ok, "20 letters anchor")
	assert.True(t, m.Exact)
	assert.Equal(t, "abcdefghij klmnopqrst", page[m.Start:m.End])
	// Punctuation and spaces do not count towards the minimum.
	_, ok = FindQuote(page, "a-b-c-d-e-f-g-h-i-j k")
	assert.False(t, ok)
}

func TestFindQuoteEmptyPage(t *testing.T) {
	_, ok := FindQuote("", "a long enough quote that would otherwise match")
	assert.False(t, ok)
	_, ok = FindQuote("\u200B \u00AD\n", "a long enough quote that would otherwise match")
	assert.False(t, ok)
}

// Every sentence of a page anchors exactly where it is, whichever way it
// was broken across lines.
func TestPageIndexEverySentence(t *testing.T) {
	idx := IndexPage(anchorPage)
	for _, q := range []string{
		"LDL-C was reduced by 38% relative to placebo at week 12 (p < 0.001).",
		"The effect was \"consistent\" across wellknown subgroups, as Müller et al. reported.",
		"Yıldız cohorts showed the same pattern in 1,200 participants.",
	} {
		m, ok := idx.Find(q)
		require.True(t, ok, q)
		assert.True(t, m.Exact, q)
		assert.Equal(t, Normalize(q), Normalize(anchorPage[m.Start:m.End]))
	}
}

func TestFold(t *testing.T) {
	tests := map[string]string{
		"LDL-C was Reduced, by 38%!": "ldlcwasreducedby38",
		"Müller Ørsted Çelik":        "mullerørstedcelik",
		"Yıldız İstanbul":            "yildizistanbul",
		"ﬁnal analy-\nsis":           "finalanalysis",
		"":                           "",
	}
	for in, want := range tests {
		assert.Equal(t, want, Fold(in), in)
	}
}

func TestSignificantChars(t *testing.T) {
	assert.Equal(t, 0, SignificantChars(" -- ... "))
	assert.Equal(t, 6, SignificantChars("LDL-C, 38%"))
	assert.Equal(t, 4, SignificantChars("ﬁ é ı"))
}
