#pragma once
// The JSON text ledger_writes stores for a balance, an escrow and a journal entry: byte for
// byte json::serialize(to_json(x)), written straight into one string. Every ledger operation
// writes two or three of these; building the json::object first was a twentieth of a hot
// account's CPU.

#include "domain/ledger/balance.hpp"
#include "domain/ledger/escrow.hpp"
#include "domain/ledger/journal.hpp"

#include <string>

namespace settled::ledger {

std::string stored_text(const AccountBalance& balance);
std::string stored_text(const Escrow& escrow);
std::string stored_text(const JournalEntry& entry);

}  // namespace settled::ledger
