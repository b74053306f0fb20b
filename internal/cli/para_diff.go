package cli

import (
	"context"
	"fmt"
	"io"
	"strconv"

	"github.com/spf13/cobra"
)

type paraDiffOptions struct {
	f           *Factory
	Handle      string
	From, To    int // 0, 0: the two newest revisions
	Diagnostics bool
	Export      exportFlags
}

func newCmdParaDiff(f *Factory, runF func(context.Context, *paraDiffOptions) error) *cobra.Command {
	o := &paraDiffOptions{f: f}
	c := &cobra.Command{
		Use:               "diff P1 [N M]",
		Short:             "Compare two revisions sentence by sentence (default: the two newest)",
		Example:           examples("opus para diff P1", "opus para diff P1 1 3", "opus para diff P1 --diagnostics"),
		Args:              cobra.ArbitraryArgs, // checked in RunE: P1, or P1 N M
		ValidArgsFunction: completeHandles(f, "P"),
		RunE: func(c *cobra.Command, args []string) error {
			if len(args) != 1 && len(args) != 3 {
				return usageError(c, "%s takes P1, or P1 N M, got %d arguments", c.CommandPath(), len(args))
			}
			o.Handle = args[0]
			if len(args) == 3 {
				var err1, err2 error
				o.From, err1 = strconv.Atoi(args[1])
				o.To, err2 = strconv.Atoi(args[2])
				if err1 != nil || err2 != nil || o.From < 1 || o.To < 1 {
					return usageError(c, "revisions %q and %q are not revision numbers", args[1], args[2])
				}
			}
			return dispatch(c, o, runF, paraDiffRun)
		},
	}
	c.Flags().BoolVar(&o.Diagnostics, "diagnostics", false, "compare unverified revisions too (their text is not for use)")
	addExportFlags(c, &o.Export)
	return c
}

func paraDiffRun(ctx context.Context, o *paraDiffOptions) error {
	svc, actor, err := o.f.Open(ctx)
	if err != nil {
		return err
	}
	lines, err := svc.DiffRevisions(ctx, actor, o.Handle, o.From, o.To, o.Diagnostics)
	if err != nil {
		return err
	}
	return o.f.render(o.Export, lines, func(w io.Writer) {
		for _, l := range lines {
			text := safe(l.Text)
			switch l.Op {
			case "-":
				text = styleBad.Render("- " + text)
			case "+":
				text = styleGood.Render("+ " + text)
			default:
				text = "  " + text
			}
			fmt.Fprintln(w, text)
		}
	})
}
