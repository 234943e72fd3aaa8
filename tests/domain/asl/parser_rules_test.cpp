// Tests for the ASL parser/validator's rules (src/domain/asl/parser.hpp): Retry and Catch, paths
// and templates, Choice rules, Wait and Fail, JSON text and how problems are reported together.
// The definitions' structure and the valid forms are in parser_test.cpp.

#include "domain/asl/parser.hpp"

#include "domain/asl/parser_test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace settled::asl {
namespace {

namespace json = boost::json;
using namespace parser_test;

// ---------------------------------------------------------------------------------------------
// Retry and Catch

TEST(AslParser, RefusesStatesAllNotAloneInRetry) {
  EXPECT_THAT(
      problems(task_with(R"("Retry": [{"ErrorEquals": ["States.ALL", "Stripe.CardError"]}])")),
      ElementsAre(
          Problem("$.States['S'].Retry[0].ErrorEquals", "\"States.ALL\" must appear alone")));
}

TEST(AslParser, RefusesStatesAllNotLastInRetry) {
  EXPECT_THAT(
      problems(task_with(
          R"("Retry": [{"ErrorEquals": ["States.ALL"]}, {"ErrorEquals": ["States.Timeout"]}])")),
      ElementsAre(Problem("$.States['S'].Retry[0].ErrorEquals", "must be the last one")));
}

TEST(AslParser, RefusesStatesAllNotAloneOrNotLastInCatch) {
  EXPECT_THAT(
      problems(task_with(
          R"("Catch": [{"ErrorEquals": ["Stripe.CardError", "States.ALL"], "Next": "Done"}])")),
      ElementsAre(
          Problem("$.States['S'].Catch[0].ErrorEquals", "\"States.ALL\" must appear alone")));
  EXPECT_THAT(problems(task_with(R"("Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Done"},
                                             {"ErrorEquals": ["X"], "Next": "Done"}])")),
              ElementsAre(Problem("$.States['S'].Catch[0].ErrorEquals", "must be the last one")));
}

TEST(AslParser, RefusesMalformedErrorEquals) {
  EXPECT_THAT(
      problems(task_with(R"("Retry": [{"MaxAttempts": 1}])")),
      ElementsAre(Problem("$.States['S'].Retry[0]", "missing required field \"ErrorEquals\"")));
  EXPECT_THAT(problems(task_with(R"("Retry": [{"ErrorEquals": []}])")),
              ElementsAre(Problem("$.States['S'].Retry[0].ErrorEquals", "non-empty array")));
  EXPECT_THAT(problems(task_with(R"("Catch": [{"ErrorEquals": [7], "Next": "Done"}])")),
              ElementsAre(Problem("$.States['S'].Catch[0].ErrorEquals", "only strings")));
  EXPECT_THAT(problems(task_with(R"("Catch": [{"ErrorEquals": ["A"]}])")),
              ElementsAre(Problem("$.States['S'].Catch[0]", "missing required field \"Next\"")));
  EXPECT_THAT(problems(task_with(R"("Retry": {"ErrorEquals": ["A"]})")),
              ElementsAre(Problem("$.States['S'].Retry", "array")));
}

TEST(AslParser, RefusesBackoffRateBelowOne) {
  EXPECT_THAT(
      problems(task_with(R"("Retry": [{"ErrorEquals": ["A"], "BackoffRate": 0.5}])")),
      ElementsAre(Problem("$.States['S'].Retry[0].BackoffRate", "greater than or equal to 1.0")));
  EXPECT_THAT(problems(task_with(R"("Retry": [{"ErrorEquals": ["A"], "BackoffRate": "2"}])")),
              ElementsAre(Problem("$.States['S'].Retry[0].BackoffRate", "must be a number")));
}

TEST(AslParser, RefusesNegativeMaxAttempts) {
  EXPECT_THAT(
      problems(task_with(
          R"("Retry": [{"ErrorEquals": ["A"]}, {"ErrorEquals": ["B"], "MaxAttempts": -1}])")),
      ElementsAre(Problem("$.States['S'].Retry[1].MaxAttempts", "non-negative integer")));
  EXPECT_THAT(problems(task_with(R"("Retry": [{"ErrorEquals": ["A"], "MaxAttempts": 2.5}])")),
              ElementsAre(Problem("$.States['S'].Retry[0].MaxAttempts", "non-negative integer")));
}

TEST(AslParser, RefusesNonPositiveRetryIntervals) {
  EXPECT_THAT(problems(task_with(R"("Retry": [{"ErrorEquals": ["A"], "IntervalSeconds": 0}])")),
              ElementsAre(Problem("$.States['S'].Retry[0].IntervalSeconds", "positive integer")));
  EXPECT_THAT(problems(task_with(R"("Retry": [{"ErrorEquals": ["A"], "MaxDelaySeconds": 0}])")),
              ElementsAre(Problem("$.States['S'].Retry[0].MaxDelaySeconds", "positive integer")));
  EXPECT_THAT(
      problems(task_with(R"("Retry": [{"ErrorEquals": ["A"], "JitterStrategy": "HALF"}])")),
      ElementsAre(Problem("$.States['S'].Retry[0].JitterStrategy", "\"FULL\" or \"NONE\"")));
}

TEST(AslParser, RefusesHeartbeatNotBelowTimeout) {
  EXPECT_THAT(
      problems(task_with(R"("TimeoutSeconds": 10, "HeartbeatSeconds": 10)")),
      ElementsAre(Problem("$.States['S'].HeartbeatSeconds", "smaller than TimeoutSeconds")));
  EXPECT_THAT(
      problems(task_with(R"("TimeoutSeconds": 10, "HeartbeatSeconds": 20)")),
      ElementsAre(Problem("$.States['S'].HeartbeatSeconds", "smaller than TimeoutSeconds")));
  EXPECT_THAT(problems(task_with(R"("TimeoutSeconds": 0)")),
              ElementsAre(Problem("$.States['S'].TimeoutSeconds", "positive integer")));
}

// ---------------------------------------------------------------------------------------------
// Paths and templates

TEST(AslParser, RefusesBadJsonPaths) {
  EXPECT_THAT(problems(one_state(R"({"Type": "Pass", "InputPath": "$.a[", "Next": "Done"})")),
              ElementsAre(Problem("$.States['S'].InputPath", "invalid JSONPath")));
  EXPECT_THAT(problems(one_state(R"({"Type": "Pass", "OutputPath": "a.b", "Next": "Done"})")),
              ElementsAre(Problem("$.States['S'].OutputPath", "JSONPath")));
  EXPECT_THAT(problems(one_state(R"({"Type": "Pass", "OutputPath": 5, "Next": "Done"})")),
              ElementsAre(Problem("$.States['S'].OutputPath", "must be a JSONPath string")));
  EXPECT_THAT(problems(alone(R"({"Type": "Fail", "ErrorPath": "$[", "Cause": "x"})")),
              ElementsAre(Problem("$.States['S'].ErrorPath", "invalid JSONPath")));
}

TEST(AslParser, RefusesResultPathThatIsNotAReferencePath) {
  EXPECT_THAT(
      problems(one_state(R"({"Type": "Pass", "ResultPath": "$.items[*]", "Next": "Done"})")),
      ElementsAre(Problem("$.States['S'].ResultPath", "reference path")));
  EXPECT_THAT(problems(one_state(R"({"Type": "Pass", "ResultPath": "$..x", "Next": "Done"})")),
              ElementsAre(Problem("$.States['S'].ResultPath", "reference path")));
  EXPECT_THAT(
      problems(task_with(
          R"("Catch": [{"ErrorEquals": ["A"], "Next": "Done", "ResultPath": "$.a[0,1]"}])")),
      ElementsAre(Problem("$.States['S'].Catch[0].ResultPath", "reference path")));
  EXPECT_THAT(problems(one_state(R"({"Type": "Pass", "ResultPath": "$$.State", "Next": "Done"})")),
              ElementsAre(Problem("$.States['S'].ResultPath", "context object")));
  // A filter is fine in InputPath (not a reference path, but a valid path there).
  EXPECT_THAT(problems(one_state(
                  R"({"Type": "Pass", "InputPath": "$.items[?(@.p > 1)]", "Next": "Done"})")),
              IsEmpty());
}

TEST(AslParser, RefusesBadParameterTemplates) {
  EXPECT_THAT(problems(one_state(R"({"Type": "Pass", "Parameters": {"a.$": 5}, "Next": "Done"})")),
              ElementsAre(Problem("$.States['S'].Parameters['a.$']", "JSONPath string")));
  EXPECT_THAT(problems(one_state(
                  R"({"Type": "Pass", "Parameters": {"a": {"b.$": "$.x["}}, "Next": "Done"})")),
              ElementsAre(Problem("$.States['S'].Parameters['a']['b.$']", "invalid JSONPath")));
  EXPECT_THAT(problems(one_state(R"({"Type": "Pass", "Parameters": [1], "Next": "Done"})")),
              ElementsAre(Problem("$.States['S'].Parameters", "must be a JSON object")));
  EXPECT_THAT(
      problems(task_with(R"j("ResultSelector": {"id.$": "States.Format('{}')"})j")),
      ElementsAre(Problem("$.States['S'].ResultSelector['id.$']", "invalid intrinsic function")));
  EXPECT_THAT(problems(task_with(R"j("ResultSelector": {"id.$": "States.Format('{}', $.id)"})j")),
              IsEmpty());
}

// ---------------------------------------------------------------------------------------------
// Choice rules

TEST(AslParser, RefusesChoiceRuleWithoutOperator) {
  EXPECT_THAT(problems(choice_with(R"({"Variable": "$.a", "Next": "Done"})")),
              ElementsAre(Problem("$.States['S'].Choices[0]", "needs one comparison operator")));
}

TEST(AslParser, RefusesChoiceRuleWithTwoOperators) {
  EXPECT_THAT(
      problems(choice_with(
          R"({"Variable": "$.a", "StringEquals": "x", "StringMatches": "y*", "Next": "Done"})")),
      ElementsAre(Problem("$.States['S'].Choices[0]", "only one comparison operator")));
  EXPECT_THAT(
      problems(choice_with(
          R"({"And": [{"Variable": "$.a", "IsNull": true}], "Not": {"Variable": "$.a", "IsNull": true},
                      "Next": "Done"})")),
      ElementsAre(Problem("$.States['S'].Choices[0]", "only one comparison operator")));
}

TEST(AslParser, RefusesNextInsideNestedChoiceRules) {
  EXPECT_THAT(
      problems(choice_with(
          R"({"And": [{"Variable": "$.a", "IsNull": true, "Next": "Done"}], "Next": "Done"})")),
      ElementsAre(Problem("$.States['S'].Choices[0].And[0].Next", "only top-level")));
  EXPECT_THAT(
      problems(choice_with(
          R"({"Not": {"Variable": "$.a", "IsNull": true, "Next": "Done"}, "Next": "Done"})")),
      ElementsAre(Problem("$.States['S'].Choices[0].Not.Next", "only top-level")));
}

TEST(AslParser, RefusesTopLevelChoiceRuleWithoutNext) {
  EXPECT_THAT(problems(choice_with(R"({"Variable": "$.a", "IsNull": true})")),
              ElementsAre(Problem("$.States['S'].Choices[0]", "missing required field \"Next\"")));
}

TEST(AslParser, RefusesWrongOperandTypes) {
  EXPECT_THAT(problems(choice_with(R"({"Variable": "$.a", "StringEquals": 5, "Next": "Done"})")),
              ElementsAre(Problem("$.States['S'].Choices[0].StringEquals", "must be a string")));
  EXPECT_THAT(
      problems(choice_with(R"({"Variable": "$.a", "StringMatches": null, "Next": "Done"})")),
      ElementsAre(Problem("$.States['S'].Choices[0].StringMatches", "must be a string")));
  EXPECT_THAT(
      problems(choice_with(R"({"Variable": "$.a", "NumericLessThan": "5", "Next": "Done"})")),
      ElementsAre(Problem("$.States['S'].Choices[0].NumericLessThan", "must be a number")));
  EXPECT_THAT(
      problems(choice_with(R"({"Variable": "$.a", "BooleanEquals": "true", "Next": "Done"})")),
      ElementsAre(Problem("$.States['S'].Choices[0].BooleanEquals", "true or false")));
  EXPECT_THAT(problems(choice_with(R"({"Variable": "$.a", "IsPresent": 1, "Next": "Done"})")),
              ElementsAre(Problem("$.States['S'].Choices[0].IsPresent", "true or false")));
  EXPECT_THAT(problems(choice_with(
                  R"({"Variable": "$.a", "TimestampEquals": "tomorrow", "Next": "Done"})")),
              ElementsAre(Problem("$.States['S'].Choices[0].TimestampEquals", "RFC 3339")));
  EXPECT_THAT(
      problems(choice_with(
          R"({"Variable": "$.a", "TimestampLessThan": "2025-02-30T00:00:00Z", "Next": "Done"})")),
      ElementsAre(Problem("$.States['S'].Choices[0].TimestampLessThan", "RFC 3339")));
  EXPECT_THAT(
      problems(choice_with(R"({"Variable": "$.a", "StringEqualsPath": 3, "Next": "Done"})")),
      ElementsAre(Problem("$.States['S'].Choices[0].StringEqualsPath", "JSONPath")));
}

TEST(AslParser, RefusesUnknownComparisonOperators) {
  EXPECT_THAT(
      problems(choice_with(R"({"Variable": "$.a", "StringContains": "x", "Next": "Done"})")),
      Contains(Problem("$.States['S'].Choices[0].StringContains", "unknown field")));
  // Is* operators have no *Path variant.
  EXPECT_THAT(problems(choice_with(R"({"Variable": "$.a", "IsNullPath": "$.b", "Next": "Done"})")),
              Contains(Problem("$.States['S'].Choices[0].IsNullPath", "unknown field")));
}

TEST(AslParser, RefusesVariableProblems) {
  EXPECT_THAT(
      problems(choice_with(R"({"StringEquals": "x", "Next": "Done"})")),
      ElementsAre(Problem("$.States['S'].Choices[0]", "missing required field \"Variable\"")));
  EXPECT_THAT(problems(choice_with(R"({"Variable": "$.a[", "StringEquals": "x", "Next": "Done"})")),
              ElementsAre(Problem("$.States['S'].Choices[0].Variable", "invalid JSONPath")));
  EXPECT_THAT(
      problems(choice_with(
          R"({"Variable": "$.a", "Or": [{"Variable": "$.a", "IsNull": true}], "Next": "Done"})")),
      ElementsAre(Problem("$.States['S'].Choices[0].Variable", "take no \"Variable\"")));
}

TEST(AslParser, RefusesEmptyOrMalformedAndOr) {
  EXPECT_THAT(problems(choice_with(R"({"And": [], "Next": "Done"})")),
              ElementsAre(Problem("$.States['S'].Choices[0].And", "non-empty array")));
  EXPECT_THAT(
      problems(choice_with(R"({"Or": [{"Variable": "$.a", "IsNull": true}, 5], "Next": "Done"})")),
      ElementsAre(Problem("$.States['S'].Choices[0].Or[1]", "must be an object")));
  EXPECT_THAT(problems(one_state(R"({"Type": "Choice", "Choices": [], "Default": "Done"})")),
              ElementsAre(Problem("$.States['S'].Choices", "non-empty array")));
}

TEST(AslParser, ReportsErrorsDeepInsideNestedRules) {
  EXPECT_THAT(problems(choice_with(
                  R"({"Or": [{"Variable": "$.a", "IsNull": true},
                             {"And": [{"Not": {"Variable": "$.b", "NumericEquals": "one"}}]}],
                      "Next": "Done"})")),
              ElementsAre(Problem("$.States['S'].Choices[0].Or[1].And[0].Not.NumericEquals",
                                  "must be a number")));
}

// ---------------------------------------------------------------------------------------------
// Wait and Fail

TEST(AslParser, RefusesWaitWithoutAnyDuration) {
  EXPECT_THAT(
      problems(one_state(R"({"Type": "Wait", "Next": "Done"})")),
      ElementsAre(Problem("$.States['S']",
                          "exactly one of Seconds, SecondsPath, Timestamp, TimestampPath")));
}

TEST(AslParser, RefusesWaitWithTwoDurations) {
  EXPECT_THAT(problems(one_state(
                  R"({"Type": "Wait", "Seconds": 5, "SecondsPath": "$.s", "Next": "Done"})")),
              ElementsAre(Problem("$.States['S']", "exactly one of")));
  EXPECT_THAT(
      problems(one_state(
          R"({"Type": "Wait", "Timestamp": "2026-01-01T00:00:00Z", "TimestampPath": "$.t", "Next": "Done"})")),
      ElementsAre(Problem("$.States['S']", "exactly one of")));
}

TEST(AslParser, RefusesBadWaitValues) {
  EXPECT_THAT(problems(one_state(R"({"Type": "Wait", "Seconds": -1, "Next": "Done"})")),
              ElementsAre(Problem("$.States['S'].Seconds", "non-negative integer")));
  EXPECT_THAT(problems(one_state(
                  R"({"Type": "Wait", "Timestamp": "2026-01-01 00:00:00", "Next": "Done"})")),
              ElementsAre(Problem("$.States['S'].Timestamp", "RFC 3339")));
  EXPECT_THAT(problems(one_state(R"({"Type": "Wait", "SecondsPath": "$.s[*]", "Next": "Done"})")),
              ElementsAre(Problem("$.States['S'].SecondsPath", "reference path")));
}

TEST(AslParser, RefusesFailWithErrorAndErrorPath) {
  EXPECT_THAT(problems(alone(R"({"Type": "Fail", "Error": "E", "ErrorPath": "$.e"})")),
              ElementsAre(Problem("$.States['S']", "both \"Error\" and \"ErrorPath\"")));
  EXPECT_THAT(problems(alone(R"({"Type": "Fail", "Cause": "c", "CausePath": "$.c"})")),
              ElementsAre(Problem("$.States['S']", "both \"Cause\" and \"CausePath\"")));
  EXPECT_THAT(problems(alone(R"({"Type": "Fail", "Error": 3})")),
              ElementsAre(Problem("$.States['S'].Error", "must be a string")));
}

// ---------------------------------------------------------------------------------------------
// JSON text and aggregation

TEST(AslParser, RefusesInvalidJsonTextWithItsPosition) {
  auto result = parse_state_machine_text("{\n  \"StartAt\": \"A\",\n  \"States\": ]\n}", "bad");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kInvalidDefinition);
  EXPECT_THAT(result.error().message, StartsWith("definition is not valid JSON"));
  // The header promises the line/offset of the syntax error: the ']' on line 3, column 13.
  EXPECT_THAT(result.error().message, HasSubstr("line 3"));
  EXPECT_THAT(result.error().message, HasSubstr("column 13"));

  auto truncated = parse_state_machine_text(R"({"StartAt": "A", "States": {)", "bad");
  ASSERT_FALSE(truncated.ok());
  EXPECT_EQ(truncated.error().code, ErrorCode::kInvalidDefinition);
  EXPECT_THAT(truncated.error().message, StartsWith("definition is not valid JSON"));

  auto trailing = parse_state_machine_text(
      R"({"StartAt": "A", "States": {"A": {"Type": "Succeed"}}} x)", "bad");
  ASSERT_FALSE(trailing.ok());
  EXPECT_THAT(trailing.error().message, StartsWith("definition is not valid JSON"));

  auto empty = parse_state_machine_text("", "bad");
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().code, ErrorCode::kInvalidDefinition);
}

TEST(AslParser, ReportsSeveralProblemsTogether) {
  const auto found = problems(R"({"StartAt": "A", "Extra": 1, "States": {
      "A": {"Type": "Pass", "Next": "Ghost"},
      "W": {"Type": "Wait", "Next": "A"},
      "T": {"Type": "Task", "Resource": "r", "End": true,
            "Retry": [{"ErrorEquals": ["X"], "BackoffRate": 0.1, "MaxAttempts": -2}]}}})");
  EXPECT_THAT(found,
              UnorderedElementsAre(
                  Problem("$.Extra", "unknown field"),
                  Problem("$.States['A'].Next", "does not exist: \"Ghost\""),
                  Problem("$.States['W']", "exactly one of"),
                  Problem("$.States['T'].Retry[0].MaxAttempts", "non-negative integer"),
                  Problem("$.States['T'].Retry[0].BackoffRate", "greater than or equal to 1.0"),
                  Problem("$.States['W']", "not reachable from StartAt"),
                  Problem("$.States['T']", "not reachable from StartAt")));
}

TEST(AslParser, SingleProblemUsesSingularPrefix) {
  auto result =
      parse_state_machine_text(R"({"StartAt": "A", "States": {"A": {"Type": "Pass"}}})", "x");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().message,
            "invalid definition: $.States['A']: must have \"Next\" or \"End\": true");
}

TEST(AslParser, ParseFromValueMatchesParseFromText) {
  const std::string text =
      task_with(R"("Retry": [{"ErrorEquals": ["States.ALL"], "MaxAttempts": -1}])");
  auto from_text = parse_state_machine_text(text, "m");
  auto from_value = parse_state_machine(json::parse(text), "m");
  ASSERT_FALSE(from_text.ok());
  ASSERT_FALSE(from_value.ok());
  EXPECT_EQ(from_text.error().message, from_value.error().message);
}

TEST(AslParser, StateTypeNames) {
  EXPECT_STREQ(state_type_name(StateType::kTask), "Task");
  EXPECT_STREQ(state_type_name(StateType::kPass), "Pass");
  EXPECT_STREQ(state_type_name(StateType::kChoice), "Choice");
  EXPECT_STREQ(state_type_name(StateType::kWait), "Wait");
  EXPECT_STREQ(state_type_name(StateType::kSucceed), "Succeed");
  EXPECT_STREQ(state_type_name(StateType::kFail), "Fail");
  EXPECT_STREQ(state_type_name(StateType::kParallel), "Parallel");
  EXPECT_STREQ(state_type_name(StateType::kMap), "Map");
}

}  // namespace
}  // namespace settled::asl
