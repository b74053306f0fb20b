#!/usr/bin/env bash
# make bench: PDF ingest pages/s next to pdftotext (same run), then offline fact
# extraction facts/s over the corpus. Medians of several runs are reported.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${ROUNDS:-5}

echo "== PDF text extraction: opus (PDFium/wasm) vs pdftotext =="
bash scripts/bench-ingest.sh "$rounds"

echo
echo "== Offline fact extraction over the corpus (librarian + anchoring checks) =="
out=$(go test -run '^$' -bench BenchmarkOfflineExtract -benchtime 1x -count "$rounds" ./internal/agents)
echo "$out" | grep Benchmark
echo "$out" | awk '/BenchmarkOfflineExtract/ {
    for (i = 1; i <= NF; i++) { if ($(i+1) == "facts/s") f[n] = $i; if ($(i+1) == "pages/s") p[n] = $i }
    n++ }
  END {
    asort(f); asort(p); m = int((n + 1) / 2)
    printf "median over %d runs: %.0f facts/s, %.0f pages/s\n", n, f[m], p[m] }'
