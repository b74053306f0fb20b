package cli

import (
	"context"

	"github.com/spf13/cobra"
)

type paraGenerateOptions struct {
	f      *Factory
	Spec   string // a file, or - for stdin
	Model  modelFlags
	Job    jobFlags
	Export exportFlags
}

func newCmdParaGenerate(f *Factory, runF func(context.Context, *paraGenerateOptions) error) *cobra.Command {
	o := &paraGenerateOptions{f: f}
	c := &cobra.Command{
		Use:   "generate SPEC.yaml|-",
		Short: "Write and verify a paragraph from a spec (a job; waits unless --detach)",
		Long: `Writes a paragraph from a spec (YAML, or JSON) and verifies every sentence; the paragraph
is shown only when all of them pass. The spec's fields:

  section     required; abstract|introduction|methods|results|discussion|conclusion
  intent      required; what the paragraph must convey (1–1000 characters)
  facts       required; the fact handles the writer may cite, and no others (1–60)
  must_use    optional; handles that must each be cited at least once (a subset of facts)
  title       optional; a working title (up to 200 characters)
  length      optional; {min_sentences: 2, max_sentences: 8} by default (each 1–20)
  style       optional; tense: past|present, voice: active|passive|any,
              audience: specialist|general
  citations   optional; numeric|author-year|none

Unknown fields are errors, so a typo is never ignored.`,
		Example: examples(
			"opus para generate spec.yaml",
			"printf 'section: results\\nintent: Report the main effect.\\nfacts: [F1, F3]\\n' | opus para generate -",
			"opus para generate spec.yaml --detach --idempotency-key results-1"),
		Args: exactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			o.Spec = args[0]
			return dispatch(c, o, runF, paraGenerateRun)
		},
	}
	addModelFlags(c, &o.Model)
	addJobFlags(c, &o.Job)
	addExportFlags(c, &o.Export)
	return c
}

func paraGenerateRun(ctx context.Context, o *paraGenerateOptions) error {
	data, err := o.f.readInput(o.Spec)
	if err != nil {
		return err
	}
	svc, actor, err := o.f.OpenForModel(ctx, &o.Model)
	if err != nil {
		return err
	}
	p, j, err := svc.GenerateParagraph(ctx, actor, data, o.Job.options())
	if err != nil {
		return err
	}
	return o.f.awaitWritten(ctx, svc, actor, o.Export, o.Job, p, j, "writing")
}
