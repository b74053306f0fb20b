package cli

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/opusblocks/opus/internal/config"
	"github.com/opusblocks/opus/internal/contract"
	"github.com/opusblocks/opus/internal/domain"
	"github.com/opusblocks/opus/internal/llm"
	"github.com/opusblocks/opus/internal/llm/cassette"
	"github.com/opusblocks/opus/internal/llm/offline"
	"github.com/opusblocks/opus/internal/llm/openai"
)

// modelFlags are the flags of the commands that call models, and only of
// those (addModelFlags).
type modelFlags struct {
	Provider string
	Model    string
	BaseURL  string
	NoCache  bool
	Record   string
	Cassette string
}

func addModelFlags(c *cobra.Command, m *modelFlags) {
	fl := c.Flags()
	fl.StringVar(&m.Provider, "provider", "", "model provider: offline|openai|replay (env OPUS_PROVIDER; default openai when OPENAI_API_KEY is set, else offline)")
	fl.StringVar(&m.Model, "model", "", "model for every agent (config: model, models.librarian|writer|verifier)")
	fl.StringVar(&m.BaseURL, "base-url", "", "OpenAI-compatible server, e.g. http://localhost:11434/v1 (env OPENAI_BASE_URL)")
	fl.BoolVar(&m.NoCache, "no-cache", false, "do not answer identical temperature-0 requests from earlier runs")
	fl.StringVar(&m.Record, "record", "", "record every model answer to this cassette file (JSONL)")
	fl.StringVar(&m.Cassette, "cassette", "", "cassette to answer from, with --provider replay")
	_ = c.RegisterFlagCompletionFunc("provider", cobra.FixedCompletions([]string{"offline", "openai", "replay"}, cobra.ShellCompDirectiveNoFileComp))
}

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
func buildProvider(st *settings, m *modelFlags) (*provider, error) {
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
		op, err := newOpenAI(st.Config, key, m.BaseURL)
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
		path := m.Cassette
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
	if m.Record != "" {
		if name == "replay" {
			return nil, domain.Errorf(domain.Invalid, "--record and --provider replay do not go together")
		}
		rec, err := cassette.NewRecorder(p.Provider, m.Record)
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
func (f *Factory) sayNotice() {
	if f.prov == nil || f.prov.notice == "" {
		return
	}
	marker := filepath.Join(f.settings.dataDir, ".provider-notice")
	if _, err := os.Stat(marker); err == nil {
		return
	}
	fmt.Fprintln(f.IO.Err, "opus: "+f.prov.notice)
	if os.MkdirAll(f.settings.dataDir, 0o700) == nil {
		_ = os.WriteFile(marker, []byte(f.prov.notice+"\n"), 0o600)
	}
	f.prov.notice = ""
}

// require refuses, before a job is created, a command that would call a
// model when none is configured.
func (p *provider) require() error {
	if p != nil && p.missing != "" {
		return domain.Errorf(domain.Invalid, "%s", p.missing)
	}
	return nil
}
