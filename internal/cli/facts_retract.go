package cli

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"
)

type factsRetractOptions struct {
	f      *Factory
	Handle string
	Export exportFlags
}

func newCmdFactsRetract(f *Factory, runF func(context.Context, *factsRetractOptions) error) *cobra.Command {
	o := &factsRetractOptions{f: f}
	c := &cobra.Command{
		Use:               "retract F3",
		Short:             "Retract a fact (verified paragraphs citing it become stale)",
		Example:           examples("opus facts retract F3"),
		Args:              exactArgs(1),
		ValidArgsFunction: completeHandles(f, "F"),
		RunE: func(c *cobra.Command, args []string) error {
			o.Handle = args[0]
			return dispatch(c, o, runF, factsRetractRun)
		},
	}
	addExportFlags(c, &o.Export)
	return c
}

func factsRetractRun(ctx context.Context, o *factsRetractOptions) error {
	svc, actor, err := o.f.Open(ctx)
	if err != nil {
		return err
	}
	fact, stale, err := svc.RetractFact(ctx, actor, o.Handle)
	if err != nil {
		return err
	}
	if stale == nil {
		stale = []string{}
	}
	out := map[string]any{"id": fact.Handle, "state": fact.State, "stale_paragraphs": stale}
	return o.f.render(o.Export, out, func(w io.Writer) {
		fmt.Fprintf(w, "retracted %s\n", fact.Handle)
		for _, p := range stale {
			fmt.Fprintf(w, "%s is now stale (it cited %s)\n", p, fact.Handle)
		}
	})
}
