package pdftext

import (
	"bufio"
	"context"
	"crypto/sha256"
	_ "embed"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	_ "unsafe" // go:linkname

	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"
)

// The interpreter compiles all ~6,300 functions of PDFium before it runs
// one: ~0.45 s of CPU on one core, a fifth of a first run. Reading text
// calls ~1,300 of them, a sixth of the code. So while the compile cache is
// cold the interpreter gets a lean PDFium: the functions that reading the
// test PDFs called (lean.txt), the others' bodies a trap. Until a trap is
// entered it runs the same code as the whole PDFium, so gives the same
// text; once a document enters one (an unusual font, filter or
// encryption), its pages not done by then are read with the whole PDFium
// (see Extractor.read).

// pdfiumWASM is go-pdfium's PDFium, which its internal package holds. Empty
// if go-pdfium moved it: then there is no lean PDFium.
//
//go:linkname pdfiumWASM github.com/klippa-app/go-pdfium/internal/pdfium_wasm.Module
var pdfiumWASM []byte

// keepList is lean.txt: the sha256 of the PDFium it is for, then the
// functions kept, by index in the code section ("a-b" a range).
// TestLeanList checks it; -update writes it.
//
//go:embed lean.txt
var keepList string

// leanModule is a lean PDFium.
type leanModule struct {
	wasm    []byte
	keep    map[int]bool // functions kept, by code-section index
	imports uint32       // functions imported: code-section index i is function imports+i
}

// leanPDFium is the lean PDFium, or nil if lean.txt is for another.
var leanPDFium = sync.OnceValue(func() *leanModule {
	keep, err := parseKeep(keepList, pdfiumSum())
	if err != nil {
		return nil
	}
	m, err := stripWASM(pdfiumWASM, keep)
	if err != nil {
		return nil
	}
	return m
})

// listen makes the lean PDFium's traps set missed when entered, before
// they trap: go-pdfium's error may be taken for PDFium's own answer (no
// fill colour, no box).
func (m *leanModule) listen(ctx context.Context, missed *atomic.Bool) context.Context {
	return experimental.WithFunctionListenerFactory(ctx, experimental.FunctionListenerFactoryFunc(
		func(def api.FunctionDefinition) experimental.FunctionListener {
			if m.keep[int(def.Index()-m.imports)] {
				return nil // costs nothing
			}
			return experimental.FunctionListenerFunc(func(context.Context, api.Module, api.FunctionDefinition, []uint64, experimental.StackIterator) {
				missed.Store(true)
			})
		}))
}

func pdfiumSum() string {
	sum := sha256.Sum256(pdfiumWASM)
	return hex.EncodeToString(sum[:])
}

// parseKeep reads a keep list for the PDFium whose sha256 is sum.
func parseKeep(list, sum string) (map[int]bool, error) {
	keep := map[int]bool{}
	matched := false
	sc := bufio.NewScanner(strings.NewReader(list))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if s, ok := strings.CutPrefix(line, "sha256 "); ok {
			matched = s == sum
			continue
		}
		for _, f := range strings.Fields(line) {
			lo, hi, isRange := strings.Cut(f, "-")
			if !isRange {
				hi = lo
			}
			a, err1 := strconv.Atoi(lo)
			b, err2 := strconv.Atoi(hi)
			if err1 != nil || err2 != nil || a > b {
				return nil, errors.New("pdftext: bad keep list entry " + f)
			}
			for i := a; i <= b; i++ {
				keep[i] = true
			}
		}
	}
	if !matched {
		return nil, errors.New("pdftext: the keep list is for another PDFium")
	}
	return keep, nil
}

// trapBody is a function body that traps: no locals, unreachable, end.
// Valid for any signature.
var trapBody = []byte{3, 0x00, 0x00, 0x0b}

var errModule = errors.New("pdftext: cannot read the PDFium module")

// stripWASM makes a lean module of the module wasm: the body of each
// function whose code-section index keep lacks becomes a trap.
func stripWASM(wasm []byte, keep map[int]bool) (*leanModule, error) {
	const importSection, codeSection = 2, 10
	if len(wasm) < 8 {
		return nil, errModule
	}
	m := &leanModule{keep: keep}
	out := append(make([]byte, 0, len(wasm)), wasm[:8]...) // magic, version
	for p := 8; p < len(wasm); {
		id := wasm[p]
		size, n := binary.Uvarint(wasm[p+1:])
		start := p + 1 + n
		if n <= 0 || size > uint64(len(wasm)-start) {
			return nil, errModule
		}
		end := start + int(size)
		switch id {
		case importSection:
			imports, err := countFuncImports(wasm[start:end])
			if err != nil {
				return nil, err
			}
			m.imports = imports
		case codeSection:
			code, err := stripCode(wasm[start:end], keep)
			if err != nil {
				return nil, err
			}
			out = append(out, id)
			out = binary.AppendUvarint(out, uint64(len(code)))
			out = append(out, code...)
			p = end
			continue
		}
		out = append(out, wasm[p:end]...)
		p = end
	}
	m.wasm = out
	return m, nil
}

// stripCode is stripWASM for the code section sec.
func stripCode(sec []byte, keep map[int]bool) ([]byte, error) {
	count, p := binary.Uvarint(sec)
	if p <= 0 {
		return nil, errModule
	}
	code := binary.AppendUvarint(make([]byte, 0, len(sec)), count)
	for i := range int(count) {
		size, n := binary.Uvarint(sec[p:])
		if n <= 0 || size > uint64(len(sec)-p-n) {
			return nil, errModule
		}
		next := p + n + int(size)
		if keep[i] {
			code = append(code, sec[p:next]...)
		} else {
			code = append(code, trapBody...)
		}
		p = next
	}
	if p != len(sec) {
		return nil, errModule
	}
	return code, nil
}

// countFuncImports counts the functions of the import section sec.
func countFuncImports(sec []byte) (uint32, error) {
	p := 0
	next := func() uint64 { // a LEB128 number; p = -1 past the end
		if p < 0 || p >= len(sec) {
			p = -1
			return 0
		}
		v, n := binary.Uvarint(sec[p:])
		if n <= 0 {
			p = -1
			return 0
		}
		p += n
		return v
	}
	skip := func(k uint64) {
		if p >= 0 && k <= uint64(len(sec)-p) {
			p += int(k)
		} else {
			p = -1
		}
	}
	funcs := uint32(0)
	for range next() {
		skip(next()) // module name
		skip(next()) // field name
		kind := next()
		switch kind {
		case 0: // function: type index
			next()
			funcs++
		case 1, 2: // table (element type, limits), memory (limits)
			if kind == 1 {
				skip(1)
			}
			if flags := next(); flags&1 != 0 {
				next()
			}
			next()
		case 3: // global: type, mutability
			skip(2)
		case 4: // tag: attribute, type index
			skip(1)
			next()
		default:
			return 0, errModule
		}
		if p < 0 {
			return 0, errModule
		}
	}
	if p != len(sec) {
		return 0, errModule
	}
	return funcs, nil
}
