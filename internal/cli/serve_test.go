package cli_test

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/opusblocks/opus/internal/cli"
)

// opus serve listens, answers, and stops cleanly when its context ends
// (SIGTERM in the binary).
func TestServeStartsAndStopsGracefully(t *testing.T) {
	newEnv(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out, w := io.Pipe()
	var errb strings.Builder
	done := make(chan int, 1)
	go func() {
		done <- cli.Main(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--json"}, cli.Stdio{In: strings.NewReader(""), Out: w, Err: &errb})
		_ = w.Close()
	}()
	var started struct {
		Addr    string `json:"addr"`
		Workers int    `json:"workers"`
	}
	dec := json.NewDecoder(bufio.NewReader(out))
	require.NoError(t, dec.Decode(&started))
	assert.Equal(t, 2, started.Workers)

	resp, err := http.Get("http://" + started.Addr + "/healthz")
	require.NoError(t, err)
	_ = resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	resp, err = http.Get("http://" + started.Addr + "/v1/documents")
	require.NoError(t, err)
	_ = resp.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)

	cancel()
	select {
	case code := <-done:
		assert.Equal(t, 0, code, errb.String())
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not stop")
	}
}
