package cli

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/spf13/cobra"

	"github.com/opusblocks/opus/internal/domain"
	"github.com/opusblocks/opus/internal/server"
	"github.com/opusblocks/opus/internal/service"
)

type serveOptions struct {
	f         *Factory
	Addr      string
	Workers   int
	TLSCert   string
	TLSKey    string
	Signup    bool
	LogFormat string
	Model     modelFlags
	Export    exportFlags
}

func newCmdServe(f *Factory, runF func(context.Context, *serveOptions) error) *cobra.Command {
	o := &serveOptions{f: f}
	c := &cobra.Command{
		Use:   "serve",
		Short: "Serve the HTTP API (/v1) for multi-user installs, with job workers",
		Long: `Serves opus's operations as an HTTP API under /v1 (docs/serve.md; the OpenAPI document is at
/v1/openapi.json) and runs job workers in this process. Users and tokens are made with
'opus user' and 'opus token' on the same database. On Postgres, more workers can run
anywhere with 'opus worker'. Stops gracefully on SIGTERM or Ctrl-C.`,
		Example: examples("opus serve --db postgres://opus@db/opus --addr 0.0.0.0:8080 --workers 4",
			"opus serve --addr 127.0.0.1:0 --json   # a free port, printed as {\"addr\": …}"),
		Args: exactArgs(0),
		RunE: func(c *cobra.Command, _ []string) error {
			if (o.TLSCert == "") != (o.TLSKey == "") {
				return usageError(c, "--tls-cert and --tls-key go together")
			}
			return dispatch(c, o, runF, serveRun)
		},
	}
	c.Flags().StringVar(&o.Addr, "addr", "127.0.0.1:8080", "address to listen on (port 0 picks a free one)")
	c.Flags().StringVar(&o.TLSCert, "tls-cert", "", "serve HTTPS with this PEM certificate `FILE` (chain included)")
	c.Flags().StringVar(&o.TLSKey, "tls-key", "", "the PEM private key `FILE` of --tls-cert")
	c.Flags().BoolVar(&o.Signup, "allow-signup", false, "let anyone who reaches the server create an account (POST /v1/auth/signup)")
	c.Flags().IntVar(&o.Workers, "workers", -1, "job workers in this process (default: jobs.workers; 0 runs none)")
	addLogFormat(c, &o.LogFormat)
	addModelFlags(c, &o.Model)
	addExportFlags(c, &o.Export)
	return c
}

func serveRun(ctx context.Context, o *serveOptions) error {
	var tlsConfig *tls.Config
	if o.TLSCert != "" {
		// Loaded before anything starts, so a wrong file is a clear error
		// rather than a server that fails every handshake.
		cert, err := tls.LoadX509KeyPair(o.TLSCert, o.TLSKey)
		if err != nil {
			return domain.Errorf(domain.Invalid, "--tls-cert %s / --tls-key %s: %v", o.TLSCert, o.TLSKey, err)
		}
		tlsConfig = &tls.Config{MinVersion: tls.VersionTLS12, Certificates: []tls.Certificate{cert}}
	}
	st, svc, logger, err := o.f.startProcess(ctx, &o.Model, o.LogFormat, o.Workers)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", o.Addr)
	if err != nil {
		return domain.Errorf(domain.Invalid, "cannot listen on %s: %v", o.Addr, err)
	}
	srv := &http.Server{
		Handler: server.New(svc, server.Options{
			Version: buildInfo().Version, MaxUploadBytes: int64(st.Limits.UploadMB * (1 << 20)), Logger: logger,
			Workers: st.Jobs.Workers > 0, AllowSignup: o.Signup,
		}),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       5 * time.Minute, // a 50 MB upload on a slow link
		WriteTimeout:      2 * time.Minute, // long polls wait at most 1 minute
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
		TLSConfig:         tlsConfig,
	}
	addr, scheme := ln.Addr().String(), "http"
	if tlsConfig != nil {
		ln, scheme = tls.NewListener(ln, tlsConfig), "https"
	}
	err = o.f.render(o.Export, map[string]any{"addr": addr, "url": scheme + "://" + addr + "/v1", "workers": st.Jobs.Workers}, func(w io.Writer) {
		logger.Info("serving", "url", scheme+"://"+addr+"/v1", "workers", st.Jobs.Workers)
	})
	if err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return domain.Wrap(err, domain.Unavailable, "server stopped: %v", err)
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return domain.Wrap(err, domain.Unavailable, "graceful shutdown: %v", err)
	}
	logger.Info("stopped")
	return nil // a signal is how a server is meant to stop
}

// stopGrace is how long the jobs running in 'opus serve' or 'opus worker'
// may finish after SIGTERM; those still running then go back to the queue
// for another worker (docs/serve.md).
const stopGrace = 10 * time.Second

// startProcess starts a long-running command (serve, worker): its log,
// the service with the model settings, and workers jobs workers in this
// process (-1: jobs.workers; 0: none).
func (f *Factory) startProcess(ctx context.Context, m *modelFlags, logFormat string, workers int) (*settings, *service.Service, *slog.Logger, error) {
	logger, err := newLogger(f.IO.Err, logFormat)
	if err != nil {
		return nil, nil, nil, err
	}
	f.logger = logger
	f.stopGrace = stopGrace
	st, err := f.Settings(m)
	if err != nil {
		return nil, nil, nil, err
	}
	if workers >= 0 {
		st.Jobs.Workers = workers
	}
	svc, err := f.ServiceForModel(ctx, m)
	if err != nil {
		return nil, nil, nil, err
	}
	if st.Jobs.Workers > 0 {
		if err := svc.StartWorkers(ctx, func(msg string) { logger.Info(msg) }); err != nil {
			return nil, nil, nil, err
		}
	}
	return st, svc, logger, nil
}

func addLogFormat(c *cobra.Command, format *string) {
	c.Flags().StringVar(format, "log-format", "text", "log lines on stderr as text or json (log/slog)")
	_ = c.RegisterFlagCompletionFunc("log-format", cobra.FixedCompletions([]string{"text", "json"}, cobra.ShellCompDirectiveNoFileComp))
}

// newLogger is the structured log of a long-running command.
func newLogger(w io.Writer, format string) (*slog.Logger, error) {
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(w, nil)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, nil)), nil
	}
	return nil, domain.Errorf(domain.Invalid, "--log-format %q: use text or json", format)
}
