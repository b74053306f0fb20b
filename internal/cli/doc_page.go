package cli

import (
	"context"
	"fmt"
	"io"
	"strconv"

	"github.com/spf13/cobra"
)

type docPageOptions struct {
	f      *Factory
	Handle string
	Page   int
	Export exportFlags
}

func newCmdDocPage(f *Factory, runF func(context.Context, *docPageOptions) error) *cobra.Command {
	o := &docPageOptions{f: f}
	c := &cobra.Command{
		Use:               "page D1 N",
		Short:             "Print a page's text as it was extracted (what quotes are checked against)",
		Example:           examples("opus doc page D1 3", "opus doc page D1 3 | grep -n 'hazard ratio'"),
		Args:              exactArgs(2),
		ValidArgsFunction: completeHandles(f, "D"),
		RunE: func(c *cobra.Command, args []string) error {
			o.Handle = args[0]
			n, err := strconv.Atoi(args[1])
			if err != nil {
				return usageError(c, "page %q is not a number", args[1])
			}
			o.Page = n
			return dispatch(c, o, runF, docPageRun)
		},
	}
	addExportFlags(c, &o.Export)
	return c
}

func docPageRun(ctx context.Context, o *docPageOptions) error {
	svc, actor, err := o.f.Open(ctx)
	if err != nil {
		return err
	}
	p, err := svc.DocumentPage(ctx, actor, o.Handle, o.Page)
	if err != nil {
		return err
	}
	return o.f.render(o.Export, p, func(w io.Writer) {
		fmt.Fprintln(w, safeLines(p.Text))
		fmt.Fprintln(o.f.IO.Err, styleDim.Render(fmt.Sprintf("%s page %d of %d", p.Document, p.Page, p.Pages)))
	})
}
