package blobs

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// files lists every file of the store but its lock, relative to it.
func files(t *testing.T, s Store) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(s.Dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() == lockName {
			return err
		}
		rel, _ := filepath.Rel(s.Dir, p)
		out = append(out, rel)
		return nil
	})
	require.NoError(t, err)
	return out
}

func inUse(used bool) InUse {
	return func(context.Context, string) (bool, error) { return used, nil }
}

func TestStagePublishClose(t *testing.T) {
	ctx := context.Background()
	s := Store{Dir: t.TempDir()}
	data := []byte("some bytes")
	sum := Sum(data)

	p, err := s.Stage(ctx, sum, data)
	require.NoError(t, err)
	assert.False(t, s.Exists(p.Rel()), "not under its name before Publish")
	require.NoError(t, p.Publish())
	assert.True(t, p.Created())
	p.Close()
	assert.Equal(t, []string{Rel(sum)}, files(t, s), "only the blob is left")
	got, err := os.ReadFile(filepath.Join(s.Dir, Rel(sum)))
	require.NoError(t, err)
	assert.Equal(t, data, got)

	// The same bytes again: nothing new is created.
	p, err = s.Stage(ctx, sum, data)
	require.NoError(t, err)
	require.NoError(t, p.Publish())
	assert.False(t, p.Created())
	p.Close()
	assert.Equal(t, []string{Rel(sum)}, files(t, s))
}

// A process killed part-way through an add leaves its temp file (Close never
// runs); Sweep tells apart the adds that committed from those that did not.
func TestSweepUndoesInterruptedAdds(t *testing.T) {
	ctx := context.Background()
	for _, tt := range []struct {
		name      string
		published bool
		committed bool
		left      int // files left: the blob, if committed
		removed   int
	}{
		{"killed before publishing", false, false, 0, 1},
		{"killed after publishing, before the commit", true, false, 0, 2},
		{"killed after the commit", true, true, 1, 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := Store{Dir: t.TempDir()}
			data := []byte(tt.name)
			p, err := s.Stage(ctx, Sum(data), data)
			require.NoError(t, err)
			if tt.published {
				require.NoError(t, p.Publish())
			}
			// The process dies: its lock goes, its files stay.
			require.NoError(t, p.lock.Close())

			n, err := s.Sweep(ctx, inUse(tt.committed))
			require.NoError(t, err)
			assert.Len(t, files(t, s), tt.left)
			assert.Equal(t, tt.removed, n, "files removed")
			if tt.left == 1 {
				assert.True(t, s.Exists(Rel(Sum(data))))
			}
		})
	}
}

// A blob some row uses is never swept, even when a crashed add of the same
// bytes left a temp file behind.
func TestSweepKeepsBlobsInUse(t *testing.T) {
	ctx := context.Background()
	s := Store{Dir: t.TempDir()}
	data := []byte("shared")
	first, err := s.Stage(ctx, Sum(data), data)
	require.NoError(t, err)
	require.NoError(t, first.Publish())
	first.Close()
	second, err := s.Stage(ctx, Sum(data), data)
	require.NoError(t, err)
	require.NoError(t, second.Publish())
	require.NoError(t, second.lock.Close()) // killed

	_, err = s.Sweep(ctx, inUse(true))
	require.NoError(t, err)
	assert.Equal(t, []string{Rel(Sum(data))}, files(t, s))
}

// An add that is still running keeps Sweep away from its temp file.
func TestSweepWaitsForRunningAdds(t *testing.T) {
	ctx := context.Background()
	s := Store{Dir: t.TempDir()}
	data := []byte("in flight")
	p, err := s.Stage(ctx, Sum(data), data)
	require.NoError(t, err)
	require.NoError(t, p.Publish())

	n, err := s.Sweep(ctx, inUse(false))
	require.NoError(t, err)
	assert.Zero(t, n)
	assert.Len(t, files(t, s), 2, "temp file and blob of the running add stay")
	p.Close()
	assert.Equal(t, []string{Rel(Sum(data))}, files(t, s))
}

func TestSweepOfAMissingStore(t *testing.T) {
	n, err := Store{Dir: filepath.Join(t.TempDir(), "none")}.Sweep(context.Background(), inUse(false))
	require.NoError(t, err)
	assert.Zero(t, n)
}

func TestRemoveIfUnused(t *testing.T) {
	ctx := context.Background()
	s := Store{Dir: t.TempDir()}
	data := []byte("to remove")
	p, err := s.Stage(ctx, Sum(data), data)
	require.NoError(t, err)
	require.NoError(t, p.Publish())
	p.Close()

	require.NoError(t, s.RemoveIfUnused(ctx, Rel(Sum(data)), inUse(true)))
	assert.True(t, s.Exists(Rel(Sum(data))))
	require.NoError(t, s.RemoveIfUnused(ctx, Rel(Sum(data)), inUse(false)))
	assert.False(t, s.Exists(Rel(Sum(data))))

	// It waits for a running add rather than racing its commit.
	running, err := s.Stage(ctx, Sum(data), data)
	require.NoError(t, err)
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	assert.Error(t, s.RemoveIfUnused(cctx, Rel(Sum(data)), inUse(false)))
	running.Close()
}
