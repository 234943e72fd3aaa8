#pragma once
// The ASL interpreter as pure step functions. The execution actor owns order and durability;
// these functions only say what a state does with its input:
//   enter_state   -> go to the next state, finish, fail, wait, or run a task
//   complete_task -> the task's result through ResultSelector, ResultPath, OutputPath
//   fail_task     -> retry after a delay, catch into another state, or fail the execution

#include "domain/asl/state_machine.hpp"
#include "domain/aws/arns.hpp"
#include "domain/time.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace settled::asl {

// `assigned`: the workflow variables the state's (or its catcher's) Assign sets, to be visible
// from the next state on (domain/asl/variables.hpp).
// `output_text`: the output's JSON text when the interpreter wrote it to check its size (the
// history's StateExited shows it), else empty.
struct GoTo {
  std::string next;
  boost::json::value output;
  std::optional<boost::json::object> assigned;
  std::string output_text;
};
struct Finish {
  boost::json::value output;
  std::optional<boost::json::object> assigned;
  std::string output_text;
};
struct FailWith {
  std::string error;
  std::string cause;
};
struct RunTask {
  std::string resource;
  boost::json::value parameters;
  std::optional<std::int64_t> timeout_seconds;  // from TimeoutSecondsPath, when the state has one
  std::string parameters_text;  // `parameters` as JSON text (its size was checked on it)
};
struct WaitUntil {
  EpochMillis due = 0;
  boost::json::value output;                    // what the state passes on once the wait is over
  std::optional<boost::json::object> assigned;  // set when the wait begins (Assign)
};
struct RetryAfter {
  std::int64_t delay_ms = 0;
  std::size_t retrier = 0;
};
// Parallel: one input per branch (all the same). Map: one input per item, in order. The engine
// runs each through the state's sub-machine and completes the state with complete_task, the
// result being the array of their outputs in order; a failing branch fails the state
// (fail_task) with its error.
struct RunBranches {
  std::vector<boost::json::value> inputs;
  std::size_t max_concurrency = 0;  // 0: all at once
  // A distributed Map: how many of its iterations may fail before the state fails with
  // States.ExceedToleratedFailureThreshold (a failed iteration's result is its error output).
  // Inline Maps and Parallel states fail with the first failing branch's error.
  bool distributed = false;
  std::size_t tolerated_failures = 0;
};
using Step = std::variant<GoTo, Finish, FailWith, RunTask, WaitUntil, RetryAfter, RunBranches>;

// Step Functions' payload quota: a state's input after Parameters, a task's result and a
// state's output may each be at most 256 KiB of JSON text (States.DataLimitExceeded).
inline constexpr std::size_t kPayloadLimitBytes = 256 * 1024;
// The inputs of a Map's iterations or a Parallel's branches are made (and kept) all at once, and
// an ItemSelector can copy the whole state input into each, as a Parallel does into each of its
// branches, so one 256 KiB input could become gigabytes: together they may be at most 10 MiB of
// JSON text, as much as an execution's variables (States.DataLimitExceeded).
inline constexpr std::size_t kBranchInputsLimitBytes = 10 * 1024 * 1024;
// An inline Map runs at most this many iterations at once, as Step Functions' does ("In this
// mode, the Map state supports up to 40 concurrent iterations"): MaxConcurrency 0 (no limit) or
// more means 40. Each running iteration is an actor holding up to 256 KiB payloads, so without
// it one start of a Map over a 256 KiB list of items held all of them in memory at once.
inline constexpr std::size_t kInlineMapMaxConcurrency = 40;
// A distributed Map runs at most this many child executions at once, as Step Functions' does
// (MaxConcurrency unset or 0: "Step Functions runs 10,000 parallel child workflow executions"):
// MaxConcurrency 0 (no limit) or more means 10,000. Without it one start of a Map over a 256 KiB
// list of ~100,000 items made all of their execution actors at once. Its children are never
// refused by max-running-executions (they are branches, not starts), so the daemon being full
// cannot fail the Map or make it retry; they count toward it, as every running execution, and
// past it wait for a slot (actors/executions/branch_spawns.cpp).
inline constexpr std::size_t kDistributedMapMaxConcurrency = 10000;

// The context object ($$) for a state.
// $$.Execution.Id and $$.StateMachine.Id are ARNs, as on Step Functions, so code that parses
// them runs unchanged: the execution's `arn:aws:states:<region>:<account>:execution:<state
// machine>:<name>` and `...:stateMachine:<state machine>`, in the daemon's region and account.
struct ContextFacts {
  aws::ArnScope arns;
  std::string execution_id;  // settled's id (aws::execution_arn_of)
  std::string execution_name;
  std::string state_machine;
  const boost::json::value* execution_input = nullptr;
  EpochMillis execution_start = 0;
  std::string state_name;
  EpochMillis state_entered = 0;
  std::int64_t retry_count = 0;
  std::string task_token;
  std::int64_t redrive_count = 0;  // the execution's; its RedriveTime only once redriven
  EpochMillis redrive_date = 0;
  unsigned parts = kContextAll;  // which parts to build: only those the state reads
};
boost::json::value make_context(const ContextFacts& facts);

Step enter_state(const State& state, const boost::json::value& input,
                 const boost::json::value& context);

// After a Wait: where the state goes with the output it computed on entry.
Step complete_wait(const State& state, boost::json::value output);

// After a Task's result, or a Parallel/Map state's array of branch outputs.
// `result_bytes`: the result's serialized size when the caller has its text (its size need
// not be walked again).
Step complete_task(const State& state, const boost::json::value& state_input,
                   boost::json::value result, const boost::json::value& context,
                   std::optional<std::size_t> result_bytes = std::nullopt);

// `retrier_attempts` holds one count per retrier of the state (resized as needed) and is
// advanced when a retry is chosen. `random01` feeds FULL jitter. `context` (with the visible
// variables) is what a catcher's Assign reads besides the error output.
Step fail_task(const State& state, const boost::json::value& state_input, const std::string& error,
               const std::string& cause, std::vector<std::int64_t>& retrier_attempts,
               double random01, const boost::json::value& context = boost::json::value());

}  // namespace settled::asl
