#!/usr/bin/env bash
# make bench: every performance figure opus promises, each measured against a
# baseline in the same run, reported as medians over several runs.
#   1. PDF ingest pages/s, opus (PDFium/wasm) vs poppler's pdftotext, interleaved.
#   2. Offline fact extraction facts/s over the corpus.
#   3. Against a fake OpenAI server answering after L = 200 ms: an 8-sentence
#      paragraph (target ≤ 2.3 × L + 50 ms), the 46-page paper with chunk
#      concurrency 8 (≈ ⌈chunks/8⌉ × L), and server calls when an identical
#      spec is regenerated (target 0).
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${ROUNDS:-5}

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

echo "== 1. PDF text extraction: opus vs pdftotext =="
bash scripts/bench-ingest.sh "$rounds"

echo
echo "== 2. Offline fact extraction over the corpus =="
go test -run '^$' -bench BenchmarkOfflineExtract -benchtime 1x -count "$rounds" ./internal/agents | medians

echo
echo "== 3. Latency against a model answering after L = 200 ms =="
go test -run '^$' -bench 'BenchmarkGenerateParagraph8|BenchmarkExtract46Pages|BenchmarkRegenerateIdentical' \
  -benchtime 3x -count "$rounds" ./internal/service | medians
