package cli

import (
	"context"
	"fmt"
	"io"
	"strconv"

	"github.com/spf13/cobra"
)

type paraHistoryOptions struct {
	f      *Factory
	Handle string
	Export exportFlags
}

func newCmdParaHistory(f *Factory, runF func(context.Context, *paraHistoryOptions) error) *cobra.Command {
	o := &paraHistoryOptions{f: f}
	c := &cobra.Command{
		Use:               "history P1",
		Short:             "List a paragraph's revisions: origin, verdicts, which may be shown",
		Example:           examples("opus para history P1", "opus para show P1 --revision 2"),
		Args:              exactArgs(1),
		ValidArgsFunction: completeHandles(f, "P"),
		RunE: func(c *cobra.Command, args []string) error {
			o.Handle = args[0]
			return dispatch(c, o, runF, paraHistoryRun)
		},
	}
	addExportFlags(c, &o.Export)
	return c
}

func paraHistoryRun(ctx context.Context, o *paraHistoryOptions) error {
	svc, actor, err := o.f.Open(ctx)
	if err != nil {
		return err
	}
	revs, err := svc.History(ctx, actor, o.Handle)
	if err != nil {
		return err
	}
	return o.f.render(o.Export, revs, func(w io.Writer) {
		rows := make([][]string, len(revs))
		for i, r := range revs {
			verified, current := "no", ""
			if r.Verified {
				verified = state("verified")
			}
			if r.Current {
				current = "yes"
			}
			by := r.Origin
			if r.Run != "" {
				by += " (" + r.Run + ")"
			}
			rows[i] = []string{strconv.Itoa(r.N), by, fmt.Sprintf("%d/%d", r.Supported, r.Sentences), verified, current, r.CreatedAt.Format("2006-01-02 15:04")}
		}
		table(w, []string{"REVISION", "BY", "SUPPORTED", "SHOWABLE", "CURRENT", "CREATED"}, rows)
	})
}
