package service_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/opusblocks/opus/internal/contract"
	"github.com/opusblocks/opus/internal/domain"
	"github.com/opusblocks/opus/internal/jobs"
	"github.com/opusblocks/opus/internal/llm/offline"
	"github.com/opusblocks/opus/internal/prompts"
	"github.com/opusblocks/opus/internal/service"
	"github.com/opusblocks/opus/internal/store"
	"github.com/opusblocks/opus/internal/store/storetest"
	"github.com/opusblocks/opus/internal/testpdf"
	"github.com/opusblocks/opus/internal/textnorm"
)

// testPDFs are the repository's own test PDFs; every run reads them.
var testPDFs = testpdf.Dir() + string(filepath.Separator)

// corpusPath and corpusDir name the whole corpus (OPUS_CORPUS), an opt-in.
var (
	corpusPath = testpdf.Corpus
	corpusDir  = testpdf.CorpusDir
)

func newService(t *testing.T, db *store.DB) (*service.Service, service.Actor) {
	t.Helper()
	ctx := context.Background()
	svc, err := service.New(ctx, db, service.Config{
		DataDir: t.TempDir(), CacheDir: filepath.Join(os.TempDir(), "opus-test-cache", "opus", "wazero"),
		RepairRounds: 2, Provider: offline.New(), Model: offline.Model, Prompts: prompts.Versions(),
		Jobs: jobs.Config{PollEvery: 20 * time.Millisecond, BaseBackoff: 10 * time.Millisecond},
	})
	require.NoError(t, err)
	require.NoError(t, svc.StartWorkers(ctx, nil))
	t.Cleanup(func() { _ = svc.Close() })
	owner, err := svc.Profile(ctx, "default")
	require.NoError(t, err)
	return svc, service.Actor{OwnerID: owner.ID, TraceID: "trace-test"}
}

func wait(t *testing.T, svc *service.Service, a service.Actor, j *domain.Job) *domain.Job {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	done, err := svc.WaitJob(ctx, a, j.ID, nil)
	require.NoError(t, err)
	return done
}

func writeText(t *testing.T, name, text string) string {
	p := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(p, []byte(text), 0o600))
	return p
}

const trialText = "Drug A lowered LDL cholesterol by 38% relative to placebo at week 12 in the primary analysis.\n" +
	"The trial enrolled 120 adult patients with primary hypercholesterolaemia at four centres.\n" +
	"Adverse events were reported by 12 patients in the drug A group and 11 in the placebo group.\n" +
	"Secret unrelated finding: the moon is made of cheese according to this page only.\f" +
	"Page two holds the discussion of limitations of the small sample of the trial population.\n"

// Contract §2: the recorded writer request holds the spec and the allowed
// facts and nothing else — no other fact, no document text.
func TestWriterRequestHoldsOnlyAllowedFacts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		svc, a := newService(t, db)
		ctx := context.Background()
		res, err := svc.AddDocument(ctx, a, writeText(t, "trial.txt", trialText))
		require.NoError(t, err)
		j, err := svc.ExtractFacts(ctx, a, res.Document.Handle, service.JobOptions{})
		require.NoError(t, err)
		require.Equal(t, domain.JobSucceeded, wait(t, svc, a, j).State)
		facts, err := svc.Facts(ctx, a, service.FactFilter{})
		require.NoError(t, err)
		require.GreaterOrEqual(t, len(facts), 3)
		var allowed []domain.Fact
		for _, f := range facts {
			if !strings.Contains(f.Text, "moon") && len(allowed) < 2 {
				allowed = append(allowed, f)
			}
		}
		require.Len(t, allowed, 2)
		spec := "section: results\nintent: Report the outcome.\nfacts: [" + allowed[0].Handle + ", " + allowed[1].Handle + "]\n"
		p, j, err := svc.GenerateParagraph(ctx, a, []byte(spec), service.JobOptions{})
		require.NoError(t, err)
		require.Equal(t, domain.JobSucceeded, wait(t, svc, a, j).State)

		runs, err := db.Tenant(a.OwnerID).Runs(ctx, store.RunFilter{JobID: j.ID, Agent: "writer"})
		require.NoError(t, err)
		require.NotEmpty(t, runs)
		for _, r := range runs {
			var req struct {
				Input contract.WriterInput `json:"input"`
			}
			require.NoError(t, json.Unmarshal([]byte(r.Request), &req))
			var ids []string
			for _, f := range req.Input.Facts {
				ids = append(ids, f.ID)
			}
			assert.ElementsMatch(t, []string{allowed[0].Handle, allowed[1].Handle}, ids)
			for _, f := range facts {
				if f.ID != allowed[0].ID && f.ID != allowed[1].ID {
					assert.NotContains(t, r.Request, f.Text, "another fact leaked into the writer request")
				}
			}
			assert.NotContains(t, r.Request, "moon is made of cheese", "document text leaked into the writer request")
			assert.Equal(t, "offline", r.Provider)
			assert.Equal(t, "trace-test", r.TraceID)
			assert.Len(t, r.InputHash, 64)
		}
		view, err := svc.ShowParagraph(ctx, a, p.Handle, false)
		if err == nil {
			assert.Equal(t, domain.ParaVerified, view.State)
		} else {
			assert.Equal(t, domain.NotVerified, domain.ErrorCode(err))
			assert.Empty(t, view.Text)
		}
	})
}

// Retracting a cited fact makes a verified paragraph stale, and a stale
// paragraph is not displayed.
func TestRetractingACitedFactMakesTheParagraphStale(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		svc, a := newService(t, db)
		ctx := context.Background()
		f1, p := twoFactParagraph(t, svc, a)
		v, err := svc.ShowParagraph(ctx, a, p.Handle, false)
		require.NoError(t, err, "offline writer restating manual facts verifies")
		require.Equal(t, domain.ParaVerified, v.State)

		_, stale, err := svc.RetractFact(ctx, a, f1.Handle)
		require.NoError(t, err)
		assert.Equal(t, []string{p.Handle}, stale)
		v, err = svc.ShowParagraph(ctx, a, p.Handle, false)
		assert.Equal(t, domain.NotVerified, domain.ErrorCode(err))
		assert.Equal(t, domain.ParaStale, v.State)
		assert.Empty(t, v.Text)
	})
}

// Every real paper of testdata/pdf and, with OPUS_CORPUS, of the whole
// corpus: added, ≥ 5 anchored facts kept (each quote on its page, each
// number of the text in its quote), and a spec citing 4 facts ends verified
// or rejected — never in between.
func TestCorpusPapersEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("every paper end to end; run without -short")
	}
	t.Run("testdata", func(t *testing.T) { papersEndToEnd(t, testPDFs) })
	t.Run("corpus", func(t *testing.T) { papersEndToEnd(t, corpusDir(t)) })
}

func papersEndToEnd(t *testing.T, dir string) {
	db := storetest.Open(t, storetest.Backends(t)[0])
	svc, a := newService(t, db)
	ctx := context.Background()
	paths, err := filepath.Glob(filepath.Join(dir, "*.pdf"))
	require.NoError(t, err)
	sort.Strings(paths)
	n := 0
	for _, path := range paths {
		if strings.HasPrefix(filepath.Base(path), "bad_") {
			continue
		}
		n++
		t.Run(filepath.Base(path), func(t *testing.T) {
			res, err := svc.AddDocument(ctx, a, path)
			require.NoError(t, err)
			d := res.Document
			j, err := svc.ExtractFacts(ctx, a, d.Handle, service.JobOptions{})
			require.NoError(t, err)
			require.Equal(t, domain.JobSucceeded, wait(t, svc, a, j).State)
			facts, err := svc.Facts(ctx, a, service.FactFilter{Doc: d.Handle})
			require.NoError(t, err)
			require.GreaterOrEqual(t, len(facts), 5, "active facts kept")

			pages, err := db.Tenant(a.OwnerID).DocumentPages(ctx, d.ID)
			require.NoError(t, err)
			for _, f := range facts {
				require.NotNil(t, f.Quote)
				_, ok := textnorm.FindQuote(pages[*f.Page-1], *f.Quote)
				assert.Truef(t, ok, "%s: quote not on page %d: %q", f.Handle, *f.Page, *f.Quote)
				qn := textnorm.Numbers(*f.Quote)
				for _, num := range textnorm.Numbers(f.Text) {
					assert.Truef(t, textnorm.NumberCovered(num, qn), "%s: number %s not in quote", f.Handle, num)
				}
			}
			spec := "section: results\nintent: Summarise.\nfacts: [" + facts[0].Handle + ", " + facts[1].Handle + ", " + facts[2].Handle + ", " + facts[3].Handle + "]\n"
			p, j, err := svc.GenerateParagraph(ctx, a, []byte(spec), service.JobOptions{})
			require.NoError(t, err)
			require.Equal(t, domain.JobSucceeded, wait(t, svc, a, j).State)
			v, err := svc.ShowParagraph(ctx, a, p.Handle, false)
			t.Logf("%s: %d facts, %s ends %s", d.Filename, len(facts), p.Handle, v.State)
			switch v.State {
			case domain.ParaVerified:
				require.NoError(t, err)
				assert.NotEmpty(t, v.Text)
			case domain.ParaRejected:
				assert.Equal(t, domain.NotVerified, domain.ErrorCode(err))
				assert.Empty(t, v.Text, "no text shown")
				assert.NotEmpty(t, v.Reasons, "reasons listed")
			default:
				t.Fatalf("paragraph ended %s", v.State)
			}
		})
	}
	require.Positive(t, n, "no paper in %s", dir)
}

func TestEditCannotCiteARetractedFact(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		svc, a := newService(t, db)
		ctx := context.Background()
		f1, p := twoFactParagraph(t, svc, a)
		_, _, err := svc.RetractFact(ctx, a, f1.Handle)
		require.NoError(t, err)
		_, _, err = svc.EditParagraph(ctx, a, p.Handle, "The trial enrolled 120 adult patients [F1].\n", service.JobOptions{})
		assert.Equal(t, domain.Invalid, domain.ErrorCode(err))
		assert.Contains(t, domain.ErrorMessage(err), "retracted")
		_, j, err := svc.EditParagraph(ctx, a, p.Handle, "The trial ran at four centres [F2].\n", service.JobOptions{})
		require.NoError(t, err)
		wait(t, svc, a, j)
		v, err := svc.ShowParagraph(ctx, a, p.Handle, false)
		require.NoError(t, err, "the stale paragraph, edited to drop the retracted fact, verifies again")
		assert.Equal(t, domain.ParaVerified, v.State)
	})
}

// twoFactParagraph adds two manual facts (F1, F2) and generates a methods
// paragraph from them, returning F1 and the paragraph.
func twoFactParagraph(t *testing.T, svc *service.Service, a service.Actor) (*domain.Fact, *domain.Paragraph) {
	t.Helper()
	ctx := context.Background()
	f1, err := svc.AddFact(ctx, a, "The trial enrolled 120 adult patients.", "Registry entry", "population")
	require.NoError(t, err)
	_, err = svc.AddFact(ctx, a, "The trial ran at four centres.", "Registry entry", "method")
	require.NoError(t, err)
	p, j, err := svc.GenerateParagraph(ctx, a, []byte("section: methods\nintent: Describe the trial.\nfacts: [F1, F2]\n"), service.JobOptions{})
	require.NoError(t, err)
	wait(t, svc, a, j)
	return f1, p
}

// Restoring a retracted fact makes its stale paragraphs verified again,
// unless another fact they cite is still retracted.
func TestRestoringAFactVerifiesItsStaleParagraphsAgain(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		svc, a := newService(t, db)
		ctx := context.Background()
		_, p := twoFactParagraph(t, svc, a)
		for _, h := range []string{"F1", "F2"} {
			_, _, err := svc.RetractFact(ctx, a, h)
			require.NoError(t, err)
		}
		f, again, err := svc.RestoreFact(ctx, a, "F1")
		require.NoError(t, err)
		assert.Equal(t, domain.FactActive, f.State)
		assert.Empty(t, again, "F2 is still retracted")
		_, err = svc.ShowParagraph(ctx, a, p.Handle, false)
		assert.Equal(t, domain.NotVerified, domain.ErrorCode(err))

		_, again, err = svc.RestoreFact(ctx, a, "F2")
		require.NoError(t, err)
		assert.Equal(t, []string{p.Handle}, again)
		v, err := svc.ShowParagraph(ctx, a, p.Handle, false)
		require.NoError(t, err)
		assert.Equal(t, domain.ParaVerified, v.State)

		_, _, err = svc.RestoreFact(ctx, a, "F2")
		assert.Equal(t, domain.Conflict, domain.ErrorCode(err), "an active fact cannot be restored")
	})
}

// Removing a paragraph removes its text and revisions; the runs that wrote
// it stay on the record, and its handle is not given again.
func TestRemoveParagraph(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		svc, a := newService(t, db)
		ctx := context.Background()
		_, p := twoFactParagraph(t, svc, a)
		runsBefore, err := svc.Runs(ctx, a, service.RunFilter{})
		require.NoError(t, err)
		require.NotEmpty(t, runsBefore)

		_, err = svc.RemoveParagraph(ctx, a, p.Handle)
		require.NoError(t, err)
		_, err = svc.ShowParagraph(ctx, a, p.Handle, false)
		assert.Equal(t, domain.NotFound, domain.ErrorCode(err))
		_, err = svc.RemoveParagraph(ctx, a, p.Handle)
		assert.Equal(t, domain.NotFound, domain.ErrorCode(err))
		runsAfter, err := svc.Runs(ctx, a, service.RunFilter{})
		require.NoError(t, err)
		assert.Len(t, runsAfter, len(runsBefore), "model runs stay on the record")
		js, err := svc.Jobs(ctx, a, 10)
		require.NoError(t, err)
		assert.NotEmpty(t, js, "jobs stay too")

		p2, j, err := svc.GenerateParagraph(ctx, a, []byte("section: methods\nintent: Again.\nfacts: [F1]\n"), service.JobOptions{})
		require.NoError(t, err)
		assert.NotEqual(t, p.Handle, p2.Handle, "a removed handle is never reused")
		_, err = svc.RemoveParagraph(ctx, a, p2.Handle)
		if err != nil { // still queued or being written: refused, not half removed
			assert.Equal(t, domain.Conflict, domain.ErrorCode(err))
		}
		wait(t, svc, a, j)
	})
}

// A negative limit is a caller's bug: every list and search says so
// instead of reading it as "all" or "the default".
func TestNegativeLimitIsInvalidEverywhere(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		svc, a := newService(t, db)
		ctx := context.Background()
		_, err := svc.AddDocument(ctx, a, writeText(t, "trial.txt", trialText))
		require.NoError(t, err)
		calls := map[string]func() error{
			"documents": func() error { _, err := svc.DocumentsPage(ctx, a, "", -1); return err },
			"facts":     func() error { _, err := svc.Facts(ctx, a, service.FactFilter{Limit: -1}); return err },
			"search": func() error {
				_, err := svc.SearchFacts(ctx, a, service.FactSearch{Query: "trial", Limit: -1})
				return err
			},
			"paragraphs": func() error { _, err := svc.ParagraphsPage(ctx, a, "", -1); return err },
			"jobs":       func() error { _, err := svc.JobsPage(ctx, a, "", -1); return err },
			"runs":       func() error { _, err := svc.Runs(ctx, a, service.RunFilter{Limit: -1}); return err },
		}
		for name, call := range calls {
			err := call()
			assert.Equal(t, domain.Invalid, domain.ErrorCode(err), name)
			assert.Contains(t, domain.ErrorMessage(err), "limit -1: give a positive number", name)
		}
		// Zero is the default (all, or a page of the default size), not an error.
		docs, err := svc.DocumentsPage(ctx, a, "", 0)
		require.NoError(t, err)
		assert.Len(t, docs, 1)
		_, err = svc.SearchFacts(ctx, a, service.FactSearch{Query: "trial"})
		require.NoError(t, err)
	})
}
