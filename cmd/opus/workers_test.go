package main

import (
	"bytes"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/opusblocks/opus/internal/llm/llmtest"
)

// freshPostgres creates an empty database on the OPUS_TEST_POSTGRES server
// (dropped when the test ends) and returns its URL. A database of its own,
// not a schema: River's leader election and notifications are per database.
func freshPostgres(t *testing.T) string {
	t.Helper()
	base := os.Getenv("OPUS_TEST_POSTGRES")
	if base == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("OPUS_TEST_POSTGRES is not set in CI; .ci/run must create a test database")
		}
		t.Skip("OPUS_TEST_POSTGRES not set: the worker processes need a Postgres server")
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "opus_workers_" + hex.EncodeToString(b[:])
	admin, err := sql.Open("pgx", base)
	require.NoError(t, err)
	_, err = admin.Exec(`CREATE DATABASE ` + name)
	require.NoError(t, err)
	t.Cleanup(func() {
		_, _ = admin.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`)
		admin.Close()
	})
	u, err := url.Parse(base)
	require.NoError(t, err)
	u.Path = "/" + name
	q := u.Query()
	q.Del("search_path")
	u.RawQuery = q.Encode()
	return u.String()
}

// lockedBuffer is a worker's stderr, read while the worker writes it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// workerProc is a running 'opus worker'.
type workerProc struct {
	name   string
	cmd    *exec.Cmd
	log    *lockedBuffer
	id     string // River client id, from its start-up log line
	exited chan struct{}
	err    error // Wait's, once exited is closed
}

var clientRe = regexp.MustCompile(`msg="job workers started" client=(\S+)`)

// workersFixture is a fresh database with one paragraph to generate and a
// fake model server whose writer answers as script says.
type workersFixture struct {
	t     *testing.T
	home  string
	dbURL string
	db    *sql.DB
	srv   *llmtest.Server
}

func newWorkersFixture(t *testing.T, writerDelay func(call int) time.Duration) *workersFixture {
	if testing.Short() {
		t.Skip("runs and kills worker processes; run without -short")
	}
	f := &workersFixture{t: t, home: t.TempDir(), dbURL: freshPostgres(t), srv: llmtest.NewServer(t)}
	var mu sync.Mutex
	writes := 0
	f.srv.SetHandler(func(r llmtest.ChatRequest) llmtest.Reply {
		if r.Agent() == "writer" {
			mu.Lock()
			writes++
			n := writes
			mu.Unlock()
			draft := `{"sentences":[{"text":"The trial enrolled 120 adult patients.","fact_ids":["F1"]}]}`
			return llmtest.Reply{Body: llmtest.Completion(draft, "m", 10, 10, 0), Delay: writerDelay(n)}
		}
		var vs []string
		for i := range r.Sentences() {
			vs = append(vs, fmt.Sprintf(`{"index":%d,"supported":true,"reason":"ok","unsupported_span":null}`, i))
		}
		return llmtest.Reply{Body: llmtest.Completion(`{"verdicts":[`+strings.Join(vs, ",")+`]}`, "m", 10, 10, 0)}
	})
	var err error
	f.db, err = sql.Open("pgx", f.dbURL)
	require.NoError(t, err)
	t.Cleanup(func() { f.db.Close() })

	f.run("facts", "add", "The trial enrolled 120 adult patients.", "--source", "registry")
	spec := filepath.Join(f.home, "spec.yaml")
	require.NoError(t, os.WriteFile(spec, []byte("section: methods\nintent: x\nfacts: [F1]\nlength: {min_sentences: 1}\n"), 0o600))
	return f
}

func (f *workersFixture) cmd(args ...string) *exec.Cmd {
	c := opusCmd(f.home, args...)
	// A job timeout of 4 s: River takes a job for lost 5 s after its worker
	// last started it (jobs.rescueAfter).
	c.Env = append(c.Env, "OPUS_DB="+f.dbURL, "OPENAI_API_KEY=sk-test", "OPENAI_BASE_URL="+f.srv.URL, "OPUS_MODEL=m",
		"OPUS_JOBS_TIMEOUT=4s", "OPUS_JOBS_BACKOFF=10ms")
	return c
}

func (f *workersFixture) run(args ...string) string {
	f.t.Helper()
	out, err := f.cmd(args...).CombinedOutput()
	require.NoErrorf(f.t, err, "opus %v: %s", args, out)
	return string(out)
}

// startWorker starts 'opus worker' and waits until its workers run.
func (f *workersFixture) startWorker(name string) *workerProc {
	f.t.Helper()
	w := &workerProc{name: name, cmd: f.cmd("worker", "--workers", "1"), log: &lockedBuffer{}, exited: make(chan struct{})}
	w.cmd.Stderr = w.log
	require.NoError(f.t, w.cmd.Start())
	go func() {
		w.err = w.cmd.Wait()
		close(w.exited)
	}()
	f.t.Cleanup(func() {
		_ = w.cmd.Process.Kill()
		<-w.exited
		if f.t.Failed() {
			f.t.Logf("worker %s log:\n%s", w.name, w.log.String())
		}
	})
	f.eventually(10*time.Second, "worker "+name+" to start", func() bool {
		if m := clientRe.FindStringSubmatch(w.log.String()); m != nil {
			w.id = m[1]
			return true
		}
		return false
	})
	return w
}

func (f *workersFixture) eventually(within time.Duration, what string, cond func() bool) {
	f.t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			f.t.Fatalf("waited %s for %s", within, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (f *workersFixture) scalar(q string, dest any) {
	f.t.Helper()
	require.NoError(f.t, f.db.QueryRow(q).Scan(dest), q)
}

// riverJob is River's row of the one job.
func (f *workersFixture) riverJob() (state string, attempt int, attemptedBy []string) {
	f.t.Helper()
	var by string
	require.NoError(f.t, f.db.QueryRow(`SELECT state, attempt, array_to_string(attempted_by, ',') FROM river_job`).Scan(&state, &attempt, &by))
	if by != "" {
		attemptedBy = strings.Split(by, ",")
	}
	return state, attempt, attemptedBy
}

func (f *workersFixture) writerCalls() int {
	n := 0
	for _, r := range f.srv.Requests() {
		if r.Agent() == "writer" {
			n++
		}
	}
	return n
}

// assertOnce checks that the paragraph job ended succeeded at attempt, and
// that its effects are there once: one written revision, one writer run
// and one verifier run (a killed attempt's model call is not on the
// record; its results were never written), the one fact.
func (f *workersFixture) assertOnce(attempt int) {
	f.t.Helper()
	var state string
	var got int
	require.NoError(f.t, f.db.QueryRow(`SELECT state, attempt FROM jobs`).Scan(&state, &got))
	assert.Equal(f.t, "succeeded", state)
	assert.Equal(f.t, attempt, got)
	var n int
	f.scalar(`SELECT count(*) FROM revisions WHERE origin = 'writer'`, &n)
	assert.Equal(f.t, 1, n, "written revisions")
	f.scalar(`SELECT count(*) FROM runs WHERE agent = 'writer'`, &n)
	assert.Equal(f.t, 1, n, "writer runs")
	f.scalar(`SELECT count(*) FROM runs WHERE agent = 'verifier'`, &n)
	assert.Equal(f.t, 1, n, "verifier runs")
	f.scalar(`SELECT count(*) FROM facts`, &n)
	assert.Equal(f.t, 1, n, "facts")
	f.scalar(`SELECT count(*) FROM river_job`, &n)
	assert.Equal(f.t, 1, n, "River jobs")
	var para string
	f.scalar(`SELECT state FROM paragraphs`, &para)
	assert.Equal(f.t, "verified", para)
}

func (f *workersFixture) waitJobEnded(within time.Duration) {
	f.t.Helper()
	f.eventually(within, "the job to end", func() bool {
		var state string
		_ = f.db.QueryRow(`SELECT state FROM jobs`).Scan(&state)
		return state == "succeeded" || state == "failed" || state == "cancelled"
	})
}

// stop sends SIGTERM and waits for a clean exit.
func (w *workerProc) stop(t *testing.T, within time.Duration) time.Duration {
	t.Helper()
	begin := time.Now()
	require.NoError(t, w.cmd.Process.Signal(syscall.SIGTERM))
	select {
	case <-w.exited:
	case <-time.After(within):
		t.Fatalf("worker %s did not stop within %s of SIGTERM", w.name, within)
	}
	took := time.Since(begin)
	assert.NoErrorf(t, w.err, "worker %s exit; log:\n%s", w.name, w.log.String())
	return took
}

// Issue 9, item 6: two 'opus worker' processes on one Postgres queue; the
// one running a paragraph job is killed (kill -9) in the middle of its
// model call. River rescues the job and the other worker finishes it,
// exactly once: one revision, one writer run, one verifier run — only the
// model call is made twice.
//
// The killed worker is also the elected leader, on purpose: River's
// rescuer runs on the leader, every 30 s, so a surviving leader could wait
// up to that long; a new leader rescues at once. That keeps the test short
// and covers the harder case, leader failover (~10-20 s).
func TestKilledWorkersJobIsRescuedAndFinishedOnce(t *testing.T) {
	f := newWorkersFixture(t, func(call int) time.Duration {
		if call == 1 {
			return time.Minute // until the worker dies
		}
		return 0
	})
	begin := time.Now()
	a := f.startWorker("A")
	f.eventually(10*time.Second, "worker A to lead", func() bool {
		var leader string
		_ = f.db.QueryRow(`SELECT leader_id FROM river_leader`).Scan(&leader)
		return leader == a.id
	})
	f.run("para", "generate", filepath.Join(f.home, "spec.yaml"), "--detach")
	f.eventually(10*time.Second, "worker A to call the writer", func() bool { return f.writerCalls() == 1 })
	state, attempt, by := f.riverJob()
	require.Equal(t, "running", state)
	require.Equal(t, 1, attempt)
	require.Equal(t, []string{a.id}, by, "worker A runs the job")

	b := f.startWorker("B")
	require.NoError(t, a.cmd.Process.Signal(syscall.SIGKILL))
	<-a.exited
	killed := time.Now()

	f.waitJobEnded(60 * time.Second)
	t.Logf("the job finished %s after the kill (%s in all)", time.Since(killed).Round(100*time.Millisecond), time.Since(begin).Round(100*time.Millisecond))
	f.assertOnce(2)
	state, attempt, by = f.riverJob()
	assert.Equal(t, "completed", state)
	assert.Equal(t, 2, attempt)
	assert.Equal(t, []string{a.id, b.id}, by, "rescued from A, finished by B")
	assert.Equal(t, 2, f.writerCalls(), "the killed attempt's call, retried once")
	b.stop(t, 15*time.Second)
}

// SIGTERM to the worker running a job lets it finish the job within its
// grace period (10 s) and exit 0; the other worker does not run it too.
func TestStoppedWorkerFinishesItsJob(t *testing.T) {
	f := newWorkersFixture(t, func(int) time.Duration { return 2 * time.Second })
	a, b := f.startWorker("A"), f.startWorker("B")
	f.run("para", "generate", filepath.Join(f.home, "spec.yaml"), "--detach")
	f.eventually(10*time.Second, "a worker to call the writer", func() bool { return f.writerCalls() == 1 })
	_, _, by := f.riverJob()
	require.Len(t, by, 1)
	holder, other := a, b
	if by[0] == b.id {
		holder, other = b, a
	}
	require.Equal(t, holder.id, by[0])

	took := holder.stop(t, 15*time.Second)
	t.Logf("worker %s finished its job and exited %s after SIGTERM", holder.name, took.Round(10*time.Millisecond))
	assert.Less(t, took, 10*time.Second, "within the grace period")
	f.assertOnce(1)
	state, attempt, by := f.riverJob()
	assert.Equal(t, "completed", state)
	assert.Equal(t, 1, attempt)
	assert.Equal(t, []string{holder.id}, by)
	assert.Equal(t, 1, f.writerCalls())
	other.stop(t, 15*time.Second)
}
