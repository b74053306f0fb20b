// Package cli is opus's command line: a thin adapter that parses flags,
// calls the service and prints results (human tables, or --json).
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/opusblocks/opus/internal/domain"
	"github.com/opusblocks/opus/internal/jobs"
	"github.com/opusblocks/opus/internal/prompts"
	"github.com/opusblocks/opus/internal/service"
	"github.com/opusblocks/opus/internal/store"
)

// Exit codes, one per error code: the only table that maps them.
var exitCodes = map[domain.Code]int{
	domain.Internal:    1,
	domain.Invalid:     2,
	domain.NotFound:    3,
	domain.Conflict:    4,
	domain.NotVerified: 5,
	domain.Unavailable: 6,
	domain.Cancelled:   130,
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

// app is the state of one invocation, built lazily by the commands that
// need the database.
type app struct {
	io       Stdio
	json     bool
	cfgFile  string
	dbFlag   string
	profile  string
	provider string
	model    string
	noCache  bool
	record   string
	cassette string
	baseURL  string
	detach   bool
	idemKey  string

	root     *cobra.Command
	prov     *provider
	settings *settings
	svc      *service.Service
	actor    service.Actor
	lock     *dirLock
}

// Main runs opus with args and returns the exit status. It never panics at
// a user: a panic becomes an internal error line.
func Main(ctx context.Context, args []string, stdio Stdio) (code int) {
	a := &app{io: stdio}
	defer func() {
		if p := recover(); p != nil {
			fmt.Fprintf(stdio.Err, "opus: internal error: %v (this is a bug; please report it)\n", p)
			code = 1
		}
		a.close()
	}()
	root := a.commands()
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

func (a *app) commands() *cobra.Command {
	root := &cobra.Command{
		Use:           "opus",
		Short:         "Grounded manuscript paragraphs: every sentence provably backed by a quoted fact",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	pf := root.PersistentFlags()
	pf.BoolVar(&a.json, "json", false, "print JSON on stdout (stable, documented in docs/cli-json.md)")
	pf.StringVar(&a.cfgFile, "config", "", "config file (default $XDG_CONFIG_HOME/opus/config.yaml)")
	pf.StringVar(&a.dbFlag, "db", "", "database: sqlite:PATH or postgres://… (env OPUS_DB)")
	pf.StringVar(&a.profile, "profile", "", "profile (tenant) to act as (env OPUS_PROFILE; default: 'opus profile use', else default)")
	pf.StringVar(&a.provider, "provider", "", "model provider: offline|openai|replay (env OPUS_PROVIDER; default openai when OPENAI_API_KEY is set, else offline)")
	pf.StringVar(&a.model, "model", "", "model for every agent (config: model, models.librarian|writer|verifier)")
	pf.BoolVar(&a.noCache, "no-cache", false, "do not answer identical temperature-0 requests from earlier runs")
	pf.StringVar(&a.record, "record", "", "record every model answer to this cassette file (JSONL)")
	pf.StringVar(&a.cassette, "cassette", "", "cassette to answer from, with --provider replay")
	pf.StringVar(&a.baseURL, "base-url", "", "OpenAI-compatible server, e.g. http://localhost:11434/v1 (env OPENAI_BASE_URL)")
	a.root = root
	root.SetFlagErrorFunc(flagError)
	root.AddCommand(a.docCmd(), a.factsCmd(), a.paraCmd(), a.jobsCmd(), a.runsCmd(), a.profileCmd(), a.migrateCmd(), a.evalCmd(), a.configCmd(), a.modelsCmd(), a.versionCmd())
	root.Version = buildInfo().String()
	root.SetVersionTemplate("{{.Version}}\n")
	return groupCommand(root)
}

// jobFlags adds --detach and --idempotency-key to a job-starting command.
func (a *app) jobFlags(c *cobra.Command) {
	c.Flags().BoolVar(&a.detach, "detach", false, "queue the job, print its handle and return without waiting")
	c.Flags().StringVar(&a.idemKey, "idempotency-key", "", "a repeat with the same key returns the original job")
}

// loadSettings reads the config and lays the global flags the user set
// over it.
func (a *app) loadSettings() (*settings, error) {
	flags := map[string]string{}
	for key, val := range map[string]string{"db": a.dbFlag, "provider": a.provider, "model": a.model} {
		if val != "" {
			flags[key] = val
		}
	}
	if a.root.PersistentFlags().Changed("profile") {
		flags["profile"] = a.profile
	}
	st, err := loadSettings(a.cfgFile, flags)
	if err != nil {
		return nil, err
	}
	a.settings = st
	return st, nil
}

// open opens the service and resolves the profile the command acts as.
func (a *app) open(ctx context.Context) error {
	if a.actor.OwnerID != "" {
		return nil
	}
	if err := a.openService(ctx); err != nil {
		return err
	}
	owner, err := a.svc.Profile(ctx, a.settings.profile())
	if err != nil {
		return err
	}
	a.actor = service.Actor{OwnerID: owner.ID, TraceID: domain.NewID()}
	return nil
}

// openService loads settings and opens the database and the service,
// without choosing a profile (the profile commands manage them).
func (a *app) openService(ctx context.Context) error {
	if a.svc != nil {
		return nil
	}
	st, err := a.loadSettings()
	if err != nil {
		return err
	}
	prov, err := a.buildProvider(st)
	if err != nil {
		return err
	}
	db, err := store.Open(ctx, st.dbURL())
	if err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	if os.Getenv("OPUS_LOG") != "" {
		logger = slog.New(slog.NewTextHandler(a.io.Err, nil))
	}
	svc, err := service.New(ctx, db, service.Config{
		DataDir:        st.dataDir,
		CacheDir:       st.cacheDir,
		PDFProgress:    func(msg string) { a.progressf("%s…", msg) },
		MaxUploadBytes: int64(st.Limits.UploadMB * (1 << 20)),
		MaxPages:       st.Limits.Pages,
		RepairRounds:   st.RepairRounds,
		Provider:       prov.Provider,
		Model:          prov.model,
		Models:         prov.models,
		NoCache:        a.noCache,
		Temperature:    st.Temperature,
		Prompts:        prompts.Versions(),
		Jobs: jobs.Config{MaxAttempts: st.Jobs.MaxAttempts, Workers: st.Jobs.Workers,
			BaseBackoff: st.Jobs.Backoff, JobTimeout: st.Jobs.Timeout, Logger: logger},
		Logger: logger,
	})
	if err != nil {
		db.Close()
		return err
	}
	a.svc = svc
	a.prov = prov
	return nil
}

func (a *app) close() {
	if a.prov != nil && a.prov.close != nil {
		if err := a.prov.close(); err != nil {
			fmt.Fprintln(a.io.Err, "opus: "+err.Error())
		}
	}
	if a.svc != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = a.svc.Engine.Stop(ctx)
		_ = a.svc.Close()
		_ = a.svc.DB.Close()
	}
	if a.lock != nil {
		a.lock.Unlock()
	}
}
