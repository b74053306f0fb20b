package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/opusblocks/opus/internal/cli"
	"github.com/opusblocks/opus/internal/domain"
	"github.com/opusblocks/opus/internal/llm/offline"
	"github.com/opusblocks/opus/internal/service"
	"github.com/opusblocks/opus/internal/store/storetest"
)

// accountsEnv runs opus against one server database and keeps every byte
// opus printed, so a test can say a secret was never among them.
type accountsEnv struct {
	*env
	db      string
	printed bytes.Buffer
}

func newAccountsEnv(t *testing.T, db string) *accountsEnv {
	t.Setenv("OPUS_LOG", "1") // logs on stderr too: they must not hold secrets either
	return &accountsEnv{env: newEnv(t), db: db}
}

// runIn runs opus with stdin and --db.
func (a *accountsEnv) runIn(stdin string, args ...string) result {
	a.t.Helper()
	var out, errb bytes.Buffer
	code := cli.Main(context.Background(), append(args, "--db", a.db), cli.Stdio{In: strings.NewReader(stdin), Out: &out, Err: &errb})
	a.printed.WriteString(out.String() + errb.String())
	return result{code, out.String(), errb.String()}
}

func (a *accountsEnv) okIn(stdin string, args ...string) string {
	a.t.Helper()
	r := a.runIn(stdin, args...)
	require.Equalf(a.t, 0, r.code, "opus %s\nstdout: %s\nstderr: %s", strings.Join(args, " "), r.stdout, r.stderr)
	return r.stdout
}

func (a *accountsEnv) jsonIn(v any, stdin string, args ...string) {
	a.t.Helper()
	out := a.okIn(stdin, append(args, "--json")...)
	require.NoErrorf(a.t, json.Unmarshal([]byte(out), v), "opus %s --json printed %q", strings.Join(args, " "), out)
}

// service opens the same database as the server will, for what only the
// server does (log in, authenticate).
func (a *accountsEnv) service() *service.Service {
	a.t.Helper()
	svc, err := service.Open(context.Background(), a.db, service.Config{DataDir: a.t.TempDir(), Provider: offline.New()})
	require.NoError(a.t, err)
	a.t.Cleanup(func() { _ = svc.Close() })
	return svc
}

type tokenJSON struct {
	Token      string  `json:"token"`
	ID         string  `json:"id"`
	User       string  `json:"user"`
	Name       string  `json:"name"`
	State      string  `json:"state"`
	ExpiresAt  string  `json:"expires_at"`
	LastUsedAt *string `json:"last_used_at"`
	RevokedAt  *string `json:"revoked_at"`
}

type userJSON struct {
	Email         string `json:"email"`
	Disabled      bool   `json:"disabled"`
	ActiveTokens  int    `json:"active_tokens"`
	RevokedTokens int    `json:"revoked_tokens"`
}

// The commands end to end, on SQLite and Postgres: add an account from
// stdin, log in through the service as the server will, authenticate with
// the token; make, list and revoke pipeline tokens; disable, enable and
// change passwords. The passwords and tokens never appear in anything opus
// printed (stdout, stderr, logs) except the one place a token is shown.
func TestAccountsCommandsEndToEnd(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			ctx := context.Background()
			dsn := b.Open(t)
			if b.Name == "sqlite" {
				dsn = "sqlite:" + filepath.Join(t.TempDir(), "server.db")
			}
			a := newAccountsEnv(t, dsn)
			const pw1, pw2 = "correct horse battery staple", "tr0ub4dor & 3 more words"

			var u userJSON
			a.jsonIn(&u, pw1+"\n", "user", "add", "Ada@Example.org", "--password-stdin")
			assert.Equal(t, userJSON{Email: "ada@example.org"}, u)
			assert.Contains(t, a.okIn("correct horse battery staple\r\n", "user", "add", "bob@example.org", "--password-stdin"), "added user bob@example.org")

			// The server logs in with it.
			svc := a.service()
			session, err := svc.Login(ctx, service.LoginInput{Email: "ada@example.org", Password: pw1, ClientAddr: "127.0.0.1:1"})
			require.NoError(t, err)
			ada, err := svc.Authenticate(ctx, session.Token)
			require.NoError(t, err)
			bobSession, err := svc.Login(ctx, service.LoginInput{Email: "bob@example.org", Password: pw1})
			require.NoError(t, err, "a CRLF line ending is not part of the password")
			bob, err := svc.Authenticate(ctx, bobSession.Token)
			require.NoError(t, err)
			assert.NotEqual(t, ada.OwnerID, bob.OwnerID)

			// A pipeline token: printed alone on stdout, once.
			r := a.runIn("", "token", "create", "--user", "ADA@example.org", "--name", "ci", "--expires", "7d")
			require.Equal(t, 0, r.code, r.stderr)
			pipeline := strings.TrimSpace(r.stdout)
			assert.Regexp(t, `^opus_[A-Za-z0-9_-]{43}$`, pipeline)
			assert.Contains(t, r.stderr, "shown only this once")
			got, err := svc.Authenticate(ctx, pipeline)
			require.NoError(t, err)
			assert.Equal(t, ada.OwnerID, got.OwnerID)
			var created tokenJSON
			a.jsonIn(&created, "", "token", "create", "--user", "ada@example.org", "--name", "nightly")
			assert.Regexp(t, `^opus_`, created.Token)
			assert.Regexp(t, `^[0-9a-f]{12}$`, created.ID)
			assert.Equal(t, "active", created.State)
			expires, err := time.Parse(time.RFC3339, created.ExpiresAt)
			require.NoError(t, err)
			assert.WithinDuration(t, time.Now().Add(90*24*time.Hour), expires, time.Minute, "90 days by default")

			var list []tokenJSON
			a.jsonIn(&list, "", "token", "list", "--user", "ada@example.org")
			require.Len(t, list, 3)
			names := map[string]tokenJSON{}
			for _, tok := range list {
				assert.Empty(t, tok.Token, "a listed token never shows the token")
				names[tok.Name] = tok
			}
			require.Contains(t, names, "login")
			assert.NotNil(t, names["login"].LastUsedAt, "authenticating recorded its use")
			assert.NotNil(t, names["ci"].LastUsedAt)
			assert.Nil(t, names["nightly"].LastUsedAt)
			human := a.okIn("", "token", "list", "--user", "ada@example.org")
			assert.Contains(t, human, names["ci"].ID)
			assert.Contains(t, human, "never", "nightly was never used")

			var revoked tokenJSON
			a.jsonIn(&revoked, "", "token", "revoke", names["ci"].ID)
			assert.Equal(t, "revoked", revoked.State)
			// svc stands for a server: it took the token as valid a moment
			// ago, and a revocation by another process reaches it within
			// service.AuthCacheTTL.
			assert.Eventually(t, func() bool {
				_, err = svc.Authenticate(ctx, pipeline)
				return domain.ErrorCode(err) == domain.Unauthenticated
			}, service.AuthCacheTTL+3*time.Second, 50*time.Millisecond, "revoked by the CLI: refused within AuthCacheTTL")
			assert.Equal(t, 3, a.runIn("", "token", "revoke", "000000000000").code, "not found")
			assert.Equal(t, 2, a.runIn("", "token", "revoke", pipeline).code, "a token is not an id")
			assert.Equal(t, 3, a.runIn("", "token", "list", "--user", "nobody@example.org").code)

			// Disabled: no login, tokens dead; enabled: a login again.
			var dis userJSON
			a.jsonIn(&dis, "", "user", "disable", "ada@example.org")
			assert.True(t, dis.Disabled)
			assert.Equal(t, 2, dis.RevokedTokens, "the session and nightly")
			_, err = svc.Authenticate(ctx, created.Token)
			assert.Equal(t, domain.Unauthenticated, domain.ErrorCode(err))
			_, err = svc.Login(ctx, service.LoginInput{Email: "ada@example.org", Password: pw1})
			assert.Equal(t, domain.Unauthenticated, domain.ErrorCode(err))
			var users []userJSON
			a.jsonIn(&users, "", "user", "list")
			assert.Equal(t, []userJSON{{Email: "ada@example.org", Disabled: true}, {Email: "bob@example.org", ActiveTokens: 1}}, users)
			assert.Equal(t, 4, a.runIn("", "token", "create", "--user", "ada@example.org").code, "no token for a disabled account")
			assert.Contains(t, a.okIn("", "user", "list"), "disabled")
			a.okIn("", "user", "enable", "ada@example.org")
			_, err = svc.Login(ctx, service.LoginInput{Email: "ada@example.org", Password: pw1})
			require.NoError(t, err)

			// A new password: the old one and every token stop working.
			var changed userJSON
			a.jsonIn(&changed, pw2+"\n", "user", "passwd", "ada@example.org", "--password-stdin")
			assert.Equal(t, 1, changed.RevokedTokens)
			_, err = svc.Login(ctx, service.LoginInput{Email: "ada@example.org", Password: pw1})
			assert.Equal(t, domain.Unauthenticated, domain.ErrorCode(err))
			_, err = svc.Login(ctx, service.LoginInput{Email: "ada@example.org", Password: pw2})
			require.NoError(t, err)

			// Refusals, each with its exit code, none echoing the password.
			for _, c := range []struct {
				stdin string
				args  []string
				code  int
			}{
				{pw1 + "\n", []string{"user", "add", "ADA@EXAMPLE.ORG", "--password-stdin"}, 4},
				{"short\n", []string{"user", "add", "cy@example.org", "--password-stdin"}, 2},
				{"cy@example.org\n", []string{"user", "add", "cy@example.org", "--password-stdin"}, 2},
				{pw1 + "\n" + pw2 + "\n", []string{"user", "add", "cy@example.org", "--password-stdin"}, 2},
				{"", []string{"user", "add", "cy@example.org", "--password-stdin"}, 2},
				{pw1 + "\n", []string{"user", "add", "not-an-email", "--password-stdin"}, 2},
				{pw1 + "\n", []string{"user", "add", "cy@example.org"}, 2}, // stdin is no terminal
				{"", []string{"user", "add", "cy@example.org", "--password=" + pw1}, 2},
				{"", []string{"user", "add", "cy@example.org", "--password", pw1}, 2},
				{pw1 + "\n", []string{"user", "passwd", "nobody@example.org", "--password-stdin"}, 3},
				{"", []string{"user", "disable", "nobody@example.org"}, 3},
				{"", []string{"token", "create", "--user", "ada@example.org", "--expires", "soon"}, 2},
				{"", []string{"token", "create", "--user", "ada@example.org", "--expires", "400d"}, 2},
				{"", []string{"token", "create"}, 2},
			} {
				r := a.runIn(c.stdin, c.args...)
				assert.Equal(t, c.code, r.code, "%v: %s", c.args, r.stderr)
				assert.Equal(t, 1, strings.Count("\n"+r.stderr, "\nopus: "), "%v: one error line: %q", c.args, r.stderr)
			}
			r = a.runIn(pw1+"\n", "user", "add", "cy@example.org")
			assert.Contains(t, r.stderr, "--password-stdin")

			// Secrets: the passwords never; a token only where it was made.
			all := a.printed.String()
			assert.NotContains(t, all, pw1)
			assert.NotContains(t, all, pw2)
			assert.Equal(t, 1, strings.Count(all, pipeline), "the pipeline token was printed once")
			assert.Equal(t, 1, strings.Count(all, created.Token))
			assert.NotContains(t, all, session.Token)
		})
	}
}

func TestParseTokenLifetime(t *testing.T) {
	e := newEnv(t)
	dsn := "sqlite:" + filepath.Join(t.TempDir(), "server.db")
	a := &accountsEnv{env: e, db: dsn}
	a.okIn("correct horse battery staple\n", "user", "add", "ada@example.org", "--password-stdin")
	for in, want := range map[string]time.Duration{"90d": 90 * 24 * time.Hour, "2w": 14 * 24 * time.Hour, "36h": 36 * time.Hour, "90m": 90 * time.Minute, " 7D ": 7 * 24 * time.Hour} {
		var tok tokenJSON
		a.jsonIn(&tok, "", "token", "create", "--user", "ada@example.org", "--expires", in)
		exp, err := time.Parse(time.RFC3339, tok.ExpiresAt)
		require.NoError(t, err)
		assert.WithinDuration(t, time.Now().Add(want), exp, time.Minute, in)
	}
	for _, bad := range []string{"", "0d", "-3d", "d", "1.5d", "forever", "30s"} {
		r := a.runIn("", "token", "create", "--user", "ada@example.org", "--expires", bad)
		assert.Equal(t, 2, r.code, "%q: %s", bad, r.stderr)
	}
}
