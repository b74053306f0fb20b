package eval_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"github.com/opusblocks/opus/internal/eval"
	"github.com/opusblocks/opus/internal/llm/offline"
	"github.com/opusblocks/opus/internal/prompts"
	"github.com/opusblocks/opus/internal/testpdf"
)

// golden is the repository's golden set, which .ci/run gates on.
const golden = "../../golden"

// excerpts are the golden suites whose paper may not be copied into the
// repository (its licence does not allow it), each with that paper's name in
// the shared corpus. Their document is an excerpt instead: the passages the
// facts quote, each on its page of the paper (golden/README.md).
var excerpts = map[string]string{
	"eeg-mobile-feedback":      "sciparse_c921a74c.pdf",
	"hpylori-ida-metaanalysis": "cermine_test5.pdf",
	"image-denoising-convnets": "sciparse_seung08.pdf",
	"mapreduce":                "sciparse_map-reduce.pdf",
	"realm-sparse-ie":          "sciparse_P07-1088.pdf",
	"tracemonkey":              "grobid_tracemonkey.pdf",
	// Written for the test split (issue 11), from papers no other suite uses.
	"smt-paraphrase-generation": "sciparse_mono04.pdf",
	"parallel-topic-models":     "sciparse_smola10.pdf",
	"vespa-selective-pressure":  "cermine_test6.pdf",
	"phrase-generation-vectors": "sciparse_P14-1059.pdf",
	"zone-based-routing":        "grobid_test_Grobid_2.pdf",
}

// TestGoldenSuitesNeedOnlyTheRepository: every PDF a golden suite names is a
// file inside the repository, so 'opus eval golden' runs on a bare clone.
func TestGoldenSuitesNeedOnlyTheRepository(t *testing.T) {
	root, err := filepath.Abs("../..")
	require.NoError(t, err)
	suites, err := eval.Load([]string{golden})
	require.NoError(t, err)
	pdfs := 0
	for _, s := range suites {
		for _, d := range s.Documents {
			if d.PDF == "" {
				continue
			}
			pdfs++
			path, err := filepath.Abs(filepath.Join(filepath.Dir(s.Path), d.PDF))
			require.NoError(t, err)
			rel, err := filepath.Rel(root, path)
			require.NoError(t, err)
			assert.Falsef(t, rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)),
				"%s: %s %s is outside the repository", s.Path, d.ID, d.PDF)
			assert.FileExistsf(t, path, "%s: %s", s.Path, d.ID)
		}
	}
	assert.Positive(t, pdfs)
}

// TestGoldenExcerptsMatchTheirPapers runs each excerpt suite a second time
// on its full paper from OPUS_CORPUS: every quote and every probe's string
// must be on its page of the real PDF (loading checks that, as for any
// suite), and the verify and generate figures must be the excerpt's — those
// items see only facts. Extraction differs: the librarian reads the whole
// paper (more facts, and junk to leave out) where the excerpt holds only
// the quoted passages, some of them cut mid-sentence; both figures are
// logged.
func TestGoldenExcerptsMatchTheirPapers(t *testing.T) {
	corpus, err := filepath.Abs(testpdf.CorpusDir(t))
	require.NoError(t, err)
	suites, err := eval.Load([]string{golden})
	require.NoError(t, err)
	var excerpt, full []*eval.Suite
	for _, s := range suites {
		paper, ok := excerpts[s.Name]
		if !ok {
			continue
		}
		require.Len(t, s.Documents, 1, s.Path)
		require.NotEmpty(t, s.Documents[0].Pages, "%s: an excerpt has inline pages", s.Path)
		excerpt = append(excerpt, s)
		f := *s
		f.Documents = []eval.Document{{ID: s.Documents[0].ID, Title: s.Documents[0].Title, PDF: filepath.Join(corpus, paper)}}
		full = append(full, &f)
	}
	require.Len(t, excerpt, len(excerpts), "every excerpt suite is in golden/")

	ctx := context.Background()
	a, err := eval.Run(ctx, excerpt, config(offline.New()))
	require.NoError(t, err)
	b, err := eval.Run(ctx, full, config(offline.New()))
	require.NoError(t, err, "a quote of an excerpt is not on its page of the paper")
	assert.Equal(t, a.Verify, b.Verify)
	assert.Equal(t, a.Generate, b.Generate)
	assert.Equal(t, a.Extract.N, b.Extract.N)
	t.Logf("excerpts: probe recall %.3f, %d facts kept, %d junk; papers: probe recall %.3f, %d facts kept, %d junk",
		a.Extract.ProbeRecall, a.Extract.FactsKept, a.Extract.JunkFacts, b.Extract.ProbeRecall, b.Extract.FactsKept, b.Extract.JunkFacts)
	for _, se := range b.Extract.BySuite {
		t.Logf("  %s/%s: %d/%d, %d kept, %d junk, not found %q", se.Split, se.Suite, se.Found, se.Expected, se.FactsKept, se.JunkFacts, se.Missed)
	}
}

// quarantined returns the verify items that a golden suite file holds as
// comments ("  # - {id: v19, …}"): items whose label is right but that the
// offline verifier judges wrongly in a way the gate fails on (false
// support), kept out of the suite until the verifier is fixed.
func quarantined(t *testing.T, s *eval.Suite) []eval.VerifyItem {
	t.Helper()
	data, err := os.ReadFile(s.Path)
	require.NoError(t, err)
	var out []eval.VerifyItem
	for _, line := range strings.Split(string(data), "\n") {
		item, ok := strings.CutPrefix(strings.TrimSpace(line), "# - {id: v")
		if !ok {
			continue
		}
		var v eval.VerifyItem
		require.NoError(t, yaml.Unmarshal([]byte("{id: v"+item), &v), "%s: %s", s.Path, line)
		out = append(out, v)
	}
	return out
}

// TestQuarantinedTestItems runs the verify items the test split holds as
// comments: items whose label is right but that the offline verifier once
// judged supported, which the gate's hard limit would fail on. When this
// test passes, uncomment them in their suites.
func TestQuarantinedTestItems(t *testing.T) {
	suites, err := eval.Load([]string{golden})
	require.NoError(t, err)
	var held []*eval.Suite
	for _, s := range suites {
		if items := quarantined(t, s); len(items) > 0 {
			q := *s
			q.Verify, q.Generate, q.Extract = items, nil, nil
			held = append(held, &q)
		}
	}
	if len(held) == 0 {
		return // none held out now
	}
	r, err := eval.Run(context.Background(), held, config(offline.New()))
	require.NoError(t, err)
	assert.Zero(t, r.Verify.FalseSupport, "%+v", r.Verify.Failures)
}

// paper names the source of a golden document: the file of a PDF, the
// paper an excerpt is taken from, or the title of an inline document.
func paper(s *eval.Suite, d eval.Document) string {
	if d.PDF != "" {
		return filepath.Base(d.PDF)
	}
	if p, ok := excerpts[s.Name]; ok {
		return p
	}
	return d.Title
}

// TestGoldenSplitIsStratified: every golden suite is in golden/dev or
// golden/test; no paper is in both (a suite is one paper, so the split is a
// split of papers); and both splits have items of every category, extract
// probes and generate items.
func TestGoldenSplitIsStratified(t *testing.T) {
	suites, err := eval.Load([]string{golden})
	require.NoError(t, err)
	splitOf := map[string]string{}
	items := map[string]map[string]int{}
	for _, s := range suites {
		require.Containsf(t, eval.Splits, s.Split, "%s is in neither golden/dev nor golden/test", s.Path)
		for _, d := range s.Documents {
			p := paper(s, d)
			if prev, ok := splitOf[p]; ok {
				assert.Equalf(t, prev, s.Split, "%s is in both splits (%s)", p, s.Path)
			}
			splitOf[p] = s.Split
		}
		if items[s.Split] == nil {
			items[s.Split] = map[string]int{}
		}
		for _, v := range s.Verify {
			items[s.Split][v.Category]++
		}
		items[s.Split]["(extract)"] += len(s.Extract)
		items[s.Split]["(generate)"] += len(s.Generate)
	}
	for _, split := range eval.Splits {
		for _, c := range append(append([]string{"(extract)", "(generate)"}, eval.SupportedCategories...), eval.UnsupportedCategories...) {
			assert.Positivef(t, items[split][c], "golden/%s has no %s item", split, c)
		}
	}
}

// TestGoldenBaselineIsOfTheTestSplit: the accepted offline figures in
// golden/baseline.json are the test split's, so .ci/run's gate compares
// like with like (a baseline from before the split would fail the gate).
func TestGoldenBaselineIsOfTheTestSplit(t *testing.T) {
	b, err := eval.LoadBaseline(filepath.Join(golden, "baseline.json"))
	require.NoError(t, err)
	key := (&eval.Report{Provider: "offline", Model: offline.Model, PromptVersions: prompts.Versions()}).Key()
	entry := b.Entries[key]
	require.NotNil(t, entry, "golden/baseline.json has no entry for %s", key)
	for _, m := range []string{"verify.accuracy", "verify.false_reject_rate", "generate.verified_rate", "extract.probe_recall", "extract.junk_facts"} {
		assert.Contains(t, entry, "test."+m)
	}
}
