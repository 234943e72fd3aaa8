#include "domain/ledger/writes.hpp"

#include "domain/ledger/keys.hpp"
#include "domain/ledger/stored_text.hpp"

namespace settled::ledger {

WriteBatch ledger_writes(const LedgerOutcome& outcome) {
  WriteBatch batch;
  if (outcome.replayed || !outcome.entry) return batch;
  for (const AccountBalance& b : outcome.balances)
    batch.put(Table::kLedgerAccounts, balance_key(b.account, b.currency), stored_text(b));
  for (const Escrow& e : outcome.escrows)
    batch.put(Table::kLedgerEscrows, escrow_key(e.id), stored_text(e));
  batch.put(Table::kLedgerJournal, journal_key(outcome.entry->id), stored_text(*outcome.entry));
  for (const JournalIndexEntry& line : outcome.index) {
    batch.put(Table::kLedgerAccounts, journal_index_key(line.account, line.sequence),
              line.entry_id);
    batch.put(Table::kLedgerAccounts, journal_head_key(line.account),
              encode_journal_head(line.sequence));
  }
  return batch;
}

}  // namespace settled::ledger
