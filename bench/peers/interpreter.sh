#!/usr/bin/env bash
# The engine's peer: aws-local-stepfunctions (npm, pinned as the differential corpus pins it)
# runs config/workflows/payment.asl.json with instant task handlers (interpreter.mjs).
# Prints: executions_per_s=N
# Usage: bench/peers/interpreter.sh BUILD_DIR [EXECUTIONS]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "${here}/../.." && pwd)"
build="${1:?usage: interpreter.sh BUILD_DIR [EXECUTIONS]}"
executions="${2:-30000}"
modules="${build}/asl-reference"
"${root}/tests/differential/reference/install.sh" "${modules}"
node --stack-trace-limit=0 "${here}/interpreter.mjs" --modules "${modules}" \
  --definition "${root}/config/workflows/payment.asl.json" --executions "${executions}" |
  node -e 'let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () =>
    console.log(`executions_per_s=${JSON.parse(s).executions_per_s}`))'
