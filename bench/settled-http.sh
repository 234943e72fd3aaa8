#!/usr/bin/env bash
# settled's side of bench/run-peers.sh's HTTP row: starts settled (embedded defaults, Stripe
# simulated) on a temporary data dir, drives POST /v1/executions with wrk (closed loop; each
# request a new payment: peers/settled_executions.lua), waits until every started execution has
# finished, then offers a fixed 20,000 requests/s with settled_http_load for the p99.
# Prints: requests_per_s (acknowledged, 201, under wrk; admission's 503/429 are not counted, and
# their number is printed as shed), completed_per_s (finished executions
# over the wrk run and the drain after it), p99_at_20000_ms (accepted p99 at 20,000/s).
# Usage: bench/settled-http.sh BUILD_DIR SECONDS CONNECTIONS THREADS
# Environment: DAEMON_ARGS, extra settled flags (e.g. --max-in-flight=32) to compare settings.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="${1:?usage: settled-http.sh BUILD_DIR SECONDS CONNECTIONS THREADS}"
seconds="${2:?}"
connections="${3:?}"
threads="${4:?}"
data="$(mktemp -d)"
pid=
trap '[ -n "${pid}" ] && kill "${pid}" 2>/dev/null; [ -n "${pid}" ] && wait "${pid}" 2>/dev/null; rm -rf "${data}"' EXIT
# shellcheck disable=SC2086  # DAEMON_ARGS is split into flags on purpose
"${build}/src/settled" --data-dir="${data}" --workflows-dir="${here}/../config/workflows" \
  --http=127.0.0.1:0 --log-level=warn \
  --max-connections-per-peer=$((connections + 64)) ${DAEMON_ARGS:-} >"${data}/out" 2>"${data}/err" &
pid=$!
for _ in $(seq 300); do grep -q "settled ready" "${data}/out" && break; sleep 0.1; done
grep -q "settled ready" "${data}/out" || { cat "${data}/err" >&2; exit 1; }
target="$(sed -n 's/.*http=\([^ ]*\).*/\1/p' "${data}/out")"

metric() {
  curl -s "http://${target}/metrics" | awk -v m="$1" '$1 == m || index($1, m "{") == 1 { s += $2 }
    END { printf "%.0f\n", s }'
}
# Waits until no execution is open; fails after two minutes.
drain() {
  for _ in $(seq 1200); do
    [ "$(metric settled_open_executions)" = "0" ] && return 0
    sleep 0.1
  done
  echo "settled-http: executions still open after two minutes" >&2
  exit 1
}
now() { date +%s.%N; }

finished_before="$(metric settled_executions_finished_total)"
started_at="$(now)"
out="$(BENCH_RUN="run$$" wrk -t"${threads}" -c"${connections}" -d"${seconds}s" \
  -s "${here}/peers/settled_executions.lua" "http://${target}/")"
echo "${out}" >&2
echo "${out}" | grep -q "errors(connect=0 read=0 write=0 timeout=0)" ||
  { echo "settled-http: some requests failed" >&2; exit 1; }
drain
drained_at="$(now)"
finished=$(($(metric settled_executions_finished_total) - finished_before))
requests="$(echo "${out}" | sed -n 's/^wrk: requests=\([0-9]*\).*/\1/p')"
shed="$(echo "${out}" | sed -n 's/^wrk: .* shed=\([0-9]*\).*/\1/p')"
acknowledged=$((requests - shed))
[ "${finished}" -ge "${acknowledged}" ] ||
  { echo "settled-http: ${acknowledged} acknowledged, ${finished} finished" >&2; exit 1; }
echo "requests_per_s=$(echo "${out}" | sed -n 's/^wrk: accepted_per_s=\([0-9.]*\).*/\1/p')"
echo "shed=${shed}"
echo "completed_per_s=$(awk -v n="${finished}" -v a="${started_at}" -v b="${drained_at}" \
  'BEGIN { printf "%.0f", n / (b - a) }')"

result="$("${build}/bench/settled_http_load" --target="${target}" --connections="${connections}" \
  --rate=20000 --duration="${seconds}" | sed -n 's/^RESULT //p')"
echo "${result}" >&2
echo "p99_at_20000_ms=$(tr ' ' '\n' <<<"${result}" | sed -n 's/^acc_p99_ms=//p')"
