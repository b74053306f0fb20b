package server

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/opusblocks/opus/internal/domain"
	"github.com/opusblocks/opus/internal/service"
	"github.com/opusblocks/opus/internal/spec"
)

// Shared inputs.
type (
	handleIn struct {
		ID string `path:"id" doc:"a handle: D1, F3, P2, J4, R7"`
	}
	diagnosticsIn struct {
		ID          string `path:"id"`
		Diagnostics bool   `query:"diagnostics" doc:"include unverified texts, marked (as the CLI's --diagnostics)"`
	}
)

// body is a response with a JSON body.
type body[T any] struct {
	Status int `json:"-"`
	Body   T
}

func ok[T any](v T) *body[T] { return &body[T]{Status: http.StatusOK, Body: v} }

// listPage is a page of a list with the RFC 8288 link to the next one.
type listPage[T any] struct {
	Link string `header:"Link" doc:"the next page, when there may be one (RFC 8288 rel=next)"`
	Body []T
}

// pageOf makes a page of items: a full page links to the next, whose
// cursor is the last item's handle, keeping the list's filters.
func pageOf[T any](path string, keep url.Values, items []T, limit int, handle func(T) string) *listPage[T] {
	out := &listPage[T]{Body: orEmpty(items)}
	if len(items) == limit && limit > 0 {
		q := url.Values{}
		for k, v := range keep {
			q[k] = v
		}
		q.Set("cursor", handle(items[len(items)-1]))
		q.Set("limit", strconv.Itoa(limit))
		out.Link = "<" + path + "?" + q.Encode() + `>; rel="next"`
	}
	return out
}

func accepted[T any](v T) *body[T] { return &body[T]{Status: http.StatusAccepted, Body: v} }

// paragraphJob is what a paragraph-writing POST returns.
type paragraphJob struct {
	Paragraph service.ParagraphView `json:"paragraph"`
	Job       *domain.Job           `json:"job"`
}

func (s *server) routes() {
	s.authRoutes()
	s.documentRoutes()
	s.factRoutes()
	s.paragraphRoutes()
	s.jobRoutes()
}

func (s *server) authRoutes() {
	type loginIn struct {
		Body struct {
			Email    string `json:"email" maxLength:"320"`
			Password string `json:"password" maxLength:"1024"`
		}
	}
	register(s, huma.Operation{OperationID: "login", Method: http.MethodPost, Path: "/v1/auth/login", Tags: []string{"auth"},
		Summary: "Exchange an email and password for a bearer token", Security: []map[string][]string{}},
		func(ctx context.Context, _ service.Actor, in *loginIn) (*body[service.NewToken], error) {
			t, err := s.svc.Login(ctx, service.LoginInput{Email: in.Body.Email, Password: in.Body.Password, ClientAddr: clientAddr(ctx)})
			if err != nil {
				return nil, err
			}
			return ok(t), nil
		})
	if !s.opt.AllowSignup {
		return
	}
	register(s, huma.Operation{OperationID: "signup", Method: http.MethodPost, Path: "/v1/auth/signup", Tags: []string{"auth"},
		Summary: "Create an account and get a bearer token (only with opus serve --allow-signup)", Security: []map[string][]string{},
		DefaultStatus: http.StatusCreated},
		func(ctx context.Context, _ service.Actor, in *loginIn) (*body[service.NewToken], error) {
			t, err := s.svc.Signup(ctx, service.LoginInput{Email: in.Body.Email, Password: in.Body.Password, ClientAddr: clientAddr(ctx)})
			if err != nil {
				return nil, err
			}
			return &body[service.NewToken]{Status: http.StatusCreated, Body: t}, nil
		})
}

func (s *server) documentRoutes() {
	type listIn struct {
		Limit  int    `query:"limit" default:"100" minimum:"1" maximum:"1000" doc:"at most this many documents"`
		Cursor string `query:"cursor" doc:"the page after this document handle: the cursor of the Link header's next page"`
	}
	register(s, huma.Operation{OperationID: "list-documents", Method: http.MethodGet, Path: "/v1/documents", Tags: []string{"documents"},
		Summary: "List documents in handle order, a page at a time (Link: rel=next)"},
		func(ctx context.Context, a service.Actor, in *listIn) (*listPage[domain.Document], error) {
			ds, err := s.svc.DocumentsPage(ctx, a, in.Cursor, in.Limit)
			if err != nil {
				return nil, err
			}
			return pageOf("/v1/documents", nil, ds, in.Limit, func(d domain.Document) string { return d.Handle }), nil
		})
	type uploadIn struct {
		RawBody huma.MultipartFormFiles[struct {
			File huma.FormFile `form:"file" required:"true" doc:"a PDF, .txt or .md file"`
		}]
	}
	register(s, huma.Operation{OperationID: "add-document", Method: http.MethodPost, Path: "/v1/documents", Tags: []string{"documents"},
		Summary:      "Upload a document (multipart field 'file'); 201 when added, 200 when the same content was already stored",
		MaxBodyBytes: s.opt.MaxUploadBytes + 1<<20, DefaultStatus: http.StatusCreated},
		func(ctx context.Context, a service.Actor, in *uploadIn) (*body[*service.DocumentView], error) {
			f := in.RawBody.Data().File
			defer func() { _ = f.Close() }()
			res, err := s.svc.AddUpload(ctx, a, f.Filename, f)
			if err != nil {
				return nil, err
			}
			d, err := s.svc.Document(ctx, a, res.Document.Handle)
			if err != nil {
				return nil, err
			}
			status := http.StatusCreated
			if res.Existed {
				status = http.StatusOK
			}
			return &body[*service.DocumentView]{Status: status, Body: d}, nil
		})
	register(s, huma.Operation{OperationID: "get-document", Method: http.MethodGet, Path: "/v1/documents/{id}", Tags: []string{"documents"},
		Summary: "Get a document"},
		func(ctx context.Context, a service.Actor, in *handleIn) (*body[*service.DocumentView], error) {
			d, err := s.svc.Document(ctx, a, in.ID)
			return ok(d), err
		})
	type pageIn struct {
		ID   string `path:"id"`
		Page int    `path:"page" minimum:"1" doc:"the page number, from 1"`
	}
	register(s, huma.Operation{OperationID: "get-document-page", Method: http.MethodGet, Path: "/v1/documents/{id}/pages/{page}", Tags: []string{"documents"},
		Summary: "A page's text as it was extracted: what quotes are checked against"},
		func(ctx context.Context, a service.Actor, in *pageIn) (*body[*service.Page], error) {
			p, err := s.svc.DocumentPage(ctx, a, in.ID, in.Page)
			return ok(p), err
		})
	type removed struct {
		ID      string `json:"id"`
		Removed bool   `json:"removed"`
	}
	register(s, huma.Operation{OperationID: "delete-document", Method: http.MethodDelete, Path: "/v1/documents/{id}", Tags: []string{"documents"},
		Summary: "Remove a document, its pages and facts (refused while paragraphs use its facts)"},
		func(ctx context.Context, a service.Actor, in *handleIn) (*body[removed], error) {
			d, err := s.svc.RemoveDocument(ctx, a, in.ID)
			if err != nil {
				return nil, err
			}
			return ok(removed{ID: d.Handle, Removed: true}), nil
		})
	type extractIn struct {
		ID             string `path:"id"`
		IdempotencyKey string `header:"Idempotency-Key" doc:"a repeat with the same key (per user) returns the original job"`
	}
	register(s, huma.Operation{OperationID: "extract-facts", Method: http.MethodPost, Path: "/v1/documents/{id}/extract", Tags: []string{"documents"},
		Summary: "Start extracting a document's facts: 202 and the job", DefaultStatus: http.StatusAccepted},
		func(ctx context.Context, a service.Actor, in *extractIn) (*body[*domain.Job], error) {
			j, err := s.svc.ExtractFacts(ctx, a, in.ID, service.JobOptions{IdempotencyKey: in.IdempotencyKey})
			return accepted(j), err
		})
}

func (s *server) factRoutes() {
	type listIn struct {
		Document string `query:"document" doc:"only facts of this document, e.g. D1"`
		All      bool   `query:"all" doc:"include retracted facts"`
		Limit    int    `query:"limit" default:"100" minimum:"1" maximum:"1000" doc:"at most this many facts"`
		Cursor   string `query:"cursor" doc:"the page after this fact handle: the cursor of the Link header's next page"`
	}
	register(s, huma.Operation{OperationID: "list-facts", Method: http.MethodGet, Path: "/v1/facts", Tags: []string{"facts"},
		Summary: "List facts in handle order, a page at a time (Link: rel=next)"},
		func(ctx context.Context, a service.Actor, in *listIn) (*listPage[domain.Fact], error) {
			fs, err := s.svc.Facts(ctx, a, service.FactFilter{Doc: in.Document, Retracted: in.All, After: in.Cursor, Limit: in.Limit})
			if err != nil {
				return nil, err
			}
			keep := url.Values{}
			if in.Document != "" {
				keep.Set("document", in.Document)
			}
			if in.All {
				keep.Set("all", "true")
			}
			return pageOf("/v1/facts", keep, fs, in.Limit, func(f domain.Fact) string { return f.Handle }), nil
		})
	type searchIn struct {
		Q        string `query:"q" required:"true" maxLength:"1000" doc:"words to look for (any of them, stemmed)"`
		Limit    int    `query:"limit" default:"20" minimum:"1" maximum:"200"`
		AllWords bool   `query:"all_words" doc:"only facts holding every word"`
	}
	register(s, huma.Operation{OperationID: "search-facts", Method: http.MethodGet, Path: "/v1/facts/search", Tags: []string{"facts"},
		Summary: "Search facts, best matches first"},
		func(ctx context.Context, a service.Actor, in *searchIn) (*body[[]domain.Fact], error) {
			fs, err := s.svc.SearchFacts(ctx, a, service.FactSearch{Query: in.Q, Limit: in.Limit, AllWords: in.AllWords})
			return ok(orEmpty(fs)), err
		})
	register(s, huma.Operation{OperationID: "get-fact", Method: http.MethodGet, Path: "/v1/facts/{id}", Tags: []string{"facts"},
		Summary: "Get a fact with its quote, page and document, and the paragraphs citing it"},
		func(ctx context.Context, a service.Actor, in *handleIn) (*body[*service.FactView], error) {
			f, err := s.svc.Fact(ctx, a, in.ID)
			return ok(f), err
		})
	type addIn struct {
		Body struct {
			Text   string `json:"text" minLength:"1" maxLength:"2000"`
			Source string `json:"source" minLength:"1" maxLength:"1000" doc:"where the fact comes from, e.g. a lab notebook entry"`
			Kind   string `json:"kind,omitempty" enum:"finding,method,measurement,population,definition,background,limitation" default:"finding"`
		}
	}
	register(s, huma.Operation{OperationID: "add-fact", Method: http.MethodPost, Path: "/v1/facts", Tags: []string{"facts"},
		Summary: "Add a manual fact with its source", DefaultStatus: http.StatusCreated},
		func(ctx context.Context, a service.Actor, in *addIn) (*body[*domain.Fact], error) {
			f, err := s.svc.AddFact(ctx, a, in.Body.Text, in.Body.Source, in.Body.Kind)
			return &body[*domain.Fact]{Status: http.StatusCreated, Body: f}, err
		})
	type retracted struct {
		ID    string   `json:"id"`
		State string   `json:"state"`
		Stale []string `json:"stale_paragraphs"`
	}
	register(s, huma.Operation{OperationID: "retract-fact", Method: http.MethodPost, Path: "/v1/facts/{id}/retract", Tags: []string{"facts"},
		Summary: "Retract a fact; verified paragraphs citing it become stale"},
		func(ctx context.Context, a service.Actor, in *handleIn) (*body[retracted], error) {
			f, stale, err := s.svc.RetractFact(ctx, a, in.ID)
			if err != nil {
				return nil, err
			}
			return ok(retracted{ID: f.Handle, State: f.State, Stale: orEmpty(stale)}), nil
		})
}

func (s *server) paragraphRoutes() {
	type generateIn struct {
		IdempotencyKey string `header:"Idempotency-Key" doc:"a repeat with the same key (per user) returns the original job"`
		RawBody        []byte `contentType:"application/yaml"`
	}
	// The body is the spec as JSON or YAML, read and checked by the service
	// (spec.Parse) with messages that name the field; the document shows
	// its schema.
	register(s, huma.Operation{OperationID: "generate-paragraph", Method: http.MethodPost, Path: "/v1/paragraphs", Tags: []string{"paragraphs"},
		Summary: "Write and verify a paragraph from a spec: 202, the paragraph and its job", DefaultStatus: http.StatusAccepted, MaxBodyBytes: 256 << 10,
		SkipValidateBody: true,
		RequestBody: &huma.RequestBody{Required: true, Description: "the paragraph spec, as JSON or YAML",
			Content: map[string]*huma.MediaType{"application/json": {Schema: specSchema()}}}},
		func(ctx context.Context, a service.Actor, in *generateIn) (*body[paragraphJob], error) {
			p, j, err := s.svc.GenerateParagraph(ctx, a, in.RawBody, service.JobOptions{IdempotencyKey: in.IdempotencyKey})
			if err != nil {
				return nil, err
			}
			return s.paragraphJob(ctx, a, p, j)
		})
	type listIn struct {
		Limit  int    `query:"limit" default:"100" minimum:"1" maximum:"1000" doc:"at most this many paragraphs"`
		Cursor string `query:"cursor" doc:"the page after this paragraph handle: the cursor of the Link header's next page"`
	}
	register(s, huma.Operation{OperationID: "list-paragraphs", Method: http.MethodGet, Path: "/v1/paragraphs", Tags: []string{"paragraphs"},
		Summary: "List paragraphs and their states in handle order, a page at a time (Link: rel=next)"},
		func(ctx context.Context, a service.Actor, in *listIn) (*listPage[service.ParagraphSummary], error) {
			ps, err := s.svc.ParagraphsPage(ctx, a, in.Cursor, in.Limit)
			if err != nil {
				return nil, err
			}
			return pageOf("/v1/paragraphs", nil, ps, in.Limit, func(p service.ParagraphSummary) string { return p.Handle }), nil
		})
	register(s, huma.Operation{OperationID: "get-paragraph", Method: http.MethodGet, Path: "/v1/paragraphs/{id}", Tags: []string{"paragraphs"},
		Summary: "Get a paragraph: its text only when every sentence is verified (else 409, no text)"},
		func(ctx context.Context, a service.Actor, in *diagnosticsIn) (*body[*service.ParagraphView], error) {
			v, err := s.svc.ShowParagraph(ctx, a, in.ID, in.Diagnostics)
			return ok(v), err
		})
	type editIn struct {
		ID             string `path:"id"`
		IdempotencyKey string `header:"Idempotency-Key" doc:"a repeat with the same key (per user) returns the original job"`
		Body           struct {
			Text string `json:"text" minLength:"1" maxLength:"100000" doc:"one sentence per line with [F3] markers, as 'opus para edit' takes"`
		}
	}
	register(s, huma.Operation{OperationID: "edit-paragraph", Method: http.MethodPost, Path: "/v1/paragraphs/{id}/edit", Tags: []string{"paragraphs"},
		Summary: "Edit a paragraph; the new revision is verified before it is shown (200 and no job when the edit changes nothing)", DefaultStatus: http.StatusAccepted},
		func(ctx context.Context, a service.Actor, in *editIn) (*body[paragraphJob], error) {
			p, j, err := s.svc.EditParagraph(ctx, a, in.ID, in.Body.Text, service.JobOptions{IdempotencyKey: in.IdempotencyKey})
			if err != nil {
				return nil, err
			}
			out, err := s.paragraphJob(ctx, a, p, j)
			if err == nil && j == nil {
				out.Status = http.StatusOK // unchanged: nothing queued, job null
			}
			return out, err
		})
	register(s, huma.Operation{OperationID: "trace-paragraph", Method: http.MethodGet, Path: "/v1/paragraphs/{id}/trace", Tags: []string{"paragraphs"},
		Summary: "Everything that produced a paragraph: spec, facts and quotes, jobs, runs, revisions"},
		func(ctx context.Context, a service.Actor, in *diagnosticsIn) (*body[*service.Trace], error) {
			tr, err := s.svc.TraceParagraph(ctx, a, in.ID, in.Diagnostics)
			return ok(tr), err
		})
}

// paragraphJob answers a paragraph-writing POST: the paragraph as it is
// now (queued: no text) and its job.
func (s *server) paragraphJob(ctx context.Context, a service.Actor, p *domain.Paragraph, j *domain.Job) (*body[paragraphJob], error) {
	v, err := s.svc.ShowParagraph(ctx, a, p.Handle, false)
	if err != nil && domain.ErrorCode(err) != domain.NotVerified {
		return nil, err
	}
	return accepted(paragraphJob{Paragraph: *v, Job: j}), nil
}

func (s *server) jobRoutes() {
	type listIn struct {
		Limit  int    `query:"limit" default:"50" minimum:"1" maximum:"1000"`
		Cursor string `query:"cursor" doc:"the page of jobs older than this job handle: the cursor of the Link header's next page"`
	}
	register(s, huma.Operation{OperationID: "list-jobs", Method: http.MethodGet, Path: "/v1/jobs", Tags: []string{"jobs"},
		Summary: "List jobs, newest first, a page at a time (Link: rel=next)"},
		func(ctx context.Context, a service.Actor, in *listIn) (*listPage[domain.Job], error) {
			js, err := s.svc.JobsPage(ctx, a, in.Cursor, in.Limit)
			if err != nil {
				return nil, err
			}
			return pageOf("/v1/jobs", nil, js, in.Limit, func(j domain.Job) string { return j.Handle }), nil
		})
	type getIn struct {
		ID   string `path:"id"`
		Wait string `query:"wait" doc:"long poll: wait up to this long (e.g. 30s, at most 60s) for the job to finish"`
	}
	register(s, huma.Operation{OperationID: "get-job", Method: http.MethodGet, Path: "/v1/jobs/{id}", Tags: []string{"jobs"},
		Summary: "Get a job; with ?wait=30s, once it finishes or the time is up"},
		func(ctx context.Context, a service.Actor, in *getIn) (*body[*domain.Job], error) {
			j, err := s.svc.Job(ctx, a, in.ID)
			if err != nil || in.Wait == "" {
				return ok(j), err
			}
			wait, perr := time.ParseDuration(in.Wait)
			if perr != nil || wait < 0 {
				return nil, domain.Errorf(domain.Invalid, "wait=%q: give a duration such as 30s", in.Wait)
			}
			wctx, cancel := context.WithTimeout(ctx, min(wait, time.Minute))
			defer cancel()
			done, err := s.svc.WaitJob(wctx, a, j.ID, nil)
			if err != nil && (errors.Is(err, context.DeadlineExceeded) || wctx.Err() != nil) && ctx.Err() == nil {
				done, err = s.svc.Job(ctx, a, in.ID) // time is up: the job as it is
			}
			return ok(done), err
		})
	register(s, huma.Operation{OperationID: "cancel-job", Method: http.MethodPost, Path: "/v1/jobs/{id}/cancel", Tags: []string{"jobs"},
		Summary: "Cancel a queued or running job"},
		func(ctx context.Context, a service.Actor, in *handleIn) (*body[*domain.Job], error) {
			j, err := s.svc.CancelJob(ctx, a, in.ID)
			return ok(j), err
		})
	register(s, huma.Operation{OperationID: "retry-job", Method: http.MethodPost, Path: "/v1/jobs/{id}/retry", Tags: []string{"jobs"},
		Summary: "Queue a failed or cancelled job again", DefaultStatus: http.StatusAccepted},
		func(ctx context.Context, a service.Actor, in *handleIn) (*body[*domain.Job], error) {
			j, err := s.svc.RetryJob(ctx, a, in.ID)
			return accepted(j), err
		})
	type runsIn struct {
		Job    string `query:"job" doc:"only runs of this job, e.g. J2"`
		Agent  string `query:"agent" enum:"librarian,writer,verifier,"`
		Limit  int    `query:"limit" default:"50" minimum:"1" maximum:"1000"`
		Cursor string `query:"cursor" doc:"the page of runs older than this run handle: the cursor of the Link header's next page"`
	}
	register(s, huma.Operation{OperationID: "list-runs", Method: http.MethodGet, Path: "/v1/runs", Tags: []string{"runs"},
		Summary: "List model calls, newest first, a page at a time (Link: rel=next)"},
		func(ctx context.Context, a service.Actor, in *runsIn) (*listPage[domain.Run], error) {
			rs, err := s.svc.Runs(ctx, a, service.RunFilter{Job: in.Job, Agent: in.Agent, Limit: in.Limit, Before: in.Cursor})
			if err != nil {
				return nil, err
			}
			keep := url.Values{}
			if in.Job != "" {
				keep.Set("job", in.Job)
			}
			if in.Agent != "" {
				keep.Set("agent", in.Agent)
			}
			return pageOf("/v1/runs", keep, rs, in.Limit, func(r domain.Run) string { return r.Handle }), nil
		})
	register(s, huma.Operation{OperationID: "run-stats", Method: http.MethodGet, Path: "/v1/runs/stats", Tags: []string{"runs"},
		Summary: "Calls, tokens and cost by agent, model and day"},
		func(ctx context.Context, a service.Actor, _ *struct{}) (*body[*service.RunSummary], error) {
			st, err := s.svc.RunSummary(ctx, a)
			return ok(st), err
		})
	register(s, huma.Operation{OperationID: "get-run", Method: http.MethodGet, Path: "/v1/runs/{id}", Tags: []string{"runs"},
		Summary: "Get one model call with its request and response"},
		func(ctx context.Context, a service.Actor, in *diagnosticsIn) (*body[*domain.Run], error) {
			r, err := s.svc.Run(ctx, a, in.ID, in.Diagnostics)
			return ok(r), err
		})
}

// specSchema is the paragraph spec's JSON Schema as an OpenAPI schema: its
// one definition inlined.
func specSchema() *huma.Schema {
	var doc map[string]any
	if err := json.Unmarshal(spec.SchemaJSON(), &doc); err != nil {
		panic("server: the spec schema is not JSON: " + err.Error())
	}
	defs, _ := doc["$defs"].(map[string]any)
	var inline func(v any) any
	inline = func(v any) any {
		switch x := v.(type) {
		case map[string]any:
			if ref, ok := x["$ref"].(string); ok {
				if d, ok := defs[strings.TrimPrefix(ref, "#/$defs/")]; ok {
					return d
				}
			}
			for k, e := range x {
				x[k] = inline(e)
			}
		case []any:
			for i, e := range x {
				x[i] = inline(e)
			}
		}
		return v
	}
	delete(doc, "$schema")
	delete(doc, "$defs")
	raw, _ := json.Marshal(inline(doc))
	var sch huma.Schema
	if err := json.Unmarshal(raw, &sch); err != nil {
		panic("server: the spec schema is not an OpenAPI schema: " + err.Error())
	}
	return &sch
}

// orEmpty makes a nil list an empty one: JSON [] rather than null.
func orEmpty[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}

// clientAddrKey carries the client's address for the login throttle.
type clientAddrKey struct{}

func clientAddr(ctx context.Context) string {
	s, _ := ctx.Value(clientAddrKey{}).(string)
	return s
}
