package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
	"go.yaml.in/yaml/v3"

	"github.com/opusblocks/opus/internal/domain"
	"github.com/opusblocks/opus/internal/spec"
)

type paraNewOptions struct {
	f       *Factory
	Section string
	Intent  string
	Title   string
	From    []string
	N       int
	Out     string
	Export  exportFlags
}

func newCmdParaNew(f *Factory, runF func(context.Context, *paraNewOptions) error) *cobra.Command {
	o := &paraNewOptions{f: f}
	c := &cobra.Command{
		Use:   "new --section S --intent \"…\" [--from D1,D2] [-n 8] [-o spec.yaml]",
		Short: "Start a spec: the facts most relevant to an intent, each with its text beside it",
		Long: `Prints a paragraph spec whose facts are the -n facts most relevant to the intent (full-text
ranking over your active facts, only from --from's documents when given), each fact's text as
a comment beside its handle. Review it, delete the facts the paragraph must not use, then
'opus para generate spec.yaml'. The spec you keep is the only list of allowed facts.`,
		Example: examples(`opus para new --section results --intent "Report the effect of heat stress on yield" -o results.yaml`,
			`opus para new --section methods --intent "Describe the trial design" --from D1 -n 5`),
		Args: exactArgs(0),
		RunE: func(c *cobra.Command, args []string) error {
			if o.Section == "" || strings.TrimSpace(o.Intent) == "" {
				return usageError(c, "--section and --intent are required")
			}
			return dispatch(c, o, runF, paraNewRun)
		},
	}
	fl := c.Flags()
	fl.StringVar(&o.Section, "section", "", "abstract|introduction|methods|results|discussion|conclusion")
	fl.StringVar(&o.Intent, "intent", "", "what the paragraph must convey (also what facts are ranked by)")
	fl.StringVar(&o.Title, "title", "", "a working title")
	fl.StringSliceVar(&o.From, "from", nil, "only facts of these documents (D1,D2)")
	fl.IntVarP(&o.N, "n", "n", 8, "how many facts to propose")
	fl.StringVarP(&o.Out, "output", "o", "", "write the spec to `FILE` instead of stdout")
	addExportFlags(c, &o.Export)
	return c
}

func paraNewRun(ctx context.Context, o *paraNewOptions) error {
	svc, actor, err := o.f.Open(ctx)
	if err != nil {
		return err
	}
	facts, err := svc.SuggestFacts(ctx, actor, o.Intent, o.From, o.N)
	if err != nil {
		return err
	}
	if len(facts) == 0 {
		return domain.Errorf(domain.NotFound, "no active fact matches the intent's words%s; try other words, or list facts with 'opus facts list'", fromNote(o.From))
	}
	text, err := specDraft(o, facts)
	if err != nil {
		return err
	}
	if o.Out != "" {
		if err := writeOutputs(map[string][]byte{o.Out: text}); err != nil {
			return err
		}
	}
	out := map[string]any{"spec": string(text), "facts": facts}
	return o.f.render(o.Export, out, func(w io.Writer) {
		if o.Out == "" {
			_, _ = w.Write(text)
			return
		}
		fmt.Fprintf(w, "wrote %s with %s: review it, then 'opus para generate %s'\n", o.Out, plural(len(facts), "fact"), o.Out)
	})
}

func fromNote(from []string) string {
	if len(from) == 0 {
		return ""
	}
	return " in " + strings.Join(from, ", ")
}

// specDraft writes the spec as YAML with each fact's text beside its
// handle, and checks it is a valid spec.
func specDraft(o *paraNewOptions, facts []domain.Fact) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("# Keep the facts this paragraph may use and delete the rest.\n")
	for _, kv := range [][2]string{{"section", o.Section}, {"title", o.Title}, {"intent", o.Intent}} {
		if kv[1] == "" {
			continue
		}
		v, err := yaml.Marshal(kv[1])
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(&b, "%s: %s", kv[0], v)
	}
	b.WriteString("facts:\n")
	for _, f := range facts {
		where := "manual"
		if f.DocHandle != "" && f.Page != nil {
			where = fmt.Sprintf("%s p.%d", f.DocHandle, *f.Page)
		}
		fmt.Fprintf(&b, "  - %-4s # %s (%s)\n", f.Handle, oneLine(f.Text), where)
	}
	if _, err := spec.Parse(b.Bytes()); err != nil {
		return nil, domain.Wrap(err, domain.Invalid, "%s", err.Error())
	}
	return b.Bytes(), nil
}
