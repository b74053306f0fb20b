package service_test

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/opusblocks/opus/internal/domain"
	"github.com/opusblocks/opus/internal/jobs"
	"github.com/opusblocks/opus/internal/llm"
	"github.com/opusblocks/opus/internal/llm/llmtest"
	"github.com/opusblocks/opus/internal/llm/offline"
	"github.com/opusblocks/opus/internal/llm/openai"
	"github.com/opusblocks/opus/internal/prompts"
	"github.com/opusblocks/opus/internal/service"
	"github.com/opusblocks/opus/internal/store"
	"github.com/opusblocks/opus/internal/store/storetest"
)

// unavailableThenFine is a fake OpenAI server that answers 503 to its first
// n requests and then like a librarian that finds one fact on page 1.
func unavailableThenFine(t *testing.T, n int) (*llmtest.Server, llm.Provider) {
	srv := llmtest.NewServer(t)
	for i := 0; i < n; i++ {
		srv.Enqueue(llmtest.Reply{Status: http.StatusServiceUnavailable, Body: llmtest.APIError("overloaded", "server_error")})
	}
	fact := `{"facts":[{"text":"The trial enrolled 120 adult patients with primary hypercholesterolaemia at four centres.",` +
		`"quote":"The trial enrolled 120 adult patients with primary hypercholesterolaemia at four centres","page":1,"kind":"population"}]}`
	srv.SetHandler(func(llmtest.ChatRequest) llmtest.Reply {
		return llmtest.Reply{Body: llmtest.Completion(fact, "gpt-test", 50, 20, 0)}
	})
	// No SDK retries: each 503 fails one job attempt, so the job's own
	// retries and failure propagation are what is tested.
	p, err := openai.New(openai.Config{APIKey: "test-key", BaseURL: srv.URL, MaxRetries: -1})
	require.NoError(t, err)
	return srv, p
}

func TestFailedJobPropagatesAndRetrySucceeds(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		srv, prov := unavailableThenFine(t, 3)
		svc, err := service.New(ctx, db, service.Config{
			DataDir: t.TempDir(), CacheDir: filepath.Join(os.TempDir(), "opus-test-cache", "opus", "wazero"),
			Provider: prov, Model: "gpt-test", Prompts: prompts.Versions(),
			Jobs: jobs.Config{MaxAttempts: 3, PollEvery: 20 * time.Millisecond, BaseBackoff: 10 * time.Millisecond},
		})
		require.NoError(t, err)
		require.NoError(t, svc.StartWorkers(ctx, nil))
		t.Cleanup(func() { _ = svc.Close() })
		owner, err := svc.Profile(ctx, "default")
		require.NoError(t, err)
		a := service.Actor{OwnerID: owner.ID, TraceID: "t"}

		res, err := svc.AddDocument(ctx, a, writeText(t, "trial.txt", trialText))
		require.NoError(t, err)
		j, err := svc.ExtractFacts(ctx, a, "D1", service.JobOptions{IdempotencyKey: "k1"})
		require.NoError(t, err)
		again, err := svc.ExtractFacts(ctx, a, "D1", service.JobOptions{IdempotencyKey: "k1"})
		require.NoError(t, err)
		assert.Equal(t, j.Handle, again.Handle, "same idempotency key, same job")

		done := wait(t, svc, a, j)
		assert.Equal(t, domain.JobFailed, done.State)
		assert.Equal(t, 3, done.Attempt)
		require.NotNil(t, done.Error)
		assert.Contains(t, *done.Error, "503")
		assert.Equal(t, 3, srv.Calls())
		d, err := svc.Document(ctx, a, res.Document.Handle)
		require.NoError(t, err)
		assert.Equal(t, domain.DocFailed, d.State, "the document follows its failed job")
		require.NotNil(t, d.Error)
		assert.Contains(t, *d.Error, "503")

		runs, err := svc.Runs(ctx, a, service.RunFilter{Job: j.Handle})
		require.NoError(t, err)
		require.Len(t, runs, 3, "every failed call is on the record")
		for _, r := range runs {
			assert.Equal(t, domain.RunError, r.Status)
		}

		_, err = svc.RetryJob(ctx, a, j.Handle)
		require.NoError(t, err)
		done = wait(t, svc, a, j)
		assert.Equal(t, domain.JobSucceeded, done.State)
		d, err = svc.Document(ctx, a, res.Document.Handle)
		require.NoError(t, err)
		assert.Equal(t, domain.DocFactsReady, d.State)
		assert.Equal(t, 1, d.ActiveFacts)

		_, err = svc.RetryJob(ctx, a, j.Handle)
		assert.Equal(t, domain.Conflict, domain.ErrorCode(err), "a succeeded job cannot be retried")
	})
}

func TestCancelQueuedJob(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svc, err := service.New(ctx, db, service.Config{DataDir: t.TempDir(), Provider: offline.New(), Model: offline.Model, Prompts: prompts.Versions()})
		require.NoError(t, err) // engine not started: the job stays queued
		owner, err := svc.Profile(ctx, "default")
		require.NoError(t, err)
		a := service.Actor{OwnerID: owner.ID, TraceID: "t"}
		_, err = svc.AddDocument(ctx, a, writeText(t, "trial.txt", trialText))
		require.NoError(t, err)
		j, err := svc.ExtractFacts(ctx, a, "D1", service.JobOptions{})
		require.NoError(t, err)
		assert.Equal(t, domain.JobQueued, j.State)

		c, err := svc.CancelJob(ctx, a, j.Handle)
		require.NoError(t, err)
		assert.Equal(t, domain.JobCancelled, c.State)
		d, err := svc.Document(ctx, a, "D1")
		require.NoError(t, err)
		assert.Equal(t, domain.DocFailed, d.State)

		// Starting workers afterwards must not run the cancelled job.
		require.NoError(t, svc.StartWorkers(ctx, nil))
		t.Cleanup(func() { _ = svc.Close() })
		time.Sleep(300 * time.Millisecond)
		got, err := svc.Job(ctx, a, j.Handle)
		require.NoError(t, err)
		assert.Equal(t, domain.JobCancelled, got.State)
		n, err := svc.Runs(ctx, a, service.RunFilter{})
		require.NoError(t, err)
		assert.Empty(t, n)
	})
}
