package service_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/opusblocks/opus/internal/domain"
	"github.com/opusblocks/opus/internal/service"
	"github.com/opusblocks/opus/internal/store"
	"github.com/opusblocks/opus/internal/store/storetest"
)

// docParagraph adds trial.txt with metadata, extracts its facts and writes
// a verified results paragraph from two of them.
func docParagraph(t *testing.T, svc *service.Service, a service.Actor) *domain.Paragraph {
	t.Helper()
	ctx := context.Background()
	res, err := svc.AddDocument(ctx, a, writeText(t, "trial.txt", trialText))
	require.NoError(t, err)
	key, year := "smith2020", 2020
	_, err = svc.EditDocument(ctx, a, res.Document.Handle, service.DocEdit{Key: &key, Year: &year})
	require.NoError(t, err)
	j, err := svc.ExtractFacts(ctx, a, res.Document.Handle, service.JobOptions{})
	require.NoError(t, err)
	require.Equal(t, domain.JobSucceeded, wait(t, svc, a, j).State)
	facts, err := svc.Facts(ctx, a, service.FactFilter{})
	require.NoError(t, err)
	var hs []string
	for _, f := range facts {
		if strings.Contains(f.Text, "LDL") || strings.Contains(f.Text, "enrolled") {
			hs = append(hs, f.Handle)
		}
	}
	require.Len(t, hs, 2)
	p, j, err := svc.GenerateParagraph(ctx, a, []byte("section: results\ntitle: Drug A\nintent: Report the trial.\nfacts: ["+strings.Join(hs, ", ")+"]\n"), service.JobOptions{})
	require.NoError(t, err)
	wait(t, svc, a, j)
	_, err = svc.ShowParagraph(ctx, a, p.Handle, false)
	require.NoError(t, err, "the offline writer's restatement verifies")
	return p
}

// An export carries, per sentence, the facts it cites with quote, page and
// the document's metadata, and the runs that wrote and verified it.
func TestExportParagraphCarriesProvenance(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		svc, a := newService(t, db)
		ctx := context.Background()
		p := docParagraph(t, svc, a)
		x, err := svc.ExportParagraph(ctx, a, p.Handle)
		require.NoError(t, err)
		assert.Equal(t, "Drug A", x.Title)
		require.NotEmpty(t, x.Sentences)
		require.Len(t, x.Paragraph.Sentences, len(x.Sentences))
		for i, s := range x.Sentences {
			require.NotEmpty(t, s.Facts, "sentence %d cites facts", i)
			assert.NotEmpty(t, s.VerifierRun)
			assert.NotContains(t, s.Text, "[F", "the text carries no handles; citations come from links")
			for j, f := range s.Facts {
				require.NotNil(t, f.Document)
				assert.Equal(t, "smith2020", f.Document.Bib.Key)
				assert.Equal(t, 2020, f.Document.Bib.Year)
				assert.NotEmpty(t, f.Quote)
				assert.Equal(t, 1, f.Page)
				c := x.Paragraph.Sentences[i].Cites[j]
				require.NotNil(t, c.Ref)
				assert.Equal(t, "smith2020", c.Ref.Key)
				assert.Equal(t, 1, c.Page)
			}
		}
		agents := map[string]bool{}
		for _, r := range x.Runs {
			agents[r.Agent] = true
			assert.NotEmpty(t, r.PromptVersion)
			assert.NotEmpty(t, r.Model)
		}
		assert.True(t, agents["writer"] && agents["verifier"], "runs: %v", agents)
	})
}

// Only a verified paragraph whose facts are all active exports: a stale
// one is refused with the reason, as is one never verified.
func TestExportRefusesWhatIsNotVerified(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		svc, a := newService(t, db)
		ctx := context.Background()
		f1, p := twoFactParagraph(t, svc, a)
		x, err := svc.ExportParagraph(ctx, a, p.Handle)
		require.NoError(t, err)
		c := x.Paragraph.Sentences[0].Cites[0]
		assert.Nil(t, c.Ref, "a manual fact cites its source note")
		assert.Equal(t, "Registry entry", c.Note)

		_, _, err = svc.RetractFact(ctx, a, f1.Handle)
		require.NoError(t, err)
		_, err = svc.ExportParagraph(ctx, a, p.Handle)
		assert.Equal(t, domain.NotVerified, domain.ErrorCode(err))
		assert.Contains(t, domain.ErrorMessage(err), "cannot be exported")
	})
}

// opus build's plan: an unchanged spec reuses its verified paragraph, a
// changed one is generated, and only that one.
func TestBuildPlanReusesUnchangedSpecs(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		svc, a := newService(t, db)
		ctx := context.Background()
		for _, text := range []string{"The trial enrolled 120 adult patients.", "The trial ran at four centres.", "Drug A lowered LDL cholesterol by 38%."} {
			_, err := svc.AddFact(ctx, a, text, "Registry entry", "finding")
			require.NoError(t, err)
		}
		dir := t.TempDir()
		write := func(name, text string) {
			require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600))
		}
		write("methods.yaml", "section: methods\nintent: Describe the trial.\nfacts: [F1, F2]\n")
		write("paper.yaml", `title: Drug A
citations: numeric
sections:
  - heading: Methods
    paragraphs:
      - spec: methods.yaml
  - heading: Results
    paragraphs:
      - section: results
        intent: Report the effect.
        facts: [F3]
  - heading: Discussion
    paragraphs:
      - section: discussion
        intent: Sum up the trial.
        facts: [F1, F3]
`)
		m, err := service.ReadManuscript(filepath.Join(dir, "paper.yaml"))
		require.NoError(t, err)
		require.Len(t, m.Sections, 3)
		actions := func() []string {
			steps, err := svc.PlanBuild(ctx, a, m)
			require.NoError(t, err)
			var out []string
			for _, st := range steps {
				out = append(out, st.Action)
			}
			return out
		}
		assert.Equal(t, []string{service.BuildGenerate, service.BuildGenerate, service.BuildGenerate}, actions())
		for _, sec := range m.Sections {
			_, j, err := svc.GenerateParagraph(ctx, a, sec.Paragraphs[0].Spec, service.JobOptions{})
			require.NoError(t, err)
			wait(t, svc, a, j)
		}
		assert.Equal(t, []string{service.BuildReuse, service.BuildReuse, service.BuildReuse}, actions())

		write("methods.yaml", "section: methods\nintent: Describe the trial's design.\nfacts: [F1, F2]\n")
		m, err = service.ReadManuscript(filepath.Join(dir, "paper.yaml"))
		require.NoError(t, err)
		assert.Equal(t, []string{service.BuildGenerate, service.BuildReuse, service.BuildReuse}, actions())
	})
}

// A manuscript with a mistake is refused before anything is generated,
// with the place of the mistake.
func TestReadManuscriptErrors(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct{ text, want string }{
		{"title: x\n", "no sections"},
		{"title: x\nsectons: []\n", "sectons"},
		{"sections:\n  - heading: A\n    paragraphs: []\n", "no paragraphs"},
		{"sections:\n  - heading: A\n    paragraphs:\n      - spec: nowhere.yaml\n", "nowhere.yaml"},
		{"sections:\n  - heading: A\n    paragraphs:\n      - section: results\n        intent: x\n", "facts"},
		{"citations: harvard\nsections: []\n", "harvard"},
	} {
		p := filepath.Join(dir, "m.yaml")
		require.NoError(t, os.WriteFile(p, []byte(tc.text), 0o600))
		_, err := service.ReadManuscript(p)
		require.Error(t, err, tc.text)
		assert.Equal(t, domain.Invalid, domain.ErrorCode(err), tc.text)
		assert.Contains(t, domain.ErrorMessage(err), tc.want, tc.text)
	}
}
