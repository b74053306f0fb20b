package store

import (
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"net"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/assert"

	"github.com/opusblocks/opus/internal/domain"
)

// A database that cannot be reached is Unavailable (exit 6, HTTP 503), not
// an internal error; a query it refuses is not.
func TestUnreachableDatabaseIsUnavailable(t *testing.T) {
	for _, err := range []error{
		&pgconn.PgError{Code: "57P01", Message: "terminating connection due to administrator command"},
		&pgconn.PgError{Code: "08006", Message: "connection failure"},
		&net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")},
		fmt.Errorf("begin: %w", driver.ErrBadConn),
	} {
		assert.Equal(t, domain.Unavailable, domain.ErrorCode(wrapDB(err)), "%v", err)
	}
	for _, err := range []error{
		&pgconn.PgError{Code: "23505", Message: "duplicate key value"},
		&pgconn.PgError{Code: "42P01", Message: "relation does not exist"},
		sql.ErrNoRows,
	} {
		assert.Equal(t, domain.Internal, domain.ErrorCode(wrapDB(err)), "%v", err)
	}
}
