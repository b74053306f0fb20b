package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"

	"github.com/opusblocks/opus/internal/domain"
	"github.com/opusblocks/opus/internal/service"
)

// newPassword reads a new password for email: one line of stdin with
// --password-stdin (fromStdin), else typed twice on the terminal without
// echo. Without a terminal and without --password-stdin it refuses, rather
// than read a password that is echoed or in a file by accident. The
// password is never written anywhere.
func (f *Factory) newPassword(ctx context.Context, cmdPath, email string, fromStdin bool) (string, error) {
	if fromStdin {
		return readPasswordLine(f.IO.In, cmdPath)
	}
	in, ok := f.IO.In.(*os.File)
	if !ok || !term.IsTerminal(int(in.Fd())) {
		return "", domain.Errorf(domain.Invalid, "stdin is not a terminal: pipe the password in and pass --password-stdin (see '%s --help')", cmdPath)
	}
	pw, err := promptPassword(ctx, in, f.IO.Err, fmt.Sprintf("New password for %s: ", safe(email)))
	if err != nil {
		return "", err
	}
	again, err := promptPassword(ctx, in, f.IO.Err, "Repeat the password: ")
	if err != nil {
		return "", err
	}
	if pw != again {
		return "", domain.Errorf(domain.Invalid, "the two passwords differ; nothing was changed")
	}
	return pw, nil
}

// readPasswordLine reads a password from r: everything up to one final
// line break, which is dropped.
func readPasswordLine(r io.Reader, cmdPath string) (string, error) {
	if r == nil {
		r = strings.NewReader("")
	}
	b, err := io.ReadAll(io.LimitReader(r, service.MaxPasswordBytes+3))
	if err != nil {
		return "", domain.Wrap(err, domain.Invalid, "cannot read the password from stdin: %v", err)
	}
	if len(b) > service.MaxPasswordBytes+2 {
		return "", domain.Errorf(domain.Invalid, "the password on stdin is too long (at most %d bytes)", service.MaxPasswordBytes)
	}
	b = bytes.TrimSuffix(b, []byte("\n"))
	b = bytes.TrimSuffix(b, []byte("\r"))
	if len(b) == 0 {
		return "", domain.Errorf(domain.Invalid, "no password on stdin (see '%s --help')", cmdPath)
	}
	if bytes.ContainsAny(b, "\r\n") {
		return "", domain.Errorf(domain.Invalid, "--password-stdin reads one line, and stdin has several")
	}
	return string(b), nil
}

// promptPassword asks on w and reads one line from the terminal in with
// echo off. Interrupted, it puts the terminal back as it was.
func promptPassword(ctx context.Context, in *os.File, w io.Writer, prompt string) (string, error) {
	fd := int(in.Fd())
	state, err := term.GetState(fd)
	if err != nil {
		return "", domain.Wrap(err, domain.Invalid, "cannot use the terminal: %v", err)
	}
	fmt.Fprint(w, prompt)
	type answer struct {
		b   []byte
		err error
	}
	ch := make(chan answer, 1)
	go func() {
		b, err := term.ReadPassword(fd)
		ch <- answer{b, err}
	}()
	select {
	case a := <-ch:
		fmt.Fprintln(w)
		if a.err != nil {
			return "", domain.Wrap(a.err, domain.Invalid, "cannot read the password: %v", a.err)
		}
		return string(a.b), nil
	case <-ctx.Done():
		_ = term.Restore(fd, state)
		fmt.Fprintln(w)
		return "", domain.Wrap(ctx.Err(), domain.Cancelled, "cancelled")
	}
}
