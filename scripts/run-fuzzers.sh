#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz) in the fuzz tree build-fuzz (CMakePresets.json
# "sanitize": clang 14, ASan + UBSan; only the fuzz targets and what they link) and runs each for
# SECONDS on a copy of its committed corpus (tests/fuzz/corpus/<name>), as many at once as there
# are cores; fails on a crash, leak, undefined behaviour or timeout. CI runs 45 s each; for a
# deep run: 3600.
#   scripts/run-fuzzers.sh SECONDS [name ...]     (names: asl_parser json_path ...; default all)
# A finding is kept as build-fuzz/findings/<name>/crash-* (or timeout-*, leak-*); reproduce
#   build-fuzz/tests/fuzz/<name>_fuzz build-fuzz/findings/<name>/crash-...
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:?usage: scripts/run-fuzzers.sh SECONDS [name ...]}"
shift
build="${FUZZ_BUILD_DIR:-build-fuzz}"
all=(asl_parser json_path intrinsic payload_template ledger_request stripe http_request
  dynamodb_update stored_text)
names=("$@")
[ ${#names[@]} -gt 0 ] || names=("${all[@]}")

cmake --preset sanitize -B "$build" >/dev/null
cmake --build "$build" -j2 --target $(printf '%s_fuzz ' "${names[@]}")

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
# One target: its status in $build/$name.status (0: no finding), its log in $build/$name.log.
run_one() {
  local name="$1"
  local work="$build/corpus-run/$name"
  local findings="$build/findings/$name"
  rm -rf "$work"
  mkdir -p "$work" "$findings"
  cp tests/fuzz/corpus/"$name"/* "$work"/
  echo "== fuzz $name for ${seconds}s ($(ls "$work" | wc -l) seeds)"
  # -timeout: one input taking over 10 s is a hang; -max_len above the 4 KiB path limit so the
  # fuzzer reaches it; -rss_limit_mb well under the machine's memory.
  local status=0
  "$build/tests/fuzz/${name}_fuzz" "$work" -max_total_time="$seconds" -timeout=10 -max_len=16384 \
    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$findings/" \
    >"$build/$name.log" 2>&1 || status=$?
  echo "$status" >"$build/$name.status"
}

# Each fuzzer is one process on one core: as many run at once as there are cores
# (FUZZ_JOBS), so every target still gets its SECONDS and the whole run takes less.
jobs_max="${FUZZ_JOBS:-$(nproc)}"
for name in "${names[@]}"; do rm -f "$build/$name.status"; done  # a target that dies early has none
for name in "${names[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$jobs_max" ]; do wait -n || true; done
  run_one "$name" &
done
wait

failed=()
for name in "${names[@]}"; do
  if [ "$(cat "$build/$name.status" 2>/dev/null)" = "0" ]; then
    echo "$name: $(grep -E "^stat::number_of_executed_units|^Done" "$build/$name.log" | tr '\n' ' ')"
  else
    echo "FAILED: $name (log: $build/$name.log)"
    grep -E "ERROR|SUMMARY|runtime error|Test unit written" "$build/$name.log" 2>/dev/null | head -20 || true
    failed+=("$name")
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzzers with findings: ${failed[*]}"
  exit 1
fi
echo "fuzzers: ${#names[@]} run for ${seconds}s each, no findings"
