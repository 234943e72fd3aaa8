#pragma once
// Asking the accounts router for a ledger operation from a test, without waiting: the future has
// the answer once the operation's commit returned (what the API layer's LedgerCall does).

#include "actors/interfaces.hpp"
#include "actors/messages.hpp"

#include <caf/send.hpp>

#include <boost/json/object.hpp>

#include <future>
#include <memory>
#include <string>

namespace settled::actors::testing {

inline std::future<LedgerReply> ask_ledger(const LedgerActor& router, const std::string& op,
                                           const std::string& key, boost::json::object parameters) {
  auto promise = std::make_shared<std::promise<LedgerReply>>();
  auto future = promise->get_future();
  LedgerCall call;
  call.attempt.resource = "settled:ledger." + op;
  call.attempt.parameters = std::move(parameters);
  call.attempt.idempotency_key = key;
  call.reply = [promise](LedgerReply r) { promise->set_value(std::move(r)); };
  caf::anon_send(router, ledger_atom::value, std::move(call));
  return future;
}

}  // namespace settled::actors::testing
