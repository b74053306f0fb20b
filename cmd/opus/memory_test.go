//go:build linux || darwin

package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/opusblocks/opus/internal/service"
)

// memoryCeiling is the most a single opus command may use on the largest
// file it accepts.
const memoryCeiling = 512 << 20

// peakRSS is the most memory a finished command held at once, in bytes.
func peakRSS(t *testing.T, c *exec.Cmd) int64 {
	t.Helper()
	ru, ok := c.ProcessState.SysUsage().(*syscall.Rusage)
	require.True(t, ok, "no resource usage for %v", c.Args)
	if runtime.GOOS == "darwin" {
		return ru.Maxrss // bytes there, kilobytes on Linux
	}
	return ru.Maxrss << 10
}

// writeLargestText writes a text file of exactly the upload limit: first
// prose paragraphs of distinct claims (the work of the librarian), then one
// line of 'a' without a break (the worst case for paging and for sentence
// splitting).
func writeLargestText(t *testing.T, path string, proseBytes int) {
	t.Helper()
	f, err := os.Create(path)
	require.NoError(t, err)
	w := bufio.NewWriterSize(f, 1<<20)
	n := 0
	for i := 0; n < proseBytes; i++ {
		s := fmt.Sprintf("In cohort %d the treatment reduced LDL cholesterol by %d%% in %d patients over %d weeks. ", i, i%90+1, 100+i, i%50+2)
		if i%7 == 6 {
			s += "\n\n"
		}
		k, _ := w.WriteString(s)
		n += k
	}
	line := bytes.Repeat([]byte("a"), 1<<20)
	for rest := int(service.DefaultMaxUploadBytes) - n; rest > 0; rest -= len(line) {
		_, _ = w.Write(line[:min(rest, len(line))])
	}
	require.NoError(t, w.Flush())
	require.NoError(t, f.Close())
	st, err := os.Stat(path)
	require.NoError(t, err)
	require.Equal(t, service.DefaultMaxUploadBytes, st.Size())
}

// 'opus doc add' and 'opus facts extract' (offline) on the largest text file
// opus accepts each stay under memoryCeiling. Time is logged, not judged.
func TestLargestTextFileStaysUnderMemoryCeiling(t *testing.T) {
	if testing.Short() {
		t.Skip("writes and reads 50 MB; run without -short")
	}
	home := t.TempDir()
	input := filepath.Join(t.TempDir(), "largest.txt")
	writeLargestText(t, input, 8<<20)

	for _, args := range [][]string{{"doc", "add", input}, {"facts", "extract", "D1"}} {
		c := opusCmd(home, args...)
		var stderr bytes.Buffer
		c.Stderr = &stderr
		start := time.Now()
		out, err := c.Output()
		require.NoErrorf(t, err, "opus %s: %s", strings.Join(args[:2], " "), stderr.String())
		rss := peakRSS(t, c)
		t.Logf("opus %s: %s, %s, peak RSS %d MB", strings.Join(args[:2], " "), strings.TrimSpace(string(out)),
			time.Since(start).Round(100*time.Millisecond), rss>>20)
		assert.LessOrEqualf(t, rss, int64(memoryCeiling), "opus %s peaked at %d MB", strings.Join(args[:2], " "), rss>>20)
	}

	var doc struct {
		Pages int `json:"pages"`
	}
	require.NoError(t, json.Unmarshal(runOK(t, home, "doc", "show", "D1", "--json"), &doc))
	assert.LessOrEqual(t, doc.Pages, 2*int(service.DefaultMaxUploadBytes)/service.MaxTextPageBytes)
	var facts []factRow
	require.NoError(t, json.Unmarshal(runOK(t, home, "facts", "list", "--json"), &facts))
	assert.NotEmpty(t, facts, "the prose yields facts")
}
