package llmtest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func post(ctx context.Context, t *testing.T, url, body string) (*http.Response, error) {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url+"/chat/completions", strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer k")
	return http.DefaultClient.Do(req)
}

func TestQueueThenHandler(t *testing.T) {
	s := NewServer(t)
	s.Enqueue(Reply{Status: 429, Header: http.Header{"Retry-After": {"1"}}, Body: APIError("slow", "requests")}, Reply{Body: Completion(`{"a":1}`, "m", 3, 2, 1)})
	s.SetHandler(func(r ChatRequest) Reply { return Reply{Status: 418, Body: r.Messages[0].Content} })

	body := `{"model":"m","temperature":0.5,"messages":[{"role":"system","content":"sys"},{"role":"user","content":[{"type":"text","text":"a"},{"type":"text","text":"b"}]}],"response_format":{"type":"json_object"}}`
	var statuses []int
	for range 3 {
		resp, err := post(context.Background(), t, s.URL, body)
		require.NoError(t, err)
		b, _ := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		statuses = append(statuses, resp.StatusCode)
		switch resp.StatusCode {
		case 429:
			assert.Equal(t, "1", resp.Header.Get("Retry-After"))
		case 200:
			var c struct {
				Model   string `json:"model"`
				Choices []struct {
					Message struct {
						Content string `json:"content"`
					} `json:"message"`
					FinishReason string `json:"finish_reason"`
				} `json:"choices"`
				Usage struct {
					PromptTokens        int `json:"prompt_tokens"`
					PromptTokensDetails struct {
						CachedTokens int `json:"cached_tokens"`
					} `json:"prompt_tokens_details"`
				} `json:"usage"`
			}
			require.NoError(t, json.Unmarshal(b, &c))
			assert.Equal(t, `{"a":1}`, c.Choices[0].Message.Content)
			assert.Equal(t, "stop", c.Choices[0].FinishReason)
			assert.Equal(t, 3, c.Usage.PromptTokens)
			assert.Equal(t, 1, c.Usage.PromptTokensDetails.CachedTokens)
		case 418:
			assert.Equal(t, "sys", string(b))
		}
	}
	assert.Equal(t, []int{429, 200, 418}, statuses)
	assert.Equal(t, 3, s.Calls())
	r := s.Requests()[0]
	assert.Equal(t, "m", r.Model)
	assert.InDelta(t, 0.5, r.Temperature, 1e-9)
	assert.Equal(t, []Message{{"system", "sys"}, {"user", "ab"}}, r.Messages)
	assert.JSONEq(t, `{"type":"json_object"}`, string(r.ResponseFormat))
	assert.Equal(t, "Bearer k", r.Header.Get("Authorization"))
	assert.Equal(t, body, string(r.Raw))
}

func TestRefusalBody(t *testing.T) {
	var c struct {
		Choices []struct {
			Message struct {
				Content *string `json:"content"`
				Refusal string  `json:"refusal"`
			} `json:"message"`
		} `json:"choices"`
	}
	require.NoError(t, json.Unmarshal([]byte(Refusal("no")), &c))
	assert.Nil(t, c.Choices[0].Message.Content)
	assert.Equal(t, "no", c.Choices[0].Message.Refusal)
}

func TestDrop(t *testing.T) {
	s := NewServer(t)
	s.Enqueue(Reply{Drop: true})
	_, err := post(context.Background(), t, s.URL, `{}`)
	require.Error(t, err)
	assert.Equal(t, 1, s.Calls())
}

// A delayed reply ends when the client gives up, so a test's cleanup never
// waits for the full delay.
func TestDelayRespectsCancellation(t *testing.T) {
	start := time.Now()
	t.Run("inner", func(t *testing.T) {
		s := NewServer(t)
		s.Enqueue(Reply{Delay: time.Minute})
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		_, err := post(ctx, t, s.URL, `{}`)
		require.ErrorIs(t, err, context.DeadlineExceeded)
	})
	assert.Less(t, time.Since(start), 5*time.Second)
}

// Closing the server ends pending delays even if the client is still waiting.
func TestCleanupEndsDelays(t *testing.T) {
	start := time.Now()
	var errs = make(chan error, 1)
	t.Run("inner", func(t *testing.T) {
		s := NewServer(t)
		s.Enqueue(Reply{Delay: time.Minute})
		go func() {
			resp, err := http.Post(s.URL+"/chat/completions", "application/json", strings.NewReader(`{}`))
			if err == nil {
				_ = resp.Body.Close()
				err = errors.New("unexpected answer")
			}
			errs <- err
		}()
		require.Eventually(t, func() bool { return s.Calls() == 1 }, 5*time.Second, 5*time.Millisecond)
	})
	assert.Error(t, <-errs)
	assert.Less(t, time.Since(start), 5*time.Second)
}

func TestConcurrentRequests(t *testing.T) {
	s := NewServer(t)
	const n = 40
	for i := range n / 2 {
		s.Enqueue(Reply{Body: fmt.Sprint(i)})
	}
	s.SetHandler(func(ChatRequest) Reply { return Reply{Status: 201, Delay: time.Millisecond} })
	var wg sync.WaitGroup
	var mu sync.Mutex
	codes := map[int]int{}
	for range n {
		wg.Go(func() {
			resp, err := post(context.Background(), t, s.URL, `{"model":"m"}`)
			if !assert.NoError(t, err) {
				return
			}
			_ = resp.Body.Close()
			mu.Lock()
			codes[resp.StatusCode]++
			mu.Unlock()
		})
	}
	wg.Wait()
	assert.Equal(t, map[int]int{200: n / 2, 201: n / 2}, codes)
	assert.Equal(t, n, s.Calls())
	assert.Len(t, s.Requests(), n)
}

// recorder stands in for testing.TB to observe Errorf.
type recorder struct {
	testing.TB
	mu     sync.Mutex
	errors []string
}

func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

func TestUnscriptedRequestFailsTheTest(t *testing.T) {
	rec := &recorder{TB: t}
	s := NewServer(rec)
	resp, err := post(context.Background(), t, s.URL, `{}`)
	require.NoError(t, err)
	_ = resp.Body.Close()
	assert.Equal(t, 500, resp.StatusCode)
	rec.mu.Lock()
	defer rec.mu.Unlock()
	require.Len(t, rec.errors, 1)
	assert.Contains(t, rec.errors[0], "unscripted request 1")
}

func TestUnknownRoute(t *testing.T) {
	s := NewServer(t)
	resp, err := http.Get(s.URL + "/models")
	require.NoError(t, err)
	_ = resp.Body.Close()
	assert.Equal(t, 404, resp.StatusCode)
	assert.Zero(t, s.Calls())
}
