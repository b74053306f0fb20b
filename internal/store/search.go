package store

import (
	"context"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/opusblocks/opus/internal/domain"
	"github.com/opusblocks/opus/internal/textnorm"
)

// FactSearch is a full-text search over one owner's facts.
type FactSearch struct {
	Query string
	Limit int // at most this many facts; 20 when not positive
	// AllWords keeps only facts holding every word; by default a fact
	// holding any of them matches, and the more it holds the higher it ranks.
	AllWords bool
}

// Limits of one search query.
const (
	maxSearchBytes = 1000
	maxSearchWords = 32
)

// On SQLite a fact's search index row is (owner number << 40) | seq
// (migrations/0004_fact_search.sql).
const (
	searchSeqBits       = 40
	searchSeqMask int64 = 1<<searchSeqBits - 1
)

// SearchFacts ranks the owner's facts, active and retracted, by how well
// their text and quote match the query's words (bm25 on SQLite, ts_rank on
// Postgres; the text weighs more than the quote), best first, ties in handle
// order. Words match stemmed ("patients" finds "patient", "randomising"
// finds "randomised"), without case or Latin accents ("sjogren" finds
// "Sjögren"); English stop words ("the", "of", "not") are not searched. The
// query is never read as full-text syntax: quotes, `*`, `-`, `:`, `^`, `&`,
// `|`, `!`, parentheses, NEAR, AND, OR and NOT are plain text.
//
// The top results are picked inside the full-text index among the owner's
// facts only — on SQLite the owner's facts are one rowid range of the FTS5
// table, on Postgres the owner is a lexeme of every indexed row
// (migrations/0004_fact_search.sql) — so a search reads and ranks the
// owner's matches and no one else's, then reads the few facts it returns,
// checking facts.owner_id again.
func (t *Tenant) SearchFacts(ctx context.Context, s FactSearch) ([]domain.Fact, error) {
	words, err := SearchWords(s.Query)
	if err != nil {
		return nil, err
	}
	if s.Limit <= 0 {
		s.Limit = 20
	}
	var q string
	var args []any
	if t.d == Postgres {
		// Each word is quoted: to_tsquery stems it (a word the parser splits
		// becomes a phrase) and reads no operator in it.
		op := " | "
		if s.AllWords {
			op = " & "
		}
		tsq := make([]string, len(words))
		for i, w := range words {
			tsq[i] = tsLiteral(w)
		}
		query := strings.Join(tsq, op)
		q = `SELECT ` + factColumns + ` FROM (
				SELECT fact_id, seq, ts_rank(search, (SELECT to_tsquery('english', facts_search_fold(?)))) AS r FROM facts_search
				WHERE search @@ ?::tsquery AND search @@ (SELECT to_tsquery('english', facts_search_fold(?))) AND owner_id = ?
				ORDER BY r DESC, seq LIMIT ?
			) top
			JOIN facts f ON f.owner_id = ? AND f.id = top.fact_id
			LEFT JOIN documents d ON d.id = f.document_id
			ORDER BY top.r DESC, top.seq`
		args = []any{query, tsLiteral("owner " + t.owner), query, t.owner, s.Limit, t.owner}
	} else {
		// FTS5: every word is a quoted string, so nothing in it is syntax.
		var owner int64
		if err := t.get(ctx, &owner, `SELECT id FROM facts_search_owners WHERE owner_id = ?`, t.owner); isNoRows(err) {
			return nil, nil // the owner has never had a fact
		} else if err != nil {
			return nil, err
		}
		op := " OR "
		if s.AllWords {
			op = " AND "
		}
		phrases := make([]string, len(words))
		for i, w := range words {
			phrases[i] = ftsString(w)
		}
		q = `SELECT ` + factColumns + ` FROM (
				SELECT rowid, rank FROM facts_search
				WHERE facts_search MATCH ? AND rowid BETWEEN ? AND ?
				ORDER BY rank, rowid LIMIT ?
			) s
			CROSS JOIN facts f ON f.owner_id = ? AND f.seq = s.rowid & ?
			LEFT JOIN documents d ON d.id = f.document_id
			ORDER BY s.rank, s.rowid`
		args = []any{strings.Join(phrases, op), owner << searchSeqBits, owner<<searchSeqBits | searchSeqMask, s.Limit, t.owner, searchSeqMask}
	}
	var out []domain.Fact
	if err := t.selectAll(ctx, &out, q, args...); err != nil {
		return nil, err
	}
	for i := range out {
		withFactHandles(&out[i])
	}
	return out, nil
}

// SearchWords returns the words a search query looks for: runs of letters,
// marks and digits, lower-cased, each once, without English stop words.
// Queries are often pasted, so the query is read as a fact text is stored
// (textnorm.Clean): characters that are not visible text, such as a zero-width
// joiner or a soft hyphen inside a word, are dropped rather than splitting the
// word; and compatibility forms become plain letters (NFKC: "ﬁ" is "fi",
// full-width "ｎ" is "n"), as PDF page text has them.
func SearchWords(query string) ([]string, error) {
	if len(query) > maxSearchBytes {
		return nil, domain.Errorf(domain.Invalid, "search query is %d bytes; at most %d", len(query), maxSearchBytes)
	}
	visible := strings.Map(func(r rune) rune {
		if textnorm.Hidden(r) && !unicode.IsControl(r) { // a control (tab, NUL) still separates
			return -1
		}
		return r
	}, query)
	fields := strings.FieldsFunc(strings.ToLower(norm.NFKC.String(visible)), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsMark(r) && !unicode.IsDigit(r)
	})
	var words []string
	seen := map[string]bool{}
	for _, w := range fields {
		if stopWords[w] || seen[w] {
			continue
		}
		seen[w] = true
		words = append(words, w)
	}
	switch {
	case len(words) == 0 && len(fields) > 0:
		return nil, domain.Errorf(domain.Invalid, "search query %q has only common words (%s), which are not searched", query, strings.Join(fields, ", "))
	case len(words) == 0:
		return nil, domain.Errorf(domain.Invalid, "search query %q has no words to search for", query)
	case len(words) > maxSearchWords:
		return nil, domain.Errorf(domain.Invalid, "search query has %d words; at most %d", len(words), maxSearchWords)
	}
	return words, nil
}

// ftsString is s as an FTS5 string: nothing inside it is query syntax.
func ftsString(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// tsLiteral is s as a quoted tsquery operand.
func tsLiteral(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `''`).Replace(s) + "'"
}

// stopWords are Postgres's English stop words (tsearch_data/english.stop),
// left out of queries on both databases so they mean the same.
var stopWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`i me my myself we our ours ourselves you your yours yourself yourselves
		he him his himself she her hers herself it its itself they them their theirs themselves what which
		who whom this that these those am is are was were be been being have has had having do does did
		doing a an the and but if or because as until while of at by for with about against between into
		through during before after above below to from up down in out on off over under again further
		then once here there when where why how all any both each few more most other some such no nor not
		only own same so than too very s t can will just don should now`) {
		m[w] = true
	}
	return m
}()
