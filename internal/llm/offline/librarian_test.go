package offline

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/opusblocks/opus/internal/contract"
	"github.com/opusblocks/opus/internal/textnorm"
)

// realPages are pdfium extractions of pages of the corpus papers (see
// testdata/pages/README.md), CRLF line ends and U+FFFE hyphen marks
// included.
func realPages(t *testing.T) map[string]string {
	t.Helper()
	files, err := filepath.Glob("testdata/pages/*.txt")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	out := map[string]string{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		out[strings.TrimSuffix(filepath.Base(f), ".txt")] = string(b)
	}
	return out
}

// realFacts runs the librarian over every real page, one page per chunk.
func realFacts(t *testing.T) []contract.ExtractedFact {
	t.Helper()
	var out []contract.ExtractedFact
	pages := realPages(t)
	names := make([]string, 0, len(pages))
	for n := range pages {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		out = append(out, Librarian(contract.LibrarianInput{Pages: []contract.Page{{No: 1, Text: pages[n]}}}).Facts...)
	}
	return out
}

// The backend's anchoring rules (contract §7) hold for every fact the
// librarian proposes on real pages, and normal pages give enough facts.
func TestLibrarianRealPages(t *testing.T) {
	minFacts := map[string]int{
		"hindawi-p6":  0, // reference list
		"geotopo-p10": 0, // German lecture notes, mostly formulas
	}
	for name, text := range realPages(t) {
		t.Run(name, func(t *testing.T) {
			out := Librarian(contract.LibrarianInput{DocumentTitle: "x", Pages: []contract.Page{{No: 4, Text: text}}})
			want, ok := minFacts[name]
			if !ok {
				want = 5
			}
			assert.GreaterOrEqual(t, len(out.Facts), want)
			// Beyond the page's budget only facts that state a statistic.
			stats := 0
			for _, f := range out.Facts {
				if keyStatistic(textnorm.Tokenize(f.Text)) != noStatistic {
					stats++
				}
			}
			assert.LessOrEqual(t, len(out.Facts), max(factsPerPage, stats))
			idx := textnorm.IndexPage(text)
			for _, f := range out.Facts {
				assert.Equal(t, 4, f.Page)
				assert.Contains(t, contract.FactKinds, f.Kind)
				assert.LessOrEqual(t, utf8.RuneCountInString(f.Text), 300, f.Text)
				assert.LessOrEqual(t, len(f.Quote), 600, f.Quote)
				assert.GreaterOrEqual(t, textnorm.SignificantChars(f.Quote), textnorm.MinQuoteChars)
				// The quote is the page text itself.
				assert.Contains(t, text, f.Quote)
				m, ok := idx.Find(f.Quote)
				if assert.True(t, ok, "quote does not anchor: %q", f.Quote) {
					assert.True(t, m.Exact, f.Quote)
					assert.Equal(t, textnorm.Normalize(f.Quote), textnorm.Normalize(text[m.Start:m.End]))
				}
				// The text is the quote, cleaned.
				assert.Equal(t, textnorm.Normalize(f.Quote), f.Text)
				qn := textnorm.Numbers(f.Quote)
				for _, n := range textnorm.Numbers(f.Text) {
					assert.True(t, textnorm.NumberCovered(n, qn), "number %s of %q not in its quote", n, f.Text)
				}
			}
		})
	}
}

func TestLibrarianReferencePageGivesNothing(t *testing.T) {
	out := Librarian(contract.LibrarianInput{Pages: []contract.Page{{No: 6, Text: realPages(t)["hindawi-p6"]}}})
	assert.Empty(t, out.Facts)
	assert.NotNil(t, out.Facts, "an empty list, not null, in JSON")
}

// A chunk with a page twice proposes each sentence once; a chunk of many
// pages stays within the per-page budget when no sentence states a
// statistic.
func TestLibrarianDedupAndCap(t *testing.T) {
	p := realPages(t)["plos-p2"]
	one := Librarian(contract.LibrarianInput{Pages: []contract.Page{{No: 1, Text: p}}})
	two := Librarian(contract.LibrarianInput{Pages: []contract.Page{{No: 1, Text: p}, {No: 2, Text: p}}})
	require.GreaterOrEqual(t, len(one.Facts), factsPerPage)
	texts := map[string]bool{}
	for _, f := range two.Facts {
		assert.False(t, texts[f.Text], "proposed twice: %q", f.Text)
		texts[f.Text] = true
	}
	// The second copy only brings what the budget left out of the first.
	assert.Greater(t, len(two.Facts), len(one.Facts))

	var sb strings.Builder
	for i := 0; i < 40; i++ {
		sb.WriteString("The treatment reduced the measured outcome in every one of the cohorts studied here. ")
		sb.WriteString(strings.Repeat("x", i%3) + "Patients in arm " + string(rune('A'+i%26)) + " showed a consistent response across all sites. ")
	}
	pages := make([]contract.Page, 117)
	for i := range pages {
		pages[i] = contract.Page{No: i + 1, Text: strings.ReplaceAll(sb.String(), "arm", "arm "+strings.Repeat("I", i%5+1)+" of page "+string(rune('a'+i%26)))}
	}
	out := Librarian(contract.LibrarianInput{Pages: pages})
	assert.LessOrEqual(t, len(out.Facts), 117*factsPerPage)
	perPage := map[int]int{}
	for _, f := range out.Facts {
		perPage[f.Page]++
	}
	for pg, n := range perPage {
		assert.LessOrEqual(t, n, factsPerPage, "page %d", pg)
	}
}

// Pages without English verbs still give facts from their prose; pages of
// addresses and titles do not.
func TestLibrarianProseFallback(t *testing.T) {
	latin := "Lorem ipsum dolor sit amet, consectetuer adipiscing elit, ut purus elit vestibulum ut placerat ac.\n" +
		"Nam dui ligula, fringilla a, euismod sodales, sollicitudin vel, wisi et netus ac turpis.\n" +
		"Morbi auctor lorem non justo, nam lacus libero, pretium at, lobortis vitae, ultricies et tellus.\n" +
		"Donec aliquet, tortor sed accumsan bibendum, erat ligula aliquet magna, vitae ornare odio metus a mi.\n" +
		"Morbi ac orci et nisl hendrerit mollis, suspendisse ut massa, cras nec ante pellentesque.\n" +
		"Pellentesque a nulla, cum sociis natoque penatibus et magnis dis parturient montes.\n"
	out := Librarian(contract.LibrarianInput{Pages: []contract.Page{{No: 1, Text: latin}}})
	assert.GreaterOrEqual(t, len(out.Facts), 5)
	for _, f := range out.Facts {
		_, ok := textnorm.FindQuote(latin, f.Quote)
		assert.True(t, ok, f.Quote)
	}

	front := "Patient Experiences of Structured Heart Failure Programmes\n" +
		"Nuala E. Tully, Karen M. Morgan, Helen M. Burke, and Hannah M. McGee\n" +
		"Division of Population Health Sciences, Department of Psychology, Royal College of Surgeons in Ireland, Dublin 2, Ireland.\n" +
		"Department of Computer Science, University of Florida, Gainesville, FL, United States of America.\n"
	assert.Empty(t, Librarian(contract.LibrarianInput{Pages: []contract.Page{{No: 1, Text: front}}}).Facts)

	// With enough claims on the page, verbless prose is not added.
	mixed := realPages(t)["plos-p2"] + "\n" + latin
	for _, f := range Librarian(contract.LibrarianInput{Pages: []contract.Page{{No: 1, Text: mixed}}}).Facts {
		assert.NotContains(t, f.Text, "Lorem")
	}
}

func TestSentences(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"simple", "One claim here. Another claim there.", []string{"One claim here.", "Another claim there."}},
		{"et al.", "Smith et al. Reported it. Then more.", []string{"Smith et al. Reported it.", "Then more."}},
		{"e.g. and i.e.", "Some drugs, e.g. Statins, work. Others, i.e. The rest, do not.", []string{"Some drugs, e.g. Statins, work.", "Others, i.e. The rest, do not."}},
		{"Fig.", "As shown in Fig. 3 the effect holds. Next.", []string{"As shown in Fig. 3 the effect holds.", "Next."}},
		{"decimals", "The p-value was 0.05 in 3.5 cases. Next one.", []string{"The p-value was 0.05 in 3.5 cases.", "Next one."}},
		{"initials", "It was shown by Helen M. Burke and J. R. Smith in 2010. Next.", []string{"It was shown by Helen M. Burke and J. R. Smith in 2010.", "Next."}},
		{"group letter ends a sentence", "The effect was larger in group B. The next sentence.", []string{"The effect was larger in group B.", "The next sentence."}},
		{"lower-case after stop", "Measured in approx. five cases. Next.", []string{"Measured in approx. five cases.", "Next."}},
		{"closing quote and bracket", `He said "it works." Then (and only then.) It ended.`, []string{`He said "it works."`, "Then (and only then.)", "It ended."}},
		{"question and exclamation", "Does it work? Yes! It does.", []string{"Does it work?", "Yes!", "It does."}},
		{"citation after stop", "In maize (Zea mays L.) [26] it held. Next.", []string{"In maize (Zea mays L.) [26] it held.", "Next."}},
		{"sentence starting with a number", "It ended in 2019. 120 patients took part.", []string{"It ended in 2019.", "120 patients took part."}},
		{"no final stop", "A fragment that runs on", []string{"A fragment that runs on"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, s := range sentences(tt.in) {
				got = append(got, tt.in[s[0]:s[1]])
			}
			assert.Equal(t, tt.want, got)
		})
	}
}

// Headings, the reference list and running headers split a page and give
// no block; the body's paragraphs do.
func TestBlocksLeaveOutHeadingsAndReferences(t *testing.T) {
	page := "Annals of Imaginary Studies 3\r\n" +
		"The volunteers said that the evening sessions were the part of the\r\n" +
		"course they liked best, and that the instructors were patient.\r\n" +
		"2. Methods\r\n" +
		"While a survey counts how often something happens, an interview\r\n" +
		"asks why it happens, and the two answer different questions.\r\n" +
		"\r\n" +
		"References\r\n" +
		"[1] A. Writer, B. Writer, A title that has a verb is here, 2031.\r\n"
	var got []string
	lines := splitLines(page)
	kinds, _ := chunkLayout{}.pageLayout(lines, false, flow{})
	bs, _ := blocks(page, lines, kinds, false)
	for _, b := range bs {
		got = append(got, textnorm.Normalize(page[b.start:b.end]))
	}
	assert.Equal(t, []string{
		"The volunteers said that the evening sessions were the part of the course they liked best, and that the instructors were patient.",
		"While a survey counts how often something happens, an interview asks why it happens, and the two answer different questions.",
	}, got)
}

func TestIsClaim(t *testing.T) {
	tests := []struct {
		text string
		want bool
	}{
		{"Drug A lowered LDL cholesterol by 38% versus placebo at week 12.", true},
		{"The focus groups were transcribed verbatim and analysed using content analysis [9].", true},
		{"One of the most popular methods is codeML from the PAML software package (Yang, 2007).", true},
		{"Short but a sentence.", false},
		{strings.Repeat("Very long sentence with a verb is here ", 10) + ".", false},
		{"the control group and were then followed for twelve weeks in total.", false},          // fragment
		{"Participants in the intervention arm were followed for twelve weeks and", false},      // runs on
		{"Did the intervention reduce the rate of hospital readmission at all?", false},         // question
		{"RESULTS OF THE RANDOMISED CONTROLLED TRIAL WERE POSITIVE IN ALL ARMS.", false},        // all caps
		{"Figure 3. Mean LDL cholesterol was lower in the treatment arm at week 12.", false},    // caption
		{"Table 2: Baseline characteristics are shown for all randomised participants.", false}, // caption
		{"[4] W. C. Lee, Y. E. Chavez, T. Baker, and B. R. Luce, Economic burden of heart failure, 2004.", false},
		{"Lee WC, Chavez YE. Economic burden of heart failure. Heart and Lung, vol. 33, pp. 362-371, 2004.", false},
		{"We define f(x) = a + b * x^2 + c_1 / {d} where f = g + h holds.", false},                      // equation
		{"See https://example.org/a/very/long/path/to/the/supplementary/material for it.", false},       // URL-dominated
		{"Copyright: © 2018 Thomason et al. This is an open access article distributed freely.", false}, // boilerplate
		{"Correspondence should be addressed to Helen M. Burke at the given address.", false},
		{"Department of Psychology, Royal College of Surgeons in Ireland, Dublin 2, Ireland.", false}, // no verb
		{"Kernel weight was decreased by 85% when the temperature rose from 20/16°C to 36/31°C.", true},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, isClaim(tt.text), tt.text)
	}
}

func TestKindOf(t *testing.T) {
	tests := map[string]string{
		"We propose a new algorithm for sparse regression with guarantees.":                "method",
		"Grain yield per spike was calculated by dividing total weight by spike number.":   "method",
		"Drug A reduced LDL cholesterol by 38% versus placebo at week 12.":                 "finding",
		"The odds of relapse were lower with the new drug (OR 0.61, 95% CI 0.42 to 0.88).": "finding",
		"Patients on the new regimen showed fewer relapses than those on the old one.":     "finding",
		"Of the 312 participants, 120 were assigned to the low dose.":                      "population",
		"The mean age of the cohort was 64 years and 38% were women.":                      "measurement",
		"A total of 1,200 patients were enrolled across the participating centres.":        "population",
		"Heat stress is defined as temperatures above the optimum for growth.":             "definition",
		"A limitation of this study is the small number of participating hospitals.":       "limitation",
		"Previous work has been limited to simple linear descriptions of growth.":          "background",
		"Heart failure has been widely studied in hospital settings in recent decades.":    "background",
		"Supervised exercise sessions increased confidence to resume physical activity.":   "finding",
		"Plants under heat stress showed increases in metabolites such as tryptophan.":     "finding",
		"Each programme was based in an acute general hospital in the region concerned.":   "finding",
		"The dried powder was vortexed for 1 minute at room temperature before analysis.":  "measurement",
	}
	for text, want := range tests {
		assert.Equal(t, want, kindOf(text), text)
	}
}

func TestTrimLabel(t *testing.T) {
	for in, want := range map[string]string{
		"Abstract Genetic improvement requires a solid understanding.": "Genetic improvement requires a solid understanding.",
		"Results: Drug A reduced LDL-C by 38%.":                        "Drug A reduced LDL-C by 38%.",
		"Main outcome measures: mortality at 24 months was recorded.":  "mortality at 24 months was recorded.",
		"• Patients were enrolled at two sites.":                       "Patients were enrolled at two sites.",
		"■ Patients were enrolled at two sites.":                       "Patients were enrolled at two sites.",
		"Results Nine trials met the inclusion criteria.":              "Nine trials met the inclusion criteria.",
		"BACKGROUND Sleep loss is common in shift workers.":            "Sleep loss is common in shift workers.",
		"Materials and methods Mice were housed in pairs.":             "Mice were housed in pairs.",
		"Results of the pilot were encouraging.":                       "Results of the pilot were encouraging.",
		"Findings indicate that sleep improved.":                       "Findings indicate that sleep improved.",
		"Drug A reduced LDL-C by 38%.":                                 "Drug A reduced LDL-C by 38%.",
	} {
		i, j := trimLabel(in, 0, len(in))
		assert.Equal(t, want, in[i:j])
	}
}
