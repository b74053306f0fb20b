package eval

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/opusblocks/opus/internal/agents"
	"github.com/opusblocks/opus/internal/contract"
	"github.com/opusblocks/opus/internal/domain"
	"github.com/opusblocks/opus/internal/llm"
	"github.com/opusblocks/opus/internal/service"
	"github.com/opusblocks/opus/internal/textnorm"
)

// Config is what an evaluation runs with.
type Config struct {
	Provider    llm.Provider
	Model       string
	Models      map[contract.Agent]string
	Temperature float64
	Prompts     map[contract.Agent]string
	// CacheDir is the PDF engine's compilation cache.
	CacheDir    string
	Concurrency int
	// Progress, if set, is told how many items are done.
	Progress func(done, total int)
}

// loaded is a suite in the evaluation database.
type loaded struct {
	suite *Suite
	actor service.Actor
	docs  map[string]string      // suite doc id -> handle
	facts map[string]domain.Fact // suite fact id -> stored fact
	// extractors are the profiles documents were extracted in for the
	// probes (extractDocument).
	extractors []service.Actor
}

// Run evaluates suites in a fresh temporary database, never the user's.
func Run(ctx context.Context, suites []*Suite, cfg Config) (*Report, error) {
	start := time.Now()
	dir, err := os.MkdirTemp("", "opus-eval-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	svc, err := service.Open(ctx, "sqlite:"+filepath.Join(dir, "eval.db"), service.Config{
		DataDir: dir, CacheDir: cfg.CacheDir, Provider: cfg.Provider, Model: cfg.Model, Models: cfg.Models,
		Temperature: cfg.Temperature, Prompts: cfg.Prompts, Concurrency: cfg.Concurrency, RepairRounds: service.DefaultRepairRounds,
		Jobs: service.JobsConfig{Workers: 4, PollEvery: 20 * time.Millisecond, BaseBackoff: 50 * time.Millisecond},
	})
	if err != nil {
		return nil, err
	}
	defer func() { _ = svc.Close() }()
	if err := svc.StartWorkers(ctx, nil); err != nil {
		return nil, err
	}

	var ls []*loaded
	for i, s := range suites {
		l, err := load(ctx, svc, s, i)
		if err != nil {
			return nil, err
		}
		ls = append(ls, l)
	}

	r := newReport(cfg, suites)
	total := 0
	for _, l := range ls {
		total += len(l.suite.Verify) + len(l.suite.Generate) + len(l.suite.Extract)
	}
	var done atomic.Int32
	tick := func() {
		if cfg.Progress != nil {
			cfg.Progress(int(done.Add(1)), total)
		}
	}
	var mu sync.Mutex // guards r
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(max(cfg.Concurrency, 1))
	for _, l := range ls {
		for _, v := range l.suite.Verify {
			g.Go(func() error {
				defer tick()
				got, reason, runs, err := verifyItem(gctx, svc, cfg, l, v)
				if err != nil {
					return fmt.Errorf("suite %s, item %s: %w", l.suite.Path, v.ID, err)
				}
				mu.Lock()
				r.addVerify(l.suite, v, got, reason)
				r.addRuns(runs)
				mu.Unlock()
				return nil
			})
		}
		for _, gi := range l.suite.Generate {
			g.Go(func() error {
				defer tick()
				outcome, reason, violations, err := generateItem(gctx, svc, l, gi)
				if err != nil {
					return err
				}
				mu.Lock()
				r.addGenerate(l.suite, gi.ID, outcome, reason, violations)
				mu.Unlock()
				return nil
			})
		}
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	// Extraction probes run one after another: they share documents.
	for n, l := range ls {
		extracted := map[string]*extraction{}
		for i, p := range l.suite.Extract {
			ex := extracted[p.Doc]
			first := ex == nil
			if first {
				if ex, err = extractDocument(ctx, svc, l, p.Doc, n); err != nil {
					return nil, fmt.Errorf("suite %s, extract[%d]: %w", l.suite.Path, i, err)
				}
				extracted[p.Doc] = ex
			}
			r.addExtract(l.suite, ex.probe(p), first)
			tick()
		}
	}
	for _, l := range ls {
		for _, a := range append([]service.Actor{l.actor}, l.extractors...) {
			stats, err := svc.RunStats(ctx, a)
			if err != nil {
				return nil, err
			}
			for _, st := range stats {
				r.Tokens += st.TokensIn + st.TokensOut
				r.CostUSD += st.CostUSD
			}
		}
	}
	r.Tokens += r.verifyTokens
	r.CostUSD += r.verifyCost
	r.finish(time.Since(start))
	return r, nil
}

// load puts one suite's documents and facts into the database, checking
// every quote against its page as extraction would.
func load(ctx context.Context, svc *service.Service, s *Suite, i int) (*loaded, error) {
	owner, err := svc.AddProfile(ctx, fmt.Sprintf("suite-%d", i+1))
	if err != nil {
		return nil, err
	}
	l := &loaded{suite: s, actor: service.Actor{OwnerID: owner.ID, TraceID: "eval-" + s.Name}, docs: map[string]string{}, facts: map[string]domain.Fact{}}
	bad := func(item string, err error) error {
		return &SuiteError{Path: s.Path, Item: item, Problem: domain.ErrorMessage(err)}
	}
	for _, d := range s.Documents {
		res, err := addDocument(ctx, svc, l.actor, s, d)
		if err != nil {
			return nil, bad(d.ID, err)
		}
		l.docs[d.ID] = res.Document.Handle
	}
	for _, f := range s.Facts {
		var stored *domain.Fact
		if f.Doc != "" {
			stored, err = svc.AddQuotedFact(ctx, l.actor, l.docs[f.Doc], f.Page, f.Quote, f.Text, f.Kind)
		} else {
			stored, err = svc.AddFact(ctx, l.actor, f.Text, f.Source, f.Kind)
		}
		if err != nil {
			return nil, bad(f.ID, err)
		}
		l.facts[f.ID] = *stored
	}
	return l, checkProbes(ctx, svc, l)
}

// addDocument adds a suite's document, a PDF (its path relative to the
// suite file) or inline pages, for actor.
func addDocument(ctx context.Context, svc *service.Service, actor service.Actor, s *Suite, d Document) (*service.AddResult, error) {
	if d.PDF != "" {
		path := d.PDF
		if !filepath.IsAbs(path) {
			path = filepath.Join(filepath.Dir(s.Path), path)
		}
		return svc.AddDocument(ctx, actor, path)
	}
	title := d.Title
	if title == "" {
		title = d.ID
	}
	return svc.AddPages(ctx, actor, title, d.Pages)
}

// documentPages returns the page texts of a document as it was extracted.
func documentPages(ctx context.Context, svc *service.Service, actor service.Actor, handle string) ([]string, error) {
	var pages []string
	for p, n := 1, 1; p <= n; p++ {
		pg, err := svc.DocumentPage(ctx, actor, handle, p)
		if err != nil {
			return nil, err
		}
		n = pg.Pages
		pages = append(pages, pg.Text)
	}
	return pages, nil
}

// checkProbes fails on an expected string that is on no page of its
// document (compared as probes are, by letters and digits): no librarian
// could find it.
func checkProbes(ctx context.Context, svc *service.Service, l *loaded) error {
	folded := map[string][]string{}
	for i, p := range l.suite.Extract {
		if folded[p.Doc] == nil {
			pages, err := documentPages(ctx, svc, l.actor, l.docs[p.Doc])
			if err != nil {
				return err
			}
			for _, pg := range pages {
				folded[p.Doc] = append(folded[p.Doc], textnorm.Fold(pg))
			}
		}
		for _, want := range p.Expect {
			if !foundIn(want, folded[p.Doc]) {
				return &SuiteError{Path: l.suite.Path, Item: fmt.Sprintf("extract[%d]", i), Problem: fmt.Sprintf("%q is on no page of %s", want, p.Doc)}
			}
		}
	}
	return nil
}

// verifyItem judges one sentence through the same path paragraphs use.
func verifyItem(ctx context.Context, svc *service.Service, cfg Config, l *loaded, v VerifyItem) (bool, string, []*domain.Run, error) {
	allowed := map[string]contract.Fact{}
	var ids []string
	for _, id := range v.Facts {
		f := l.facts[id]
		allowed[f.Handle] = agents.FactForContract(f)
		ids = append(ids, f.Handle)
	}
	var runs []*domain.Run
	a := &agents.Agents{Provider: cfg.Provider, Model: cfg.Model, Models: cfg.Models, Temperature: cfg.Temperature, Prompts: cfg.Prompts,
		Record: func(r *domain.Run) { runs = append(runs, r) }}
	checked, err := a.Verify(ctx, []contract.Sentence{{Text: v.Sentence, FactIDs: append([]string{}, ids...)}}, allowed)
	if err != nil {
		return false, "", runs, err
	}
	return checked[0].Supported, checked[0].Reason, runs, nil
}

// generateItem runs a spec end to end and checks the contract on the way out.
func generateItem(ctx context.Context, svc *service.Service, l *loaded, gi GenerateItem) (outcome, reason string, violations int, err error) {
	spec := map[string]any{}
	for k, v := range gi.Spec {
		spec[k] = v
	}
	allowed := map[string]bool{}
	for _, key := range []string{"facts", "must_use"} {
		list, _ := spec[key].([]any)
		mapped := make([]any, len(list))
		for i, h := range list {
			f := l.facts[fmt.Sprint(h)]
			mapped[i] = f.Handle
			if key == "facts" {
				allowed[f.Handle] = true
			}
		}
		if list != nil {
			spec[key] = mapped
		}
	}
	data, err := json.Marshal(spec)
	if err != nil {
		return "", "", 0, err
	}
	p, j, err := svc.GenerateParagraph(ctx, l.actor, data, service.JobOptions{})
	if err != nil {
		return "", "", 0, &SuiteError{Path: l.suite.Path, Item: gi.ID, Problem: domain.ErrorMessage(err)}
	}
	if _, err := svc.WaitJob(ctx, l.actor, j.ID, nil); err != nil {
		return "", "", 0, err
	}
	view, showErr := svc.ShowParagraph(ctx, l.actor, p.Handle, false)
	tr, err := svc.TraceParagraph(ctx, l.actor, p.Handle, true)
	if err != nil {
		return "", "", 0, err
	}
	switch view.State {
	case domain.ParaVerified:
		if showErr != nil || view.Text == "" {
			violations++ // a verified paragraph must be shown
		}
		for _, s := range view.Sentences {
			if s.Verdict != domain.VerdictSupported || len(s.Facts) == 0 {
				violations++ // displayed text with an unverified or unlinked sentence
			}
		}
	default:
		if view.Text != "" || len(view.Sentences) > 0 || domain.ErrorCode(showErr) != domain.NotVerified {
			violations++ // unverified text left the system
		}
	}
	for _, rev := range tr.Revisions {
		for _, s := range rev.Sentences {
			for _, h := range s.Facts {
				if !allowed[h] {
					violations++ // a link outside the allowed set
				}
			}
			if len(s.Facts) == 0 && s.Verdict == domain.VerdictSupported {
				violations++ // support without a link
			}
		}
	}
	outcome = view.State
	if outcome != domain.ParaVerified && outcome != domain.ParaRejected {
		outcome = domain.ParaFailed
	}
	return outcome, strings.Join(view.Reasons, "; "), violations, nil
}

// extraction is one document extracted for the probes. It is added again,
// to a profile of its own, so that only what the librarian kept is matched
// against the probes: the suite's own facts, loaded into the suite's
// profile, quote the very passages the probes name.
type extraction struct {
	facts    []domain.Fact
	folded   []string // textnorm.Fold of each fact's text, as probes match
	rejected map[string]int
	junk     map[string]int // kept facts per junk kind (JunkKinds)
}

// extractDocument adds the suite's document doc to a fresh profile, runs
// extraction on it and reads what it kept; n numbers the suite in the run.
func extractDocument(ctx context.Context, svc *service.Service, l *loaded, doc string, n int) (*extraction, error) {
	var d Document
	for _, x := range l.suite.Documents {
		if x.ID == doc {
			d = x
		}
	}
	owner, err := svc.AddProfile(ctx, fmt.Sprintf("suite-%d-extract-%d", n+1, len(l.extractors)+1))
	if err != nil {
		return nil, err
	}
	actor := service.Actor{OwnerID: owner.ID, TraceID: "eval-extract-" + l.suite.Name}
	l.extractors = append(l.extractors, actor)
	res, err := addDocument(ctx, svc, actor, l.suite, d)
	if err != nil {
		return nil, err
	}
	handle := res.Document.Handle
	j, err := svc.ExtractFacts(ctx, actor, handle, service.JobOptions{})
	if err != nil {
		return nil, err
	}
	done, err := svc.WaitJob(ctx, actor, j.ID, nil)
	if err != nil {
		return nil, err
	}
	if done.State != domain.JobSucceeded {
		return nil, errors.New("extraction failed: " + strings.TrimSpace(fmt.Sprint(domain.Deref(done.Error))))
	}
	ex := &extraction{rejected: map[string]int{}, junk: map[string]int{}}
	if ex.facts, err = svc.Facts(ctx, actor, service.FactFilter{Doc: handle}); err != nil {
		return nil, err
	}
	pages, err := documentPages(ctx, svc, actor, handle)
	if err != nil {
		return nil, err
	}
	jd := newJunkDoc(pages)
	for _, f := range ex.facts {
		ex.folded = append(ex.folded, textnorm.Fold(f.Text))
		if f.Page != nil && f.Quote != nil {
			if k := jd.kind(*f.Page, *f.Quote, f.Text); k != "" {
				ex.junk[k]++
			}
		}
	}
	runs, err := svc.Runs(ctx, actor, service.RunFilter{Job: done.Handle, Limit: 1 << 20})
	if err != nil {
		return nil, err
	}
	for _, r := range runs {
		if r.Rejections != nil {
			var m map[string]int
			if json.Unmarshal([]byte(*r.Rejections), &m) == nil {
				for k, n := range m {
					ex.rejected[k] += n
				}
			}
		}
	}
	return ex, nil
}

// probe matches a probe's expected strings against the kept facts' texts.
func (ex *extraction) probe(p Probe) probeResult {
	res := probeResult{expected: len(p.Expect), missed: []string{}}
	for _, want := range p.Expect {
		if foundIn(want, ex.folded) {
			res.found++
		} else {
			res.missed = append(res.missed, want)
		}
	}
	res.kept, res.rejected, res.junk = len(ex.facts), ex.rejected, ex.junk
	return res
}

// foundIn reports whether a probe's expected string is in one of the
// texts, all compared by letters and digits (textnorm.Fold).
func foundIn(want string, folded []string) bool {
	w := textnorm.Fold(want)
	return w != "" && slices.ContainsFunc(folded, func(f string) bool { return strings.Contains(f, w) })
}

// probeResult is one probe's outcome and its document's extraction.
type probeResult struct {
	expected, found, kept int
	missed                []string
	rejected, junk        map[string]int
}
