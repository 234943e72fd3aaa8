#pragma once
// Runs a parsed state machine to completion with settled's pure interpreter steps, the way
// src/actors/execution_actor.cpp drives them, but synchronously: tasks are answered by a mock,
// waits and retry delays are recorded instead of slept. Kept apart from the case-file handling so
// it can be replaced by the engine's own run-to-completion function once there is one.

#include "domain/asl/state_machine.hpp"
#include "domain/time.hpp"

#include <boost/json/value.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace settled::differential {

// What a mocked task attempt returns: a result, or an error name and cause.
struct MockOutcome {
  bool ok = true;
  boost::json::value result;
  std::string error;
  std::string cause;
};

// `attempt` counts the calls of this state's task in the execution (0 for the first).
using TaskMock = std::function<MockOutcome(const std::string& state_name,
                                           const boost::json::value& parameters, int attempt)>;

struct DriveOptions {
  TaskMock task;
  // Context object facts that stay the same for the whole run.
  std::string execution_id = "differential-execution";
  std::string execution_name = "differential-execution";
  std::string state_machine = "differential";
  EpochMillis start = 1704067200000;  // 2024-01-01T00:00:00Z: no clock is read
  std::size_t max_transitions = 10000;
};

struct DriveResult {
  bool succeeded = false;
  boost::json::value output;
  std::string error;
  std::string cause;
  // The delay fail_task chose for each retry, per state, in order.
  std::map<std::string, std::vector<std::int64_t>> retry_delays_ms;
};

DriveResult run_to_completion(const asl::StateMachine& machine, const boost::json::value& input,
                              const DriveOptions& options);

}  // namespace settled::differential
