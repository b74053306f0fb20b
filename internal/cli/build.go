package cli

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/opusblocks/opus/internal/domain"
	"github.com/opusblocks/opus/internal/export"
	"github.com/opusblocks/opus/internal/service"
)

type buildOptions struct {
	f         *Factory
	Path      string
	Out       string
	Format    string
	Citations string
	Verbatim  string
	DryRun    bool
	Model     modelFlags
	Export    exportFlags
}

func newCmdBuild(f *Factory, runF func(context.Context, *buildOptions) error) *cobra.Command {
	o := &buildOptions{f: f}
	c := &cobra.Command{
		Use:   "build MANUSCRIPT.yaml [-o paper.md|paper.tex]",
		Short: "Generate, verify and write a whole manuscript from its paragraphs' specs",
		Long: `Builds a manuscript from a file that lists its sections and, for each paragraph, a spec:
a path (relative to the manuscript file) or the spec's fields inline.

  title: Heat stress in wheat
  citations: author-year          # numeric | author-year | none
  sections:
    - heading: Results
      paragraphs:
        - spec: specs/yield.yaml
        - section: results
          intent: Report the metabolite changes.
          facts: [F4, F7]

A paragraph already written and verified from the same spec is used as it is (no model
call); a new or changed spec is generated and verified. Any paragraph that is not verified
fails the build (exit 5) with its reasons, and nothing is written, so 'opus build' can run
in CI like make. The document goes to -o (default: the manuscript's name with .md), with
its .bib beside it. --dry-run lists what would be generated.`,
		Example: examples("opus build paper.yaml", "opus build paper.yaml -o paper.tex", "opus build paper.yaml --dry-run"),
		Args:    exactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			o.Path = args[0]
			return dispatch(c, o, runF, buildRun)
		},
	}
	fl := c.Flags()
	fl.StringVarP(&o.Out, "output", "o", "", "write to `FILE` (.md or .tex) and FILE.bib beside it")
	fl.StringVar(&o.Format, "format", "", "md or latex (default: from -o's extension, else md)")
	fl.StringVar(&o.Citations, "citations", "", "citation style: numeric, author-year or none (default: the manuscript's, else the config's)")
	fl.StringVar(&o.Verbatim, "verbatim", "quote", "verbatim sentences: quote, flag or refuse")
	fl.BoolVar(&o.DryRun, "dry-run", false, "list what would be generated and write nothing")
	addModelFlags(c, &o.Model)
	addExportFlags(c, &o.Export)
	return c
}

// builtParagraph is one line of build's report.
type builtParagraph struct {
	Section   string `json:"section"`
	Source    string `json:"source"`
	Action    string `json:"action"`
	Paragraph string `json:"paragraph,omitempty"`
	Reason    string `json:"reason,omitempty"`
}

// buildReport is what build prints.
type buildReport struct {
	Output     string           `json:"output,omitempty"`
	Bib        string           `json:"bib,omitempty"`
	DryRun     bool             `json:"dry_run"`
	Paragraphs []builtParagraph `json:"paragraphs"`
	ModelCalls int              `json:"model_calls"`
	CacheHits  int              `json:"cache_hits"`
}

func buildRun(ctx context.Context, o *buildOptions) error {
	m, err := service.ReadManuscript(o.Path)
	if err != nil {
		return err
	}
	if o.Out == "" {
		o.Out = strings.TrimSuffix(o.Path, filepath.Ext(o.Path)) + ".md"
	}
	format, err := exportFormat(o.Format, o.Out)
	if err != nil {
		return err
	}
	if format == formatJSON {
		return domain.Errorf(domain.Invalid, "build writes md or latex; for provenance use 'opus para export P1 --format json'")
	}
	// Settings are read once, with the model flags: open before asking for
	// the configured citation style.
	svc, actor, err := o.f.OpenForModel(ctx, &o.Model)
	if err != nil {
		return err
	}
	opts, err := o.f.exportOptions(o.Citations, m.Citations, o.Verbatim)
	if err != nil {
		return err
	}
	steps, err := svc.PlanBuild(ctx, actor, m)
	if err != nil {
		return err
	}
	rep := &buildReport{DryRun: o.DryRun}
	for _, st := range steps {
		bp := builtParagraph{Section: m.Sections[st.Section].Heading, Source: st.Source, Action: st.Action, Reason: st.Reason}
		if st.Paragraph != nil {
			bp.Paragraph = st.Paragraph.Handle
		}
		rep.Paragraphs = append(rep.Paragraphs, bp)
	}
	if o.DryRun {
		return o.f.render(o.Export, rep, func(w io.Writer) { printBuild(w, rep) })
	}
	if err := o.f.buildParagraphs(ctx, svc, actor, m, steps, rep); err != nil {
		return err
	}

	man := export.Manuscript{Title: m.Title}
	var failed []string
	k := 0 // the steps, and so the report's lines, are the paragraphs in order
	for _, sec := range m.Sections {
		xs := export.Section{Heading: sec.Heading}
		for range sec.Paragraphs {
			bp := &rep.Paragraphs[k]
			k++
			if bp.Action != service.BuildRejected {
				p, err := svc.ExportParagraph(ctx, actor, bp.Paragraph)
				if err == nil {
					xs.Paragraphs = append(xs.Paragraphs, p.Paragraph)
					continue
				}
				if domain.ErrorCode(err) != domain.NotVerified {
					return err
				}
				bp.Reason = domain.ErrorMessage(err)
			}
			failed = append(failed, fmt.Sprintf("%s (%s): %s", bp.Source, bp.Paragraph, bp.Reason))
		}
		man.Sections = append(man.Sections, xs)
	}
	if len(failed) > 0 {
		if o.Export.enabled() {
			if err := o.f.render(o.Export, rep, nil); err != nil {
				return err
			}
		}
		for _, f := range failed {
			fmt.Fprintln(o.f.IO.Err, "opus: "+safe(f))
		}
		return domain.Errorf(domain.NotVerified, "%s: %d of %d paragraphs are not verified; nothing was written", o.Path, len(failed), len(steps))
	}
	bib := bibPath(o.Out)
	doc, bibData, err := manuscriptFiles(man, format, filepath.Base(bib), opts)
	if err != nil {
		return err
	}
	files := map[string][]byte{o.Out: doc}
	rep.Output = o.Out
	if bibData != nil {
		files[bib] = bibData
		rep.Bib = bib
	}
	if err := writeOutputs(files); err != nil {
		return err
	}
	return o.f.render(o.Export, rep, func(w io.Writer) { printBuild(w, rep) })
}

// buildParagraphs generates the paragraphs steps say to, waits for those
// being written, and counts the model calls their jobs made.
func (f *Factory) buildParagraphs(ctx context.Context, svc *service.Service, actor service.Actor, m *service.Manuscript, steps []service.BuildStep, rep *buildReport) error {
	var jobs []*domain.Job
	var at []int
	for k, st := range steps {
		switch st.Action {
		case service.BuildGenerate:
			mp := m.Sections[st.Section].Paragraphs[st.Index]
			p, j, err := svc.GenerateParagraph(ctx, actor, mp.Spec, service.JobOptions{})
			if err != nil {
				return domain.Wrap(err, domain.ErrorCode(err), "%s: %s", mp.Source, domain.ErrorMessage(err))
			}
			rep.Paragraphs[k].Paragraph = p.Handle
			jobs, at = append(jobs, j), append(at, k)
		case service.BuildWait:
			j, err := svc.ParagraphJob(ctx, actor, st.Paragraph.Handle)
			if err != nil {
				return err
			}
			jobs, at = append(jobs, j), append(at, k)
		}
	}
	for i, j := range jobs {
		bp := &rep.Paragraphs[at[i]]
		if _, err := f.finishJob(ctx, svc, actor, j, fmt.Sprintf("writing %s (%d of %d)", bp.Paragraph, i+1, len(jobs))); err != nil {
			if domain.ErrorCode(err) == domain.Cancelled {
				return err
			}
			bp.Reason = domain.ErrorMessage(err) // reported with the others that failed
		}
		runs, err := svc.Runs(ctx, actor, service.RunFilter{Job: j.Handle, Limit: 1000})
		if err != nil {
			return err
		}
		for _, r := range runs {
			if r.CachedFrom != nil {
				rep.CacheHits++
			} else {
				rep.ModelCalls++
			}
		}
	}
	return nil
}

func printBuild(w io.Writer, rep *buildReport) {
	rows := make([][]string, 0, len(rep.Paragraphs))
	counts := map[string]int{}
	for _, p := range rep.Paragraphs {
		counts[p.Action]++
		rows = append(rows, []string{safe(p.Section), safe(p.Source), p.Action, p.Paragraph})
	}
	table(w, []string{"SECTION", "SPEC", "ACTION", "PARAGRAPH"}, rows)
	if rep.DryRun {
		fmt.Fprintf(w, "%d to generate, %d unchanged, %d being written, %d rejected (dry run: nothing written)\n",
			counts[service.BuildGenerate], counts[service.BuildReuse], counts[service.BuildWait], counts[service.BuildRejected])
		return
	}
	out := rep.Output
	if rep.Bib != "" {
		out += " and " + rep.Bib
	}
	fmt.Fprintf(w, "wrote %s: %s (%d generated, %d unchanged), %s\n", safe(out), plural(len(rep.Paragraphs), "paragraph"),
		counts[service.BuildGenerate]+counts[service.BuildWait], counts[service.BuildReuse], plural(rep.ModelCalls, "model call"))
}
