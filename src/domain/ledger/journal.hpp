#pragma once
// The journal: one entry per ledger operation, keyed by the task attempt's idempotency key, with
// every balance change as a leg (account, currency, bucket, delta, before, after) and the
// operation's result, so a replay of the key answers from here and changes nothing.

#include "domain/ledger/balance.hpp"
#include "domain/result.hpp"
#include "domain/time.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace settled::ledger {

enum class LedgerOp : std::uint8_t {
  kDeposit,
  kWithdraw,
  kHold,
  kRelease,
  kCancel,
  kFreeze,
  kUnfreeze,
  kSplit,
  kTransfer,
  kExpire,
};

// "deposit", "withdraw", "hold", ... (the resource suffix: settled:ledger.<name>)
std::string_view ledger_op_name(LedgerOp op);
std::optional<LedgerOp> parse_ledger_op(std::string_view name);

struct JournalLeg {
  std::string account;
  std::string currency;
  Bucket bucket = Bucket::kAvailable;
  std::int64_t delta = 0;
  std::int64_t before = 0;
  std::int64_t after = 0;
};

bool operator==(const JournalLeg& a, const JournalLeg& b);

struct JournalEntry {
  std::string id;  // the idempotency key: <executionId>/<stateName>/<entry#>
  LedgerOp op = LedgerOp::kDeposit;
  EpochMillis at = 0;
  std::string escrow_id;       // escrow operations only
  boost::json::object params;  // the normalized request, to recognise a replay
  std::vector<JournalLeg> legs;
  boost::json::value result;  // the task result returned the first time
};

bool operator==(const JournalEntry& a, const JournalEntry& b);

// {"id","op","at","escrowId"?,"params","legs":[{"account","currency","bucket","delta","before",
//  "after"}],"result"}
boost::json::object to_json(const JournalEntry& entry);
Result<JournalEntry> journal_entry_from_json(const boost::json::value& value);

// Money that crossed the ledger's edge: deposits and minted transfers (no `from`) come in,
// withdrawals go out. Returns +amount, -amount or 0 for internal moves.
std::int64_t external_flow(const JournalEntry& entry);

// One line of an account's journal listing: the account's sequence-th entry is entry_id.
struct JournalIndexEntry {
  std::string account;
  std::uint64_t sequence = 0;  // 1, 2, 3, ... per account
  std::string entry_id;
};

inline bool operator==(const JournalIndexEntry& a, const JournalIndexEntry& b) {
  return a.account == b.account && a.sequence == b.sequence && a.entry_id == b.entry_id;
}

}  // namespace settled::ledger
