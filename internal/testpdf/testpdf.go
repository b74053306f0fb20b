// Package testpdf locates the PDFs that tests and benchmarks read: the
// repository's own (testdata/pdf, each listed in its MANIFEST.tsv) and,
// when OPUS_CORPUS names it, the whole corpus — an opt-in extra, since a
// clone of the repository does not have it.
package testpdf

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// SkipCorpus is what a whole-corpus test says when OPUS_CORPUS is unset.
const SkipCorpus = "set OPUS_CORPUS=../shared/corpus/pdf to run the whole-corpus test"

// root is the repository's root, found from this file's place in it, so
// that any package's tests resolve the same paths.
var root = func() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}()

// Dir is the repository's own test PDFs.
func Dir() string { return filepath.Join(root, "testdata", "pdf") }

// Path is a file of Dir.
func Path(name string) string { return filepath.Join(Dir(), name) }

// Corpus is the directory OPUS_CORPUS names (absolute, or relative to the
// repository's root), if it is set.
func Corpus() (string, bool) {
	dir := os.Getenv("OPUS_CORPUS")
	if dir == "" {
		return "", false
	}
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(root, dir)
	}
	return dir, true
}

// CorpusDir is Corpus for a test that needs it: skipped, saying how to run
// it, when OPUS_CORPUS is unset.
func CorpusDir(tb testing.TB) string {
	tb.Helper()
	dir, ok := Corpus()
	if !ok {
		tb.Skip(SkipCorpus)
	}
	return dir
}
