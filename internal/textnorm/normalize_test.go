package textnorm

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNormalize(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"only space", " \t\r\n\u00A0 ", ""},
		{"ligatures", "ﬁnding ﬂow oﬀer eﬃcient baﬄe", "finding flow offer efficient baffle"},
		{"curly quotes", "\u201Cheat\u201D and \u2018cold\u2019 patient\u2019s", `"heat" and 'cold' patient's`},
		{"guillemets and primes", "«x» 5\u2032 3\u2033", `"x" 5' 3''`},
		{"dashes", "12\u201315, a\u2014b, \u22120.5, x\u2010y, x\u2011y", "12-15, a-b, -0.5, x-y, x-y"},
		{"soft hyphen inside a word", "analy\u00ADsis", "analysis"},
		{"soft hyphen at a line end", "analy\u00AD\nsis", "analysis"},
		{"pdfium U+0002 at a line end", "metabo\u0002\r\nlomics", "metabolomics"},
		{"pdfium U+FFFE joined", "biochemi\uFFFEcal mechanisms", "biochemical mechanisms"},
		{"zero-width characters", "zero\u200Bwidth\u200C join\u200Der\uFEFF\u2060", "zerowidth joiner"},
		{"control characters", "a\u0001b\u0007c", "abc"},
		{"de-hyphenation", "the analy-\nsis of", "the analysis of"},
		{"de-hyphenation with CRLF and spaces", "the analy- \r\n   sis of", "the analysis of"},
		{"hyphen before a capital is kept", "Smith-\nJones", "Smith- Jones"},
		{"hyphen before a digit joins", "COVID-\n19 cases", "COVID-19 cases"},
		{"inline hyphen kept", "placebo-controlled trial", "placebo-controlled trial"},
		{"en dash at a line end is punctuation", "results \u2013\nwhich", "results - which"},
		{"whitespace collapse", "a  b\t\tc\n\nd\u00A0e\u2009f\u3000g", "a b c d e f g"},
		{"trim", "  hello world \n", "hello world"},
		{"fullwidth", "ＡＢＣ１２３", "ABC123"},
		{"superscript digits", "m²", "m2"},
		{"degree from ring above", "0.08\u02DAC", "0.08°C"},
		{"degree celsius sign", "37\u2103", "37°C"},
		{"acute accent as apostrophe", "patient\u00B4s", "patient's"},
		{"composed accents", "Mu\u0308ller", "Müller"},
		{"ellipsis", "and so on\u2026", "and so on..."},
		{"invalid utf-8 dropped", "ab\xffcd", "abcd"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Normalize(tt.in)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, got, Normalize(got), "Normalize must be idempotent")
		})
	}
}

// A span of the normalised text maps back to original bytes that normalise
// to the same span: the map is what lets a match be shown as extracted.
func TestNormalizeMappedRoundTrip(t *testing.T) {
	pages := []string{
		"The analy-\nsis of \u201Cﬁnal\u201D results\u2014in 120 pa\u0002\r\ntients\u2014showed a 38\u00A0% fall.",
		"Heat stress (35:28 \u00B1 0.08\u02DAC) was initi\uFFFEated 10 days after anthesis.\r\nFlag leaves were collected.",
		"  Leading   space,\ttabs\u200B and \u00ADsoft\u00AD\nhyphens.  ",
	}
	for _, page := range pages {
		m := NormalizeMapped(page)
		require.Equal(t, Normalize(page), m.Text)
		// Every word-aligned span, every length.
		var starts, ends []int
		for i := 0; i < len(m.Text); i++ {
			if i == 0 || m.Text[i-1] == ' ' {
				starts = append(starts, i)
			}
			if i == len(m.Text)-1 || m.Text[i+1] == ' ' {
				ends = append(ends, i+1)
			}
		}
		for _, i := range starts {
			for _, j := range ends {
				if j <= i {
					continue
				}
				s, e := m.Span(i, j)
				require.True(t, 0 <= s && s < e && e <= len(page))
				assert.Equal(t, m.Text[i:j], Normalize(page[s:e]), "span %q from %q", m.Text[i:j], page[s:e])
			}
		}
	}
}

func TestNormalizeMappedOffsets(t *testing.T) {
	page := "x\r\nLDL-C was re\u0002\r\nduced"
	m := NormalizeMapped(page)
	require.Equal(t, "x LDL-C was reduced", m.Text)
	i := strings.Index(m.Text, "reduced")
	s, e := m.Span(i, i+len("reduced"))
	assert.Equal(t, "re\u0002\r\nduced", page[s:e])
}
