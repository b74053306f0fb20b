package store

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/opusblocks/opus/internal/domain"
)

// Each backend's own duplicate-key errors are recognised by their codes —
// through the wrapping the store adds — and no other constraint is taken
// for one.
func TestUniqueViolationByErrorCode(t *testing.T) {
	backends := map[string]func(t *testing.T) *sql.Conn{
		"sqlite": func(t *testing.T) *sql.Conn {
			db, err := sql.Open("sqlite", "file:"+filepath.Join(t.TempDir(), "u.db"))
			require.NoError(t, err)
			t.Cleanup(func() { db.Close() })
			return conn(t, db)
		},
	}
	if pg := os.Getenv("OPUS_TEST_POSTGRES"); pg != "" {
		backends["postgres"] = func(t *testing.T) *sql.Conn {
			db, err := sql.Open("pgx", pg)
			require.NoError(t, err)
			t.Cleanup(func() { db.Close() })
			return conn(t, db) // a temporary table lives on its one connection
		}
	} else if os.Getenv("CI") != "" {
		t.Fatal("OPUS_TEST_POSTGRES is not set in CI; .ci/run must create a test database")
	}
	for name, open := range backends {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			c := open(t)
			_, err := c.ExecContext(ctx, `CREATE TEMPORARY TABLE u (id INTEGER PRIMARY KEY, k TEXT NOT NULL UNIQUE, n INTEGER CHECK (n > 0))`)
			require.NoError(t, err)
			_, err = c.ExecContext(ctx, `INSERT INTO u (id, k, n) VALUES (1, 'a', 1)`)
			require.NoError(t, err)

			insert := func(q string) error {
				_, err := c.ExecContext(ctx, q)
				require.Error(t, err, q)
				return err
			}
			for what, err := range map[string]error{
				"unique":      insert(`INSERT INTO u (id, k, n) VALUES (2, 'a', 1)`),
				"primary key": insert(`INSERT INTO u (id, k, n) VALUES (1, 'b', 1)`),
			} {
				assert.True(t, isUniqueViolation(err), "%s: %v", what, err)
				assert.True(t, isUniqueViolation(wrapDB(err)), "%s, wrapped as a domain error", what)
				assert.True(t, isUniqueViolation(fmt.Errorf("insert: %w", err)), "%s, wrapped with %%w", what)
			}
			for what, err := range map[string]error{
				"not null": insert(`INSERT INTO u (id, k, n) VALUES (3, NULL, 1)`),
				"check":    insert(`INSERT INTO u (id, k, n) VALUES (4, 'd', 0)`),
				"syntax":   insert(`INSERT INTO nowhere VALUES (1)`),
			} {
				assert.False(t, isUniqueViolation(err), "%s: %v", what, err)
			}
			// A message that merely reads like one is not one.
			assert.False(t, isUniqueViolation(domain.Errorf(domain.Invalid, "UNIQUE constraint failed: duplicate key value (SQLSTATE 23505)")))
			assert.False(t, isUniqueViolation(nil))
		})
	}
}

func conn(t *testing.T, db *sql.DB) *sql.Conn {
	c, err := db.Conn(context.Background())
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	return c
}
