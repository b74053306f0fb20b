package store_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/opusblocks/opus/internal/domain"
	"github.com/opusblocks/opus/internal/store"
	"github.com/opusblocks/opus/internal/store/storetest"
)

// A schema another opus moved on (or one behind) is not current.
func TestSchemaCurrent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		require.NoError(t, db.SchemaCurrent(ctx))
		_, err := db.X.ExecContext(ctx, db.Rebind(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`), 999, "from the future", domain.Now())
		require.NoError(t, err)
		err = db.SchemaCurrent(ctx)
		assert.Equal(t, domain.Unavailable, domain.ErrorCode(err))
		assert.Contains(t, domain.ErrorMessage(err), "version 999")
	})
}
