package store

import (
	"context"

	"github.com/opusblocks/opus/internal/domain"
)

// Owners are the tenants themselves, so these are the only queries not made
// through a Tenant.

// EnsureOwner returns the owner of that kind and name, creating it (with its
// handle counters) when it does not exist yet.
func (db *DB) EnsureOwner(ctx context.Context, kind, name string) (domain.Owner, error) {
	if o, err := db.FindOwner(ctx, kind, name); err == nil {
		return o, nil
	} else if domain.ErrorCode(err) != domain.NotFound {
		return domain.Owner{}, err
	}
	o := domain.Owner{ID: NewID(), Kind: kind, Name: name, CreatedAt: domain.Now()}
	err := db.InTx(ctx, func(tx *Tx) error {
		if _, err := tx.X.ExecContext(ctx, rebind(db.Dialect, `INSERT INTO owners (id, kind, name, created_at) VALUES (?, ?, ?, ?)`), o.ID, o.Kind, o.Name, o.CreatedAt); err != nil {
			return err
		}
		for _, p := range []string{domain.DocPrefix, domain.FactPrefix, domain.ParaPrefix, domain.JobPrefix, domain.RunPrefix} {
			if _, err := tx.X.ExecContext(ctx, rebind(db.Dialect, `INSERT INTO handle_counters (owner_id, prefix, last) VALUES (?, ?, 0)`), o.ID, p); err != nil {
				return err
			}
		}
		return nil
	})
	if isUniqueViolation(err) { // created concurrently by another process
		return db.FindOwner(ctx, kind, name)
	}
	return o, wrapDB(err)
}

// FindOwner looks an owner up by kind and name, ignoring case (profiles
// stored before names were case-insensitive may hold capitals).
func (db *DB) FindOwner(ctx context.Context, kind, name string) (domain.Owner, error) {
	var o domain.Owner
	err := db.X.GetContext(ctx, &o, db.Rebind(`SELECT id, kind, name, created_at FROM owners WHERE kind = ? AND lower(name) = lower(?) ORDER BY created_at LIMIT 1`), kind, name)
	if isNoRows(err) {
		return o, domain.Errorf(domain.NotFound, "%s %q does not exist", kind, name)
	}
	return o, wrapDB(err)
}

// Owners lists the owners of a kind by name.
func (db *DB) Owners(ctx context.Context, kind string) ([]domain.Owner, error) {
	var out []domain.Owner
	err := db.X.SelectContext(ctx, &out, db.Rebind(`SELECT id, kind, name, created_at FROM owners WHERE kind = ? ORDER BY name`), kind)
	return out, wrapDB(err)
}
