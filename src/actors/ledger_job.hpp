#pragma once
// What the accounts router hands an account actor (one admitted operation) and what comes back
// (its outcome, after the commit that holds it). Local messages only.

#include "domain/error.hpp"
#include "domain/ledger/escrow.hpp"
#include "domain/ledger/ledger_error.hpp"
#include "domain/ledger/request.hpp"
#include "domain/time.hpp"

#include <caf/all.hpp>

#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace settled::actors {

using job_atom = caf::atom_constant<caf::atom("job")>;
using job_done_atom = caf::atom_constant<caf::atom("jobdone")>;

struct LedgerJob {
  std::uint64_t id = 0;
  ledger::LedgerRequest request;
  std::string key;  // idempotency key = journal entry id
  EpochMillis now = 0;
};

struct LedgerJobDone {
  std::uint64_t id = 0;
  bool ok = false;
  bool replayed = false;
  boost::json::value result;
  std::optional<ledger::LedgerError> refusal;  // the operation's named refusal: nothing changed
  std::optional<Error> store_error;            // the commit failed: nothing changed
  std::vector<ledger::Escrow> escrows;         // escrows the operation created or changed
};

}  // namespace settled::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(settled::actors::LedgerJob)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<settled::actors::LedgerJobDone>)
