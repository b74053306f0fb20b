package openai_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/opusblocks/opus/internal/contract"
	"github.com/opusblocks/opus/internal/llm"
	"github.com/opusblocks/opus/internal/llm/llmtest"
	"github.com/opusblocks/opus/internal/llm/openai"
	"github.com/opusblocks/opus/internal/prompts"
)

const apiKey = "sk-test-SECRET123"

const validWriter = `{"sentences":[{"text":"Drug A lowered LDL-C by 38% at week 12 [F1].","fact_ids":["F1"]}]}`

var writerInput = contract.WriterInput{
	Section: "results",
	Intent:  "Report the LDL result.",
	Length:  contract.Length{MinSentences: 1, MaxSentences: 2},
	Facts:   []contract.Fact{{ID: "F1", Text: "Drug A lowered LDL-C by 38% versus placebo at week 12.", Quote: "LDL-C was reduced by 38% relative to placebo at week 12"}},
}

func writerRequest() llm.Request {
	return llm.Request{Agent: contract.Writer, PromptVersion: prompts.Versions()[contract.Writer], Model: "gpt-test", Temperature: 0.3, Input: writerInput}
}

// newProvider points a provider at a fresh fake server, with retry waits
// capped so exhausting retries takes milliseconds.
func newProvider(t *testing.T, edit func(*openai.Config)) (*openai.Provider, *llmtest.Server) {
	t.Helper()
	srv := llmtest.NewServer(t)
	cfg := openai.Config{APIKey: apiKey, BaseURL: srv.URL, Timeout: 5 * time.Second, MaxRetryDelay: 20 * time.Millisecond}
	if edit != nil {
		edit(&cfg)
	}
	p, err := openai.New(cfg)
	require.NoError(t, err)
	return p, srv
}

// assertNoKey checks every rendering of err for the key.
func assertNoKey(t *testing.T, err error) {
	t.Helper()
	for _, s := range []string{err.Error(), fmt.Sprintf("%v", err), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err)} {
		assert.NotContains(t, s, "SECRET123")
	}
	for e := err; e != nil; e = errors.Unwrap(e) {
		assert.NotContains(t, e.Error(), "SECRET123")
	}
}

func TestNewRequiresKey(t *testing.T) {
	_, err := openai.New(openai.Config{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "OPENAI_API_KEY")
	assert.Contains(t, err.Error(), "--provider offline")

	_, err = openai.New(openai.Config{APIKey: apiKey, BaseURL: "localhost:11434"})
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "SECRET123")

	p, err := openai.New(openai.Config{APIKey: apiKey})
	require.NoError(t, err)
	assert.Equal(t, "openai", p.Name())
}

func TestValidOutput(t *testing.T) {
	t.Parallel()
	p, srv := newProvider(t, func(c *openai.Config) {
		c.Prices = openai.Prices{Version: "2025-01", Models: map[string]openai.Price{
			"gpt-test-2025-01-01": {InputPerMTok: 2.5, CachedInputPerMTok: 1.25, OutputPerMTok: 10},
			"gpt-test":            {InputPerMTok: 100, OutputPerMTok: 100}, // must lose to the answered model
		}}
	})
	srv.Enqueue(llmtest.Reply{Body: llmtest.Completion(validWriter, "gpt-test-2025-01-01", 1000, 200, 400)})

	resp, err := p.Complete(context.Background(), writerRequest())
	require.NoError(t, err)
	assert.JSONEq(t, validWriter, string(resp.Output))
	assert.Equal(t, "gpt-test-2025-01-01", resp.Model)
	assert.Equal(t, 1000, resp.TokensIn)
	assert.Equal(t, 200, resp.TokensOut)
	assert.Equal(t, 400, resp.TokensCached)
	// 600 uncached × 2.5 + 400 cached × 1.25 + 200 out × 10, per million.
	assert.InDelta(t, 0.004, resp.CostUSD, 1e-12)

	reqs := srv.Requests()
	require.Len(t, reqs, 1)
	got := reqs[0]
	assert.Equal(t, "gpt-test", got.Model)
	assert.InDelta(t, 0.3, got.Temperature, 1e-9)
	assert.Equal(t, "Bearer "+apiKey, got.Header.Get("Authorization"))
	require.Len(t, got.Messages, 2)
	assert.Equal(t, "system", got.Messages[0].Role)
	assert.Contains(t, got.Messages[0].Content, "writer")
	assert.Contains(t, got.Messages[0].Content, "JSON")
	want, _, err := prompts.Render(contract.Writer, writerInput)
	require.NoError(t, err)
	assert.Equal(t, "user", got.Messages[1].Role)
	assert.Equal(t, want, got.Messages[1].Content)

	var format struct {
		Type       string `json:"type"`
		JSONSchema struct {
			Name   string          `json:"name"`
			Strict bool            `json:"strict"`
			Schema json.RawMessage `json:"schema"`
		} `json:"json_schema"`
	}
	require.NoError(t, json.Unmarshal(got.ResponseFormat, &format), string(got.Raw))
	assert.Equal(t, "json_schema", format.Type)
	assert.Equal(t, "writer", format.JSONSchema.Name)
	assert.True(t, format.JSONSchema.Strict)
	assert.JSONEq(t, string(contract.Schema(contract.Writer)), string(format.JSONSchema.Schema))
}

func TestTemperatureZeroIsSent(t *testing.T) {
	t.Parallel()
	p, srv := newProvider(t, nil)
	srv.Enqueue(llmtest.Reply{Body: llmtest.Completion(validWriter, "", 1, 1, 0)})
	req := writerRequest()
	req.Temperature = 0
	resp, err := p.Complete(context.Background(), req)
	require.NoError(t, err)
	// A server that omits the model: the requested one is recorded.
	assert.Equal(t, "gpt-test", resp.Model)
	assert.Contains(t, string(srv.Requests()[0].Raw), `"temperature":0`)
}

func TestPrices(t *testing.T) {
	prices := openai.Prices{Models: map[string]openai.Price{
		"m":         {InputPerMTok: 1, CachedInputPerMTok: 0.5, OutputPerMTok: 4},
		"no-cached": {InputPerMTok: 2, OutputPerMTok: 8},
	}}
	assert.InDelta(t, (500*1+500*0.5+100*4)/1e6, prices.Cost("m-2025", "m", 1000, 100, 500), 1e-15, "falls back to the requested model")
	assert.InDelta(t, (1000*2+100*8)/1e6, prices.Cost("no-cached", "x", 1000, 100, 500), 1e-15, "no cached price: input price")
	assert.Zero(t, prices.Cost("unknown", "unknown-too", 1000, 100, 0))
	assert.InDelta(t, (1000*2+100*8)/1e6, prices.Cost("No-Cached", "", 1000, 100, 0), 1e-15, "config keys may arrive lowercased")
	assert.Zero(t, openai.Prices{}.Cost("m", "m", 1000, 100, 0))
}

func TestRepairMessage(t *testing.T) {
	t.Parallel()
	p, srv := newProvider(t, nil)
	srv.Enqueue(llmtest.Reply{Body: llmtest.Completion(validWriter, "gpt-test", 1, 1, 0)})
	req := writerRequest()
	req.Repair = "sentences[0].fact_ids: F9 is not an allowed fact"
	_, err := p.Complete(context.Background(), req)
	require.NoError(t, err)
	msgs := srv.Requests()[0].Messages
	require.Len(t, msgs, 3)
	assert.Equal(t, "user", msgs[2].Role)
	assert.Contains(t, msgs[2].Content, "broke its contract: sentences[0].fact_ids: F9 is not an allowed fact")
	assert.Contains(t, msgs[2].Content, "corrected JSON")
}

func TestPromptVersionMismatch(t *testing.T) {
	t.Parallel()
	p, srv := newProvider(t, nil)
	req := writerRequest()
	req.PromptVersion = "writer-0"
	_, err := p.Complete(context.Background(), req)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "writer-0")
	assert.Zero(t, srv.Calls())
}

func TestJSONObjectOnly(t *testing.T) {
	t.Parallel()
	p, srv := newProvider(t, func(c *openai.Config) { c.JSONObjectOnly = true })
	srv.Enqueue(llmtest.Reply{Body: llmtest.Completion(validWriter, "llama3.1:8b", 10, 5, 0)})
	resp, err := p.Complete(context.Background(), writerRequest())
	require.NoError(t, err)
	assert.JSONEq(t, validWriter, string(resp.Output))

	got := srv.Requests()[0]
	assert.JSONEq(t, `{"type":"json_object"}`, string(got.ResponseFormat))
	// Without json_schema the model can only learn the shape from the prompt.
	assert.Contains(t, got.Messages[0].Content, `"fact_ids"`)
}

func TestMalformedContentPassesThrough(t *testing.T) {
	t.Parallel()
	p, srv := newProvider(t, nil)
	const bad = `{"sentences": [ {"text": "unterminated`
	srv.Enqueue(llmtest.Reply{Body: llmtest.Completion(bad, "gpt-test", 10, 5, 0)})
	resp, err := p.Complete(context.Background(), writerRequest())
	require.NoError(t, err, "validation is the caller's job")
	assert.Equal(t, bad, string(resp.Output))
}

func TestUnusableOutputs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, body, reason string
	}{
		{"refusal", llmtest.Refusal("I can't help with that request."), "refused: I can't help with that request."},
		{"length", llmtest.CompletionFinish(`{"sentences":[{"text":"Drug A`, "gpt-test", "length", 10, 4096, 0), "cut off at the token limit after 4096 output tokens"},
		{"empty", llmtest.Completion("  ", "gpt-test", 10, 0, 0), "empty"},
		{"content filter", llmtest.CompletionFinish("", "gpt-test", "content_filter", 10, 0, 0), "content filter"},
		{"no choices", `{"id":"x","object":"chat.completion","created":1,"model":"gpt-test","choices":[],"usage":{"prompt_tokens":10,"completion_tokens":0,"total_tokens":10}}`, "no choices"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, srv := newProvider(t, func(c *openai.Config) {
				c.Prices = openai.Prices{Models: map[string]openai.Price{"gpt-test": {InputPerMTok: 1e6}}}
			})
			srv.Enqueue(llmtest.Reply{Body: tt.body})
			resp, err := p.Complete(context.Background(), writerRequest())
			var oe *llm.OutputError
			require.ErrorAs(t, err, &oe)
			assert.Contains(t, oe.Reason, tt.reason)
			assert.True(t, strings.HasPrefix(oe.Error(), "model output unusable: "))
			var te *openai.Error
			assert.False(t, errors.As(err, &te), "not a transport error")
			assert.Equal(t, 1, srv.Calls(), "not retried by the provider")
			// The call was billed: the response still says what it cost.
			assert.Equal(t, 10, resp.TokensIn)
			if tt.name != "refusal" {
				assert.InDelta(t, 10.0, resp.CostUSD, 1e-9)
			}
		})
	}
}

func TestLengthKeepsPartialOutput(t *testing.T) {
	t.Parallel()
	p, srv := newProvider(t, nil)
	srv.Enqueue(llmtest.Reply{Body: llmtest.CompletionFinish(`{"sentences":[`, "gpt-test", "length", 10, 16, 0)})
	resp, err := p.Complete(context.Background(), writerRequest())
	require.Error(t, err)
	assert.Equal(t, `{"sentences":[`, string(resp.Output))
}

func TestRateLimitRetryAfterSeconds(t *testing.T) {
	t.Parallel()
	p, srv := newProvider(t, func(c *openai.Config) { c.MaxRetryDelay = 0 }) // SDK default caps
	srv.Enqueue(
		llmtest.Reply{Status: 429, Header: http.Header{"Retry-After": {"1"}}, Body: llmtest.APIError("Rate limit reached", "requests")},
		llmtest.Reply{Body: llmtest.Completion(validWriter, "gpt-test", 10, 5, 0)},
	)
	start := time.Now()
	resp, err := p.Complete(context.Background(), writerRequest())
	require.NoError(t, err)
	assert.JSONEq(t, validWriter, string(resp.Output))
	assert.Equal(t, 2, srv.Calls())
	assert.GreaterOrEqual(t, time.Since(start), 950*time.Millisecond, "Retry-After: 1 honoured")
	assert.Equal(t, "1", srv.Requests()[1].Header.Get("X-Stainless-Retry-Count"))
}

func TestRateLimitRetryAfterMs(t *testing.T) {
	t.Parallel()
	p, srv := newProvider(t, func(c *openai.Config) { c.MaxRetryDelay = 0 })
	srv.Enqueue(
		llmtest.Reply{Status: 429, Header: http.Header{"Retry-After-Ms": {"150"}}, Body: llmtest.APIError("Rate limit reached", "requests")},
		llmtest.Reply{Body: llmtest.Completion(validWriter, "gpt-test", 10, 5, 0)},
	)
	start := time.Now()
	_, err := p.Complete(context.Background(), writerRequest())
	require.NoError(t, err)
	assert.Equal(t, 2, srv.Calls())
	assert.GreaterOrEqual(t, time.Since(start), 140*time.Millisecond)
}

func TestRateLimitExhausted(t *testing.T) {
	t.Parallel()
	p, srv := newProvider(t, nil)
	srv.SetHandler(func(llmtest.ChatRequest) llmtest.Reply {
		return llmtest.Reply{Status: 429, Header: http.Header{"Retry-After-Ms": {"5"}}, Body: llmtest.APIError("Rate limit reached for requests", "requests")}
	})
	_, err := p.Complete(context.Background(), writerRequest())
	require.Error(t, err)
	assert.Equal(t, 4, srv.Calls(), "default MaxRetries 3 = 4 attempts")
	want := fmt.Sprintf("openai: 429 Too Many Requests from %s after 4 attempts (Rate limit reached for requests); lower the concurrency or retry later", srv.URL)
	assert.True(t, strings.HasPrefix(err.Error(), want), err.Error())
	var te *openai.Error
	require.ErrorAs(t, err, &te)
	assert.Equal(t, 429, te.StatusCode)
	assert.Equal(t, 4, te.Attempts)
	assert.True(t, te.Retryable)
	assert.NotContains(t, err.Error(), "\n")
}

// A Retry-After above MaxRetryDelay stops the SDK's retries at once.
func TestRetryAfterBeyondMaxDelayIsNotWaited(t *testing.T) {
	t.Parallel()
	p, srv := newProvider(t, func(c *openai.Config) { c.MaxRetryDelay = 100 * time.Millisecond })
	srv.Enqueue(llmtest.Reply{Status: 429, Header: http.Header{"Retry-After": {"30"}}, Body: llmtest.APIError("slow down", "requests")})
	start := time.Now()
	_, err := p.Complete(context.Background(), writerRequest())
	require.Error(t, err)
	assert.Less(t, time.Since(start), 2*time.Second)
	assert.Equal(t, 1, srv.Calls())
	assert.Contains(t, err.Error(), "after 1 attempt")
	assert.Contains(t, err.Error(), "server asked to wait 30s")
}

func TestServerErrorsExhausted(t *testing.T) {
	t.Parallel()
	for _, retries := range []int{-1, 1, 0, 5} {
		t.Run(fmt.Sprint(retries), func(t *testing.T) {
			t.Parallel()
			p, srv := newProvider(t, func(c *openai.Config) { c.MaxRetries = retries })
			srv.SetHandler(func(llmtest.ChatRequest) llmtest.Reply {
				return llmtest.Reply{Status: 500, Body: llmtest.APIError("The server had an error", "server_error")}
			})
			_, err := p.Complete(context.Background(), writerRequest())
			require.Error(t, err)
			attempts := map[int]int{-1: 1, 0: 4, 1: 2, 5: 6}[retries]
			assert.Equal(t, attempts, srv.Calls())
			assert.Contains(t, err.Error(), fmt.Sprintf("openai: 500 Internal Server Error from %s after %d attempt", srv.URL, attempts))
			assert.Contains(t, err.Error(), "retry later")
		})
	}
}

func TestServerErrorThenSuccess(t *testing.T) {
	t.Parallel()
	p, srv := newProvider(t, nil)
	srv.Enqueue(
		llmtest.Reply{Status: 503, Body: llmtest.APIError("overloaded", "server_error")},
		llmtest.Reply{Status: 502, Body: "<html>bad gateway</html>", Header: http.Header{"Content-Type": {"text/html"}}},
		llmtest.Reply{Body: llmtest.Completion(validWriter, "gpt-test", 10, 5, 0)},
	)
	_, err := p.Complete(context.Background(), writerRequest())
	require.NoError(t, err)
	assert.Equal(t, 3, srv.Calls())
}

func TestDroppedConnections(t *testing.T) {
	t.Parallel()
	t.Run("retried", func(t *testing.T) {
		t.Parallel()
		p, srv := newProvider(t, nil)
		srv.Enqueue(llmtest.Reply{Drop: true}, llmtest.Reply{Drop: true}, llmtest.Reply{Body: llmtest.Completion(validWriter, "gpt-test", 10, 5, 0)})
		resp, err := p.Complete(context.Background(), writerRequest())
		require.NoError(t, err)
		assert.JSONEq(t, validWriter, string(resp.Output))
		assert.Equal(t, 3, srv.Calls())
	})
	t.Run("exhausted", func(t *testing.T) {
		t.Parallel()
		p, srv := newProvider(t, nil)
		srv.SetHandler(func(llmtest.ChatRequest) llmtest.Reply { return llmtest.Reply{Drop: true} })
		_, err := p.Complete(context.Background(), writerRequest())
		require.Error(t, err)
		assert.Equal(t, 4, srv.Calls())
		assert.Contains(t, err.Error(), fmt.Sprintf("openai: connection to %s failed after 4 attempts", srv.URL))
		var te *openai.Error
		require.ErrorAs(t, err, &te)
		assert.True(t, te.Retryable)
		assert.Zero(t, te.StatusCode)
	})
}

func TestConnectionRefused(t *testing.T) {
	t.Parallel()
	p, err := openai.New(openai.Config{APIKey: apiKey, BaseURL: "http://127.0.0.1:1/v1", MaxRetryDelay: 5 * time.Millisecond})
	require.NoError(t, err)
	_, err = p.Complete(context.Background(), writerRequest())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "openai: connection to http://127.0.0.1:1/v1 failed after 4 attempts")
	assert.Contains(t, err.Error(), "connection refused")
	assertNoKey(t, err)
}

// The SDK does not retry its own per-attempt timeout: one call, then an
// error the job engine retries.
func TestAttemptTimeoutNotRetried(t *testing.T) {
	t.Parallel()
	p, srv := newProvider(t, func(c *openai.Config) { c.Timeout = 200 * time.Millisecond })
	srv.SetHandler(func(llmtest.ChatRequest) llmtest.Reply {
		return llmtest.Reply{Delay: 10 * time.Second, Body: llmtest.Completion(validWriter, "gpt-test", 10, 5, 0)}
	})
	start := time.Now()
	_, err := p.Complete(context.Background(), writerRequest())
	require.Error(t, err)
	assert.Less(t, time.Since(start), 2*time.Second)
	assert.Equal(t, 1, srv.Calls())
	assert.Equal(t, fmt.Sprintf("openai: request to %s timed out after 200ms (openai.timeout)", srv.URL), err.Error())
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	var te *openai.Error
	require.ErrorAs(t, err, &te)
	assert.True(t, te.Timeout)
	assert.True(t, te.Retryable)
}

// The SDK waits for Retry-After inside the attempt's timeout: a wait longer
// than the timeout ends as a timeout after one call.
func TestRetryAfterLongerThanTimeout(t *testing.T) {
	t.Parallel()
	p, srv := newProvider(t, func(c *openai.Config) { c.Timeout = 200 * time.Millisecond; c.MaxRetryDelay = 0 })
	srv.Enqueue(
		llmtest.Reply{Status: 429, Header: http.Header{"Retry-After-Ms": {"1000"}}, Body: llmtest.APIError("slow down", "requests")},
		llmtest.Reply{Body: llmtest.Completion(validWriter, "gpt-test", 10, 5, 0)},
	)
	_, err := p.Complete(context.Background(), writerRequest())
	require.Error(t, err)
	assert.Equal(t, 1, srv.Calls())
	var te *openai.Error
	require.ErrorAs(t, err, &te)
	assert.True(t, te.Timeout)
}

func TestCallerCancellation(t *testing.T) {
	t.Parallel()
	p, srv := newProvider(t, nil)
	srv.SetHandler(func(llmtest.ChatRequest) llmtest.Reply { return llmtest.Reply{Delay: 10 * time.Second} })
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	_, err := p.Complete(ctx, writerRequest())
	require.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, 1, srv.Calls())
	var te *openai.Error
	require.ErrorAs(t, err, &te)
	assert.False(t, te.Timeout)
}

func TestUnauthorizedNotRetried(t *testing.T) {
	t.Parallel()
	p, srv := newProvider(t, nil)
	srv.SetHandler(func(llmtest.ChatRequest) llmtest.Reply {
		return llmtest.Reply{Status: 401, Body: llmtest.APIError("Incorrect API key provided: "+apiKey+".", "invalid_request_error")}
	})
	_, err := p.Complete(context.Background(), writerRequest())
	require.Error(t, err)
	assert.Equal(t, 1, srv.Calls())
	assert.True(t, strings.HasPrefix(err.Error(), "openai: 401 Unauthorized: check OPENAI_API_KEY"), err.Error())
	assertNoKey(t, err)
	var te *openai.Error
	require.ErrorAs(t, err, &te)
	assert.False(t, te.Retryable)
}

func TestClientErrorsNotRetried(t *testing.T) {
	t.Parallel()
	tests := []struct {
		status int
		msg    string
		want   string
	}{
		{400, "Invalid parameter: 'response_format' of type 'json_schema' is not supported with this model.", "set openai.json_object_only"},
		{400, "max_tokens is too large", "the request was rejected"},
		{403, "Project does not have access to model gpt-test", "403 Forbidden"},
		{404, "The model `gpt-test` does not exist", "check the model name and the base URL"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.status, tt.want), func(t *testing.T) {
			t.Parallel()
			p, srv := newProvider(t, nil)
			srv.SetHandler(func(llmtest.ChatRequest) llmtest.Reply {
				return llmtest.Reply{Status: tt.status, Body: llmtest.APIError(tt.msg, "invalid_request_error")}
			})
			_, err := p.Complete(context.Background(), writerRequest())
			require.Error(t, err)
			assert.Equal(t, 1, srv.Calls())
			assert.Contains(t, err.Error(), tt.want)
			assert.Contains(t, err.Error(), tt.msg)
		})
	}
}

func TestQuotaExhausted(t *testing.T) {
	t.Parallel()
	p, srv := newProvider(t, nil)
	srv.SetHandler(func(llmtest.ChatRequest) llmtest.Reply {
		return llmtest.Reply{Status: 429, Body: `{"error":{"message":"You exceeded your current quota","type":"insufficient_quota","code":"insufficient_quota"}}`}
	})
	_, err := p.Complete(context.Background(), writerRequest())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "quota is exhausted")
	assert.NotContains(t, err.Error(), "concurrency")
}

func TestNotAChatCompletion(t *testing.T) {
	t.Parallel()
	p, srv := newProvider(t, nil)
	srv.Enqueue(
		llmtest.Reply{Body: "<html>login page</html>"},
		llmtest.Reply{Body: "<html>login page</html>", Header: http.Header{"Content-Type": {"text/html"}}},
	)
	for range 2 {
		_, err := p.Complete(context.Background(), writerRequest())
		require.Error(t, err)
		assert.Contains(t, err.Error(), "is not a chat completion")
		var oe *llm.OutputError
		assert.False(t, errors.As(err, &oe), "a broken transport answer, not a model output")
	}
	assert.Equal(t, 2, srv.Calls())
}

// Servers that echo the request headers into their error body must not
// carry the key into an error message, whatever the status.
func TestAPIKeyNeverInErrors(t *testing.T) {
	t.Parallel()
	echo := func(status int) func(llmtest.ChatRequest) llmtest.Reply {
		return func(r llmtest.ChatRequest) llmtest.Reply {
			return llmtest.Reply{Status: status, Body: llmtest.APIError(fmt.Sprintf("bad request; headers: Authorization: %s; key=%s", r.Header.Get("Authorization"), apiKey), "x")}
		}
	}
	for _, status := range []int{400, 401, 403, 404, 409, 422, 429, 500, 503} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			t.Parallel()
			p, srv := newProvider(t, nil)
			srv.SetHandler(echo(status))
			_, err := p.Complete(context.Background(), writerRequest())
			require.Error(t, err)
			assertNoKey(t, err)
			assert.Contains(t, err.Error(), "[redacted]", "the server's message is kept, minus the key")
			assert.Equal(t, "Bearer "+apiKey, srv.Requests()[0].Header.Get("Authorization"))
		})
	}
	t.Run("key without sk- prefix", func(t *testing.T) {
		t.Parallel()
		srv := llmtest.NewServer(t)
		p, err := openai.New(openai.Config{APIKey: "ollama-local-SECRET123", BaseURL: srv.URL, MaxRetries: -1})
		require.NoError(t, err)
		srv.SetHandler(func(r llmtest.ChatRequest) llmtest.Reply {
			return llmtest.Reply{Status: 500, Body: llmtest.APIError("token ollama-local-SECRET123 rejected", "x")}
		})
		_, err = p.Complete(context.Background(), writerRequest())
		require.Error(t, err)
		assertNoKey(t, err)
	})
	t.Run("timeout and connection errors", func(t *testing.T) {
		t.Parallel()
		p, srv := newProvider(t, func(c *openai.Config) { c.Timeout = 50 * time.Millisecond; c.MaxRetries = -1 })
		srv.Enqueue(llmtest.Reply{Delay: time.Second}, llmtest.Reply{Drop: true})
		for range 2 {
			_, err := p.Complete(context.Background(), writerRequest())
			require.Error(t, err)
			assertNoKey(t, err)
		}
	})
}

func TestConcurrentCalls(t *testing.T) {
	t.Parallel()
	p, srv := newProvider(t, nil)
	srv.SetHandler(func(r llmtest.ChatRequest) llmtest.Reply {
		if strings.Contains(r.Messages[len(r.Messages)-1].Content, "drop me") {
			return llmtest.Reply{Drop: true}
		}
		return llmtest.Reply{Delay: 10 * time.Millisecond, Body: llmtest.Completion(validWriter, "gpt-test", 10, 5, 0)}
	})
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Go(func() {
			req := writerRequest()
			if i%4 == 0 {
				req.Repair = "drop me"
			}
			_, err := p.Complete(context.Background(), req)
			if i%4 == 0 {
				assert.Error(t, err)
			} else {
				assert.NoError(t, err)
			}
		})
	}
	wg.Wait()
	assert.Equal(t, 12+4*4, srv.Calls())
}

func TestAllAgents(t *testing.T) {
	t.Parallel()
	p, srv := newProvider(t, nil)
	inputs := map[contract.Agent]any{
		contract.Librarian: contract.LibrarianInput{DocumentTitle: "Trial", Pages: []contract.Page{{No: 4, Text: "LDL-C was reduced by 38% relative to placebo at week 12."}}},
		contract.Writer:    writerInput,
		contract.Verifier:  contract.VerifierInput{Items: []contract.VerifyItem{{Index: 0, Sentence: "Drug A lowered LDL-C [F1].", Facts: writerInput.Facts}}},
	}
	srv.SetHandler(func(r llmtest.ChatRequest) llmtest.Reply {
		return llmtest.Reply{Body: llmtest.Completion(`{}`, r.Model, 1, 1, 0)}
	})
	for agent, in := range inputs {
		_, err := p.Complete(context.Background(), llm.Request{Agent: agent, Model: "gpt-test", Input: in})
		require.NoError(t, err, agent)
	}
	names := map[string]bool{}
	for _, r := range srv.Requests() {
		var f struct {
			JSONSchema struct {
				Name string `json:"name"`
			} `json:"json_schema"`
		}
		require.NoError(t, json.Unmarshal(r.ResponseFormat, &f))
		names[f.JSONSchema.Name] = true
	}
	assert.Equal(t, map[string]bool{"librarian": true, "writer": true, "verifier": true}, names)

	_, err := p.Complete(context.Background(), llm.Request{Agent: "editor", Model: "gpt-test", Input: writerInput})
	require.Error(t, err)
}
