#pragma once
// An operation's outcome as the one WriteBatch the store commits atomically: the changed balance
// rows, the escrow, the journal entry, its index lines and the accounts' new journal heads.

#include "domain/ledger/operations.hpp"
#include "domain/write_batch.hpp"

namespace settled::ledger {

// Empty for a replay (nothing changes).
WriteBatch ledger_writes(const LedgerOutcome& outcome);

}  // namespace settled::ledger
