package store_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/opusblocks/opus"
	"github.com/opusblocks/opus/internal/domain"
	"github.com/opusblocks/opus/internal/store"
	"github.com/opusblocks/opus/internal/store/storetest"
)

// manual stores a manual fact and returns its handle.
func manual(t *testing.T, tn *store.Tenant, text string) string {
	t.Helper()
	f := &domain.Fact{Origin: domain.OriginManual, Text: text, Kind: "finding", SourceNote: ptr("notebook")}
	_, err := tn.InsertFact(context.Background(), f, strings.ToLower(text))
	require.NoError(t, err)
	return f.Handle
}

// search returns the handles found, in order.
func search(t *testing.T, tn *store.Tenant, q string, allWords bool) []string {
	t.Helper()
	fs, err := tn.SearchFacts(context.Background(), store.FactSearch{Query: q, Limit: 20, AllWords: allWords})
	require.NoErrorf(t, err, "search %q", q)
	hs := []string{}
	for _, f := range fs {
		hs = append(hs, f.Handle)
	}
	return hs
}

func TestSearchFindsStemsAndAnyOfTheWords(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a, _ := db.EnsureOwner(ctx, "profile", "a")
		tn := db.Tenant(a.ID)
		manual(t, tn, "Anaemia was common at baseline.")        // F1
		manual(t, tn, "Anemia improved with oral iron.")        // F2
		manual(t, tn, "Patients were randomised to two arms.")  // F3
		manual(t, tn, "One patient withdrew consent.")          // F4
		manual(t, tn, "Iron deficiency was treated for weeks.") // F5

		// The example: two spellings, any of them.
		assert.ElementsMatch(t, []string{"F1", "F2"}, search(t, tn, "anaemia anemia", false))
		assert.Empty(t, search(t, tn, "anaemia anemia", true), "--all-words: no fact holds both spellings")
		// Stems, either way round, in any case.
		assert.ElementsMatch(t, []string{"F3", "F4"}, search(t, tn, "patients", false))
		assert.ElementsMatch(t, []string{"F3", "F4"}, search(t, tn, "PATIENT", false))
		assert.Equal(t, []string{"F3"}, search(t, tn, "randomise", false))
		assert.Equal(t, []string{"F3"}, search(t, tn, "randomising", false))
		assert.Equal(t, []string{"F5"}, search(t, tn, "treat", false))
		// The fact holding more of the words ranks first.
		assert.Equal(t, []string{"F2", "F5"}, search(t, tn, "iron anemia", false))
		assert.Equal(t, []string{"F2"}, search(t, tn, "iron anemia", true))
		assert.Equal(t, []string{"F2"}, search(t, tn, "anemia iron", true))
		// Common words are not searched: "the", "with", "were" match nothing.
		assert.ElementsMatch(t, []string{"F3", "F4"}, search(t, tn, "the patients", true))
		assert.Empty(t, search(t, tn, "zebrafish", false))

		_, err := tn.SearchFacts(ctx, store.FactSearch{Query: "the of with", Limit: 5})
		assert.Equal(t, domain.Invalid, domain.ErrorCode(err))
		assert.Contains(t, domain.ErrorMessage(err), "common words")
		_, err = tn.SearchFacts(ctx, store.FactSearch{Query: strings.Repeat("word", 300), Limit: 5})
		assert.Equal(t, domain.Invalid, domain.ErrorCode(err))
		_, err = tn.SearchFacts(ctx, store.FactSearch{Query: strings.Repeat("w ", 10) + strings.Join(strings.Fields("a1 a2 a3 a4 a5 a6 a7 a8 a9 b1 b2 b3 b4 b5 b6 b7 b8 b9 c1 c2 c3 c4 c5 c6 c7 c8 c9 d1 d2 d3 d4 d5 d6"), " "), Limit: 5})
		assert.Equal(t, domain.Invalid, domain.ErrorCode(err), "33 words")

		fs, err := tn.SearchFacts(ctx, store.FactSearch{Query: "patients", Limit: 1})
		require.NoError(t, err)
		assert.Len(t, fs, 1)
	})
}

// Ties keep handle order, and the limit cuts after the ties are ordered.
func TestSearchTiesInHandleOrder(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a, _ := db.EnsureOwner(ctx, "profile", "a")
		tn := db.Tenant(a.ID)
		for range 5 {
			manual(t, tn, "Serum ferritin was measured.")
		}
		fs, err := tn.SearchFacts(ctx, store.FactSearch{Query: "ferritin", Limit: 3})
		require.NoError(t, err)
		require.Len(t, fs, 3)
		assert.Equal(t, []string{"F1", "F2", "F3"}, []string{fs[0].Handle, fs[1].Handle, fs[2].Handle})
	})
}

// Nothing in a query is full-text syntax, on either database: every query
// finds what its plain words find, and none fails other than for having no
// words.
func TestSearchQuerySyntaxIsPlainText(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a, _ := db.EnsureOwner(ctx, "profile", "a")
		tn := db.Tenant(a.ID)
		manual(t, tn, "Iron deficiency was treated.")       // F1
		manual(t, tn, "Near-infrared imaging was used.")    // F2
		manual(t, tn, `The "quoted" word: here and there.`) // F3
		manual(t, tn, "Owner text and rowid columns.")      // F4

		for q, want := range map[string][]string{
			`"iron`:                      {"F1"},
			`iron"`:                      {"F1"},
			`"iron"`:                     {"F1"},
			`""iron""`:                   {"F1"},
			`iron*`:                      {"F1"},
			`iron:*`:                     {"F1"},
			`-iron`:                      {"F1"},
			`^iron`:                      {"F1"},
			`(iron)`:                     {"F1"},
			`'iron'`:                     {"F1"},
			`''iron`:                     {"F1"},
			`iron\`:                      {"F1"},
			`\'iron`:                     {"F1"},
			`iron OR`:                    {"F1"},
			`iron AND imaging`:           {"F1", "F2"},
			`iron NOT deficiency`:        {"F1"},
			`iron & imaging | !x`:        {"F1", "F2"},
			`iron<->deficiency`:          {"F1"},
			`iron <2> deficiency`:        {"F1"},
			`NEAR(iron imaging, 2)`:      {"F1", "F2"},
			`text:iron`:                  {"F1", "F4"},
			`{text quote}: iron`:         {"F1", "F3", "F4"},
			`quoted`:                     {"F3"},
			`"quoted" word:`:             {"F3"},
			`rowid`:                      {"F4"},
			`owner`:                      {"F4"},
			`iron) OR (imaging`:          {"F1", "F2"},
			`iron" OR "imaging`:          {"F1", "F2"},
			`iron'|'imaging`:             {"F1", "F2"},
			"iron\x00imaging":            {"F1", "F2"},
			"iron\nimaging\t\"":          {"F1", "F2"},
			`"; DROP TABLE facts; --`:    {},
			`'); DELETE FROM facts; --'`: {},
		} {
			assert.ElementsMatchf(t, want, search(t, tn, q, false), "query %q", q)
		}
		for _, q := range []string{`"`, `""`, `*`, `-`, `:`, `'`, `\`, `&|!()<->`, "\x00", `NOT`, `AND OR`} {
			_, err := tn.SearchFacts(ctx, store.FactSearch{Query: q, Limit: 5})
			assert.Equalf(t, domain.Invalid, domain.ErrorCode(err), "query %q: %v", q, err)
		}
		n, err := tn.Facts(ctx, store.FactFilter{})
		require.NoError(t, err)
		assert.Len(t, n, 4, "the facts are all still there")
	})
}

func TestSearchUnicode(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a, _ := db.EnsureOwner(ctx, "profile", "a")
		tn := db.Tenant(a.ID)
		manual(t, tn, "Sjögren syndrome was confirmed.")       // F1
		manual(t, tn, "Ménière disease worsened.")             // F2
		manual(t, tn, "Гемоглобин снизился у больных.")        // F3
		manual(t, tn, "Η αιμοσφαιρίνη μειώθηκε.")              // F4
		manual(t, tn, "患者的 血红蛋白 下降")                           // F5
		manual(t, tn, "रोगियों में हीमोग्लोबिन कम हुआ।")       // F6
		manual(t, tn, "Naïve T cells expanded (Köln cohort).") // F7

		for q, want := range map[string][]string{
			"Sjögren":       {"F1"},
			"sjogren":       {"F1"},
			"SJÖGREN":       {"F1"},
			"Sjo\u0308gren": {"F1"}, // decomposed ö
			"meniere":       {"F2"},
			"MÉNIÈRE":       {"F2"},
			"Гемоглобин":    {"F3"},
			"гемоглобин":    {"F3"},
			"αιμοσφαιρίνη":  {"F4"},
			"血红蛋白":          {"F5"},
			"हीमोग्लोबिन":   {"F6"},
			"naive koln":    {"F7"},
			"naïve 🙂":       {"F7"},
			"«Köln»":        {"F7"},
			// Pasted from elsewhere: an invisible character inside a word
			// (fact texts are stored without them), a ligature, full-width
			// letters.
			"sjo\u200dgren": {"F1"},
			"sjö\u00adgren": {"F1"},
			"con\ufb01rmed": {"F1"},
			"ｎａｉｖｅ":         {"F7"},
		} {
			assert.ElementsMatchf(t, want, search(t, tn, q, false), "query %q", q)
		}
		_, err := tn.SearchFacts(ctx, store.FactSearch{Query: "🙂 — …", Limit: 5})
		assert.Equal(t, domain.Invalid, domain.ErrorCode(err))
		// Words one database cannot tokenize (a lone combining mark, a
		// script newer than SQLite's tables) match nothing, and break nothing.
		for _, q := range []string{"\u0301", "naive \u0301", "naive 𞤀𞤁", "naive ١٢٣"} {
			fs, err := tn.SearchFacts(ctx, store.FactSearch{Query: q, Limit: 5})
			require.NoErrorf(t, err, "query %q", q)
			if q != "\u0301" {
				require.NotEmptyf(t, fs, "query %q", q)
				assert.Equal(t, "F7", fs[0].Handle)
			}
		}
	})
}

// Search keeps today's behaviour for retracted facts: they are found, marked
// retracted (facts search shows "(retracted)").
func TestSearchFindsRetractedFacts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a, _ := db.EnsureOwner(ctx, "profile", "a")
		tn := db.Tenant(a.ID)
		manual(t, tn, "Ferritin rose after infusion.")
		manual(t, tn, "Ferritin fell after bleeding.")
		f2, err := tn.Fact(ctx, 2)
		require.NoError(t, err)
		_, err = tn.RetractFact(ctx, f2.ID)
		require.NoError(t, err)
		fs, err := tn.SearchFacts(ctx, store.FactSearch{Query: "ferritin", Limit: 5})
		require.NoError(t, err)
		require.Len(t, fs, 2)
		states := map[string]string{fs[0].Handle: fs[0].State, fs[1].Handle: fs[1].State}
		assert.Equal(t, map[string]string{"F1": domain.FactActive, "F2": domain.FactRetracted}, states)
	})
}

// Tenancy: whatever another owner stores or types, a search returns the
// searching owner's facts only, and ranks them among themselves (another
// owner's better matches never push them out of the top results).
func TestSearchNeverCrossesOwners(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a, _ := db.EnsureOwner(ctx, "profile", "a")
		b, _ := db.EnsureOwner(ctx, "profile", "b")
		c, _ := db.EnsureOwner(ctx, "profile", "c") // no facts at all
		ta, tb, tc := db.Tenant(a.ID), db.Tenant(b.ID), db.Tenant(c.ID)

		docA := newDoc(t, ctx, ta, "1")
		var aFacts []string
		for i := range 3 {
			f := extracted(docA, fmt.Sprintf("Serum ferritin sample %d was stored.", i))
			_, err := ta.InsertFact(ctx, f, f.Text)
			require.NoError(t, err)
			aFacts = append(aFacts, f.ID)
		}
		aFacts = append(aFacts, idOf(t, ta, manual(t, ta, "Zebrafish larvae were imaged.")))
		// b has many facts that match better than any of a's, and facts
		// spelling out a's owner id the ways the indexes hold owners.
		var bFacts []string
		for range 30 {
			bFacts = append(bFacts, idOf(t, tb, manual(t, tb, "Ferritin ferritin ferritin serum ferritin.")))
		}
		for _, text := range []string{
			"o" + a.ID + "0 owner " + a.ID,
			"owner " + a.ID + " larvae zebrafish",
			a.ID + " ferritin",
		} {
			bFacts = append(bFacts, idOf(t, tb, manual(t, tb, text)))
		}

		// A limit below b's 33 facts: top results taken before filtering by
		// owner would leave a with none.
		limit := 10
		only := func(tn *store.Tenant, ids []string, q string, allWords bool) []domain.Fact {
			t.Helper()
			fs, err := tn.SearchFacts(ctx, store.FactSearch{Query: q, Limit: limit, AllWords: allWords})
			if domain.ErrorCode(err) == domain.Invalid {
				return nil
			}
			require.NoErrorf(t, err, "query %q", q)
			for _, f := range fs {
				assert.Containsf(t, ids, f.ID, "query %q returned another owner's fact %s %q", q, f.Handle, f.Text)
			}
			return fs
		}

		fs := only(ta, aFacts, "ferritin", false)
		assert.Len(t, fs, 3, "a's own three matches, however much better b's are")
		fs = only(ta, aFacts, "serum ferritin", true)
		assert.Len(t, fs, 3)
		fs = only(tb, bFacts, "zebrafish", false)
		assert.Len(t, fs, 1, "b finds only its own zebrafish fact")

		// Queries made to reach a's facts from b (and b's from a).
		attacks := []string{
			a.ID, "o" + a.ID + "0", `owner : "o` + a.ID + `0"`, `"owner ` + a.ID + `"`,
			`'owner ` + a.ID + `'`, `' | 'owner ` + a.ID + `'`, `zebrafish' | 'owner ` + a.ID,
			`zebrafish OR owner : "o` + a.ID + `0"`, `zebrafish" OR owner:"o` + a.ID + `0`,
			`* OR zebrafish`, `NOT zebrafish`, `zebrafish) OR (ferritin`, `rowid`, `ferritin zebrafish larvae serum`,
		}
		for _, q := range attacks {
			for _, all := range []bool{false, true} {
				only(tb, bFacts, q, all)
				only(ta, aFacts, q, all)
				assert.Empty(t, only(tc, nil, q, all))
			}
		}
		fs = only(ta, aFacts, "owner "+a.ID, false)
		assert.Empty(t, fs, "a's own id is no word of a's facts")

		// Deleting a's document drops its facts from a's search, not b's.
		require.NoError(t, ta.DeleteDocument(ctx, docA.ID))
		assert.Empty(t, only(ta, aFacts, "ferritin serum", false))
		assert.Len(t, only(ta, aFacts, "zebrafish", false), 1)
		limit = 50
		assert.Len(t, only(tb, bFacts, "ferritin", false), 31)
	})
}

func idOf(t *testing.T, tn *store.Tenant, handle string) string {
	t.Helper()
	seq, err := domain.ParseHandle(domain.FactPrefix, handle)
	require.NoError(t, err)
	f, err := tn.Fact(context.Background(), seq)
	require.NoError(t, err)
	return f.ID
}

// Migration 0004 builds the new index from the facts of an existing
// database, and keeps it in step from then on.
func TestSearchIndexBuiltOnUpgrade(t *testing.T) {
	for _, be := range storetest.Backends(t) {
		t.Run(be.Name, func(t *testing.T) {
			ctx := context.Background()
			dsn := be.Open(t)
			d := store.SQLite
			driver, raw := "sqlite", strings.TrimPrefix(dsn, "sqlite:")
			if be.Name == "postgres" {
				d, driver, raw = store.Postgres, "pgx", dsn
			}
			if d == store.SQLite {
				raw = "file:" + filepath.Clean(raw) + "?_pragma=foreign_keys(1)"
			}
			old, err := sqlx.Open(driver, raw)
			require.NoError(t, err)
			_, err = old.Exec(store.ForDialect(opus.Schema, d))
			require.NoError(t, err)
			// Version 1, with the facts of two owners.
			q := func(s string, args ...any) {
				t.Helper()
				_, err := old.Exec(old.Rebind(s), args...)
				require.NoError(t, err)
			}
			q(`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`)
			q(`INSERT INTO schema_migrations VALUES (1, 'schema.sql', '2026-01-01T00:00:00.000000Z')`)
			now := "2026-01-01T00:00:00.000000Z"
			for i, o := range []string{"a", "b"} {
				oid := strings.Repeat(fmt.Sprint(i+1), 32)
				q(`INSERT INTO owners (id, kind, name, created_at) VALUES (?, 'profile', ?, ?)`, oid, o, now)
				for _, p := range []string{"D", "F", "P", "J", "R"} {
					last := 0
					switch p {
					case "D":
						last = 1
					case "F":
						last = 2
					}
					q(`INSERT INTO handle_counters (owner_id, prefix, last) VALUES (?, ?, ?)`, oid, p, last)
				}
				doc := "d" + oid[1:]
				q(`INSERT INTO documents (id, owner_id, seq, title, filename, media_type, sha256, bytes, page_count, state, blob_path, created_at, updated_at)
					VALUES (?, ?, 1, 'T', 't.txt', 'text/plain', ?, 10, 1, 'facts_ready', 'x', ?, ?)`, doc, oid, strings.Repeat("a", 64), now, now)
				q(`INSERT INTO document_pages (document_id, page_no, text) VALUES (?, 1, 'Patients with anaemia were randomised.')`, doc)
				q(`INSERT INTO facts (id, owner_id, seq, origin, document_id, page, quote, text, text_key, kind, state, created_at)
					VALUES (?, ?, 1, 'extracted', ?, 1, 'Patients with anaemia were randomised.', ?, 'k1', 'finding', 'active', ?)`,
					"f1"+oid[2:], oid, doc, "Anaemia in the "+o+" cohort.", now)
				q(`INSERT INTO facts (id, owner_id, seq, origin, text, text_key, kind, source_note, state, created_at)
					VALUES (?, ?, 2, 'manual', 'Ferritin was low.', 'k2', 'finding', 'notebook', 'active', ?)`, "f2"+oid[2:], oid, now)
			}
			require.NoError(t, old.Close())

			db, err := store.Open(ctx, dsn)
			require.NoError(t, err)
			defer db.Close()
			ta := db.Tenant(strings.Repeat("1", 32))
			tb := db.Tenant(strings.Repeat("2", 32))
			// Found stemmed, by text and by quote, each owner its own.
			fs, err := ta.SearchFacts(ctx, store.FactSearch{Query: "randomise anemia", Limit: 5})
			require.NoError(t, err)
			require.Len(t, fs, 1)
			assert.Equal(t, "Anaemia in the a cohort.", fs[0].Text)
			assert.Equal(t, []string{"F1"}, search(t, tb, "cohort", false))
			assert.Equal(t, []string{"F2"}, search(t, tb, "ferritin", false))
			// New facts are indexed, deleted ones are gone.
			assert.Equal(t, "F3", manual(t, ta, "Ferritin rose later."))
			assert.Equal(t, []string{"F2", "F3"}, search(t, ta, "ferritin", false))
			doc, err := ta.Document(ctx, 1)
			require.NoError(t, err)
			require.NoError(t, ta.DeleteDocument(ctx, doc.ID))
			assert.Empty(t, search(t, ta, "anaemia patients", false))
			assert.Equal(t, []string{"F1"}, search(t, tb, "anaemia", false))
		})
	}
}
