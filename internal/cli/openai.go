package cli

import (
	"os"
	"strings"

	"github.com/opusblocks/opus/internal/config"
	"github.com/opusblocks/opus/internal/domain"
	"github.com/opusblocks/opus/internal/llm/openai"
)

// newOpenAI builds the openai provider from the config (docs/providers.md).
func newOpenAI(c config.Config, key, baseURLFlag string) (*openai.Provider, error) {
	if key == "" {
		return nil, domain.Errorf(domain.Invalid, "no OpenAI API key: set OPENAI_API_KEY (or openai.api_key in the config), or use --provider offline")
	}
	cfg := openai.Config{
		APIKey:         key,
		BaseURL:        firstNonEmpty(baseURLFlag, os.Getenv("OPENAI_BASE_URL"), c.OpenAI.BaseURL),
		Timeout:        c.OpenAI.Timeout,
		MaxRetries:     c.OpenAI.MaxRetries,
		MaxRetryDelay:  c.OpenAI.MaxRetryDelay,
		JSONObjectOnly: c.OpenAI.JSONObjectOnly,
		Prices:         prices(c.Prices),
	}
	if cfg.MaxRetries == 0 {
		cfg.MaxRetries = -1 // in the config, 0 means none; in openai.Config, the default
	}
	p, err := openai.New(cfg)
	if err != nil {
		return nil, domain.Wrap(err, domain.Invalid, "openai provider: %v", err)
	}
	return p, nil
}

// prices converts the config's price table.
func prices(c config.Prices) openai.Prices {
	p := openai.Prices{Version: c.Version, Models: map[string]openai.Price{}}
	for name, m := range c.Models {
		p.Models[name] = openai.Price{InputPerMTok: m.Input, CachedInputPerMTok: m.CachedInput, OutputPerMTok: m.Output}
	}
	return p
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			return s
		}
	}
	return ""
}
