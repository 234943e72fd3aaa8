#!/usr/bin/env bash
# Chaos run: SIGKILLs the daemon KILLS times (default 100) at random moments under mixed load
# (payments, replays, ledger operations, timer waits and task-token callbacks), then checks
# that nothing acknowledged was lost, no payment was charged twice and the ledger reconciles.
# CI runs the same test with a few kills; this is the long run. SEED repeats a run.
#   scripts/chaos.sh [KILLS] [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
kills=${1:-100}
build=${2:-build}
binary="$build/tests/settled_integration_tests"
[ -x "$binary" ] || { echo "chaos: build first ($binary is missing)" >&2; exit 2; }
env SETTLED_CHAOS_KILLS="$kills" ${SEED:+SETTLED_CHAOS_SEED="$SEED"} \
  "$binary" --gtest_filter='Chaos.*' --gtest_brief=0
