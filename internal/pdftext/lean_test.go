package pdftext

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"
)

var update = flag.Bool("update", false, "rewrite lean.txt from the functions that reading the test PDFs calls")

// TestLeanList: lean.txt is for the PDFium that go-pdfium ships; if not,
// first runs read with the whole PDFium (the same text, ~0.4 s later).
// -update rewrites it from the functions that reading the test PDFs calls,
// and the whole corpus's too with OPUS_CORPUS (a wider list: fewer
// documents need the whole PDFium).
func TestLeanList(t *testing.T) {
	require.NotEmpty(t, pdfiumWASM, "go-pdfium moved its PDFium: fix pdfiumWASM's go:linkname in lean.go")
	if *update {
		writeLeanList(t)
		return
	}
	_, err := parseKeep(keepList, pdfiumSum())
	require.NoError(t, err, "go-pdfium's PDFium changed: run go test ./internal/pdftext -run TestLeanList -update (OPUS_CORPUS=../shared/corpus/pdf for a wider list)")
	require.NotNil(t, leanPDFium())
}

func writeLeanList(t *testing.T) {
	imports := pdfiumImports(t)
	var mu sync.Mutex
	called := map[int]bool{}
	listeners := experimental.FunctionListenerFactoryFunc(func(def api.FunctionDefinition) experimental.FunctionListener {
		i := int(def.Index() - imports)
		var seen atomic.Bool
		return experimental.FunctionListenerFunc(func(context.Context, api.Module, api.FunctionDefinition, []uint64, experimental.StackIterator) {
			if !seen.Swap(true) {
				mu.Lock()
				called[i] = true
				mu.Unlock()
			}
		})
	})
	// Compiled: interpreted, the corpus would take many minutes.
	ctx := experimental.WithCompilationWorkers(experimental.WithFunctionListenerFactory(context.Background(), listeners), 4)
	g, err := newEngine(ctx, wazero.NewRuntimeConfigCompiler(), 2, nil)
	require.NoError(t, err)
	g.interpreted = true // read the pages as the interpreter does (visibleText's boxesFirst)
	e, err := New(t.Context(), Options{})
	require.NoError(t, err)
	defer e.Close()
	e.fast = g

	files := append(pdfsIn(t, testPDFs), pdfsIn(t, "testdata")...)
	if dir, ok := corpusPath(); ok {
		files = append(files, pdfsIn(t, dir)...)
	}
	for _, f := range files {
		_, err := e.Extract(t.Context(), readPDF(t, filepath.Dir(f), filepath.Base(f)))
		t.Logf("%s: %v", filepath.Base(f), err) // failures read too: their paths count
	}

	var idx []int
	for i := range called {
		idx = append(idx, i)
	}
	slices.Sort(idx)
	var b strings.Builder
	fmt.Fprintf(&b, "# The functions of PDFium that the interpreter keeps while the compile cache\n")
	fmt.Fprintf(&b, "# is cold (lean.go), by index in the code section: those called reading\n")
	cmd := "go test ./internal/pdftext -run TestLeanList -update"
	if dir := os.Getenv("OPUS_CORPUS"); dir != "" {
		cmd = "OPUS_CORPUS=" + dir + " " + cmd
	}
	fmt.Fprintf(&b, "# %d test PDFs. Written by\n#   %s\n", len(files), cmd)
	fmt.Fprintf(&b, "sha256 %s\n", pdfiumSum())
	line := 0
	for k := 0; k < len(idx); {
		j := k
		for j+1 < len(idx) && idx[j+1] == idx[j]+1 {
			j++
		}
		f := fmt.Sprint(idx[k])
		if j > k {
			f += fmt.Sprintf("-%d", idx[j])
		}
		if line > 0 && line+1+len(f) > 100 {
			b.WriteString("\n")
			line = 0
		}
		if line > 0 {
			b.WriteString(" ")
			line++
		}
		b.WriteString(f)
		line += len(f)
		k = j + 1
	}
	b.WriteString("\n")
	require.NoError(t, os.WriteFile("lean.txt", []byte(b.String()), 0o644))
	t.Logf("lean.txt: %d of PDFium's functions, from %d PDFs", len(idx), len(files))
}

// pdfiumImports is the number of functions PDFium imports: code-section
// indices start after them.
func pdfiumImports(t *testing.T) uint32 {
	m := pdfiumModule(t)
	return uint32(len(m.ImportedFunctions()))
}

func pdfiumModule(t *testing.T) wazero.CompiledModule {
	t.Helper()
	ctx := context.Background()
	rt := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfigInterpreter().
		WithCoreFeatures(api.CoreFeaturesV2|experimental.CoreFeaturesExceptionHandling))
	t.Cleanup(func() { _ = rt.Close(ctx) })
	m, err := rt.CompileModule(ctx, pdfiumWASM)
	require.NoError(t, err)
	return m
}

// firstRun is an Extractor as on a first run, with the interpreter's
// PDFium lean: no compile cache, and no background compile.
func firstRun(t *testing.T, lean *leanModule) *Extractor {
	e, err := New(t.Context(), Options{CacheDir: t.TempDir()})
	require.NoError(t, err)
	t.Cleanup(func() { e.Close() })
	e.spawned = true
	e.lean = func() *leanModule { return lean }
	return e
}

// TestLeanMiss: a document that needs a function the lean PDFium lacks is
// read with the whole PDFium, from the first page that entered a trap.
func TestLeanMiss(t *testing.T) {
	if testing.Short() {
		t.Skip("the interpreter takes ~0.5 s of CPU a page")
	}
	keep, err := parseKeep(keepList, pdfiumSum())
	require.NoError(t, err)
	m := pdfiumModule(t)
	imports := uint32(len(m.ImportedFunctions()))
	without := func(export string) *leanModule {
		f := m.ExportedFunctions()[export]
		require.NotNil(t, f, export)
		k := map[int]bool{}
		for i := range keep {
			k[i] = i != int(f.Index()-imports)
		}
		lean, err := stripWASM(pdfiumWASM, k)
		require.NoError(t, err)
		return lean
	}

	for _, c := range []struct {
		name, pdf string
		lean      *leanModule
	}{
		// Page 2's form fails; page 1 has none.
		{"on page 2", "stamped.pdf", without("FPDFFormObj_CountObjects")},
		// visible.go takes this error for "no fill colour": the white text
		// would be kept.
		{"error taken for an answer", "hidden.pdf", without("FPDFPageObj_GetFillColor")},
		// Opening the document fails.
		{"before the pages", "stamped.pdf", without("FPDF_LoadMemDocument")},
		// Nothing kept: making an instance fails.
		{"no instance", "mixed.pdf", must(stripWASM(pdfiumWASM, nil))},
	} {
		t.Run(c.name, func(t *testing.T) {
			pdf := readPDF(t, "testdata", c.pdf)
			want, err := shared.Extract(t.Context(), pdf)
			require.NoError(t, err)
			e := firstRun(t, c.lean)
			got, err := e.Extract(t.Context(), pdf)
			require.NoError(t, err)
			sameResult(t, c.pdf, want, nil, got, nil)
			assert.Equal(t, int64(1), e.leanMisses.Load())
			// Later documents get the whole PDFium at once.
			got, err = e.Extract(t.Context(), pdf)
			require.NoError(t, err)
			sameResult(t, c.pdf, want, nil, got, nil)
			assert.Equal(t, int64(1), e.leanMisses.Load())
		})
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
