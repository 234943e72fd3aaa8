#pragma once
// The durable record of one execution: what a client sees (status, input, output, error) and the
// cursor the engine resumes from after a restart (state, its input, retry counts, due time).

#include "domain/asl/state_machine.hpp"
#include "domain/result.hpp"
#include "domain/time.hpp"

#include <boost/json/object.hpp>
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
  kStart,      // a branch execution written by its parent, not begun yet
  kBranches,   // a Parallel or Map state waits for its branch executions
  kCallback,   // a .waitForTaskToken task waits for its token (until `due`, if set)
};

// A phase in which the execution holds no actor: a timer or a callback wakes it.
inline bool waits_to_be_woken(Phase phase) {
  return phase == Phase::kWait || phase == Phase::kRetryWait || phase == Phase::kCallback;
}

// What a Parallel/Map state knows of each of its branches, one character per branch index.
namespace branch_state {
inline constexpr char kQueued = 'q';  // not started yet (MaxConcurrency)
inline constexpr char kRunning = 'r';
inline constexpr char kSucceeded = 's';
inline constexpr char kFailed = 'f';
inline constexpr char kAborted = 'a';
}  // namespace branch_state

struct ExecutionRecord {
  std::string id;
  std::string state_machine;
  std::int64_t state_machine_version = 0;  // the registered version it runs (0: unversioned)
  std::string name;
  ExecutionStatus status = ExecutionStatus::kRunning;
  boost::json::value input;
  boost::json::value output;  // null until succeeded
  std::string error, cause;
  EpochMillis start = 0, stop = 0;
  EpochMillis deadline = 0;  // start + the state machine's TimeoutSeconds; 0: none
  // RedriveExecution: how many times, and the last time (0: never), as DescribeExecution shows.
  std::int64_t redrive_count = 0;
  EpochMillis redrive_date = 0;

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

  // A .waitForTaskToken task: the token of the current attempt ($$.Task.Token) and when the
  // whole wait ends (the state's TimeoutSeconds; 0: none). Heartbeats move `due`, not this.
  std::string task_token;
  EpochMillis task_deadline = 0;

  // While phase == kBranches: the id of the ParallelStateStarted/MapStateStarted event (it
  // names this run's branch executions) and the state of each branch.
  std::int64_t branches_event_id = 0;
  std::string branches;

  // A branch execution (one Parallel branch or Map iteration) knows its parent and where in
  // the parent's state machine its sub-machine is.
  std::string parent_id;
  std::int64_t branch_index = 0;
  asl::Scope scope;

  // Workflow variables (Assign): this execution's own scope, and for a Parallel branch or Map
  // iteration the variables of the scopes around it as they were when it started (read-only:
  // its own shadow them). Both empty in records written before variables existed.
  boost::json::object variables;
  boost::json::object outer_variables;
  // What "$name" paths see: the outer variables with this scope's over them.
  boost::json::object visible_variables() const;

  // Test mode (the daemon's mock-config): the test case it was started with ("<machine>#<case>"),
  // shared by its Parallel branches and Map iterations. Empty otherwise.
  std::string test_case;

  bool is_branch() const { return !parent_id.empty(); }
  // The id of branch `index` of the current Parallel/Map run: <id>~<startedEventId>.<index>.
  std::string branch_id(std::size_t index) const;
  // The prefix every branch id of the current run starts with.
  std::string branch_prefix() const;

  // The idempotency key of the current task attempt: <executionId>/<stateName>/<entry#>,
  // identical across retries and restarts.
  std::string idempotency_key() const;

  boost::json::value to_json() const;
  // The same document as serialize(to_json()), written without copying the payloads: this
  // runs at every durable transition.
  std::string serialize() const;
  // The same, with the texts of the payloads given when the caller has them already
  // (json::serialize's text of exactly those values; an empty view: not known).
  struct KnownTexts {
    std::string_view input;
    std::string_view output;
    std::string_view state_input;  // the cursor's input
  };
  std::string serialize(const KnownTexts& known) const;
  // Whether the cursor's input is the execution's input (stored once, as "inputSameAs").
  bool cursor_input_is_input() const;
  static Result<ExecutionRecord> from_json(const boost::json::value& value);
  // The stored text of a record, decoded without throwing: kRecordCorrupt if it does not parse
  // or is not a record. Every reader of Table::kExecutions goes through this.
  static Result<ExecutionRecord> parse(std::string_view text, std::string_view id);

  // What GET /v1/executions/{id} shows.
  boost::json::object describe() const;
};

}  // namespace settled
