#pragma once
// Step Functions Local's mock configuration (its "MockConfigFile"), for settled's opt-in test
// mode (the daemon's `mock-config` option):
//   {"StateMachines": {"<machine>": {"TestCases": {"<case>": {"<state>": "<response>"}}}},
//    "MockedResponses": {"<response>": {"0": {"Return": ...}, "1-2": {"Throw": {"Error": "E",
//                                                                               "Cause": "C"}}}}}
// An execution started as "<machine>#<case>" answers the Task states its test case names from
// the mocked responses instead of running their resources. Responses are chosen by the
// zero-based invocation number of that state in the execution, as Step Functions Local does.
// Pure: the adapter reads the file, the execution actor counts invocations.

#include "domain/result.hpp"

#include <boost/json/value.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace settled::asl {

// Bounds of a mock configuration, so a mistaken file cannot make the daemon hold any amount.
inline constexpr std::size_t kMockMaxNameLength = 80;
inline constexpr std::size_t kMockMaxEntries = 100000;  // machines, test cases, responses, ranges
inline constexpr std::int64_t kMockMaxInvocation = 1000000000;

// One mocked answer: a Return (`ok`, `result`) or a Throw (`error`, `cause`).
struct MockedAnswer {
  bool ok = true;
  boost::json::value result;
  std::string error;
  std::string cause;
};

class MockConfig {
 public:
  // The parsed configuration, or kInvalidRequest naming the offending field
  // (e.g. `MockedResponses.R."1-x": an invocation number is "N" or "N-M"`).
  static Result<MockConfig> parse(const boost::json::value& document);

  bool has_test_case(const std::string& machine, const std::string& test_case) const;

  // The answer to invocation `invocation` (0 for the first) of `state` in an execution of
  // `machine` started with `test_case`; nullopt when the test case does not mock that state
  // (its resource runs). An invocation past the response's last range fails the task with
  // States.TaskFailed: a test case that runs a state more often than it planned is a failure.
  std::optional<MockedAnswer> answer(const std::string& machine, const std::string& test_case,
                                     const std::string& state, std::int64_t invocation) const;

  std::size_t test_case_count() const;

 private:
  struct Range {
    std::int64_t first = 0;
    std::int64_t last = 0;
    MockedAnswer answer;
  };
  // machine -> test case -> state -> response name
  std::map<std::string, std::map<std::string, std::map<std::string, std::string>>> machines_;
  std::map<std::string, std::vector<Range>> responses_;  // ranges sorted, not overlapping
};

// Splits "<machine>#<case>" (the stateMachine of a start request in test mode); no '#': the
// name and an empty test case.
std::pair<std::string, std::string> split_test_case(const std::string& state_machine);

}  // namespace settled::asl
