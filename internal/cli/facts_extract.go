package cli

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"
)

type factsExtractOptions struct {
	f      *Factory
	Handle string
	Model  modelFlags
	Job    jobFlags
	Export exportFlags
}

func newCmdFactsExtract(f *Factory, runF func(context.Context, *factsExtractOptions) error) *cobra.Command {
	o := &factsExtractOptions{f: f}
	c := &cobra.Command{
		Use:   "extract D1",
		Short: "Extract anchored facts from a document (a job; waits unless --detach)",
		Long: `The librarian reads the document's pages and proposes atomic facts, each with a verbatim
quote and its page; a fact is kept only when its quote stands on that page and every number of
its text stands in its quote. Extraction is a job: it survives a crash and can be retried.`,
		Example:           examples("opus facts extract D1", "opus facts extract D2 --detach", "opus facts extract D1 --model gpt-4.1"),
		Args:              exactArgs(1),
		ValidArgsFunction: completeHandles(f, "D"),
		RunE: func(c *cobra.Command, args []string) error {
			o.Handle = args[0]
			return dispatch(c, o, runF, factsExtractRun)
		},
	}
	addModelFlags(c, &o.Model)
	addJobFlags(c, &o.Job)
	addExportFlags(c, &o.Export)
	return c
}

func factsExtractRun(ctx context.Context, o *factsExtractOptions) error {
	svc, actor, err := o.f.OpenForModel(ctx, &o.Model)
	if err != nil {
		return err
	}
	j, err := svc.ExtractFacts(ctx, actor, o.Handle, o.Job.options())
	if err != nil {
		return err
	}
	if o.Job.Detach {
		return o.f.renderJob(o.Export, j)
	}
	if j, err = o.f.finishJob(ctx, svc, actor, j, "extracting "+o.Handle); err != nil {
		return err
	}
	d, err := svc.Document(ctx, actor, j.Target)
	if err != nil {
		return err
	}
	return o.f.render(o.Export, map[string]any{"job": j, "document": d}, func(w io.Writer) {
		fmt.Fprintf(w, "%s: %d active facts (job %s)\n", d.Handle, d.ActiveFacts, j.Handle)
	})
}
