package cli

import (
	"github.com/spf13/viper"

	"github.com/opusblocks/opus/internal/domain"
	"github.com/opusblocks/opus/internal/llm"
)

// newOpenAI builds the openai provider from the config.
func newOpenAI(v *viper.Viper, key string) (llm.Provider, error) {
	if key == "" {
		return nil, domain.Errorf(domain.Invalid, "no OpenAI API key: set OPENAI_API_KEY (or openai.api_key in the config), or use --provider offline")
	}
	return nil, domain.Errorf(domain.Invalid, "the openai provider is not wired yet")
}
