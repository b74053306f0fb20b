package service_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/opusblocks/opus/internal/domain"
	"github.com/opusblocks/opus/internal/llm/offline"
	"github.com/opusblocks/opus/internal/service"
	"github.com/opusblocks/opus/internal/store"
	"github.com/opusblocks/opus/internal/store/storetest"
)

const (
	adaPassword = "correct horse battery staple"
	bobPassword = "another long passphrase"
)

// accountsService is a service over db for account tests: no workers, and
// a clock the test moves.
type accountsService struct {
	*service.Service
	db  *store.DB
	mu  sync.Mutex
	now time.Time
}

func newAccounts(t *testing.T, db *store.DB) *accountsService {
	t.Helper()
	svc, err := service.New(context.Background(), db, service.Config{DataDir: t.TempDir(), Provider: offline.New()})
	require.NoError(t, err)
	t.Cleanup(func() { _ = svc.Close() })
	a := &accountsService{Service: svc, db: db, now: time.Now()}
	service.SetAccountClock(svc, func() time.Time {
		a.mu.Lock()
		defer a.mu.Unlock()
		return a.now
	})
	return a
}

func (a *accountsService) advance(d time.Duration) {
	a.mu.Lock()
	a.now = a.now.Add(d)
	a.mu.Unlock()
}

func (a *accountsService) ownerID(t *testing.T, email string) string {
	t.Helper()
	u, err := a.db.UserByEmail(context.Background(), email, domain.Now())
	require.NoError(t, err)
	return u.ID
}

func (a *accountsService) login(email, password string) (service.NewToken, error) {
	return a.Login(context.Background(), service.LoginInput{Email: email, Password: password, ClientAddr: "192.0.2.1:5555"})
}

func addUser(t *testing.T, a *accountsService, email, password string) service.User {
	t.Helper()
	u, err := a.AddUser(context.Background(), email, password)
	require.NoError(t, err)
	return u
}

// The whole path: add, log in, authenticate as the account; and every
// way a login fails says the same thing.
func TestLoginAuthenticatesAsTheAccount(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := newAccounts(t, db)
		u := addUser(t, a, "  Ada@Example.ORG ", adaPassword)
		assert.Equal(t, "ada@example.org", u.Email, "trimmed and lower-cased")
		assert.False(t, u.Disabled)
		addUser(t, a, "bob@example.org", bobPassword)

		tok, err := a.login("ADA@example.org", adaPassword)
		require.NoError(t, err)
		assert.True(t, strings.HasPrefix(tok.Token, "opus_"), tok.Token)
		assert.Len(t, tok.Token, len("opus_")+43, "32 random bytes in unpadded base64url")
		assert.Equal(t, "ada@example.org", tok.User)
		assert.Equal(t, service.TokenActive, tok.State)
		require.NotNil(t, tok.ExpiresAt)
		assert.WithinDuration(t, a.now.Add(service.DefaultLoginTTL), tok.ExpiresAt.Time, time.Second)
		actor, err := a.Authenticate(ctx, tok.Token)
		require.NoError(t, err)
		assert.Equal(t, a.ownerID(t, "ada@example.org"), actor.OwnerID)

		// Wrong password, unknown account, another account's password,
		// an empty one: one error, one message.
		var msgs []string
		for _, c := range [][2]string{
			{"ada@example.org", "correct horse battery stapler"},
			{"nobody@example.org", adaPassword},
			{"ada@example.org", bobPassword},
			{"ada@example.org", ""},
			{"", ""},
			{"not an email", adaPassword},
		} {
			_, err := a.login(c[0], c[1])
			require.Error(t, err, "%q", c[0])
			assert.Equal(t, domain.Unauthenticated, domain.ErrorCode(err), "%q: %v", c[0], err)
			msgs = append(msgs, err.Error())
		}
		for _, m := range msgs {
			assert.Equal(t, msgs[0], m)
			assert.NotContains(t, m, "ada@", "the message does not echo the account")
		}
	})
}

// An unknown account costs a login the same hashing as a wrong password,
// so the time taken does not say which accounts exist.
func TestUnknownAccountTakesAsLongAsAWrongPassword(t *testing.T) {
	db := storetest.Open(t, storetest.Backends(t)[0])
	a := newAccounts(t, db)
	addUser(t, a, "ada@example.org", adaPassword)
	service.SetLoginLimits(a.Service, service.LoginLimits{AccountFree: 1000, AddressFree: 1000, Base: time.Second, Max: time.Second, Forget: time.Hour, MaxKeys: 100})
	median := func(email string) time.Duration {
		var ds []time.Duration
		for range 5 {
			start := time.Now()
			_, err := a.login(email, "wrong password here")
			ds = append(ds, time.Since(start))
			require.Equal(t, domain.Unauthenticated, domain.ErrorCode(err))
		}
		sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
		return ds[2]
	}
	wrong := median("ada@example.org")
	unknown := median("nobody@example.org")
	t.Logf("wrong password %s, unknown account %s", wrong, unknown)
	assert.Greater(t, unknown, wrong/3, "an unknown account is answered without hashing")
	assert.Greater(t, wrong, unknown/3)
}

func TestDisabledAccountCannotLogInAndItsTokensStop(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := newAccounts(t, db)
		addUser(t, a, "ada@example.org", adaPassword)
		session, err := a.login("ada@example.org", adaPassword)
		require.NoError(t, err)
		pipeline, err := a.CreateToken(ctx, "ada@example.org", "ci", 0)
		require.NoError(t, err)
		wrong, _ := a.login("ada@example.org", "not the password at all")

		u, n, err := a.DisableUser(ctx, "ADA@example.org")
		require.NoError(t, err)
		assert.True(t, u.Disabled)
		assert.Equal(t, 2, n, "both tokens revoked")
		_, err = a.login("ada@example.org", adaPassword)
		require.Error(t, err)
		assert.Equal(t, domain.Unauthenticated, domain.ErrorCode(err))
		assert.Equal(t, wrong.Token, "")
		assert.Equal(t, "wrong email or password", err.Error(), "the same answer as a wrong password")
		for _, tok := range []string{session.Token, pipeline.Token} {
			_, err = a.Authenticate(ctx, tok)
			assert.Equal(t, domain.Unauthenticated, domain.ErrorCode(err))
		}
		_, err = a.CreateToken(ctx, "ada@example.org", "x", 0)
		assert.Equal(t, domain.Conflict, domain.ErrorCode(err), "no token for a disabled account")
		again, n, err := a.DisableUser(ctx, "ada@example.org")
		require.NoError(t, err)
		assert.Zero(t, n)
		assert.Equal(t, u.DisabledAt.Unix(), again.DisabledAt.Unix())

		// Enabled again: a new login works, the old tokens stay dead.
		u, err = a.EnableUser(ctx, "ada@example.org")
		require.NoError(t, err)
		assert.False(t, u.Disabled)
		for _, tok := range []string{session.Token, pipeline.Token} {
			_, err = a.Authenticate(ctx, tok)
			assert.Equal(t, domain.Unauthenticated, domain.ErrorCode(err))
		}
		fresh, err := a.login("ada@example.org", adaPassword)
		require.NoError(t, err)
		_, err = a.Authenticate(ctx, fresh.Token)
		require.NoError(t, err)

		// Disabled with a live token that escaped revocation (planted
		// straight in the database, as another process would): the
		// account's state stops it once the token's last check is older
		// than AuthCacheTTL.
		at := domain.Now()
		_, err = db.X.ExecContext(ctx, db.Rebind(`UPDATE owners SET disabled_at = ? WHERE kind = 'user'`), at)
		require.NoError(t, err)
		a.advance(service.AuthCacheTTL)
		_, err = a.Authenticate(ctx, fresh.Token)
		assert.Equal(t, domain.Unauthenticated, domain.ErrorCode(err))
	})
}

func TestExpiredRevokedAndForgedTokensFail(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := newAccounts(t, db)
		addUser(t, a, "ada@example.org", adaPassword)
		short, err := a.CreateToken(ctx, "ada@example.org", "short", 2*time.Minute)
		require.NoError(t, err)
		long, err := a.CreateToken(ctx, "ada@example.org", "long", 0)
		require.NoError(t, err)
		assert.WithinDuration(t, a.now.Add(service.DefaultTokenTTL), long.ExpiresAt.Time, time.Second)
		_, err = a.Authenticate(ctx, short.Token)
		require.NoError(t, err)

		a.advance(2 * time.Minute)
		_, err = a.Authenticate(ctx, short.Token)
		assert.Equal(t, domain.Unauthenticated, domain.ErrorCode(err), "expired at its expiry")
		_, err = a.Authenticate(ctx, long.Token)
		require.NoError(t, err)

		revoked, err := a.RevokeToken(ctx, long.ID)
		require.NoError(t, err)
		assert.Equal(t, service.TokenRevoked, revoked.State)
		_, err = a.Authenticate(ctx, long.Token)
		assert.Equal(t, domain.Unauthenticated, domain.ErrorCode(err))

		list, err := a.ListTokens(ctx, "ada@example.org")
		require.NoError(t, err)
		states := map[string]string{}
		for _, tok := range list {
			states[tok.Name] = tok.State
		}
		assert.Equal(t, map[string]string{"short": service.TokenExpired, "long": service.TokenRevoked}, states)

		// Near misses of a real token, and junk: all the same error.
		live, err := a.CreateToken(ctx, "ada@example.org", "live", 0)
		require.NoError(t, err)
		flip := []byte(live.Token)
		flip[len(flip)-3] ^= 1
		for _, bad := range []string{"", "opus_", "Bearer " + live.Token, live.Token + " ", " " + live.Token,
			strings.ToUpper(live.Token), live.Token[:len(live.Token)-1], string(flip), "opus_" + strings.Repeat("A", 43),
			strings.Replace(live.Token, "opus_", "opus-", 1), service.TokenHash(live.Token)} {
			_, err := a.Authenticate(ctx, bad)
			assert.Equal(t, domain.Unauthenticated, domain.ErrorCode(err), "%q", bad)
		}
		_, err = a.Authenticate(ctx, live.Token)
		require.NoError(t, err)

		// Logout ends the token presented, and only it.
		other, err := a.CreateToken(ctx, "ada@example.org", "other", 0)
		require.NoError(t, err)
		require.NoError(t, a.Logout(ctx, live.Token))
		_, err = a.Authenticate(ctx, live.Token)
		assert.Equal(t, domain.Unauthenticated, domain.ErrorCode(err))
		_, err = a.Authenticate(ctx, other.Token)
		require.NoError(t, err)
	})
}

// A token authenticates as its own account and no other; one account
// cannot list or revoke another's tokens.
func TestTokensNeverCrossAccounts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := newAccounts(t, db)
		addUser(t, a, "ada@example.org", adaPassword)
		addUser(t, a, "bob@example.org", bobPassword)
		idA, idB := a.ownerID(t, "ada@example.org"), a.ownerID(t, "bob@example.org")
		var ta, tb []service.NewToken
		for i := range 5 {
			x, err := a.CreateToken(ctx, "ada@example.org", fmt.Sprint("a", i), 0)
			require.NoError(t, err)
			y, err := a.login("bob@example.org", bobPassword)
			require.NoError(t, err)
			ta, tb = append(ta, x), append(tb, y)
		}
		for i := range ta {
			got, err := a.Authenticate(ctx, ta[i].Token)
			require.NoError(t, err)
			assert.Equal(t, idA, got.OwnerID)
			got, err = a.Authenticate(ctx, tb[i].Token)
			require.NoError(t, err)
			assert.Equal(t, idB, got.OwnerID)
		}
		actorB := service.Actor{OwnerID: idB}
		mine, err := a.ActorTokens(ctx, actorB)
		require.NoError(t, err)
		assert.Len(t, mine, 5)
		for _, tok := range mine {
			assert.Equal(t, "bob@example.org", tok.User)
		}
		_, err = a.RevokeActorToken(ctx, actorB, ta[0].ID)
		assert.Equal(t, domain.NotFound, domain.ErrorCode(err), "another account's token does not exist for bob")
		_, err = a.Authenticate(ctx, ta[0].Token)
		require.NoError(t, err, "and is not revoked")
		_, err = a.RevokeActorToken(ctx, actorB, tb[0].ID)
		require.NoError(t, err)
		_, err = a.RevokeActorToken(ctx, service.Actor{}, tb[1].ID)
		assert.Equal(t, domain.Unauthenticated, domain.ErrorCode(err))
	})
}

// Neither a token nor a password is ever in the database: tokens as their
// SHA-256, passwords as argon2id PHC strings.
func TestSecretsAreStoredOnlyHashed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := newAccounts(t, db)
		addUser(t, a, "ada@example.org", adaPassword)
		session, err := a.login("ada@example.org", adaPassword)
		require.NoError(t, err)
		pipeline, err := a.CreateToken(ctx, "ada@example.org", "ci", 0)
		require.NoError(t, err)
		_, _, err = a.SetPassword(ctx, "ada@example.org", bobPassword)
		require.NoError(t, err)
		secrets := []string{session.Token, pipeline.Token, adaPassword, bobPassword,
			strings.TrimPrefix(session.Token, "opus_"), strings.TrimPrefix(pipeline.Token, "opus_")}

		var hashes []string
		require.NoError(t, db.X.SelectContext(ctx, &hashes, `SELECT token_hash FROM api_tokens ORDER BY created_at`))
		assert.ElementsMatch(t, []string{service.TokenHash(session.Token), service.TokenHash(pipeline.Token)}, hashes)
		var phc string
		require.NoError(t, db.X.GetContext(ctx, &phc, `SELECT password_hash FROM credentials`))
		assert.Regexp(t, `^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`, phc)

		// Every row of every account table, as text.
		var dump bytes.Buffer
		for _, table := range []string{"owners", "credentials", "api_tokens"} {
			rows, err := db.X.QueryxContext(ctx, `SELECT * FROM `+table)
			require.NoError(t, err)
			for rows.Next() {
				m := map[string]any{}
				require.NoError(t, rows.MapScan(m))
				fmt.Fprintf(&dump, "%s %v\n", table, m)
			}
			require.NoError(t, rows.Close())
		}
		assert.Contains(t, dump.String(), hashes[0], "the dump holds the rows")
		if db.Dialect == store.SQLite { // and the file itself, with its WAL
			files, err := filepath.Glob(db.Path + "*")
			require.NoError(t, err)
			for _, f := range files {
				b, err := os.ReadFile(f)
				require.NoError(t, err)
				dump.Write(b)
			}
		}
		for _, s := range secrets {
			assert.NotContains(t, dump.String(), s)
		}
	})
}

func TestEmailsAreUniqueInAnyCaseAndValid(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := newAccounts(t, db)
		addUser(t, a, "Ada@Example.org", adaPassword)
		for _, dup := range []string{"ada@example.org", "ADA@EXAMPLE.ORG", " ada@example.org\t"} {
			_, err := a.AddUser(ctx, dup, bobPassword)
			assert.Equal(t, domain.Conflict, domain.ErrorCode(err), "%q: %v", dup, err)
		}
		for _, bad := range []string{"", "ada", "@example.org", "ada@", "a@b@c", "ada @example.org", "Ada <ada@example.org>",
			"ada@example..org", "ada@.example.org", "\"a b\"@example.org", "ada\u200b@example.org", strings.Repeat("a", 65) + "@example.org"} {
			_, err := a.AddUser(ctx, bad, adaPassword)
			assert.Equal(t, domain.Invalid, domain.ErrorCode(err), "%q: %v", bad, err)
		}
		users, err := a.Users(ctx)
		require.NoError(t, err)
		require.Len(t, users, 1)
		assert.Equal(t, "ada@example.org", users[0].Email)

		// Unicode: one form (NFC) in one case, however it was typed.
		zoe := addUser(t, a, "Zoe\u0308@example.org", adaPassword)
		assert.Equal(t, "zo\u00eb@example.org", zoe.Email)
		_, err = a.AddUser(ctx, "ZO\u00cb@example.org", adaPassword)
		assert.Equal(t, domain.Conflict, domain.ErrorCode(err))
		_, err = a.login("ZOE\u0308@EXAMPLE.ORG", adaPassword)
		require.NoError(t, err)
		_, err = a.CreateToken(ctx, "zo\u00cb@example.org", "x", 0)
		require.NoError(t, err)
	})
}

func TestPasswordPolicyNeverEchoesThePassword(t *testing.T) {
	db := storetest.Open(t, storetest.Backends(t)[0])
	a := newAccounts(t, db)
	ctx := context.Background()
	for _, bad := range []string{"", "short pw", "elevenchars", "ada@example.org", "ADA@example.org", "adalovelace1",
		"line one\nline two", "tab\tseparated pass", strings.Repeat("x", 20), strings.Repeat("é", 600)} {
		email := "ada@example.org"
		if bad == "adalovelace1" {
			email = "adalovelace1@example.org"
		}
		_, err := a.AddUser(ctx, email, bad)
		require.Error(t, err, "%q", bad)
		assert.Equal(t, domain.Invalid, domain.ErrorCode(err), "%q: %v", bad, err)
		if len(bad) >= 4 && !strings.Contains(email, strings.ToLower(bad)) {
			assert.NotContains(t, err.Error(), bad)
		}
	}
	// Twelve characters, counted as characters: accepted.
	addUser(t, a, "ada@example.org", "pässwörd-123")
	_, _, err := a.SetPassword(ctx, "ada@example.org", "short")
	assert.Equal(t, domain.Invalid, domain.ErrorCode(err))
	_, err = a.login("ada@example.org", "pässwörd-123")
	require.NoError(t, err, "a refused new password leaves the old one")
	// The same password typed in another Unicode form (NFKC).
	_, err = a.login("ada@example.org", "pa\u0308sswo\u0308rd-123")
	require.NoError(t, err, "decomposed umlauts are the same password")
}

// SetPassword replaces the password and ends every token got with the old
// one.
func TestSetPasswordRevokesTokens(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := newAccounts(t, db)
		addUser(t, a, "ada@example.org", adaPassword)
		session, err := a.login("ada@example.org", adaPassword)
		require.NoError(t, err)
		pipeline, err := a.CreateToken(ctx, "ada@example.org", "ci", 0)
		require.NoError(t, err)
		_, n, err := a.SetPassword(ctx, "ada@example.org", bobPassword)
		require.NoError(t, err)
		assert.Equal(t, 2, n)
		for _, tok := range []string{session.Token, pipeline.Token} {
			_, err = a.Authenticate(ctx, tok)
			assert.Equal(t, domain.Unauthenticated, domain.ErrorCode(err))
		}
		_, err = a.login("ada@example.org", adaPassword)
		assert.Equal(t, domain.Unauthenticated, domain.ErrorCode(err))
		_, err = a.login("ada@example.org", bobPassword)
		require.NoError(t, err)
		_, _, err = a.SetPassword(ctx, "nobody@example.org", bobPassword)
		assert.Equal(t, domain.NotFound, domain.ErrorCode(err))
	})
}

// A hash keeps its parameters: one made with other parameters (cheaper or
// dearer) still verifies, and the next login rehashes it with the current
// ones.
func TestHashesWithOtherParametersStillVerify(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := newAccounts(t, db)
		addUser(t, a, "ada@example.org", adaPassword)
		id := a.ownerID(t, "ada@example.org")
		old := service.ArgonParams{Memory: 8 * 1024, Time: 3, Threads: 2, SaltLen: 8, KeyLen: 16}
		h, err := service.HashPassword(ctx, adaPassword, old)
		require.NoError(t, err)
		p, salt, key, err := service.ParsePHC(h)
		require.NoError(t, err)
		assert.Equal(t, old, p)
		assert.Len(t, salt, 8)
		assert.Len(t, key, 16)
		assert.True(t, strings.HasPrefix(h, "$argon2id$v=19$m=8192,t=3,p=2$"), h)
		_, err = db.SetPasswordHash(ctx, id, h, false)
		require.NoError(t, err)

		_, err = a.login("ada@example.org", "wrong password here")
		assert.Equal(t, domain.Unauthenticated, domain.ErrorCode(err))
		_, _, stored, err := loginRecord(db, "ada@example.org")
		require.NoError(t, err)
		assert.Equal(t, h, stored, "a failed login does not rehash")
		_, err = a.login("ada@example.org", adaPassword)
		require.NoError(t, err)
		_, _, stored, err = loginRecord(db, "ada@example.org")
		require.NoError(t, err)
		p, _, _, err = service.ParsePHC(stored)
		require.NoError(t, err)
		assert.Equal(t, service.PasswordParams, p, "rehashed with the current parameters")
		_, err = a.login("ada@example.org", adaPassword)
		require.NoError(t, err)
	})
}

func loginRecord(db *store.DB, email string) (store.User, bool, string, error) {
	u, h, err := db.UserForLogin(context.Background(), email)
	return u, h != "", h, err
}

func TestPHCParsingRefusesDamagedHashes(t *testing.T) {
	ctx := context.Background()
	good, err := service.HashPassword(ctx, adaPassword, service.PasswordParams)
	require.NoError(t, err)
	ok, stale, err := service.VerifyPassword(ctx, adaPassword, good)
	require.NoError(t, err)
	assert.True(t, ok)
	assert.False(t, stale)
	ok, _, err = service.VerifyPassword(ctx, adaPassword+"!", good)
	require.NoError(t, err)
	assert.False(t, ok)
	parts := strings.Split(good, "$")
	for _, bad := range []string{"", "plain", "$argon2i$v=19$m=19456,t=2,p=1$" + parts[4] + "$" + parts[5],
		"$argon2id$v=16$m=19456,t=2,p=1$" + parts[4] + "$" + parts[5],
		"$argon2id$v=19$m=99999999,t=2,p=1$" + parts[4] + "$" + parts[5], // 95 GiB
		"$argon2id$v=19$m=19456,t=100000,p=1$" + parts[4] + "$" + parts[5],
		"$argon2id$v=19$m=19456,t=2,p=0$" + parts[4] + "$" + parts[5],
		"$argon2id$v=19$m=19456,t=2$" + parts[4] + "$" + parts[5],
		"$argon2id$v=19$m=19456,t=2,p=1,p=1$" + parts[4] + "$" + parts[5],
		"$argon2id$v=19$m=19456,t=2,p=1$!!$" + parts[5],
		"$argon2id$v=19$m=19456,t=2,p=1$" + parts[4] + "$",
		"$argon2id$v=19$m=19456,t=2,p=1$" + parts[4] + "$" + parts[5] + "$x",
		"$2a$10$abcdefghijklmnopqrstuuOuBq9J9i6m5u2W7D2pQyXz1w3c6q7e", // bcrypt
	} {
		_, _, _, err := service.ParsePHC(bad)
		assert.Error(t, err, "%q", bad)
		_, _, err = service.VerifyPassword(ctx, adaPassword, bad)
		assert.Equal(t, domain.Internal, domain.ErrorCode(err), "%q", bad)
		if err != nil && len(bad) > 20 {
			assert.NotContains(t, err.Error(), parts[5], "the hash is not repeated")
		}
	}
}

// Throttling: per account after AccountFree failures, per address after
// AddressFree (across accounts, known or not), with the time to wait.
func TestLoginThrottling(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := newAccounts(t, db)
		addUser(t, a, "ada@example.org", adaPassword)
		addUser(t, a, "bob@example.org", bobPassword)
		service.SetLoginLimits(a.Service, service.LoginLimits{AccountFree: 3, AddressFree: 6, Base: 10 * time.Second,
			Max: time.Minute, Forget: time.Hour, MaxKeys: 1000})
		from := func(email, password, addr string) error {
			_, err := a.Login(ctx, service.LoginInput{Email: email, Password: password, ClientAddr: addr})
			return err
		}
		for i := range 3 {
			err := from("ada@example.org", "wrong password here", fmt.Sprintf("198.51.100.%d:1", i))
			assert.Equal(t, domain.Unauthenticated, domain.ErrorCode(err))
		}
		// Locked: even the right password waits, from any address.
		err := from("Ada@example.org", adaPassword, "203.0.113.9:2")
		require.Error(t, err)
		assert.Equal(t, domain.RateLimited, domain.ErrorCode(err), "%v", err)
		after, ok := service.RetryAfter(err)
		require.True(t, ok)
		assert.Equal(t, 10*time.Second, after)
		assert.Contains(t, err.Error(), "try again in 10s")
		a.advance(4 * time.Second)
		after, _ = service.RetryAfter(from("ada@example.org", adaPassword, ""))
		assert.Equal(t, 6*time.Second, after, "the wait counts down")
		a.advance(6 * time.Second)
		// The next failure doubles the wait.
		assert.Equal(t, domain.Unauthenticated, domain.ErrorCode(from("ada@example.org", "wrong password here", "")))
		after, _ = service.RetryAfter(from("ada@example.org", adaPassword, ""))
		assert.Equal(t, 20*time.Second, after)
		a.advance(20 * time.Second)
		require.NoError(t, from("ada@example.org", adaPassword, ""), "a success after the wait")
		// A success forgets the account's failures.
		for range 3 {
			assert.Equal(t, domain.Unauthenticated, domain.ErrorCode(from("ada@example.org", "wrong password here", "")))
		}
		assert.Equal(t, domain.RateLimited, domain.ErrorCode(from("ada@example.org", adaPassword, "")))
		a.advance(time.Hour)

		// Per address: spraying many accounts, known or not, from one
		// address (an IPv6 /64 counts as one).
		accounts := []string{"bob@example.org", "x1@example.org", "x2@example.org", "x3@example.org", "x4@example.org", "x5@example.org"}
		for i, email := range accounts {
			addr := fmt.Sprintf("[2001:db8:1:2::%x]:443", i+1)
			assert.Equal(t, domain.Unauthenticated, domain.ErrorCode(from(email, "wrong password here", addr)), email)
		}
		err = from("bob@example.org", bobPassword, "[2001:db8:1:2:ffff::1]:80")
		assert.Equal(t, domain.RateLimited, domain.ErrorCode(err), "the /64 is throttled")
		err = from("nobody@example.org", "wrong password here", "2001:db8:1:2::99")
		assert.Equal(t, domain.RateLimited, domain.ErrorCode(err), "whatever account it names")
		require.NoError(t, from("bob@example.org", bobPassword, "[2001:db8:1:3::1]:80"), "another /64 is not")

		// Unknown accounts lock like known ones (throttling tells nothing).
		for range 3 {
			assert.Equal(t, domain.Unauthenticated, domain.ErrorCode(from("ghost@example.org", "wrong password here", "")))
		}
		assert.Equal(t, domain.RateLimited, domain.ErrorCode(from("ghost@example.org", "wrong password here", "")))
	})
}

// A burst of concurrent guesses is throttled like a sequence: attempts
// count from the moment they start.
func TestConcurrentGuessesAreThrottled(t *testing.T) {
	db := storetest.Open(t, storetest.Backends(t)[0])
	a := newAccounts(t, db)
	addUser(t, a, "ada@example.org", adaPassword)
	service.SetLoginLimits(a.Service, service.LoginLimits{AccountFree: 3, AddressFree: 100, Base: time.Minute, Max: time.Hour, Forget: time.Hour, MaxKeys: 1000})
	var wg sync.WaitGroup
	var mu sync.Mutex
	codes := map[domain.Code]int{}
	for range 12 {
		wg.Go(func() {
			_, err := a.login("ada@example.org", "wrong password here")
			mu.Lock()
			codes[domain.ErrorCode(err)]++
			mu.Unlock()
		})
	}
	wg.Wait()
	assert.Equal(t, map[domain.Code]int{domain.Unauthenticated: 3, domain.RateLimited: 9}, codes)
}

// last_used_at is set on use, at most once a minute.
func TestAuthenticateRecordsLastUse(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := newAccounts(t, db)
		addUser(t, a, "ada@example.org", adaPassword)
		tok, err := a.CreateToken(ctx, "ada@example.org", "ci", time.Hour)
		require.NoError(t, err)
		lastUsed := func() *domain.Time {
			list, err := a.ListTokens(ctx, "ada@example.org")
			require.NoError(t, err)
			require.Len(t, list, 1)
			return list[0].LastUsedAt
		}
		assert.Nil(t, lastUsed())
		t0 := a.now
		_, err = a.Authenticate(ctx, tok.Token)
		require.NoError(t, err)
		require.NotNil(t, lastUsed())
		assert.WithinDuration(t, t0, lastUsed().Time, time.Millisecond)
		a.advance(30 * time.Second)
		_, err = a.Authenticate(ctx, tok.Token)
		require.NoError(t, err)
		assert.WithinDuration(t, t0, lastUsed().Time, time.Millisecond, "not again within a minute")
		a.advance(31 * time.Second)
		_, err = a.Authenticate(ctx, tok.Token)
		require.NoError(t, err)
		assert.WithinDuration(t, t0.Add(61*time.Second), lastUsed().Time, time.Millisecond)
	})
}

func TestTokenLifetimeAndNameAreChecked(t *testing.T) {
	db := storetest.Open(t, storetest.Backends(t)[0])
	a := newAccounts(t, db)
	ctx := context.Background()
	addUser(t, a, "ada@example.org", adaPassword)
	for _, ttl := range []time.Duration{time.Second, -time.Hour, 400 * 24 * time.Hour} {
		_, err := a.CreateToken(ctx, "ada@example.org", "x", ttl)
		assert.Equal(t, domain.Invalid, domain.ErrorCode(err), "%s", ttl)
	}
	for _, name := range []string{strings.Repeat("n", 101), "a\nb", "a\u202eb"} {
		_, err := a.CreateToken(ctx, "ada@example.org", name, 0)
		assert.Equal(t, domain.Invalid, domain.ErrorCode(err), "%q", name)
	}
	_, err := a.CreateToken(ctx, "nobody@example.org", "x", 0)
	assert.Equal(t, domain.NotFound, domain.ErrorCode(err))
	tok, err := a.CreateToken(ctx, "ada@example.org", "x", 0)
	require.NoError(t, err)
	_, err = a.RevokeToken(ctx, tok.Token)
	assert.Equal(t, domain.Invalid, domain.ErrorCode(err), "the token itself is not an id")
	assert.NotContains(t, err.Error(), tok.Token)
	_, err = a.RevokeToken(ctx, "zzz")
	assert.Equal(t, domain.NotFound, domain.ErrorCode(err))
	_, err = a.RevokeToken(ctx, strings.ToUpper(tok.ID))
	require.NoError(t, err, "ids ignore case")
}

// Printing or logging a new token or a login attempt never shows the
// secret.
func TestSecretsStayOutOfPrintsAndLogs(t *testing.T) {
	db := storetest.Open(t, storetest.Backends(t)[0])
	a := newAccounts(t, db)
	addUser(t, a, "ada@example.org", adaPassword)
	tok, err := a.login("ada@example.org", adaPassword)
	require.NoError(t, err)
	in := service.LoginInput{Email: "ada@example.org", Password: adaPassword, ClientAddr: "192.0.2.1"}
	var buf bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&buf, nil))
	log.Info("issued", "token", tok, "login", in)
	slog.New(slog.NewTextHandler(&buf, nil)).Info("issued", "token", tok, "login", in)
	fmt.Fprintf(&buf, "%v %+v %s %v %+v %s", tok, tok, tok, in, in, in)
	assert.NotContains(t, buf.String(), tok.Token)
	assert.NotContains(t, buf.String(), adaPassword)
	assert.Contains(t, buf.String(), tok.ID)
}

// A token found valid is taken as valid for AuthCacheTTL without another
// query: a revocation by another process (planted in the database) takes
// effect within that time, one in this process at once, and a token's
// expiry exactly when it comes.
func TestAuthenticationIsRememberedBriefly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := newAccounts(t, db)
		addUser(t, a, "ada@example.org", adaPassword)
		tok, err := a.CreateToken(ctx, "ada@example.org", "ci", service.MinTokenTTL)
		require.NoError(t, err)
		_, err = a.Authenticate(ctx, tok.Token)
		require.NoError(t, err)

		_, err = db.X.ExecContext(ctx, db.Rebind(`UPDATE api_tokens SET revoked_at = ?`), domain.Now())
		require.NoError(t, err)
		_, err = a.Authenticate(ctx, tok.Token)
		assert.NoError(t, err, "checked a moment ago: not asked again")
		a.advance(service.AuthCacheTTL)
		_, err = a.Authenticate(ctx, tok.Token)
		assert.Equal(t, domain.Unauthenticated, domain.ErrorCode(err), "revoked elsewhere: refused within AuthCacheTTL")

		other, err := a.CreateToken(ctx, "ada@example.org", "ci2", service.MinTokenTTL)
		require.NoError(t, err)
		_, err = a.Authenticate(ctx, other.Token)
		require.NoError(t, err)
		_, err = a.RevokeToken(ctx, other.ID)
		require.NoError(t, err)
		_, err = a.Authenticate(ctx, other.Token)
		assert.Equal(t, domain.Unauthenticated, domain.ErrorCode(err), "revoked here: refused at once")

		short, err := a.CreateToken(ctx, "ada@example.org", "ci3", service.MinTokenTTL)
		require.NoError(t, err)
		a.advance(service.MinTokenTTL - time.Second)
		_, err = a.Authenticate(ctx, short.Token)
		require.NoError(t, err)
		a.advance(time.Second)
		_, err = a.Authenticate(ctx, short.Token)
		assert.Equal(t, domain.Unauthenticated, domain.ErrorCode(err), "expired: refused at its expiry, remembered or not")
	})
}
