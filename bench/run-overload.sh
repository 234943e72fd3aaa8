#!/usr/bin/env bash
# Overload: does settled shed instead of queueing? Starts settled on a temporary data dir, finds
# the sustainable rate of payment starts (or takes it as an argument), measures the unloaded
# latency at a tenth of it, then offers 1x, 2x and 5x that rate open loop (fixed offered rate,
# bench/http_load.cpp) and prints one table row per level.
#
# Usage: bench/run-overload.sh [build-dir] [sustainable-rate/s] [seconds-per-level]
# Environment: DAEMON_ARGS (extra settled flags, e.g. --max-in-flight=32), CONNECTIONS (load
# generator connections, default 500; the daemon is started with a per-peer cap above it, since
# every load connection comes from 127.0.0.1), LOAD_THREADS (default 1), DAEMON_CPUS / LOAD_CPUS
# (taskset CPU lists, e.g. 0 and 1: keeps the generator off the daemon's cores, so that at 5x the
# generator's own work does not count as the daemon's latency).
#
# Sustainable rate: 80 % of the closed-loop peak of 16 connections (a rate the daemon answers
# in full). The unloaded latency runs three times a level's seconds (its p99 needs the samples).
# Latencies count from each request's due time. Acceptance, per level: accepted p99
# within 3x the unloaded p99, and no request failed otherwise (every one accepted or answered
# 503/429). sent_p99 is the accepted p99 counted from the actual send and lag_p99 how late the
# generator sent: a large lag means the generator, not the daemon, fell behind (e.g. a busy
# machine), and the row says little about the daemon.
set -euo pipefail
build=${1:-build}
rate=${2:-}
seconds=${3:-10}
connections=${CONNECTIONS:-500}
threads=${LOAD_THREADS:-1}
load="$build/bench/settled_http_load"
data=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; [ -n "$pid" ] && wait "$pid" 2>/dev/null; rm -rf "$data"' EXIT
# shellcheck disable=SC2086
${DAEMON_CPUS:+taskset -c "$DAEMON_CPUS"} "$build/src/settled" --data-dir="$data" --http=127.0.0.1:0 --log-level=warn \
  --max-connections-per-peer=$((connections + 64)) ${DAEMON_ARGS:-} \
  > "$data/out" 2> "$data/err" &
pid=$!
for _ in $(seq 300); do grep -q "settled ready" "$data/out" && break; sleep 0.1; done
grep -q "settled ready" "$data/out" || { cat "$data/err"; exit 1; }
target=$(sed -n 's/.*http=\([^ ]*\).*/\1/p' "$data/out")

# Lets the executions started by the previous run finish, so each level starts from rest.
settle() {
  for _ in $(seq 600); do
    open=$(curl -s "http://$target/metrics" | sed -n 's/^settled_open_executions \([0-9.e+]*\)$/\1/p')
    [ "${open:-1}" = "0" ] && return 0
    sleep 0.1
  done
}

result() {  # the RESULT line of a load run: key=value ...
  ${LOAD_CPUS:+taskset -c "$LOAD_CPUS"} "$load" --target="$target" --threads="$threads" "$@" 2> "$data/load-err" | sed -n 's/^RESULT //p' || true
}

field() { tr ' ' '\n' <<< "$1" | sed -n "s/^$2=//p"; }

if [ -z "$rate" ]; then
  peak=$(field "$(result --connections=16 --requests=$((seconds * 1000)))" accepted_per_s)
  rate=$(( peak * 8 / 10 ))
  echo "closed-loop peak (16 connections): ${peak}/s -> sustainable rate ${rate}/s"
  settle
fi
# The unloaded p99 is the yardstick of every level: at a tenth of the rate, one level's seconds
# give only a few dozen answers in its tail, so it is measured over three times as long.
unloaded=$(result --connections="$connections" --rate=$((rate / 10)) --duration=$((seconds * 3)))
base_p99=$(field "$unloaded" acc_p99_ms)
echo "unloaded (${rate}/10 = $((rate / 10))/s for $((seconds * 3)) s): accepted p50 $(field "$unloaded" acc_p50_ms) ms, p99 ${base_p99} ms"
echo "daemon: ${DAEMON_ARGS:-defaults}${DAEMON_CPUS:+ on cpus $DAEMON_CPUS}${LOAD_CPUS:+, generator on cpus $LOAD_CPUS}; ${connections} connections; ${seconds} s per level; $(nproc) cores, load $(cut -d" " -f1-3 /proc/loadavg)"
printf '%-5s %9s %11s %9s %9s %7s %8s %8s %11s %7s %9s %9s %s\n' level offered/s accepted/s p50_ms \
  p99_ms p99/base 503 429 shed_p99_ms failed sent_p99 lag_p99 verdict
status=0
for factor in 1 2 5; do
  settle
  r=$(result --connections="$connections" --rate=$((rate * factor)) --duration="$seconds")
  p99=$(field "$r" acc_p99_ms)
  failed=$(( $(field "$r" other_status) + $(field "$r" failed) ))
  ratio=$(awk -v a="$p99" -v b="$base_p99" 'BEGIN { printf "%.1f", (b > 0 ? a / b : 0) }')
  verdict=ok
  awk -v r="$ratio" 'BEGIN { exit !(r > 3) }' && verdict="p99>3x"
  [ "$failed" -ne 0 ] && verdict="FAILURES"
  [ "$verdict" = ok ] || status=1
  printf '%-5s %9s %11s %9s %9s %7s %8s %8s %11s %7s %9s %9s %s\n' "${factor}x" \
    "$(field "$r" offered)" "$(field "$r" accepted_per_s)" "$(field "$r" acc_p50_ms)" "$p99" \
    "$ratio" "$(field "$r" shed503)" "$(field "$r" shed429)" "$(field "$r" shed_p99_ms)" \
    "$failed" "$(field "$r" acc_p99_from_send_ms)" "$(field "$r" send_lag_p99_ms)" "$verdict"
done
exit $status
