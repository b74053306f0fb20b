package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/spf13/pflag"

	"github.com/opusblocks/opus/internal/domain"
	"github.com/opusblocks/opus/internal/llm"
	"github.com/opusblocks/opus/internal/prompts"
	"github.com/opusblocks/opus/internal/service"
)

// Factory gives every command what it needs, built lazily on first use:
// the streams, the settings, the model provider, the service and the
// profile the command acts as. A command's constructor takes the factory and
// binds its flags into its own options struct; nothing is opened until its
// run function asks, so argv → options is testable without a database.
type Factory struct {
	IO Stdio

	// The global flags, on every command.
	ConfigFile string
	DB         string
	Profile    string
	profile    *pflag.Flag // to tell an explicit --profile from the default

	// logger, when set before the service opens (serve, worker), hears
	// the service's and the job engine's logs.
	logger *slog.Logger
	// stopGrace, set before the service opens (serve, worker), is how long
	// running jobs may finish once the process is told to stop; other
	// commands interrupt them at once (Ctrl-C), to resume on the next run.
	stopGrace time.Duration

	settings *settings
	prov     *provider
	svc      *service.Service
	actor    service.Actor
}

// newFactory is the factory of one invocation.
func newFactory(stdio Stdio) *Factory { return &Factory{IO: stdio} }

// Settings reads the config once and lays over it the global flags and,
// for a model-calling command, its model flags (m may be nil).
func (f *Factory) Settings(m *modelFlags) (*settings, error) {
	if f.settings != nil {
		return f.settings, nil
	}
	flags := map[string]string{}
	if f.DB != "" {
		flags["db"] = f.DB
	}
	if f.profile != nil && f.profile.Changed {
		flags["profile"] = f.Profile
	}
	if m != nil {
		for key, val := range map[string]string{"provider": m.Provider, "model": m.Model} {
			if val != "" {
				flags[key] = val
			}
		}
	}
	st, err := loadSettings(f.ConfigFile, flags)
	if err != nil {
		return nil, err
	}
	f.settings = st
	return st, nil
}

// Provider resolves the model provider of a model-calling command.
func (f *Factory) Provider(m *modelFlags) (*settings, *provider, error) {
	st, err := f.Settings(m)
	if err != nil {
		return nil, nil, err
	}
	if f.prov == nil {
		if f.prov, err = buildProvider(st, m); err != nil {
			return nil, nil, err
		}
	}
	return st, f.prov, nil
}

// Service opens the database and the service without choosing a profile
// (the profile commands manage them). Commands that call no model get a
// provider that refuses, so no configuration of models can break them.
func (f *Factory) Service(ctx context.Context) (*service.Service, error) {
	return f.openService(ctx, nil)
}

// ServiceForModel is Service for a command whose jobs call models but that
// acts for no one profile (the server and the workers).
func (f *Factory) ServiceForModel(ctx context.Context, m *modelFlags) (*service.Service, error) {
	svc, err := f.openService(ctx, m)
	if err != nil {
		return nil, err
	}
	return svc, f.prov.require()
}

// Open opens the service and resolves the profile the command acts as.
func (f *Factory) Open(ctx context.Context) (*service.Service, service.Actor, error) {
	return f.open(ctx, nil)
}

// OpenForModel is Open for a command that starts a job calling a model: the
// provider comes from the settings and m, and a missing model is refused
// before any job is created.
func (f *Factory) OpenForModel(ctx context.Context, m *modelFlags) (*service.Service, service.Actor, error) {
	svc, actor, err := f.open(ctx, m)
	if err != nil {
		return nil, service.Actor{}, err
	}
	return svc, actor, f.prov.require()
}

func (f *Factory) open(ctx context.Context, m *modelFlags) (*service.Service, service.Actor, error) {
	svc, err := f.openService(ctx, m)
	if err != nil {
		return nil, service.Actor{}, err
	}
	if f.actor.OwnerID == "" {
		owner, err := svc.Profile(ctx, f.settings.profile())
		if err != nil {
			return nil, service.Actor{}, err
		}
		f.actor = service.Actor{OwnerID: owner.ID, TraceID: domain.NewID()}
	}
	return svc, f.actor, nil
}

func (f *Factory) openService(ctx context.Context, m *modelFlags) (*service.Service, error) {
	if f.svc != nil {
		return f.svc, nil
	}
	st, err := f.Settings(m)
	if err != nil {
		return nil, err
	}
	prov := &provider{Provider: noModel{}}
	if m != nil {
		if _, prov, err = f.Provider(m); err != nil {
			return nil, err
		}
	}
	logger := f.logger
	switch {
	case logger != nil:
	case os.Getenv("OPUS_LOG") != "":
		logger = slog.New(slog.NewTextHandler(f.IO.Err, nil))
	default:
		logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	svc, err := service.Open(ctx, st.dbURL(), service.Config{
		DataDir:        st.dataDir,
		CacheDir:       st.cacheDir,
		PDFProgress:    func(msg string) { f.progressf("%s…", msg) },
		MaxUploadBytes: int64(st.Limits.UploadMB * (1 << 20)),
		MaxPages:       st.Limits.Pages,
		RepairRounds:   st.RepairRounds,
		VerbatimWords:  st.VerbatimWords,
		Provider:       prov.Provider,
		Model:          prov.model,
		Models:         prov.models,
		NoCache:        m != nil && m.NoCache,
		Temperature:    st.Temperature,
		Prompts:        prompts.Versions(),
		Jobs: service.JobsConfig{MaxAttempts: st.Jobs.MaxAttempts, Workers: st.Jobs.Workers,
			BaseBackoff: st.Jobs.Backoff, JobTimeout: st.Jobs.Timeout, StopGrace: f.stopGrace, Logger: logger},
		Logger: logger,
	})
	if err != nil {
		return nil, err
	}
	f.svc = svc
	return svc, nil
}

// Close releases what the invocation opened; a cassette that cannot be
// written is said on stderr.
func (f *Factory) Close() {
	if f.prov != nil && f.prov.close != nil {
		if err := f.prov.close(); err != nil {
			fmt.Fprintln(f.IO.Err, "opus: "+err.Error())
		}
	}
	if f.svc != nil {
		_ = f.svc.Close()
	}
}

// noModel is the provider of commands that call no model: reaching it is a
// bug, reported as one.
type noModel struct{}

func (noModel) Name() string { return "none" }

func (noModel) Complete(context.Context, llm.Request) (llm.Response, error) {
	return llm.Response{}, errors.New("this command calls no model")
}
