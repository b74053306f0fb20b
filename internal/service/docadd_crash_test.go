//go:build unix

package service_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/opusblocks/opus/internal/llm/offline"
	"github.com/opusblocks/opus/internal/prompts"
	"github.com/opusblocks/opus/internal/service"
	"github.com/opusblocks/opus/internal/store"
	"github.com/opusblocks/opus/internal/store/storetest"
)

// The steps of adding a document, in order (see service.crashPoint).
var addSteps = []string{"staged", "inserted", "published", "committed"}

// A process killed with SIGKILL at each step of 'doc add' leaves, once the
// next add has swept the blob store, either the complete document (row and
// blob) or nothing: never a blob without a row, a row without a blob or a
// temp file.
func TestDocAddKilledAtEachStepLeavesAllOrNothing(t *testing.T) {
	if step := os.Getenv("OPUS_TEST_CRASH_STEP"); step != "" {
		addAndDie(t, step)
		return
	}
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			for _, step := range addSteps {
				t.Run(step, func(t *testing.T) {
					ctx := context.Background()
					dsn, data := b.Open(t), t.TempDir()
					input := writeText(t, "crash.txt", "Killed at "+step+": the trial enrolled 120 patients at four centres.\n")

					child := exec.Command(os.Args[0], "-test.run=^TestDocAddKilledAtEachStepLeavesAllOrNothing$", "-test.count=1")
					child.Env = append(os.Environ(), "OPUS_TEST_CRASH_STEP="+step, "OPUS_TEST_CRASH_DSN="+dsn,
						"OPUS_TEST_CRASH_DATA="+data, "OPUS_TEST_CRASH_FILE="+input)
					out, err := child.CombinedOutput()
					var ee *exec.ExitError
					require.Truef(t, errors.As(err, &ee), "the child must be killed, got %v: %s", err, out)
					ws, _ := ee.Sys().(syscall.WaitStatus)
					require.Truef(t, ws.Signaled() && ws.Signal() == syscall.SIGKILL, "the child must die of SIGKILL at %q: %s", step, out)

					// The crash left a temp file, and from "published" on the blob too.
					temps, _ := filepath.Glob(filepath.Join(data, "blobs", "*", ".tmp-*"))
					assert.Len(t, temps, 1, "temp file left by the crash")
					blobs, _ := filepath.Glob(filepath.Join(data, "blobs", "*", "[0-9a-f]*"))
					assert.Len(t, blobs, map[bool]int{true: 1, false: 0}[step == "published" || step == "committed"])

					db, err := store.Open(ctx, dsn)
					require.NoError(t, err)
					defer db.Close()
					svc, a := openService(t, db, data)
					// Any add sweeps first.
					_, err = svc.AddDocument(ctx, a, writeText(t, "other.txt", "Another document was added after the crash of the first one.\n"))
					require.NoError(t, err)
					assertBlobsMatchRows(t, db, data)

					// The file can be added again: it is there if the crash came after the commit.
					res, err := svc.AddDocument(ctx, a, input)
					require.NoError(t, err)
					assert.Equal(t, step == "committed", res.Existed)
					assertBlobsMatchRows(t, db, data)
				})
			}
		})
	}
}

// addAndDie is the child of the test above: it adds a file and kills itself
// with SIGKILL at step, so no deferred clean-up runs.
func addAndDie(t *testing.T, step string) {
	ctx := context.Background()
	db, err := store.Open(ctx, os.Getenv("OPUS_TEST_CRASH_DSN"))
	require.NoError(t, err)
	svc, a := openService(t, db, os.Getenv("OPUS_TEST_CRASH_DATA"))
	service.SetCrashPoint(func(s string) {
		if s == step {
			_ = syscall.Kill(os.Getpid(), syscall.SIGKILL)
			select {} // the signal is on its way
		}
	})
	_, err = svc.AddDocument(ctx, a, os.Getenv("OPUS_TEST_CRASH_FILE"))
	t.Fatalf("AddDocument returned (%v) instead of reaching step %q", err, step)
}

func openService(t *testing.T, db *store.DB, data string) (*service.Service, service.Actor) {
	t.Helper()
	svc, err := service.New(context.Background(), db, service.Config{
		DataDir: data, Provider: offline.New(), Model: offline.Model, Prompts: prompts.Versions(),
	})
	require.NoError(t, err)
	t.Cleanup(func() { _ = svc.Close() })
	owner, err := svc.Profile(context.Background(), "default")
	require.NoError(t, err)
	return svc, service.Actor{OwnerID: owner.ID, TraceID: "trace-test"}
}

// assertBlobsMatchRows checks that the blob store holds exactly the blobs
// the documents reference, and nothing else.
func assertBlobsMatchRows(t *testing.T, db *store.DB, data string) {
	t.Helper()
	var rows []string
	require.NoError(t, db.X.Select(&rows, `SELECT blob_path FROM documents`))
	var files []string
	root := filepath.Join(data, "blobs")
	require.NoError(t, filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || p == filepath.Join(root, ".lock") {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		assert.Falsef(t, strings.HasPrefix(d.Name(), ".tmp-"), "temp file left: %s", rel)
		files = append(files, rel)
		return nil
	}))
	sort.Strings(rows)
	sort.Strings(files)
	assert.Equal(t, rows, files, "blobs on disk are exactly those the rows reference")
}
