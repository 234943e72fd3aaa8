#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz) in the fuzz tree build-fuzz (CMakePresets.json "sanitize":
# clang 14, ASan + UBSan; only the fuzz targets and what they link) and runs each for SECONDS on a copy of
# its committed corpus (tests/fuzz/corpus/<name>); fails on the first crash, leak, undefined
# behaviour or timeout. CI runs about a minute each; for a deep run: 3600.
#   scripts/run-fuzzers.sh SECONDS [name ...]     (names: asl_parser json_path ...; default all)
# A finding is kept as build-fuzz/findings/<name>/crash-* (or timeout-*, leak-*); reproduce
#   build-fuzz/tests/fuzz/<name>_fuzz build-fuzz/findings/<name>/crash-...
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:?usage: scripts/run-fuzzers.sh SECONDS [name ...]}"
shift
build="${FUZZ_BUILD_DIR:-build-fuzz}"
all=(asl_parser json_path intrinsic payload_template ledger_request stripe http_request)
names=("$@")
[ ${#names[@]} -gt 0 ] || names=("${all[@]}")

cmake --preset sanitize -B "$build" >/dev/null
cmake --build "$build" -j2 --target $(printf '%s_fuzz ' "${names[@]}")

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
failed=()
for name in "${names[@]}"; do
  work="$build/corpus-run/$name"
  findings="$build/findings/$name"
  rm -rf "$work"
  mkdir -p "$work" "$findings"
  cp tests/fuzz/corpus/"$name"/* "$work"/
  echo "== fuzz $name for ${seconds}s ($(ls "$work" | wc -l) seeds)"
  # -timeout: one input taking over 10 s is a hang; -max_len above the 4 KiB path limit so the
  # fuzzer reaches it; -rss_limit_mb well under the machine's memory.
  if "$build/tests/fuzz/${name}_fuzz" "$work" -max_total_time="$seconds" -timeout=10 -max_len=16384 \
    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$findings/" \
    >"$build/$name.log" 2>&1; then
    grep -E "^stat::number_of_executed_units|^Done" "$build/$name.log" | tr '\n' ' '
    echo
  else
    echo "FAILED: $name (log: $build/$name.log)"
    grep -E "ERROR|SUMMARY|runtime error|Test unit written" "$build/$name.log" | head -20
    failed+=("$name")
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzzers with findings: ${failed[*]}"
  exit 1
fi
echo "fuzzers: ${#names[@]} run for ${seconds}s each, no findings"
