// Command opus writes scientific paragraphs in which every sentence is
// provably grounded in a quoted fact.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/opusblocks/opus/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, os.Args[1:], cli.Stdio{In: os.Stdin, Out: os.Stdout, Err: os.Stderr, ErrIsTerminal: cli.IsTerminal(os.Stderr)})
	stop()
	os.Exit(code)
}
