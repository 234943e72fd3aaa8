#!/usr/bin/env bash
# Restart time with many open executions (issue 14 item 7): writes COUNT executions that each
# wait an hour (settled_bench_restart_prepare), evicts the store's files from the page cache
# (posix_fadvise DONTNEED: a cold start without root), starts the daemon on them and measures
# until GET /readyz answers 200 (it round-trips the executions supervisor, the ledger and a
# durable store write). Prints restart_seconds=S and the daemon's resident memory then.
# Usage: bench/run-restart.sh [build-dir] [count (1000000)]
set -euo pipefail
build="$(cd "${1:-build}" && pwd)"
count="${2:-1000000}"
work="$(mktemp -d)"
pid=
trap '[ -n "${pid}" ] && kill "${pid}" 2>/dev/null; [ -n "${pid}" ] && wait "${pid}" 2>/dev/null; rm -rf "${work}"' EXIT
mkdir -p "${work}/workflows"
cat >"${work}/workflows/nap.asl.json" <<'JSON'
{"StartAt": "Nap", "States": {"Nap": {"Type": "Wait", "Seconds": 3600, "End": true}}}
JSON
"${build}/bench/settled_bench_restart_prepare" "${work}/var" "${work}/workflows" "${count}" >&2
du -sh "${work}/var" >&2
# Cold page cache for the store's files.
python3 - "${work}/var" <<'PY'
import os, sys
for root, _, files in os.walk(sys.argv[1]):
    for name in files:
        fd = os.open(os.path.join(root, name), os.O_RDONLY)
        os.fsync(fd)
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        os.close(fd)
PY
cd "${work}"  # the daemon's relative defaults (./config/schedules) must not find the repository's
start="$(date +%s.%N)"
"${build}/src/settled" --data-dir="${work}/var" --http=127.0.0.1:0 \
  --workflows-dir="${work}/workflows" --log-level=warn >"${work}/out" 2>"${work}/err" &
pid=$!
until grep -q "settled ready" "${work}/out" 2>/dev/null; do
  kill -0 "${pid}" 2>/dev/null || { cat "${work}/err" >&2; exit 1; }
  sleep 0.005
done
target="$(sed -n 's/.*http=\([^ ]*\).*/\1/p' "${work}/out")"
until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://${target}/readyz")" = 200 ]; do
  sleep 0.005
done
ready="$(date +%s.%N)"
open="$(curl -s "http://${target}/metrics" | awk '$1 == "settled_open_executions" { print $2 }')"
echo "open_executions=${open}"
echo "restart_seconds=$(awk -v a="${start}" -v b="${ready}" 'BEGIN { printf "%.3f", b - a }')"
echo "rss_kib=$(awk '/VmRSS/ { print $2 }' "/proc/${pid}/status")"
