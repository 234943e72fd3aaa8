#pragma once
// What a task attempt comes back with: a result, or an ASL error name with a cause. In-process
// resources also hand back the writes that must commit together with the state transition.

#include "domain/time.hpp"
#include "domain/write_batch.hpp"

#include <boost/json/value.hpp>

#include <cstdint>
#include <string>

namespace settled {

struct TaskOutcome {
  bool ok = true;
  boost::json::value result;
  std::string error;  // e.g. "Stripe.CardError", "States.Timeout"
  std::string cause;
  WriteBatch writes;  // committed atomically with the transition that records this outcome
  // The task now waits for SendTaskSuccess/Failure on the attempt's token (events.waitFor
  // registered a waiter), for at most this many seconds (0: no limit of its own).
  bool awaits_callback = false;
  std::int64_t callback_timeout_seconds = 0;
  // Answered by a test case's mocked response (mock-config): final, even for a
  // .waitForTaskToken resource, as in Step Functions Local.
  bool mocked = false;
  // settled:states.startExecution: when the started execution started (its result's startDate),
  // as a number for the AWS form's StartDate; 0 for any other outcome.
  EpochMillis start_date = 0;
  // `result` as json::serialize writes it, when the resource already wrote that text (the Stripe
  // simulator saved its answer): the history takes it instead of serializing `result` again.
  // Empty: not known. Whoever changes `result` afterwards must clear it.
  std::string result_text;

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
  // No later than the key's first use: when the state was entered (0: not known). Stripe
  // honours a key for 24 hours from its first use; past that a call is looked up, not resent.
  EpochMillis key_first_used = 0;
  // Only find out whether this attempt was executed, never send it again: the workflow is
  // about to give up on its unknown outcome (docs/stripe-client.md, "Unknown outcomes").
  bool resolve_only = false;
  std::string task_token;  // $$.Task.Token of this attempt, for resources that wait for one
  // The history event id of the state's entry: orders what one execution's steps write (a
  // user's notifications sent in the same millisecond, newest first).
  std::int64_t entered_event_id = 0;
};

}  // namespace settled
