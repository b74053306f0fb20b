package cli

import (
	"context"
	"fmt"
	"strconv"

	"github.com/spf13/cobra"
)

type paraRevertOptions struct {
	f        *Factory
	Handle   string
	Revision int
	Model    modelFlags
	Job      jobFlags
	Export   exportFlags
}

func newCmdParaRevert(f *Factory, runF func(context.Context, *paraRevertOptions) error) *cobra.Command {
	o := &paraRevertOptions{f: f}
	c := &cobra.Command{
		Use:   "revert P1 N",
		Short: "Make revision N the text again (a new revision, verified before it is shown)",
		Long: `Copies revision N's sentences and citations into a new revision and verifies it like an
edit: its facts may have been retracted since, so it is shown only if it passes again.`,
		Example:           examples("opus para history P1", "opus para revert P1 2"),
		Args:              exactArgs(2),
		ValidArgsFunction: completeHandles(f, "P"),
		RunE: func(c *cobra.Command, args []string) error {
			o.Handle = args[0]
			n, err := strconv.Atoi(args[1])
			if err != nil || n < 1 {
				return usageError(c, "revision %q is not a revision number", args[1])
			}
			o.Revision = n
			return dispatch(c, o, runF, paraRevertRun)
		},
	}
	addModelFlags(c, &o.Model)
	addJobFlags(c, &o.Job)
	addExportFlags(c, &o.Export)
	return c
}

func paraRevertRun(ctx context.Context, o *paraRevertOptions) error {
	svc, actor, err := o.f.OpenForModel(ctx, &o.Model)
	if err != nil {
		return err
	}
	p, j, err := svc.RevertParagraph(ctx, actor, o.Handle, o.Revision, o.Job.options())
	if err != nil {
		return err
	}
	if j == nil {
		fmt.Fprintf(o.f.IO.Err, "opus: %s already says what revision %d says\n", p.Handle, o.Revision)
	}
	return o.f.awaitWritten(ctx, svc, actor, o.Export, o.Job, p, j, "verifying")
}
