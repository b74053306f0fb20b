package offline

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/opusblocks/opus/internal/contract"
	"github.com/opusblocks/opus/internal/textnorm"
)

// The texts below are invented for these tests: a small study of a
// made-up sleep programme, laid out as PDF page text is (one line per
// printed line, running headers, captions and references in the flow).

// kindsOf sorts the lines of pages[i] as the librarian does for a chunk
// of these pages, and returns each line's text and kind.
func kindsOf(t *testing.T, pages []string, i int, first bool) map[string]lineKind {
	t.Helper()
	all := make([][]line, len(pages))
	for k, p := range pages {
		all[k] = splitLines(p)
	}
	c := newChunkLayout(all)
	var fl flow
	var out map[string]lineKind
	for k := 0; k <= i; k++ {
		lines := all[k]
		var kinds []lineKind
		kinds, fl = c.pageLayout(lines, first && k == 0, fl)
		out = map[string]lineKind{}
		for n, l := range lines {
			out[l.text] = kinds[n]
		}
	}
	return out
}

func facts(pages ...string) []contract.ExtractedFact {
	in := contract.LibrarianInput{}
	for i, p := range pages {
		in.Pages = append(in.Pages, contract.Page{No: i + 1, Text: p})
	}
	return Librarian(in).Facts
}

func texts(fs []contract.ExtractedFact) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Text)
	}
	return out
}

func TestRepeatedLinesAreRunningHeaders(t *testing.T) {
	page := func(n, body string) string {
		return "Journal of Restful Studies " + n + " (2031) 17–29\n" + body + "\nSleep and shift work " + n + "\n"
	}
	pages := []string{
		page("1", "Night nurses slept less than day nurses in every week of the study."),
		page("2", "The programme lengthened sleep by about forty minutes a night."),
	}
	k := kindsOf(t, pages, 1, false)
	assert.Equal(t, furnitureLine, k["Journal of Restful Studies 2 (2031) 17–29"])
	assert.Equal(t, furnitureLine, k["Sleep and shift work 2"])
	assert.Equal(t, bodyLine, k["The programme lengthened sleep by about forty minutes a night."])

	// A page given twice repeats every line: only its top and bottom lines
	// are taken for furniture then.
	var long []string
	for i := 0; i < 12; i++ {
		long = append(long, strings.Repeat("word ", i+3)+"ends here.")
	}
	twice := strings.Join(long, "\n")
	k = kindsOf(t, []string{twice, twice}, 1, false)
	body := 0
	for _, kind := range k {
		if kind == bodyLine {
			body++
		}
	}
	assert.Equal(t, 12-2*edgeLines, body)
}

func TestIsFurniture(t *testing.T) {
	for text, edge := range map[string]bool{
		"12":                              true,
		"Page 3 of 14":                    true,
		"7 / 21":                          true,
		"Restful Studies 2031;12:455–461": true,
		"Vol. 7, pages 211–219":           true,
		"doi:10.9999/rest.2031.0042":      false, // a DOI anywhere
	} {
		assert.True(t, isFurniture(text, edge), text)
	}
	for text, edge := range map[string]bool{
		"12": false, // mid-page: a table's cell, a marker
		"Sleep improved in 2031; 12 of 14 nurses said so.": true, // a sentence with a verb
		"The nurses slept longer than before.":             true,
	} {
		assert.False(t, isFurniture(text, edge), text)
	}
}

func TestIsAddress(t *testing.T) {
	for _, text := range []string{
		"Department of Sleep Science, University of Northland, Lakeside, ON",
		"2 Institute of Rest, Harbour City Hospital",
		"Correspondence to: A. Dozer, Lakeside",
		"a.dozer@rest.example.org",
		"Received 3 May 2031; accepted 9 June 2031",
		"received December 2, 2030",
	} {
		assert.True(t, isAddress(text, true), text)
	}
	assert.False(t, isAddress("Department of Sleep Science, University of Northland", false), "affiliations only on the first page")
	assert.False(t, isAddress("nurses were recruited at the University of Northland from", true), "prose that names an institution")
	assert.False(t, isAddress("at the Department of Sleep Science of the hospital", true), "most words in lower case")
	assert.False(t, isAddress("Received wisdom held that naps before 2031 were harmful.", false))
	assert.True(t, isAddressContinuation("Lakeside, ON, Northland"))
	assert.False(t, isAddressContinuation("The nurses slept longer."))
}

func TestIsHeading(t *testing.T) {
	const median = 60
	for _, tt := range []struct{ text, next string }{
		{"METHODS", "we asked"}, // capitals stand alone
		{"4. EXPERIMENTS", "Each nurse"},
		{"Discussion", "the results"}, // a section's name stands alone
		{"2.1 Data sets", "Each nurse kept a diary."},
		{"Patients and procedures", "Each nurse kept a diary."},
	} {
		assert.True(t, isHeading(tt.text, tt.next, median, false), tt.text)
	}
	assert.False(t, isCapitals("AB1234"), "a code, not capitals")
	for _, tt := range []struct{ text, next string }{
		{"The mean gain in sleep per night was", "Figure 1"}, // a verb
		{"The gain was largest for the nurses who", "Worked"},
		{"The nurses kept a diary for twelve weeks, and", "the diaries were read"},
		{"Each nurse kept a diary.", "The diaries"},
		{"2.1 Data sets", "were kept in a diary"},
		{"a line that ends in the middle of a", "Sentence"},
	} {
		assert.False(t, isHeading(tt.text, tt.next, median, false), tt.text)
	}
}

func TestReferenceListRunsToTheChunksEnd(t *testing.T) {
	p1 := "Night shifts shortened sleep by an hour on average in this study.\n" +
		"References\n" +
		"1. Dozer A, Napper B. Sleep in nurses. J Rest. 2029;4:12-19.\n" +
		"2. Yawn C. Shift work and health. Rest Med. 2030;7:101-110.\n"
	p2 := "3. Snooze D, Doze E. A survey of night work. Rest Rev. 2028;2:5-9.\n" +
		"The authors found that naps helped the nurses on long shifts.\n" +
		"Appendix A\n" +
		"The diary asked each nurse to record when the nurse went to bed.\n"
	got := texts(facts(p1, p2))
	assert.Equal(t, []string{
		"Night shifts shortened sleep by an hour on average in this study.",
		"The diary asked each nurse to record when the nurse went to bed.",
	}, got, "nothing between the reference heading and the appendix")
}

func TestReferenceEntriesWithoutAHeading(t *testing.T) {
	// The list goes on from a page of an earlier chunk, in several styles.
	for name, page := range map[string]string{
		"numbered": "12. Dozer A, Napper B. Sleep in nurses on night shifts. J Rest. 2029;4:12-19.\n" +
			"13. Yawn C, Snooze D. Naps and the health of hospital workers. Rest Med. 2030;7:101-110.\n" +
			"14. Doze E. A survey of night work. Rest Rev. 2028;2:5-9.\n",
		"bracketed": "[4] A. Dozer and B. Napper. Sleep in nurses on night shifts.\n" +
			"Journal of Rest, 4(2):12-19, 2029.\n" +
			"[5] C. Yawn. Naps and the health of hospital workers. Technical report, 2030.\n" +
			"[6] D. Snooze. Night work. Rest Press.\n" +
			"[7] E. Doze, F. Nod. A survey of night work. In Proc. of Rest, 2028.\n",
		"author-year": "Alma Dozer, Ben Napper, and Cleo Yawn. 2029. Sleep in nurses on night shifts.\n" +
			"In Proceedings of the Rest Meeting, pages 12-19.\n" +
			"Dan Snooze and Eve Doze. 2030. Naps and the health of hospital workers.\n" +
			"Journal of Rest, 7:101-110.\n",
	} {
		t.Run(name, func(t *testing.T) {
			for text, kind := range kindsOf(t, []string{page}, 0, false) {
				if text != "" && kind != furnitureLine { // a journal line at the page's edge is furniture
					assert.Equal(t, referenceLine, kind, text)
				}
			}
			assert.Empty(t, facts(page))
		})
	}
	// A numbered list of the body is no reference list.
	body := "1. Nurses were asked to sleep at least seven hours before a shift.\n" +
		"2. Nurses were asked to avoid coffee in the last four hours of a shift.\n"
	for text, kind := range kindsOf(t, []string{body}, 0, false) {
		if text != "" {
			assert.Equal(t, bodyLine, kind, text)
		}
	}
}

func TestCaptions(t *testing.T) {
	page := "Nurses who napped slept longer at home than those who did not.\n" +
		"Figure 2. Minutes of sleep per night by week. Bars show the\n" +
		"mean of the twelve nurses.\n" +
		"The gain was largest in the first month of the programme.\n" +
		"Figure 3 shows the same data by ward, and it was similar\n" +
		"in all four wards of the hospital.\n" +
		"Table A. Questions of the sleep diary\n" +
		"The diaries were returned by every nurse at the end of the study.\n"
	k := kindsOf(t, []string{page}, 0, false)
	assert.Equal(t, captionLine, k["Figure 2. Minutes of sleep per night by week. Bars show the"])
	assert.Equal(t, captionLine, k["mean of the twelve nurses."])
	assert.Equal(t, bodyLine, k["The gain was largest in the first month of the programme."])
	assert.Equal(t, bodyLine, k["Figure 3 shows the same data by ward, and it was similar"], "a figure's label and a verb")
	assert.NotEqual(t, bodyLine, k["Table A. Questions of the sleep diary"], "a caption (or a heading)")

	// A label on a line that goes on from the line before refers to a
	// figure: "as plotted in" / "Fig. 4. The …".
	ref := "The minutes of sleep in each week are as plotted in\n" +
		"Fig. 4. The nurses on the night ward slept the least of all.\n"
	k = kindsOf(t, []string{ref}, 0, false)
	assert.Equal(t, bodyLine, k["Fig. 4. The nurses on the night ward slept the least of all."])
}

// A sentence that a caption cuts in two is dropped, both halves; the
// sentences around it stay, and none of the caption's is kept.
func TestSentenceInterruptedByACaptionIsDropped(t *testing.T) {
	page := "The programme lengthened sleep in every ward of the hospital.\n" +
		"The mean gain in sleep per night was\n" +
		"Figure 1 Minutes of sleep per night before and after the programme\n" +
		"in the four wards of the hospital.\n" +
		"41 minutes (95% CI 30 to 52) after twelve weeks of the programme.\n" +
		"Nurses on the night ward gained the most sleep of all.\n"
	assert.Equal(t, []string{
		"The programme lengthened sleep in every ward of the hospital.",
		"Nurses on the night ward gained the most sleep of all.",
	}, texts(facts(page)))

	// The same holds across a page break within a chunk, when the next
	// page's first word could not start a sentence.
	p1 := "The programme lengthened sleep in every ward of the hospital.\nThe gain was largest for the nurses of the\n12\n"
	p2 := "ICU, who slept forty minutes more in the last week of the programme.\nNurses on the day ward gained less sleep than the others.\n"
	assert.Equal(t, []string{
		"The programme lengthened sleep in every ward of the hospital.",
		"Nurses on the day ward gained less sleep than the others.",
	}, texts(facts(p1, p2)))
	p2 = "Nurses on the day ward gained less sleep than the others.\n"
	assert.Equal(t, []string{
		"The programme lengthened sleep in every ward of the hospital.",
		"Nurses on the day ward gained less sleep than the others.",
	}, texts(facts(p1, p2)), "a page that starts a sentence after one that stopped mid-sentence (a table, a figure)")
	assert.True(t, startsLikeSentence("Nurses on the day ward"))
	assert.False(t, startsLikeSentence("ICU nurses slept"))
	assert.False(t, startsLikeSentence("41 minutes more"))
}

func TestNotesAndAddressesAreLeftOut(t *testing.T) {
	page := "Sleep of Night Nurses\n" +
		"Alma Dozer1, Ben Napper2\n" +
		"1 Department of Sleep Science, University of Northland,\n" +
		"Lakeside, ON, Northland\n" +
		"* Corresponding author: a.dozer@rest.example.org\n" +
		"† Joint first authors were equally involved in this work.\n" +
		"Nurses who work at night sleep less than nurses who work by day.\n" +
		"We asked twelve nurses to keep a diary of their sleep for a year.\n" +
		"1The diaries were kept on paper and were typed up at the end.\n"
	assert.Equal(t, []string{
		"Nurses who work at night sleep less than nurses who work by day.",
		"We asked twelve nurses to keep a diary of their sleep for a year.",
	}, texts(facts(page)))
}

func TestBackMatterIsLeftOut(t *testing.T) {
	page := "Naps helped the nurses on long shifts more than coffee did.\n" +
		"Acknowledgements\n" +
		"We thank the nurses of the four wards who kept the diaries for a year.\n" +
		"Funding\n" +
		"The study was paid for by a grant of the Northland Rest Fund.\n" +
		"5 Limitations of the study\n" +
		"Twelve nurses are too few to tell the wards apart with any confidence.\n"
	assert.Equal(t, []string{
		"Naps helped the nurses on long shifts more than coffee did.",
		"Twelve nurses are too few to tell the wards apart with any confidence.",
	}, texts(facts(page)))
}

func TestIsDebris(t *testing.T) {
	for _, text := range []string{"X", "2σ", "exp", "(w", "a ⊗ v)i +", "0.31", "iab"} {
		assert.True(t, isDebris(text), text)
	}
	for _, text := range []string{"The", "of the", "Sleep", "R1).", "nurses"} {
		assert.False(t, isDebris(text), text)
	}
}

func TestKeyStatistic(t *testing.T) {
	for text, want := range map[string]int{
		"Naps lengthened sleep (p < 0.01).":                                      effectSize,
		"The mean gain was 41 minutes (95% CI 30 to 52).":                        effectSize,
		"Night work raised the odds of illness (OR 2.4).":                        effectSize,
		"Sleep and mood were related (r = 0.52).":                                effectSize,
		"The diary predicted relapse with an AUC of 0.83.":                       effectSize,
		"The programme lowered sick days by 27% in the first year.":              effectSize,
		"The new scheduler ran 3x faster than the old one.":                      effectSize,
		"Twelve nurses (n = 12) kept a diary.":                                   sampleSize,
		"We enrolled 312 participants from four wards.":                          sampleSize,
		"Of the nurses, 17% were men and the mean age was 52 years.":             noStatistic,
		"The study ran from 2029 to 2031 in four wards of one hospital.":         noStatistic,
		"Sleep was recorded every 30 minutes by a wrist monitor on each nurse.":  noStatistic,
		"Night nurses slept less, as earlier studies of shift work had found.":   noStatistic,
		"The odds ratio was computed for each ward and for the hospital as one.": noStatistic,
	} {
		assert.Equal(t, want, keyStatistic(textnorm.Tokenize(text)), text)
	}
}

// Ranking keeps every sentence that states a statistic, however many, and
// fills the rest of the page's budget with the best of the others.
func TestRankNeverDropsAStatistic(t *testing.T) {
	var sb strings.Builder
	for i := 0; i < 20; i++ {
		sb.WriteString("Nurse number " + strings.Repeat("I", i%4+1) + " of ward " + string(rune('A'+i)) + " said the programme was a welcome change. ")
	}
	for i := 0; i < 15; i++ {
		sb.WriteString("In ward " + string(rune('A'+i)) + " the nurses were asleep " + strings.Repeat("1", i%3+1) + " minutes longer (p < 0.05). ")
	}
	got := facts(sb.String())
	stats := 0
	for _, f := range got {
		if strings.Contains(f.Text, "p < 0.05") {
			stats++
			assert.Equal(t, "finding", f.Kind, f.Text)
		}
	}
	assert.Equal(t, 15, stats)
	assert.Len(t, got, 15, "no other sentence when the statistics fill the budget")

	sb.Reset()
	for i := 0; i < 20; i++ {
		sb.WriteString("Nurse number " + strings.Repeat("I", i%4+1) + " of ward " + string(rune('A'+i)) + " said the programme was a welcome change. ")
	}
	sb.WriteString("In the last week the nurses were asleep for longer (p < 0.05).")
	got = facts(sb.String())
	require.Len(t, got, factsPerPage)
	assert.Equal(t, "In the last week the nurses were asleep for longer (p < 0.05).", got[len(got)-1].Text, "kept, and in page order")
}

// A page of a made-up paper, as a PDF gives it: every rule at once. The
// facts are the body's claims, each quoted verbatim from the page.
func TestLibrarianOnAFirstPage(t *testing.T) {
	page := "Journal of Restful Studies 2031;12:455–461\n" +
		"Naps and the sleep of night nurses\n" +
		"Alma Dozer1, Ben Napper2\n" +
		"1 Department of Sleep Science, University of Northland, Lakeside, ON\n" +
		"ABSTRACT\n" +
		"Background Night work shortens sleep, and short sleep harms health.\n" +
		"Methods We asked 120 nurses to nap for twenty minutes on each night\n" +
		"shift for twelve weeks.\n" +
		"Results Sleep per day rose by 41 minutes (95% CI 30 to 52,\n" +
		"p < 0.001) after twelve weeks.\n" +
		"Conclusions A short nap on each night shift lengthens the sleep of nurses.\n" +
		"1. Introduction\n" +
		"Nurses who work at night sleep less than nurses who work by day.\n" +
		"Figure 1. The sleep diary. Each nurse kept one for the whole study.\n" +
		"doi:10.9999/rest.2031.0042\n"
	got := facts(page)
	assert.Equal(t, []string{
		"Night work shortens sleep, and short sleep harms health.",
		"We asked 120 nurses to nap for twenty minutes on each night shift for twelve weeks.",
		"Sleep per day rose by 41 minutes (95% CI 30 to 52, p < 0.001) after twelve weeks.",
		"A short nap on each night shift lengthens the sleep of nurses.",
		"Nurses who work at night sleep less than nurses who work by day.",
	}, texts(got))
	for _, f := range got {
		m, ok := textnorm.FindQuote(page, f.Quote)
		require.True(t, ok, f.Quote)
		assert.True(t, m.Exact, f.Quote)
		assert.Contains(t, page, f.Quote, "the quote is the page's text")
		assert.Equal(t, textnorm.Normalize(f.Quote), f.Text)
	}
	assert.Equal(t, "finding", got[2].Kind)
	assert.Equal(t, "population", got[1].Kind)
}
