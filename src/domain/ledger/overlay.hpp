#pragma once
// The rows an account actor reads for an operation: what its not yet committed batch has
// written (the overlay) over what the store holds. The actor applies the operations of one
// batch one after the other; each sees the ones before it through the overlay, and the whole
// batch commits as one WriteBatch (all or nothing), so nothing here is ever seen by another
// actor before it is durable.

#include "domain/ledger/operations.hpp"
#include "domain/write_batch.hpp"

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace settled::ledger {

// Reads one committed row (the store's get).
using RowReader = std::function<std::optional<std::string>(Table, std::string_view)>;

class LedgerOverlay {
 public:
  // The view of the two-step read set (docs/ledger.md) for `request` under `key`. A stored row that does not
  // parse is kInternal (never guessed to be zero).
  LedgerResult<LedgerView> view(const LedgerRequest& request, std::string_view key,
                                const RowReader& read) const;

  // Records what a committed-to-be outcome changes (nothing for a replay).
  void absorb(const LedgerOutcome& outcome);

  void clear();
  bool empty() const { return entries_.empty(); }

 private:
  std::map<BalanceKey, AccountBalance> balances_;
  std::map<std::string, Escrow> escrows_;
  std::map<std::string, std::uint64_t> heads_;
  std::map<std::string, JournalEntry> entries_;
};

// The expiry index lines that go with an outcome's commit: a hold with expiresAt adds its line,
// the resolution of such an escrow (release, cancel, split, expire) removes it.
WriteBatch expiry_writes(const LedgerOutcome& outcome);

}  // namespace settled::ledger
