package cli

import (
	"context"
	"fmt"
	"io"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/opusblocks/opus/internal/contract"
)

// agentModel is one line of 'opus models'.
type agentModel struct {
	Agent    string `json:"agent"`
	Provider string `json:"provider"`
	Model    string `json:"model"`
	// Prices in USD per million tokens, when the price table lists the model.
	Input        *float64 `json:"input_per_mtok,omitempty"`
	CachedInput  *float64 `json:"cached_input_per_mtok,omitempty"`
	Output       *float64 `json:"output_per_mtok,omitempty"`
	PriceVersion string   `json:"price_version,omitempty"`
}

type modelsOptions struct {
	f      *Factory
	Model  modelFlags
	Export exportFlags
}

func newCmdModels(f *Factory, runF func(context.Context, *modelsOptions) error) *cobra.Command {
	o := &modelsOptions{f: f}
	c := &cobra.Command{
		Use:   "models",
		Short: "Show each agent's provider, model and price",
		Long: `Shows the model each agent (librarian, writer, verifier) calls with the current settings,
and its price from the price table (prices.models.MODEL in the config). Against OpenAI's own
endpoint the default model is ` + "`" + `gpt-4.1-mini` + "`" + `; other servers need --model or model in the config.`,
		Example: examples("opus models", "OPENAI_API_KEY=sk-… opus models --json", "opus models --provider openai --base-url http://localhost:11434/v1 --model llama3.1"),
		Args:    exactArgs(0),
		RunE: func(c *cobra.Command, _ []string) error {
			return dispatch(c, o, runF, modelsRun)
		},
	}
	addModelFlags(c, &o.Model)
	addExportFlags(c, &o.Export)
	return c
}

func modelsRun(_ context.Context, o *modelsOptions) error {
	st, prov, err := o.f.Provider(&o.Model)
	if err != nil {
		return err
	}
	out := []agentModel{}
	for _, ag := range []contract.Agent{contract.Librarian, contract.Writer, contract.Verifier} {
		m := agentModel{Agent: string(ag), Provider: st.Provider, Model: prov.models[ag]}
		if m.Model == "" {
			m.Model = prov.model
		}
		if m.Provider == "" {
			m.Provider = prov.Name()
		}
		if p, ok := prov.prices.Lookup(m.Model); ok {
			m.Input, m.CachedInput, m.Output = &p.InputPerMTok, &p.CachedInputPerMTok, &p.OutputPerMTok
			m.PriceVersion = prov.prices.Version
		}
		out = append(out, m)
	}
	return o.f.render(o.Export, out, func(w io.Writer) {
		rows := make([][]string, len(out))
		for i, m := range out {
			model := m.Model
			if model == "" {
				model = "(none)"
			}
			rows[i] = []string{m.Agent, m.Provider, safe(model), price(m.Input), price(m.CachedInput), price(m.Output)}
		}
		table(w, []string{"AGENT", "PROVIDER", "MODEL", "INPUT $/MTOK", "CACHED $/MTOK", "OUTPUT $/MTOK"}, rows)
		if prov.prices.Version != "" {
			fmt.Fprintf(w, "prices: %s\n", safe(prov.prices.Version))
		}
		if prov.missing != "" {
			fmt.Fprintln(w, prov.missing)
		}
	})
}

func price(p *float64) string {
	if p == nil {
		return "-"
	}
	return strconv.FormatFloat(*p, 'f', -1, 64)
}
