#pragma once
// State machines only a scope may start through the API (docs/identities.md, "Starting
// executions"): start-scopes entries "<machine>:<scope>". A workflow whose route applies a
// policy (POST /v1/users grants the configured bonus, POST /v1/transfers needs admin) or that
// the daemon runs on its own schedule must not be startable around it with any input: a key with
// no scope started user-registration with a bonus of its choosing and direct-transfer from
// another user's account. The daemon's own starts (its routes, schedules, event rules, a task's
// child execution) are not checked: they chose their input themselves.

#include "domain/caller.hpp"
#include "domain/error.hpp"
#include "domain/result.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace settled::identity {

// machine name -> the scope a caller needs to start it.
using StartScopes = std::map<std::string, std::string>;

// The shipped workflows that back a gated route or run on the daemon's schedules, and those
// whose route names the execution from what a client cannot choose ("rating-<requestId>",
// checked against the request's requester first): started directly, any key took the name
// before the route's caller did, and the route's own start was refused from then on.
inline const std::vector<std::string>& default_start_scopes() {
  static const std::vector<std::string> kDefaults = {
      "user-registration:admin",      "direct-transfer:admin", "ledger-reconciliation:admin",
      "webhook-reconciliation:admin", "service-rating:admin",  "service-registration:admin"};
  return kDefaults;
}

// Each entry "<machine>:<scope>": a state machine name (1-80 of letters, digits, '-', '_') and a
// scope (1-64 of letters, digits, '-', '_', '.'), each machine once; InvalidRequest naming the
// entry otherwise.
Result<StartScopes> parse_start_scopes(const std::vector<std::string>& entries);

// Forbidden, naming the machine and the scope, when `caller` may not start `machine`.
std::optional<Error> check_start(const StartScopes& scopes, const std::string& machine,
                                 const Caller& caller);

}  // namespace settled::identity
