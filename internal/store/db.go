// Package store is opus's database: one schema on SQLite (local default) or
// Postgres (serve mode), migrated on first use. Tenant data is reached only
// through a Tenant, which carries its owner into every query; there is no
// other way to read or write documents, facts, paragraphs, jobs or runs.
package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"
	"github.com/jmoiron/sqlx"
	_ "modernc.org/sqlite" // database/sql driver "sqlite"

	"github.com/opusblocks/opus"
	"github.com/opusblocks/opus/internal/domain"
)

// Dialect is the database flavour.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// DB is an open, migrated database.
type DB struct {
	X       *sqlx.DB
	Dialect Dialect
	// Path is the SQLite file ("" for Postgres).
	Path string
}

// Open connects to url — "postgres://…", "sqlite:PATH" or a plain file path —
// and applies pending migrations.
func Open(ctx context.Context, dsn string) (*DB, error) {
	db, err := connect(dsn)
	if err != nil {
		return nil, err
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

func connect(dsn string) (*DB, error) {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		x, err := sqlx.Open("pgx", dsn)
		if err != nil {
			return nil, domain.Wrap(err, domain.Unavailable, "cannot open Postgres database: %v", err)
		}
		x = sqlx.NewDb(x.DB, "pgx")
		// Keep as many idle as may be open: database/sql keeps 2 by
		// default, so under concurrent requests connections were closed
		// and opened again per query (a third of the throughput).
		x.SetMaxOpenConns(16)
		x.SetMaxIdleConns(16)
		x.SetConnMaxIdleTime(5 * time.Minute)
		return &DB{X: x, Dialect: Postgres}, nil
	}
	// A URL of any other scheme ("mysql://", "Postgres://") is a mistake,
	// not a file name: say so rather than create a SQLite file named after it.
	if scheme, rest, ok := strings.Cut(dsn, "://"); ok {
		if scheme != "sqlite" {
			hint := ""
			if s := strings.ToLower(scheme); s == "postgres" || s == "postgresql" || s == "sqlite" {
				hint = fmt.Sprintf(" (write the scheme in lower case: %s://…)", s)
			}
			return nil, domain.Errorf(domain.Invalid, "database %q: scheme %q is not supported%s; use sqlite:PATH or postgres://USER@HOST/DB", redactDSN(dsn), scheme, hint)
		}
		dsn = "sqlite:" + rest // sqlite:///abs/path or sqlite://rel/path
	}
	path := strings.TrimPrefix(dsn, "sqlite:")
	if path == "" {
		return nil, domain.Errorf(domain.Invalid, "empty database path; set --db or OPUS_DB")
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, domain.Wrap(err, domain.Unavailable, "cannot create the data directory %s: %v", filepath.Dir(path), err)
	}
	// Pragmas in the DSN reach every pooled connection. _txlock=immediate takes
	// the write lock at BEGIN, so two opus processes on one file queue up
	// instead of failing with SQLITE_BUSY (see notes/job-engine.md).
	q := url.Values{}
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Set("_txlock", "immediate")
	x, err := sqlx.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, domain.Wrap(err, domain.Unavailable, "cannot open database %s: %v", path, err)
	}
	x.SetMaxOpenConns(1)
	return &DB{X: x, Dialect: SQLite, Path: path}, nil
}

// Close closes the connection pool.
func (db *DB) Close() error { return db.X.Close() }

// Rebind turns ? placeholders into the dialect's.
func (db *DB) Rebind(q string) string { return rebind(db.Dialect, q) }

func rebind(d Dialect, q string) string {
	if d == Postgres {
		return sqlx.Rebind(sqlx.DOLLAR, q)
	}
	return q
}

// Tx is a transaction on a DB.
type Tx struct {
	X       *sqlx.Tx
	Dialect Dialect
}

// InTx runs fn in a transaction, committing when it returns nil.
func (db *DB) InTx(ctx context.Context, fn func(tx *Tx) error) error {
	x, err := db.X.BeginTxx(ctx, nil)
	if err != nil {
		return wrapDB(err)
	}
	tx := &Tx{X: x, Dialect: db.Dialect}
	if err := fn(tx); err != nil {
		_ = x.Rollback()
		if unreachable(err) {
			return wrapDB(err)
		}
		return err
	}
	if err := x.Commit(); err != nil {
		return wrapDB(err)
	}
	return nil
}

func wrapDB(err error) error {
	if err == nil {
		return nil
	}
	var de *domain.Error
	if errors.As(err, &de) {
		return err
	}
	if errors.Is(err, context.Canceled) {
		return domain.Wrap(err, domain.Cancelled, "cancelled")
	}
	if unreachable(err) {
		return domain.Wrap(err, domain.Unavailable, "cannot reach the database: %v", err)
	}
	return domain.Wrap(err, domain.Internal, "database error: %v", err)
}

// unreachable reports whether err says the database cannot be reached now
// (a refused or dropped connection, a server shutting down), which a retry
// may mend, rather than that it refused a query.
func unreachable(err error) bool {
	var ne net.Error
	var ce *pgconn.ConnectError
	var pe *pgconn.PgError
	switch {
	case errors.Is(err, driver.ErrBadConn), errors.As(err, &ce), errors.As(err, &ne):
		return true
	case errors.As(err, &pe):
		// Class 08: connection exception; 57P0x: the server is going away.
		return strings.HasPrefix(pe.Code, "08") || strings.HasPrefix(pe.Code, "57P0")
	}
	return false
}

// Migrate applies schema.sql (version 1) and any later migrations not yet
// recorded, each in its own transaction.
func (db *DB) Migrate(ctx context.Context) error {
	if _, err := db.X.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`); err != nil {
		return db.firstContact(err)
	}
	migs, err := migrations()
	if err != nil {
		return err
	}
	for _, m := range migs {
		var n int
		if err := db.X.GetContext(ctx, &n, db.Rebind(`SELECT count(*) FROM schema_migrations WHERE version = ?`), m.version); err != nil {
			return wrapDB(err)
		}
		if n > 0 {
			continue
		}
		script := ForDialect(m.sql, db.Dialect)
		err := db.InTx(ctx, func(tx *Tx) error {
			if _, err := tx.X.ExecContext(ctx, script); err != nil {
				return fmt.Errorf("migration %d (%s): %w", m.version, m.name, err)
			}
			_, err := tx.X.ExecContext(ctx, rebind(db.Dialect, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`), m.version, m.name, domain.Now())
			return err
		})
		if err != nil {
			// Another process may have applied it concurrently.
			var again int
			if gerr := db.X.GetContext(ctx, &again, db.Rebind(`SELECT count(*) FROM schema_migrations WHERE version = ?`), m.version); gerr == nil && again > 0 {
				continue
			}
			return domain.Wrap(err, domain.Internal, "database migration failed: %v", err)
		}
	}
	return nil
}

type migration struct {
	version int
	name    string
	sql     string
}

func migrations() ([]migration, error) {
	out := []migration{{version: 1, name: "schema.sql", sql: opus.Schema}}
	entries, err := fs.ReadDir(opus.Migrations, "migrations")
	if err != nil {
		return nil, err
	}
	var later []migration
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".sql") {
			continue
		}
		var v int
		if _, err := fmt.Sscanf(e.Name(), "%04d_", &v); err != nil || v < 2 {
			return nil, fmt.Errorf("migration file %s: name must be NNNN_name.sql with NNNN >= 0002", e.Name())
		}
		b, err := fs.ReadFile(opus.Migrations, "migrations/"+e.Name())
		if err != nil {
			return nil, err
		}
		later = append(later, migration{version: v, name: e.Name(), sql: string(b)})
	}
	sort.Slice(later, func(i, j int) bool { return later[i].version < later[j].version })
	return append(out, later...), nil
}

// ForDialect keeps the common lines of a dialect-marked script plus those
// marked for d (see the header of schema.sql).
func ForDialect(script string, d Dialect) string {
	var b strings.Builder
	block := "" // dialect of the block we are in, if any
	for _, line := range strings.Split(script, "\n") {
		t := strings.TrimSpace(line)
		switch {
		case t == "-- sqlite:begin" || t == "-- postgres:begin":
			block = strings.TrimSuffix(strings.TrimPrefix(t, "-- "), ":begin")
			continue
		case t == "-- sqlite:end" || t == "-- postgres:end":
			block = ""
			continue
		case block != "":
			if block == string(d) {
				b.WriteString(line + "\n")
			}
			continue
		}
		for _, dd := range []Dialect{SQLite, Postgres} {
			prefix := "-- " + string(dd) + ": "
			if strings.HasPrefix(t, prefix) {
				if dd == d {
					b.WriteString(strings.TrimPrefix(t, prefix) + "\n")
				}
				line = ""
			}
		}
		if line != "" {
			b.WriteString(line + "\n")
		}
	}
	return b.String()
}

// NewID returns a random 128-bit id in hex.
func NewID() string { return domain.NewID() }

// IntegrityCheck runs SQLite's integrity check ("ok" when sound).
func (db *DB) IntegrityCheck(ctx context.Context) (string, error) {
	if db.Dialect != SQLite {
		return "ok", nil
	}
	var res string
	err := db.X.GetContext(ctx, &res, "PRAGMA integrity_check")
	return res, err
}

var _ = sql.ErrNoRows

// redactDSN hides a password in a database URL for messages.
func redactDSN(dsn string) string {
	if u, err := url.Parse(dsn); err == nil && u.User != nil {
		if _, has := u.User.Password(); has {
			u.User = url.UserPassword(u.User.Username(), "xxxxx")
			return u.String()
		}
	}
	return dsn
}

// SQLite result codes that say what kind of file a path is.
const (
	sqliteCorrupt = 11 // SQLITE_CORRUPT
	sqliteNotADB  = 26 // SQLITE_NOTADB
)

// firstContact classifies the failure of the first statement on a
// database: a file that is not a database is the user's input, a damaged
// one is not theirs to fix by retrying, anything else (a server down, a
// directory not writable) is unavailable.
func (db *DB) firstContact(err error) error {
	var se interface{ Code() int }
	if db.Dialect == SQLite && errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqliteNotADB:
			return domain.Wrap(err, domain.Invalid, "%s is not a SQLite database; check --db or OPUS_DB", db.Path)
		case sqliteCorrupt:
			return domain.Wrap(err, domain.Internal, "database %s is damaged (%v); restore it from a backup", db.Path, err)
		}
	}
	return domain.Wrap(err, domain.Unavailable, "cannot reach the database: %v", err)
}
