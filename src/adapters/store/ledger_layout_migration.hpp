#pragma once
// Until session 22 an account's journal index lines and journal head had tables of their own
// (ledger_journal_index, ledger_journal_heads), so an operation dirtied a page in each of three
// B-trees per account it touched. They now live beside the account's balances in
// ledger_accounts (domain/ledger/keys.hpp). A data directory written before is moved over once,
// at start, before any actor runs.

#include "adapters/store/lmdb_store.hpp"
#include "domain/result.hpp"

#include <cstddef>

namespace settled::adapters {

struct LedgerLayoutReport {
  std::size_t index_lines = 0;  // rows moved from ledger_journal_index
  std::size_t heads = 0;        // rows moved from ledger_journal_heads
};

// Moves every row of the two legacy tables into ledger_accounts, in commits of a bounded size;
// each commit writes the new rows and erases the old ones together, so a crash part way leaves
// a store that the next start finishes moving. A legacy row that cannot be read is refused by
// name (nothing is guessed); an empty legacy table costs one read.
Result<LedgerLayoutReport> migrate_ledger_layout(LmdbStore& store);

}  // namespace settled::adapters
