package cli

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/viper"

	"github.com/opusblocks/opus/internal/domain"
)

// settings are resolved once per invocation: flags > OPUS_* environment >
// config file > defaults (operational-plan.md).
type settings struct {
	v        *viper.Viper
	dataDir  string
	cacheDir string
}

func loadSettings(configFlag string) (*settings, error) {
	v := viper.New()
	v.SetEnvPrefix("OPUS")
	v.SetEnvKeyReplacer(strings.NewReplacer(".", "_", "-", "_"))
	v.AutomaticEnv()
	v.SetDefault("profile", "default")
	v.SetDefault("model", "")
	v.SetDefault("openai.max_concurrency", 8)
	v.SetDefault("openai.timeout", "120s")
	v.SetDefault("openai.max_retries", 3)
	v.SetDefault("temperature", 0.0)
	v.SetDefault("repair_rounds", 2)
	v.SetDefault("limits.upload_mb", 50)
	v.SetDefault("limits.pages", 2000)
	v.SetDefault("jobs.max_attempts", 3)
	v.SetDefault("jobs.backoff", "1s")
	v.SetDefault("jobs.workers", 2)

	dataDir := os.Getenv("OPUS_HOME")
	if dataDir == "" {
		base := os.Getenv("XDG_DATA_HOME")
		if base == "" {
			home, err := os.UserHomeDir()
			if err != nil {
				return nil, domain.Errorf(domain.Invalid, "cannot find a home directory; set OPUS_HOME")
			}
			base = filepath.Join(home, ".local", "share")
		}
		dataDir = filepath.Join(base, "opus")
	}
	cfgFile := configFlag
	if cfgFile == "" {
		cfgFile = os.Getenv("OPUS_CONFIG")
	}
	if cfgFile == "" {
		base := os.Getenv("XDG_CONFIG_HOME")
		if base == "" {
			if home, err := os.UserHomeDir(); err == nil {
				base = filepath.Join(home, ".config")
			}
		}
		if base != "" {
			cfgFile = filepath.Join(base, "opus", "config.yaml")
		}
	}
	if cfgFile != "" {
		if _, err := os.Stat(cfgFile); err == nil {
			v.SetConfigFile(cfgFile)
			if err := v.ReadInConfig(); err != nil {
				return nil, domain.Errorf(domain.Invalid, "config file %s: %v", cfgFile, err)
			}
		} else if configFlag != "" {
			return nil, domain.Errorf(domain.Invalid, "config file %s does not exist", configFlag)
		}
	}
	cacheDir := os.Getenv("XDG_CACHE_HOME")
	if cacheDir == "" {
		if c, err := os.UserCacheDir(); err == nil {
			cacheDir = c
		}
	}
	if cacheDir != "" {
		cacheDir = filepath.Join(cacheDir, "opus", "wazero")
	}
	return &settings{v: v, dataDir: dataDir, cacheDir: cacheDir}, nil
}

func (s *settings) dbURL() string {
	if u := s.v.GetString("db"); u != "" {
		return u
	}
	return "sqlite:" + filepath.Join(s.dataDir, "opus.db")
}

// currentProfileFile remembers 'opus profile use'.
func (s *settings) currentProfileFile() string { return filepath.Join(s.dataDir, "current-profile") }

// profile resolves --profile / OPUS_PROFILE, then 'profile use', then "default".
func (s *settings) profile(flagSet bool) string {
	if flagSet || os.Getenv("OPUS_PROFILE") != "" {
		return s.v.GetString("profile")
	}
	if b, err := os.ReadFile(s.currentProfileFile()); err == nil {
		if p := strings.TrimSpace(string(b)); p != "" {
			return p
		}
	}
	return s.v.GetString("profile")
}
