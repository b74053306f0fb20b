package cli

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"
)

type factsRestoreOptions struct {
	f      *Factory
	Handle string
	Export exportFlags
}

func newCmdFactsRestore(f *Factory, runF func(context.Context, *factsRestoreOptions) error) *cobra.Command {
	o := &factsRestoreOptions{f: f}
	c := &cobra.Command{
		Use:   "restore F3",
		Short: "Un-retract a fact (paragraphs it made stale are verified again)",
		Long: `Makes a retracted fact active again. The paragraphs its retraction made stale are settled
again from their stored verdicts: each is verified again unless it cites another retracted fact.`,
		Example:           examples("opus facts restore F3"),
		Args:              exactArgs(1),
		ValidArgsFunction: completeHandles(f, "F"),
		RunE: func(c *cobra.Command, args []string) error {
			o.Handle = args[0]
			return dispatch(c, o, runF, factsRestoreRun)
		},
	}
	addExportFlags(c, &o.Export)
	return c
}

func factsRestoreRun(ctx context.Context, o *factsRestoreOptions) error {
	svc, actor, err := o.f.Open(ctx)
	if err != nil {
		return err
	}
	fact, restored, err := svc.RestoreFact(ctx, actor, o.Handle)
	if err != nil {
		return err
	}
	if restored == nil {
		restored = []string{}
	}
	out := map[string]any{"id": fact.Handle, "state": fact.State, "verified_paragraphs": restored}
	return o.f.render(o.Export, out, func(w io.Writer) {
		fmt.Fprintf(w, "restored %s\n", fact.Handle)
		for _, p := range restored {
			fmt.Fprintf(w, "%s is verified again\n", p)
		}
	})
}
