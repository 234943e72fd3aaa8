#!/usr/bin/env bash
# Differential test: runs every case in cases/ on a real settled daemon (daemon_runner.mjs,
# mocks from a generated Step Functions Local mock configuration) and on the npm package
# aws-local-stepfunctions, and compares them (compare.mjs). See docs/differential-testing.md.
# Usage: run-differential.sh --settled PATH/settled --reference-dir DIR [--cases DIR]
# Exit: 0 all agree; 1 a difference or a stale list entry; 77 the reference cannot be installed
# (skipped) — except under CI=true, where a corpus that cannot run is a failure (exit 1): CI
# installs node and npm (scripts/install-deps.sh) and reaches the npm registry.
# The summary line ("cases: N  PASS: ...") is also written to DIR/results/summary.txt.
set -euo pipefail

skip() {
  if [ "${CI:-}" = "true" ]; then
    echo "FAILED: $1 (under CI=true the differential corpus must run)" >&2
    exit 1
  fi
  echo "SKIPPED: $1" >&2
  exit 77
}

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
settled=""
refdir=""
cases="${here}/cases"
while [ $# -gt 0 ]; do
  case "$1" in
    --settled) settled="$2"; shift 2 ;;
    --reference-dir) refdir="$2"; shift 2 ;;
    --cases) cases="$2"; shift 2 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
if [ -z "${settled}" ] || [ -z "${refdir}" ]; then
  echo "usage: $0 --settled PATH --reference-dir DIR [--cases DIR]" >&2
  exit 2
fi
if [ ! -x "${settled}" ]; then
  echo "FAILED: ${settled} is not built (cmake --build build --target settled)" >&2
  exit 1
fi
if ! command -v node >/dev/null; then
  skip "node is not installed (scripts/install-deps.sh installs it)"
fi
# Debian bookworm's node 18.20 is the oldest that runs the corpus: the reference needs
# AbortSignal.any (18.17+) and Promise.withResolvers (22+, supplied by run_reference.mjs).
if ! node -e 'const [major, minor] = process.versions.node.split(".").map(Number);
  process.exit(major > 18 || (major === 18 && minor >= 17) ? 0 : 1)'; then
  echo "FAILED: node $(node --version) is too old for the differential corpus (needs 18.17 or later)" >&2
  exit 1
fi

# The pinned reference, installed on first use (reference/install.sh).
if ! "${here}/reference/install.sh" "${refdir}"; then
  skip "could not install aws-local-stepfunctions (no npm, or no npm registry?)"
fi

results="${refdir}/results"
mkdir -p "${results}"
# The reference first: the inputs its tasks received mock settled's tasks that return their
# own input, and are compared with the inputs settled gives its tasks (one reference run).
node "${here}/reference/run_reference.mjs" --modules "${refdir}" --all "${cases}" \
  >"${results}/reference.jsonl"
node "${here}/daemon_runner.mjs" --settled "${settled}" --work "${refdir}/daemon" \
  --all "${cases}" --reference "${results}/reference.jsonl" >"${results}/settled.jsonl"
status=0
node "${here}/compare.mjs" "${cases}" "${results}/settled.jsonl" "${results}/reference.jsonl" \
  "${here}/known-differences.json" "${here}/pending.json" >"${results}/compare.txt" || status=$?
cat "${results}/compare.txt"
grep '^cases: ' "${results}/compare.txt" >"${results}/summary.txt" || {
  echo "FAILED: compare.mjs printed no summary" >&2
  exit 1
}
exit "${status}"
