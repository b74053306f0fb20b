package service_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/opusblocks/opus/internal/domain"
	"github.com/opusblocks/opus/internal/jobs"
	"github.com/opusblocks/opus/internal/llm"
	"github.com/opusblocks/opus/internal/llm/offline"
	"github.com/opusblocks/opus/internal/prompts"
	"github.com/opusblocks/opus/internal/service"
	"github.com/opusblocks/opus/internal/store"
	"github.com/opusblocks/opus/internal/store/storetest"
)

// flaky fails its first n calls, then answers like the offline provider.
type flaky struct {
	failures atomic.Int32
	calls    atomic.Int32
}

func (f *flaky) Name() string { return "flaky" }

func (f *flaky) Complete(ctx context.Context, req llm.Request) (llm.Response, error) {
	f.calls.Add(1)
	if f.failures.Add(-1) >= 0 {
		return llm.Response{}, errors.New("provider unavailable (503)")
	}
	return offline.New().Complete(ctx, req)
}

func TestFailedJobPropagatesAndRetrySucceeds(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		prov := &flaky{}
		prov.failures.Store(3)
		svc, err := service.New(ctx, db, service.Config{
			DataDir: t.TempDir(), CacheDir: filepath.Join(os.TempDir(), "opus-test-cache", "opus", "wazero"),
			Provider: prov, Model: "offline-1", Prompts: prompts.Versions(),
			Jobs: jobs.Config{MaxAttempts: 3, PollEvery: 20 * time.Millisecond, BaseBackoff: 10 * time.Millisecond},
		})
		require.NoError(t, err)
		require.NoError(t, svc.Engine.Start(ctx))
		t.Cleanup(func() { _ = svc.Engine.Stop(context.Background()) })
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
		assert.Positive(t, d.ActiveFacts)

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
		require.NoError(t, svc.Engine.Start(ctx))
		t.Cleanup(func() { _ = svc.Engine.Stop(context.Background()) })
		time.Sleep(300 * time.Millisecond)
		got, err := svc.Job(ctx, a, j.Handle)
		require.NoError(t, err)
		assert.Equal(t, domain.JobCancelled, got.State)
		n, err := svc.Runs(ctx, a, service.RunFilter{})
		require.NoError(t, err)
		assert.Empty(t, n)
	})
}
