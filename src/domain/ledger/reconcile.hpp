#pragma once
// reconcile: proves the ledger's invariants over everything stored and names every discrepancy.
//   - no balance bucket below zero (available above all);
//   - per currency, the sum of all balances equals what came in minus what went out;
//   - every balance bucket, and every account's external counters, equal the fold of its journal;
//     every leg's after is before + delta, and each account's legs chain in journal order;
//   - the journal index lists each account's entries once, 1..n, with its head at n;
//   - every escrow resolved at most once, by the entry it names, with released + returned equal
//     to its amount; held and frozen equal the open escrows that put money there; the legs of
//     the entries that name it moved its money between its own payer and payee only: in all,
//     the payer's available -amount + returned, the payee's available +released, and what is
//     still held or frozen in the payer's bucket of its status;
//   - the expiry index lists exactly the open escrows with an expiresAt, each at its deadline
//     (an open hold missing from it would never return its money by itself).
// Pure and whole: the caller scans the ledger tables (one read transaction) and passes them in.

#include "domain/ledger/balance.hpp"
#include "domain/ledger/escrow.hpp"
#include "domain/ledger/journal.hpp"

#include <boost/json/object.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace settled::ledger {

struct ReconcileInput {
  std::vector<AccountBalance> balances;
  std::vector<Escrow> escrows;
  std::vector<JournalEntry> entries;
  std::vector<JournalIndexEntry> index;
  std::map<std::string, std::uint64_t> journal_heads;
  std::vector<std::pair<std::int64_t, std::string>> expiries;  // (due millis, escrow id)
};

enum class DiscrepancyKind : std::uint8_t {
  kNegativeBalance,      // a bucket (or an external counter) below zero
  kCurrencyTotal,        // sum of balances != in - out for a currency (summed exactly, in 128 bits)
  kJournalFold,          // a balance bucket != the sum of its legs' deltas
  kExternalFold,         // externalIn/externalOut != the deposits/withdrawals in the journal
  kLegArithmetic,        // a leg whose after != before + delta
  kJournalChain,         // a leg whose before != the previous leg's after for that bucket
  kIndexGap,             // an account's index is not 1, 2, ..., n
  kIndexDangling,        // an index line names an entry that is missing or not the account's
  kEntryNotIndexed,      // an entry not listed exactly once in an account's index
  kJournalHead,          // an account's journal head != its last index sequence
  kUnknownEscrow,        // a journal entry names an escrow that does not exist
  kEscrowResolvedTwice,  // more than one journal entry resolves an escrow
  kEscrowState,          // status, heldBy or resolvedBy disagree with the journal
  kEscrowAmounts,        // released + returned != amount (resolved) or != 0 (open)
  kEscrowHeld,           // held / frozen != the open escrows in that bucket
  kExpiryIndex,          // an open escrow with expiresAt not indexed at it, or a stray index line
  kEscrowLegs,           // the legs of an escrow's entries moved money other than its terms say
};

// "NegativeBalance", "CurrencyTotal", ...
std::string_view discrepancy_name(DiscrepancyKind kind);

struct Discrepancy {
  DiscrepancyKind kind = DiscrepancyKind::kJournalFold;
  std::string account;  // "" when not about one account
  std::string currency;
  std::string bucket;  // "available", "held", "frozen", "externalIn", "externalOut" or ""
  std::string escrow_id;
  std::string entry_id;
  std::int64_t expected = 0;
  std::int64_t found = 0;
  std::string message;  // the whole story in one line
};

// {"kind","account"?,"currency"?,"bucket"?,"escrowId"?,"entryId"?,"expected","found","message"}
boost::json::object to_json(const Discrepancy& discrepancy);

// Every discrepancy, in a deterministic order; empty when the ledger is sound.
std::vector<Discrepancy> reconcile(const ReconcileInput& input);

}  // namespace settled::ledger
