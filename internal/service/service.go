// Package service is opus's use cases: what the CLI and the HTTP API call.
// It is the one layer that enforces the grounded-generation contract for
// every caller; the adapters above it only parse input and print output.
package service

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"path/filepath"
	"sync"
	"time"

	"github.com/gofrs/flock"

	"github.com/opusblocks/opus/internal/agents"
	"github.com/opusblocks/opus/internal/blobs"
	"github.com/opusblocks/opus/internal/config"
	"github.com/opusblocks/opus/internal/contract"
	"github.com/opusblocks/opus/internal/domain"
	"github.com/opusblocks/opus/internal/jobs"
	"github.com/opusblocks/opus/internal/llm"
	"github.com/opusblocks/opus/internal/pdftext"
	"github.com/opusblocks/opus/internal/store"
)

// JobsConfig tunes the job engine, which only the service drives.
type JobsConfig = jobs.Config

// Config holds the service's settings.
type Config struct {
	DataDir        string // blobs live under DataDir/blobs
	CacheDir       string // compiled PDF engine cache ("" = none)
	MaxUploadBytes int64
	MaxPages       int
	RepairRounds   int
	// VerbatimWords is the run of words copied from a quote at which a
	// sentence is marked verbatim (markVerbatim).
	VerbatimWords int
	Provider      llm.Provider
	Model         string
	Models        map[contract.Agent]string // per-agent models; Model is the fallback
	Temperature   float64
	// NoCache turns off answering identical temperature-0 requests from
	// earlier runs.
	NoCache bool
	// Concurrency bounds the model calls one job makes at once.
	Concurrency int
	Prompts     map[contract.Agent]string
	Jobs        JobsConfig
	Logger      *slog.Logger
	// Clock is the time accounts and tokens are judged by (time.Now when
	// nil); tests move it to expire tokens.
	Clock func() time.Time
	// PDFProgress, if set, hears of slow PDF engine start-up before it
	// makes a command wait (pdftext.Options.Progress): a line for a terminal.
	PDFProgress func(msg string)
}

// Defaults for fields left at zero, from the one table of defaults
// (config.Default).
var (
	DefaultMaxUploadBytes = int64(config.Default().Limits.UploadMB * (1 << 20))
	DefaultMaxPages       = config.Default().Limits.Pages
	DefaultRepairRounds   = config.Default().RepairRounds
	DefaultVerbatimWords  = config.Default().VerbatimWords
	DefaultConcurrency    = config.Default().OpenAI.MaxConcurrency
)

// Service is opus's application layer.
type Service struct {
	db     *store.DB
	engine *jobs.Engine
	cfg    Config
	blobs  blobs.Store

	pdfOnce sync.Once
	pdf     *pdftext.Extractor
	pdfErr  error

	sweepOnce sync.Once // blob store clean-up, at the first add

	ownsDB bool         // Open opened DB, so Close closes it
	lock   *flock.Flock // the SQLite data directory's job lock (StartWorkers)

	accountsOnce sync.Once
	acct         *accountState // accounts()
}

// New wires a service over an open database.
func New(ctx context.Context, db *store.DB, cfg Config) (*Service, error) {
	if cfg.MaxUploadBytes <= 0 {
		cfg.MaxUploadBytes = DefaultMaxUploadBytes
	}
	if cfg.MaxPages <= 0 {
		cfg.MaxPages = DefaultMaxPages
	}
	if cfg.VerbatimWords <= 0 {
		cfg.VerbatimWords = DefaultVerbatimWords
	}
	if cfg.RepairRounds < 0 {
		cfg.RepairRounds = DefaultRepairRounds
	}
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = DefaultConcurrency
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if cfg.Jobs.Logger == nil {
		cfg.Jobs.Logger = cfg.Logger
	}
	if cfg.Provider == nil {
		return nil, errors.New("service: no provider configured")
	}
	eng, err := jobs.New(ctx, db, cfg.Jobs)
	if err != nil {
		return nil, err
	}
	s := &Service{db: db, engine: eng, cfg: cfg, blobs: blobs.Store{Dir: filepath.Join(cfg.DataDir, "blobs")}}
	eng.Register(domain.KindExtractFacts, extractHandler{s})
	eng.Register(domain.KindGenerateParagraph, generateHandler{s})
	eng.Register(domain.KindVerifyParagraph, verifyHandler{s})
	return s, nil
}

// SetNoCache turns the runs cache off or on for later jobs.
func (s *Service) SetNoCache(off bool) { s.cfg.NoCache = off }

// agents returns the agents for one job: calls are recorded on the job and
// answered from the owner's earlier runs where the cache applies.
func (s *Service) agents(r *jobs.Run) *agents.Agents {
	a := &agents.Agents{
		Provider: s.cfg.Provider, Model: s.cfg.Model, Models: s.cfg.Models, Temperature: s.cfg.Temperature,
		Prompts: s.cfg.Prompts, Record: r.Record, Concurrency: s.cfg.Concurrency,
	}
	if !s.cfg.NoCache {
		a.Cache = runCache{r.Tenant()}
	}
	return a
}

// runCache looks answers up in the owner's runs.
type runCache struct{ tn *store.Tenant }

func (c runCache) Lookup(ctx context.Context, inputHash string) (*domain.Run, error) {
	return c.tn.CachedRun(ctx, inputHash)
}

func (s *Service) extractor(ctx context.Context) (*pdftext.Extractor, error) {
	s.pdfOnce.Do(func() {
		s.pdf, s.pdfErr = pdftext.New(ctx, pdftext.Options{CacheDir: s.cfg.CacheDir, MaxPages: s.cfg.MaxPages, Progress: s.cfg.PDFProgress})
	})
	return s.pdf, s.pdfErr
}

// Actor is who is calling: the owner and the trace id of this invocation.
type Actor struct {
	OwnerID string
	TraceID string
}

// jobError classifies a handler's error for the job engine: provider
// failures that retrying cannot fix end the job at once, and a model server
// that cannot answer is "unavailable" (the waiting command exits 6).
func jobError(err error) error {
	if llm.IsUnavailable(err) {
		err = domain.Wrap(err, domain.Unavailable, "%s", err.Error())
	}
	if llm.IsPermanent(err) {
		return jobs.Permanent(err)
	}
	return err
}
