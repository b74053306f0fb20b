package service

import (
	"github.com/opusblocks/opus/internal/domain"
	"github.com/opusblocks/opus/internal/textnorm"
)

// markVerbatim measures how much of its sources each sentence copies: its
// longest run of words shared with the quote of a fact it cites
// (VerbatimWords), and whether that run is long enough, n words or more, to
// need quotation marks in a manuscript (Verbatim). A verified sentence may
// be a faithful copy; the researcher must still not pass it off as their
// own words. Withheld texts are not measured.
func markVerbatim(sents []domain.Sentence, facts []domain.Fact, n int) {
	quotes := make(map[string]string, len(facts))
	for _, f := range facts {
		if f.Quote != nil {
			quotes[f.Handle] = *f.Quote
		}
	}
	for i := range sents {
		s := &sents[i]
		if s.Text == withheld {
			continue
		}
		s.VerbatimWords = 0
		for _, h := range s.Facts {
			if q, ok := quotes[h]; ok {
				s.VerbatimWords = max(s.VerbatimWords, textnorm.SharedRun(s.Text, q))
			}
		}
		s.Verbatim = s.VerbatimWords >= n
	}
}
