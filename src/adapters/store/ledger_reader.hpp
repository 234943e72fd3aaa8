#pragma once
// Read-only views of the ledger tables for the HTTP API, the admin socket and the accounts
// router: an account's balances, its journal (paged by sequence), an escrow, the expiry index,
// and everything reconcile needs read in ONE read transaction (a consistent snapshot).

#include "adapters/store/lmdb_store.hpp"
#include "domain/ledger/reconcile.hpp"
#include "domain/result.hpp"
#include "domain/time.hpp"

#include <boost/json/object.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace settled::adapters {

// Every balance row of `account` (all its currencies, in code order).
Result<std::vector<ledger::AccountBalance>> read_balances(const LmdbStore& store,
                                                          std::string_view account);

// {"account", "balances": {"USD": {"available", "held", "frozen"}, ...}}; no rows: empty balances.
Result<boost::json::object> read_account(const LmdbStore& store, std::string_view account);

// {"account", "entries": [journal entry + "sequence"], "nextAfter"?}: the account's entries with
// sequence > after, oldest first, at most `limit`; nextAfter when more follow.
Result<boost::json::object> read_journal(const LmdbStore& store, std::string_view account,
                                         std::uint64_t after, std::size_t limit);

// The escrow as stored (escrowId, payer, payee, amount, currency, status, ...); kUnknownEscrow.
Result<boost::json::object> read_escrow(const LmdbStore& store, std::string_view escrow_id);

// Every line of the expiry index: (due millis, escrow id), earliest first.
std::vector<std::pair<EpochMillis, std::string>> read_expiries(const LmdbStore& store);

// Balances, escrows, journal, index and heads from one read transaction. A row that does not
// parse is an error naming its table and key (reconcile cannot vouch for what it cannot read).
Result<ledger::ReconcileInput> read_reconcile_input(const LmdbStore& store);

}  // namespace settled::adapters
