package store

import (
	"context"
	"strings"
	"unicode"

	"github.com/opusblocks/opus/internal/domain"
)

// The search as it was before migration 0004 (index and query), kept only
// so BenchmarkSearchFacts can measure the old and new search on the same
// data in one run.

// InstallSearchBaseline adds schema.sql's version-1 search index to a
// migrated database and fills it from the facts already there.
func InstallSearchBaseline(ctx context.Context, db *DB) error {
	var stmts []string
	if db.Dialect == Postgres {
		stmts = []string{
			`ALTER TABLE facts ADD COLUMN IF NOT EXISTS search_v1 tsvector
				GENERATED ALWAYS AS (to_tsvector('simple', text || ' ' || coalesce(quote, ''))) STORED`,
			`CREATE INDEX IF NOT EXISTS facts_search_v1 ON facts USING gin (search_v1)`,
			`ANALYZE facts`,
		}
	} else {
		stmts = []string{
			`CREATE VIRTUAL TABLE IF NOT EXISTS facts_fts_v1 USING fts5 (fact_id UNINDEXED, body, tokenize = 'unicode61 remove_diacritics 2')`,
			`DELETE FROM facts_fts_v1`,
			`INSERT INTO facts_fts_v1 (fact_id, body) SELECT id, text || ' ' || coalesce(quote, '') FROM facts`,
		}
	}
	for _, s := range stmts {
		if _, err := db.X.ExecContext(ctx, s); err != nil {
			return err
		}
	}
	return nil
}

// SearchFactsBaseline is Tenant.SearchFacts before migration 0004.
func (t *Tenant) SearchFactsBaseline(ctx context.Context, query string, limit int) ([]domain.Fact, error) {
	terms := baselineTerms(query)
	if len(terms) == 0 {
		return nil, domain.Errorf(domain.Invalid, "search query %q has no words to search for", query)
	}
	var q string
	var arg string
	if t.d == Postgres {
		arg = strings.Join(terms, " & ")
		q = factSelect + ` WHERE f.owner_id = ? AND f.search_v1 @@ to_tsquery('simple', ?) ORDER BY ts_rank(f.search_v1, to_tsquery('simple', ?)) DESC, f.seq LIMIT ?`
		var out []domain.Fact
		if err := t.selectAll(ctx, &out, q, t.owner, arg, arg, limit); err != nil {
			return nil, err
		}
		for i := range out {
			withFactHandles(&out[i])
		}
		return out, nil
	}
	quoted := make([]string, len(terms))
	for i, term := range terms {
		quoted[i] = `"` + term + `"`
	}
	arg = strings.Join(quoted, " AND ")
	q = factSelect + ` JOIN facts_fts_v1 s ON s.fact_id = f.id WHERE f.owner_id = ? AND s.body MATCH ? ORDER BY s.rank, f.seq LIMIT ?`
	var out []domain.Fact
	if err := t.selectAll(ctx, &out, q, t.owner, arg, limit); err != nil {
		return nil, err
	}
	for i := range out {
		withFactHandles(&out[i])
	}
	return out, nil
}

func baselineTerms(q string) []string {
	return strings.FieldsFunc(strings.ToLower(q), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}
