#pragma once
// What a ledger operation reads, looked up by the caller (the account actor) before the pure
// operation runs. Two steps, because an escrow names the accounts it moves money between:
//   1. read_set(request, {})       -> the escrow ids to load;
//   2. read_set(request, escrows)  -> the balances and journal heads to load as well.
// Every balance the read set names must be in the view (a zero empty_balance() for one that
// does not exist yet), and every account's journal head (0 before its first entry): an
// operation refuses with kInternal rather than guess that a missing row is zero.

#include "domain/ledger/balance.hpp"
#include "domain/ledger/escrow.hpp"
#include "domain/ledger/journal.hpp"
#include "domain/ledger/request.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace settled::ledger {

struct LedgerView {
  std::map<BalanceKey, AccountBalance> balances;
  std::map<std::string, Escrow> escrows;               // the named escrows that exist
  std::map<std::string, std::uint64_t> journal_heads;  // account -> last journal sequence
  std::optional<JournalEntry> existing;  // the entry already stored under the idempotency key
};

struct ReadSet {
  std::vector<std::string> escrows;
  std::vector<BalanceKey> balances;
  std::vector<std::string> accounts;  // whose journal heads are needed
};

// `escrows`: the escrows loaded so far (step 2), or empty (step 1). Deterministic order, no
// duplicates.
ReadSet read_set(const LedgerRequest& request, const std::map<std::string, Escrow>& escrows);

}  // namespace settled::ledger
