#!/usr/bin/env bash
# The opus binary as a user runs it (bin/opus, from `make build`), each figure
# against a baseline measured in the same rounds, as medians over the rounds.
#   first-run  `opus doc add` of a 6-page PDF (testdata/pdf/cermine_test2.pdf)
#              on a fresh machine: an empty HOME, so no PDFium compile cache
#              (the first run reads with wazero's interpreter and leaves a
#              detached copy of opus compiling the cache). Goal ≤ 2 s.
#              Baselines: the second `doc add` of the same file (cache
#              compiled, a new data directory) and pdftotext on it.
#   rss        peak RSS of `opus facts extract --provider offline` on the
#              117-page paper (testdata/pdf/pysample_GeoTopo.pdf), against
#              the memory ceiling of cmd/opus/memory_test.go (512 MiB).
#              Baselines: `doc add` of that paper and `doc list`, same rounds.
# Every command runs with `env -i` (PATH, HOME of the round, TMPDIR), so the
# caller's OPUS_*, XDG_* and OPENAI_* do not leak in. Peak RSS is GNU time's
# %M (the child's getrusage ru_maxrss), installed from Debian when missing.
# Usage: scripts/bench-cli.sh first-run|rss [rounds]   (default 5)
# OPUS_BIN=path measures that binary instead of building bin/opus.
set -euo pipefail

what=${1:?usage: scripts/bench-cli.sh first-run|rss [rounds]}
rounds=${2:-5}
root=$(cd "$(dirname "$0")/.." && pwd)
small=$root/testdata/pdf/cermine_test2.pdf
large=$root/testdata/pdf/pysample_GeoTopo.pdf
goal_first=2         # seconds: issue 8, item 9
ceiling_mib=512      # cmd/opus/memory_test.go memoryCeiling (512 << 20 bytes)
compile_timeout=300  # seconds to wait for a background compile to finish

case $what in first-run | rss) ;; *) echo "bench-cli: unknown section $what (first-run|rss)" >&2; exit 2 ;; esac
[[ $rounds =~ ^[1-9][0-9]*$ ]] || { echo "bench-cli: rounds must be a positive number, got $rounds" >&2; exit 2; }
if [ -z "${EPOCHREALTIME:-}" ]; then
  echo "bench-cli: needs bash 5 (EPOCHREALTIME)" >&2
  exit 1
fi

apt_install() { # package...
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get update -qq && $sudo apt-get install -y -qq "$@" >/dev/null
}
if ! /usr/bin/time -f %M true >/dev/null 2>&1; then
  echo "bench-cli: installing GNU time for peak RSS..." >&2
  apt_install time
fi
if [ "$what" = first-run ] && ! command -v pdftotext >/dev/null 2>&1; then
  echo "bench-cli: installing poppler-utils for pdftotext..." >&2
  apt_install poppler-utils
fi

if [ -n "${OPUS_BIN:-}" ]; then
  opus=$(cd "$(dirname "$OPUS_BIN")" && pwd)/$(basename "$OPUS_BIN")
else
  make -C "$root" -s --no-print-directory build >&2
  opus=$root/bin/opus
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/opus-bench-cli.XXXXXX")

# precompiles prints the pids of the detached PDFium compiles (processes
# whose OPUS_PDFTEXT_PRECOMPILE is a cache dir under $tmp): all of them are
# children of the commands this script ran.
precompiles() {
  [ -d /proc/self ] || return 0
  local re
  re=$(printf '%s' "OPUS_PDFTEXT_PRECOMPILE=$tmp/" | sed 's/[][\.*^$]/\\&/g')
  grep -lsz -e "^$re" /proc/[0-9]*/environ 2>/dev/null | awk -F/ '{ print $3 }' || true
}

cleanup() {
  local pid
  for pid in $(precompiles); do kill -9 "$pid" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# settle waits until no background compile runs for the HOME $1 (no lock
# file pdfium.compiling under it, no such process left), killing it after
# compile_timeout; it prints the seconds waited.
settle() {
  local home=$1 start=$EPOCHREALTIME pid
  while [ -n "$(find "$home" -name pdfium.compiling -print -quit)" ] || [ -n "$(precompiles)" ]; do
    if awk -v s="$start" -v n="$EPOCHREALTIME" -v t="$compile_timeout" 'BEGIN { exit !(n - s > t) }'; then
      echo "bench-cli: background compile still running after ${compile_timeout}s; killing it" >&2
      for pid in $(precompiles); do kill -9 "$pid" 2>/dev/null || true; done
      find "$home" -name pdfium.compiling -delete
      break
    fi
    sleep 0.1
  done
  awk -v s="$start" -v n="$EPOCHREALTIME" 'BEGIN { printf "%.2f\n", n - s }'
}

# warm HOME reports whether a compile cache under HOME holds PDFium.
warm() { [ -n "$(find "$1" -name pdfium.ready -size +0 -print -quit)" ]; }

# run HOME OPUS_HOME|- CMD... runs CMD in a clean environment whose data dir
# is OPUS_HOME (or HOME's default with -). It sets secs (wall time), cpu
# (user + system seconds), rss_mib (peak RSS) and out (stdout); on failure it
# prints stderr and exits.
run() {
  local home=$1 data=$2 start end
  shift 2
  local -a env=(env -i "PATH=$PATH" "HOME=$home" "TMPDIR=${TMPDIR:-/tmp}")
  [ "$data" = - ] || env+=("OPUS_HOME=$data")
  start=$EPOCHREALTIME
  if ! "${env[@]}" /usr/bin/time -f '%M %U %S' -o "$tmp/rusage" "$@" >"$tmp/stdout" 2>"$tmp/stderr"; then
    echo "bench-cli: failed: $*" >&2
    cat "$tmp/stderr" >&2
    exit 1
  fi
  end=$EPOCHREALTIME
  secs=$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f\n", e - s }')
  read -r rss_mib cpu < <(awk 'NF == 3 && $1 ~ /^[0-9]+$/ { m = $1; c = $2 + $3 }
    END { printf "%.1f %.2f\n", m / 1024, c }' "$tmp/rusage")
  out=$(cat "$tmp/stdout")
}

# stats FILE prints the median, minimum and maximum of its numbers.
stats() {
  sort -g "$1" | awk '{ v[NR] = $1 } END {
    if (NR == 0) exit 1
    printf "%.3f %.3f %.3f\n", (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2, v[1], v[NR] }'
}

# row LABEL FILE DECIMALS NOTE prints one line of a report: the median of
# FILE's numbers, their range, and NOTE.
row() {
  local med lo hi
  read -r med lo hi < <(stats "$2")
  printf "   %-28s %9.${3}f %15s%s\n" "$1" "$med" "$(printf "%.${3}f-%.${3}f" "$lo" "$hi")" "${4:+   $4}"
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

first_run() {
  local i r home
  echo "   file: testdata/pdf/cermine_test2.pdf (6 pages); $rounds rounds, each on a new empty HOME:"
  echo "   first = doc add with no compile cache; compile = until the detached compile it started has"
  echo "   finished (waited for, never overlapping a measurement); second = doc add of the same file"
  echo "   into a new data dir with the cache compiled; pdftotext = poppler on the same file"
  for i in $(seq "$rounds"); do
    r=$tmp/round$i
    home=$r/home
    mkdir -p "$home"
    [ -z "$(precompiles)" ] || { echo "bench-cli: a background compile is still running" >&2; exit 1; }

    run "$home" - "$opus" doc add "$small"
    echo "$secs" >>"$tmp/first"
    echo "$cpu" >>"$tmp/first_cpu"
    local first=$secs first_rss=$rss_mib first_cpu=$cpu
    local compile
    compile=$(settle "$home")
    echo "$compile" >>"$tmp/compile"
    if ! warm "$home"; then
      echo "bench-cli: the first doc add left no compiled PDFium (pdfium.ready) under its HOME" >&2
      exit 1
    fi

    run "$home" "$r/second" "$opus" doc add "$small"
    echo "$secs" >>"$tmp/second"
    local second=$secs

    run "$home" - pdftotext "$small" "$r/out.txt"
    echo "$secs" >>"$tmp/pdftotext"

    printf '   round %d: first %.2f s (CPU %.2f s, peak RSS %.0f MiB), compile done %.1f s later, second %.2f s, pdftotext %.3f s\n' \
      "$i" "$first" "$first_cpu" "$first_rss" "$compile" "$second" "$secs"
    rm -rf "$r"
  done

  local f s p _
  read -r f _ _ < <(stats "$tmp/first")
  read -r s _ _ < <(stats "$tmp/second")
  read -r p _ _ < <(stats "$tmp/pdftotext")
  local verdict=MISSED
  awk -v f="$f" -v g="$goal_first" 'BEGIN { exit !(f <= g) }' && verdict=met
  printf '   %-28s %9s %15s\n' "" "median s" "min-max s"
  row "first doc add (fresh HOME)" "$tmp/first" 2 \
    "$(ratio "$f" "$goal_first")× goal (≤ $goal_first s): $verdict (median of $rounds)"
  row "second doc add (cache warm)" "$tmp/second" 2 "first ÷ this: $(ratio "$f" "$s")×"
  row "pdftotext $(pdftotext -v 2>&1 | awk 'NR == 1 { print $3 }')" "$tmp/pdftotext" 3 \
    "first ÷ this: $(ratio "$f" "$p")×"
  row "first doc add, CPU s" "$tmp/first_cpu" 2 "user + system: less sensitive than wall time to a busy machine"
  row "compile done after" "$tmp/compile" 2 "in the background, after the first doc add returned"
}

peak_rss() {
  local i r home=$tmp/home
  mkdir -p "$home"
  echo "   file: testdata/pdf/pysample_GeoTopo.pdf (117 pages); $rounds rounds, each in a new data dir"
  echo "   (compile cache warm): doc add, facts extract D1 --provider offline, doc list; peak RSS = GNU time %M"
  # A warm compile cache, as on any machine after its first doc add: 117
  # pages compile PDFium in the foreground (more than the interpreter reads).
  run "$home" "$tmp/warmup" "$opus" doc add "$large"
  printf '   warm-up: doc add with no compile cache (compiles PDFium in the foreground): %.0f MiB in %.2f s\n' \
    "$rss_mib" "$secs"
  settle "$home" >/dev/null
  warm "$home" || echo "bench-cli: no compiled PDFium (pdfium.ready) after the warm-up; doc add below compiles" >&2
  rm -rf "$tmp/warmup"
  for i in $(seq "$rounds"); do
    r=$tmp/round$i
    run "$home" "$r" "$opus" doc add "$large"
    echo "$rss_mib" >>"$tmp/add"
    echo "$secs" >>"$tmp/add_s"
    local add=$rss_mib add_s=$secs
    run "$home" "$r" "$opus" facts extract D1 --provider offline
    echo "$rss_mib" >>"$tmp/extract"
    echo "$secs" >>"$tmp/extract_s"
    local extract=$rss_mib extract_s=$secs extracted=$out
    run "$home" "$r" "$opus" doc list
    echo "$rss_mib" >>"$tmp/list"
    printf '   round %d: facts extract %.0f MiB in %.2f s (%s); doc add %.0f MiB in %.2f s; doc list %.0f MiB\n' \
      "$i" "$extract" "$extract_s" "$extracted" "$add" "$add_s" "$rss_mib"
    rm -rf "$r"
  done

  local x a l _
  read -r x _ _ < <(stats "$tmp/extract")
  read -r a _ _ < <(stats "$tmp/add")
  read -r l _ _ < <(stats "$tmp/list")
  local verdict=MISSED
  awk -v x="$x" -v c="$ceiling_mib" 'BEGIN { exit !(x <= c) }' && verdict=met
  printf '   %-28s %9s %15s\n' "" "peak MiB" "min-max MiB"
  row "facts extract (offline)" "$tmp/extract" 1 \
    "$(ratio "$x" "$ceiling_mib")× ceiling ($ceiling_mib MiB): $verdict (median of $rounds)"
  row "doc add (baseline)" "$tmp/add" 1 \
    "facts extract ÷ this: $(ratio "$x" "$a")×; this ÷ ceiling: $(ratio "$a" "$ceiling_mib")×"
  row "doc list (baseline)" "$tmp/list" 1 "facts extract ÷ this: $(ratio "$x" "$l")×"
  printf '   %-28s %9s %15s\n' "" "median s" "min-max s"
  row "facts extract time" "$tmp/extract_s" 2 ""
  row "doc add time" "$tmp/add_s" 2 ""
}

case $what in
first-run) first_run ;;
rss) peak_rss ;;
esac
