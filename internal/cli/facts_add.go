package cli

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"
)

type factsAddOptions struct {
	f      *Factory
	Text   string
	Source string
	Kind   string
	Export exportFlags
}

func newCmdFactsAdd(f *Factory, runF func(context.Context, *factsAddOptions) error) *cobra.Command {
	o := &factsAddOptions{f: f}
	c := &cobra.Command{
		Use:   "add TEXT --source NOTE",
		Short: "Add a manual fact with its source (e.g. a lab notebook entry)",
		Long: `Adds a fact that no document holds, such as a lab notebook entry: the source note is
what a paragraph citing it points to. Its text is checked like an extracted fact's.`,
		Example: examples(`opus facts add "120 patients were randomised." --source "Trial registry NCT01234567"`,
			`opus facts add "Samples were stored at -80 °C." --source "Lab notebook 4, p. 12" --kind method`),
		Args: exactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			o.Text = args[0]
			return dispatch(c, o, runF, factsAddRun)
		},
	}
	c.Flags().StringVar(&o.Source, "source", "", "where the fact comes from (required)")
	c.Flags().StringVar(&o.Kind, "kind", "finding", "finding|method|measurement|population|definition|background|limitation")
	_ = c.RegisterFlagCompletionFunc("kind", cobra.FixedCompletions(
		[]string{"finding", "method", "measurement", "population", "definition", "background", "limitation"}, cobra.ShellCompDirectiveNoFileComp))
	addExportFlags(c, &o.Export)
	return c
}

func factsAddRun(ctx context.Context, o *factsAddOptions) error {
	svc, actor, err := o.f.Open(ctx)
	if err != nil {
		return err
	}
	fact, err := svc.AddFact(ctx, actor, o.Text, o.Source, o.Kind)
	if err != nil {
		return err
	}
	return o.f.render(o.Export, fact, func(w io.Writer) {
		fmt.Fprintf(w, "%s  %s\n", fact.Handle, safe(fact.Text))
	})
}
