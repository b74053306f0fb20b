package cli

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/opusblocks/opus/internal/config"
	"github.com/opusblocks/opus/internal/domain"
)

// settings are resolved once per invocation: flags > OPUS_* environment >
// config file > defaults (package config), plus where data and caches live.
type settings struct {
	*config.Loaded
	dataDir  string
	cacheDir string
}

func loadSettings(configFlag string, flags map[string]string) (*settings, error) {
	l, err := config.Load(configFlag, flags)
	if err != nil {
		return nil, domain.Wrap(err, domain.Invalid, "%s", err.Error())
	}
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
	cacheDir := os.Getenv("XDG_CACHE_HOME")
	if cacheDir == "" {
		if c, err := os.UserCacheDir(); err == nil {
			cacheDir = c
		}
	}
	if cacheDir != "" {
		cacheDir = filepath.Join(cacheDir, "opus", "wazero")
	}
	return &settings{Loaded: l, dataDir: dataDir, cacheDir: cacheDir}, nil
}

func (s *settings) dbURL() string {
	if s.DB != "" {
		return s.DB
	}
	return "sqlite:" + filepath.Join(s.dataDir, "opus.db")
}

// currentProfileFile remembers 'opus profile use'.
func (s *settings) currentProfileFile() string { return filepath.Join(s.dataDir, "current-profile") }

// profile resolves --profile / OPUS_PROFILE, then 'profile use', then the
// configured default.
func (s *settings) profile() string {
	if src := s.Source("profile"); src == config.FromFlag || src == config.FromEnv {
		return s.Profile
	}
	if b, err := os.ReadFile(s.currentProfileFile()); err == nil {
		if p := strings.TrimSpace(string(b)); p != "" {
			return p
		}
	}
	return s.Profile
}
