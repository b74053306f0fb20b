// Package blobs keeps source files content-addressed on disk: a file's path
// is derived from its sha256, so adding the same bytes twice stores them once.
package blobs

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
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

// Put writes data under its hash (atomically: temp file, fsync, rename) and
// returns the relative path. Existing blobs are left as they are.
func (s Store) Put(sum string, data []byte) (string, error) {
	rel := Rel(sum)
	path := filepath.Join(s.Dir, rel)
	if _, err := os.Stat(path); err == nil {
		return rel, nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return "", fmt.Errorf("blob store: %w", err)
	}
	f, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return "", fmt.Errorf("blob store: %w", err)
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(data); err != nil {
		f.Close()
		return "", fmt.Errorf("blob store: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return "", fmt.Errorf("blob store: %w", err)
	}
	if err := f.Close(); err != nil {
		return "", fmt.Errorf("blob store: %w", err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return "", fmt.Errorf("blob store: %w", err)
	}
	return rel, nil
}

// Remove deletes a blob; a missing one is not an error.
func (s Store) Remove(rel string) error {
	err := os.Remove(filepath.Join(s.Dir, rel))
	if os.IsNotExist(err) {
		return nil
	}
	return err
}

// Exists reports whether the blob is on disk.
func (s Store) Exists(rel string) bool {
	_, err := os.Stat(filepath.Join(s.Dir, rel))
	return err == nil
}
