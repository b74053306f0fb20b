package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/spf13/cobra"

	"github.com/opusblocks/opus/internal/domain"
	"github.com/opusblocks/opus/internal/server"
)

type serveOptions struct {
	f       *Factory
	Addr    string
	Workers int
	Model   modelFlags
	Export  exportFlags
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
			return dispatch(c, o, runF, serveRun)
		},
	}
	c.Flags().StringVar(&o.Addr, "addr", "127.0.0.1:8080", "address to listen on (port 0 picks a free one)")
	c.Flags().IntVar(&o.Workers, "workers", -1, "job workers in this process (default: jobs.workers; 0 runs none)")
	addModelFlags(c, &o.Model)
	addExportFlags(c, &o.Export)
	return c
}

func serveRun(ctx context.Context, o *serveOptions) error {
	st, err := o.f.Settings(&o.Model)
	if err != nil {
		return err
	}
	if o.Workers >= 0 {
		st.Jobs.Workers = o.Workers
	}
	svc, err := o.f.ServiceForModel(ctx, &o.Model)
	if err != nil {
		return err
	}
	if st.Jobs.Workers > 0 {
		if err := svc.StartWorkers(ctx, func(msg string) { fmt.Fprintln(o.f.IO.Err, "opus: "+msg) }); err != nil {
			return err
		}
	}
	ln, err := net.Listen("tcp", o.Addr)
	if err != nil {
		return domain.Errorf(domain.Invalid, "cannot listen on %s: %v", o.Addr, err)
	}
	logger := slog.New(slog.NewTextHandler(o.f.IO.Err, nil))
	srv := &http.Server{
		Handler: server.New(svc, server.Options{
			Version: buildInfo().Version, MaxUploadBytes: int64(st.Limits.UploadMB * (1 << 20)), Logger: logger,
			Workers: st.Jobs.Workers > 0,
		}),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       5 * time.Minute, // a 50 MB upload on a slow link
		WriteTimeout:      2 * time.Minute, // long polls wait at most 1 minute
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	addr := ln.Addr().String()
	err = o.f.render(o.Export, map[string]any{"addr": addr, "workers": st.Jobs.Workers}, func(w io.Writer) {
		fmt.Fprintf(o.f.IO.Err, "opus: serving http://%s/v1 with %s\n", addr, plural(st.Jobs.Workers, "job worker"))
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
	return nil // a signal is how a server is meant to stop
}
