// Package openai is the llm.Provider for OpenAI and any OpenAI-compatible
// chat completions server (Ollama, vLLM, llama.cpp server), built on the
// official SDK github.com/openai/openai-go/v3.
//
// Retries follow operational-plan.md: the SDK retries 408/409/429/5xx and
// connection errors with exponential backoff and jitter, honouring
// Retry-After and Retry-After-Ms. An attempt that runs past Config.Timeout is
// NOT retried by the SDK; Complete returns a timeout error and the job
// engine retries the step.
package openai

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	sdk "github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
	"github.com/openai/openai-go/v3/shared"

	"github.com/opusblocks/opus/internal/config"
	"github.com/opusblocks/opus/internal/contract"
	"github.com/opusblocks/opus/internal/llm"
	"github.com/opusblocks/opus/internal/prompts"
)

// Defaults of Config's zero values, from the one table of defaults.
var (
	DefaultTimeout    = config.Default().OpenAI.Timeout
	DefaultMaxRetries = config.Default().OpenAI.MaxRetries
	DefaultBaseURL    = config.Default().OpenAI.BaseURL
)

// Price is what one model costs, in USD per million tokens.
type Price struct {
	InputPerMTok float64
	// CachedInputPerMTok is charged for prompt tokens the server served from
	// its prompt cache. Zero means the table lists no cached price: those
	// tokens are then charged at InputPerMTok, so cost is never understated.
	CachedInputPerMTok float64
	OutputPerMTok      float64
}

// Prices is the per-model price table of the config, with its version.
type Prices struct {
	Version string
	Models  map[string]Price
}

// Cost of a call: looked up by the model the server answered with (often a
// dated snapshot), then by the requested one; an unknown model costs 0.
func (p Prices) Cost(answered, requested string, in, out, cached int) float64 {
	price, ok := p.Lookup(answered)
	if !ok {
		price, ok = p.Lookup(requested)
	}
	if !ok {
		return 0
	}
	cachedPrice := price.CachedInputPerMTok
	if cachedPrice == 0 {
		cachedPrice = price.InputPerMTok
	}
	cached = min(max(cached, 0), in)
	return (float64(in-cached)*price.InputPerMTok + float64(cached)*cachedPrice + float64(out)*price.OutputPerMTok) / 1e6
}

// Lookup returns a model's price: matched exactly, then ignoring case
// (config loaders lowercase map keys, while servers answer
// "Qwen/Qwen2.5-7B-Instruct").
func (p Prices) Lookup(model string) (Price, bool) {
	if model == "" {
		return Price{}, false
	}
	if price, ok := p.Models[model]; ok {
		return price, true
	}
	for name, price := range p.Models {
		if strings.EqualFold(name, model) {
			return price, true
		}
	}
	return Price{}, false
}

// Config configures the provider. Zero values take the defaults noted.
type Config struct {
	// APIKey is required. It is sent only in the Authorization header: it is
	// never logged, stored, or put in an error message.
	APIKey string
	// BaseURL of any OpenAI-compatible server, usually ending in /v1;
	// "" = https://api.openai.com/v1.
	BaseURL string
	// Timeout bounds each attempt (request and response body); 0 = 120s.
	// The SDK does not retry an attempt that times out: Complete returns a
	// timeout error and the job retries the step.
	Timeout time.Duration
	// MaxRetries is how many times the SDK retries 408/409/429/5xx and
	// connection errors; 0 = 3 (4 attempts per call), negative = none.
	MaxRetries int
	// MaxRetryDelay caps each wait between attempts; 0 = SDK defaults
	// (backoff 0.5s·2^n up to 8s, Retry-After honoured up to 2 minutes).
	// A server asking to wait longer than the cap is not retried: the call
	// fails with its status and the job retries later.
	MaxRetryDelay time.Duration
	// JSONObjectOnly sends response_format json_object (with the schema in
	// the system message) instead of the strict json_schema, for servers
	// without structured-output support. Outputs are validated by the
	// caller either way.
	JSONObjectOnly bool
	Prices         Prices
	// HTTPClient is optional (tests, proxies).
	HTTPClient *http.Client
}

// Provider implements llm.Provider over the chat completions API. It is
// safe for concurrent use; bound its calls with llm.Limit.
type Provider struct {
	chat    sdk.ChatCompletionService
	cfg     Config
	baseURL string // for messages: no userinfo, no query
}

var _ llm.Provider = (*Provider)(nil)

// New checks cfg and builds the provider. It makes no network call.
func New(cfg Config) (*Provider, error) {
	if strings.TrimSpace(cfg.APIKey) == "" {
		return nil, errors.New("openai: no API key: set OPENAI_API_KEY (any non-empty value for local servers such as Ollama) or use --provider offline")
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = DefaultBaseURL
	}
	u, err := url.Parse(cfg.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("openai: base URL %q is not an http(s) URL such as http://localhost:11434/v1", redactURL(cfg.BaseURL))
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	switch {
	case cfg.MaxRetries == 0:
		cfg.MaxRetries = DefaultMaxRetries
	case cfg.MaxRetries < 0:
		cfg.MaxRetries = 0
	}

	opts := []option.RequestOption{
		option.WithAPIKey(cfg.APIKey),
		option.WithBaseURL(cfg.BaseURL),
		option.WithMaxRetries(cfg.MaxRetries),
		option.WithRequestTimeout(cfg.Timeout),
	}
	if cfg.MaxRetryDelay > 0 {
		opts = append(opts, option.WithMaxRetryDelay(cfg.MaxRetryDelay))
	}
	if cfg.HTTPClient != nil {
		opts = append(opts, option.WithHTTPClient(cfg.HTTPClient))
	}
	// NewClient also reads OPENAI_ORG_ID / OPENAI_PROJECT_ID from the
	// environment; the options above override its key and base URL, so the
	// config resolved by the CLI (flags > env > file) is what is used.
	client := sdk.NewClient(opts...)
	p := &Provider{chat: client.Chat.Completions, cfg: cfg, baseURL: redactURL(cfg.BaseURL)}
	return p, nil
}

// BaseURL is the server's base URL as configured, without credentials.
func (p *Provider) BaseURL() string { return p.baseURL }

// Name implements llm.Provider.
func (*Provider) Name() string { return "openai" }

// Complete sends one agent request. Output is the message content as
// received: validating it is the caller's job.
//
// A refusal, empty content or an answer cut off at the token limit returns
// an error wrapping *llm.OutputError together with a Response that still
// carries the model, tokens and cost (the call was billed) and whatever
// content arrived. Transport and HTTP failures return an *Error.
func (p *Provider) Complete(ctx context.Context, req llm.Request) (llm.Response, error) {
	params, err := p.params(req)
	if err != nil {
		return llm.Response{}, err
	}
	// The SDK does not report how many attempts it made; a per-call
	// middleware counts them for the error message.
	var attempts atomic.Int32
	count := option.WithMiddleware(func(r *http.Request, next option.MiddlewareNext) (*http.Response, error) {
		attempts.Add(1)
		return next(r)
	})
	completion, err := p.chat.New(ctx, params, count)
	if err != nil {
		return llm.Response{}, p.fail(ctx, err, int(attempts.Load()))
	}
	return p.response(req, completion)
}

const systemPrompt = "You are the %s agent of opus, a tool that writes scientific paragraphs grounded in quoted facts. " +
	"Answer with one JSON object only, no prose and no code fences, matching the JSON Schema of your output."

func (p *Provider) params(req llm.Request) (sdk.ChatCompletionNewParams, error) {
	schema := contract.Schema(req.Agent)
	if schema == nil {
		return sdk.ChatCompletionNewParams{}, fmt.Errorf("openai: unknown agent %q", req.Agent)
	}
	user, version, err := prompts.Render(req.Agent, req.Input)
	if err != nil {
		return sdk.ChatCompletionNewParams{}, fmt.Errorf("openai: %w", err)
	}
	// The run records req.PromptVersion; sending another version's text
	// would make the ledger and the cache lie.
	if req.PromptVersion != "" && req.PromptVersion != version {
		return sdk.ChatCompletionNewParams{}, fmt.Errorf("openai: %s request names prompt version %s but the embedded prompt is %s", req.Agent, req.PromptVersion, version)
	}

	system := fmt.Sprintf(systemPrompt, req.Agent)
	var format sdk.ChatCompletionNewParamsResponseFormatUnion
	if p.cfg.JSONObjectOnly {
		// json_object only promises some JSON object: the model sees the
		// schema in the prompt instead.
		system += "\nJSON Schema:\n" + string(schema)
		format.OfJSONObject = &shared.ResponseFormatJSONObjectParam{}
	} else {
		format.OfJSONSchema = &shared.ResponseFormatJSONSchemaParam{JSONSchema: shared.ResponseFormatJSONSchemaJSONSchemaParam{
			Name:   string(req.Agent),
			Strict: sdk.Bool(true),
			Schema: json.RawMessage(schema),
		}}
	}
	messages := []sdk.ChatCompletionMessageParamUnion{sdk.SystemMessage(system), sdk.UserMessage(user)}
	if req.Repair != "" {
		messages = append(messages, sdk.UserMessage("Your previous answer broke its contract: "+req.Repair+"\nAnswer again with the corrected JSON only."))
	}
	return sdk.ChatCompletionNewParams{
		Model:          req.Model,
		Messages:       messages,
		Temperature:    sdk.Float(req.Temperature),
		ResponseFormat: format,
	}, nil
}

func (p *Provider) response(req llm.Request, c *sdk.ChatCompletion) (llm.Response, error) {
	resp := llm.Response{
		Model:        c.Model,
		TokensIn:     int(c.Usage.PromptTokens),
		TokensOut:    int(c.Usage.CompletionTokens),
		TokensCached: int(c.Usage.PromptTokensDetails.CachedTokens),
	}
	if resp.Model == "" {
		resp.Model = req.Model
	}
	resp.CostUSD = p.cfg.Prices.Cost(resp.Model, req.Model, resp.TokensIn, resp.TokensOut, resp.TokensCached)
	resp.PriceVersion = p.cfg.Prices.Version
	if len(c.Choices) == 0 {
		return resp, unusable("the response has no choices")
	}
	choice := c.Choices[0]
	resp.Output = []byte(choice.Message.Content)
	switch {
	case choice.Message.Refusal != "":
		return resp, unusable("the model refused: " + clip(choice.Message.Refusal, 300))
	case choice.FinishReason == "length":
		return resp, unusable(fmt.Sprintf("the answer was cut off at the token limit after %d output tokens", resp.TokensOut))
	case choice.FinishReason == "content_filter":
		return resp, unusable("the answer was withheld by the content filter")
	case strings.TrimSpace(choice.Message.Content) == "":
		return resp, unusable("the answer is empty")
	}
	return resp, nil
}

func unusable(reason string) error {
	return fmt.Errorf("openai: %w", &llm.OutputError{Reason: reason})
}

// redactURL drops userinfo, query and fragment, which may hold credentials.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	u.User, u.RawQuery, u.Fragment = nil, "", ""
	return strings.TrimSuffix(u.String(), "/")
}

func clip(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "") + "…"
}
