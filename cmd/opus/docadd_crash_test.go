//go:build unix

package main

import (
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/opusblocks/opus/internal/store"
)

// kill -9 of 'opus doc add' at random moments, then any other add: every
// blob on disk belongs to a document row, every row has its blob, and no
// temp file is left.
func TestKilledDocAddLeavesNoBlobWithoutRow(t *testing.T) {
	if testing.Short() {
		t.Skip("kills real processes; run without -short")
	}
	dir := t.TempDir()
	// Big enough that an add takes a while: hashing, writing, 100+ pages.
	body := strings.Repeat("The trial enrolled 120 patients at four centres and followed them for a year.\n\n", 100_000)
	input := func(i int) string {
		p := filepath.Join(dir, "paper.txt")
		require.NoError(t, os.WriteFile(p, []byte("Version "+string(rune('A'+i))+".\n\n"+body), 0o600))
		return p
	}

	start := time.Now()
	runOK(t, t.TempDir(), "doc", "add", input(0))
	took := time.Since(start)
	t.Logf("an uninterrupted add takes %s", took)

	home := t.TempDir()
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 13))
	kills := 0
	for i := 0; i < 10; i++ {
		c := opusCmd(home, "doc", "add", input(i))
		require.NoError(t, c.Start())
		time.Sleep(time.Duration(rng.Int64N(int64(took) * 6 / 5)))
		_ = c.Process.Signal(syscall.SIGKILL)
		_ = c.Wait()
		if ws, ok := c.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			kills++
		}
	}
	t.Logf("%d of 10 adds were killed before they finished", kills)

	// The next add sweeps what the kills left.
	runOK(t, home, "doc", "add", input(10))

	db, err := store.Open(context.Background(), "sqlite:"+filepath.Join(home, "opus.db"))
	require.NoError(t, err)
	defer db.Close()
	var rows []string
	require.NoError(t, db.X.Select(&rows, `SELECT blob_path FROM documents`))
	var files []string
	root := filepath.Join(home, "blobs")
	require.NoError(t, filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || p == filepath.Join(root, ".lock") {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		files = append(files, rel)
		return nil
	}))
	sort.Strings(rows)
	sort.Strings(files)
	assert.Equal(t, rows, files, "blobs on disk are exactly those the rows reference, and no temp file is left")
	assert.GreaterOrEqual(t, len(rows), 1)
}
