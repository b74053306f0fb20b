package cli

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/opusblocks/opus/internal/contract"
	"github.com/opusblocks/opus/internal/domain"
	"github.com/opusblocks/opus/internal/llm"
	"github.com/opusblocks/opus/internal/llm/cassette"
	"github.com/opusblocks/opus/internal/llm/offline"
)

// provider is the model provider of one invocation, with its models.
type provider struct {
	llm.Provider
	model  string
	models map[contract.Agent]string
	// notice is said once on stderr when jobs start (e.g. which provider).
	notice string
	close  func() error
}

// buildProvider picks the provider: --provider / OPUS_PROVIDER, else openai
// when an API key is configured, else offline.
func (a *app) buildProvider(st *settings) (*provider, error) {
	v := st.v
	name := v.GetString("provider")
	key := os.Getenv("OPENAI_API_KEY")
	if key == "" {
		key = v.GetString("openai.api_key")
	}
	p := &provider{model: v.GetString("model"), models: map[contract.Agent]string{}}
	for _, ag := range []contract.Agent{contract.Librarian, contract.Writer, contract.Verifier} {
		if m := v.GetString("models." + string(ag)); m != "" {
			p.models[ag] = m
		}
	}
	if name == "" {
		name = "offline"
		if key != "" {
			name = "openai"
		} else {
			p.notice = "no OpenAI API key configured (OPENAI_API_KEY); using the offline provider"
		}
	}
	switch name {
	case "offline":
		p.Provider = offline.New()
		p.model, p.models = offline.Model, nil // one deterministic model
	case "openai":
		op, err := newOpenAI(v, key, a.baseURL)
		if err != nil {
			return nil, err
		}
		if p.model == "" && len(p.models) < 3 {
			return nil, domain.Errorf(domain.Invalid, "no model configured for the openai provider; pass --model or set model in the config")
		}
		p.Provider = op
	case "replay":
		path := a.cassette
		if path == "" {
			path = v.GetString("cassette")
		}
		if path == "" {
			return nil, domain.Errorf(domain.Invalid, "--provider replay needs --cassette FILE (recorded with --record FILE)")
		}
		rp, err := cassette.Open(path)
		if err != nil {
			return nil, domain.Wrap(err, domain.Invalid, "%v", err)
		}
		p.Provider = rp
		if p.model == "" {
			for ag, m := range rp.Models() {
				if p.models[ag] == "" {
					p.models[ag] = m
				}
			}
		}
	default:
		return nil, domain.Errorf(domain.Invalid, "unknown provider %q; use offline, openai or replay", name)
	}
	if a.record != "" {
		if name == "replay" {
			return nil, domain.Errorf(domain.Invalid, "--record and --provider replay do not go together")
		}
		rec, err := cassette.NewRecorder(p.Provider, a.record)
		if err != nil {
			return nil, domain.Wrap(err, domain.Invalid, "%v", err)
		}
		p.Provider, p.close = rec, rec.Close
	}
	p.Provider = llm.Limit(p.Provider, max(v.GetInt("openai.max_concurrency"), 1))
	return p, nil
}

// sayNotice prints the provider notice once per data directory: a hint for
// a new user, not noise on every command of a pipeline.
func (a *app) sayNotice() {
	if a.prov == nil || a.prov.notice == "" {
		return
	}
	marker := filepath.Join(a.settings.dataDir, ".provider-notice")
	if _, err := os.Stat(marker); err == nil {
		return
	}
	fmt.Fprintln(a.io.Err, "opus: "+a.prov.notice)
	if os.MkdirAll(a.settings.dataDir, 0o700) == nil {
		_ = os.WriteFile(marker, []byte(a.prov.notice+"\n"), 0o600)
	}
	a.prov.notice = ""
}
