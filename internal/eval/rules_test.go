package eval_test

import (
	"context"
	"fmt"
	"go/scanner"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"github.com/opusblocks/opus/internal/eval"
	"github.com/opusblocks/opus/internal/pdftext"
	"github.com/opusblocks/opus/internal/testpdf"
)

// The rules of the offline provider must generalise (issue 11): no rule,
// word list or comment of theirs may cite the text of a golden suite or of
// a paper of the corpus. These tests read the packages that hold those
// rules and look for such text in their comments and string literals
// (code identifiers cannot carry a phrase).
var ruleDirs = []string{"../llm/offline", "../guards", "../textnorm"}

// A phrase is a run of word tokens: lower-cased runs of letters and digits
// (a decimal such as 12.88 is one token), so punctuation, case and line
// breaks do not hide a copy ("The entire sort took 1283 s" is "the entire
// sort took 1283 s" across two comment lines).
var wordRE = regexp.MustCompile(`[\p{L}\p{N}]+(?:[.,]\p{N}+)*`)

// stopWords are English function words: a phrase made mostly of them
// ("as well as the") is common English, not a citation.
var stopWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`a an the of in on at to for and or but nor with without by from as into onto
		over under is are was were be been being am has have had do does did not no than then that this these
		those it its which who whom whose what when where why how all any each both either neither some such
		more most less least can could may might will would shall should must we our us they their them there
		here he she his her i you your also only so if up out about after before between per via s t one two`) {
		stopWords[w] = true
	}
}

// word is a token and where it stands in a rule source.
type word struct {
	w    string
	line int
}

func words(text string, line int) []word {
	var out []word
	for i, l := range strings.Split(strings.ToLower(text), "\n") {
		for _, m := range wordRE.FindAllString(l, -1) {
			out = append(out, word{m, line + i})
		}
	}
	return out
}

func isNumber(w string) bool { return w[0] >= '0' && w[0] <= '9' }

// isCode reports a token that mixes letters and digits, as identifiers of
// samples, genotypes, speakers or systems do ("ags2000", "r6", "cn2").
func isCode(w string) bool {
	letters, digits := false, false
	for _, r := range w {
		if r >= '0' && r <= '9' {
			digits = true
		} else if r != '.' && r != ',' {
			letters = true
		}
	}
	return letters && digits
}

// counts returns how many tokens of a phrase are content words (neither
// stop words nor numbers) and how many are numbers or codes.
func counts(p []string) (content, numbers int) {
	for _, w := range p {
		switch {
		case isNumber(w) || isCode(w):
			numbers++
		case !stopWords[w]:
			content++
		}
	}
	return content, numbers
}

// The kinds of phrase that count as a citation. Golden text is what the
// rules were tuned on and is short, so any four words of it with two
// content words, or a content word and a number, are specific enough
// ("during the reproductive phase", "10 and 14 days"). Whole papers are
// long and share stock phrases with any prose ("head of the phrase"), so
// a phrase of a paper needs three content words, or two and a number
// ("current and continued emissions", "Liu et al. 2014"). In both, three
// words around a code are enough ("Centre A, R6").
const gramLen = 4

func goldenPhrase(p []string) bool {
	c, n := counts(p)
	return c >= 2 || (c >= 1 && n >= 1)
}

func paperPhrase(p []string) bool {
	c, n := counts(p)
	return c >= 3 || (c >= 2 && n >= 1)
}

func codePhrase(p []string) bool {
	c, _ := counts(p)
	for _, w := range p {
		if isCode(w) && c >= 1 {
			return true
		}
	}
	return false
}

// longCode reports a code distinctive on its own: two letters or more and
// three digits or more ("ags2000", "pi612956"; not "utf8" or "x86").
func longCode(w string) bool {
	letters, digits := 0, 0
	for _, r := range w {
		if r >= '0' && r <= '9' {
			digits++
		} else if r != '.' && r != ',' {
			letters++
		}
	}
	return letters >= 2 && digits >= 3
}

// references is what rule sources must not cite: phrases of golden suites
// and of papers, and the names of suites and papers.
type references struct {
	phrases map[string]string // phrase → where it is from
	names   map[string]string // lower-cased name → where it is from
}

func newReferences() *references {
	return &references{phrases: map[string]string{}, names: map[string]string{}}
}

// addText records the phrases of text; golden says which kind it is.
func (r *references) addText(text, from string, golden bool) {
	toks := words(text, 1)
	for _, w := range toks {
		if longCode(w.w) {
			if _, seen := r.phrases[w.w]; !seen {
				r.phrases[w.w] = from
			}
		}
	}
	for n := 3; n <= gramLen; n++ {
		for i := 0; i+n <= len(toks); i++ {
			p := make([]string, n)
			for j := range p {
				p[j] = toks[i+j].w
			}
			ok := codePhrase(p)
			if n == gramLen {
				ok = ok || (golden && goldenPhrase(p)) || (!golden && paperPhrase(p))
			}
			if ok {
				if _, seen := r.phrases[strings.Join(p, " ")]; !seen {
					r.phrases[strings.Join(p, " ")] = from
				}
			}
		}
	}
}

// addName records a name that rule sources must not mention (a suite, a
// paper's file); names shorter than six letters are too common to tell.
func (r *references) addName(name, from string) {
	name = strings.ToLower(name)
	if len(name) >= 6 {
		r.names[name] = from
	}
}

// addSuiteFile records every string of a suite file (titles, page texts,
// facts, quotes, sentences) and its comments, which name the paper.
func (r *references) addSuiteFile(t *testing.T, path string) {
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	var root yaml.Node
	require.NoError(t, yaml.Unmarshal(data, &root), path)
	from := filepath.Base(path)
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		for _, c := range []string{n.HeadComment, n.LineComment, n.FootComment} {
			r.addText(c, from, true)
		}
		if n.Kind == yaml.ScalarNode {
			r.addText(n.Value, from, true)
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(&root)
	r.addName(strings.TrimSuffix(from, filepath.Ext(from)), from)
}

// goldenReferences reads every golden suite, the names of the papers they
// use, and the text of every paper at hand: the PDFs the suites read, and
// with OPUS_CORPUS the whole corpus.
func goldenReferences(t *testing.T) *references {
	t.Helper()
	r := newReferences()
	suites, err := eval.Load([]string{golden})
	require.NoError(t, err)
	require.NotEmpty(t, suites)
	pdfs := map[string]bool{}
	for _, s := range suites {
		r.addSuiteFile(t, s.Path)
		r.addName(s.Name, s.Path)
		for _, d := range s.Documents {
			if d.PDF != "" {
				pdfs[filepath.Join(filepath.Dir(s.Path), d.PDF)] = true
			}
		}
	}
	for _, paper := range excerpts {
		r.addName(strings.TrimSuffix(paper, ".pdf"), "excerpts")
	}
	if dir, ok := testpdf.Corpus(); ok {
		files, err := filepath.Glob(filepath.Join(dir, "*.pdf"))
		require.NoError(t, err)
		for _, f := range files {
			pdfs[f] = true
		}
	}
	ex, err := pdftext.New(context.Background(), pdftext.Options{CacheDir: filepath.Join(os.TempDir(), "opus-test-cache", "opus", "wazero")})
	require.NoError(t, err)
	defer ex.Close()
	for f := range pdfs {
		name := filepath.Base(f)
		r.addName(strings.TrimSuffix(name, ".pdf"), f)
		if strings.HasPrefix(name, "bad_") {
			continue // the corpus's broken files: nothing to cite
		}
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		pages, err := ex.Pages(context.Background(), data)
		if err != nil {
			t.Logf("%s: %v", name, err)
			continue
		}
		for _, p := range pages {
			r.addText(p, name, false)
		}
	}
	return r
}

// citation is a phrase or name of a reference found in a rule source.
type citation struct {
	file   string
	line   int
	phrase string
	from   string
}

func (c citation) String() string {
	return fmt.Sprintf("%s:%d %q (from %s)", c.file, c.line, c.phrase, c.from)
}

// ruleSources returns the comments and the string literals of the
// non-test Go files of ruleDirs, each as words: comments as one run per
// block of adjacent comment lines, each literal as a run of its own.
func ruleSources(t *testing.T) (comments, literals map[string][][]word) {
	t.Helper()
	comments, literals = map[string][][]word{}, map[string][][]word{}
	for _, dir := range ruleDirs {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		require.NoError(t, err)
		require.NotEmpty(t, files, dir)
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			src, err := os.ReadFile(f)
			require.NoError(t, err)
			fset := token.NewFileSet()
			file := fset.AddFile(f, -1, len(src))
			var s scanner.Scanner
			s.Init(file, src, nil, scanner.ScanComments)
			name := filepath.Join(filepath.Base(dir), filepath.Base(f))
			var block []word
			last := -10
			flush := func() {
				if len(block) > 0 {
					comments[name] = append(comments[name], block)
				}
				block = nil
			}
			for {
				pos, tok, lit := s.Scan()
				if tok == token.EOF {
					break
				}
				line := fset.Position(pos).Line
				switch tok {
				case token.COMMENT:
					if line != last+1 {
						flush()
					}
					text := strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(lit, "//"), "/*"), "*/")
					block = append(block, words(text, line)...)
					last = line + strings.Count(lit, "\n")
				case token.STRING, token.CHAR:
					if u, err := strconv.Unquote(lit); err == nil {
						literals[name] = append(literals[name], words(u, line))
					}
				}
			}
			flush()
		}
	}
	return comments, literals
}

// cites returns every phrase and name of refs in runs.
func (r *references) cites(runs map[string][][]word) []citation {
	var out []citation
	seen := map[string]bool{}
	for file, rs := range runs {
		for _, run := range rs {
			for n := 1; n <= gramLen; n++ {
				for i := 0; i+n <= len(run); i++ {
					p := make([]string, n)
					for j := range p {
						p[j] = run[i+j].w
					}
					phrase := strings.Join(p, " ")
					if from, ok := r.phrases[phrase]; ok && !seen[file+phrase] {
						seen[file+phrase] = true
						out = append(out, citation{file, run[i].line, phrase, from})
					}
				}
			}
			// A name is a run of words of the text ("cermine_test5.pdf"
			// has "cermine test5").
			var text strings.Builder
			for _, w := range run {
				text.WriteString(" " + w.w)
			}
			text.WriteString(" ")
			for name, from := range r.names {
				if strings.Contains(text.String(), " "+strings.Join(wordRE.FindAllString(name, -1), " ")+" ") {
					if !seen[file+name] {
						seen[file+name] = true
						out = append(out, citation{file, run[0].line, name, from})
					}
				}
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].file != out[j].file {
			return out[i].file < out[j].file
		}
		return out[i].line < out[j].line
	})
	return out
}

// TestRuleCommentsCiteNoGoldenOrCorpusText: no comment of the offline
// verifier, librarian, guards or text normalisation quotes a golden suite
// or a paper, or names one. An example in a comment is written for it.
func TestRuleCommentsCiteNoGoldenOrCorpusText(t *testing.T) {
	refs := goldenReferences(t)
	comments, _ := ruleSources(t)
	for _, c := range refs.cites(comments) {
		t.Errorf("a comment cites golden or corpus text: %s", c)
	}
}

// TestRuleWordListsCiteNoGoldenOrCorpusText: no string literal of those
// packages (a word list, a cue, a branch on a word) quotes a golden suite
// or a paper.
func TestRuleWordListsCiteNoGoldenOrCorpusText(t *testing.T) {
	refs := goldenReferences(t)
	_, literals := ruleSources(t)
	for _, c := range refs.cites(literals) {
		t.Errorf("a string literal cites golden or corpus text: %s", c)
	}
}

// TestCitationCheckFindsCopies: the check finds a phrase copied from a
// golden suite or a paper however it is cased, broken or punctuated, and
// a name, but not common English or a phrase written for the rule.
func TestCitationCheckFindsCopies(t *testing.T) {
	refs := newReferences()
	refs.addText("In 2014/15, measurements were taken at 7 and 14 days after temperature treatment initiation.", "suite", true)
	refs.addText("... However these last few stragglers don't finish until 300 seconds later. Sample CB205 (AGS2000) was sown.", "paper", false)
	refs.addText("Quotes are labelled by speaker (Centre A, R6). The head of the phrase is its last word.", "paper", false)
	refs.addName("mapreduce", "suite")
	refs.addName("cermine_test5", "paper")

	found := func(text string) []string {
		var got []string
		for _, c := range refs.cites(map[string][][]word{"x.go": {words(text, 1)}}) {
			got = append(got, c.phrase)
		}
		return got
	}
	for _, copied := range []string{
		"Measurements were\ntaken at 7 and 14 Days.",
		"these last few STRAGGLERS",
		"a genotype label such as AGS2000 (PI612956)",
		"a speaker's label (Centre A, R6) from another quote",
		"as in the MapReduce sort",
		"see cermine_test5.pdf",
	} {
		assert.NotEmpty(t, found(copied), "a copy was not found: %q", copied)
	}
	for _, own := range []string{
		"the head of the phrase keeps its side", // stock phrase of a paper: fine
		"38% at 12 weeks and 20% at 24 weeks",   // written for the rule
		"a treatment was started after the first visit",
		"measurements were taken",
	} {
		assert.Empty(t, found(own), "common or own text taken for a copy: %q", own)
	}
}
