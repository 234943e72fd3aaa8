#pragma once
// What the ASL parser's tests share (parser_test.cpp, parser_rules_test.cpp): a definition's
// refusal split into its problems, and small machines built around one state.

#include "domain/asl/parser.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace settled::asl::parser_test {

// The matchers the parser's tests use, for `using namespace parser_test`.
using ::testing::AllOf;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Matcher;
using ::testing::Not;
using ::testing::StartsWith;
using ::testing::UnorderedElementsAre;

// One problem: "<where>: <rule...>" where the rule contains `rule`.
inline Matcher<std::string> Problem(const std::string& where, const std::string& rule) {
  return AllOf(StartsWith(where + ": "), HasSubstr(rule));
}

// Splits the refusal message of an invalid definition into its problems. Empty if it parsed.
// Checks the message's own count ("(N problems)") against the problems it lists.
inline std::vector<std::string> problems(std::string_view text, const ParseOptions& options = {}) {
  auto result = parse_state_machine_text(text, "test", options);
  if (result.ok()) return {};
  EXPECT_EQ(result.error().code, ErrorCode::kInvalidDefinition);
  std::string message = result.error().message;
  std::size_t expected = 1;
  const std::string single = "invalid definition: ";
  const std::string several = "invalid definition (";
  if (message.rfind(single, 0) == 0) {
    message.erase(0, single.size());
  } else if (message.rfind(several, 0) == 0) {
    const auto close = message.find(" problems): ");
    EXPECT_NE(close, std::string::npos) << message;
    if (close == std::string::npos) return {message};
    expected = std::stoul(message.substr(several.size(), close - several.size()));
    EXPECT_GE(expected, 2u) << message;
    message.erase(0, close + std::string(" problems): ").size());
  } else {
    ADD_FAILURE() << "unexpected refusal format: " << message;
    return {message};
  }
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    // A problem starts with "$"; "; " followed by "$" separates two problems.
    const auto sep = message.find("; $", start);
    out.push_back(
        message.substr(start, sep == std::string::npos ? std::string::npos : sep - start));
    if (sep == std::string::npos) break;
    start = sep + 2;
  }
  EXPECT_EQ(out.size(), expected) << result.error().message;
  return out;
}

inline StateMachine parse_ok(std::string_view text, const ParseOptions& options = {}) {
  auto result = parse_state_machine_text(text, "test", options);
  if (!result.ok()) {
    ADD_FAILURE() << "expected the definition to parse: " << result.error().message;
    throw std::runtime_error("definition refused");
  }
  return std::move(result).value();
}

// A machine whose single state "S" is `state` (a JSON object text), plus a terminal "Done".
inline std::string one_state(std::string_view state) {
  return std::string(R"({"StartAt": "S", "States": {"S": )") + std::string(state) +
         R"(, "Done": {"Type": "Succeed"}}})";
}

// A machine whose only state "S" is `state` (for terminal states).
inline std::string alone(std::string_view state) {
  return std::string(R"({"StartAt": "S", "States": {"S": )") + std::string(state) + "}}";
}

// A Task state "S" with the given extra fields, going to "Done".
inline std::string task_with(std::string_view fields) {
  return one_state(std::string(R"({"Type": "Task", "Resource": "settled:x", "Next": "Done", )") +
                   std::string(fields) + "}");
}

// A Choice state "S" whose only rule is `rule` (which must carry its own Next), default "Done".
inline std::string choice_with(std::string_view rule) {
  return one_state(std::string(R"({"Type": "Choice", "Choices": [)") + std::string(rule) +
                   R"(], "Default": "Done"})");
}

}  // namespace settled::asl::parser_test
