#!/usr/bin/env bash
# make bench: every performance figure opus promises, each measured against a
# baseline in the same run, reported as medians over several runs.
#   1. PDF ingest pages/s, opus (PDFium/wasm) vs poppler's pdftotext, interleaved.
#   2. Offline fact extraction facts/s over the papers.
#   3. Against a fake OpenAI server answering after L = 200 ms: an 8-sentence
#      paragraph (target ≤ 2.3 × L + 50 ms), a long paper with chunk
#      concurrency 8 (≈ ⌈chunks/8⌉ × L), and server calls when an identical
#      spec is regenerated (target 0).
#   4. facts search p50/p99 at 10k and 100k facts (SQLite, and Postgres with
#      OPUS_TEST_POSTGRES), goal p50 < 10 ms.
#   5. First-run `opus doc add` of a 6-page PDF on a fresh machine (empty
#      HOME: no PDFium compile cache), goal ≤ 2 s, against the second run
#      and pdftotext (scripts/bench-cli.sh first-run; builds bin/opus).
#   7. opus serve: authenticated GET /v1/facts?limit=50 at 64 connections for
#      a caller with 10,000 facts, on Postgres (OPUS_TEST_POSTGRES), against
#      a minimal net/http + pgx handler running the same SQL (the floor);
#      goals >= 0.7x the floor's req/s, p99 < 50 ms, >= 3,000 req/s.
#   6. Peak RSS of `opus facts extract` (offline) on the 117-page paper,
#      against the 512 MiB memory ceiling and `doc add`/`doc list` of the
#      same data (scripts/bench-cli.sh rss).
# ROUNDS=n sets the rounds (default 5); SECTIONS="5 6" (or 5,6) runs only
# those sections.
# The papers are those of testdata/pdf, or of the whole corpus when
# OPUS_CORPUS names it (absolute, or relative to the repository root, e.g.
# OPUS_CORPUS=../shared/corpus/pdf make bench): the better figures.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${ROUNDS:-5}
sections=${SECTIONS:-1 2 3 4 5 6 7}
sections=" ${sections//,/ } "
for n in $sections; do
  case $n in [1-7]) ;; *) echo "bench: no section $n in SECTIONS (1-7)" >&2; exit 2 ;; esac
done
want() { [[ $sections == *" $1 "* ]]; }

if [ -n "${OPUS_CORPUS:-}" ]; then
  OPUS_CORPUS=$(cd "$OPUS_CORPUS" && pwd) # the benchmarks run in package directories
  export OPUS_CORPUS
  echo "papers: the whole corpus at $OPUS_CORPUS (OPUS_CORPUS); long paper: grobid_MullenJSSv18i03.pdf (46 pages)"
else
  echo "papers: testdata/pdf (set OPUS_CORPUS=../shared/corpus/pdf for the whole corpus); long paper: pysample_GeoTopo.pdf (117 pages)"
fi
echo

# medians prints, per benchmark, the median of each reported metric.
medians() {
  awk '/^Benchmark/ {
      name = $1; sub(/-[0-9]+$/, "", name)
      for (i = 3; i < NF; i += 2) { key = name SUBSEP $(i+1); v[key, ++n[key]] = $i; keys[key] = 1 }
    }
    END {
      for (k in keys) {
        m = n[k]; for (i = 1; i <= m; i++) a[i] = v[k, i]
        for (i = 2; i <= m; i++) { x = a[i]; j = i - 1; while (j > 0 && a[j] > x) { a[j+1] = a[j]; j-- } a[j+1] = x }
        med = (m % 2) ? a[(m+1)/2] : (a[m/2] + a[m/2+1]) / 2
        split(k, parts, SUBSEP); printf "  %-30s %-16s %12.3f  (median of %d)\n", parts[1], parts[2], med, m
      }
    }' | sort
}

if want 1; then
echo "== 1. PDF text extraction: opus vs pdftotext =="
bash scripts/bench-ingest.sh "$rounds"
echo
fi

if want 2; then
echo "== 2. Offline fact extraction over the papers =="
go test -run '^$' -bench BenchmarkOfflineExtract -benchtime 1x -count "$rounds" ./internal/agents | medians
echo
fi

if want 3; then
echo "== 3. Latency against a model answering after L = 200 ms =="
go test -run '^$' -bench 'BenchmarkGenerateParagraph8|BenchmarkExtractLongPaper|BenchmarkRegenerateIdentical' \
  -benchtime 3x -count "$rounds" ./internal/service | medians
echo
fi

if want 4; then
echo "== 4. facts search: one owner with 10k and 100k facts (+ a fifth as many of another owner's) =="
echo "   queries: mix = 200 of 1–4 words taken from the facts (and spelling variants, misses), common = the 10 commonest words alone (each in ~10% of facts)"
echo "   goal: p50 < 10 ms on each backend for the mix; common is the worst case (every match ranked: ~10,000 at 100k), held to the same line"
echo "   before = schema v1 search, after = any of the words, after-all-words = --all-words"
[ -n "${OPUS_TEST_POSTGRES:-}" ] || echo "   (Postgres skipped: set OPUS_TEST_POSTGRES=postgres://…)"
go test -run '^$' -bench BenchmarkSearchFacts -benchtime 200x -count "$rounds" -timeout 60m ./internal/store | awk -v goal=10 '
  function median(key, m, i, j, x, a) {
    m = n[key]; for (i = 1; i <= m; i++) a[i] = v[key, i]
    for (i = 2; i <= m; i++) { x = a[i]; j = i - 1; while (j > 0 && a[j] > x) { a[j+1] = a[j]; j-- } a[j+1] = x }
    return (m % 2) ? a[(m+1)/2] : (a[m/2] + a[m/2+1]) / 2
  }
  /^BenchmarkSearchFacts\// {
    name = $1; sub(/-[0-9]+$/, "", name); sub(/^BenchmarkSearchFacts\//, "", name)
    split(name, p, "/"); set = p[1] "/" p[2] "/" p[3]; impl = p[4]
    if (!(set in seen)) { seen[set] = 1; order[++sets] = set }
    for (i = 3; i < NF; i += 2) { key = set SUBSEP impl SUBSEP $(i+1); v[key, ++n[key]] = $i }
  }
  END {
    printf "   %-20s %-16s %9s %9s %8s %10s %15s %15s\n", "backend/size/queries", "search", "p50 ms", "p99 ms", "hits/q", "p50÷goal", "p50 before÷this", "p99 before÷this"
    for (s = 1; s <= sets; s++) {
      set = order[s]
      b50 = median(set SUBSEP "before" SUBSEP "p50-ms"); b99 = median(set SUBSEP "before" SUBSEP "p99-ms")
      split("before after after-all-words", impls, " ")
      for (k = 1; k <= 3; k++) {
        impl = impls[k]; key = set SUBSEP impl
        if (!((key SUBSEP "p50-ms") in n)) continue
        p50 = median(key SUBSEP "p50-ms"); p99 = median(key SUBSEP "p99-ms"); hits = median(key SUBSEP "hits/query")
        verdict = (p50 < goal) ? "met" : "MISSED"
        printf "   %-20s %-16s %9.2f %9.2f %8.1f %9.2f× %14.2f× %14.2f×  %s (median of %d)\n", set, impl, p50, p99, hits, p50 / goal, b50 / p50, b99 / p99, verdict, n[key SUBSEP "p50-ms"]
      }
    }
  }'
echo
fi

if want 5; then
echo "== 5. First-run doc add: a 6-page PDF on a fresh machine (goal ≤ 2 s) =="
bash scripts/bench-cli.sh first-run "$rounds"
echo
fi

if want 6; then
echo "== 6. Peak RSS of facts extract on the 117-page paper (goal ≤ the 512 MiB ceiling) =="
bash scripts/bench-cli.sh rss "$rounds"
fi
echo

if want 7; then
echo "== 7. opus serve: GET /v1/facts?limit=50, 64 connections, 10,000 facts, Postgres (goals: >= 0.7x floor req/s, p99 < 50 ms, >= 3,000 req/s) =="
if [ -z "${OPUS_TEST_POSTGRES:-}" ]; then
  echo "   (skipped: set OPUS_TEST_POSTGRES=postgres://…)"
else
  go test -run '^$' -bench BenchmarkServeFactsList -benchtime 1x -count "$rounds" -timeout 30m ./internal/server | awk '
    function median(key, m, i, j, x, a) {
      m = n[key]; for (i = 1; i <= m; i++) a[i] = v[key, i]
      for (i = 2; i <= m; i++) { x = a[i]; j = i - 1; while (j > 0 && a[j] > x) { a[j+1] = a[j]; j-- } a[j+1] = x }
      return (m % 2) ? a[(m+1)/2] : (a[m/2] + a[m/2+1]) / 2
    }
    /^BenchmarkServeFactsList\// {
      split($1, p, "/"); who = p[2]; sub(/-[0-9]+$/, "", who)
      for (i = 3; i < NF; i += 2) { key = who SUBSEP $(i+1); v[key, ++n[key]] = $i }
    }
    END {
      printf "   %-8s %10s %9s %9s\n", "server", "req/s", "p50 ms", "p99 ms"
      for (k = 1; k <= 2; k++) {
        who = (k == 1) ? "floor" : "opus"
        printf "   %-8s %10.0f %9.1f %9.1f\n", who, median(who SUBSEP "req/s"), median(who SUBSEP "p50-ms"), median(who SUBSEP "p99-ms")
      }
      o = median("opus" SUBSEP "req/s"); f = median("floor" SUBSEP "req/s"); p99 = median("opus" SUBSEP "p99-ms")
      printf "   opus ÷ floor req/s %.2f (goal >= 0.7: %s); p99 %.1f ms (goal < 50: %s); %.0f req/s (goal >= 3000: %s)\n",
        o / f, (o / f >= 0.7) ? "met" : "MISSED", p99, (p99 < 50) ? "met" : "MISSED", o, (o >= 3000) ? "met" : "MISSED"
    }'
fi
fi
