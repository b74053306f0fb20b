package openai

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	sdk "github.com/openai/openai-go/v3"
)

// Error is a call that got no usable HTTP answer: an error status after the
// SDK's retries, a connection failure, or an attempt timeout. Its message is
// one line naming what happened and what to do, and never holds the API key.
type Error struct {
	// StatusCode is the HTTP status, 0 when no response arrived.
	StatusCode int
	// Attempts the SDK made (0 if the call never started).
	Attempts int
	// Timeout is set when an attempt ran past Config.Timeout.
	Timeout bool
	// Retryable says whether running the step again later may succeed
	// (429, 5xx, timeouts, connection errors), unlike 400/401/403/404.
	Retryable bool

	msg   string
	cause error
}

func (e *Error) Error() string { return e.msg }

// Unwrap exposes context errors (errors.Is(err, context.DeadlineExceeded))
// and network errors. It never exposes the SDK's *openai.Error: that holds
// the request, whose Authorization header carries the key.
func (e *Error) Unwrap() error { return e.cause }

// fail turns whatever the SDK returned into an *Error with a safe message.
func (p *Provider) fail(ctx context.Context, err error, attempts int) error {
	e := &Error{Attempts: attempts}
	var apiErr *sdk.Error
	var urlErr *url.Error
	var syntaxErr *json.SyntaxError
	var typeErr *json.UnmarshalTypeError
	switch {
	case ctx.Err() != nil:
		// The caller's context ended: not the attempt timeout.
		e.cause = ctx.Err()
		e.msg = fmt.Sprintf("openai: call to %s abandoned: %v", p.baseURL, ctx.Err())
	case errors.Is(err, context.DeadlineExceeded):
		e.Timeout, e.Retryable, e.cause = true, true, context.DeadlineExceeded
		e.msg = fmt.Sprintf("openai: request to %s timed out after %s (openai.timeout)", p.baseURL, p.cfg.Timeout)
	case errors.As(err, &apiErr):
		e.StatusCode = apiErr.StatusCode
		e.Retryable = retryableStatus(apiErr.StatusCode)
		e.msg = p.statusMessage(apiErr, attempts)
	case errors.As(err, &syntaxErr) || errors.As(err, &typeErr) || notCompletion(err):
		// A 2xx whose body is not a chat completion: often a proxy or a
		// base URL that is not an OpenAI-compatible /v1.
		e.cause = err
		e.msg = fmt.Sprintf("openai: %s answered with a body that is not a chat completion (%s); check that the base URL is an OpenAI-compatible /v1 endpoint",
			p.baseURL, clip(err.Error(), 200))
	case errors.As(err, &urlErr):
		e.Retryable, e.cause = true, urlErr.Err
		var netErr net.Error
		if errors.As(urlErr.Err, &netErr) && netErr.Timeout() {
			// An HTTPClient with its own Timeout, or a header timeout.
			e.Timeout = true
		}
		e.msg = fmt.Sprintf("openai: connection to %s failed%s: %v; check that the server is running and the base URL is right",
			p.baseURL, afterAttempts(attempts), urlErr.Err)
	default:
		e.cause = err
		e.msg = fmt.Sprintf("openai: call to %s failed%s: %v", p.baseURL, afterAttempts(attempts), err)
	}
	e.msg = p.redact(e.msg)
	return e
}

// notCompletion recognises the SDK's (unexported) errors for a 2xx body it
// cannot decode: invalid JSON, or a non-JSON content type.
func notCompletion(err error) bool {
	m := err.Error()
	return strings.HasPrefix(m, "error parsing response json") || strings.Contains(m, "for responses with content-type")
}

func retryableStatus(code int) bool {
	return code == http.StatusRequestTimeout || code == http.StatusConflict || code == http.StatusTooManyRequests || code >= 500
}

func (p *Provider) statusMessage(apiErr *sdk.Error, attempts int) string {
	code := apiErr.StatusCode
	status := strconv.Itoa(code)
	if text := http.StatusText(code); text != "" {
		status += " " + text
	}
	detail := ""
	if m := clip(p.redact(apiErr.Message), 200); m != "" {
		detail = " (" + m + ")"
	}
	switch {
	case code == http.StatusUnauthorized:
		return fmt.Sprintf("openai: %s: check OPENAI_API_KEY%s", status, detail)
	case code == http.StatusForbidden:
		return fmt.Sprintf("openai: %s from %s%s: the key may lack access to this model or region; check OPENAI_API_KEY and the project's permissions", status, p.baseURL, detail)
	case code == http.StatusNotFound:
		return fmt.Sprintf("openai: %s from %s%s: check the model name and the base URL (it usually ends in /v1)", status, p.baseURL, detail)
	case code == http.StatusTooManyRequests && (apiErr.Code == "insufficient_quota" || apiErr.Type == "insufficient_quota"):
		// OpenAI sends 429 for an exhausted quota too; waiting does not help.
		return fmt.Sprintf("openai: %s from %s%s%s; the account's quota is exhausted: check the plan and billing", status, p.baseURL, afterAttempts(attempts), detail)
	case code == http.StatusTooManyRequests:
		return fmt.Sprintf("openai: %s from %s%s%s; lower the concurrency or retry later%s", status, p.baseURL, afterAttempts(attempts), detail, retryAfterHint(apiErr))
	case code >= 500 || code == http.StatusRequestTimeout || code == http.StatusConflict:
		return fmt.Sprintf("openai: %s from %s%s%s; the server is failing, retry later%s", status, p.baseURL, afterAttempts(attempts), detail, retryAfterHint(apiErr))
	case code == http.StatusBadRequest && !p.cfg.JSONObjectOnly && mentionsFormat(apiErr.Message):
		return fmt.Sprintf("openai: %s from %s%s: the server may not support json_schema structured outputs; set openai.json_object_only", status, p.baseURL, detail)
	default:
		return fmt.Sprintf("openai: %s from %s%s: the request was rejected; check the model name and settings", status, p.baseURL, detail)
	}
}

func afterAttempts(n int) string {
	switch {
	case n <= 0:
		return ""
	case n == 1:
		return " after 1 attempt"
	default:
		return fmt.Sprintf(" after %d attempts", n)
	}
}

// retryAfterHint says how long the server asked to wait when the SDK gave
// up anyway (more than Config.MaxRetryDelay, or retries exhausted).
func retryAfterHint(apiErr *sdk.Error) string {
	if apiErr.Response == nil {
		return ""
	}
	if ms := apiErr.Response.Header.Get("Retry-After-Ms"); ms != "" {
		return " (server asked to wait " + clip(ms, 20) + "ms)"
	}
	if s := apiErr.Response.Header.Get("Retry-After"); s != "" {
		if _, err := strconv.ParseFloat(s, 64); err == nil {
			s += "s"
		}
		return " (server asked to wait " + clip(s, 40) + ")"
	}
	return ""
}

func mentionsFormat(msg string) bool {
	m := strings.ToLower(msg)
	return strings.Contains(m, "response_format") || strings.Contains(m, "json_schema") || strings.Contains(m, "structured output")
}

// Bearer tokens and OpenAI-style keys in server text (some servers echo the
// request's headers into their error body).
var secretPattern = regexp.MustCompile(`(?i)(bearer\s+)[A-Za-z0-9._~+/=\-]+|\bsk-[A-Za-z0-9_\-]{6,}`)

// redact removes the configured key and anything shaped like a key from a
// message that may quote the server.
func (p *Provider) redact(s string) string {
	if k := strings.TrimSpace(p.cfg.APIKey); k != "" {
		s = strings.ReplaceAll(s, k, "[redacted]")
	}
	return secretPattern.ReplaceAllStringFunc(s, func(m string) string {
		if sub := secretPattern.FindStringSubmatch(m); sub[1] != "" {
			return sub[1] + "[redacted]"
		}
		return "[redacted]"
	})
}

// IsRetryable lets the job engine tell a failure that a later attempt may
// fix (timeouts, 429, 5xx) from one it cannot (401, 400): see llm.IsPermanent.
func (e *Error) IsRetryable() bool { return e.Retryable }

// Unavailable reports a server that could not answer: unreachable, timing
// out, or answering 408/409/429/5xx (llm.IsUnavailable); a rejected key or
// request is not.
func (e *Error) Unavailable() bool { return e.Retryable }
