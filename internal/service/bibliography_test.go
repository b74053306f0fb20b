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

// Real papers carry their metadata in different places: the information
// dictionary, XMP, or only printed on the first page. What is there is read.
func TestMetadataReadFromTestPDFs(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		svc, a := newService(t, db)
		ctx := context.Background()
		for _, tc := range []struct {
			file, doi, title string
		}{
			// Title from the information dictionary, DOI from the first page.
			{"sciparse_e4faf2c1.pdf", "10.1371/journal.pone.0197919", "Comparative physiological and metabolomics analysis of wheat (Triticum aestivum L.) following post-anthesis heat stress"},
			// Titles read off the first page: neither PDF's metadata has one.
			{"cermine_test2.pdf", "10.1155/2010/157939", "Patient Experiences of Structured Heart Failure Programmes"},
			{"cermine_example3.pdf", "10.1042/CS20130403", "Fragment-based design for the development of N-domain-selective angiotensin-1-converting enzyme inhibitors"},
		} {
			res, err := svc.AddDocument(ctx, a, testPDFs+tc.file)
			require.NoError(t, err, tc.file)
			d := res.Document
			assert.True(t, strings.EqualFold(tc.doi, d.Bib.DOI), "%s: DOI %q, want %q", tc.file, d.Bib.DOI, tc.doi)
			assert.Equal(t, tc.title, d.Title, tc.file)
			assert.Equal(t, tc.title, d.Bib.Title, tc.file)
			assert.NotEmpty(t, d.Bib.Key, "%s: every document gets a citation key", tc.file)
			stored, err := svc.Document(ctx, a, d.Handle)
			require.NoError(t, err)
			assert.Equal(t, d.Bib, stored.Bib, "%s: the metadata read is the metadata stored", tc.file)
		}
	})
}

const libraryBib = `@article{smith2020trial,
  author  = {Smith, Jane and M{\"u}ller, Karl},
  title   = {A {Randomised} Trial of Drug A},
  journal = {Journal of Trials},
  year    = {2020},
  doi     = {10.1234/jot.2020.1},
  file    = {Full Text PDF:files/Smith 2020 - Trial.pdf:application/pdf}
}
@article{lee2019notes,
  author = {Lee, Ann},
  title  = {Notes on Nothing},
  year   = {2019},
  file   = {files/missing.pdf}
}
@book{nofile2018,
  author = {Nobody, Ned},
  title  = {A Book Without a File},
  year   = {2018}
}
`

// doc import adds each entry's linked file with the entry's metadata,
// reports the entry whose file is missing, skips the one with no file, and
// a second import updates instead of duplicating.
func TestImportBibTeXLibrary(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		svc, a := newService(t, db)
		ctx := context.Background()
		dir := t.TempDir()
		require.NoError(t, os.MkdirAll(filepath.Join(dir, "files"), 0o755))
		pdf, err := os.ReadFile(testPDFs + "cermine_test2.pdf")
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, "files", "Smith 2020 - Trial.pdf"), pdf, 0o600))
		lib := filepath.Join(dir, "library.bib")
		require.NoError(t, os.WriteFile(lib, []byte(libraryBib), 0o600))

		bib, err := svc.ReadBib(lib)
		require.NoError(t, err)
		out, err := svc.ImportBib(ctx, a, bib, nil)
		require.NoError(t, err)
		require.Len(t, out, 3)
		assert.Equal(t, service.ImportAdded, out[0].Outcome)
		assert.Equal(t, service.ImportFailed, out[1].Outcome)
		assert.Contains(t, out[1].Reason, "missing.pdf")
		assert.Equal(t, service.ImportSkipped, out[2].Outcome)

		d := out[0].Document
		assert.Equal(t, "smith2020trial", d.Bib.Key)
		assert.Equal(t, "A Randomised Trial of Drug A", d.Title)
		assert.Equal(t, 2020, d.Bib.Year)
		require.Len(t, d.Bib.Authors, 2)
		assert.Equal(t, "Müller", d.Bib.Authors[1].Family)
		assert.Equal(t, "10.1234/jot.2020.1", d.Bib.DOI, "the library's record wins over what the PDF says")

		again, err := svc.ImportBib(ctx, a, bib, nil)
		require.NoError(t, err)
		assert.Equal(t, service.ImportUpdated, again[0].Outcome)
		assert.Equal(t, d.Handle, again[0].Document.Handle)
		docs, err := svc.Documents(ctx, a)
		require.NoError(t, err)
		assert.Len(t, docs, 1, "nothing added twice, nothing added for the failed entry")
	})
}

// doc add --bib picks the entry by key, else the only one; a key that is
// not in the file is an error and stores nothing.
func TestAddWithBibEntry(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		svc, a := newService(t, db)
		ctx := context.Background()
		lib := writeText(t, "refs.bib", libraryBib)
		bib, err := svc.ReadBib(lib)
		require.NoError(t, err)

		path := writeText(t, "paper.txt", trialText)
		bib.Key = "nosuchkey"
		_, err = svc.AddDocumentWithBib(ctx, a, path, bib)
		assert.Equal(t, domain.NotFound, domain.ErrorCode(err))
		docs, err := svc.Documents(ctx, a)
		require.NoError(t, err)
		assert.Empty(t, docs, "a refused add stores nothing")

		bib.Key = ""
		_, err = svc.AddDocumentWithBib(ctx, a, path, bib)
		assert.Equal(t, domain.Invalid, domain.ErrorCode(err), "three entries, none plainly the file's: refused, not guessed")
		assert.Contains(t, domain.ErrorMessage(err), "--key")

		bib.Key = "lee2019notes"
		res, err := svc.AddDocumentWithBib(ctx, a, path, bib)
		require.NoError(t, err)
		assert.Equal(t, "lee2019notes", res.Document.Bib.Key)
		assert.Equal(t, "Notes on Nothing", res.Document.Title)
	})
}

// doc edit changes only what it is given, keeps keys unique and usable in
// LaTeX and Pandoc, and checks DOIs and years.
func TestEditDocumentMetadata(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		svc, a := newService(t, db)
		ctx := context.Background()
		r1, err := svc.AddDocument(ctx, a, writeText(t, "one.txt", trialText))
		require.NoError(t, err)
		r2, err := svc.AddDocument(ctx, a, writeText(t, "two.txt", trialText+"\fAnother page.\n"))
		require.NoError(t, err)
		assert.NotEqual(t, r1.Document.Bib.Key, r2.Document.Bib.Key, "generated keys are unique")

		str := func(s string) *string { return &s }
		year := 2021
		d, err := svc.EditDocument(ctx, a, "D1", service.DocEdit{Title: str("Drug A and LDL"), Authors: str("Smith, Jane; Karl Müller"), Year: &year,
			DOI: str("https://doi.org/10.5555/ABC.123"), Key: str("smith2021")})
		require.NoError(t, err)
		assert.Equal(t, "Drug A and LDL", d.Title)
		assert.Equal(t, "10.5555/ABC.123", d.Bib.DOI)
		require.Len(t, d.Bib.Authors, 2)
		assert.Equal(t, "Smith", d.Bib.Authors[0].Family)
		assert.Equal(t, "Müller", d.Bib.Authors[1].Family)

		d, err = svc.EditDocument(ctx, a, "D1", service.DocEdit{Venue: str("Journal of Trials")})
		require.NoError(t, err)
		assert.Equal(t, "Drug A and LDL", d.Title, "fields not given stay")
		assert.Equal(t, 2021, d.Bib.Year)

		_, err = svc.EditDocument(ctx, a, "D2", service.DocEdit{Key: str("smith2021")})
		assert.Equal(t, domain.Conflict, domain.ErrorCode(err), "a key is one document's")
		for _, bad := range []string{"has space", "brace{", "comma,key", ""} {
			_, err = svc.EditDocument(ctx, a, "D2", service.DocEdit{Key: str(bad)})
			assert.Equal(t, domain.Invalid, domain.ErrorCode(err), "key %q", bad)
		}
		_, err = svc.EditDocument(ctx, a, "D2", service.DocEdit{DOI: str("not a doi")})
		assert.Equal(t, domain.Invalid, domain.ErrorCode(err))
		bad := 12
		_, err = svc.EditDocument(ctx, a, "D2", service.DocEdit{Year: &bad})
		assert.Equal(t, domain.Invalid, domain.ErrorCode(err))
		d2, err := svc.Document(ctx, a, "D2")
		require.NoError(t, err)
		assert.Equal(t, r2.Document.Bib, d2.Bib, "refused edits change nothing")

		_, err = svc.EditDocument(ctx, a, "D1", service.DocEdit{Title: str("")})
		require.NoError(t, err)
		d1, err := svc.Document(ctx, a, "D1")
		require.NoError(t, err)
		assert.Equal(t, "one", d1.Title, "with no metadata title, the file's name is the title")
	})
}
