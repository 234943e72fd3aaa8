#!/usr/bin/env bash
# Memory per waiting execution: starts settled with a state machine that only waits (an hour),
# starts N executions over HTTP, waits until every one has passivated (no actor left), and
# reports the daemon's resident memory before and after, per waiting execution.
# Usage: bench/run-waiting-memory.sh [build-dir] [executions]
set -euo pipefail
build="$(cd "${1:-build}" && pwd)"
count=${2:-100000}
data=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -rf "$data"' EXIT
mkdir -p "$data/workflows"
cat > "$data/workflows/nap.asl.json" <<'JSON'
{"StartAt": "Nap", "States": {"Nap": {"Type": "Wait", "Seconds": 3600, "End": true}}}
JSON
# From the temporary directory: the daemon's relative defaults (./config/schedules) must not
# find the repository's.
cd "$data"
"$build/src/settled" --data-dir="$data/var" --http=127.0.0.1:0 --workflows-dir="$data/workflows" \
  --map-size-mib=8192 --log-level=warn > "$data/out" 2> "$data/err" &
pid=$!
until grep -q "settled ready" "$data/out"; do
  kill -0 "$pid" 2>/dev/null || { cat "$data/err" >&2; exit 1; }
  sleep 0.1
done
target=$(sed -n 's/.*http=\([^ ]*\).*/\1/p' "$data/out")
# RssAnon is the heap (what executions cost); RssFile is LMDB's memory map, pages of the data
# file the kernel can drop at will.
rss() { awk -v f="$1" '$1 == f":" {print $2}' "/proc/$pid/status"; }
status() { "$build/src/settlectl" --socket="$data/var/settled.sock" --json status; }
field() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
before=$(rss RssAnon)
before_file=$(rss RssFile)
"$build/bench/settled_http_load" --target="$target" --connections=32 --requests="$count" \
  --state-machine=nap
until [ "$(status | field 'd["runningExecutions"]')" = 0 ]; do sleep 0.5; done
open=$(status | field 'd["openExecutions"]["RUNNING"]')
after=$(rss RssAnon)
after_file=$(rss RssFile)
echo "waiting executions: $open (actors alive: 0)"
echo "anonymous (heap) memory: before ${before} KiB, after ${after} KiB:" \
  "$(( (after - before) * 1024 / open )) bytes per waiting execution"
echo "file-backed (LMDB map) memory: before ${before_file} KiB, after ${after_file} KiB"
