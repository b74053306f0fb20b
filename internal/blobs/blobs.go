// Package blobs keeps source files content-addressed on disk: a file's path
// is derived from its sha256, so adding the same bytes twice stores them once.
//
// A blob and the database row that references it cannot be written in one
// atomic step, so adding one goes: Stage (write a temp file), insert the row,
// Publish (hard-link the temp file under the blob's name), commit, Close
// (remove the temp name). A process killed at any point leaves either the
// committed row and its blob, or a temp file that Sweep recognises: if the
// temp file is still linked to the blob and no row references the blob, the
// add never committed and Sweep removes both. A lock file keeps Sweep from
// judging the temp files of adds that are still running. Sweep never
// removes a blob no temp file points at: one data directory may serve
// several databases (--db), and only the one that added it can tell.
package blobs

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/gofrs/flock"
)

const (
	// tmpPrefix starts the name of every temp file: ".tmp-<name>-<random>",
	// where <name> is the file name of the blob it becomes.
	tmpPrefix = ".tmp-"
	// lockName is held shared by every add from Stage to Close, and
	// exclusively by Sweep and RemoveIfUnused.
	lockName = ".lock"
	lockPoll = 50 * time.Millisecond
)

// Store is a directory of blobs.
type Store struct{ Dir string }

// Sum is the hex sha256 of data.
func Sum(data []byte) string {
	h := sha256.Sum256(data)
	return hex.EncodeToString(h[:])
}

// Rel is the path of a blob relative to the store.
func Rel(sum string) string { return filepath.Join(sum[:2], sum[2:]) }

// Remove deletes a blob; a missing one is not an error.
func (s Store) Remove(rel string) error {
	err := os.Remove(filepath.Join(s.Dir, rel))
	if os.IsNotExist(err) {
		return nil
	}
	return err
}

// InUse reports whether any database row references the blob at rel.
type InUse func(ctx context.Context, rel string) (bool, error)

// Staged is a blob written to a temp file, not yet under its name.
type Staged struct {
	rel, tmp, final string
	lock            *flock.Flock
	created         bool
}

// Stage writes data (whose hex sha256 is sum) to a temp file next to its
// final place, synced to disk. The caller inserts the row referencing Rel,
// calls Publish inside the same transaction, commits, and always calls
// Close.
func (s Store) Stage(ctx context.Context, sum string, data []byte) (*Staged, error) {
	rel := Rel(sum)
	final := filepath.Join(s.Dir, rel)
	if err := os.MkdirAll(filepath.Dir(final), 0o700); err != nil {
		return nil, fmt.Errorf("blob store: %w", err)
	}
	lock := flock.New(filepath.Join(s.Dir, lockName))
	if _, err := lock.TryRLockContext(ctx, lockPoll); err != nil {
		return nil, fmt.Errorf("blob store: lock: %w", err)
	}
	p := &Staged{rel: rel, final: final, lock: lock}
	f, err := os.CreateTemp(filepath.Dir(final), tmpPrefix+filepath.Base(final)+"-*")
	if err != nil {
		p.Close()
		return nil, fmt.Errorf("blob store: %w", err)
	}
	p.tmp = f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		p.Close()
		return nil, fmt.Errorf("blob store: %w", err)
	}
	return p, nil
}

// Rel is the blob's path relative to the store, for the row.
func (p *Staged) Rel() string { return p.rel }

// Publish puts the staged file under the blob's name. Call it after the row
// is inserted and before the transaction commits: a crash then leaves a
// published blob only together with its temp name, which Sweep checks
// against the rows.
func (p *Staged) Publish() error {
	err := os.Link(p.tmp, p.final)
	switch {
	case err == nil:
		p.created = true
	case errors.Is(err, fs.ErrExist):
		// Same name, same bytes: the blob is already stored.
		return nil
	default:
		// No hard links on this file system: rename instead, which loses
		// only Sweep's view of a crash in the next few milliseconds.
		if _, serr := os.Stat(p.final); serr == nil {
			return nil
		}
		if err := os.Rename(p.tmp, p.final); err != nil {
			return fmt.Errorf("blob store: %w", err)
		}
		p.tmp, p.created = "", true
	}
	syncDir(filepath.Dir(p.final))
	return nil
}

// Created reports whether Publish stored a blob that was not there before:
// the one a failed commit must take back (see RemoveIfUnused).
func (p *Staged) Created() bool { return p.created }

// Close removes the temp name and releases the lock; call it after the
// commit or on failure. The published blob, if any, stays.
func (p *Staged) Close() {
	if p.tmp != "" {
		_ = os.Remove(p.tmp)
		p.tmp = ""
	}
	if p.lock != nil {
		_ = p.lock.Close()
		p.lock = nil
	}
}

// Sweep removes what adds killed part-way left behind: every temp file,
// and the blob a temp file is still linked to when no row references it
// (the add never committed). Temp files are judged only when no add is
// running, in this process or another; otherwise Sweep does nothing and
// the next one will. It returns the number of files removed.
func (s Store) Sweep(ctx context.Context, inUse InUse) (int, error) {
	lock := flock.New(filepath.Join(s.Dir, lockName))
	if ok, err := lock.TryLock(); err != nil || !ok {
		if errors.Is(err, fs.ErrNotExist) {
			err = nil // no store yet, nothing to sweep
		}
		return 0, err
	}
	defer func() { _ = lock.Close() }()
	dirs, err := os.ReadDir(s.Dir)
	if err != nil {
		return 0, err
	}
	removed := 0
	for _, d := range dirs {
		if !d.IsDir() {
			continue
		}
		files, err := os.ReadDir(filepath.Join(s.Dir, d.Name()))
		if err != nil {
			return removed, err
		}
		for _, f := range files {
			if !strings.HasPrefix(f.Name(), tmpPrefix) {
				continue
			}
			tmp := filepath.Join(s.Dir, d.Name(), f.Name())
			name, _, _ := strings.Cut(strings.TrimPrefix(f.Name(), tmpPrefix), "-")
			rel := filepath.Join(d.Name(), name)
			if name != "" && sameFile(tmp, filepath.Join(s.Dir, rel)) {
				used, err := inUse(ctx, rel)
				if err != nil {
					return removed, err // unsure: keep both for the next sweep
				}
				if !used {
					if err := s.Remove(rel); err != nil {
						return removed, err
					}
					removed++
				}
			}
			if err := os.Remove(tmp); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return removed, err
			}
			removed++
		}
	}
	return removed, nil
}

// RemoveIfUnused deletes the blob at rel when no row references it. It
// waits for adds that are running, since one of them may be about to
// commit a row that references this very blob.
func (s Store) RemoveIfUnused(ctx context.Context, rel string, inUse InUse) error {
	lock := flock.New(filepath.Join(s.Dir, lockName))
	if _, err := lock.TryLockContext(ctx, lockPoll); err != nil {
		return fmt.Errorf("blob store: lock: %w", err)
	}
	defer func() { _ = lock.Close() }()
	used, err := inUse(ctx, rel)
	if err != nil || used {
		return err
	}
	return s.Remove(rel)
}

func sameFile(a, b string) bool {
	sa, err := os.Stat(a)
	if err != nil {
		return false
	}
	sb, err := os.Stat(b)
	return err == nil && os.SameFile(sa, sb)
}

// syncDir makes a new name in dir durable; not every platform can sync a
// directory, so failures are ignored (the rename or link itself happened).
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
}

// Path is the file a blob is stored in.
func (s Store) Path(rel string) string { return filepath.Join(s.Dir, filepath.FromSlash(rel)) }

// Exists reports whether the blob is on disk.
func (s Store) Exists(rel string) bool {
	_, err := os.Stat(filepath.Join(s.Dir, rel))
	return err == nil
}
