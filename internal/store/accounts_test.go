package store_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/opusblocks/opus"
	"github.com/opusblocks/opus/internal/domain"
	"github.com/opusblocks/opus/internal/store"
	"github.com/opusblocks/opus/internal/store/storetest"
)

func newToken(t *testing.T, db *store.DB, u store.User, id, hash string) store.Token {
	t.Helper()
	exp := domain.Time{Time: time.Now().Add(time.Hour)}
	tok := store.Token{ID: id, Hash: strings.Repeat(hash, 64)[:64], OwnerID: u.ID, Name: "n-" + id, CreatedAt: domain.Now(), ExpiresAt: &exp}
	require.NoError(t, db.CreateToken(context.Background(), tok))
	return tok
}

// Accounts are owners of kind user with a password hash; emails are
// unique in any letter case, and an account is a tenant like a profile.
func TestUsersAreOwnersWithCredentials(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		u, err := db.CreateUser(ctx, "ada@example.org", "$argon2id$x")
		require.NoError(t, err)
		_, err = db.CreateUser(ctx, "ADA@Example.org", "$argon2id$y")
		assert.Equal(t, domain.Conflict, domain.ErrorCode(err), "another case is the same email: %v", err)

		got, hash, err := db.UserForLogin(ctx, "Ada@EXAMPLE.org")
		require.NoError(t, err)
		assert.Equal(t, u.ID, got.ID)
		assert.Equal(t, "$argon2id$x", hash)
		_, _, err = db.UserForLogin(ctx, "bob@example.org")
		assert.Equal(t, domain.NotFound, domain.ErrorCode(err))

		// A profile of the same name is another owner.
		p, err := db.EnsureOwner(ctx, "profile", "ada@example.org")
		require.NoError(t, err)
		assert.NotEqual(t, u.ID, p.ID)
		users, err := db.Users(ctx, domain.Now())
		require.NoError(t, err)
		require.Len(t, users, 1)
		assert.Equal(t, "ada@example.org", users[0].Email)

		// The account's handles work as a profile's do.
		d := newDoc(t, ctx, db.Tenant(u.ID), "a")
		assert.Equal(t, "D1", d.Handle)
	})
}

func TestTokensRevocationAndScope(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a, err := db.CreateUser(ctx, "a@example.org", "h")
		require.NoError(t, err)
		b, err := db.CreateUser(ctx, "b@example.org", "h")
		require.NoError(t, err)
		ta := newToken(t, db, a, "aaaaaaaaaaaa", "a")
		tb := newToken(t, db, b, "bbbbbbbbbbbb", "b")
		// An id or hash drawn twice is a Conflict the caller retries.
		err = db.CreateToken(ctx, store.Token{ID: ta.ID, Hash: strings.Repeat("c", 64), OwnerID: a.ID, CreatedAt: domain.Now()})
		assert.Equal(t, domain.Conflict, domain.ErrorCode(err))

		got, err := db.TokenByHash(ctx, ta.Hash)
		require.NoError(t, err)
		assert.Equal(t, a.ID, got.OwnerID)
		assert.Equal(t, "a@example.org", got.Email)
		assert.Equal(t, store.KindUser, got.OwnerKind)
		_, err = db.TokenByHash(ctx, strings.Repeat("f", 64))
		assert.Equal(t, domain.NotFound, domain.ErrorCode(err))

		// b cannot revoke a's token: it does not exist for b.
		_, err = db.RevokeToken(ctx, b.ID, ta.ID)
		assert.Equal(t, domain.NotFound, domain.ErrorCode(err))
		got, err = db.TokenByHash(ctx, ta.Hash)
		require.NoError(t, err)
		assert.Nil(t, got.RevokedAt)
		r, err := db.RevokeToken(ctx, a.ID, ta.ID)
		require.NoError(t, err)
		require.NotNil(t, r.RevokedAt)
		again, err := db.RevokeToken(ctx, "", ta.ID)
		require.NoError(t, err)
		assert.Equal(t, r.RevokedAt.Unix(), again.RevokedAt.Unix(), "the first revocation time is kept")

		// Disabling b revokes b's tokens, in the same transaction.
		at := domain.Now()
		n, err := db.SetUserDisabled(ctx, b.ID, &at)
		require.NoError(t, err)
		assert.EqualValues(t, 1, n)
		got, err = db.TokenByHash(ctx, tb.Hash)
		require.NoError(t, err)
		assert.NotNil(t, got.RevokedAt)
		assert.NotNil(t, got.OwnerDisabledAt)
		_, err = db.SetUserDisabled(ctx, b.ID, nil)
		require.NoError(t, err)
		got, err = db.TokenByHash(ctx, tb.Hash)
		require.NoError(t, err)
		assert.Nil(t, got.OwnerDisabledAt)
		assert.NotNil(t, got.RevokedAt, "enabling does not bring tokens back")

		// A profile cannot be disabled through the account call.
		p, err := db.EnsureOwner(ctx, "profile", "default")
		require.NoError(t, err)
		_, err = db.SetUserDisabled(ctx, p.ID, &at)
		assert.Equal(t, domain.NotFound, domain.ErrorCode(err))

		// A new password revokes the rest.
		tc := newToken(t, db, a, "cccccccccccc", "d")
		n, err = db.SetPasswordHash(ctx, a.ID, "h2", true)
		require.NoError(t, err)
		assert.EqualValues(t, 1, n)
		got, err = db.TokenByHash(ctx, tc.Hash)
		require.NoError(t, err)
		assert.NotNil(t, got.RevokedAt)
		_, hash, err := db.UserForLogin(ctx, "a@example.org")
		require.NoError(t, err)
		assert.Equal(t, "h2", hash)

		list, err := db.Tokens(ctx, a.ID)
		require.NoError(t, err)
		assert.Len(t, list, 2)
		for _, tok := range list {
			assert.Equal(t, a.ID, tok.OwnerID)
		}
	})
}

// last_used_at is written at most once per interval: a second touch
// within it changes nothing.
func TestTouchTokenOncePerInterval(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		u, err := db.CreateUser(ctx, "a@example.org", "h")
		require.NoError(t, err)
		tok := newToken(t, db, u, "aaaaaaaaaaaa", "a")
		t0 := domain.Now()
		at := func(d time.Duration) domain.Time { return domain.Time{Time: t0.Add(d)} }
		require.NoError(t, db.TouchToken(ctx, tok.Hash, t0, at(-time.Minute)))
		require.NoError(t, db.TouchToken(ctx, tok.Hash, at(30*time.Second), at(-30*time.Second)))
		got, err := db.TokenByHash(ctx, tok.Hash)
		require.NoError(t, err)
		require.NotNil(t, got.LastUsedAt)
		assert.True(t, got.LastUsedAt.Equal(t0.Time), "within a minute: unchanged")
		require.NoError(t, db.TouchToken(ctx, tok.Hash, at(61*time.Second), at(time.Second)))
		got, err = db.TokenByHash(ctx, tok.Hash)
		require.NoError(t, err)
		assert.True(t, got.LastUsedAt.Equal(at(61*time.Second).Time))
	})
}

// A token row from before migration 6 (none was ever written, but the
// table existed) gets an id and a name.
func TestTokenRowsSurviveMigrationSix(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=foreign_keys(1)")
	require.NoError(t, err)
	_, err = raw.Exec(store.ForDialect(opus.Schema, store.SQLite))
	require.NoError(t, err)
	_, err = raw.Exec(`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL);
		INSERT INTO schema_migrations VALUES (1, 'schema.sql', '2026-01-01T00:00:00.000000Z');
		INSERT INTO owners (id, kind, name, created_at) VALUES ('o1', 'user', 'a@example.org', '2026-01-01T00:00:00.000000Z');
		INSERT INTO api_tokens (token_hash, owner_id, created_at) VALUES ('0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef', 'o1', '2026-01-01T00:00:00.000000Z')`)
	require.NoError(t, err)
	require.NoError(t, raw.Close())
	db, err := store.Open(ctx, "sqlite:"+path)
	require.NoError(t, err)
	defer db.Close()
	tokens, err := db.Tokens(ctx, "o1")
	require.NoError(t, err)
	require.Len(t, tokens, 1)
	assert.Equal(t, "0123456789ab", tokens[0].ID)
	assert.Equal(t, "", tokens[0].Name)
	assert.Nil(t, tokens[0].RevokedAt)
}
