#!/usr/bin/env bash
# make demo: add a real paper, extract anchored facts, write a verified paragraph, show it and
# export it for Pandoc (Markdown + BibTeX).
# Runs offline in ./.demo (a fresh data directory each time); needs no API key.
set -euo pipefail
cd "$(dirname "$0")/.."
export OPUS_HOME="$PWD/.demo" OPUS_PROVIDER=offline
rm -rf "$OPUS_HOME"
opus=./bin/opus
set -x
$opus doc add testdata/pdf/cermine_test2.pdf
$opus facts extract D1
$opus facts list --doc D1 | sed -n 1,8p
$opus para generate testdata/demo-spec.yaml
$opus para show P1
$opus para export P1 -o "$OPUS_HOME/results.md"
cat "$OPUS_HOME/results.md" "$OPUS_HOME/results.bib"
$opus para trace P1 | sed -n 1,45p
{ set +x; } 2>/dev/null
echo "note: the offline writer restates each fact nearly word for word, quotation-style by design; sentences marked verbatim must be quoted in a manuscript (set OPENAI_API_KEY for a model writer)."
