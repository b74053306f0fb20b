package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/opusblocks/opus/internal/config"
	"github.com/opusblocks/opus/internal/contract"
	"github.com/opusblocks/opus/internal/domain"
	"github.com/opusblocks/opus/internal/llm"
	"github.com/opusblocks/opus/internal/llm/cassette"
	"github.com/opusblocks/opus/internal/llm/offline"
	"github.com/opusblocks/opus/internal/llm/openai"
)

// provider is the model provider of one invocation, with its models.
type provider struct {
	llm.Provider
	model  string
	models map[contract.Agent]string
	// notice is said once on stderr when jobs start (e.g. which provider).
	notice string
	close  func() error
	// missing says why no model can be called ("" when one can): commands
	// that call none still work (requireModel).
	missing string
	// baseURL and prices, for 'opus models'.
	baseURL string
	prices  openai.Prices
}

// buildProvider picks the provider: --provider / OPUS_PROVIDER, else openai
// when an API key is configured, else offline.
func (a *app) buildProvider(st *settings) (*provider, error) {
	name := st.Provider
	key := os.Getenv("OPENAI_API_KEY")
	if key == "" {
		key = st.OpenAI.APIKey
	}
	p := &provider{model: st.Model, models: map[contract.Agent]string{}}
	for ag, m := range map[contract.Agent]string{contract.Librarian: st.Models.Librarian, contract.Writer: st.Models.Writer, contract.Verifier: st.Models.Verifier} {
		if m != "" {
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
		op, err := newOpenAI(st.Config, key, a.baseURL)
		if err != nil {
			return nil, err
		}
		p.baseURL, p.prices = op.BaseURL(), prices(st.Prices)
		if p.model == "" && len(p.models) < 3 {
			// OpenAI's own endpoint has a documented default; another
			// server names its own models, so it needs one set.
			if p.baseURL == config.Default().OpenAI.BaseURL {
				p.model = config.DefaultOpenAIModel
			} else {
				p.missing = fmt.Sprintf("no model configured for %s; pass --model or set model (or models.librarian, models.writer, models.verifier) in the config", p.baseURL)
			}
		}
		p.Provider = op
	case "replay":
		path := a.cassette
		if path == "" {
			path = st.Cassette
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
	p.Provider = llm.Limit(p.Provider, st.OpenAI.MaxConcurrency)
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

// requireModel refuses, before a job is created, a command that would call
// a model when none is configured.
func (a *app) requireModel() error {
	if a.prov != nil && a.prov.missing != "" {
		return domain.Errorf(domain.Invalid, "%s", a.prov.missing)
	}
	return nil
}

// openForModel opens the service for a command that starts a job calling a
// model.
func (a *app) openForModel(ctx context.Context) error {
	if err := a.open(ctx); err != nil {
		return err
	}
	return a.requireModel()
}

// loadProvider resolves the settings and the provider, for commands that
// call models without the database (eval, models).
func (a *app) loadProvider() (*settings, *provider, error) {
	st, err := a.loadSettings()
	if err != nil {
		return nil, nil, err
	}
	prov, err := a.buildProvider(st)
	if err != nil {
		return nil, nil, err
	}
	a.prov = prov
	return st, prov, nil
}
