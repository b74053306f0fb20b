package store

import (
	"context"

	"github.com/opusblocks/opus/internal/domain"
)

// Accounts of `opus serve`: owners of kind 'user' (named by their email),
// their password hashes (credentials) and their API tokens. Like owners,
// these are not tenant data: they are how a request finds its tenant, so
// they are reached through the DB rather than a Tenant. Hashing, policy
// and every decision live in the service; these are the rows.

// KindUser is the owner kind of a server account.
const KindUser = "user"

// User is an account's row.
type User struct {
	ID         string       `db:"id"`
	Email      string       `db:"name"`
	CreatedAt  domain.Time  `db:"created_at"`
	DisabledAt *domain.Time `db:"disabled_at"`
	// ActiveTokens counts tokens neither revoked nor expired (at the time
	// given to Users/UserByEmail).
	ActiveTokens int `db:"active_tokens"`
}

// Token is an API token's row; the token itself is never stored.
type Token struct {
	ID         string       `db:"id"`
	Hash       string       `db:"token_hash"`
	OwnerID    string       `db:"owner_id"`
	Email      string       `db:"email"`
	Name       string       `db:"name"`
	CreatedAt  domain.Time  `db:"created_at"`
	ExpiresAt  *domain.Time `db:"expires_at"`
	LastUsedAt *domain.Time `db:"last_used_at"`
	RevokedAt  *domain.Time `db:"revoked_at"`
	// The owner's state, for authentication.
	OwnerDisabledAt *domain.Time `db:"owner_disabled_at"`
	OwnerKind       string       `db:"owner_kind"`
}

// handlePrefixes are the handle counters every owner gets (as EnsureOwner
// creates them).
var handlePrefixes = []string{domain.DocPrefix, domain.FactPrefix, domain.ParaPrefix, domain.JobPrefix, domain.RunPrefix}

const userColumns = `o.id, o.name, o.created_at, o.disabled_at,
	(SELECT count(*) FROM api_tokens t WHERE t.owner_id = o.id AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > ?)) AS active_tokens`

// CreateUser creates an account with its password hash, in one
// transaction. An account with that email (compared without case) is a
// Conflict.
func (db *DB) CreateUser(ctx context.Context, email, passwordHash string) (User, error) {
	u := User{ID: NewID(), Email: email, CreatedAt: domain.Now()}
	err := db.InTx(ctx, func(tx *Tx) error {
		var n int
		if err := tx.X.GetContext(ctx, &n, rebind(db.Dialect, `SELECT count(*) FROM owners WHERE kind = ? AND lower(name) = lower(?)`), KindUser, email); err != nil {
			return err
		}
		if n > 0 {
			return domain.Errorf(domain.Conflict, "user %s already exists", email)
		}
		if _, err := tx.X.ExecContext(ctx, rebind(db.Dialect, `INSERT INTO owners (id, kind, name, created_at) VALUES (?, ?, ?, ?)`), u.ID, KindUser, u.Email, u.CreatedAt); err != nil {
			return err
		}
		for _, p := range handlePrefixes {
			if _, err := tx.X.ExecContext(ctx, rebind(db.Dialect, `INSERT INTO handle_counters (owner_id, prefix, last) VALUES (?, ?, 0)`), u.ID, p); err != nil {
				return err
			}
		}
		_, err := tx.X.ExecContext(ctx, rebind(db.Dialect, `INSERT INTO credentials (owner_id, password_hash, updated_at) VALUES (?, ?, ?)`), u.ID, passwordHash, u.CreatedAt)
		return err
	})
	if isUniqueViolation(err) { // created concurrently
		return User{}, domain.Errorf(domain.Conflict, "user %s already exists", email)
	}
	return u, wrapDB(err)
}

// UserByEmail finds an account by email, ignoring case; now decides which
// tokens count as active.
func (db *DB) UserByEmail(ctx context.Context, email string, now domain.Time) (User, error) {
	var u User
	err := db.X.GetContext(ctx, &u, db.Rebind(`SELECT `+userColumns+` FROM owners o WHERE o.kind = ? AND lower(o.name) = lower(?) ORDER BY o.created_at LIMIT 1`), now, KindUser, email)
	if isNoRows(err) {
		return u, domain.Errorf(domain.NotFound, "user %s does not exist (see 'opus user list')", email)
	}
	return u, wrapDB(err)
}

// Users lists the accounts by email.
func (db *DB) Users(ctx context.Context, now domain.Time) ([]User, error) {
	out := []User{}
	err := db.X.SelectContext(ctx, &out, db.Rebind(`SELECT `+userColumns+` FROM owners o WHERE o.kind = ? ORDER BY o.name`), now, KindUser)
	return out, wrapDB(err)
}

// UserForLogin finds an account by email, ignoring case, with its password
// hash ("" when it has none), in one query.
func (db *DB) UserForLogin(ctx context.Context, email string) (User, string, error) {
	var row struct {
		User
		Hash *string `db:"password_hash"`
	}
	err := db.X.GetContext(ctx, &row, db.Rebind(`SELECT o.id, o.name, o.created_at, o.disabled_at, 0 AS active_tokens, c.password_hash
		FROM owners o LEFT JOIN credentials c ON c.owner_id = o.id
		WHERE o.kind = ? AND lower(o.name) = lower(?) ORDER BY o.created_at LIMIT 1`), KindUser, email)
	if isNoRows(err) {
		return User{}, "", domain.Errorf(domain.NotFound, "user %s does not exist", email)
	}
	if err != nil || row.Hash == nil {
		return row.User, "", wrapDB(err)
	}
	return row.User, *row.Hash, nil
}

// SetPasswordHash replaces an account's password hash and, with
// revokeTokens, revokes its unrevoked tokens in the same transaction; it
// returns how many it revoked.
func (db *DB) SetPasswordHash(ctx context.Context, ownerID, hash string, revokeTokens bool) (int64, error) {
	var revoked int64
	err := db.InTx(ctx, func(tx *Tx) error {
		now := domain.Now()
		res, err := tx.X.ExecContext(ctx, rebind(db.Dialect, `UPDATE credentials SET password_hash = ?, updated_at = ? WHERE owner_id = ?`), hash, now, ownerID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			if _, err := tx.X.ExecContext(ctx, rebind(db.Dialect, `INSERT INTO credentials (owner_id, password_hash, updated_at) VALUES (?, ?, ?)`), ownerID, hash, now); err != nil {
				return err
			}
		}
		if revokeTokens {
			revoked, err = revokeOwnerTokens(ctx, tx, ownerID, now)
		}
		return err
	})
	return revoked, wrapDB(err)
}

// SetUserDisabled disables (at != nil) or enables (at == nil) an account.
// Disabling also revokes its unrevoked tokens in the same transaction, so
// enabling it again does not bring them back; it returns how many.
func (db *DB) SetUserDisabled(ctx context.Context, ownerID string, at *domain.Time) (int64, error) {
	var revoked int64
	err := db.InTx(ctx, func(tx *Tx) error {
		res, err := tx.X.ExecContext(ctx, rebind(db.Dialect, `UPDATE owners SET disabled_at = ? WHERE id = ? AND kind = ?`), at, ownerID, KindUser)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return domain.Errorf(domain.NotFound, "user does not exist")
		}
		if at != nil {
			revoked, err = revokeOwnerTokens(ctx, tx, ownerID, *at)
		}
		return err
	})
	return revoked, wrapDB(err)
}

func revokeOwnerTokens(ctx context.Context, tx *Tx, ownerID string, at domain.Time) (int64, error) {
	res, err := tx.X.ExecContext(ctx, rebind(tx.Dialect, `UPDATE api_tokens SET revoked_at = ? WHERE owner_id = ? AND revoked_at IS NULL`), at, ownerID)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// CreateToken stores a token's row (t.Hash is the SHA-256 of the token,
// never the token). A taken id is a Conflict, for the caller to draw
// another.
func (db *DB) CreateToken(ctx context.Context, t Token) error {
	_, err := db.X.ExecContext(ctx, db.Rebind(`INSERT INTO api_tokens (token_hash, id, owner_id, name, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)`),
		t.Hash, t.ID, t.OwnerID, t.Name, t.CreatedAt, t.ExpiresAt)
	if isUniqueViolation(err) {
		return domain.Wrap(err, domain.Conflict, "token id or hash already taken")
	}
	return wrapDB(err)
}

const tokenColumns = `t.id, t.token_hash, t.owner_id, o.name AS email, t.name, t.created_at, t.expires_at, t.last_used_at, t.revoked_at,
	o.disabled_at AS owner_disabled_at, o.kind AS owner_kind`

// Tokens lists an owner's tokens, newest first.
func (db *DB) Tokens(ctx context.Context, ownerID string) ([]Token, error) {
	out := []Token{}
	err := db.X.SelectContext(ctx, &out, db.Rebind(`SELECT `+tokenColumns+` FROM api_tokens t JOIN owners o ON o.id = t.owner_id WHERE t.owner_id = ? ORDER BY t.created_at DESC, t.id`), ownerID)
	return out, wrapDB(err)
}

// TokenByID finds a token by its public id.
func (db *DB) TokenByID(ctx context.Context, id string) (Token, error) {
	var t Token
	err := db.X.GetContext(ctx, &t, db.Rebind(`SELECT `+tokenColumns+` FROM api_tokens t JOIN owners o ON o.id = t.owner_id WHERE t.id = ?`), id)
	if isNoRows(err) {
		return t, domain.Errorf(domain.NotFound, "token %s does not exist", id)
	}
	return t, wrapDB(err)
}

// TokenByHash finds a token by the SHA-256 of the token, with its owner's
// state; sql.ErrNoRows becomes NotFound.
func (db *DB) TokenByHash(ctx context.Context, hash string) (Token, error) {
	var t Token
	err := db.X.GetContext(ctx, &t, db.Rebind(`SELECT `+tokenColumns+` FROM api_tokens t JOIN owners o ON o.id = t.owner_id WHERE t.token_hash = ?`), hash)
	if isNoRows(err) {
		return t, domain.Errorf(domain.NotFound, "no such token")
	}
	return t, wrapDB(err)
}

// RevokeToken revokes the token with that id when it belongs to ownerID
// ("" for any owner: the administrator's CLI). Revoking a revoked token
// keeps its first revocation time. Another owner's token is NotFound.
func (db *DB) RevokeToken(ctx context.Context, ownerID, id string) (Token, error) {
	var t Token
	err := db.InTx(ctx, func(tx *Tx) error {
		q := `SELECT ` + tokenColumns + ` FROM api_tokens t JOIN owners o ON o.id = t.owner_id WHERE t.id = ?`
		args := []any{id}
		if ownerID != "" {
			q += ` AND t.owner_id = ?`
			args = append(args, ownerID)
		}
		if err := tx.X.GetContext(ctx, &t, rebind(db.Dialect, q), args...); err != nil {
			if isNoRows(err) {
				return domain.Errorf(domain.NotFound, "token %s does not exist", id)
			}
			return err
		}
		if t.RevokedAt != nil {
			return nil
		}
		now := domain.Now()
		if _, err := tx.X.ExecContext(ctx, rebind(db.Dialect, `UPDATE api_tokens SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL`), now, t.Hash); err != nil {
			return err
		}
		t.RevokedAt = &now
		return nil
	})
	return t, wrapDB(err)
}

// RevokeTokenByHash revokes the token whose SHA-256 is hash (a logout);
// an unknown hash changes nothing.
func (db *DB) RevokeTokenByHash(ctx context.Context, hash string) error {
	_, err := db.X.ExecContext(ctx, db.Rebind(`UPDATE api_tokens SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL`), domain.Now(), hash)
	return wrapDB(err)
}

// TouchToken sets a token's last_used_at to now unless it was set after
// since, so a busy token costs one write a minute rather than one a request.
func (db *DB) TouchToken(ctx context.Context, hash string, now, since domain.Time) error {
	_, err := db.X.ExecContext(ctx, db.Rebind(`UPDATE api_tokens SET last_used_at = ? WHERE token_hash = ? AND (last_used_at IS NULL OR last_used_at < ?)`), now, hash, since)
	return wrapDB(err)
}
