// Package storetest opens real databases for tests: a SQLite file in a
// temporary directory, and — when OPUS_TEST_POSTGRES names a server — a
// fresh Postgres schema per test, so one suite runs against both backends.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/opusblocks/opus/internal/store"
)

// Backend names a database to run a test against.
type Backend struct {
	Name string
	// Open returns the DSN of a fresh, empty database for one test.
	Open func(t testing.TB) string
}

// Backends returns SQLite and, when configured, Postgres. In CI
// (CI=true) a missing OPUS_TEST_POSTGRES fails the test instead of skipping.
func Backends(t testing.TB) []Backend {
	bs := []Backend{{Name: "sqlite", Open: func(t testing.TB) string {
		return "sqlite:" + filepath.Join(t.TempDir(), "opus.db")
	}}}
	pg := os.Getenv("OPUS_TEST_POSTGRES")
	if pg == "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("OPUS_TEST_POSTGRES is not set in CI; .ci/run must create a test database")
		}
		return bs
	}
	return append(bs, Backend{Name: "postgres", Open: func(t testing.TB) string { return PostgresSchema(t, pg) }})
}

// PostgresSchema creates a uniquely named schema on the server at base and
// returns a DSN whose search_path points at it; the schema is dropped when
// the test ends.
func PostgresSchema(t testing.TB, base string) string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "t_" + hex.EncodeToString(b[:])
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		admin.Close()
		t.Fatalf("create schema on OPUS_TEST_POSTGRES: %v", err)
	}
	t.Cleanup(func() {
		_, _ = admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
		admin.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Open opens and migrates a database for the backend, closed at cleanup.
func Open(t testing.TB, b Backend) *store.DB {
	db, err := store.Open(context.Background(), b.Open(t))
	if err != nil {
		t.Fatalf("open %s: %v", b.Name, err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// Each runs fn as a subtest against every backend.
func Each(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	for _, b := range Backends(t) {
		t.Run(b.Name, func(t *testing.T) { fn(t, Open(t, b)) })
	}
}
