#pragma once
// What a task attempt comes back with: a result, or an ASL error name with a cause. In-process
// resources also hand back the writes that must commit together with the state transition.

#include "domain/time.hpp"
#include "domain/write_batch.hpp"

#include <boost/json/value.hpp>

#include <string>

namespace settled {

struct TaskOutcome {
  bool ok = true;
  boost::json::value result;
  std::string error;  // e.g. "Stripe.CardError", "States.Timeout"
  std::string cause;
  WriteBatch writes;  // committed atomically with the transition that records this outcome

  static TaskOutcome success(boost::json::value result, WriteBatch writes = {}) {
    TaskOutcome o;
    o.result = std::move(result);
    o.writes = std::move(writes);
    return o;
  }
  static TaskOutcome failure(std::string error, std::string cause) {
    TaskOutcome o;
    o.ok = false;
    o.error = std::move(error);
    o.cause = std::move(cause);
    return o;
  }
};

// Facts a task attempt runs with.
struct TaskAttempt {
  std::string resource;
  boost::json::value parameters;
  std::string idempotency_key;  // <executionId>/<stateName>/<entry#>
  std::string execution_id;
  std::string state_name;
  EpochMillis now = 0;
};

}  // namespace settled
