// Package server is opus's HTTP API: the service's operations under /v1,
// JSON in and out with the field names of the CLI's --json output
// (docs/cli-json.md), errors as RFC 9457 problem documents, and the OpenAPI
// 3.1 document generated from the handlers' Go types at /v1/openapi.json.
// Like the CLI it is a thin adapter: every rule lives in the service.
package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"

	"github.com/opusblocks/opus/internal/domain"
	"github.com/opusblocks/opus/internal/service"
)

// Options tune the API.
type Options struct {
	// Version is reported in the OpenAPI document.
	Version string
	// MaxUploadBytes bounds a document upload's body (the service's limit
	// plus room for the multipart envelope).
	MaxUploadBytes int64
	// Workers says this process runs job workers: /readyz checks them.
	Workers bool
	// AllowSignup offers POST /v1/auth/signup: anyone who can reach the
	// server may create an account.
	AllowSignup bool
	Logger      *slog.Logger
}

// statusOf is the one table from the domain's error codes to HTTP statuses.
// A paragraph that is not verified is a conflict with its state: 409, and
// its text is never in the body.
var statusOf = map[domain.Code]int{
	domain.Invalid:         http.StatusUnprocessableEntity,
	domain.NotFound:        http.StatusNotFound,
	domain.Conflict:        http.StatusConflict,
	domain.NotVerified:     http.StatusConflict,
	domain.Unavailable:     http.StatusServiceUnavailable,
	domain.Unauthenticated: http.StatusUnauthorized,
	domain.RateLimited:     http.StatusTooManyRequests,
	domain.Cancelled:       http.StatusConflict,
	domain.Internal:        http.StatusInternalServerError,
}

// problem turns a service error into a problem document. Errors that are
// not the domain's are bugs: the client gets a generic message, the log the
// cause.
func (s *server) problem(ctx context.Context, err error) error {
	var se huma.StatusError
	if errors.As(err, &se) {
		return err
	}
	code := domain.ErrorCode(err)
	status, ok := statusOf[code]
	if !ok {
		status = http.StatusInternalServerError
	}
	msg := domain.ErrorMessage(err)
	var de *domain.Error
	if !errors.As(err, &de) || status == http.StatusInternalServerError {
		s.log.ErrorContext(ctx, "request failed", "error", err)
		msg = "internal error; the server's log has the cause"
	}
	em := &huma.ErrorModel{Status: status, Title: http.StatusText(status), Detail: msg, Type: "https://opus.dev/problems/" + string(code)}
	if after, ok := service.RetryAfter(err); ok {
		return huma.ErrorWithHeaders(em, http.Header{"Retry-After": {fmt.Sprint(int(math.Ceil(after.Seconds())))}})
	}
	return em
}

type server struct {
	svc     *service.Service
	api     huma.API
	log     *slog.Logger
	opt     Options
	metrics *metrics
}

// actorKey carries the authenticated caller in a request's context.
type actorKey struct{}

// bearer is the security scheme of every route but login and health.
var bearer = []map[string][]string{{"bearer": {}}}

// New builds the API's handler over the service.
func New(svc *service.Service, opt Options) http.Handler {
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	if opt.MaxUploadBytes <= 0 {
		opt.MaxUploadBytes = 50 << 20
	}
	mux := http.NewServeMux()
	cfg := huma.DefaultConfig("opus", opt.Version)
	cfg.OpenAPIPath = "/v1/openapi"
	cfg.DocsPath = ""
	cfg.SchemasPath = ""
	cfg.CreateHooks = nil // no $schema links: bodies are exactly the CLI's --json
	cfg.Components.SecuritySchemes = map[string]*huma.SecurityScheme{
		"bearer": {Type: "http", Scheme: "bearer", Description: "a token from POST /v1/auth/login or 'opus token create'"},
	}
	s := &server{svc: svc, log: opt.Logger, opt: opt, metrics: newMetrics(svc)}
	s.api = humago.New(mux, cfg)
	s.api.UseMiddleware(s.observe, s.authenticate)
	mux.Handle("GET /metrics", s.metrics.handler())
	s.routes()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok\n")) })
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		if err := svc.Ready(r.Context(), opt.Workers); err != nil {
			w.Header().Set("Content-Type", "application/problem+json")
			w.WriteHeader(http.StatusServiceUnavailable)
			_ = json.NewEncoder(w).Encode(huma.ErrorModel{Status: http.StatusServiceUnavailable, Title: "Service Unavailable", Detail: domain.ErrorMessage(err)})
			return
		}
		_, _ = w.Write([]byte("ready\n"))
	})
	return mux
}

// authenticate resolves the bearer token of every operation that needs
// one; the handler then finds the caller with actor(ctx).
func (s *server) authenticate(ctx huma.Context, next func(huma.Context)) {
	ctx = huma.WithValue(ctx, clientAddrKey{}, ctx.RemoteAddr())
	if len(ctx.Operation().Security) == 0 {
		next(ctx)
		return
	}
	token, ok := strings.CutPrefix(ctx.Header("Authorization"), "Bearer ")
	if !ok || strings.TrimSpace(token) == "" {
		ctx.SetHeader("WWW-Authenticate", `Bearer realm="opus"`)
		_ = huma.WriteErr(s.api, ctx, http.StatusUnauthorized, "missing bearer token: send 'Authorization: Bearer TOKEN' (POST /v1/auth/login gives one)")
		return
	}
	a, err := s.svc.Authenticate(ctx.Context(), strings.TrimSpace(token))
	if err != nil {
		ctx.SetHeader("WWW-Authenticate", `Bearer realm="opus", error="invalid_token"`)
		status := statusOf[domain.ErrorCode(err)]
		if status == 0 {
			status = http.StatusInternalServerError
		}
		_ = huma.WriteErr(s.api, ctx, status, domain.ErrorMessage(err))
		return
	}
	a.TraceID = requestTrace(ctx.Context())
	next(huma.WithValue(ctx, actorKey{}, a))
}

// actor is the authenticated caller of a request.
func actor(ctx context.Context) service.Actor {
	a, _ := ctx.Value(actorKey{}).(service.Actor)
	return a
}

// register adds an authenticated operation whose errors are mapped by
// problem: the one wrapper every handler goes through.
func register[I, O any](s *server, op huma.Operation, h func(ctx context.Context, a service.Actor, in *I) (*O, error)) {
	if op.Security == nil {
		op.Security = bearer
	}
	huma.Register(s.api, op, func(ctx context.Context, in *I) (*O, error) {
		out, err := h(ctx, actor(ctx), in)
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		return out, nil
	})
}
