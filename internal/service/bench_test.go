package service_test

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/opusblocks/opus/internal/agents"
	"github.com/opusblocks/opus/internal/domain"
	"github.com/opusblocks/opus/internal/llm"
	"github.com/opusblocks/opus/internal/llm/llmtest"
	"github.com/opusblocks/opus/internal/llm/openai"
	"github.com/opusblocks/opus/internal/pdftext"
	"github.com/opusblocks/opus/internal/prompts"
	"github.com/opusblocks/opus/internal/service"
	"github.com/opusblocks/opus/internal/store/storetest"
)

// latency is L, the fixed answer time of the fake model server.
const latency = 200 * time.Millisecond

// slowModel answers every agent after L: the writer with one sentence per
// allowed fact, the verifier "supported", the librarian with no facts.
func slowModel(b *testing.B) *llmtest.Server {
	srv := llmtest.NewServer(b)
	srv.SetHandler(func(r llmtest.ChatRequest) llmtest.Reply {
		var body string
		switch r.Agent() {
		case "writer":
			var ss []string
			for _, line := range strings.Split(r.Prompt(), "\n") {
				if strings.HasPrefix(line, "[F") {
					id := line[1:strings.Index(line, "]")]
					text := strings.TrimSpace(line[strings.Index(line, "]")+1:])
					ss = append(ss, fmt.Sprintf(`{"text":%q,"fact_ids":[%q]}`, strings.TrimSuffix(text, ".")+" ["+id+"].", id))
				}
			}
			body = `{"sentences":[` + strings.Join(ss, ",") + `]}`
		case "verifier":
			var vs []string
			for i := range r.Sentences() {
				vs = append(vs, fmt.Sprintf(`{"index":%d,"supported":true,"reason":"ok","unsupported_span":null}`, i))
			}
			body = `{"verdicts":[` + strings.Join(vs, ",") + `]}`
		default:
			body = `{"facts":[]}`
		}
		return llmtest.Reply{Body: llmtest.Completion(body, "bench-model", 100, 10, 0), Delay: latency}
	})
	return srv
}

func benchService(b *testing.B, srv *llmtest.Server, concurrency int) (*service.Service, service.Actor) {
	b.Helper()
	ctx := context.Background()
	db := storetest.Open(b, storetest.Backends(b)[0])
	p, err := openai.New(openai.Config{APIKey: "bench", BaseURL: srv.URL})
	if err != nil {
		b.Fatal(err)
	}
	svc, err := service.New(ctx, db, service.Config{
		DataDir: b.TempDir(), CacheDir: filepath.Join(os.TempDir(), "opus-test-cache", "opus", "wazero"),
		Provider: llm.Limit(p, 8), Model: "bench-model", Prompts: prompts.Versions(), NoCache: true, Concurrency: concurrency,
	})
	if err != nil {
		b.Fatal(err)
	}
	if err := svc.StartWorkers(ctx, nil); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = svc.Close() })
	owner, err := svc.AddProfile(ctx, "bench")
	if err != nil {
		b.Fatal(err)
	}
	return svc, service.Actor{OwnerID: owner.ID, TraceID: "bench"}
}

// BenchmarkGenerateParagraph8: an 8-sentence paragraph against a server
// answering after L = 200 ms — one writer call, then one concurrent wave of
// verifier calls — end to end through the job engine and SQLite. Target:
// ≤ 2.3 × L plus < 50 ms of opus overhead.
func BenchmarkGenerateParagraph8(b *testing.B) {
	srv := slowModel(b)
	svc, a := benchService(b, srv, 8)
	ctx := context.Background()
	var handles []string
	for i := 1; i <= 8; i++ {
		f, err := svc.AddFact(ctx, a, fmt.Sprintf("Measurement %d of the series was recorded at site %d.", i, i), "bench", "measurement")
		if err != nil {
			b.Fatal(err)
		}
		handles = append(handles, f.Handle)
	}
	spec := []byte("section: results\nintent: Report the series.\nfacts: [" + strings.Join(handles, ", ") + "]\nlength: {min_sentences: 8, max_sentences: 8}\n")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p, j, err := svc.GenerateParagraph(ctx, a, spec, service.JobOptions{})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := svc.WaitJob(ctx, a, j.ID, nil); err != nil {
			b.Fatal(err)
		}
		if v, err := svc.ShowParagraph(ctx, a, p.Handle, false); err != nil || len(v.Sentences) != 8 {
			b.Fatalf("paragraph %s not verified with 8 sentences: %v", p.Handle, err)
		}
	}
	per := b.Elapsed() / time.Duration(b.N)
	b.ReportMetric(float64(per)/float64(latency), "x_L")
	b.ReportMetric(float64(per-2*latency)/float64(time.Millisecond), "overhead_ms")
}

// BenchmarkExtractLongPaper: a long paper with chunk concurrency 8 against
// a server answering after L; expect about ⌈chunks/8⌉ × L. The paper is the
// 117-page one of testdata/pdf, or the corpus's 46-page one when
// OPUS_CORPUS names the corpus.
func BenchmarkExtractLongPaper(b *testing.B) {
	paper := testPDFs + "pysample_GeoTopo.pdf"
	if dir, ok := corpusPath(); ok {
		paper = filepath.Join(dir, "grobid_MullenJSSv18i03.pdf")
	}
	b.Logf("paper: %s", paper)
	srv := slowModel(b)
	svc, a := benchService(b, srv, 8)
	ctx := context.Background()
	res, err := svc.AddDocument(ctx, a, paper)
	if err != nil {
		b.Fatal(err)
	}
	ex, err := pdftext.New(ctx, pdftext.Options{CacheDir: filepath.Join(os.TempDir(), "opus-test-cache", "opus", "wazero")})
	if err != nil {
		b.Fatal(err)
	}
	data, _ := os.ReadFile(paper)
	pages, err := ex.Pages(ctx, data)
	_ = ex.Close()
	if err != nil {
		b.Fatal(err)
	}
	chunks := len(agents.Chunk(pages, agents.ChunkChars))
	waves := math.Ceil(float64(chunks) / 8)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		j, err := svc.ExtractFacts(ctx, a, res.Document.Handle, service.JobOptions{})
		if err != nil {
			b.Fatal(err)
		}
		done, err := svc.WaitJob(ctx, a, j.ID, nil)
		if err != nil || done.State != domain.JobSucceeded {
			b.Fatalf("extraction: %v %v", err, done)
		}
	}
	per := b.Elapsed() / time.Duration(b.N)
	b.ReportMetric(float64(len(pages)), "pages")
	b.ReportMetric(float64(chunks), "chunks")
	b.ReportMetric(float64(per)/float64(latency), "x_L")
	b.ReportMetric(waves, "waves_expected")
}

// BenchmarkRegenerateIdentical: the same spec again at temperature 0 is
// answered from the runs cache; reports the server calls per regeneration
// (target 0).
func BenchmarkRegenerateIdentical(b *testing.B) {
	srv := slowModel(b)
	svc, a := benchService(b, srv, 8)
	ctx := context.Background()
	svc.SetNoCache(false)
	var handles []string
	for i := 1; i <= 4; i++ {
		f, err := svc.AddFact(ctx, a, fmt.Sprintf("Measurement %d of the series was recorded at site %d.", i, i), "bench", "measurement")
		if err != nil {
			b.Fatal(err)
		}
		handles = append(handles, f.Handle)
	}
	spec := []byte("section: results\nintent: Report the series.\nfacts: [" + strings.Join(handles, ", ") + "]\n")
	generate := func() {
		_, j, err := svc.GenerateParagraph(ctx, a, spec, service.JobOptions{})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := svc.WaitJob(ctx, a, j.ID, nil); err != nil {
			b.Fatal(err)
		}
	}
	generate() // the first one asks the server
	before := srv.Calls()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		generate()
	}
	b.ReportMetric(float64(srv.Calls()-before)/float64(b.N), "server_calls/op")
}
