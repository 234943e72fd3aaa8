#pragma once
// The parsed, validated model of an Amazon States Language definition (JSONPath dialect).

#include "domain/asl/intrinsics.hpp"
#include "domain/asl/payload_template.hpp"
#include "domain/json_path.hpp"

#include <boost/json/value.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace settled::asl {

enum class StateType { kTask, kPass, kChoice, kWait, kSucceed, kFail, kParallel, kMap };

const char* state_type_name(StateType type);  // "Task", "Pass", ...

// InputPath / OutputPath / ResultPath: absent (default "$"), explicit null, or a path.
struct OptionalPath {
  enum class Kind { kDefault, kNull, kPath };
  Kind kind = Kind::kDefault;
  std::optional<jsonpath::Path> path;
};

struct Retrier {
  std::vector<std::string> error_equals;
  std::int64_t interval_seconds = 1;
  std::int64_t max_attempts = 3;
  double backoff_rate = 2.0;  // a rate, not money: Step Functions defines it as a float
  std::optional<std::int64_t> max_delay_seconds;
  bool full_jitter = false;
};

struct Catcher {
  std::vector<std::string> error_equals;
  std::string next;
  OptionalPath result_path;
  std::optional<PayloadTemplate> assign;  // Assign: reads the error output as $
};

// Choice rules: a comparison on a variable, or And/Or/Not of nested rules.
struct ChoiceRule {
  enum class Kind { kAnd, kOr, kNot, kCompare };
  Kind kind = Kind::kCompare;
  std::vector<ChoiceRule> children;
  std::optional<jsonpath::Path> variable;
  std::string comparator;                      // e.g. "StringEquals" (without "Path")
  bool operand_is_path = false;                // e.g. "StringEqualsPath"
  boost::json::value operand;                  // literal operand
  std::optional<jsonpath::Path> operand_path;  // for *Path comparators
  std::string next;                            // only on top-level rules
  // Only on top-level rules: set when this rule matches, over what the Choice state's own
  // Assign sets (its values win for a name both set).
  std::optional<PayloadTemplate> assign;
};

// The parts of the context object ($$) a state may read.
inline constexpr unsigned kContextExecution = 1;
inline constexpr unsigned kContextState = 2;
inline constexpr unsigned kContextStateMachine = 4;
inline constexpr unsigned kContextTask = 8;
inline constexpr unsigned kContextAll = 15;

struct StateMachine;
using StateMachinePtr = std::shared_ptr<const StateMachine>;

struct State {
  std::string name;
  bool uses_context = false;          // some path of the state reads the context object ($$)
  bool uses_execution_input = false;  // ... and may read $$.Execution.Input (a copy of the input)
  // ... and which of its parts (kContext* above): only those are built for the state.
  unsigned context_parts = kContextAll;
  StateType type = StateType::kPass;
  std::string next;
  bool end = false;

  OptionalPath input_path, output_path, result_path;
  std::optional<PayloadTemplate> parameters;
  std::optional<PayloadTemplate> result_selector;
  // Assign (domain/asl/variables.hpp). A Choice state's applies whichever way it goes, a
  // matching rule's own Assign over it.
  std::optional<PayloadTemplate> assign;

  // Task
  std::string resource;
  std::optional<std::int64_t> timeout_seconds;
  std::optional<jsonpath::Path> timeout_seconds_path;  // Task: TimeoutSecondsPath
  std::optional<std::int64_t> heartbeat_seconds;
  std::vector<Retrier> retry;
  std::vector<Catcher> catchers;

  // Pass
  std::optional<boost::json::value> result;

  // Choice
  std::vector<ChoiceRule> choices;
  std::string default_next;

  // Wait
  std::optional<std::int64_t> seconds;
  std::optional<jsonpath::Path> seconds_path;
  std::optional<std::string> timestamp;
  std::optional<jsonpath::Path> timestamp_path;

  // Fail
  std::optional<std::string> error, cause;
  std::optional<jsonpath::Path> error_path, cause_path;
  std::optional<Intrinsic> error_intrinsic, cause_intrinsic;  // ErrorPath/CausePath may be calls

  // Parallel: one sub-machine per branch. Map: the sub-machine run for each item.
  std::vector<StateMachinePtr> branches;
  StateMachinePtr item_processor;
  std::optional<jsonpath::Path> items_path;      // default "$"
  std::optional<PayloadTemplate> item_selector;  // ItemSelector, or the legacy Map Parameters
  std::int64_t max_concurrency = 0;              // 0: no limit
  std::optional<jsonpath::Path> max_concurrency_path;

  // Map in DISTRIBUTED mode: run in-process over the items of the input like an inline Map,
  // with tolerated failures and item batches (an ItemReader is refused: no S3 here). Its
  // iterations do not see the variables around the Map.
  bool distributed = false;
  std::string label;
  std::optional<std::int64_t> tolerated_failure_count;
  std::optional<jsonpath::Path> tolerated_failure_count_path;
  std::optional<double> tolerated_failure_percentage;  // a ratio, not money
  std::optional<jsonpath::Path> tolerated_failure_percentage_path;
  struct Batcher {
    std::optional<std::int64_t> max_items;
    std::optional<jsonpath::Path> max_items_path;
    std::optional<std::int64_t> max_bytes;
    std::optional<jsonpath::Path> max_bytes_path;
    std::optional<PayloadTemplate> batch_input;
  };
  std::optional<Batcher> item_batcher;
};

// Where a branch runs inside a state machine: for each level, the Parallel or Map state and
// the branch index (always 0 for a Map's item processor). Empty: the top level.
struct ScopeStep {
  std::string state;
  std::size_t branch = 0;
  bool operator==(const ScopeStep& other) const {
    return state == other.state && branch == other.branch;
  }
};
using Scope = std::vector<ScopeStep>;

struct StateMachine {
  std::string name;  // registered name, e.g. "payment"
  // Registered version, 1, 2, ... (0: not from the version store, e.g. a test's own registry).
  std::int64_t version = 0;
  std::string comment;
  std::string start_at;
  std::map<std::string, State> states;
  std::optional<std::int64_t> timeout_seconds;
  boost::json::value definition;  // as registered, for describe/export

  const State* find(const std::string& state_name) const {
    auto it = states.find(state_name);
    return it == states.end() ? nullptr : &it->second;
  }

  // The sub-machine a branch runs, or null if the scope names nothing here.
  static StateMachinePtr resolve(const StateMachinePtr& root, const Scope& scope) {
    StateMachinePtr machine = root;
    for (const auto& step : scope) {
      const State* state = machine ? machine->find(step.state) : nullptr;
      if (!state) return nullptr;
      if (state->type == StateType::kMap && step.branch == 0) {
        machine = state->item_processor;
      } else if (state->type == StateType::kParallel && step.branch < state->branches.size()) {
        machine = state->branches[step.branch];
      } else {
        return nullptr;
      }
    }
    return machine;
  }
};

}  // namespace settled::asl
