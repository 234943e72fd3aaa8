#!/usr/bin/env bash
# Trains a zstd dictionary for the store's values (src/adapters/store/value_compression.hpp)
# from what the engine writes: runs the storage benchmark's training mode (payments with
# descriptions in other words than the benchmark's, a third declined, and waiting executions),
# which dumps every value of the compressed tables, then `zstd --train` on them.
#
# A released dictionary is never replaced: values written with it need its exact bytes. A new
# one gets a new id (the next "SETn") and a new file beside the old, and the store reads each
# frame with the dictionary its id names (docs/architecture.md, "Stored records").
# Usage: scripts/train-store-dictionary.sh BUILD_DIR OUTPUT_FILE DICTIONARY_ID
#   e.g. scripts/train-store-dictionary.sh build /tmp/store-v2.zdict 1397052466   # "SET2"
set -euo pipefail
build="${1:?build directory}"
output="${2:?output file}"
id="${3:?dictionary id}"
samples="$(mktemp -d)"
trap 'rm -rf "${samples}"' EXIT
"${build}/bench/settled_bench_storage" 3000 300 --samples "${samples}" >/dev/null 2>&1
zstd --train -q -r "${samples}" -o "${output}" --maxdict=32768 --dictID="${id}"
echo "train-store-dictionary: $(find "${samples}" -type f | wc -l) samples -> ${output} ($(stat -c %s "${output}") bytes, id ${id})"
