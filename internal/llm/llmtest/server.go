// Package llmtest is a fake OpenAI-compatible chat completions server for
// tests. Each test scripts the replies it needs (status, body, headers,
// latency, dropped connections) and inspects every request received.
package llmtest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// Reply is one scripted answer.
type Reply struct {
	// Status defaults to 200.
	Status int
	Body   string
	// Header is added to the response; Content-Type defaults to
	// application/json.
	Header http.Header
	// Delay is waited before answering; it ends early when the client gives
	// up (request cancelled) or the server closes.
	Delay time.Duration
	// Drop hijacks and closes the connection without answering, as a
	// crashing proxy or a reset would.
	Drop bool
}

// Message is one chat message of a request. Content is the text, with the
// text parts joined when the client sent an array of parts.
type Message struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

// ChatRequest is one request received on /chat/completions.
type ChatRequest struct {
	Model          string
	Temperature    float64
	Messages       []Message
	ResponseFormat json.RawMessage
	Header         http.Header
	Raw            []byte
}

// Server is a fake OpenAI-compatible server, closed at the test's cleanup.
type Server struct {
	// URL is the base URL clients are configured with, including /v1.
	URL string

	t    testing.TB
	srv  *httptest.Server
	done chan struct{} // closed at cleanup: ends every pending Delay

	mu       sync.Mutex
	queue    []Reply
	handler  func(ChatRequest) Reply
	requests []ChatRequest
}

// maxBody bounds what one request may send: prompts are a few pages of text.
const maxBody = 32 << 20

// NewServer starts a server; it is closed when the test ends.
func NewServer(t testing.TB) *Server {
	t.Helper()
	s := &Server{t: t, done: make(chan struct{})}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/chat/completions", s.serveChat)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeReply(w, Reply{Status: http.StatusNotFound, Body: APIError("llmtest: no route "+r.Method+" "+r.URL.Path, "invalid_request_error")})
	})
	s.srv = httptest.NewServer(mux)
	s.URL = s.srv.URL + "/v1"
	t.Cleanup(func() {
		close(s.done)
		s.srv.CloseClientConnections()
		s.srv.Close()
	})
	return s
}

// Enqueue appends replies, served in order to /chat/completions. When the
// queue is empty the handler set by SetHandler answers.
func (s *Server) Enqueue(r ...Reply) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.queue = append(s.queue, r...)
}

// SetHandler sets the function answering when the queue is empty, e.g. from
// the request's content. It may be called concurrently.
func (s *Server) SetHandler(h func(req ChatRequest) Reply) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.handler = h
}

// Requests returns every request received so far, in arrival order.
func (s *Server) Requests() []ChatRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]ChatRequest, len(s.requests))
	copy(out, s.requests)
	return out
}

// Calls is the number of requests received on /chat/completions.
func (s *Server) Calls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.requests)
}

func (s *Server) serveChat(w http.ResponseWriter, r *http.Request) {
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		writeReply(w, Reply{Status: http.StatusBadRequest, Body: APIError("llmtest: reading body: "+err.Error(), "invalid_request_error")})
		return
	}
	req := decodeRequest(raw, r.Header.Clone())

	reply, ok := s.next(req)
	if !ok {
		// Errorf, not Fatalf: this runs on the server's goroutine.
		s.t.Errorf("llmtest: unscripted request %d (queue empty, no handler)", s.Calls())
		reply = Reply{Status: http.StatusInternalServerError, Body: APIError("llmtest: no reply scripted", "server_error")}
	}

	if reply.Delay > 0 {
		timer := time.NewTimer(reply.Delay)
		select {
		case <-timer.C:
		case <-r.Context().Done():
			timer.Stop()
			return
		case <-s.done:
			timer.Stop()
			return
		}
	}
	if reply.Drop {
		hj, ok := w.(http.Hijacker)
		if !ok {
			panic("llmtest: response writer cannot hijack")
		}
		conn, _, err := hj.Hijack()
		if err == nil {
			_ = conn.Close()
		}
		return
	}
	writeReply(w, reply)
}

// next records req and picks its reply: the queue's head, else the handler.
// Both happen under one lock so concurrent requests take queued replies in
// arrival order; the handler runs outside it, as it may be slow.
func (s *Server) next(req ChatRequest) (Reply, bool) {
	s.mu.Lock()
	s.requests = append(s.requests, req)
	if len(s.queue) > 0 {
		r := s.queue[0]
		s.queue = s.queue[1:]
		s.mu.Unlock()
		return r, true
	}
	h := s.handler
	s.mu.Unlock()
	if h == nil {
		return Reply{}, false
	}
	return h(req), true
}

func writeReply(w http.ResponseWriter, r Reply) {
	for k, vs := range r.Header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	if w.Header().Get("Content-Type") == "" {
		w.Header().Set("Content-Type", "application/json")
	}
	status := r.Status
	if status == 0 {
		status = http.StatusOK
	}
	w.WriteHeader(status)
	_, _ = io.WriteString(w, r.Body)
}

// decodeRequest keeps whatever it can read: a test asserting on a malformed
// request still sees Raw and Header.
func decodeRequest(raw []byte, h http.Header) ChatRequest {
	var body struct {
		Model       string  `json:"model"`
		Temperature float64 `json:"temperature"`
		Messages    []struct {
			Role    string          `json:"role"`
			Content json.RawMessage `json:"content"`
		} `json:"messages"`
		ResponseFormat json.RawMessage `json:"response_format"`
	}
	_ = json.Unmarshal(raw, &body)
	req := ChatRequest{Model: body.Model, Temperature: body.Temperature, ResponseFormat: body.ResponseFormat, Header: h, Raw: raw}
	for _, m := range body.Messages {
		req.Messages = append(req.Messages, Message{Role: m.Role, Content: contentText(m.Content)})
	}
	return req
}

// contentText reads a message content that is either a string or an array
// of parts ({"type":"text","text":...}).
func contentText(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var parts []struct {
		Text string `json:"text"`
	}
	if json.Unmarshal(raw, &parts) == nil {
		texts := make([]string, 0, len(parts))
		for _, p := range parts {
			texts = append(texts, p.Text)
		}
		return strings.Join(texts, "")
	}
	return string(raw)
}

// Completion builds a chat.completion body answering content, finished
// normally ("stop"), with the given usage.
func Completion(content, model string, in, out, cached int) string {
	return CompletionFinish(content, model, "stop", in, out, cached)
}

// CompletionFinish is Completion with a chosen finish_reason ("length",
// "content_filter", ...).
func CompletionFinish(content, model, finishReason string, in, out, cached int) string {
	return completion(map[string]any{"role": "assistant", "content": content, "refusal": nil}, model, finishReason, in, out, cached)
}

// Refusal builds a chat.completion body whose message is a refusal (content
// null, refusal set), as OpenAI sends when a structured-output request is
// declined.
func Refusal(text string) string {
	return completion(map[string]any{"role": "assistant", "content": nil, "refusal": text}, "fake-model", "stop", 10, 5, 0)
}

var completionSeq struct {
	sync.Mutex
	n int
}

func completion(message map[string]any, model, finishReason string, in, out, cached int) string {
	completionSeq.Lock()
	completionSeq.n++
	id := fmt.Sprintf("chatcmpl-test%d", completionSeq.n)
	completionSeq.Unlock()
	b, err := json.Marshal(map[string]any{
		"id":      id,
		"object":  "chat.completion",
		"created": 1700000000,
		"model":   model,
		"choices": []any{map[string]any{
			"index":         0,
			"message":       message,
			"logprobs":      nil,
			"finish_reason": finishReason,
		}},
		"usage": map[string]any{
			"prompt_tokens":         in,
			"completion_tokens":     out,
			"total_tokens":          in + out,
			"prompt_tokens_details": map[string]any{"cached_tokens": cached},
		},
	})
	if err != nil {
		panic(err) // only maps of strings and numbers
	}
	return string(b)
}

// APIError builds an OpenAI error body: {"error":{"message":..,"type":..}}.
func APIError(message, typ string) string {
	b, err := json.Marshal(map[string]any{"error": map[string]any{"message": message, "type": typ, "param": nil, "code": nil}})
	if err != nil {
		panic(err)
	}
	return string(b)
}
