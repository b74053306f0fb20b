package store

import (
	"context"

	"github.com/opusblocks/opus/internal/domain"
)

// SchemaCurrent reports whether the database answers and has every
// migration this build knows (a server must not run on an older schema
// than its code, or on a newer one it does not know).
func (db *DB) SchemaCurrent(ctx context.Context) error {
	migs, err := migrations()
	if err != nil {
		return err
	}
	want := migs[len(migs)-1].version
	var have int
	if err := db.X.GetContext(ctx, &have, `SELECT coalesce(max(version), 0) FROM schema_migrations`); err != nil {
		return domain.Wrap(err, domain.Unavailable, "database unreachable: %v", err)
	}
	if have != want {
		return domain.Errorf(domain.Unavailable, "database schema is at version %d, this opus needs %d; run 'opus migrate' with the newer opus", have, want)
	}
	return nil
}
