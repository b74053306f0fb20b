package store_test

import (
	"context"
	"fmt"
	"math/rand"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/opusblocks/opus/internal/domain"
	"github.com/opusblocks/opus/internal/store"
	"github.com/opusblocks/opus/internal/store/storetest"
)

// BenchmarkSearchFacts measures `facts search` latency, p50 and p99 over a
// fixed set of queries, with one owner holding 10k and 100k facts and another
// owner a fifth as many (noise that matches the same words), on SQLite and —
// when OPUS_TEST_POSTGRES is set — Postgres. Query sets: "mix" (factGen.queries)
// and "common" (each of the ten commonest words alone: the worst case).
// "before" is schema version 1's search (SearchFactsBaseline, on its own
// index, rebuilt beside today's on the same data), "after" today's (any of
// the words), "after-all-words" today's with --all-words.
//
// The databases are loaded once per test binary, so -count N repeats only
// the measurements; scripts/bench.sh prints the medians.
func BenchmarkSearchFacts(b *testing.B) {
	for _, be := range storetest.Backends(b) {
		for _, n := range []int{10_000, 100_000} {
			b.Run(fmt.Sprintf("%s/%dk", be.Name, n/1000), func(b *testing.B) {
				env := searchBenchEnv(b, be, n)
				for _, set := range []string{"mix", "common"} {
					for _, impl := range []string{"before", "after", "after-all-words"} {
						b.Run(set+"/"+impl, func(b *testing.B) { benchSearch(b, env, env.queries[set], impl) })
					}
				}
			})
		}
	}
}

func benchSearch(b *testing.B, env *searchEnv, queries []string, impl string) {
	search := func(ctx context.Context, q string, limit int) ([]domain.Fact, error) {
		return env.owner.SearchFacts(ctx, store.FactSearch{Query: q, Limit: limit, AllWords: impl == "after-all-words"})
	}
	if impl == "before" {
		search = env.owner.SearchFactsBaseline
	}
	ctx := context.Background()
	lat := make([]time.Duration, 0, b.N)
	hits := 0
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		q := queries[i%len(queries)]
		start := time.Now()
		fs, err := search(ctx, q, 20)
		lat = append(lat, time.Since(start))
		if err != nil && domain.ErrorCode(err) != domain.Invalid {
			b.Fatalf("search %q: %v", q, err)
		}
		hits += len(fs)
	}
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	pct := func(p float64) float64 {
		return float64(lat[int(p*float64(len(lat)-1)+0.5)]) / float64(time.Millisecond)
	}
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(float64(hits)/float64(b.N), "hits/query")
}

type searchEnv struct {
	owner *store.Tenant
	// "mix": factGen.queries; "common": the ten commonest content words
	// alone, each in 9–11% of the facts (the worst case).
	queries map[string][]string
}

var (
	searchEnvsMu sync.Mutex
	searchEnvs   = map[string]*searchEnv{}
)

// searchBenchEnv returns a database whose first owner holds n facts, loaded
// once per backend and size for the life of the test binary.
func searchBenchEnv(b *testing.B, be storetest.Backend, n int) *searchEnv {
	b.Helper()
	key := be.Name + "/" + strconv.Itoa(n)
	searchEnvsMu.Lock()
	defer searchEnvsMu.Unlock()
	if e, ok := searchEnvs[key]; ok {
		return e
	}
	ctx := context.Background()
	start := time.Now()
	dsn, cleanup := benchDSN(b, be)
	searchBenchCleanups = append(searchBenchCleanups, cleanup)
	db, err := store.Open(ctx, dsn)
	if err != nil {
		b.Fatalf("open %s: %v", be.Name, err)
	}
	searchBenchCleanups = append(searchBenchCleanups, func() { db.Close() })
	g := newFactGen(int64(n))
	main, err := db.EnsureOwner(ctx, "profile", "main")
	if err != nil {
		b.Fatal(err)
	}
	noise, err := db.EnsureOwner(ctx, "profile", "noise")
	if err != nil {
		b.Fatal(err)
	}
	if err := loadFacts(ctx, db, main.ID, n, g); err != nil {
		b.Fatal(err)
	}
	if err := loadFacts(ctx, db, noise.ID, n/5, g); err != nil {
		b.Fatal(err)
	}
	if db.Dialect == store.Postgres {
		// As autovacuum leaves a table some time after a bulk load: hint
		// bits and the visibility map set, statistics fresh. Otherwise the
		// first searches set hint bits and autovacuum may start in the
		// middle of the measurements.
		if _, err := db.X.ExecContext(ctx, `VACUUM (ANALYZE)`); err != nil {
			b.Fatal(err)
		}
	}
	if err := store.InstallSearchBaseline(ctx, db); err != nil {
		b.Fatal(err)
	}
	b.Logf("%s: %d + %d facts loaded and indexed in %v", key, n, n/5, time.Since(start).Round(time.Millisecond))
	e := &searchEnv{owner: db.Tenant(main.ID), queries: map[string][]string{"mix": g.queries(200), "common": g.vocab[:10]}}
	searchEnvs[key] = e
	return e
}

var searchBenchCleanups []func()

// benchDSN makes a database that outlives one benchmark run: it is removed
// by TestMain when the test binary ends.
func benchDSN(b *testing.B, be storetest.Backend) (string, func()) {
	if be.Name == "sqlite" {
		dir, err := os.MkdirTemp("", "opus-search-bench-")
		if err != nil {
			b.Fatal(err)
		}
		return "sqlite:" + dir + "/opus.db", func() { os.RemoveAll(dir) }
	}
	lt := &lateCleanup{TB: b}
	dsn := storetest.PostgresSchema(lt, os.Getenv("OPUS_TEST_POSTGRES"))
	return dsn, lt.run
}

// lateCleanup defers a testing.TB's Cleanup functions to TestMain.
type lateCleanup struct {
	testing.TB
	fns []func()
}

func (l *lateCleanup) Cleanup(fn func()) { l.fns = append(l.fns, fn) }
func (l *lateCleanup) run() {
	for i := len(l.fns) - 1; i >= 0; i-- {
		l.fns[i]()
	}
}

func TestMain(m *testing.M) {
	code := m.Run()
	for i := len(searchBenchCleanups) - 1; i >= 0; i-- {
		searchBenchCleanups[i]()
	}
	os.Exit(code)
}

// loadFacts inserts n facts for owner in one transaction, many rows per
// statement, through the real triggers: a document for every 500 facts, one
// fact in 20 manual (no quote), one in 50 retracted.
func loadFacts(ctx context.Context, db *store.DB, owner string, n int, g *factGen) error {
	if db.Dialect == store.SQLite {
		// A bigger page cache while loading only: the random fact ids make
		// index inserts touch pages all over the file.
		if _, err := db.X.ExecContext(ctx, `PRAGMA cache_size = -262144`); err != nil {
			return err
		}
		defer func() { _, _ = db.X.ExecContext(ctx, `PRAGMA cache_size = -2000`) }()
	}
	return db.InTx(ctx, func(tx *store.Tx) error {
		const cols = 14
		const rows = 1000
		var docID string
		now := domain.Now()
		var args []any
		flush := func() error {
			if len(args) == 0 {
				return nil
			}
			k := len(args) / cols
			q := `INSERT INTO facts (id, owner_id, seq, origin, document_id, page, quote, text, text_key, kind, source_note, state, run_id, created_at) VALUES ` +
				strings.TrimSuffix(strings.Repeat("("+strings.TrimSuffix(strings.Repeat("?, ", cols), ", ")+"), ", k), ", ")
			_, err := tx.X.ExecContext(ctx, tx.X.Rebind(q), args...)
			args = args[:0]
			return err
		}
		for i := 1; i <= n; i++ {
			if (i-1)%500 == 0 {
				if err := flush(); err != nil {
					return err
				}
				d := &domain.Document{Title: "T", Filename: "t.txt", MediaType: "text/plain", SHA256: fmt.Sprintf("%064x", i), Bytes: 10, State: domain.DocFactsReady, BlobPath: "x"}
				if err := tx.Tenant(owner).CreateDocument(ctx, d, []string{"page"}); err != nil {
					return err
				}
				docID = d.ID
			}
			text, quote := g.fact()
			state := domain.FactActive
			if i%50 == 0 {
				state = domain.FactRetracted
			}
			if i%20 == 0 {
				args = append(args, store.NewID(), owner, i, domain.OriginManual, nil, nil, nil, text, strconv.Itoa(i), "finding", "notebook", state, nil, now)
			} else {
				args = append(args, store.NewID(), owner, i, domain.OriginExtracted, docID, 1, quote, text, strconv.Itoa(i), "finding", nil, state, nil, now)
			}
			if len(args) == cols*rows {
				if err := flush(); err != nil {
					return err
				}
			}
		}
		if err := flush(); err != nil {
			return err
		}
		_, err := tx.X.ExecContext(ctx, tx.X.Rebind(`UPDATE handle_counters SET last = ? WHERE owner_id = ? AND prefix = ?`), n, owner, domain.FactPrefix)
		return err
	})
}

// factGen writes fact-like sentences: a fifth function words, the rest
// drawn from a 20,000-word vocabulary with Zipf–Mandelbrot frequencies. Of
// 100,000 facts the commonest content word is in 11% (like "patients" in a
// clinical corpus), the 100th in 3%, the 1,000th in 0.3%, the 10,000th in
// 0.03%.
type factGen struct {
	r     *rand.Rand
	zipf  *rand.Zipf
	vocab []string
	facts [][]string // content words of recent facts, for queries
}

var benchFunctionWords = strings.Fields("the of in and was with to a for were by at on than from as not is after")

var benchRealWords = strings.Fields(`patients reduction ldl cholesterol anaemia anemia randomised randomized trial
	placebo dose mortality risk outcome increased decreased reduced treatment group control
	significant baseline months weeks follow statin therapy blood pressure heart failure iron
	deficiency haemoglobin hemoglobin infection children adults women men cohort survival
	hazard ratio confidence interval efficacy safety adverse events primary secondary endpoint
	measured observed associated compared analysis model sample participants study studies`)

func newFactGen(seed int64) *factGen {
	r := rand.New(rand.NewSource(seed))
	g := &factGen{r: r, zipf: rand.NewZipf(r, 1.07, 40, 19_999)}
	seen := map[string]bool{}
	for _, w := range benchRealWords {
		seen[w] = true
	}
	cons, vows := "bcdfghklmnprstvz", "aeiou"
	var pseudo []string
	for len(pseudo) < 20_000-len(benchRealWords) {
		var sb strings.Builder
		for s := 0; s < 2+r.Intn(3); s++ {
			sb.WriteByte(cons[r.Intn(len(cons))])
			sb.WriteByte(vows[r.Intn(len(vows))])
		}
		if w := sb.String(); !seen[w] {
			seen[w] = true
			pseudo = append(pseudo, w)
		}
	}
	// The real words among the commonest third of the vocabulary.
	g.vocab = make([]string, 0, 20_000)
	for i, p := 0, 0; len(g.vocab) < 20_000; i++ {
		if i%50 == 0 && i/50 < len(benchRealWords) {
			g.vocab = append(g.vocab, benchRealWords[i/50])
			continue
		}
		g.vocab = append(g.vocab, pseudo[p])
		p++
	}
	return g
}

func (g *factGen) word(content *[]string) string {
	if g.r.Intn(5) == 0 {
		return benchFunctionWords[g.r.Intn(len(benchFunctionWords))]
	}
	w := g.vocab[g.zipf.Uint64()]
	*content = append(*content, w)
	return w
}

func sentence(words []string) string {
	s := strings.Join(words, " ") + "."
	return strings.ToUpper(s[:1]) + s[1:]
}

// fact returns a quote of 15–40 words and a fact text restating about
// two thirds of it with up to three words of its own, as facts do.
func (g *factGen) fact() (text, quote string) {
	var content []string
	q := make([]string, 15+g.r.Intn(26))
	for i := range q {
		q[i] = g.word(&content)
	}
	var t []string
	for _, w := range q {
		if g.r.Intn(3) > 0 {
			t = append(t, w)
		}
	}
	for i := g.r.Intn(4); i > 0; i-- {
		at := g.r.Intn(len(t) + 1)
		t = append(t[:at], append([]string{g.word(&content)}, t[at:]...)...)
	}
	if len(t) == 0 {
		t = q[:1]
	}
	if g.r.Intn(4) == 0 {
		t = append(t, fmt.Sprintf("(n=%d)", 10+g.r.Intn(990)))
	}
	if len(content) > 0 {
		if len(g.facts) < 5000 {
			g.facts = append(g.facts, content)
		} else {
			g.facts[g.r.Intn(len(g.facts))] = content
		}
	}
	return sentence(t), sentence(q)
}

// queries returns a fixed mix: two words of one fact (40%), one word of a
// fact (25%), "effect of A on B" (15%), a word of a fact and a rare word
// (10%), and fixed queries: spelling variants, stems, a word no fact has.
func (g *factGen) queries(n int) []string {
	fixed := []string{"anaemia anemia", "LDL reduction", "reduced ldl cholesterol", "randomised OR randomized", "qwzzyx"}
	word := func() string {
		f := g.facts[g.r.Intn(len(g.facts))]
		return f[g.r.Intn(len(f))]
	}
	out := make([]string, n)
	for i := range out {
		switch k := i % 20; {
		case k < 8:
			f := g.facts[g.r.Intn(len(g.facts))]
			out[i] = f[g.r.Intn(len(f))] + " " + f[g.r.Intn(len(f))]
		case k < 13:
			out[i] = word()
		case k < 16:
			out[i] = "effect of " + word() + " on " + word()
		case k < 18:
			out[i] = word() + " " + g.vocab[10_000+g.r.Intn(10_000)]
		default:
			out[i] = fixed[(i/20*2+k-18)%len(fixed)]
		}
	}
	return out
}
