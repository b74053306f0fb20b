package cli

import (
	"context"
	"fmt"
	"io"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/opusblocks/opus/internal/domain"
)

type docShowOptions struct {
	f      *Factory
	Handle string
	Export exportFlags
}

func newCmdDocShow(f *Factory, runF func(context.Context, *docShowOptions) error) *cobra.Command {
	o := &docShowOptions{f: f}
	c := &cobra.Command{
		Use:               "show D1",
		Short:             "Show a document",
		Example:           examples("opus doc show D1", "opus doc show D1 --jq .sha256", "opus doc show D1 --jq .bib.doi"),
		Args:              exactArgs(1),
		ValidArgsFunction: completeHandles(f, "D"),
		RunE: func(c *cobra.Command, args []string) error {
			o.Handle = args[0]
			return dispatch(c, o, runF, docShowRun)
		},
	}
	addExportFlags(c, &o.Export)
	return c
}

func docShowRun(ctx context.Context, o *docShowOptions) error {
	svc, actor, err := o.f.Open(ctx)
	if err != nil {
		return err
	}
	d, err := svc.Document(ctx, actor, o.Handle)
	if err != nil {
		return err
	}
	return o.f.render(o.Export, d, func(w io.Writer) {
		kv(w, append(docRefPairs(&d.Document), "file", safe(d.Filename), "type", d.MediaType, "pages", strconv.Itoa(d.PageCount),
			"text layer", ocrNote(d.TextLayer), "bytes", strconv.FormatInt(d.Bytes, 10), "sha256", d.SHA256, "state", state(d.State), "error", safe(domain.Deref(d.Error)),
			"facts", fmt.Sprintf("%d active, %d retracted", d.ActiveFacts, d.RetractedFacts), "added", d.CreatedAt.Format("2006-01-02 15:04:05"))...)
	})
}
