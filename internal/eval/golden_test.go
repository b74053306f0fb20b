package eval_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/opusblocks/opus/internal/eval"
	"github.com/opusblocks/opus/internal/llm/offline"
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
// on its full paper from OPUS_CORPUS: every quote must be on its page of the
// real PDF (loading checks that, as for any suite), and the figures must be
// the excerpt's — verify and generate items see only facts, and every probe
// is still found.
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
	assert.Equal(t, 1.0, a.Extract.ProbeRecall)
	assert.Equal(t, 1.0, b.Extract.ProbeRecall)
	t.Logf("facts kept: %d from the excerpts, %d from the papers", a.Extract.FactsKept, b.Extract.FactsKept)
}
