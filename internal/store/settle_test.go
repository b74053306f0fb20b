package store_test

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/opusblocks/opus/internal/domain"
	"github.com/opusblocks/opus/internal/store"
	"github.com/opusblocks/opus/internal/store/storetest"
)

// supportedParagraph stores a paragraph whose one revision has a supported
// sentence linking fact.
func supportedParagraph(t *testing.T, ctx context.Context, db *store.DB, owner string, fact *domain.Fact) *domain.Paragraph {
	t.Helper()
	p := &domain.Paragraph{Spec: "{}", SpecHash: "h", State: domain.ParaVerifying}
	require.NoError(t, db.InTx(ctx, func(tx *store.Tx) error {
		tn := tx.Tenant(owner)
		if err := tn.CreateParagraph(ctx, p, []store.AllowedFact{{FactID: fact.ID}}); err != nil {
			return err
		}
		_, err := tn.AddRevision(ctx, p.ID, domain.RevEdit, nil, []store.NewSentence{
			{Text: "Drug A lowered LDL.", FactIDs: []string{fact.ID}, Verdict: domain.VerdictSupported}})
		return err
	}))
	return p
}

func TestSettleParagraph(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		o, err := db.EnsureOwner(ctx, "profile", "a")
		require.NoError(t, err)
		tn := db.Tenant(o.ID)
		doc := newDoc(t, ctx, tn, "a")
		f := extracted(doc, "Drug A lowered LDL.")
		_, err = tn.InsertFact(ctx, f, "k1")
		require.NoError(t, err)

		err = tn.SetParagraphState(ctx, "any", domain.ParaVerified, nil)
		assert.Error(t, err, "no door to verified but SettleParagraph")

		p := supportedParagraph(t, ctx, db, o.ID, f)
		state, err := tn.SettleParagraph(ctx, p.ID)
		require.NoError(t, err)
		assert.Equal(t, domain.ParaVerified, state)

		_, err = tn.RetractFact(ctx, f.ID)
		require.NoError(t, err)
		state, err = tn.SettleParagraph(ctx, p.ID)
		require.NoError(t, err)
		assert.Equal(t, domain.ParaStale, state, "a retracted link makes it stale, whatever the verdicts")
		got, err := tn.ParagraphByID(ctx, p.ID)
		require.NoError(t, err)
		require.NotNil(t, got.Error)
		assert.Contains(t, *got.Error, "cites retracted fact F1")
	})
}

// A retraction racing the transaction that settles a paragraph never
// leaves the paragraph verified behind a retracted fact, on either backend:
// either the settle sees the retraction, or the retraction sees the
// verified paragraph and makes it stale.
func TestRetractionRacingSettleNeverLeavesVerified(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		o, err := db.EnsureOwner(ctx, "profile", "a")
		require.NoError(t, err)
		tn := db.Tenant(o.ID)
		doc := newDoc(t, ctx, tn, "a")
		for i := 0; i < 20; i++ {
			f := extracted(doc, "Drug A lowered LDL, round "+string(rune('a'+i))+".")
			_, err := tn.InsertFact(ctx, f, "k"+string(rune('a'+i)))
			require.NoError(t, err)
			p := supportedParagraph(t, ctx, db, o.ID, f)
			var wg sync.WaitGroup
			wg.Add(2)
			go func() {
				defer wg.Done()
				assert.NoError(t, db.InTx(ctx, func(tx *store.Tx) error {
					_, err := tx.Tenant(o.ID).SettleParagraph(ctx, p.ID)
					return err
				}))
			}()
			go func() {
				defer wg.Done()
				assert.NoError(t, db.InTx(ctx, func(tx *store.Tx) error {
					_, err := tx.Tenant(o.ID).RetractFact(ctx, f.ID)
					return err
				}))
			}()
			wg.Wait()
			got, err := tn.ParagraphByID(ctx, p.ID)
			require.NoError(t, err)
			assert.NotEqualf(t, domain.ParaVerified, got.State, "round %d: verified behind a retracted fact", i)
		}
	})
}
