package server_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/opusblocks/opus/internal/llm/offline"
	"github.com/opusblocks/opus/internal/prompts"
	"github.com/opusblocks/opus/internal/server"
	"github.com/opusblocks/opus/internal/service"
	"github.com/opusblocks/opus/internal/store/storetest"
)

// BenchmarkServeFactsList is make bench's serve figure: authenticated
// GET /v1/facts?limit=50 from 64 connections at once for a caller with
// 10,000 facts, on Postgres, next to the floor: a minimal net/http handler
// on pgx running the same token look-up and the same page query.
// Reports requests/s, p50 and p99 (ms) for each, over a fixed time.
func BenchmarkServeFactsList(b *testing.B) {
	var pg storetest.Backend
	for _, be := range storetest.Backends(b) {
		if be.Name == "postgres" {
			pg = be
		}
	}
	if pg.Name == "" {
		b.Skip("needs OPUS_TEST_POSTGRES")
	}
	dsn := pg.Open(b)
	ctx := context.Background()
	svc, err := service.Open(ctx, dsn, service.Config{
		DataDir: b.TempDir(), CacheDir: filepath.Join(os.TempDir(), "opus-test-cache", "opus", "wazero"),
		Provider: offline.New(), Model: offline.Model, Prompts: prompts.Versions(),
	})
	if err != nil {
		b.Fatal(err)
	}
	defer func() { _ = svc.Close() }()
	if _, err := svc.AddUser(ctx, "bench@example.org", "correct horse battery staple"); err != nil {
		b.Fatal(err)
	}
	tok, err := svc.CreateToken(ctx, "bench@example.org", "bench", time.Hour)
	if err != nil {
		b.Fatal(err)
	}
	actor, err := svc.Authenticate(ctx, tok.Token)
	if err != nil {
		b.Fatal(err)
	}
	const facts = 10_000
	for i := range facts {
		if _, err := svc.AddFact(ctx, actor, fmt.Sprintf("Measurement %d of the series held %d cells.", i, i*7), "bench", "measurement"); err != nil {
			b.Fatal(err)
		}
	}

	opus := httptest.NewServer(server.New(svc, server.Options{}))
	defer opus.Close()
	pool, err := pgxpool.New(ctx, dsn)
	if err != nil {
		b.Fatal(err)
	}
	defer pool.Close()
	floor := httptest.NewServer(floorHandler(pool))
	defer floor.Close()

	conns, duration := benchConns(), 5*time.Second
	for _, target := range []struct{ name, url string }{{"floor", floor.URL}, {"opus", opus.URL}} {
		b.Run(target.name, func(b *testing.B) {
			for range b.N {
				rps, p50, p99, err := load(target.url+"/v1/facts?limit=50", tok.Token, conns, duration)
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(rps, "req/s")
				b.ReportMetric(p50, "p50-ms")
				b.ReportMetric(p99, "p99-ms")
			}
		})
	}
}

// floorHandler is the least a server can do for the same request: look
// the bearer token's hash up, read one page of the owner's facts with the
// same join, write it as JSON.
func floorHandler(pool *pgxpool.Pool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok {
			http.Error(w, "no token", http.StatusUnauthorized)
			return
		}
		sum := sha256.Sum256([]byte(token))
		var owner string
		err := pool.QueryRow(r.Context(), `SELECT t.owner_id FROM api_tokens t JOIN owners o ON o.id = t.owner_id
			WHERE t.token_hash = $1 AND t.revoked_at IS NULL`, hex.EncodeToString(sum[:])).Scan(&owner)
		if err != nil {
			http.Error(w, "bad token", http.StatusUnauthorized)
			return
		}
		rows, err := pool.Query(r.Context(), `SELECT f.seq, d.seq, f.page, f.quote, f.text, f.kind, f.source_note, f.state, f.created_at
			FROM facts f LEFT JOIN documents d ON d.id = f.document_id
			WHERE f.owner_id = $1 AND f.state = 'active' ORDER BY f.seq LIMIT 50`, owner)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		type fact struct {
			ID        string  `json:"id"`
			Document  *int64  `json:"document,omitempty"`
			Page      *int    `json:"page,omitempty"`
			Quote     *string `json:"quote,omitempty"`
			Text      string  `json:"text"`
			Kind      string  `json:"kind"`
			Source    *string `json:"source,omitempty"`
			State     string  `json:"state"`
			CreatedAt string  `json:"created_at"`
		}
		var out []fact
		for rows.Next() {
			var f fact
			var seq int64
			if err := rows.Scan(&seq, &f.Document, &f.Page, &f.Quote, &f.Text, &f.Kind, &f.Source, &f.State, &f.CreatedAt); err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			f.ID = fmt.Sprintf("F%d", seq)
			out = append(out, f)
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(out)
	})
}

// load sends GETs from conns connections for d and returns requests/s and
// the median and 99th percentile latency in milliseconds; any answer but
// 200 is an error.
func load(url, token string, conns int, d time.Duration) (rps, p50, p99 float64, err error) {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns}}
	defer client.CloseIdleConnections()
	var mu sync.Mutex
	var lat []float64
	var firstErr error
	deadline := time.Now().Add(d)
	var wg sync.WaitGroup
	for range conns {
		wg.Go(func() {
			var mine []float64
			for time.Now().Before(deadline) {
				req, _ := http.NewRequest(http.MethodGet, url, nil)
				req.Header.Set("Authorization", "Bearer "+token)
				start := time.Now()
				resp, err := client.Do(req)
				if err == nil {
					_, _ = io.Copy(io.Discard, resp.Body)
					_ = resp.Body.Close()
					if resp.StatusCode != http.StatusOK {
						err = fmt.Errorf("GET %s: %s", url, resp.Status)
					}
				}
				if err != nil {
					mu.Lock()
					firstErr = cmpOr(firstErr, err)
					mu.Unlock()
					return
				}
				mine = append(mine, float64(time.Since(start).Microseconds())/1000)
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		})
	}
	wg.Wait()
	if firstErr != nil {
		return 0, 0, 0, firstErr
	}
	if len(lat) == 0 {
		return 0, 0, 0, fmt.Errorf("no request finished")
	}
	slices.Sort(lat)
	return float64(len(lat)) / d.Seconds(), lat[len(lat)/2], lat[len(lat)*99/100], nil
}

func cmpOr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

// benchConns is 64, or OPUS_BENCH_CONNS.
func benchConns() int {
	var n int
	if _, err := fmt.Sscan(os.Getenv("OPUS_BENCH_CONNS"), &n); err == nil && n > 0 {
		return n
	}
	return 64
}
