package cli

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The account commands bind their arguments and flags, checked without a
// database.
func TestAccountCommandsArgvToOptions(t *testing.T) {
	f := newFactory(Stdio{})
	t.Run("user add", func(t *testing.T) {
		var got *userAddOptions
		cmd := newCmdUserAdd(f, func(_ context.Context, o *userAddOptions) error { got = o; return nil })
		require.NoError(t, parse(t, f, cmd, "ada@example.org", "--password-stdin", "--db", "postgres://x/y", "--json"))
		assert.Equal(t, "ada@example.org", got.Email)
		assert.True(t, got.PasswordStdin)
		assert.True(t, got.Export.JSON)
		assert.Equal(t, "postgres://x/y", f.DB)
	})
	t.Run("user passwd", func(t *testing.T) {
		var got *userPasswdOptions
		cmd := newCmdUserPasswd(f, func(_ context.Context, o *userPasswdOptions) error { got = o; return nil })
		require.NoError(t, parse(t, f, cmd, "ada@example.org"))
		assert.Equal(t, "ada@example.org", got.Email)
		assert.False(t, got.PasswordStdin)
		assert.Equal(t, "opus passwd", got.path)
	})
	t.Run("token create", func(t *testing.T) {
		var got *tokenCreateOptions
		cmd := newCmdTokenCreate(f, func(_ context.Context, o *tokenCreateOptions) error { got = o; return nil })
		require.NoError(t, parse(t, f, cmd, "--user", "ada@example.org", "--name", "ci", "--expires", "30d", "--jq", ".token"))
		assert.Equal(t, tokenCreateOptions{f: f, User: "ada@example.org", Name: "ci", Expires: "30d", Export: exportFlags{JQ: ".token"}}, *got)
		cmd = newCmdTokenCreate(f, func(_ context.Context, o *tokenCreateOptions) error { got = o; return nil })
		require.NoError(t, parse(t, f, cmd, "--user", "b@example.org"))
		assert.Equal(t, "90d", got.Expires, "90 days by default")
	})
	t.Run("token list and revoke", func(t *testing.T) {
		var list *tokenListOptions
		cmd := newCmdTokenList(f, func(_ context.Context, o *tokenListOptions) error { list = o; return nil })
		require.NoError(t, parse(t, f, cmd, "--user", "ada@example.org"))
		assert.Equal(t, "ada@example.org", list.User)
		var rev *tokenRevokeOptions
		cmd = newCmdTokenRevoke(f, func(_ context.Context, o *tokenRevokeOptions) error { rev = o; return nil })
		require.NoError(t, parse(t, f, cmd, "3f9a0c12be47"))
		assert.Equal(t, "3f9a0c12be47", rev.ID)
	})
	t.Run("usage errors never reach the run function", func(t *testing.T) {
		called := false
		for _, c := range []struct {
			make func() (name string, err error)
		}{
			{func() (string, error) {
				return "token create without --user", parse(t, f, newCmdTokenCreate(f, func(context.Context, *tokenCreateOptions) error { called = true; return nil }))
			}},
			{func() (string, error) {
				return "token list without --user", parse(t, f, newCmdTokenList(f, func(context.Context, *tokenListOptions) error { called = true; return nil }))
			}},
			{func() (string, error) {
				return "user add without email", parse(t, f, newCmdUserAdd(f, func(context.Context, *userAddOptions) error { called = true; return nil }))
			}},
			{func() (string, error) {
				return "user disable with two", parse(t, f, newCmdUserDisable(f, func(context.Context, *userDisableOptions) error { called = true; return nil }), "a@b.c", "d@e.f")
			}},
			{func() (string, error) {
				return "password as a flag", parse(t, f, newCmdUserAdd(f, func(context.Context, *userAddOptions) error { called = true; return nil }), "a@b.c", "--password", "x")
			}},
		} {
			name, err := c.make()
			require.Error(t, err, name)
			assert.Equal(t, 2, ExitCode(err), "%s: %v", name, err)
		}
		assert.False(t, called)
	})
}
