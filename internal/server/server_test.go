package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/opusblocks/opus/internal/jobs"
	"github.com/opusblocks/opus/internal/llm/offline"
	"github.com/opusblocks/opus/internal/prompts"
	"github.com/opusblocks/opus/internal/server"
	"github.com/opusblocks/opus/internal/service"
	"github.com/opusblocks/opus/internal/store/storetest"
	"github.com/opusblocks/opus/internal/testpdf"
)

// api is a running server over a fresh database, on each backend.
type api struct {
	t   *testing.T
	url string
	svc *service.Service
}

func newAPI(t *testing.T, dsn string) *api {
	t.Helper()
	ctx := context.Background()
	svc, err := service.Open(ctx, dsn, service.Config{
		DataDir: t.TempDir(), CacheDir: filepath.Join(os.TempDir(), "opus-test-cache", "opus", "wazero"),
		Provider: offline.New(), Model: offline.Model, Prompts: prompts.Versions(),
		Jobs: jobs.Config{PollEvery: 20 * time.Millisecond, BaseBackoff: 10 * time.Millisecond},
	})
	require.NoError(t, err)
	require.NoError(t, svc.StartWorkers(ctx, nil))
	srv := httptest.NewServer(server.New(svc, server.Options{Version: "test"}))
	t.Cleanup(func() { srv.Close(); _ = svc.Close() })
	return &api{t: t, url: srv.URL, svc: svc}
}

// user creates an account and logs in through the API; it returns the token.
func (a *api) user(email string) string {
	a.t.Helper()
	_, err := a.svc.AddUser(context.Background(), email, "correct horse battery staple")
	require.NoError(a.t, err)
	var tok struct {
		Token string `json:"token"`
	}
	a.do("", http.MethodPost, "/v1/auth/login", map[string]string{"email": email, "password": "correct horse battery staple"}, http.StatusOK, &tok)
	require.True(a.t, strings.HasPrefix(tok.Token, "opus_"), tok.Token)
	return tok.Token
}

// do sends a request (JSON body when body is not nil and not a *bytes.Buffer
// of a multipart form) and checks its status; out, when given, gets the body.
func (a *api) do(token, method, path string, body any, status int, out any, header ...string) *http.Response {
	a.t.Helper()
	var rd io.Reader
	ctype := ""
	switch b := body.(type) {
	case nil:
	case multipartBody:
		rd, ctype = b.buf, b.ctype
	case string:
		rd, ctype = strings.NewReader(b), "application/json"
	default:
		raw, err := json.Marshal(b)
		require.NoError(a.t, err)
		rd, ctype = bytes.NewReader(raw), "application/json"
	}
	req, err := http.NewRequest(method, a.url+path, rd)
	require.NoError(a.t, err)
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(a.t, err)
	defer func() { _ = resp.Body.Close() }()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(a.t, err)
	require.Equalf(a.t, status, resp.StatusCode, "%s %s: %s", method, path, raw)
	if resp.StatusCode >= 400 {
		assert.Equal(a.t, "application/problem+json", resp.Header.Get("Content-Type"), "%s %s", method, path)
	}
	if out != nil {
		require.NoErrorf(a.t, json.Unmarshal(raw, out), "%s %s: %s", method, path, raw)
	}
	return resp
}

type multipartBody struct {
	buf   *bytes.Buffer
	ctype string
}

func upload(t *testing.T, path string) multipartBody {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	part, err := w.CreateFormFile("file", filepath.Base(path))
	require.NoError(t, err)
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	_, err = part.Write(data)
	require.NoError(t, err)
	require.NoError(t, w.Close())
	return multipartBody{&buf, w.FormDataContentType()}
}

type job struct {
	ID    string `json:"id"`
	State string `json:"state"`
}

// The smoke path of the issue, and what another user sees of it.
func TestUploadExtractWriteAndIsolation(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			a := newAPI(t, b.Open(t))
			alice, bob := a.user("alice@example.org"), a.user("Bob@Example.org")

			var doc struct {
				ID    string `json:"id"`
				Pages int    `json:"pages"`
			}
			a.do(alice, http.MethodPost, "/v1/documents", upload(t, filepath.Join(testpdf.Dir(), "cermine_test2.pdf")), http.StatusCreated, &doc)
			assert.Equal(t, "D1", doc.ID)
			assert.Equal(t, 6, doc.Pages)
			// The same content again is the stored document.
			a.do(alice, http.MethodPost, "/v1/documents", upload(t, filepath.Join(testpdf.Dir(), "cermine_test2.pdf")), http.StatusOK, &doc)

			var j, again job
			a.do(alice, http.MethodPost, "/v1/documents/D1/extract", nil, http.StatusAccepted, &j, "Idempotency-Key", "k1")
			a.do(alice, http.MethodPost, "/v1/documents/D1/extract", nil, http.StatusAccepted, &again, "Idempotency-Key", "k1")
			assert.Equal(t, j.ID, again.ID, "a repeated key returns the original job")
			a.do(alice, http.MethodGet, "/v1/jobs/"+j.ID+"?wait=30s", nil, http.StatusOK, &j)
			require.Equal(t, "succeeded", j.State)

			var facts []struct {
				ID    string `json:"id"`
				Quote string `json:"quote"`
			}
			a.do(alice, http.MethodGet, "/v1/facts?document=D1", nil, http.StatusOK, &facts)
			require.Greater(t, len(facts), 3)

			spec := `{"section": "results", "intent": "Report the findings.", "facts": ["F2", "F3"]}`
			var pj struct {
				Paragraph struct {
					ID   string `json:"id"`
					Text string `json:"text"`
				} `json:"paragraph"`
				Job job `json:"job"`
			}
			a.do(alice, http.MethodPost, "/v1/paragraphs", spec, http.StatusAccepted, &pj)
			assert.Empty(t, pj.Paragraph.Text, "no text before verification")
			a.do(alice, http.MethodGet, "/v1/jobs/"+pj.Job.ID+"?wait=30s", nil, http.StatusOK, &j)
			require.Equal(t, "succeeded", j.State)
			var para struct {
				State string `json:"state"`
				Text  string `json:"text"`
			}
			a.do(alice, http.MethodGet, "/v1/paragraphs/"+pj.Paragraph.ID, nil, http.StatusOK, &para)
			assert.Equal(t, "verified", para.State)
			assert.Contains(t, para.Text, "[F2]")

			// Bob sees none of it: 404, never 403, never data; his lists are empty.
			for _, path := range []string{"/v1/documents/D1", "/v1/facts/F1", "/v1/paragraphs/P1", "/v1/paragraphs/P1/trace", "/v1/jobs/J1", "/v1/runs/R1"} {
				a.do(bob, http.MethodGet, path, nil, http.StatusNotFound, nil)
			}
			a.do(bob, http.MethodPost, "/v1/documents/D1/extract", nil, http.StatusNotFound, nil)
			a.do(bob, http.MethodDelete, "/v1/documents/D1", nil, http.StatusNotFound, nil)
			var list []any
			for _, path := range []string{"/v1/documents", "/v1/facts", "/v1/paragraphs", "/v1/jobs", "/v1/runs", "/v1/facts/search?q=heart"} {
				a.do(bob, http.MethodGet, path, nil, http.StatusOK, &list)
				assert.Empty(t, list, path)
			}
			// A spec naming Alice's facts gets the error of a fact that exists nowhere.
			var theirs, nobodys struct {
				Detail string `json:"detail"`
			}
			a.do(bob, http.MethodPost, "/v1/paragraphs", spec, http.StatusUnprocessableEntity, &theirs)
			a.do(bob, http.MethodPost, "/v1/paragraphs", strings.ReplaceAll(spec, `"F2"`, `"F9999"`), http.StatusUnprocessableEntity, &nobodys)
			assert.Equal(t, strings.ReplaceAll(nobodys.Detail, "F9999", "F2"), theirs.Detail)

			// Without a token, or with a bad one: 401.
			a.do("", http.MethodGet, "/v1/documents", nil, http.StatusUnauthorized, nil)
			a.do("opus_not-a-token", http.MethodGet, "/v1/documents", nil, http.StatusUnauthorized, nil)
		})
	}
}

func TestErrorsAreProblems(t *testing.T) {
	a := newAPI(t, "sqlite:"+filepath.Join(t.TempDir(), "opus.db"))
	tok := a.user("carol@example.org")
	var p struct {
		Status int    `json:"status"`
		Title  string `json:"title"`
		Detail string `json:"detail"`
	}
	a.do(tok, http.MethodGet, "/v1/documents/D9", nil, http.StatusNotFound, &p)
	assert.Equal(t, 404, p.Status)
	assert.Contains(t, p.Detail, "D9")
	a.do(tok, http.MethodPost, "/v1/paragraphs", `{"section": "results", "intent": "x", "facts": ["F1"], "colour": "red"}`, http.StatusUnprocessableEntity, &p)
	assert.Contains(t, p.Detail, "colour")
	a.do("", http.MethodPost, "/v1/auth/login", map[string]string{"email": "carol@example.org", "password": "wrong password!!"}, http.StatusUnauthorized, &p)
	assert.NotContains(t, p.Detail, "carol")
}

// The OpenAPI document is generated from the handlers and lists them all.
func TestOpenAPIDocument(t *testing.T) {
	a := newAPI(t, "sqlite:"+filepath.Join(t.TempDir(), "opus.db"))
	var doc struct {
		OpenAPI string                    `json:"openapi"`
		Paths   map[string]map[string]any `json:"paths"`
	}
	a.do("", http.MethodGet, "/v1/openapi.json", nil, http.StatusOK, &doc)
	assert.Equal(t, "3.1.0", doc.OpenAPI)
	for path, methods := range map[string][]string{
		"/v1/auth/login": {"post"}, "/v1/documents": {"get", "post"}, "/v1/documents/{id}": {"get", "delete"},
		"/v1/documents/{id}/extract": {"post"}, "/v1/facts": {"get", "post"}, "/v1/facts/search": {"get"},
		"/v1/facts/{id}": {"get"}, "/v1/facts/{id}/retract": {"post"}, "/v1/paragraphs": {"get", "post"},
		"/v1/paragraphs/{id}": {"get"}, "/v1/paragraphs/{id}/edit": {"post"}, "/v1/paragraphs/{id}/trace": {"get"},
		"/v1/jobs": {"get"}, "/v1/jobs/{id}": {"get"}, "/v1/jobs/{id}/cancel": {"post"}, "/v1/jobs/{id}/retry": {"post"},
		"/v1/runs": {"get"}, "/v1/runs/{id}": {"get"}, "/v1/runs/stats": {"get"},
	} {
		for _, m := range methods {
			assert.Contains(t, doc.Paths[path], m, "%s %s is documented", m, path)
		}
	}
}

// /readyz is 503 until the process's workers run, then 200.
func TestReadyz(t *testing.T) {
	ctx := context.Background()
	svc, err := service.Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "opus.db"), service.Config{
		DataDir: t.TempDir(), Provider: offline.New(), Model: offline.Model, Prompts: prompts.Versions(),
	})
	require.NoError(t, err)
	t.Cleanup(func() { _ = svc.Close() })
	srv := httptest.NewServer(server.New(svc, server.Options{Workers: true}))
	defer srv.Close()
	get := func() (int, string) {
		resp, err := http.Get(srv.URL + "/readyz")
		require.NoError(t, err)
		defer func() { _ = resp.Body.Close() }()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	code, body := get()
	assert.Equal(t, http.StatusServiceUnavailable, code)
	assert.Contains(t, body, "workers are not running")
	require.NoError(t, svc.StartWorkers(ctx, nil))
	code, _ = get()
	assert.Equal(t, http.StatusOK, code)
}

// A caller's traceparent is the trace of the job it creates and of that
// job's runs; /metrics counts requests, jobs and model calls; the log line
// of a request holds no token.
func TestTraceAndMetrics(t *testing.T) {
	ctx := context.Background()
	var logs bytes.Buffer
	svc, err := service.Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "opus.db"), service.Config{
		DataDir: t.TempDir(), CacheDir: filepath.Join(os.TempDir(), "opus-test-cache", "opus", "wazero"),
		Provider: offline.New(), Model: offline.Model, Prompts: prompts.Versions(),
		Jobs: jobs.Config{PollEvery: 20 * time.Millisecond, BaseBackoff: 10 * time.Millisecond},
	})
	require.NoError(t, err)
	require.NoError(t, svc.StartWorkers(ctx, nil))
	srv := httptest.NewServer(server.New(svc, server.Options{Logger: slog.New(slog.NewJSONHandler(&logs, nil))}))
	t.Cleanup(func() { srv.Close(); _ = svc.Close() })
	a := &api{t: t, url: srv.URL, svc: svc}
	tok := a.user("tess@example.org")

	a.do(tok, http.MethodPost, "/v1/documents", upload(t, filepath.Join(testpdf.Dir(), "cermine_test2.pdf")), http.StatusCreated, nil)
	const trace = "4bf92f3577b34da6a3ce929d0e0e4736"
	var j job
	resp := a.do(tok, http.MethodPost, "/v1/documents/D1/extract", nil, http.StatusAccepted, &j, "traceparent", "00-"+trace+"-00f067aa0ba902b7-01")
	assert.True(t, strings.HasPrefix(resp.Header.Get("traceparent"), "00-"+trace+"-"), resp.Header.Get("traceparent"))
	var done struct {
		TraceID string `json:"trace_id"`
		State   string `json:"state"`
	}
	a.do(tok, http.MethodGet, "/v1/jobs/J1?wait=30s", nil, http.StatusOK, &done)
	assert.Equal(t, trace, done.TraceID, "the job carries the request's trace")
	var runs []struct {
		TraceID string `json:"trace_id"`
	}
	a.do(tok, http.MethodGet, "/v1/runs?job=J1", nil, http.StatusOK, &runs)
	require.NotEmpty(t, runs)
	for _, r := range runs {
		assert.Equal(t, trace, r.TraceID, "and so do its runs")
	}
	// Without a (valid) traceparent a request gets a trace of its own.
	resp = a.do(tok, http.MethodGet, "/v1/jobs", nil, http.StatusOK, nil, "traceparent", "garbage")
	assert.Regexp(t, `^00-[0-9a-f]{32}-[0-9a-f]{16}-01$`, resp.Header.Get("traceparent"))
	assert.NotContains(t, resp.Header.Get("traceparent"), trace)

	res, err := http.Get(srv.URL + "/metrics")
	require.NoError(t, err)
	body, _ := io.ReadAll(res.Body)
	_ = res.Body.Close()
	for _, want := range []string{
		`opus_http_requests_total{method="POST",route="/v1/documents/{id}/extract",status="202"} 1`,
		`opus_jobs{kind="extract_facts",state="succeeded"} 1`,
		`opus_model_calls_total{agent="librarian",model="offline-3",status="ok"}`,
		`opus_database_up 1`,
	} {
		assert.Contains(t, string(body), want)
	}
	assert.Contains(t, logs.String(), `"trace_id":"`+trace+`"`)
	assert.NotContains(t, logs.String(), tok, "no token in the log")
	assert.NotContains(t, string(body), tok)
}

// The facts list pages by cursor: following Link rel=next from a small
// page size yields exactly the whole list, in order, once each.
func TestFactsPagination(t *testing.T) {
	a := newAPI(t, "sqlite:"+filepath.Join(t.TempDir(), "opus.db"))
	tok := a.user("page@example.org")
	a.do(tok, http.MethodPost, "/v1/documents", upload(t, filepath.Join(testpdf.Dir(), "cermine_test2.pdf")), http.StatusCreated, nil)
	a.do(tok, http.MethodPost, "/v1/documents/D1/extract", nil, http.StatusAccepted, nil)
	var j job
	a.do(tok, http.MethodGet, "/v1/jobs/J1?wait=30s", nil, http.StatusOK, &j)
	require.Equal(t, "succeeded", j.State)

	var all []listed
	resp := a.do(tok, http.MethodGet, "/v1/facts?limit=1000", nil, http.StatusOK, &all)
	assert.Empty(t, resp.Header.Get("Link"), "one page holds them all")
	require.Greater(t, len(all), 20)

	var paged []listed
	for _, page := range a.pages(tok, "/v1/facts?limit=7") {
		assert.LessOrEqual(t, len(page), 7)
		paged = append(paged, page...)
	}
	assert.Equal(t, all, paged)
	a.do(tok, http.MethodGet, "/v1/facts?cursor=D1", nil, http.StatusUnprocessableEntity, nil)
}

// Self sign-up exists only when the server is told to allow it; then it
// creates an account under the password policy and returns a working token.
func TestSignupOnlyWhenAllowed(t *testing.T) {
	a := newAPI(t, "sqlite:"+filepath.Join(t.TempDir(), "opus.db"))
	body := map[string]string{"email": "New.User@Example.org", "password": "correct horse battery staple"}
	resp, err := http.Post(a.url+"/v1/auth/signup", "application/json", strings.NewReader(`{"email":"x@example.org","password":"correct horse battery staple"}`))
	require.NoError(t, err)
	_ = resp.Body.Close()
	assert.Equal(t, http.StatusNotFound, resp.StatusCode, "no sign-up unless allowed")

	srv := httptest.NewServer(server.New(a.svc, server.Options{Version: "test", AllowSignup: true}))
	defer srv.Close()
	b := &api{t: t, url: srv.URL, svc: a.svc}
	var tok struct {
		Token string `json:"token"`
	}
	b.do("", http.MethodPost, "/v1/auth/signup", body, http.StatusCreated, &tok)
	require.True(t, strings.HasPrefix(tok.Token, "opus_"))
	b.do(tok.Token, http.MethodGet, "/v1/documents", nil, http.StatusOK, nil)
	var u service.User
	u, err = a.svc.User(context.Background(), "new.user@example.org")
	require.NoError(t, err)
	assert.Equal(t, "new.user@example.org", u.Email, "emails are lower-cased")

	b.do("", http.MethodPost, "/v1/auth/signup", body, http.StatusConflict, nil)
	b.do("", http.MethodPost, "/v1/auth/signup", map[string]string{"email": "weak@example.org", "password": "short"}, http.StatusUnprocessableEntity, nil)
}

// Every list pages by cursor: following Link rel=next yields exactly the
// whole list, in its order, once each; a cursor of another kind is refused.
func TestListsPagination(t *testing.T) {
	a := newAPI(t, "sqlite:"+filepath.Join(t.TempDir(), "opus.db"))
	tok := a.user("lists@example.org")
	for i := range 5 {
		path := filepath.Join(t.TempDir(), fmt.Sprintf("n%d.txt", i))
		require.NoError(t, os.WriteFile(path, fmt.Appendf(nil, "The trial enrolled %d adult patients at four centres.\n", 100+i), 0o600))
		a.do(tok, http.MethodPost, "/v1/documents", upload(t, path), http.StatusCreated, nil)
		a.do(tok, http.MethodPost, fmt.Sprintf("/v1/documents/D%d/extract", i+1), nil, http.StatusAccepted, nil)
	}
	var j job
	a.do(tok, http.MethodGet, "/v1/jobs/J5?wait=30s", nil, http.StatusOK, &j)
	for i := range 3 {
		spec := map[string]any{"section": "methods", "intent": "Describe the trial.", "facts": []string{fmt.Sprintf("F%d", i+1)}}
		a.do(tok, http.MethodPost, "/v1/paragraphs", spec, http.StatusAccepted, nil)
	}
	a.do(tok, http.MethodGet, "/v1/jobs/J8?wait=30s", nil, http.StatusOK, &j)
	walk := func(first string) []listed {
		var out []listed
		for _, page := range a.pages(tok, first) {
			out = append(out, page...)
		}
		return out
	}
	for _, tc := range []struct{ path, wrongCursor string }{
		{"/v1/documents", "J1"}, {"/v1/jobs", "D1"}, {"/v1/runs", "J1"}, {"/v1/paragraphs", "D1"},
	} {
		var all []listed
		a.do(tok, http.MethodGet, tc.path+"?limit=1000", nil, http.StatusOK, &all)
		assert.Equal(t, all, walk(tc.path+"?limit=2"), tc.path)
		a.do(tok, http.MethodGet, tc.path+"?cursor="+tc.wrongCursor, nil, http.StatusUnprocessableEntity, nil)
	}
	var docs, jobs []listed
	a.do(tok, http.MethodGet, "/v1/documents?limit=1000", nil, http.StatusOK, &docs)
	a.do(tok, http.MethodGet, "/v1/jobs?limit=1000", nil, http.StatusOK, &jobs)
	require.Len(t, docs, 5)
	assert.Equal(t, "D1", docs[0].ID, "documents oldest first")
	require.Len(t, jobs, 8)
	assert.Equal(t, "J8", jobs[0].ID, "jobs newest first")
}

// listed is an item of a list, by its handle.
type listed struct {
	ID string `json:"id"`
}

// pages follows a list's Link rel=next from first to its last page.
func (a *api) pages(token, first string) [][]listed {
	a.t.Helper()
	var out [][]listed
	for next := first; next != ""; {
		var page []listed
		resp := a.do(token, http.MethodGet, next, nil, http.StatusOK, &page)
		out = append(out, page)
		next = ""
		if link := resp.Header.Get("Link"); link != "" {
			next = strings.TrimPrefix(strings.SplitN(link, ">", 2)[0], "<")
		}
		require.Less(a.t, len(out), 100, "pagination does not end")
	}
	return out
}
