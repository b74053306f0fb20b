package eval_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/opusblocks/opus/internal/contract"
	"github.com/opusblocks/opus/internal/eval"
	"github.com/opusblocks/opus/internal/guards"
	"github.com/opusblocks/opus/internal/textnorm"
)

// TestGoldenFactTextsSayNoMoreThanTheirQuotes holds every extracted fact of
// the golden set to its quote with the guards that hold a librarian's fact
// to its quote (agents' text_not_supported_by_quote): a fact text that
// drops a hedge, adds a negation, a number or a comparison its quote does
// not make would let an item pass on a claim the paper does not make.
func TestGoldenFactTextsSayNoMoreThanTheirQuotes(t *testing.T) {
	suites, err := eval.Load([]string{golden})
	require.NoError(t, err)
	for _, s := range suites {
		for _, f := range s.Facts {
			if f.Quote == "" {
				continue
			}
			for _, fail := range guards.Check(textnorm.CleanSentence(f.Text), []contract.Fact{{ID: "quote", Quote: f.Quote}}) {
				t.Errorf("%s %s: %s: %s", s.Path, f.ID, fail.Guard, fail.Reason)
			}
		}
	}
}
