#pragma once
// What the accounts router hands an account actor (one admitted operation) and what comes back
// (its outcome, after the commit that holds it). Plain values; the atoms that carry them are in
// actors/messages.hpp.

#include "domain/error.hpp"
#include "domain/ledger/escrow.hpp"
#include "domain/ledger/ledger_error.hpp"
#include "domain/ledger/request.hpp"
#include "domain/time.hpp"

#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace settled::ledger {

struct LedgerJob {
  std::uint64_t id = 0;
  LedgerRequest request;
  std::string key;  // idempotency key = journal entry id
  EpochMillis now = 0;
};

struct LedgerJobDone {
  std::uint64_t id = 0;
  bool ok = false;
  bool replayed = false;
  boost::json::value result;
  std::optional<LedgerError> refusal;  // the operation's named refusal: nothing changed
  std::optional<Error> store_error;    // the commit failed: nothing changed
  std::vector<Escrow> escrows;         // escrows the operation created or changed
};

}  // namespace settled::ledger
