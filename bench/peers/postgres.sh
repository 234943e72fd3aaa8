#!/usr/bin/env bash
# The ledger's peer: PostgreSQL 15 at its default durability (fsync, synchronous_commit on)
# running the hold -> release pair of bench/ledger_bench.cpp as two transactions, each
# journaled: the hold moves 100 from the payer's available to held and records the escrow; the
# release moves it to the payee and closes the escrow. 100,000 funded accounts; payer and payee
# uniform over them, or one hot payer (account 1). pgbench runs CLIENTS connections for SECONDS.
# The cluster is a fresh initdb in a temporary directory on a Unix socket, run as the postgres
# user when started as root.
# Prints: uniform_pairs_per_s=N and hot_pairs_per_s=N
# Usage: bench/peers/postgres.sh SECONDS CLIENTS
set -euo pipefail
seconds="${1:?usage: postgres.sh SECONDS CLIENTS}"
clients="${2:?}"
bin=/usr/lib/postgresql/15/bin
dir="$(mktemp -d)"
chmod 755 "${dir}"
as_db_user=()
if [ "$(id -u)" -eq 0 ]; then
  chown postgres "${dir}"
  as_db_user=(runuser -u postgres --)
fi
db() { "${as_db_user[@]}" "$@"; }
trap 'db "${bin}/pg_ctl" -D "${dir}/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "${dir}"' EXIT

db "${bin}/initdb" -D "${dir}/data" -A trust -U bench >/dev/null
db "${bin}/pg_ctl" -D "${dir}/data" -l "${dir}/server.log" -w \
  -o "-k ${dir} -c listen_addresses='' -c max_connections=$((clients + 10))" start >/dev/null
psql=(db psql -h "${dir}" -U bench -d postgres -v ON_ERROR_STOP=1 -q)

"${psql[@]}" <<'SQL'
CREATE TABLE accounts (
  id integer PRIMARY KEY,
  available bigint NOT NULL CHECK (available >= 0),
  held bigint NOT NULL DEFAULT 0 CHECK (held >= 0));
CREATE TABLE escrows (
  id bigserial PRIMARY KEY,
  payer integer NOT NULL REFERENCES accounts,
  payee integer NOT NULL REFERENCES accounts,
  amount bigint NOT NULL,
  status text NOT NULL);
CREATE TABLE journal (
  seq bigserial PRIMARY KEY,
  escrow bigint NOT NULL,
  account integer NOT NULL,
  kind text NOT NULL,
  amount bigint NOT NULL,
  at timestamptz NOT NULL DEFAULT now());
INSERT INTO accounts SELECT g, 100000000, 0 FROM generate_series(1, 100000) AS g;
VACUUM ANALYZE;
SQL

# One pair per script run. The release updates both accounts in one statement, so rows are
# locked in index order and two releases between the same accounts cannot deadlock.
pair_script() {
  cat <<SQL
\\set payee random(1, 100000)
${1}
BEGIN;
UPDATE accounts SET available = available - 100, held = held + 100 WHERE id = :payer;
INSERT INTO escrows (payer, payee, amount, status) VALUES (:payer, :payee, 100, 'HELD')
  RETURNING id AS escrow \\gset
INSERT INTO journal (escrow, account, kind, amount) VALUES (:escrow, :payer, 'hold', 100);
COMMIT;
BEGIN;
UPDATE escrows SET status = 'RELEASED' WHERE id = :escrow AND status = 'HELD';
UPDATE accounts SET held = held - CASE WHEN id = :payer THEN 100 ELSE 0 END,
  available = available + CASE WHEN id = :payee THEN 100 ELSE 0 END
  WHERE id IN (:payer, :payee);
INSERT INTO journal (escrow, account, kind, amount) VALUES (:escrow, :payee, 'release', 100);
COMMIT;
SQL
}
pair_script '\set payer random(1, 100000)' >"${dir}/uniform.sql"
pair_script '\set payer 1' >"${dir}/hot.sql"
chmod 644 "${dir}"/*.sql

run() {
  local out
  out="$(db pgbench -h "${dir}" -U bench -n -c "${clients}" -j 2 -T "${seconds}" -f "${dir}/$1.sql" postgres 2>&1)"
  echo "${out}" >&2
  echo "${out}" | grep -q "number of failed transactions: 0 " ||
    { echo "postgres: some pairs failed" >&2; exit 1; }
  echo "$1_pairs_per_s=$(echo "${out}" | sed -n 's/^tps = \([0-9.]*\).*/\1/p')"
}
run uniform
run hot
# The ledger still balances: every pair released what it held.
"${psql[@]}" -tA -c "SELECT 'held_after=' || sum(held) FROM accounts" >&2
