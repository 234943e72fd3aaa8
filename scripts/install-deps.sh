#!/usr/bin/env bash
# Installs the Debian packages settled builds and tests with (docs/architecture.md, Layers).
# Safe to run any number of times: apt-get only adds what is missing.
#   scripts/install-deps.sh          what the build and the tests need
#   scripts/install-deps.sh --bench  also the peers bench/run-peers.sh measures settled against
#                                    (docs/benchmarks.md): wrk, nginx, PostgreSQL 15
set -euo pipefail

packages=(
  g++ cmake make pkg-config
  libcaf-dev libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  liblmdb-dev liblmdb++-dev libspdlog-dev libfmt-dev
  libgtest-dev libgmock-dev libbenchmark-dev libssl-dev libsystemd-dev libjemalloc-dev
  libzstd-dev zstd  # stored values are compressed with a dictionary (src/adapters/store/value_compression.hpp); the CLI trains one (scripts/train-store-dictionary.sh)
  prometheus-cpp-dev
  libhowardhinnant-date-dev tzdata  # time zones for schedules
  prometheus  # promtool: checks /metrics and config/prometheus's alert rules in the tests
  systemd     # systemd-analyze, to verify the unit in the tests
  clang libfuzzer-14-dev libclang-rt-14-dev  # the sanitizer tree and fuzzers (docs/fuzzing.md)
  awscli      # the aws CLI and its botocore: SigV4 requests signed independently (docs/aws-auth.md)
)

# The differential corpus (tests/differential) runs its reference, the npm package
# aws-local-stepfunctions, on node; Debian's node and npm, unless a node is already installed
# (another node package usually ships its own npm, and Debian's npm would conflict with it).
# Debian bookworm's node 18.20 runs it (docs/differential-testing.md, "Node versions"); the
# corpus refuses a node older than 18.17.
# The same node and npm sign test webhooks with Stripe's own library (tests/stripe_library,
# npm package stripe, pinned there; installed into the build tree on first use).
command -v node >/dev/null || packages+=(nodejs)
# The benchmark peers (bench/peers/): the HTTP load generator, an empty-201 web server, and the
# database the ledger is compared with. The interpreter peer is the differential corpus's npm
# reference, installed by bench/run-peers.sh into the build tree as the corpus does.
if [ "${1:-}" = "--bench" ]; then
  packages+=(wrk nginx-light postgresql-15)
fi
command -v npm >/dev/null || packages+=(npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "install-deps: installing ${missing[*]}"
$sudo apt-get update -q
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
