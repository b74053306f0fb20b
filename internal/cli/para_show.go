package cli

import (
	"context"

	"github.com/spf13/cobra"
)

type paraShowOptions struct {
	f           *Factory
	Handle      string
	Diagnostics bool
	Export      exportFlags
}

func newCmdParaShow(f *Factory, runF func(context.Context, *paraShowOptions) error) *cobra.Command {
	o := &paraShowOptions{f: f}
	c := &cobra.Command{
		Use:   "show P1",
		Short: "Show a paragraph — only if every sentence is verified",
		Long: `Prints the paragraph's text, with citations rendered from its sentences' links, only when
every sentence is verified (exit 5 otherwise). --diagnostics shows the unverified sentences too,
marked, with the reasons: text that is not for use.`,
		Example:           examples("opus para show P1", "opus para show P1 --diagnostics", "opus para show P1 --jq .text"),
		Args:              exactArgs(1),
		ValidArgsFunction: completeHandles(f, "P"),
		RunE: func(c *cobra.Command, args []string) error {
			o.Handle = args[0]
			return dispatch(c, o, runF, paraShowRun)
		},
	}
	c.Flags().BoolVar(&o.Diagnostics, "diagnostics", false, "also show unverified sentences, marked, with the reasons")
	addExportFlags(c, &o.Export)
	return c
}

func paraShowRun(ctx context.Context, o *paraShowOptions) error {
	svc, actor, err := o.f.Open(ctx)
	if err != nil {
		return err
	}
	return o.f.showParagraph(ctx, svc, actor, o.Export, o.Handle, o.Diagnostics)
}
