#pragma once
// What one readiness check found (actors/readiness_actor.hpp runs it): per part, ok or why not.
// GET /readyz answers with it; the systemd watchdog judges it by its own rule.

#include "domain/error.hpp"

#include <boost/json/object.hpp>

#include <optional>
#include <string>

namespace settled {

struct ReadinessReport {
  // Empty when that part answered well; otherwise why not ("did not answer: ...", the error).
  std::string executions;
  std::string ledger;
  std::string store;
  std::string events;
  std::string timers;
  std::optional<Error> store_error;  // the store's own refusal, when it answered with one
  bool ready() const {
    return executions.empty() && ledger.empty() && store.empty() && events.empty() &&
           timers.empty();
  }
  // {"status": "ready" | "not_ready", "checks": {"executions": "ok" | why, ...}}
  boost::json::object to_json() const;
};

}  // namespace settled
