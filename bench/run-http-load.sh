#!/usr/bin/env bash
# Starts settled on a temporary data dir, runs the HTTP load generator against it (closed loop
# for peak throughput, then paced at 20,000/s for latency), and stops the daemon.
# Usage: bench/run-http-load.sh [build-dir] [requests]
set -euo pipefail
build=${1:-build}
requests=${2:-100000}
data=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -rf "$data"' EXIT
"$build/src/settled" --data-dir="$data" --http=127.0.0.1:0 --http-threads=${HTTP_THREADS:-1} --log-level=warn \
  > "$data/out" 2> "$data/err" &
pid=$!
until grep -q "settled ready" "$data/out"; do sleep 0.1; done
target=$(sed -n 's/.*http=\([^ ]*\).*/\1/p' "$data/out")
echo "== closed loop, 64 connections"
"$build/bench/settled_http_load" --target="$target" --connections=64 --requests="$requests"
echo "== open loop at 20000/s, 64 connections"
"$build/bench/settled_http_load" --target="$target" --connections=64 --requests="$requests" --rate=20000
