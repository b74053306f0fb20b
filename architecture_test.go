package opus_test

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestOneDoor keeps data flowing one way: the adapters (CLI, HTTP API) and
// the evaluation reach the store and the job engine only through the
// service. It reads the imports of every non-test Go file.
func TestOneDoor(t *testing.T) {
	const mod = "github.com/opusblocks/opus/"
	// Who may import each guarded package (by directory), besides itself.
	allowed := map[string][]string{
		"internal/store": {"internal/service", "internal/jobs", "internal/store/storetest"},
		"internal/jobs":  {"internal/service"},
	}
	checked := 0
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") && path != "." {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		dir := filepath.ToSlash(filepath.Dir(path))
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			target, ok := strings.CutPrefix(p, mod)
			if !ok {
				continue
			}
			who, guarded := allowed[target]
			if !guarded || dir == target {
				continue
			}
			checked++
			ok = false
			for _, w := range who {
				ok = ok || dir == w
			}
			if !ok {
				t.Errorf("%s imports %s: only %v may (data flows CLI/HTTP -> service -> store/jobs)", path, target, who)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked == 0 {
		t.Fatal("no import of the guarded packages was seen; the walk is broken")
	}
}
