// Tests for workflow variables in the JSONPath dialect (src/domain/asl/variables.hpp): Assign on
// each state type and on a catcher, "$name" paths in every field that reads a path, the
// state-entry rule, the size limit, and what a definition may and may not say.

#include "domain/asl/variables.hpp"

#include "domain/asl/errors.hpp"
#include "domain/asl/interpreter.hpp"
#include "domain/asl/parser.hpp"
#include "domain/json_path.hpp"

#include "support/asl_machine.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <stdexcept>
#include <string>
#include <string_view>

namespace settled::asl {
namespace {

namespace json = boost::json;
using ::testing::HasSubstr;

constexpr EpochMillis kEntered = 1'700'000'000'000;

json::value j(std::string_view text) {
  return json::parse(text);
}

using Machine = testing::AslMachine;

Machine single(std::string_view state) {
  return testing::single_state_machine(state);
}

std::string refusal(std::string_view text) {
  auto result = parse_state_machine_text(text, "vars");
  return result.ok() ? std::string("(accepted)") : result.error().message;
}

// The context of state "S" with `variables` visible.
json::value context_with(std::string_view variables) {
  ContextFacts facts;
  facts.execution_id = "vars:run";
  facts.execution_name = "run";
  facts.state_machine = "vars";
  facts.state_name = "S";
  facts.state_entered = kEntered;
  return with_variables(make_context(facts), json::parse(variables).as_object());
}

template <class T>
T expect(const Step& step) {
  const T* p = std::get_if<T>(&step);
  if (!p) {
    if (auto f = std::get_if<FailWith>(&step))
      ADD_FAILURE() << "unexpected failure: " << f->error << ": " << f->cause;
    else
      ADD_FAILURE() << "unexpected step " << step.index();
    throw std::runtime_error("unexpected step");
  }
  return *p;
}

TEST(AslVariables, PathsNameAVariableAfterTheDollar) {
  auto path = jsonpath::compile("$order.items[0].sku");
  ASSERT_TRUE(path.ok()) << path.error().message;
  EXPECT_EQ(path->variable(), "order");
  EXPECT_FALSE(path->is_context());
  EXPECT_EQ(jsonpath::compile("$_x1")->variable(), "_x1");
  EXPECT_EQ(jsonpath::compile("$.order")->variable(), "");
  EXPECT_EQ(jsonpath::compile("$$.Execution")->variable(), "");
  // "$1x" is neither the input nor a variable.
  EXPECT_FALSE(jsonpath::compile("$1x").ok());
}

TEST(AslVariables, SelectReadsTheVariableTheContextOrTheInput) {
  const json::value ctx = context_with(R"({"order": {"id": "o1"}, "n": 3})");
  const json::value input = j(R"({"order": {"id": "from-input"}})");
  EXPECT_EQ(*select_path(*jsonpath::compile("$order.id"), input, ctx), json::value("o1"));
  EXPECT_EQ(*select_path(*jsonpath::compile("$.order.id"), input, ctx), json::value("from-input"));
  EXPECT_EQ(*select_path(*jsonpath::compile("$n"), input, ctx), json::value(3));
  EXPECT_EQ(*select_path(*jsonpath::compile("$$.State.Name"), input, ctx), json::value("S"));
  auto missing = select_path(*jsonpath::compile("$nope"), input, ctx);
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(missing.error().message, HasSubstr("the variable 'nope' is not defined"));
}

TEST(AslVariables, TheWholeContextDoesNotShowTheVariables) {
  const json::value ctx = context_with(R"({"secret": 1})");
  for (const char* text : {"$$", "$$.*", "$$..secret"}) {
    auto v = select_path(*jsonpath::compile(text), json::value(), ctx);
    ASSERT_TRUE(v.ok()) << text;
    EXPECT_EQ(json::serialize(*v).find("variables"), std::string::npos) << text;
    EXPECT_EQ(json::serialize(*v).find("secret"), std::string::npos) << text;
  }
}

TEST(AslVariables, PassAssignsFromItsResult) {
  // Assign's "$" is the Pass state's result (here Parameters' output), not its input or output.
  const Machine m = single(R"({"Type": "Pass", "Parameters": {"p.$": "$.a"},
      "Assign": {"fromResult.$": "$.p", "literal": [1, 2], "ctx.$": "$$.State.Name"},
      "ResultPath": "$.r", "Next": "Done"})");
  const auto go = expect<GoTo>(enter_state(m["S"], j(R"({"a": "A"})"), context_with("{}")));
  ASSERT_TRUE(go.assigned.has_value());
  EXPECT_EQ(json::value(*go.assigned), j(R"({"fromResult": "A", "literal": [1, 2], "ctx": "S"})"));
  EXPECT_EQ(go.output, j(R"({"a": "A", "r": {"p": "A"}})"));
}

TEST(AslVariables, AStateWithoutAssignAssignsNothing) {
  const Machine m = single(R"({"Type": "Pass", "Next": "Done"})");
  EXPECT_FALSE(expect<GoTo>(enter_state(m["S"], j("{}"), context_with("{}"))).assigned);
}

TEST(AslVariables, AssignReadsTheValuesOfStateEntry) {
  // Both assignments see x == 1 and y == 2, whatever the order they are written in.
  const Machine m = single(R"({"Type": "Pass",
      "Assign": {"x.$": "$y", "y.$": "$x"}, "Next": "Done"})");
  const auto go = expect<GoTo>(enter_state(m["S"], j("{}"), context_with(R"({"x": 1, "y": 2})")));
  EXPECT_EQ(json::value(*go.assigned), j(R"({"x": 2, "y": 1})"));
}

TEST(AslVariables, VariablesFeedParametersIntrinsicsAndOutputPath) {
  const Machine m = single(R"j({"Type": "Pass",
      "Parameters": {"total.$": "$total", "text.$": "States.Format('{} {}', $who.name, $.n)"},
      "OutputPath": "$.text", "Next": "Done"})j");
  const auto go = expect<GoTo>(
      enter_state(m["S"], j(R"({"n": 7})"), context_with(R"({"total": 5, "who": {"name": "A"}})")));
  EXPECT_EQ(go.output, json::value("A 7"));
}

TEST(AslVariables, AnUndefinedVariableIsARuntimeError) {
  const Machine m =
      single(R"({"Type": "Pass", "Parameters": {"x.$": "$missing"}, "Next": "Done"})");
  const auto fail = expect<FailWith>(enter_state(m["S"], j("{}"), context_with("{}")));
  EXPECT_EQ(fail.error, errors::kRuntime);
  EXPECT_THAT(fail.cause, HasSubstr("missing"));
}

TEST(AslVariables, TaskAssignsFromTheSelectedResult) {
  const Machine m = single(R"({"Type": "Task", "Resource": "settled:x",
      "ResultSelector": {"id.$": "$.Payload.id"}, "ResultPath": "$.task",
      "Assign": {"taskId.$": "$.id", "before.$": "$seen"}, "Next": "Done"})");
  const auto ctx = context_with(R"({"seen": "old"})");
  const auto go = expect<GoTo>(
      complete_task(m["S"], j(R"({"in": 1})"), j(R"({"Payload": {"id": "t-1"}})"), ctx));
  EXPECT_EQ(json::value(*go.assigned), j(R"({"taskId": "t-1", "before": "old"})"));
  EXPECT_EQ(go.output, j(R"({"in": 1, "task": {"id": "t-1"}})"));
}

TEST(AslVariables, ParallelAndMapAssignFromTheirArrayOfResults) {
  const Machine m = single(R"({"Type": "Map", "ItemProcessor": {"StartAt": "I",
      "States": {"I": {"Type": "Pass", "End": true}}},
      "Assign": {"first.$": "$[0]", "all.$": "$"}, "ResultPath": null, "Next": "Done"})");
  const auto go =
      expect<GoTo>(complete_task(m["S"], j(R"({"k": 1})"), j(R"([10, 20])"), context_with("{}")));
  EXPECT_EQ(json::value(*go.assigned), j(R"({"first": 10, "all": [10, 20]})"));
  EXPECT_EQ(go.output, j(R"({"k": 1})"));
}

TEST(AslVariables, CatchAssignsFromTheErrorOutput) {
  const Machine m = Machine(R"({"StartAt": "S", "States": {
      "S": {"Type": "Task", "Resource": "settled:x", "Next": "Done",
            "Assign": {"never": true},
            "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Handle", "ResultPath": "$.err",
                       "Assign": {"failure.$": "$.Error", "why.$": "$.Cause", "had.$": "$n"}}]},
      "Handle": {"Type": "Pass", "End": true},
      "Done": {"Type": "Succeed"}}})");
  std::vector<std::int64_t> attempts;
  const auto go = expect<GoTo>(fail_task(m["S"], j(R"({"x": 1})"), "Boom", "it broke", attempts,
                                         0.5, context_with(R"({"n": 4})")));
  EXPECT_EQ(go.next, "Handle");
  EXPECT_EQ(json::value(*go.assigned), j(R"({"failure": "Boom", "why": "it broke", "had": 4})"));
  EXPECT_EQ(go.output, j(R"({"x": 1, "err": {"Error": "Boom", "Cause": "it broke"}})"));
}

TEST(AslVariables, ChoiceReadsAndAssigns) {
  const Machine m = Machine(R"({"StartAt": "S", "States": {
      "S": {"Type": "Choice", "InputPath": "$.in",
            "Choices": [{"Variable": "$limit", "NumericLessThanPath": "$.amount", "Next": "Big"}],
            "Default": "Small", "Assign": {"checked.$": "$.amount"}},
      "Big": {"Type": "Succeed"}, "Small": {"Type": "Succeed"}}})");
  const auto go = expect<GoTo>(
      enter_state(m["S"], j(R"({"in": {"amount": 50}})"), context_with(R"({"limit": 10})")));
  EXPECT_EQ(go.next, "Big");
  EXPECT_EQ(json::value(*go.assigned), j(R"({"checked": 50})"));
  const auto small = expect<GoTo>(
      enter_state(m["S"], j(R"({"in": {"amount": 5}})"), context_with(R"({"limit": 10})")));
  EXPECT_EQ(small.next, "Small");
}

TEST(AslVariables, WaitAssignsAsItBegins) {
  const Machine m = single(R"({"Type": "Wait", "SecondsPath": "$delay",
      "Assign": {"waited.$": "$delay"}, "Next": "Done"})");
  const auto wait =
      expect<WaitUntil>(enter_state(m["S"], j("{}"), context_with(R"({"delay": 3})")));
  EXPECT_EQ(wait.due, kEntered + 3000);
  EXPECT_EQ(json::value(*wait.assigned), j(R"({"waited": 3})"));
}

TEST(AslVariables, AssignLargerThan256KiBIsADataLimitError) {
  // The state's input (150 KiB) is within the payload limit; what Assign sets twice is not.
  json::object input;
  input["blob"] = std::string(150 * 1024, 'x');
  const Machine once = single(R"({"Type": "Pass", "Assign": {"a.$": "$.blob"}, "Next": "Done"})");
  EXPECT_TRUE(expect<GoTo>(enter_state(once["S"], input, context_with("{}"))).assigned.has_value());
  const Machine twice =
      single(R"({"Type": "Pass", "Assign": {"a.$": "$.blob", "b.$": "$.blob"}, "Next": "Done"})");
  const auto fail = expect<FailWith>(enter_state(twice["S"], input, context_with("{}")));
  EXPECT_EQ(fail.error, errors::kDataLimitExceeded);
  EXPECT_THAT(fail.cause, HasSubstr("assigned variables"));
}

TEST(AslVariables, InputAndOutputPathMayReadTheContext) {
  const Machine m = single(R"({"Type": "Pass", "InputPath": "$$.State", "OutputPath": "$.Name",
      "Next": "Done"})");
  const auto go = expect<GoTo>(enter_state(m["S"], j("{}"), context_with("{}")));
  EXPECT_EQ(go.output, json::value("S"));
  EXPECT_TRUE(m["S"].uses_context);
}

TEST(AslVariables, StatesThatMentionVariablesGetTheContext) {
  EXPECT_TRUE(single(R"({"Type": "Pass", "Assign": {"a": 1}, "Next": "Done"})")["S"].uses_context);
  EXPECT_TRUE(
      single(R"({"Type": "Pass", "Parameters": {"a.$": "$a"}, "Next": "Done"})")["S"].uses_context);
  EXPECT_FALSE(single(R"({"Type": "Pass", "Parameters": {"a.$": "$.a"}, "Next": "Done"})")["S"]
                   .uses_context);
}

TEST(AslVariables, DefinitionsAreCheckedForVariableRules) {
  const std::string head = R"({"StartAt": "S", "States": {"S": )";
  EXPECT_THAT(refusal(head + R"({"Type": "Pass", "Assign": {"1x": 1}, "End": true}}})"),
              HasSubstr("a variable name is"));
  EXPECT_THAT(refusal(head + R"({"Type": "Pass", "Assign": {"states": 1}, "End": true}}})"),
              HasSubstr("a variable name is"));
  EXPECT_THAT(refusal(head + R"({"Type": "Pass", "Assign": {"a-b.$": "$.x"}, "End": true}}})"),
              HasSubstr("a variable name is"));
  EXPECT_THAT(refusal(head + R"({"Type": "Pass", "Assign": {"x.$": "$.x["}, "End": true}}})"),
              HasSubstr("Assign"));
  EXPECT_THAT(refusal(head + R"({"Type": "Pass", "Assign": 3, "End": true}}})"),
              HasSubstr("Assign: must be a JSON object"));
  EXPECT_THAT(refusal(head + R"({"Type": "Succeed", "Assign": {"a": 1}}}})"),
              HasSubstr("Assign: unknown field"));
  EXPECT_THAT(refusal(head + R"({"Type": "Fail", "Assign": {"a": 1}}}})"),
              HasSubstr("Assign: unknown field"));
  EXPECT_THAT(refusal(head + R"({"Type": "Pass", "ResultPath": "$x", "End": true}}})"),
              HasSubstr("ResultPath: cannot name a variable"));
  EXPECT_EQ(refusal(head + std::string(R"({"Type": "Pass", "Assign": {")") + std::string(80, 'v') +
                    R"(": 1}, "End": true}}})"),
            "(accepted)");
  EXPECT_THAT(refusal(head + std::string(R"({"Type": "Pass", "Assign": {")") +
                      std::string(81, 'v') + R"(": 1}, "End": true}}})"),
              HasSubstr("a variable name is"));
}

TEST(AslVariables, NamesFollowTheRules) {
  EXPECT_TRUE(valid_variable_name("x"));
  EXPECT_TRUE(valid_variable_name("_private2"));
  EXPECT_FALSE(valid_variable_name(""));
  EXPECT_FALSE(valid_variable_name("2x"));
  EXPECT_FALSE(valid_variable_name("a.b"));
  EXPECT_FALSE(valid_variable_name("states"));
  EXPECT_TRUE(valid_variable_name("States"));
}

}  // namespace
}  // namespace settled::asl
