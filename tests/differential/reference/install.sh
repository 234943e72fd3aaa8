#!/usr/bin/env bash
# Installs the pinned aws-local-stepfunctions (package.json beside this file) into DIR, unless
# that version is already there. Used by the differential corpus (run-differential.sh) and by
# the benchmark's interpreter peer (bench/peers/interpreter.sh).
# Usage: install.sh DIR     Exit: 0 installed; 1 could not (no npm, or no npm registry).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
dir="${1:?usage: install.sh DIR}"
want="$(node -e 'console.log(require(process.argv[1]).dependencies["aws-local-stepfunctions"])' \
  "${here}/package.json")"
installed="$(node -e 'try { console.log(require(require("path").resolve(process.argv[1])).version) }
  catch { console.log("") }' "${dir}/node_modules/aws-local-stepfunctions/package.json")"
[ "${installed}" = "${want}" ] && exit 0
# The package declares node >= 22; it runs on 18.17+ (docs/differential-testing.md), so the
# engine check must not refuse it (--engine-strict=false, whatever an npmrc says).
# Only here is the network used: an installed reference is never touched again.
echo "installing aws-local-stepfunctions ${want} into ${dir}" >&2
mkdir -p "${dir}"
cp "${here}/package.json" "${dir}/package.json"
command -v npm >/dev/null || exit 1
npm install --prefix "${dir}" --no-package-lock --no-audit --no-fund --loglevel=error \
  --engine-strict=false >&2 || exit 1
