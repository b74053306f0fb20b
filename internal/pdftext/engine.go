package pdftext

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/klippa-app/go-pdfium"
	"github.com/klippa-app/go-pdfium/webassembly"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"
)

// Starting PDFium. Compiling its 5.8 MB of wasm to machine code takes ~4.5 s
// of CPU and ~430 MB (~2.3 s on 2 idle cores: the compiler's workers run in
// parallel); with wazero's compilation cache in Options.CacheDir a later
// start takes ~0.1 s. While the cache is cold, a small PDF is read with
// wazero's interpreter instead (~0.1 s to start with the lean PDFium of
// lean.go, then ~0.5 s of CPU a page: 40x slower than compiled code, same
// text), and a detached copy of the program fills the cache afterwards.
// Not in this process: exiting throws away a compile half done (wazero
// writes the cache entry at its end), and on 2 cores a compile alongside
// halves the interpreter's speed.

// maxInterpretedPages is how many pages one Extractor reads interpreted
// while the cache is cold: beyond ~12 pages, compiling first is quicker.
const maxInterpretedPages = 12

// Files in Options.CacheDir beside wazero's own directory.
const (
	readyFile   = "pdfium.ready"     // holds engineID once the cache holds PDFium
	compileLock = "pdfium.compiling" // a background compile is running
	// compileLock is touched every lockTouch while its compile runs; older
	// than lockStale, its process died.
	lockTouch = time.Second
	lockStale = 15 * time.Second
)

// precompileEnv, set to a cache dir, makes a process that links this
// package fill that cache and exit, before its main runs: the detached
// compile is a copy of the running program (os.Executable), so it works in
// any binary without a command of its own.
const precompileEnv = "OPUS_PDFTEXT_PRECOMPILE"

// Progress messages (Options.Progress).
const (
	msgPreparing        = "preparing the PDF engine (first run only)"
	msgCompiling        = "compiling the PDF engine (first run only, a few seconds)"
	msgCompilingNoCache = "compiling the PDF engine (a few seconds)"
)

func init() {
	if dir := os.Getenv(precompileEnv); dir != "" {
		os.Exit(precompile(dir))
	}
}

// engine is a pool of PDFium instances and a token for each instance not
// in use, so that a call can take a second instance only if it is free.
type engine struct {
	pool        pdfium.Pool
	slots       chan struct{}
	interpreted bool        // wazero's interpreter
	lean        bool        // the lean PDFium (lean.go)
	missed      atomic.Bool // lean: a trap was entered; pages read since may differ

	// Guarded by Extractor.poolMu: an interpreter engine is closed once the
	// compiled one has replaced it and its last user is done.
	users   int
	retired bool
}

// newEngine starts a pool of n instances of PDFium, the lean one if lean
// is set.
func newEngine(ctx context.Context, rc wazero.RuntimeConfig, n int, lean *leanModule) (*engine, error) {
	g := &engine{slots: make(chan struct{}, n), lean: lean != nil}
	var wasm []byte // nil: go-pdfium's own
	if lean != nil {
		wasm = lean.wasm
		ctx = lean.listen(ctx, &g.missed)
	}
	p, err := webassembly.Init(webassembly.Config{
		Context:  ctx,                  // outlives any one call
		MaxTotal: n,                    // MinIdle 0: instances are made on demand
		FSConfig: wazero.NewFSConfig(), // empty: PDFium must not see the host
		WASM:     wasm,
		RuntimeConfig: rc.
			// The bundled PDFium lowers setjmp/longjmp to wasm exceptions.
			WithCoreFeatures(api.CoreFeaturesV2 | experimental.CoreFeaturesExceptionHandling),
		// WithCloseOnContextDone is left off on purpose: it made extraction
		// 2.5x slower; cancellation is checked between pages instead.

		// PDFium must never write into opus's output (--json is a contract).
		Stdout: io.Discard,
		Stderr: io.Discard,
		// ReuseWorkers stays false: a fresh instance per document costs ~6%
		// of extraction time and frees the memory a big PDF grew, and
		// whatever state a failed call left behind.
	})
	if err != nil {
		return nil, fmt.Errorf("pdftext: start PDFium: %w", err)
	}
	g.pool = p
	for range n {
		g.slots <- struct{}{}
	}
	return g, nil
}

// take waits for a free instance's token; make the instance with instance.
func (g *engine) take(ctx context.Context) error {
	select {
	case <-g.slots:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// reserve takes a free instance's token, if there is one; make the
// instance with instance.
func (g *engine) reserve() bool {
	select {
	case <-g.slots:
		return true
	default:
		return false
	}
}

// instance makes an instance for a token taken; it gives the token back if
// it fails.
func (g *engine) instance(ctx context.Context) (pdfium.Pdfium, error) {
	inst, err := g.pool.GetInstanceWithContext(ctx)
	if err != nil {
		g.slots <- struct{}{}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("pdftext: get PDFium instance: %w", err)
	}
	return inst, nil
}

func (g *engine) put(inst pdfium.Pdfium) {
	inst.Close()
	g.slots <- struct{}{}
}

// acquire returns the engine for the next document, and whether it is the
// interpreter. Release it with release.
func (e *Extractor) acquire(ctx context.Context) (*engine, bool, error) {
	e.poolMu.Lock()
	defer e.poolMu.Unlock()
	if e.fast == nil && (e.cache == nil || e.warm() || e.interpreted >= maxInterpretedPages) {
		if _, err := e.startCompiled(ctx); err != nil {
			return nil, false, err
		}
	}
	return e.use()
}

// use returns the compiled engine if started, else the interpreter, and
// whether it is the interpreter; e.poolMu must be held.
func (e *Extractor) use() (*engine, bool, error) {
	if e.fast != nil {
		e.fast.users++
		return e.fast, false, nil
	}
	if e.slow == nil {
		e.say(msgPreparing)
		var lean *leanModule
		if e.lean != nil {
			lean = e.lean()
		}
		g, err := newEngine(context.Background(), wazero.NewRuntimeConfigInterpreter(), e.poolSize(), lean)
		if err != nil {
			return nil, false, err
		}
		g.interpreted = true
		e.slow = g
	}
	e.slow.users++
	return e.slow, true, nil
}

func (e *Extractor) release(g *engine) {
	e.poolMu.Lock()
	defer e.poolMu.Unlock()
	g.users--
	e.closeRetired(g)
}

// leanMissed reports whether g is the lean PDFium and a trap was entered;
// if so it retires g, so that the document and later ones get the whole
// PDFium.
func (e *Extractor) leanMissed(g *engine) bool {
	if !g.missed.Load() {
		return false
	}
	e.poolMu.Lock()
	defer e.poolMu.Unlock()
	e.lean = nil
	e.leanMisses.Add(1)
	g.retired = true
	if e.slow == g {
		e.slow = nil
	}
	return true
}

// whole returns the engine to read on with after the lean PDFium failed a
// document: its pages are counted in e.interpreted already. Release it
// with release.
func (e *Extractor) whole() (*engine, error) {
	e.poolMu.Lock()
	defer e.poolMu.Unlock()
	g, _, err := e.use()
	return g, err
}

// interpret reports whether n more pages may be read interpreted, and
// counts them if so.
func (e *Extractor) interpret(n int) bool {
	e.poolMu.Lock()
	defer e.poolMu.Unlock()
	if e.interpreted+n > maxInterpretedPages {
		return false
	}
	e.interpreted += n
	return true
}

// compiled returns the compiled engine, waiting for a background compile
// that is under way or compiling here.
func (e *Extractor) compiled(ctx context.Context) (*engine, error) {
	e.poolMu.Lock()
	defer e.poolMu.Unlock()
	g, err := e.startCompiled(ctx)
	if err != nil {
		return nil, err
	}
	g.users++
	return g, nil
}

// startCompiled starts the compiled engine; e.poolMu must be held.
func (e *Extractor) startCompiled(ctx context.Context) (*engine, error) {
	if e.fast != nil {
		return e.fast, nil
	}
	rc := wazero.NewRuntimeConfigCompiler()
	if e.cache == nil {
		e.say(msgCompilingNoCache)
	} else {
		rc = rc.WithCompilationCache(e.cache)
		if !e.warm() && !e.background {
			e.say(msgCompiling)
			// Another process compiling is further on than a compile here.
			if err := e.waitForCompile(ctx); err != nil {
				return nil, err
			}
		}
	}
	if e.slow != nil {
		// Its ~150 MB had better be free while the compile takes ~430 MB.
		e.slow.retired = true
		e.closeRetired(e.slow)
	}
	// The compiler's workers run for the compile only; the context is the
	// pool's for good.
	g, err := newEngine(experimental.WithCompilationWorkers(context.Background(), runtime.GOMAXPROCS(0)), rc, e.poolSize(), nil)
	if err != nil {
		return nil, err
	}
	e.fast = g
	if e.cache != nil {
		// Best effort: without it the next run just takes the cold path.
		_ = writeReady(e.cacheDir)
	}
	return g, nil
}

// closeRetired closes an interpreter engine g once it is retired and
// nobody uses it; e.poolMu must be held.
func (e *Extractor) closeRetired(g *engine) {
	if g.retired && g.users == 0 {
		_ = g.pool.Close() // nothing uses it: its error changes nothing
		if e.slow == g {
			e.slow = nil
		}
	}
}

// waitForCompile waits while a background compile runs.
func (e *Extractor) waitForCompile(ctx context.Context) error {
	lock := filepath.Join(e.cacheDir, compileLock)
	for !e.warm() && lockHeld(lock) {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	return nil
}

// poolSize is the number of instances of an engine: one per core, as
// instances run in parallel, but at most 4, as each costs ~20-60 MB.
func (e *Extractor) poolSize() int {
	if e.poolInstances > 0 {
		return e.poolInstances
	}
	return min(runtime.GOMAXPROCS(0), 4)
}

func (e *Extractor) say(msg string) {
	if e.progress != nil && !e.said[msg] {
		e.said[msg] = true
		e.progress(msg)
	}
}

// warm reports whether the cache holds this build's PDFium.
func (e *Extractor) warm() bool {
	return slices.Contains(readyIDs(e.cacheDir), engineID())
}

// readyIDs are the builds whose PDFium dir's cache holds, one a line:
// binaries of other versions (or tests) may share the dir.
func readyIDs(dir string) []string {
	b, err := os.ReadFile(filepath.Join(dir, readyFile))
	if err != nil {
		return nil
	}
	return strings.Split(strings.TrimSpace(string(b)), "\n")
}

// compileInBackground starts a detached copy of this program that fills
// the cache, unless one runs already. Best effort: if it cannot start, the
// next large PDF compiles in the foreground.
func (e *Extractor) compileInBackground() {
	e.poolMu.Lock()
	defer e.poolMu.Unlock()
	if e.background || e.spawned || e.fast != nil || e.warm() {
		return
	}
	e.spawned = true
	lock := filepath.Join(e.cacheDir, compileLock)
	if !takeLock(lock) {
		return
	}
	exe, err := os.Executable()
	if err == nil {
		cmd := exec.Command(exe)
		cmd.Env = append(os.Environ(), precompileEnv+"="+e.cacheDir)
		// No stdin/stdout/stderr (os/exec gives it /dev/null): a caller
		// reading our output to EOF must not wait for the compile.
		cmd.SysProcAttr = detached()
		if err = cmd.Start(); err == nil {
			go func() { _ = cmd.Wait() }() // reap it if we outlive it
			return
		}
	}
	os.Remove(lock)
}

// precompile is the detached process: it compiles PDFium into dir's cache
// and returns the exit code.
func precompile(dir string) int {
	lock := filepath.Join(dir, compileLock)
	defer os.Remove(lock)
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		t := time.NewTicker(lockTouch)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case now := <-t.C:
				_ = os.Chtimes(lock, now, now) // a missed touch is made up in a second
			}
		}
	}()
	e, err := New(context.Background(), Options{CacheDir: dir})
	if err != nil {
		return 1
	}
	defer e.Close()
	e.background = true
	e.poolMu.Lock()
	_, err = e.startCompiled(context.Background())
	e.poolMu.Unlock()
	if err != nil {
		return 1
	}
	return 0
}

// takeLock creates lock, replacing a stale one.
func takeLock(lock string) bool {
	for range 2 {
		f, err := os.OpenFile(lock, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
		if err == nil {
			f.Close()
			return true
		}
		if !errors.Is(err, os.ErrExist) || lockHeld(lock) {
			return false
		}
		os.Remove(lock)
	}
	return false
}

// lockHeld reports whether lock exists and its process is alive.
func lockHeld(lock string) bool {
	st, err := os.Stat(lock)
	return err == nil && time.Since(st.ModTime()) < lockStale
}

// writeReady records that dir's cache holds this build's PDFium.
func writeReady(dir string) error {
	ids := readyIDs(dir)
	if slices.Contains(ids, engineID()) {
		return nil
	}
	ids = append(ids, engineID())
	ids = ids[max(0, len(ids)-8):] // builds long gone need no line
	tmp, err := os.CreateTemp(dir, readyFile+".*")
	if err != nil {
		return err
	}
	_, err = tmp.WriteString(strings.Join(ids, "\n") + "\n")
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), filepath.Join(dir, readyFile))
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return err
}

// engineID names what the cache holds: a new go-pdfium (new wasm) or wazero
// (new cache format) makes it cold again.
var engineID = sync.OnceValue(func() string {
	id := runtime.GOOS + "/" + runtime.GOARCH
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, m := range bi.Deps {
			if m.Path == "github.com/klippa-app/go-pdfium" || m.Path == "github.com/tetratelabs/wazero" {
				if m.Replace != nil {
					m = m.Replace
				}
				id += " " + m.Path + "@" + m.Version
			}
		}
	}
	return id
})
