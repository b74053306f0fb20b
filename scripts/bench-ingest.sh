#!/usr/bin/env bash
# Compares opus's PDF text extraction (internal/pdftext: PDFium in wazero)
# with poppler's pdftotext on the papers of testdata/pdf, or of the whole
# corpus when OPUS_CORPUS names it (absolute, or relative to the repository
# root, e.g. OPUS_CORPUS=../shared/corpus/pdf: 28 papers, the better figure).
# Rounds alternate opus and pdftotext in one run, so load on the machine
# hits both alike; the report gives medians and their ratio.
# Usage: scripts/bench-ingest.sh [rounds]   (default 5; ~30 s on 2 cores)
set -euo pipefail

rounds=${1:-5}
root=$(cd "$(dirname "$0")/.." && pwd)
pkg=$root/internal/pdftext

if [ -n "${OPUS_CORPUS:-}" ]; then
  dir=$(cd "$root" && cd "$OPUS_CORPUS" && pwd)
  export OPUS_CORPUS=$dir # the test binary runs in the package directory
  set_name="the corpus at $dir (OPUS_CORPUS)"
else
  dir=$root/testdata/pdf
  set_name="testdata/pdf"
  echo "bench-ingest: the papers of testdata/pdf; set OPUS_CORPUS=../shared/corpus/pdf for the whole corpus" >&2
fi
if [ ! -f "$dir/MANIFEST.tsv" ]; then
  echo "bench-ingest: no MANIFEST.tsv in $dir" >&2
  exit 1
fi

if ! command -v pdftotext >/dev/null 2>&1; then
  echo "bench-ingest: installing poppler-utils for pdftotext..." >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get update -qq && $sudo apt-get install -y -qq poppler-utils >/dev/null
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$root" && go test -c -o "$tmp/pdftext.test" ./internal/pdftext)

# The test binary must run in the package directory: testdata/pdf is relative.
for i in $(seq "$rounds"); do
  (cd "$pkg" && "$tmp/pdftext.test" -test.run '^$' \
    -test.bench '^Benchmark(Pages|Pdftotext)$' -test.benchtime 1x) |
    tee -a "$tmp/out" | grep '^Benchmark' | sed "s/^/round $i: /"
done

# Median of the pages/s column of one benchmark.
median() {
  awk -v name="$1" '$1 ~ "^"name"(-[0-9]+)?$" {
      for (i = 2; i < NF; i++) if ($(i+1) == "pages/s") print $i }' "$tmp/out" |
    sort -g | awk '{ v[NR] = $1 } END {
      if (NR == 0) exit 1
      print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2 }'
}

opus=$(median BenchmarkPages)
poppler=$(median BenchmarkPdftotext)
papers=$(awk -F'\t' 'NR > 1 && $1 !~ /^bad_/ { n++; p += $6 } END { print n " papers, " p " pages" }' \
  "$dir/MANIFEST.tsv")
echo
echo "PDF text extraction ($papers, $set_name), median of $rounds interleaved rounds:"
printf '  %-24s %7.1f pages/s\n' "opus (go-pdfium, wasm)" "$opus" \
  "pdftotext $(pdftotext -v 2>&1 | awk 'NR == 1 { print $3 }')" "$poppler"
awk -v a="$opus" -v b="$poppler" 'BEGIN { printf "  %-24s %7.2f\n", "ratio opus/pdftotext", a / b }'
