#pragma once
// Reading Table::kLedgerAccounts, whose rows are of three kinds (keys.hpp): reconcile's input is
// gathered row by row from it, by the store's reader and by the tests' in-memory ledger alike.

#include "domain/ledger/reconcile.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace settled::ledger {

// Adds the row at `key` to `input` (a balance, an index line or a journal head); otherwise why
// it cannot be read.
std::optional<std::string> add_account_row(ReconcileInput& input, std::string_view key,
                                           std::string_view value);

}  // namespace settled::ledger
