#!/usr/bin/env bash
# The walk-through of docs/serve.md, against the built binary: opus serve and
# one opus worker on a fresh Postgres database, two users, one uploads a
# paper, extracts its facts and gets a verified paragraph; the other gets 404
# for each of those resources; both processes stop on SIGTERM with exit 0.
# Needs bin/opus (make build), Postgres (PGHOST etc. or 127.0.0.1:5432 as
# postgres) and curl. Run by .ci/run after the tests, never beside them.
set -euo pipefail
cd "$(dirname "$0")/.."
opus=$PWD/bin/opus
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
command -v curl >/dev/null || { apt-get update -qq && apt-get install -y -qq curl >/dev/null; }

db="opus_smoke_$(date +%s)_$$"
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  psql -q -d test -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
psql -q -d test -c "CREATE DATABASE $db"
export OPUS_DB="postgres://$PGUSER@$PGHOST:$PGPORT/$db?sslmode=disable" OPUS_HOME=$work/home OPUS_PROVIDER=offline
fail() { echo "serve-smoke: FAIL: $*" >&2; for f in "$work"/*.log; do echo "--- $f" >&2; cat "$f" >&2; done; exit 1; }
step() { echo "serve-smoke: $*"; }

$opus migrate >/dev/null
pw='correct horse battery staple'
printf '%s\n' "$pw" | $opus user add ada@example.org --password-stdin >/dev/null
printf '%s\n' "$pw" | $opus user add bob@example.org --password-stdin >/dev/null

$opus serve --addr 127.0.0.1:0 --workers 0 --json >"$work/serve.out" 2>"$work/serve.log" &
pids+=($!)
serve=$!
$opus worker --workers 2 >"$work/worker.out" 2>"$work/worker.log" &
pids+=($!)
worker=$!
for _ in $(seq 100); do grep -q addr "$work/serve.out" 2>/dev/null && break; sleep 0.1; done
addr=$(sed -n 's/.*"addr": "\(.*\)".*/\1/p' "$work/serve.out")
[ -n "$addr" ] || fail "opus serve printed no address"
api=http://$addr
step "serving $api, one worker process"

# call METHOD PATH TOKEN [curl args…] prints the body; the status goes to $work/status.
call() {
  local method=$1 path=$2 token=$3
  shift 3
  curl -sS -o "$work/body" -w '%{http_code}' -X "$method" ${token:+-H "Authorization: Bearer $token"} "$@" "$api$path" >"$work/status"
  cat "$work/body"
}
expect() { # STATUS what
  [ "$(cat "$work/status")" = "$1" ] || fail "$2: HTTP $(cat "$work/status"), want $1: $(cat "$work/body")"
}
field() { sed -n "s/.*\"$1\": *\"\\([^\"]*\\)\".*/\\1/p" | head -1; }

login() {
  call POST /v1/auth/login "" -H 'Content-Type: application/json' -d "{\"email\": \"$1\", \"password\": \"$pw\"}" | field token
}
ada=$(login ada@example.org)
expect 200 "login ada"
bob=$(login bob@example.org)
expect 200 "login bob"
case $ada in opus_*) ;; *) fail "login gave no opus_ token" ;; esac

call GET /readyz "" >/dev/null
expect 200 "readyz"

doc=$(call POST /v1/documents "$ada" -F file=@testdata/pdf/cermine_test2.pdf | field id)
expect 201 "upload"
step "uploaded $doc"
job=$(call POST "/v1/documents/$doc/extract" "$ada" -H 'Idempotency-Key: smoke-extract' | field id)
expect 202 "extract"
state=$(call GET "/v1/jobs/$job?wait=60s" "$ada" | field state)
[ "$state" = succeeded ] || fail "extract job $job ended $state"
facts=$(call GET "/v1/facts?document=$doc" "$ada" | grep -o '"id": *"F[0-9]*"' | wc -l)
expect 200 "facts"
[ "$facts" -gt 3 ] || fail "only $facts facts"
step "$job: $facts facts"

out=$(call POST /v1/paragraphs "$ada" -H 'Content-Type: application/json' \
  -d '{"section": "results", "intent": "Report the findings.", "facts": ["F2", "F3"]}')
expect 202 "generate"
para=$(printf '%s' "$out" | grep -o '"paragraph": *{"id": *"P[0-9]*"' | grep -o 'P[0-9]*')
pjob=$(printf '%s' "$out" | grep -o '"job": *{"id": *"J[0-9]*"' | grep -o 'J[0-9]*')
state=$(call GET "/v1/jobs/$pjob?wait=60s" "$ada" | field state)
[ "$state" = succeeded ] || fail "paragraph job $pjob ended $state"
shown=$(call GET "/v1/paragraphs/$para" "$ada")
expect 200 "show $para"
printf '%s' "$shown" | grep -q '"state": *"verified"' || fail "$para is not verified: $shown"
printf '%s' "$shown" | grep -q '\[F2\]' || fail "$para's text cites no F2: $shown"
step "$para verified"

for path in "/v1/documents/$doc" /v1/facts/F2 "/v1/paragraphs/$para" "/v1/jobs/$job" /v1/runs/R1; do
  call GET "$path" "$bob" >/dev/null
  expect 404 "bob reads $path"
done
[ "$(call GET /v1/documents "$bob")" = "[]" ] || fail "bob's document list is not empty"
call GET /v1/documents "" >/dev/null
expect 401 "no token"
step "the other user gets 404 for each, and an empty list"

# A database restart: /readyz says 503 while Postgres is down, and both
# processes reconnect by themselves: a paragraph asked for afterwards is
# written by the worker and verified once. (Not yet here: a job in flight
# across the restart; see issue 9, item 6.)
cluster=$(find /etc/postgresql -mindepth 1 -maxdepth 1 -printf "%f\n" 2>/dev/null | head -1)
if [ -n "$cluster" ] && command -v pg_ctlcluster >/dev/null; then
  pg_ctlcluster --skip-systemctl-redirect "$cluster" main stop
  call GET /readyz "" >/dev/null
  st=$(cat "$work/status")
  pg_ctlcluster --skip-systemctl-redirect "$cluster" main start
  [ "$st" = 503 ] || fail "readyz answered $st while the database was down"
  for _ in $(seq 60); do call GET /readyz "" >/dev/null; [ "$(cat "$work/status")" = 200 ] && break; sleep 0.5; done
  expect 200 "readyz after the restart"
  out=""
  for _ in $(seq 20); do # the first requests may meet connections the restart closed
    out=$(call POST /v1/paragraphs "$ada" -H 'Content-Type: application/json' -H 'Idempotency-Key: smoke-restart' \
      -d '{"section": "results", "intent": "Report it again.", "facts": ["F4", "F5"]}')
    [ "$(cat "$work/status")" = 202 ] && break
    sleep 0.5
  done
  expect 202 "generate after the restart"
  para2=$(printf '%s' "$out" | grep -o '"paragraph": *{"id": *"P[0-9]*"' | grep -o 'P[0-9]*')
  pjob2=$(printf '%s' "$out" | grep -o '"job": *{"id": *"J[0-9]*"' | grep -o 'J[0-9]*')
  state=""
  for _ in $(seq 12); do
    state=$(call GET "/v1/jobs/$pjob2?wait=10s" "$ada" | field state)
    case $state in succeeded | failed | cancelled) break ;; esac
  done
  [ "$state" = succeeded ] || fail "paragraph job $pjob2 ended $state after the restart"
  revs=$(call GET "/v1/paragraphs/$para2/trace" "$ada" | grep -o '"origin": *"writer"' | wc -l)
  [ "$revs" = 1 ] || fail "$para2 has $revs written revisions, want exactly 1"
  step "Postgres restarted: readyz 503 then 200; serve and worker reconnected, $pjob2 finished once"
fi

kill -TERM "$serve" "$worker"
wait "$serve" || fail "opus serve exited $? on SIGTERM"
wait "$worker" || fail "opus worker exited $? on SIGTERM"
pids=()
step "both stopped on SIGTERM with exit 0; passed"
