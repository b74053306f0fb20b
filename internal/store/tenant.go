package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jmoiron/sqlx"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/opusblocks/opus/internal/domain"
)

// queryer is what both *sqlx.DB and *sqlx.Tx offer.
type queryer interface {
	sqlx.ExtContext
	GetContext(ctx context.Context, dest any, query string, args ...any) error
	SelectContext(ctx context.Context, dest any, query string, args ...any) error
}

// Tenant is the only door to owner data. Its owner is fixed when it is made
// and every method filters or stamps rows with it, so no caller can forget.
type Tenant struct {
	q     queryer
	d     Dialect
	owner string
}

// Tenant returns the owner's view of the database outside a transaction.
func (db *DB) Tenant(ownerID string) *Tenant { return &Tenant{q: db.X, d: db.Dialect, owner: ownerID} }

// Tenant returns the owner's view inside this transaction.
func (tx *Tx) Tenant(ownerID string) *Tenant { return &Tenant{q: tx.X, d: tx.Dialect, owner: ownerID} }

// OwnerID is the owner this view is bound to.
func (t *Tenant) OwnerID() string { return t.owner }

func (t *Tenant) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	res, err := t.q.ExecContext(ctx, rebind(t.d, q), args...)
	return res, wrapDB(err)
}

func (t *Tenant) get(ctx context.Context, dest any, q string, args ...any) error {
	return wrapDB(t.q.GetContext(ctx, dest, rebind(t.d, q), args...))
}

func (t *Tenant) selectAll(ctx context.Context, dest any, q string, args ...any) error {
	return wrapDB(t.q.SelectContext(ctx, dest, rebind(t.d, q), args...))
}

// nextSeq allocates the owner's next handle number for prefix. The row lock
// taken by UPDATE serialises concurrent writers on Postgres.
func (t *Tenant) nextSeq(ctx context.Context, prefix string) (int64, error) {
	var n int64
	err := t.get(ctx, &n, `UPDATE handle_counters SET last = last + 1 WHERE owner_id = ? AND prefix = ? RETURNING last`, t.owner, prefix)
	if isNoRows(err) {
		return 0, domain.Errorf(domain.Internal, "owner has no handle counter %s", prefix)
	}
	return n, err
}

func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }

// notFound maps sql.ErrNoRows onto the handle's not-found error.
func notFound(err error, prefix string, seq int64) error {
	if isNoRows(err) {
		return domain.NotFoundf(prefix, seq)
	}
	return err
}

// pgUniqueViolation is Postgres's SQLSTATE unique_violation.
const pgUniqueViolation = "23505"

// isUniqueViolation reports whether err (or an error it wraps) is the
// database refusing a duplicate of a unique key or primary key. It asks the
// drivers' error codes, not their message text, which differs by version
// and locale.
func isUniqueViolation(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == pgUniqueViolation
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		// Extended result codes: a UNIQUE constraint and a PRIMARY KEY
		// are told apart, and both are duplicates.
		switch se.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return true
		}
	}
	return false
}

// placeholders returns "?, ?, ?" for n values.
func placeholders(n int) string {
	if n == 0 {
		return "NULL"
	}
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}
