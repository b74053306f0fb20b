package main

import (
	"bytes"
	"context"
	"encoding/json"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/opusblocks/opus/internal/store"
)

var opusBin string

// TestMain builds the real binary once: these tests kill it with SIGKILL.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "opus-bin-")
	if err != nil {
		panic(err)
	}
	opusBin = filepath.Join(dir, "opus")
	build := exec.Command("go", "build", "-o", opusBin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		os.Stderr.Write(out)
		panic(err)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func opusCmd(home string, args ...string) *exec.Cmd {
	c := exec.Command(opusBin, args...)
	c.Env = append(os.Environ(), "OPUS_HOME="+home, "XDG_CONFIG_HOME="+filepath.Join(home, "cfg"),
		"XDG_CACHE_HOME="+filepath.Join(os.TempDir(), "opus-test-cache"), "OPUS_PROFILE=", "OPUS_DB=")
	return c
}

func runOK(t *testing.T, home string, args ...string) []byte {
	t.Helper()
	var stderr bytes.Buffer
	c := opusCmd(home, args...)
	c.Stderr = &stderr
	out, err := c.Output()
	require.NoErrorf(t, err, "opus %v: %s", args, stderr.String())
	return out
}

type factRow struct {
	ID   string `json:"id"`
	Text string `json:"text"`
	Page int    `json:"page"`
}

// kill -9 of 'opus facts extract' on the 117-page paper at random moments,
// then a rerun: the job completes, no fact is duplicated, the database is
// sound, and the facts are exactly those of an uninterrupted run.
func TestKilledExtractionResumesWithoutDuplicates(t *testing.T) {
	if testing.Short() {
		t.Skip("kills real processes; run without -short")
	}
	// The largest test PDF: its extraction (~0.5 s) outlasts the 10-410 ms
	// kill window, where a smaller paper's would often finish first.
	const paper = "../../testdata/pdf/pysample_GeoTopo.pdf"

	clean := t.TempDir()
	runOK(t, clean, "doc", "add", paper)
	start := time.Now()
	runOK(t, clean, "facts", "extract", "D1")
	t.Logf("uninterrupted extraction took %s", time.Since(start))
	var want []factRow
	require.NoError(t, json.Unmarshal(runOK(t, clean, "facts", "list", "--json"), &want))
	require.GreaterOrEqual(t, len(want), 5)

	home := t.TempDir()
	runOK(t, home, "doc", "add", paper)
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
	kills := 0
	for i := 0; i < 8; i++ {
		c := opusCmd(home, "facts", "extract", "D1")
		require.NoError(t, c.Start())
		time.Sleep(time.Duration(10+rng.IntN(400)) * time.Millisecond)
		_ = c.Process.Signal(syscall.SIGKILL)
		_ = c.Wait()
		if ws, ok := c.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			kills++
		}
	}
	t.Logf("%d of 8 runs were killed before they finished", kills)

	// Whatever state the kills left, a rerun finishes the work.
	runOK(t, home, "facts", "extract", "D1")
	var jobs []struct {
		ID    string `json:"id"`
		State string `json:"state"`
	}
	require.NoError(t, json.Unmarshal(runOK(t, home, "jobs", "list", "--json"), &jobs))
	for _, j := range jobs {
		assert.Containsf(t, []string{"succeeded"}, j.State, "job %s left %s", j.ID, j.State)
	}

	var got []factRow
	require.NoError(t, json.Unmarshal(runOK(t, home, "facts", "list", "--json"), &got))
	seen := map[string]bool{}
	for _, f := range got {
		key := f.Text + "\x00" + string(rune(f.Page))
		assert.Falsef(t, seen[key], "fact duplicated: %q", f.Text)
		seen[key] = true
	}
	assert.Equal(t, len(want), len(got), "same facts as an uninterrupted run")

	db, err := store.Open(context.Background(), "sqlite:"+filepath.Join(home, "opus.db"))
	require.NoError(t, err)
	defer db.Close()
	res, err := db.IntegrityCheck(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "ok", res)
}
