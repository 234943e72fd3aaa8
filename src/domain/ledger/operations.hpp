#pragma once
// The ledger's rules as pure functions: an operation over a LedgerView either refuses with a
// named LedgerError (and nothing changes: the view is const and no writes come back) or returns
// the changed balances and escrow, one journal entry with every leg, the account journal index
// lines and the task result in the shapes docs/ledger.md describes.

#include "domain/ledger/balance.hpp"
#include "domain/ledger/escrow.hpp"
#include "domain/ledger/journal.hpp"
#include "domain/ledger/ledger_error.hpp"
#include "domain/ledger/request.hpp"
#include "domain/ledger/view.hpp"
#include "domain/time.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <optional>
#include <string_view>
#include <vector>

namespace settled::ledger {

struct LedgerOutcome {
  boost::json::value result;  // the task result
  bool replayed = false;      // the key was used before: result is the stored one, no writes
  std::vector<AccountBalance> balances;  // rows that changed, new values
  std::vector<Escrow> escrows;           // the escrow created or changed
  std::optional<JournalEntry> entry;     // absent on a replay
  std::vector<JournalIndexEntry> index;  // one per account the entry touches
};

// Runs `request` as the operation whose idempotency key is `idempotency_key` (the journal entry
// id). If view.existing holds an entry under that key: the same operation and parameters replay
// its stored result; anything else is kIdempotencyConflict. `now` dates the entry and decides
// whether a hold has expired.
//
// Refusals: kInsufficientFunds (available below the amount), kUnknownEscrow, kEscrowResolved,
// kEscrowFrozen (release/cancel/expire/freeze of a frozen escrow), kCurrencyMismatch (a named
// currency that is not the escrow's), kInvalidAmount (release or split above the escrow, or a
// balance that would overflow int64), kEscrowExists, kEscrowNotFrozen, kEscrowNotExpired,
// kInternal (the view lacks a record the read set names, or held/frozen would go negative).
LedgerResult<LedgerOutcome> apply_ledger(const LedgerRequest& request, const LedgerView& view,
                                         std::string_view idempotency_key, EpochMillis now);

// settled:ledger.balance: {account, balances} from the account's balance rows (all of its
// currencies, or only query.currency, shown as zero if the account has none of it).
boost::json::object balance_result(const BalanceQuery& query,
                                   const std::vector<AccountBalance>& balances);

}  // namespace settled::ledger
