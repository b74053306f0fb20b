// Package eval runs golden suites (evaluation-plan.md) against a provider in
// a throw-away database and measures what the grounded-generation contract
// promises: no false support, no invariant violations, and how much true
// support, generation and extraction the provider achieves.
package eval

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Suite is one golden suite file.
type Suite struct {
	Name      string         `yaml:"name"`
	Documents []Document     `yaml:"documents"`
	Facts     []Fact         `yaml:"facts"`
	Verify    []VerifyItem   `yaml:"verify"`
	Generate  []GenerateItem `yaml:"generate"`
	Extract   []Probe        `yaml:"extract"`

	// Path is the file the suite came from.
	Path string `yaml:"-"`
	// Split is the split the suite belongs to: the name of the directory
	// it is in when that is dev or test (SplitOf), else "".
	Split string `yaml:"-"`
}

// The splits of a golden set (golden/README.md): suites in a directory
// named dev are the ones rules may be tuned on; those in one named test
// are held out, and the CI gate judges them.
const (
	Dev  = "dev"
	Test = "test"
)

// Splits lists the splits in the order reports show them.
var Splits = []string{Dev, Test}

// SplitOf returns the split of the suite file at path: the name of the
// directory it is in when that is dev or test, else "" (a suite outside
// any split, which counts only towards the whole run's figures).
func SplitOf(path string) string {
	if abs, err := filepath.Abs(path); err == nil {
		path = abs // "x.yaml" run from golden/test is in test
	}
	switch dir := filepath.Base(filepath.Dir(path)); dir {
	case Dev, Test:
		return dir
	}
	return ""
}

// Document is an inline document (pages) or a PDF relative to the suite.
type Document struct {
	ID    string   `yaml:"id"`
	Title string   `yaml:"title"`
	Pages []string `yaml:"pages"`
	PDF   string   `yaml:"pdf"`
}

// Fact is a suite fact: extracted (doc, page, quote) or manual (source).
type Fact struct {
	ID     string `yaml:"id"`
	Doc    string `yaml:"doc"`
	Page   int    `yaml:"page"`
	Text   string `yaml:"text"`
	Quote  string `yaml:"quote"`
	Source string `yaml:"source"`
	Kind   string `yaml:"kind"`
}

// VerifyItem is one sentence, its links and the truth.
type VerifyItem struct {
	ID       string   `yaml:"id"`
	Sentence string   `yaml:"sentence"`
	Facts    []string `yaml:"facts"`
	Label    string   `yaml:"label"`
	Category string   `yaml:"category"`
}

// GenerateItem is a spec run end to end.
type GenerateItem struct {
	ID   string         `yaml:"id"`
	Spec map[string]any `yaml:"spec"`
}

// Probe lists strings a good librarian should capture from a document.
type Probe struct {
	Doc    string   `yaml:"doc"`
	Expect []string `yaml:"expect"`
}

// Categories of verify items (evaluation-plan.md).
var (
	UnsupportedCategories = []string{"number_changed", "unit_changed", "negation", "hedge_dropped", "causal_overreach",
		"scope_overreach", "comparative_reversed", "entity_swapped", "fabricated_detail", "partial_support", "no_link", "temporal_shift"}
	SupportedCategories = []string{"verbatim", "paraphrase", "aggregation", "unit_conversion"}
)

// SuiteError is a broken suite: the suite is wrong, not the system under
// test. It names the file and the item.
type SuiteError struct {
	Path, Item, Problem string
}

func (e *SuiteError) Error() string {
	if e.Item == "" {
		return fmt.Sprintf("suite %s: %s", e.Path, e.Problem)
	}
	return fmt.Sprintf("suite %s, item %s: %s", e.Path, e.Item, e.Problem)
}

// Load reads suites from files and directories: every *.yaml / *.yml in a
// directory and its subdirectories (golden/dev, golden/test), in path
// order; a file named twice is read once. Each suite's split is SplitOf
// its path.
func Load(paths []string) ([]*Suite, error) {
	var files []string
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return nil, &SuiteError{Path: p, Problem: "no such file or directory"}
		}
		if !st.IsDir() {
			files = append(files, p)
			continue
		}
		err = filepath.WalkDir(p, func(path string, e fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if ext := filepath.Ext(e.Name()); !e.IsDir() && (ext == ".yaml" || ext == ".yml") {
				files = append(files, path)
			}
			return nil
		})
		if err != nil {
			return nil, &SuiteError{Path: p, Problem: err.Error()}
		}
	}
	sort.Strings(files)
	files = slices.Compact(files)
	if len(files) == 0 {
		return nil, &SuiteError{Path: strings.Join(paths, ", "), Problem: "no *.yaml suites found"}
	}
	var out []*Suite
	for _, f := range files {
		s, err := parse(f)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

func parse(path string) (*Suite, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &SuiteError{Path: path, Problem: err.Error()}
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true) // a misspelt field must not be silently ignored
	var s Suite
	if err := dec.Decode(&s); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, &SuiteError{Path: path, Problem: "empty suite"}
		}
		return nil, &SuiteError{Path: path, Problem: strings.ReplaceAll(err.Error(), "\n", "; ")}
	}
	s.Path = path
	s.Split = SplitOf(path)
	if s.Name == "" {
		s.Name = strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	}
	return &s, s.check()
}

// check validates a suite's structure; quotes are checked when it is loaded
// into a database (they need the page texts).
func (s *Suite) check() error {
	bad := func(item, format string, args ...any) error {
		return &SuiteError{Path: s.Path, Item: item, Problem: fmt.Sprintf(format, args...)}
	}
	docs := map[string]bool{}
	for _, d := range s.Documents {
		switch {
		case d.ID == "":
			return bad("", "a document has no id")
		case docs[d.ID]:
			return bad(d.ID, "duplicate document id")
		case (len(d.Pages) == 0) == (d.PDF == ""):
			return bad(d.ID, "a document needs exactly one of pages or pdf")
		}
		docs[d.ID] = true
	}
	facts := map[string]bool{}
	for _, f := range s.Facts {
		switch {
		case f.ID == "":
			return bad("", "a fact has no id")
		case facts[f.ID]:
			return bad(f.ID, "duplicate fact id")
		case strings.TrimSpace(f.Text) == "":
			return bad(f.ID, "fact has no text")
		case f.Doc != "" && !docs[f.Doc]:
			return bad(f.ID, "unknown document %s", f.Doc)
		case f.Doc != "" && (f.Page < 1 || f.Quote == ""):
			return bad(f.ID, "an extracted fact needs page (>= 1) and quote")
		case f.Doc == "" && f.Source == "":
			return bad(f.ID, "a fact needs doc, page and quote, or a source")
		}
		facts[f.ID] = true
	}
	ids := map[string]bool{}
	for _, v := range s.Verify {
		if v.ID == "" || ids[v.ID] {
			return bad(v.ID, "verify items need unique ids")
		}
		ids[v.ID] = true
		if strings.TrimSpace(v.Sentence) == "" {
			return bad(v.ID, "empty sentence")
		}
		for _, f := range v.Facts {
			if !facts[f] {
				return bad(v.ID, "unknown fact id %s", f)
			}
		}
		switch v.Label {
		case "supported":
			if !slices.Contains(SupportedCategories, v.Category) {
				return bad(v.ID, "unknown category %q for a supported item (use %s)", v.Category, strings.Join(SupportedCategories, ", "))
			}
		case "unsupported":
			if !slices.Contains(UnsupportedCategories, v.Category) {
				return bad(v.ID, "unknown category %q for an unsupported item (use %s)", v.Category, strings.Join(UnsupportedCategories, ", "))
			}
		default:
			return bad(v.ID, "label must be supported or unsupported (got %q)", v.Label)
		}
	}
	for _, g := range s.Generate {
		if g.ID == "" || ids[g.ID] {
			return bad(g.ID, "generate items need unique ids")
		}
		ids[g.ID] = true
		if g.Spec == nil {
			return bad(g.ID, "generate item has no spec")
		}
		for _, key := range []string{"facts", "must_use"} {
			list, _ := g.Spec[key].([]any)
			for _, h := range list {
				if hs, _ := h.(string); !facts[hs] {
					return bad(g.ID, "spec %s names unknown fact id %v", key, h)
				}
			}
		}
	}
	for i, p := range s.Extract {
		if !docs[p.Doc] {
			return bad(fmt.Sprintf("extract[%d]", i), "unknown document %s", p.Doc)
		}
		if len(p.Expect) == 0 {
			return bad(fmt.Sprintf("extract[%d]", i), "expect lists nothing")
		}
	}
	return nil
}
