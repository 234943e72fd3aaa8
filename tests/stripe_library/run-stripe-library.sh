#!/usr/bin/env bash
# Runs stripe_webhooks.mjs: webhooks signed by Stripe's Node library (the version pinned in
# package.json, installed into --modules-dir on first use) against a real settled daemon.
# Usage: run-stripe-library.sh --settled PATH/settled --modules-dir DIR
# Exit: 0 all checks passed; 1 a check failed; 77 node or the package is unavailable (skipped),
# except under CI=true, where that is a failure.
set -euo pipefail

skip() {
  if [ "${CI:-}" = "true" ]; then
    echo "FAILED: $1 (under CI=true the Stripe library check must run)" >&2
    exit 1
  fi
  echo "SKIPPED: $1" >&2
  exit 77
}

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
settled=""
modules=""
while [ $# -gt 0 ]; do
  case "$1" in
    --settled) settled="$2"; shift 2 ;;
    --modules-dir) modules="$2"; shift 2 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
if [ -z "${settled}" ] || [ -z "${modules}" ]; then
  echo "usage: $0 --settled PATH --modules-dir DIR" >&2
  exit 2
fi
[ -x "${settled}" ] || { echo "FAILED: ${settled} is not built" >&2; exit 1; }
command -v node >/dev/null || skip "node is not installed (scripts/install-deps.sh installs it)"

want="$(node -e 'console.log(require(process.argv[1]).dependencies.stripe)' "${here}/package.json")"
installed="$(node -e 'try { console.log(require(require("path").resolve(process.argv[1])).version) }
  catch { console.log("") }' "${modules}/node_modules/stripe/package.json")"
if [ "${installed}" != "${want}" ]; then
  # Only here is the network used: an installed package is never touched again.
  echo "installing stripe ${want} into ${modules}"
  mkdir -p "${modules}"
  cp "${here}/package.json" "${modules}/package.json"
  if ! command -v npm >/dev/null ||
    ! npm install --prefix "${modules}" --no-package-lock --no-audit --no-fund --loglevel=error; then
    skip "could not install stripe ${want} (no npm, or no npm registry?)"
  fi
fi
exec node "${here}/stripe_webhooks.mjs" --settled "${settled}" --modules "${modules}" \
  --work "${modules}/work"
