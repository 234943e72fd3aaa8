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
  // The state's own Assign applies whichever way the state goes.
  const Machine m = Machine(R"({"StartAt": "S", "States": {
      "S": {"Type": "Choice", "InputPath": "$.in",
            "Choices": [{"Variable": "$limit", "NumericLessThanPath": "$.amount", "Next": "Big"}],
            "Default": "Small", "Assign": {"checked.$": "$.amount"}},
      "Big": {"Type": "Succeed"}, "Small": {"Type": "Succeed"}}})");
  const auto go = expect<GoTo>(
      enter_state(m["S"], j(R"({"in": {"amount": 50}})"), context_with(R"({"limit": 10})")));
  EXPECT_EQ(go.next, "Big");
  ASSERT_TRUE(go.assigned.has_value());
  EXPECT_EQ(json::value(*go.assigned), j(R"({"checked": 50})"));
  const auto small = expect<GoTo>(
      enter_state(m["S"], j(R"({"in": {"amount": 5}})"), context_with(R"({"limit": 10})")));
  EXPECT_EQ(small.next, "Small");
  ASSERT_TRUE(small.assigned.has_value());
  EXPECT_EQ(json::value(*small.assigned), j(R"({"checked": 5})"));
}

// LocalStack's BASE_ASSIGN_IN_CHOICE (a JSONPath Choice that Step Functions accepted): each rule
// may carry Assign. The first matching rule's is set over the state's own (the guide: the
// state-level block "applies regardless of which choice rule matches"; recorded on AWS, a
// matching rule's value wins for a name both assign).
const char* const kChoiceWithRuleAssign = R"({"StartAt": "S", "States": {
    "S": {"Type": "Choice",
          "Choices": [
            {"Variable": "$.input_value", "IsPresent": false,
             "Assign": {"status": "UNKNOWN"}, "Next": "Final"},
            {"Variable": "$.input_value", "NumericEquals": 42,
             "Assign": {"status": "CORRECT", "seen.$": "$.input_value", "before.$": "$status"},
             "Next": "Final"}],
          "Assign": {"status": "INCORRECT", "guess.$": "$.input_value"},
          "Default": "Final"},
    "Final": {"Type": "Succeed"}}})";

TEST(AslVariables, ChoiceRuleAssignAppliesWhenItsRuleMatches) {
  const Machine m = Machine(kChoiceWithRuleAssign);
  const auto ctx = context_with(R"({"status": "NEW"})");
  // The second rule matches: its Assign alone, reading its input and the values of state entry.
  const auto correct = expect<GoTo>(enter_state(m["S"], j(R"({"input_value": 42})"), ctx));
  EXPECT_EQ(correct.next, "Final");
  ASSERT_TRUE(correct.assigned.has_value());
  EXPECT_EQ(json::value(*correct.assigned),
            j(R"({"status": "CORRECT", "guess": 42, "seen": 42, "before": "NEW"})"));
  EXPECT_EQ(correct.output, j(R"({"input_value": 42})"));
  // The first rule matches (the field is absent; the state's "guess.$" then fails: see below).
  const Machine no_guess = Machine(R"({"StartAt": "S", "States": {
      "S": {"Type": "Choice", "Assign": {"status": "INCORRECT"}, "Default": "Final",
            "Choices": [{"Variable": "$.input_value", "IsPresent": false,
                         "Assign": {"status": "UNKNOWN"}, "Next": "Final"}]},
      "Final": {"Type": "Succeed"}}})");
  const auto unknown = expect<GoTo>(enter_state(no_guess["S"], j("{}"), ctx));
  EXPECT_EQ(json::value(*unknown.assigned), j(R"({"status": "UNKNOWN"})"));
  // No rule matches: Default, with the state's own Assign.
  const auto incorrect = expect<GoTo>(enter_state(m["S"], j(R"({"input_value": "42"})"), ctx));
  EXPECT_EQ(json::value(*incorrect.assigned), j(R"({"status": "INCORRECT", "guess": "42"})"));
}

TEST(AslVariables, ChoiceWithoutMatchOrDefaultAssignsNothing) {
  const Machine m = Machine(R"({"StartAt": "S", "States": {
      "S": {"Type": "Choice", "Assign": {"never": 1},
            "Choices": [{"Variable": "$.x", "BooleanEquals": true, "Assign": {"never": 2},
                         "Next": "Final"}]},
      "Final": {"Type": "Succeed"}}})");
  const auto fail = expect<FailWith>(enter_state(m["S"], j(R"({"x": false})"), context_with("{}")));
  EXPECT_EQ(fail.error, errors::kNoChoiceMatched);
}

TEST(AslVariables, ChoiceStateAssignIsEvaluatedWhicheverRuleMatches) {
  // The state's own Assign reads a field the matching rule's condition says is absent, so the
  // state fails even though the rule's own Assign could be evaluated.
  const Machine m = Machine(kChoiceWithRuleAssign);
  const auto fail = expect<FailWith>(enter_state(m["S"], j("{}"), context_with("{}")));
  EXPECT_EQ(fail.error, errors::kRuntime);
  EXPECT_THAT(fail.cause, HasSubstr("$.input_value"));
}

TEST(AslVariables, ChoiceRuleAssignFailuresFailTheState) {
  const Machine m = Machine(R"({"StartAt": "S", "States": {
      "S": {"Type": "Choice", "Default": "Final",
            "Choices": [{"Variable": "$.x", "BooleanEquals": true,
                         "Assign": {"v.$": "$missing"}, "Next": "Final"}]},
      "Final": {"Type": "Succeed"}}})");
  const auto fail = expect<FailWith>(enter_state(m["S"], j(R"({"x": true})"), context_with("{}")));
  EXPECT_EQ(fail.error, errors::kRuntime);
  EXPECT_THAT(fail.cause, HasSubstr("missing"));
  // The rule that fails to assign is the one that matched: with x false, Default is taken.
  EXPECT_EQ(expect<GoTo>(enter_state(m["S"], j(R"({"x": false})"), context_with("{}"))).next,
            "Final");
}

TEST(AslVariables, ChoiceRuleAssignIsCheckedLikeAnyAssign) {
  const std::string head = R"({"StartAt": "S", "States": {"F": {"Type": "Succeed"}, "S": )";
  EXPECT_EQ(refusal(head + R"({"Type": "Choice", "Choices": [{"Variable": "$.x",
      "IsNull": true, "Assign": {"a": 1, "b.$": "$.x"}, "Next": "F"}]}}})"),
            "(accepted)");
  EXPECT_THAT(refusal(head + R"({"Type": "Choice", "Choices": [{"Variable": "$.x",
      "IsNull": true, "Assign": {"1a": 1}, "Next": "F"}]}}})"),
              HasSubstr("$.States['S'].Choices[0].Assign['1a']: a variable name is"));
  EXPECT_THAT(refusal(head + R"({"Type": "Choice", "Choices": [{"Variable": "$.x",
      "IsNull": true, "Assign": 5, "Next": "F"}]}}})"),
              HasSubstr("Choices[0].Assign: must be a JSON object"));
  // Only a top-level rule (the one with Next) may assign.
  EXPECT_THAT(refusal(head + R"({"Type": "Choice", "Choices": [{"Not": {"Variable": "$.x",
      "IsNull": true, "Assign": {"a": 1}}, "Next": "F"}]}}})"),
              HasSubstr("Choices[0].Not.Assign: only top-level choice rules may have \"Assign\""));
  // A state whose only Assign is in a rule still gets the variables (the context).
  const Machine m = Machine(R"({"StartAt": "S", "States": {"F": {"Type": "Succeed"},
      "S": {"Type": "Choice", "Choices": [{"Variable": "$.x", "IsNull": true,
            "Assign": {"a": 1}, "Next": "F"}]}}})");
  EXPECT_TRUE(m["S"].uses_context);
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

TEST(AslVariables, AllStoredVariablesAreAtMost10MiB) {
  // 200 KiB per Assign is within the 256 KiB limit; the variables already stored plus the new
  // ones are what the 10 MiB limit counts (a variable assigned again counts once).
  const std::string blob(200 * 1024, 'x');
  json::object stored;
  for (int i = 0; i < 51; ++i) stored["v" + std::to_string(i)] = blob;  // just under 10 MiB
  json::object input;
  input["blob"] = blob;
  const json::value ctx = with_variables(context_with("{}"), stored);
  const Machine overwrite =
      single(R"({"Type": "Pass", "Assign": {"v0.$": "$.blob"}, "Next": "Done"})");
  EXPECT_TRUE(expect<GoTo>(enter_state(overwrite["S"], input, ctx)).assigned.has_value());
  const Machine more =
      single(R"({"Type": "Pass", "Assign": {"extra.$": "$.blob"}, "Next": "Done"})");
  const auto fail = expect<FailWith>(enter_state(more["S"], input, ctx));
  EXPECT_EQ(fail.error, errors::kDataLimitExceeded);
  EXPECT_EQ(fail.cause,
            "The variables stored after state 'S' have a size exceeding the maximum number of "
            "bytes service limit (10485760).");
}

TEST(AslVariables, StoredVariablesSizeIsTheirJsonText) {
  const json::value ctx = context_with(R"({"a": 1, "bb": "xy"})");
  // {"a":1,"bb":"xy","c":[true]}
  EXPECT_EQ(stored_variables_size(ctx, j(R"({"c": [true]})").as_object(), 1000),
            json::serialize(j(R"({"a":1,"bb":"xy","c":[true]})")).size());
  // Setting "a" again replaces its value: {"bb":"xy","a":null}
  EXPECT_EQ(stored_variables_size(ctx, j(R"({"a": null})").as_object(), 1000),
            json::serialize(j(R"({"bb":"xy","a":null})")).size());
  EXPECT_EQ(stored_variables_size(context_with("{}"), json::object(), 1000), 2u);
  // Past the limit it stops counting and says so.
  EXPECT_GT(stored_variables_size(ctx, json::object(), 5), 5u);
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
  // A variable no state assigns is not refused here: nothing found says Step Functions refuses
  // it at creation (docs/engine.md); the state reading it fails at run time
  // (AnUndefinedVariableIsARuntimeError).
  EXPECT_EQ(refusal(head + R"({"Type": "Pass", "Parameters": {"x.$": "$never"}, "End": true}}})"),
            "(accepted)");
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
