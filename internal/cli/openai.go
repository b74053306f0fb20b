package cli

import (
	"os"
	"strings"

	"github.com/spf13/viper"

	"github.com/opusblocks/opus/internal/domain"
	"github.com/opusblocks/opus/internal/llm"
	"github.com/opusblocks/opus/internal/llm/openai"
)

// newOpenAI builds the openai provider from the config (docs/providers.md).
func newOpenAI(v *viper.Viper, key, baseURLFlag string) (llm.Provider, error) {
	if key == "" {
		return nil, domain.Errorf(domain.Invalid, "no OpenAI API key: set OPENAI_API_KEY (or openai.api_key in the config), or use --provider offline")
	}
	cfg := openai.Config{
		APIKey:         key,
		BaseURL:        firstNonEmpty(baseURLFlag, os.Getenv("OPENAI_BASE_URL"), v.GetString("openai.base_url")),
		Timeout:        v.GetDuration("openai.timeout"),
		MaxRetries:     v.GetInt("openai.max_retries"),
		MaxRetryDelay:  v.GetDuration("openai.max_retry_delay"),
		JSONObjectOnly: v.GetBool("openai.json_object_only"),
		Prices:         prices(v),
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

// prices reads the price table. Model names contain dots (gpt-4.1), which
// viper would split as key paths, so the map is read whole.
func prices(v *viper.Viper) openai.Prices {
	p := openai.Prices{Version: v.GetString("prices.version"), Models: map[string]openai.Price{}}
	models, _ := v.Get("prices.models").(map[string]any)
	for name, raw := range models {
		m, _ := raw.(map[string]any)
		p.Models[name] = openai.Price{
			InputPerMTok:       toFloat(m["input"]),
			CachedInputPerMTok: toFloat(m["cached_input"]),
			OutputPerMTok:      toFloat(m["output"]),
		}
	}
	return p
}

func toFloat(v any) float64 {
	switch n := v.(type) {
	case float64:
		return n
	case int:
		return float64(n)
	case int64:
		return float64(n)
	}
	return 0
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			return s
		}
	}
	return ""
}
