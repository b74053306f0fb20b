// Package cli is opus's command line: a thin adapter that parses flags,
// calls the service and prints results (human tables, or --json).
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/opusblocks/opus/internal/domain"
)

// Exit codes, one per error code: the only table that maps them.
var exitCodes = map[domain.Code]int{
	domain.Internal:        1,
	domain.Invalid:         2,
	domain.NotFound:        3,
	domain.Conflict:        4,
	domain.NotVerified:     5,
	domain.Unavailable:     6,
	domain.Unauthenticated: 7,
	domain.RateLimited:     8,
	domain.Cancelled:       130,
}

// ExitCode maps an error to the process exit status.
func ExitCode(err error) int {
	if err == nil {
		return 0
	}
	if c, ok := exitCodes[domain.ErrorCode(err)]; ok {
		return c
	}
	return 1
}

// Stdio are the streams of one invocation.
type Stdio struct {
	In       io.Reader
	Out, Err io.Writer
	// ErrIsTerminal turns on progress lines.
	ErrIsTerminal bool
}

// Main runs opus with args and returns the exit status. It never panics at
// a user: a panic becomes an internal error line.
func Main(ctx context.Context, args []string, stdio Stdio) (code int) {
	f := newFactory(stdio)
	defer func() {
		if p := recover(); p != nil {
			fmt.Fprintf(stdio.Err, "opus: internal error: %v (this is a bug; please report it)\n", p)
			code = 1
		}
		f.Close()
	}()
	root := newCmdRoot(f)
	root.SetArgs(args)
	root.SetIn(stdio.In)
	root.SetOut(stdio.Out)
	root.SetErr(stdio.Err)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return 0
	}
	var de *domain.Error
	if !errors.As(err, &de) {
		// Usage errors are typed where they arise (usage.go); anything
		// else untyped is a bug, reported with its cause.
		err = domain.Wrap(err, domain.Internal, "internal error: %s (this is a bug; please report it)", oneLine(err.Error()))
	}
	fmt.Fprintln(stdio.Err, "opus: "+safe(domain.ErrorMessage(err)))
	return ExitCode(err)
}

// newCmdRoot is the whole command tree over one factory.
func newCmdRoot(f *Factory) *cobra.Command {
	root := &cobra.Command{
		Use:   "opus",
		Short: "Grounded manuscript paragraphs: every sentence provably backed by a quoted fact",
		Long: `opus writes scientific paragraphs in which every sentence is provably grounded: facts are
extracted from your PDFs with a verbatim quote and page, a spec names the facts a paragraph
may use, and no sentence is shown before a verifier and deterministic guards pass it.`,
		Example: `  opus doc add paper.pdf
  opus facts extract D1
  opus para generate spec.yaml
  opus para trace P1`,
		SilenceUsage:  true,
		SilenceErrors: true,
		// A bad --jq expression is refused before any work is done.
		PersistentPreRunE: func(c *cobra.Command, _ []string) error {
			if fl := c.Flags().Lookup("jq"); fl != nil && fl.Value.String() != "" {
				_, err := compileJQ(fl.Value.String())
				return err
			}
			return nil
		},
	}
	pf := root.PersistentFlags()
	pf.StringVar(&f.ConfigFile, "config", "", "config file (default $XDG_CONFIG_HOME/opus/config.yaml)")
	pf.StringVar(&f.DB, "db", "", "database: sqlite:PATH or postgres://… (env OPUS_DB)")
	pf.StringVar(&f.Profile, "profile", "", "profile (tenant) to act as (env OPUS_PROFILE; default: 'opus profile use', else default)")
	f.profile = pf.Lookup("profile")
	_ = root.RegisterFlagCompletionFunc("profile", completeProfiles(f))
	root.SetFlagErrorFunc(flagError)
	root.AddCommand(
		newCmdDoc(f), newCmdFacts(f), newCmdPara(f), newCmdBuild(f, nil), newCmdJobs(f), newCmdRuns(f),
		newCmdProfile(f), newCmdMigrate(f, nil), newCmdEval(f, nil), newCmdConfig(f), newCmdModels(f, nil),
		newCmdVersion(f, nil), newCmdDocs(f),
		newCmdUser(f), newCmdToken(f), newCmdServe(f, nil), newCmdWorker(f, nil),
	)
	root.Version = buildInfo().String()
	root.SetVersionTemplate("{{.Version}}\n")
	return groupCommand(root)
}
