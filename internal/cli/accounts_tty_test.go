//go:build linux

package cli_test

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/opusblocks/opus/internal/cli"
	"github.com/opusblocks/opus/internal/llm/offline"
	"github.com/opusblocks/opus/internal/service"
)

// terminal is the user's side of a pseudo-terminal that opus reads a
// password from: what it displays, and typing into it.
type terminal struct {
	t        *testing.T
	ptmx     *os.File
	tty      *os.File
	mu       sync.Mutex
	screen   bytes.Buffer
	copyDone chan struct{}
}

func newTerminal(t *testing.T) *terminal {
	ptmx, tty, err := pty.Open()
	require.NoError(t, err)
	term := &terminal{t: t, ptmx: ptmx, tty: tty, copyDone: make(chan struct{})}
	go func() {
		defer close(term.copyDone)
		buf := make([]byte, 1024)
		for {
			n, err := ptmx.Read(buf)
			term.mu.Lock()
			term.screen.Write(buf[:n])
			term.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() { tty.Close(); ptmx.Close(); <-term.copyDone })
	return term
}

func (term *terminal) shown() string {
	term.mu.Lock()
	defer term.mu.Unlock()
	return term.screen.String()
}

// typeAt waits until the terminal shows the nth prompt and has echo off,
// then types line.
func (term *terminal) typeAt(prompt string, nth int, line string) {
	term.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for strings.Count(term.shown(), prompt) < nth || echoOn(term.t, term.tty) {
		require.True(term.t, time.Now().Before(deadline), "waited for prompt %q; shown: %q", prompt, term.shown())
		time.Sleep(5 * time.Millisecond)
	}
	_, err := io.WriteString(term.ptmx, line+"\n")
	require.NoError(term.t, err)
}

func echoOn(t *testing.T, tty *os.File) bool {
	tio, err := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS)
	require.NoError(t, err)
	return tio.Lflag&unix.ECHO != 0
}

// Without --password-stdin on a terminal, opus asks twice without echo;
// the two must match; and the terminal is left echoing again.
func TestPasswordIsPromptedTwiceWithoutEcho(t *testing.T) {
	newEnv(t)
	db := "sqlite:" + filepath.Join(t.TempDir(), "server.db")
	const pw = "typed at a terminal 42"
	// run types first and then again at the two prompts of opus args.
	run := func(first, again string, args ...string) (int, string, *terminal) {
		term := newTerminal(t)
		var out, errb bytes.Buffer
		done := make(chan int)
		go func() {
			done <- cli.Main(context.Background(), append(args, "--db", db), cli.Stdio{In: term.tty, Out: &out, Err: io.MultiWriter(term.tty, &errb)})
		}()
		term.typeAt("New password for ", 1, first)
		term.typeAt("Repeat the password: ", 1, again)
		select {
		case code := <-done:
			return code, out.String() + errb.String(), term
		case <-time.After(30 * time.Second):
			t.Fatal("opus did not return")
			return 0, "", nil
		}
	}

	code, printed, term := run(pw, pw, "user", "add", "ada@example.org")
	require.Equal(t, 0, code, printed)
	assert.Contains(t, printed, "added user ada@example.org")
	assert.NotContains(t, term.shown(), pw, "the password was not echoed")
	assert.NotContains(t, printed, pw)
	assert.True(t, echoOn(t, term.tty), "echo is back on")

	svc, err := service.Open(context.Background(), db, service.Config{DataDir: t.TempDir(), Provider: offline.New()})
	require.NoError(t, err)
	defer func() { _ = svc.Close() }()
	_, err = svc.Login(context.Background(), service.LoginInput{Email: "ada@example.org", Password: pw})
	require.NoError(t, err, "the password typed is the one stored")

	// The two entries differ: nothing is created or changed.
	code, printed, term = run(pw, pw+"x", "user", "add", "bob@example.org")
	assert.Equal(t, 2, code, printed)
	assert.Contains(t, printed, "the two passwords differ")
	assert.NotContains(t, term.shown(), pw)
	code, printed, _ = run("a new password 43", "a new password 44", "user", "passwd", "ada@example.org")
	assert.Equal(t, 2, code, printed)
	users, err := svc.Users(context.Background())
	require.NoError(t, err)
	assert.Len(t, users, 1)
	_, err = svc.Login(context.Background(), service.LoginInput{Email: "ada@example.org", Password: pw})
	require.NoError(t, err, "the password is unchanged")

	code, printed, term = run("a new password 43", "a new password 43", "user", "passwd", "ada@example.org")
	require.Equal(t, 0, code, printed)
	assert.NotContains(t, term.shown(), "a new password 43")
	_, err = svc.Login(context.Background(), service.LoginInput{Email: "ada@example.org", Password: "a new password 43"})
	require.NoError(t, err)

	// Interrupted at the prompt (Ctrl-C): cancelled, and echo is back on.
	term = newTerminal(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int)
	go func() {
		done <- cli.Main(ctx, []string{"user", "add", "cy@example.org", "--db", db}, cli.Stdio{In: term.tty, Out: io.Discard, Err: term.tty})
	}()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(term.shown(), "New password for ") || echoOn(t, term.tty) {
		require.True(t, time.Now().Before(deadline), "no prompt: %q", term.shown())
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	assert.Equal(t, 130, <-done)
	assert.True(t, echoOn(t, term.tty), "echo is back on after an interrupt")
	// The abandoned read (a process would have exited) ends with a line.
	_, err = io.WriteString(term.ptmx, "\n")
	require.NoError(t, err)
}
