#pragma once
// The rows an account actor reads for an operation: what its not yet committed batches have
// written (the overlay) over what the store holds. The actor applies the operations of a batch
// one after the other; each sees the ones before it, and those of the batch still committing
// before it, through the overlay. A batch commits as one WriteBatch (all or nothing), so
// nothing here is ever seen by another actor before it is durable. Each batch is a generation:
// once it committed its rows are read from the store again (forget_through), and when one
// fails the actor drops everything (clear) once the batches after it have failed too.

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
  // The view of the two-step read set (docs/ledger.md) for `request` under `key`. A stored row that
  // does not parse is kInternal (never guessed to be zero).
  LedgerResult<LedgerView> view(const LedgerRequest& request, std::string_view key,
                                const RowReader& read) const;

  // Records what a committed-to-be outcome of batch `generation` changes (nothing for a
  // replay). Generations only grow.
  void absorb(const LedgerOutcome& outcome, std::uint64_t generation = 0);
  // The same, taking the rows over instead of copying them (the account actor's hot path).
  void absorb(LedgerOutcome&& outcome, std::uint64_t generation);

  // Batch `generation` and every one before it committed: what only they wrote is in the store.
  void forget_through(std::uint64_t generation);

  // The account's journal head if batch `generation` is the last that moved it.
  std::optional<std::uint64_t> journal_head_written_by(const std::string& account,
                                                       std::uint64_t generation) const;

  void clear();
  bool empty() const { return entries_.empty(); }

 private:
  // A row and the generation that wrote it last.
  template <class T>
  struct Written {
    T row;
    std::uint64_t generation = 0;
  };
  template <class Map>
  static void forget(Map& rows, std::uint64_t generation);

  std::map<BalanceKey, Written<AccountBalance>> balances_;
  std::map<std::string, Written<Escrow>> escrows_;
  std::map<std::string, Written<std::uint64_t>> heads_;
  std::map<std::string, Written<JournalEntry>> entries_;
};

// The expiry index lines that go with an outcome's commit: a hold with expiresAt adds its line,
// the resolution of such an escrow (release, cancel, split, expire) removes it.
WriteBatch expiry_writes(const LedgerOutcome& outcome);

}  // namespace settled::ledger
