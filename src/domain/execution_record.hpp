#pragma once
// The durable record of one execution: what a client sees (status, input, output, error) and the
// cursor the engine resumes from after a restart (state, its input, retry counts, due time).

#include "domain/result.hpp"
#include "domain/time.hpp"

#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace settled {

enum class ExecutionStatus { kRunning, kSucceeded, kFailed, kTimedOut, kAborted };
const char* status_name(ExecutionStatus status);  // "RUNNING", ...
std::optional<ExecutionStatus> parse_status(std::string_view text);

// Where a running execution stands between two durable transitions.
enum class Phase {
  kTask,       // the task of `state` is to be (re)attempted with the same idempotency key
  kRetryWait,  // a retry of that task is due at `due`
  kWait,       // a Wait state ends at `due`
  kDone,       // final
};

struct ExecutionRecord {
  std::string id;
  std::string state_machine;
  std::string name;
  ExecutionStatus status = ExecutionStatus::kRunning;
  boost::json::value input;
  boost::json::value output;  // null until succeeded
  std::string error, cause;
  EpochMillis start = 0, stop = 0;

  // Cursor.
  std::string state;
  boost::json::value state_input;
  boost::json::value wait_output;  // what a Wait state passes on when it ends
  EpochMillis state_entered = 0;
  std::int64_t entered_event_id = 0;  // history id of the StateEntered event: the entry number
  std::vector<std::int64_t> retrier_attempts;
  std::int64_t retry_count = 0;  // retries of the current task so far ($$.State.RetryCount)
  Phase phase = Phase::kTask;
  EpochMillis due = 0;
  std::int64_t last_event_id = 0;

  // The idempotency key of the current task attempt: <executionId>/<stateName>/<entry#>,
  // identical across retries and restarts.
  std::string idempotency_key() const;

  boost::json::value to_json() const;
  // The same document as serialize(to_json()), written without copying the payloads: this
  // runs at every durable transition.
  std::string serialize() const;
  static Result<ExecutionRecord> from_json(const boost::json::value& value);

  // What GET /v1/executions/{id} shows.
  boost::json::object describe() const;
};

}  // namespace settled
