package service_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/opusblocks/opus/internal/domain"
	"github.com/opusblocks/opus/internal/llm/offline"
	"github.com/opusblocks/opus/internal/service"
	"github.com/opusblocks/opus/internal/store"
	"github.com/opusblocks/opus/internal/store/storetest"
	"github.com/opusblocks/opus/internal/textnorm"
)

func pagesOf(t *testing.T, db *store.DB, a service.Actor, d *domain.Document) []string {
	t.Helper()
	pages, err := db.Tenant(a.OwnerID).DocumentPages(context.Background(), d.ID)
	require.NoError(t, err)
	require.Len(t, pages, d.PageCount)
	return pages
}

// prose is n bytes or so of paragraphs of distinct claims.
func prose(n int) string {
	var b strings.Builder
	for i := 0; b.Len() < n; i++ {
		fmt.Fprintf(&b, "In cohort %d the treatment reduced LDL cholesterol by %d%% in %d patients over %d weeks. ", i, i%90+1, 100+i, i%50+2)
		if i%7 == 6 {
			b.WriteString("\n\n")
		}
	}
	return b.String()
}

// A long text file, which has no pages of its own, is stored in pages of at
// most MaxTextPageBytes, cut at paragraph breaks; short form-feed pages stay
// as they are; extraction anchors facts on every one of them.
func TestLongTextFileIsStoredInBoundedPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		svc, a := newService(t, db)
		ctx := context.Background()
		long := prose(5*service.MaxTextPageBytes + 1000)
		text := "A short first page.\n\f" + long
		res, err := svc.AddDocument(ctx, a, writeText(t, "long.txt", text))
		require.NoError(t, err)

		pages := pagesOf(t, db, a, res.Document)
		assert.Equal(t, "A short first page.\n", pages[0], "a form-feed page under the limit is kept whole")
		assert.GreaterOrEqual(t, len(pages), 1+5)
		assert.LessOrEqual(t, len(pages), 1+10, "no page is cut below half the limit")
		for i, p := range pages[1:] {
			assert.LessOrEqualf(t, len(p), service.MaxTextPageBytes, "page %d", i+2)
			if i+2 < len(pages) {
				assert.Truef(t, strings.HasSuffix(p, "\n\n"), "page %d ends at a paragraph break", i+2)
			}
		}
		assert.Equal(t, long, strings.Join(pages[1:], ""), "nothing is lost or repeated")

		j, err := svc.ExtractFacts(ctx, a, res.Document.Handle, service.JobOptions{})
		require.NoError(t, err)
		require.Equal(t, domain.JobSucceeded, wait(t, svc, a, j).State)
		facts, err := svc.Facts(ctx, a, service.FactFilter{})
		require.NoError(t, err)
		onPage := map[int]int{}
		for _, f := range facts {
			require.NotNil(t, f.Page)
			require.NotNil(t, f.Quote)
			_, ok := textnorm.FindQuote(pages[*f.Page-1], *f.Quote)
			assert.Truef(t, ok, "%s quotes page %d", f.Handle, *f.Page)
			onPage[*f.Page]++
		}
		assert.Len(t, onPage, len(pages)-1, "every page of the long text yields facts")
	})
}

// One line with no break at all (here of two-byte letters) is cut at
// character boundaries.
func TestTextWithoutBreaksIsCutAtCharacters(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		svc, a := newService(t, db)
		line := "x" + strings.Repeat("é", 2*service.MaxTextPageBytes)
		res, err := svc.AddDocument(context.Background(), a, writeText(t, "line.md", line))
		require.NoError(t, err)
		pages := pagesOf(t, db, a, res.Document)
		require.Len(t, pages, 5)
		for i, p := range pages {
			assert.LessOrEqualf(t, len(p), service.MaxTextPageBytes, "page %d", i+1)
			assert.Truef(t, utf8.ValidString(p), "page %d is cut inside a character", i+1)
		}
		assert.Equal(t, line, strings.Join(pages, ""))
	})
}

// Paging never gets round the page limit, and a file of nothing but form
// feeds is refused without first being cut into millions of pages.
func TestTextFileOverThePageLimitIsRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svc, err := service.New(ctx, db, service.Config{DataDir: t.TempDir(), MaxPages: 10, Provider: offline.New()})
		require.NoError(t, err)
		owner, err := svc.Profile(ctx, "default")
		require.NoError(t, err)
		a := service.Actor{OwnerID: owner.ID}
		for name, text := range map[string]string{
			"feeds.txt": "x" + strings.Repeat("\f", 10<<20),
			"long.txt":  strings.Repeat("a", 10*service.MaxTextPageBytes+1),
		} {
			_, err := svc.AddDocument(ctx, a, writeText(t, name, text))
			require.Error(t, err, name)
			assert.Equal(t, domain.Invalid, domain.ErrorCode(err))
			assert.Equal(t, name+" has more than 10 pages (text is paged at form feeds and every 64 KB at most); raise limits.pages in the config",
				domain.ErrorMessage(err))
		}
		docs, err := svc.Documents(ctx, a)
		require.NoError(t, err)
		assert.Empty(t, docs)
	})
}
