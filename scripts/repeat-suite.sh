#!/usr/bin/env bash
# Runs the whole ctest suite of one build tree N times in a row and prints one line per run, to
# show the suite has no flakes (issue: every test can fail, and only then). Each run's output is
# kept in OUT/TAG-N.log; the exit status is the number of failed runs.
#   scripts/repeat-suite.sh TREE N [TAG] [OUT]      e.g. scripts/repeat-suite.sh build 10
# Sanitizer tree: ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
#   scripts/repeat-suite.sh build-test 10 asan
set -uo pipefail
tree=${1:?usage: scripts/repeat-suite.sh TREE N [TAG] [OUT]}
runs=${2:?usage: scripts/repeat-suite.sh TREE N [TAG] [OUT]}
tag=${3:-$(basename "$tree")}
out=${4:-$tree/repeat-suite}
mkdir -p "$out"
failed=0
for i in $(seq 1 "$runs"); do
  start=$(date +%s)
  ctest --test-dir "$tree" -j2 --output-on-failure > "$out/$tag-$i.log" 2>&1
  rc=$?
  [ "$rc" -eq 0 ] || failed=$((failed + 1))
  echo "$tag run $i: rc=$rc $(grep -E 'tests passed' "$out/$tag-$i.log")" \
    "($(( $(date +%s) - start )) s, load $(cut -d' ' -f1 /proc/loadavg))"
done
echo "$tag: $runs runs, $failed failed"
exit "$failed"
