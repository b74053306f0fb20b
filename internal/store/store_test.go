package store_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/opusblocks/opus"
	"github.com/opusblocks/opus/internal/domain"
	"github.com/opusblocks/opus/internal/store"
	"github.com/opusblocks/opus/internal/store/storetest"
)

func ptr[T any](v T) *T { return &v }

func newDoc(t *testing.T, ctx context.Context, tn *store.Tenant, sha string) *domain.Document {
	t.Helper()
	d := &domain.Document{Title: "T", Filename: "t.txt", MediaType: "text/plain", SHA256: strings.Repeat(sha, 64)[:64], Bytes: 10, State: domain.DocTextReady, BlobPath: "x"}
	require.NoError(t, tn.CreateDocument(ctx, d, []string{"page one text", "page two text"}))
	return d
}

func extracted(doc *domain.Document, text string) *domain.Fact {
	return &domain.Fact{Origin: domain.OriginExtracted, DocumentID: &doc.ID, Page: ptr(1), Quote: ptr("page one text"), Text: text, Kind: "finding"}
}

func TestMigrateIsIdempotent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		require.NoError(t, db.Migrate(context.Background()))
		require.NoError(t, db.Migrate(context.Background()))
	})
}

func TestHandlesArePerOwner(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a, err := db.EnsureOwner(ctx, "profile", "a")
		require.NoError(t, err)
		b, err := db.EnsureOwner(ctx, "profile", "b")
		require.NoError(t, err)
		again, err := db.EnsureOwner(ctx, "profile", "a")
		require.NoError(t, err)
		assert.Equal(t, a.ID, again.ID)

		da := newDoc(t, ctx, db.Tenant(a.ID), "a")
		db2 := newDoc(t, ctx, db.Tenant(a.ID), "b")
		dbb := newDoc(t, ctx, db.Tenant(b.ID), "a") // same content, other owner: allowed
		assert.Equal(t, "D1", da.Handle)
		assert.Equal(t, "D2", db2.Handle)
		assert.Equal(t, "D1", dbb.Handle)

		// b's D2 does not exist even though a's does.
		_, err = db.Tenant(b.ID).Document(ctx, 2)
		assert.Equal(t, domain.NotFound, domain.ErrorCode(err))
		_, err = db.Tenant(b.ID).DocumentByID(ctx, da.ID)
		assert.Equal(t, domain.NotFound, domain.ErrorCode(err))
	})
}

func TestDatabaseConstraints(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a, _ := db.EnsureOwner(ctx, "profile", "a")
		b, _ := db.EnsureOwner(ctx, "profile", "b")
		ta, tb := db.Tenant(a.ID), db.Tenant(b.ID)
		doc := newDoc(t, ctx, ta, "c")

		t.Run("same sha twice per owner", func(t *testing.T) {
			d := &domain.Document{Title: "T", Filename: "t.txt", MediaType: "text/plain", SHA256: doc.SHA256, Bytes: 10, State: domain.DocTextReady, BlobPath: "x"}
			assert.Error(t, ta.CreateDocument(ctx, d, []string{"x"}))
		})
		t.Run("extracted fact needs a quote", func(t *testing.T) {
			f := extracted(doc, "no quote")
			f.Quote = nil
			_, err := ta.InsertFact(ctx, f, "k1")
			assert.Error(t, err)
		})
		t.Run("manual fact needs a source", func(t *testing.T) {
			_, err := ta.InsertFact(ctx, &domain.Fact{Origin: domain.OriginManual, Text: "x", Kind: "finding"}, "k2")
			assert.Error(t, err)
		})
		t.Run("unknown state", func(t *testing.T) {
			assert.Error(t, ta.SetDocumentState(ctx, doc.ID, "bogus", nil))
		})
		t.Run("fact of another owner's document", func(t *testing.T) {
			_, err := tb.InsertFact(ctx, extracted(doc, "cross-owner"), "k3")
			assert.Error(t, err, "composite FK (owner_id, document_id) must refuse")
		})
		t.Run("duplicate fact text in a document is skipped", func(t *testing.T) {
			ok, err := ta.InsertFact(ctx, extracted(doc, "dup"), "dupkey")
			require.NoError(t, err)
			assert.True(t, ok)
			ok, err = ta.InsertFact(ctx, extracted(doc, "dup"), "dupkey")
			require.NoError(t, err)
			assert.False(t, ok)
		})
	})
}

func TestLinksOnlyToAllowedFacts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a, _ := db.EnsureOwner(ctx, "profile", "a")
		ta := db.Tenant(a.ID)
		doc := newDoc(t, ctx, ta, "d")
		f1, f2 := extracted(doc, "one"), extracted(doc, "two")
		_, err := ta.InsertFact(ctx, f1, "one")
		require.NoError(t, err)
		_, err = ta.InsertFact(ctx, f2, "two")
		require.NoError(t, err)
		p := &domain.Paragraph{Spec: "{}", SpecHash: "h", State: domain.ParaQueued}
		require.NoError(t, ta.CreateParagraph(ctx, p, []store.AllowedFact{{FactID: f1.ID}}))

		err = db.InTx(ctx, func(tx *store.Tx) error {
			_, err := tx.Tenant(a.ID).AddRevision(ctx, p.ID, domain.RevWriter, nil, []store.NewSentence{{Text: "cites two", FactIDs: []string{f2.ID}, Verdict: domain.VerdictPending}})
			return err
		})
		assert.Error(t, err, "a link to a fact outside the allowed set must fail in the database")

		err = db.InTx(ctx, func(tx *store.Tx) error {
			_, err := tx.Tenant(a.ID).AddRevision(ctx, p.ID, domain.RevWriter, nil, []store.NewSentence{{Text: "cites one", FactIDs: []string{f1.ID}, Verdict: domain.VerdictSupported}})
			return err
		})
		require.NoError(t, err)
		revs, err := ta.Revisions(ctx, p.ID)
		require.NoError(t, err)
		require.Len(t, revs, 1, "the failed revision must have been rolled back")
		assert.Equal(t, []string{"F1"}, revs[0].Sentences[0].Facts)
	})
}

func TestSearchFactsIsOwnerScoped(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a, _ := db.EnsureOwner(ctx, "profile", "a")
		b, _ := db.EnsureOwner(ctx, "profile", "b")
		for _, o := range []domain.Owner{a, b} {
			tn := db.Tenant(o.ID)
			doc := newDoc(t, ctx, tn, "e")
			_, err := tn.InsertFact(ctx, extracted(doc, "LDL cholesterol fell sharply"), "ldl")
			require.NoError(t, err)
			_, err = tn.InsertFact(ctx, extracted(doc, "Blood pressure was unchanged"), "bp")
			require.NoError(t, err)
		}
		got, err := db.Tenant(a.ID).SearchFacts(ctx, store.FactSearch{Query: `ldl "cholesterol`, Limit: 10})
		require.NoError(t, err)
		require.Len(t, got, 1)
		assert.Equal(t, "F1", got[0].Handle)
		assert.Equal(t, "D1", got[0].DocHandle)
	})
}

func TestRunStatsAndCacheLookupAreOwnerScoped(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a, _ := db.EnsureOwner(ctx, "profile", "a")
		b, _ := db.EnsureOwner(ctx, "profile", "b")
		resp := `{"verdicts":[]}`
		for i, st := range []string{domain.RunOK, domain.RunCached, domain.RunError} {
			r := &domain.Run{TraceID: "t", Agent: "verifier", Provider: "p", Model: "m", PromptVersion: "v", InputHash: "h", Request: "{}",
				Response: &resp, Status: st, TokensIn: int64(10 * (i + 1)), TokensOut: 5, CostUSD: 0.5}
			require.NoError(t, db.Tenant(a.ID).InsertRun(ctx, r))
		}
		stats, err := db.Tenant(a.ID).RunStats(ctx)
		require.NoError(t, err)
		require.Len(t, stats, 1)
		assert.EqualValues(t, 3, stats[0].Calls)
		assert.EqualValues(t, 1, stats[0].Cached)
		assert.EqualValues(t, 1, stats[0].Failed)
		assert.EqualValues(t, 60, stats[0].TokensIn)
		assert.InDelta(t, 1.5, stats[0].CostUSD, 1e-9)

		hit, err := db.Tenant(a.ID).CachedRun(ctx, "h")
		require.NoError(t, err)
		require.NotNil(t, hit)
		assert.Equal(t, domain.RunOK, hit.Status)
		miss, err := db.Tenant(b.ID).CachedRun(ctx, "h")
		require.NoError(t, err)
		assert.Nil(t, miss, "another owner's runs never answer")
		stats, err = db.Tenant(b.ID).RunStats(ctx)
		require.NoError(t, err)
		assert.Empty(t, stats)
	})
}

func TestUpgradeFromVersionOne(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=foreign_keys(1)")
	require.NoError(t, err)
	_, err = raw.Exec(store.ForDialect(opus.Schema, store.SQLite))
	require.NoError(t, err)
	_, err = raw.Exec(`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL);
		INSERT INTO schema_migrations VALUES (1, 'schema.sql', '2026-01-01T00:00:00.000000Z')`)
	require.NoError(t, err)
	require.NoError(t, raw.Close())

	db, err := store.Open(ctx, "sqlite:"+path)
	require.NoError(t, err)
	defer db.Close()
	var versions []int
	require.NoError(t, db.X.Select(&versions, `SELECT version FROM schema_migrations ORDER BY version`))
	assert.Equal(t, []int{1, 2, 3, 4, 5, 6, 7, 8, 9}, versions)
	_, err = db.X.Exec(`SELECT price_version FROM runs`)
	assert.NoError(t, err)
	_, err = db.X.Exec(`SELECT text_layer FROM documents`)
	assert.NoError(t, err)
	_, err = db.X.Exec(`SELECT reason_code FROM sentences`)
	assert.NoError(t, err)
	_, err = db.X.Exec(`SELECT id, name, revoked_at FROM api_tokens`)
	assert.NoError(t, err)
	_, err = db.X.Exec(`SELECT disabled_at FROM owners`)
	assert.NoError(t, err)
	_, err = db.X.Exec(`SELECT lease_until FROM jobs`)
	assert.Error(t, err, "0009 dropped the unused lease")
}
