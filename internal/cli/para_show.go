package cli

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/opusblocks/opus/internal/domain"
)

type paraShowOptions struct {
	f           *Factory
	Handle      string
	Revision    int // 0: the one to show
	Diagnostics bool
	Export      exportFlags
}

func newCmdParaShow(f *Factory, runF func(context.Context, *paraShowOptions) error) *cobra.Command {
	o := &paraShowOptions{f: f}
	c := &cobra.Command{
		Use:   "show P1",
		Short: "Show a paragraph — only if every sentence is verified",
		Long: `Prints the paragraph's text, with citations rendered from its sentences' links, only when
every sentence is verified (exit 5 otherwise). When a newer revision is not verified (an edit
rejected, still being verified, or citing a retracted fact), the last verified revision whose
facts are all active is shown, and stderr says so. --revision N shows an earlier verified
revision ('opus para history P1' lists them). --diagnostics shows the unverified sentences of
the latest revision too, marked, with the reasons: text that is not for use.`,
		Example:           examples("opus para show P1", "opus para show P1 --diagnostics", "opus para show P1 --revision 2", "opus para show P1 --jq .text"),
		Args:              exactArgs(1),
		ValidArgsFunction: completeHandles(f, "P"),
		RunE: func(c *cobra.Command, args []string) error {
			o.Handle = args[0]
			return dispatch(c, o, runF, paraShowRun)
		},
	}
	c.Flags().BoolVar(&o.Diagnostics, "diagnostics", false, "also show unverified sentences, marked, with the reasons")
	c.Flags().IntVar(&o.Revision, "revision", 0, "show this revision (an earlier verified one; see 'opus para history')")
	addExportFlags(c, &o.Export)
	return c
}

func paraShowRun(ctx context.Context, o *paraShowOptions) error {
	svc, actor, err := o.f.Open(ctx)
	if err != nil {
		return err
	}
	if o.Revision < 0 {
		return domain.Errorf(domain.Invalid, "--revision %d: revisions are numbered from 1", o.Revision)
	}
	v, err := svc.ShowRevision(ctx, actor, o.Handle, o.Revision, o.Diagnostics)
	return o.f.renderParagraph(o.Export, v, err)
}
