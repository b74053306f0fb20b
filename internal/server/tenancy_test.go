package server_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/opusblocks/opus/internal/llm/offline"
	"github.com/opusblocks/opus/internal/prompts"
	"github.com/opusblocks/opus/internal/server"
	"github.com/opusblocks/opus/internal/service"
	"github.com/opusblocks/opus/internal/store/storetest"
	"github.com/opusblocks/opus/internal/testpdf"
)

// clock is a time the test moves.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// route is one operation of the API, with a request that is valid for the
// owner of the resources it names.
type route struct {
	method, path string // path with the owner's handles
	body         func() (io.Reader, string)
}

// TestTenancyMatrix walks every route of the OpenAPI document with every
// kind of caller: the owner of the resources, another user, no token, an
// expired token, a revoked token and a disabled user. Another user's
// resources are 404 and their lists hold none of the owner's data; every
// caller without a valid token is 401; no answer ever carries the owner's
// text to anyone else.
func TestTenancyMatrix(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) { tenancyMatrix(t, b.Open(t)) })
	}
}

func tenancyMatrix(t *testing.T, dsn string) {
	ctx := context.Background()
	clk := &clock{now: time.Now()}
	svc, err := service.Open(ctx, dsn, service.Config{
		DataDir: t.TempDir(), CacheDir: filepath.Join(os.TempDir(), "opus-test-cache", "opus", "wazero"),
		Provider: offline.New(), Model: offline.Model, Prompts: prompts.Versions(), Clock: clk.Now,
		Jobs: service.JobsConfig{PollEvery: 20 * time.Millisecond, BaseBackoff: 10 * time.Millisecond},
	})
	require.NoError(t, err)
	require.NoError(t, svc.StartWorkers(ctx, nil))
	srv := httptest.NewServer(server.New(svc, server.Options{Version: "test"}))
	t.Cleanup(func() { srv.Close(); _ = svc.Close() })
	a := &api{t: t, url: srv.URL, svc: svc}

	owner := a.user("owner@example.org")
	other := a.user("other@example.org")
	_, err = svc.AddUser(ctx, "gone@example.org", "correct horse battery staple")
	require.NoError(t, err)
	gone, err := svc.CreateToken(ctx, "gone@example.org", "pipeline", time.Hour)
	require.NoError(t, err)
	_, _, err = svc.DisableUser(ctx, "gone@example.org")
	require.NoError(t, err)
	revoked, err := svc.CreateToken(ctx, "owner@example.org", "revoked", time.Hour)
	require.NoError(t, err)
	_, err = svc.RevokeToken(ctx, revoked.ID)
	require.NoError(t, err)
	expiring, err := svc.CreateToken(ctx, "owner@example.org", "short", time.Minute)
	require.NoError(t, err)

	// The owner's library: D1, its facts, P1 written from them, J1–J2, runs.
	pdf := filepath.Join(testpdf.Dir(), "cermine_test2.pdf")
	a.do(owner, http.MethodPost, "/v1/documents", upload(t, pdf), http.StatusCreated, nil)
	var j job
	a.do(owner, http.MethodPost, "/v1/documents/D1/extract", nil, http.StatusAccepted, &j)
	a.do(owner, http.MethodGet, "/v1/jobs/J1?wait=30s", nil, http.StatusOK, &j)
	require.Equal(t, "succeeded", j.State)
	spec := `{"section": "results", "intent": "Report the findings.", "facts": ["F2", "F3"]}`
	a.do(owner, http.MethodPost, "/v1/paragraphs", spec, http.StatusAccepted, nil)
	a.do(owner, http.MethodGet, "/v1/jobs/J2?wait=30s", nil, http.StatusOK, &j)
	require.Equal(t, "succeeded", j.State)
	var fact struct {
		Text string `json:"text"`
	}
	a.do(owner, http.MethodGet, "/v1/facts/F2", nil, http.StatusOK, &fact)
	secrets := []string{"cermine_test2", fact.Text[:40]} // what no one else may read
	clk.Add(2 * time.Minute)                             // the short token has expired

	jsonBody := func(s string) func() (io.Reader, string) {
		return func() (io.Reader, string) { return strings.NewReader(s), "application/json" }
	}
	routes := []route{
		{http.MethodGet, "/v1/documents", nil},
		{http.MethodPost, "/v1/documents", func() (io.Reader, string) {
			m := upload(t, filepath.Join(testpdf.Dir(), "pysample_multicolumn.pdf"))
			return m.buf, m.ctype
		}},
		{http.MethodGet, "/v1/documents/D1", nil},
		{http.MethodGet, "/v1/documents/D1/pages/2", nil},
		{http.MethodDelete, "/v1/documents/D1", nil},
		{http.MethodPost, "/v1/documents/D1/extract", nil},
		{http.MethodGet, "/v1/facts?document=D1", nil},
		{http.MethodPost, "/v1/facts", jsonBody(`{"text": "Twelve patients took part.", "source": "registry"}`)},
		{http.MethodGet, "/v1/facts/search?q=heart", nil},
		{http.MethodGet, "/v1/facts/F2", nil},
		{http.MethodPost, "/v1/facts/F9/retract", nil},
		{http.MethodGet, "/v1/paragraphs", nil},
		{http.MethodPost, "/v1/paragraphs", jsonBody(spec)},
		{http.MethodGet, "/v1/paragraphs/P1", nil},
		{http.MethodPost, "/v1/paragraphs/P1/edit", jsonBody(`{"text": "Nothing changes here [F2].\nNor here [F3].\n"}`)},
		{http.MethodGet, "/v1/paragraphs/P1/trace", nil},
		{http.MethodGet, "/v1/jobs", nil},
		{http.MethodGet, "/v1/jobs/J1", nil},
		{http.MethodPost, "/v1/jobs/J1/cancel", nil},
		{http.MethodPost, "/v1/jobs/J1/retry", nil},
		{http.MethodGet, "/v1/runs", nil},
		{http.MethodGet, "/v1/runs/R1", nil},
		{http.MethodGet, "/v1/runs/stats", nil},
	}
	requireEveryRoute(t, a, routes)

	send := func(token string, r route) (int, string) {
		var rd io.Reader
		ctype := ""
		if r.body != nil {
			rd, ctype = r.body()
		}
		req, err := http.NewRequest(r.method, a.url+r.path, rd)
		require.NoError(t, err)
		if ctype != "" {
			req.Header.Set("Content-Type", ctype)
		}
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer func() { _ = resp.Body.Close() }()
		raw, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return resp.StatusCode, string(raw)
	}

	// The other user's own creations come last, so that no handle of theirs
	// (their first document is D1 too) stands for the owner's in a request.
	names := func(r route) bool { return handleRef.MatchString(r.path) }
	sort.SliceStable(routes, func(i, j int) bool {
		creates := func(r route) bool { return r.method == http.MethodPost && !names(r) }
		return !creates(routes[i]) && creates(routes[j])
	})
	cells := 0
	for _, r := range routes {
		name := r.method + " " + r.path
		for who, token := range map[string]string{"no token": "", "expired token": expiring.Token, "revoked token": revoked.Token, "disabled user": gone.Token} {
			code, body := send(token, r)
			assert.Equal(t, http.StatusUnauthorized, code, "%s, %s: %s", name, who, body)
			cells++
		}
		code, body := send(other, r)
		cells++
		for _, s := range secrets {
			assert.NotContains(t, body, s, "%s shows the owner's data to another user", name)
		}
		switch {
		case names(r):
			assert.Equal(t, http.StatusNotFound, code, "%s, another user: %s", name, body)
		case r.method == http.MethodGet:
			assert.Equal(t, http.StatusOK, code, "%s, another user: %s", name, body)
			var list []any
			if json.Unmarshal([]byte(body), &list) == nil {
				assert.Empty(t, list, "%s lists the owner's resources to another user", name)
			}
		case r.path == "/v1/paragraphs":
			// The owner's facts are, to anyone else, facts that do not exist.
			assert.Equal(t, http.StatusUnprocessableEntity, code, "%s, another user: %s", name, body)
		default:
			assert.Less(t, code, 300, "%s, another user, on their own: %s", name, body)
		}
	}
	// Last, the owner: everything is theirs to read or change.
	for _, r := range routes {
		code, body := send(owner, r)
		cells++
		assert.NotContains(t, []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound}, code, "%s %s, owner: %s", r.method, r.path, body)
		assert.Less(t, code, 500, "%s %s, owner: %s", r.method, r.path, body)
	}
	t.Logf("tenancy matrix: %d routes × 6 callers = %d requests", len(routes), cells)
}

// handleRef finds a handle in a request's path or query.
var handleRef = regexp.MustCompile(`[/=][DFPJR][0-9]+\b`)

// requireEveryRoute fails when the OpenAPI document has an operation the
// matrix does not walk (login aside: it names no one's resources).
func requireEveryRoute(t *testing.T, a *api, routes []route) {
	t.Helper()
	var doc struct {
		Paths map[string]map[string]any `json:"paths"`
	}
	a.do("", http.MethodGet, "/v1/openapi.json", nil, http.StatusOK, &doc)
	walked := map[string]bool{}
	for _, r := range routes {
		p, _, _ := strings.Cut(r.path, "?")
		for _, h := range []string{"D1", "F2", "F9", "P1", "J1", "R1"} {
			p = strings.Replace(p, "/"+h, "/{id}", 1)
		}
		p = strings.Replace(p, "/pages/2", "/pages/{page}", 1)
		walked[strings.ToLower(r.method)+" "+p] = true
	}
	var missing []string
	for path, ops := range doc.Paths {
		for m := range ops {
			if key := m + " " + path; !walked[key] && path != "/v1/auth/login" {
				missing = append(missing, key)
			}
		}
	}
	sort.Strings(missing)
	require.Empty(t, missing, "routes the tenancy matrix does not walk")
}
