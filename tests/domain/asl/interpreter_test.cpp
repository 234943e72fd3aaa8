// Tests for the ASL interpreter (src/domain/asl/interpreter.hpp) against the Amazon States
// Language input/output processing rules: InputPath -> Parameters -> (task / Result) ->
// ResultSelector -> ResultPath (applied to the state's raw input) -> OutputPath.
// States are built by parsing small definitions, as the engine does.

#include "domain/asl/interpreter.hpp"

#include "domain/asl/errors.hpp"
#include "domain/asl/parser.hpp"
#include "domain/asl/variables.hpp"
#include "domain/utf8.hpp"

#include "support/asl_machine.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace settled::asl {
namespace {

namespace json = boost::json;
using ::testing::HasSubstr;

// 2023-11-14T22:13:20.000Z (date -u -d @1700000000).
constexpr EpochMillis kEntered = 1'700'000'000'000;
constexpr EpochMillis kStarted = kEntered - 5'000;

using Machine = testing::AslMachine;
using testing::single_state_machine;

Machine single(std::string_view state) {
  return single_state_machine(state);
}
// A machine whose only state "S" is `state` (for states that end the execution).
Machine lone(std::string_view state) {
  return Machine(std::string(R"({"StartAt": "S", "States": {"S": )") + std::string(state) + "}}");
}
// A Task state "S" of resource "settled:x" with extra fields; goes to "Done" unless End is given.
Machine task(std::string_view fields) {
  return single(std::string(R"({"Type": "Task", "Resource": "settled:x", )") + std::string(fields) +
                "}");
}

const json::value& execution_input() {
  static const json::value input = json::parse(R"({"orig": "from-execution", "n": 1})");
  return input;
}

json::value context_for(const std::string& state_name, std::int64_t retry_count = 0,
                        EpochMillis entered = kEntered) {
  ContextFacts facts;
  facts.arns = aws::ArnScope{"eu-west-1", "123456789012"};
  facts.execution_id = "payment:run-42";
  facts.execution_name = "run-42";
  facts.state_machine = "payment";
  facts.execution_input = &execution_input();
  facts.execution_start = kStarted;
  facts.state_name = state_name;
  facts.state_entered = entered;
  facts.retry_count = retry_count;
  return make_context(facts);
}

std::string describe(const Step& step) {
  if (auto f = std::get_if<FailWith>(&step)) return "FailWith{" + f->error + ", " + f->cause + "}";
  if (auto g = std::get_if<GoTo>(&step))
    return "GoTo{" + g->next + ", " + json::serialize(g->output) + "}";
  if (auto f = std::get_if<Finish>(&step)) return "Finish{" + json::serialize(f->output) + "}";
  if (auto r = std::get_if<RunTask>(&step)) return "RunTask{" + r->resource + "}";
  if (auto w = std::get_if<WaitUntil>(&step)) return "WaitUntil{" + std::to_string(w->due) + "}";
  if (auto r = std::get_if<RetryAfter>(&step))
    return "RetryAfter{" + std::to_string(r->delay_ms) + "}";
  return "?";
}

template <class T>
T expect(const Step& step) {
  const T* p = std::get_if<T>(&step);
  if (!p) {
    ADD_FAILURE() << "unexpected step: " << describe(step);
    throw std::runtime_error("unexpected step");
  }
  return *p;
}

json::value j(std::string_view text) {
  return json::parse(text);
}

// ---------------------------------------------------------------------------------------------
// Context object

TEST(AslContext, HasStepFunctionsShape) {
  const json::value ctx = context_for("Pay", 2);
  EXPECT_EQ(ctx.at("Execution").at("Name"), json::value("run-42"));
  EXPECT_EQ(ctx.at("Execution").at("Input"), execution_input());
  EXPECT_EQ(ctx.at("Execution").at("StartTime"), json::value("2023-11-14T22:13:15.000Z"));
  EXPECT_EQ(ctx.at("State").at("Name"), json::value("Pay"));
  EXPECT_EQ(ctx.at("State").at("EnteredTime"), json::value("2023-11-14T22:13:20.000Z"));
  EXPECT_EQ(ctx.at("State").at("RetryCount"), json::value(2));
  EXPECT_EQ(ctx.at("StateMachine").at("Name"), json::value("payment"));
  EXPECT_FALSE(ctx.as_object().contains("Task"));

  ContextFacts facts;
  facts.task_token = "tok";
  const json::value with_token = make_context(facts);
  EXPECT_EQ(with_token.at("Task").at("Token"), json::value("tok"));
  EXPECT_EQ(with_token.at("Execution").at("Input"), json::value(json::object()));
}

// ---------------------------------------------------------------------------------------------
// Pass

TEST(AslPass, PassesInputThroughByDefault) {
  const Machine m = single(R"({"Type": "Pass", "Next": "Done"})");
  const auto go = expect<GoTo>(enter_state(m["S"], j(R"({"a": 1})"), context_for("S")));
  EXPECT_EQ(go.next, "Done");
  EXPECT_EQ(go.output, j(R"({"a": 1})"));
}

TEST(AslPass, ResultReplacesInputWithDefaultResultPath) {
  const Machine m = lone(R"({"Type": "Pass", "Result": {"r": [1, 2]}, "End": true})");
  const auto fin = expect<Finish>(enter_state(m["S"], j(R"({"a": 1})"), context_for("S")));
  EXPECT_EQ(fin.output, j(R"({"r": [1, 2]})"));
}

TEST(AslPass, ResultPathPlacesResultIntoRawInput) {
  const Machine m =
      single(R"({"Type": "Pass", "Result": "ok", "ResultPath": "$.deep.status", "Next": "Done"})");
  const auto go = expect<GoTo>(enter_state(m["S"], j(R"({"a": 1})"), context_for("S")));
  // Missing intermediate objects are created.
  EXPECT_EQ(go.output, j(R"({"a": 1, "deep": {"status": "ok"}})"));
}

TEST(AslPass, ResultPathIsAppliedToTheRawInputNotTheInputPathSelection) {
  const Machine m =
      single(R"({"Type": "Pass", "InputPath": "$.inner", "ResultPath": "$.copy", "Next": "Done"})");
  const auto go =
      expect<GoTo>(enter_state(m["S"], j(R"({"inner": {"x": 1}, "other": 2})"), context_for("S")));
  EXPECT_EQ(go.output, j(R"({"inner": {"x": 1}, "other": 2, "copy": {"x": 1}})"));
}

TEST(AslPass, NullResultPathDiscardsTheResult) {
  const Machine m = single(
      R"({"Type": "Pass", "Result": {"ignored": true}, "ResultPath": null, "Next": "Done"})");
  const auto go = expect<GoTo>(enter_state(m["S"], j(R"({"a": 1})"), context_for("S")));
  EXPECT_EQ(go.output, j(R"({"a": 1})"));
}

TEST(AslPass, NullInputPathGivesEmptyObject) {
  const Machine m =
      single(R"({"Type": "Pass", "InputPath": null, "ResultPath": "$.seen", "Next": "Done"})");
  const auto go = expect<GoTo>(enter_state(m["S"], j(R"({"secret": 1})"), context_for("S")));
  EXPECT_EQ(go.output, j(R"({"secret": 1, "seen": {}})"));
}

TEST(AslPass, NullOutputPathGivesEmptyObject) {
  const Machine m = single(R"({"Type": "Pass", "OutputPath": null, "Next": "Done"})");
  const auto go = expect<GoTo>(enter_state(m["S"], j(R"({"a": 1})"), context_for("S")));
  EXPECT_EQ(go.output, json::value(json::object()));
}

TEST(AslPass, InputPathAndOutputPathSelect) {
  const Machine m = single(
      R"({"Type": "Pass", "InputPath": "$.order", "OutputPath": "$.items[1]", "Next": "Done"})");
  const auto go =
      expect<GoTo>(enter_state(m["S"], j(R"({"order": {"items": ["a", "b"]}})"), context_for("S")));
  EXPECT_EQ(go.output, json::value("b"));
}

TEST(AslPass, ParametersRenderFromInputAndContext) {
  const Machine m = single(R"({"Type": "Pass", "InputPath": "$.payment",
      "Parameters": {
        "amount.$": "$.amount",
        "literal": {"nested": [1, "two", null]},
        "list": ["x", {"cur.$": "$.currency"}],
        "executionId.$": "$$.Execution.Id",
        "state.$": "$$.State.Name",
        "retries.$": "$$.State.RetryCount",
        "original.$": "$$.Execution.Input.orig",
        "entered.$": "$$.State.EnteredTime"
      },
      "Next": "Done"})");
  const auto go = expect<GoTo>(enter_state(
      m["S"], j(R"({"payment": {"amount": 1250, "currency": "USD"}})"), context_for("S", 1)));
  EXPECT_EQ(go.output, j(R"({
      "amount": 1250,
      "literal": {"nested": [1, "two", null]},
      "list": ["x", {"cur": "USD"}],
      "executionId": "arn:aws:states:eu-west-1:123456789012:execution:payment:run-42",
      "state": "S",
      "retries": 1,
      "original": "from-execution",
      "entered": "2023-11-14T22:13:20.000Z"})"));
}

TEST(AslPass, ResultWinsOverParameters) {
  const Machine m =
      single(R"({"Type": "Pass", "Parameters": {"p": 1}, "Result": {"r": 2}, "Next": "Done"})");
  const auto go = expect<GoTo>(enter_state(m["S"], j(R"({})"), context_for("S")));
  EXPECT_EQ(go.output, j(R"({"r": 2})"));
}

// The causes are Step Functions' own words, with the id of the state's StateEntered event.
TEST(AslPass, MissingPathsFailWithStatesRuntime) {
  const json::value ctx = with_entered_event(context_for("S"), 7);
  const Machine in = single(R"({"Type": "Pass", "InputPath": "$.missing.x[0]", "Next": "Done"})");
  const auto f1 = expect<FailWith>(enter_state(in["S"], j(R"({"a": 1})"), ctx));
  EXPECT_EQ(f1.error, errors::kRuntime);
  EXPECT_EQ(f1.cause,
            "An error occurred while executing the state 'S' (entered at the event id #7). "
            "Invalid path '$.missing.x[0]' : No results for path: $['missing']['x'][0]");

  const Machine params =
      single(R"({"Type": "Pass", "Parameters": {"x.$": "$.missing"}, "Next": "Done"})");
  const auto f2 = expect<FailWith>(enter_state(params["S"], j(R"({"a": 1})"), ctx));
  EXPECT_EQ(f2.error, errors::kRuntime);
  EXPECT_EQ(f2.cause,
            "An error occurred while executing the state 'S' (entered at the event id #7). "
            "The JSONPath '$.missing' specified for the field 'x.$' could not be found in the "
            "input '{\"a\":1}'");

  const Machine out = single(R"({"Type": "Pass", "OutputPath": "$.missing", "Next": "Done"})");
  const auto f3 = expect<FailWith>(enter_state(out["S"], j(R"({"a": 1})"), ctx));
  EXPECT_EQ(f3.error, errors::kRuntime);
  EXPECT_EQ(f3.cause,
            "An error occurred while executing the state 'S' (entered at the event id #7). "
            "Invalid path '$.missing' : No results for path: $['missing']");

  // Without the event id (a caller that has none), the cause has no "(entered at ...)".
  const auto f4 = expect<FailWith>(enter_state(out["S"], j(R"({"a": 1})"), context_for("S")));
  EXPECT_EQ(f4.cause,
            "An error occurred while executing the state 'S'. "
            "Invalid path '$.missing' : No results for path: $['missing']");
}

TEST(AslPass, ResultPathOntoNonObjectIsReferencePathConflict) {
  // The state's ResultPath cannot be applied to its input: AWS's name and words for it.
  const Machine m = single(R"({"Type": "Pass", "Result": 1, "ResultPath": "$.r", "Next": "Done"})");
  const auto f = expect<FailWith>(enter_state(m["S"], j(R"([1, 2])"), context_for("S")));
  EXPECT_EQ(f.error, "States.ReferencePathConflict");
  EXPECT_EQ(f.cause, "Unable to apply ReferencePath $.r to input [1,2]");
}

// ---------------------------------------------------------------------------------------------
// Choice

Machine choice_machine() {
  return Machine(R"({"StartAt": "C", "States": {
      "C": {"Type": "Choice", "InputPath": "$.order", "OutputPath": "$.customer",
            "Choices": [
              {"Variable": "$.total", "NumericGreaterThan": 1000, "Next": "Big"},
              {"And": [{"Variable": "$.total", "NumericGreaterThan": 0},
                       {"Variable": "$.currency", "StringEquals": "EUR"}], "Next": "Euro"}
            ],
            "Default": "Other"},
      "Big": {"Type": "Succeed"}, "Euro": {"Type": "Succeed"}, "Other": {"Type": "Succeed"}}})");
}

TEST(AslChoice, GoesToTheFirstMatchingRule) {
  const Machine m = choice_machine();
  // 2000 EUR matches both rules; the first one wins.
  auto go = expect<GoTo>(enter_state(
      m["C"], j(R"({"order": {"total": 2000, "currency": "EUR", "customer": {"id": "c-1"}}})"),
      context_for("C")));
  EXPECT_EQ(go.next, "Big");
  // Output: OutputPath applied to the InputPath selection; Choice does not change its input.
  EXPECT_EQ(go.output, j(R"({"id": "c-1"})"));

  go = expect<GoTo>(enter_state(
      m["C"], j(R"({"order": {"total": 20, "currency": "EUR", "customer": {"id": "c-2"}}})"),
      context_for("C")));
  EXPECT_EQ(go.next, "Euro");
  EXPECT_EQ(go.output, j(R"({"id": "c-2"})"));
}

TEST(AslChoice, GoesToDefaultWhenNothingMatches) {
  const Machine m = choice_machine();
  const auto go = expect<GoTo>(
      enter_state(m["C"], j(R"({"order": {"total": 20, "currency": "USD", "customer": 7}})"),
                  context_for("C")));
  EXPECT_EQ(go.next, "Other");
  EXPECT_EQ(go.output, json::value(7));
}

TEST(AslChoice, NoMatchWithoutDefaultIsNoChoiceMatched) {
  const Machine m(R"({"StartAt": "C", "States": {
      "C": {"Type": "Choice", "Choices": [{"Variable": "$.x", "BooleanEquals": true, "Next": "Yes"}]},
      "Yes": {"Type": "Succeed"}}})");
  const auto f = expect<FailWith>(enter_state(m["C"], j(R"({"x": false})"), context_for("C")));
  EXPECT_EQ(f.error, errors::kNoChoiceMatched);
  EXPECT_EQ(expect<GoTo>(enter_state(m["C"], j(R"({"x": true})"), context_for("C"))).next, "Yes");
}

TEST(AslChoice, MissingVariableIsStatesRuntime) {
  const Machine m = choice_machine();
  const auto f = expect<FailWith>(
      enter_state(m["C"], j(R"({"order": {"currency": "EUR"}})"), context_for("C")));
  EXPECT_EQ(f.error, errors::kRuntime);
  EXPECT_EQ(f.cause,
            "An error occurred while executing the state 'C'. Invalid path '$.total': The choice "
            "state's condition path references an invalid value.");
}

// ---------------------------------------------------------------------------------------------
// Succeed and Fail

TEST(AslSucceed, FinishesWithFilteredInput) {
  const Machine m(
      R"({"StartAt": "S", "States": {"S": {"Type": "Succeed", "InputPath": "$.a", "OutputPath": "$.b"}}})");
  const auto fin =
      expect<Finish>(enter_state(m["S"], j(R"({"a": {"b": [true]}, "c": 1})"), context_for("S")));
  EXPECT_EQ(fin.output, j("[true]"));
  const Machine plain(R"({"StartAt": "S", "States": {"S": {"Type": "Succeed"}}})");
  EXPECT_EQ(expect<Finish>(enter_state(plain["S"], j(R"({"z": 0})"), context_for("S"))).output,
            j(R"({"z": 0})"));
}

TEST(AslFail, FailsWithLiteralErrorAndCause) {
  const Machine m(
      R"({"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "Payment.Declined", "Cause": "no funds"}}})");
  const auto f = expect<FailWith>(enter_state(m["F"], j("{}"), context_for("F")));
  EXPECT_EQ(f.error, "Payment.Declined");
  EXPECT_EQ(f.cause, "no funds");
}

TEST(AslFail, FailsWithErrorPathAndCausePath) {
  const Machine m(
      R"({"StartAt": "F", "States": {"F": {"Type": "Fail", "ErrorPath": "$.failure.Error",
                                                     "CausePath": "$$.Execution.Input.orig"}}})");
  const auto f = expect<FailWith>(enter_state(
      m["F"], j(R"({"failure": {"Error": "Stripe.CardError", "Cause": "x"}})"), context_for("F")));
  EXPECT_EQ(f.error, "Stripe.CardError");
  EXPECT_EQ(f.cause, "from-execution");
}

TEST(AslFail, ErrorPathMustSelectAString) {
  const Machine m(
      R"({"StartAt": "F", "States": {"F": {"Type": "Fail", "ErrorPath": "$.code", "Cause": "c"}}})");
  const auto not_string =
      expect<FailWith>(enter_state(m["F"], j(R"({"code": 42})"), context_for("F")));
  EXPECT_EQ(not_string.error, errors::kRuntime);
  const auto missing = expect<FailWith>(enter_state(m["F"], j(R"({})"), context_for("F")));
  EXPECT_EQ(missing.error, errors::kRuntime);
  EXPECT_THAT(missing.cause, HasSubstr("ErrorPath"));
}

// ---------------------------------------------------------------------------------------------
// Task: entering, completing

TEST(AslTask, EnteringRunsTheTaskWithItsParameters) {
  const Machine m = task(R"("InputPath": "$.payment",
      "Parameters": {"amount.$": "$.amount", "confirm": true, "key.$": "$$.Execution.Name"}, "Next": "Done")");
  const auto run = expect<RunTask>(enter_state(
      m["S"], j(R"({"payment": {"amount": 5, "x": 1}, "other": 2})"), context_for("S")));
  EXPECT_EQ(run.resource, "settled:x");
  EXPECT_EQ(run.parameters, j(R"({"amount": 5, "confirm": true, "key": "run-42"})"));
}

TEST(AslTask, WithoutParametersTheTaskGetsTheInputPathSelection) {
  const Machine m = task(R"("InputPath": "$.payment", "Next": "Done")");
  const auto run =
      expect<RunTask>(enter_state(m["S"], j(R"({"payment": {"amount": 5}})"), context_for("S")));
  EXPECT_EQ(run.parameters, j(R"({"amount": 5})"));
  const Machine nul = task(R"("InputPath": null, "Next": "Done")");
  EXPECT_EQ(expect<RunTask>(enter_state(nul["S"], j(R"({"a": 1})"), context_for("S"))).parameters,
            json::value(json::object()));
}

TEST(AslTask, TimeoutSecondsPathReadsThePositiveIntegerTheInputCarries) {
  const Machine m = task(R"("InputPath": "$.request", "TimeoutSecondsPath": "$.responseSeconds",
      "Parameters": {"id.$": "$.id"}, "Next": "Done")");
  const auto run = expect<RunTask>(enter_state(
      m["S"], j(R"({"request": {"id": "r-1", "responseSeconds": 7200}})"), context_for("S")));
  ASSERT_TRUE(run.timeout_seconds.has_value());
  EXPECT_EQ(*run.timeout_seconds, 7200);
  EXPECT_EQ(run.parameters, j(R"({"id": "r-1"})"));
  for (const char* input : {R"({"request": {"id": "r", "responseSeconds": 0}})",
                            R"({"request": {"id": "r", "responseSeconds": -5}})",
                            R"({"request": {"id": "r", "responseSeconds": 1.5}})",
                            R"({"request": {"id": "r", "responseSeconds": "60"}})",
                            R"({"request": {"id": "r", "responseSeconds": 100000000}})",
                            R"({"request": {"id": "r"}})"}) {
    SCOPED_TRACE(input);
    const auto f = expect<FailWith>(enter_state(m["S"], j(input), context_for("S")));
    EXPECT_EQ(f.error, errors::kRuntime);
    EXPECT_THAT(f.cause, HasSubstr("TimeoutSecondsPath"));
  }
  const Machine literal = task(R"("TimeoutSeconds": 30, "Next": "Done")");
  EXPECT_FALSE(
      expect<RunTask>(enter_state(literal["S"], j("{}"), context_for("S"))).timeout_seconds);
}

TEST(AslTask, MissingParameterPathIsStatesRuntime) {
  const Machine m = task(R"("Parameters": {"amount.$": "$.amount"}, "Next": "Done")");
  const auto f = expect<FailWith>(enter_state(m["S"], j(R"({"total": 5})"), context_for("S")));
  EXPECT_EQ(f.error, errors::kRuntime);
}

TEST(AslTask, CompleteWithDefaultResultPathReplacesInput) {
  const Machine m = task(R"("Next": "Done")");
  const auto go =
      expect<GoTo>(complete_task(m["S"], j(R"({"in": 1})"), j(R"({"out": 2})"), context_for("S")));
  EXPECT_EQ(go.next, "Done");
  EXPECT_EQ(go.output, j(R"({"out": 2})"));
}

TEST(AslTask, CompleteAppliesResultSelectorResultPathOutputPath) {
  const Machine m = lone(R"({"Type": "Task", "Resource": "settled:x", "InputPath": "$.payment",
      "ResultSelector": {"id.$": "$.id", "status.$": "$.status", "retries.$": "$$.State.RetryCount", "k": "v"},
      "ResultPath": "$.payment.charge", "OutputPath": "$.payment", "End": true})");
  const json::value raw_input = j(R"({"payment": {"amount": 5}, "other": true})");
  const json::value stripe =
      j(R"({"id": "pi_1", "status": "succeeded", "amount": 5, "noise": [1]})");
  const auto fin = expect<Finish>(complete_task(m["S"], raw_input, stripe, context_for("S", 3)));
  EXPECT_EQ(
      fin.output,
      j(R"({"amount": 5, "charge": {"id": "pi_1", "status": "succeeded", "retries": 3, "k": "v"}})"));
}

TEST(AslTask, CompleteWithNullResultPathKeepsInput) {
  const Machine m = task(R"("ResultPath": null, "Next": "Done")");
  const auto go =
      expect<GoTo>(complete_task(m["S"], j(R"({"in": 1})"), j(R"({"out": 2})"), context_for("S")));
  EXPECT_EQ(go.output, j(R"({"in": 1})"));
}

TEST(AslTask, CompleteWithNullOutputPathGivesEmptyObject) {
  const Machine m = task(R"("OutputPath": null, "Next": "Done")");
  const auto go =
      expect<GoTo>(complete_task(m["S"], j(R"({"in": 1})"), j(R"({"out": 2})"), context_for("S")));
  EXPECT_EQ(go.output, json::value(json::object()));
}

TEST(AslTask, ResultPathOntoNonObjectIsReferencePathConflict) {
  const Machine m = task(R"("ResultPath": "$.charge", "Next": "Done")");
  for (const char* input : {R"("a string")", "[1, 2]", "42", "null", R"({"charge": 5, "x": 1})"}) {
    SCOPED_TRACE(input);
    // Only a non-object root fails; an object's existing scalar field is simply replaced.
    const Step step = complete_task(m["S"], j(input), j(R"({"id": "pi_1"})"), context_for("S"));
    if (std::string(input).front() == '{') {
      EXPECT_EQ(expect<GoTo>(step).output, j(R"({"charge": {"id": "pi_1"}, "x": 1})"));
    } else {
      const auto f = expect<FailWith>(step);
      EXPECT_EQ(f.error, errors::kReferencePathConflict);
      EXPECT_EQ(f.cause,
                "Unable to apply ReferencePath $.charge to input " + json::serialize(j(input)));
    }
  }
  // As recorded against AWS: a string input is quoted as JSON.
  const auto quoted =
      expect<FailWith>(complete_task(m["S"], j(R"("input1")"), j("1"), context_for("S")));
  EXPECT_EQ(quoted.cause, "Unable to apply ReferencePath $.charge to input \"input1\"");
  // A large input is cut to a cause's 32,768 bytes, on a character boundary.
  std::string big = "\"";
  for (int i = 0; i < 20'000; ++i) big += "\xc3\xa9";  // é, two bytes each
  big += "\"";
  const auto cut = expect<FailWith>(complete_task(m["S"], j(big), j("1"), context_for("S")));
  EXPECT_LE(cut.cause.size(), 32768u);
  EXPECT_GT(cut.cause.size(), 32760u);
  EXPECT_TRUE(valid_utf8(cut.cause));
  EXPECT_EQ(cut.cause.rfind("Unable to apply ReferencePath $.charge to input \"\xc3\xa9", 0), 0u);
  const Machine deep = task(R"("ResultPath": "$.a.b", "Next": "Done")");
  const auto f =
      expect<FailWith>(complete_task(deep["S"], j(R"({"a": "scalar"})"), j("1"), context_for("S")));
  EXPECT_EQ(f.error, errors::kReferencePathConflict);
  EXPECT_EQ(f.cause, "Unable to apply ReferencePath $.a.b to input {\"a\":\"scalar\"}");
}

TEST(AslTask, ResultSelectorMissingPathIsStatesRuntime) {
  const Machine m = task(R"("ResultSelector": {"id.$": "$.id"}, "Next": "Done")");
  const auto f =
      expect<FailWith>(complete_task(m["S"], j("{}"), j(R"({"other": 1})"), context_for("S")));
  EXPECT_EQ(f.error, errors::kRuntime);
  EXPECT_EQ(f.cause,
            "An error occurred while executing the state 'S'. The JSONPath '$.id' specified for "
            "the field 'id.$' could not be found in the input '{\"other\":1}'");
}

// ---------------------------------------------------------------------------------------------
// Error matching rules

TEST(AslErrors, MatchingRules) {
  EXPECT_TRUE(error_matches({"Stripe.CardError"}, "Stripe.CardError"));
  EXPECT_FALSE(error_matches({"Stripe.CardError"}, "Stripe.cardError"));
  EXPECT_FALSE(error_matches({"Stripe.CardError"}, "Stripe.RateLimitError"));
  EXPECT_TRUE(error_matches({"A", "B"}, "B"));

  EXPECT_TRUE(error_matches({"States.ALL"}, "Stripe.CardError"));
  EXPECT_TRUE(error_matches({"States.ALL"}, "States.Timeout"));
  EXPECT_TRUE(error_matches({"States.ALL"}, "States.TaskFailed"));
  EXPECT_TRUE(error_matches({"States.ALL"}, "States.ReferencePathConflict"));
  // States.Runtime and States.DataLimitExceeded are terminal: never retried or caught.
  EXPECT_FALSE(error_matches({"States.ALL"}, "States.Runtime"));
  EXPECT_FALSE(error_matches({"States.ALL"}, "States.DataLimitExceeded"));
  EXPECT_FALSE(error_matches({"States.Runtime"}, "States.Runtime"));
  EXPECT_FALSE(error_matches({"States.TaskFailed"}, "States.Runtime"));

  // States.TaskFailed is a wildcard for everything except States.Timeout.
  EXPECT_TRUE(error_matches({"States.TaskFailed"}, "Stripe.APIConnectionError"));
  EXPECT_TRUE(error_matches({"States.TaskFailed"}, "States.TaskFailed"));
  EXPECT_FALSE(error_matches({"States.TaskFailed"}, "States.Timeout"));
  EXPECT_TRUE(error_matches({"States.TaskFailed", "States.Timeout"}, "States.Timeout"));
  EXPECT_TRUE(error_matches({"States.Timeout"}, "States.Timeout"));
  EXPECT_FALSE(error_matches({}, "Anything"));
}

// ---------------------------------------------------------------------------------------------
// Task failures: Retry

TEST(AslRetry, DelaysGrowByBackoffRateThenTheErrorPropagates) {
  const Machine m = task(R"("Next": "Done",
      "Retry": [{"ErrorEquals": ["Stripe.RateLimitError"], "IntervalSeconds": 2, "MaxAttempts": 3, "BackoffRate": 3}])");
  std::vector<std::int64_t> attempts;
  const json::value input = j(R"({"a": 1})");
  // IntervalSeconds * BackoffRate^n: 2s, 6s, 18s.
  for (std::int64_t expected : {2000, 6000, 18000}) {
    const auto r = expect<RetryAfter>(
        fail_task(m["S"], input, "Stripe.RateLimitError", "slow down", attempts, 0.9));
    EXPECT_EQ(r.delay_ms, expected);
    EXPECT_EQ(r.retrier, 0u);
  }
  ASSERT_EQ(attempts.size(), 1u);
  EXPECT_EQ(attempts[0], 3);
  // MaxAttempts used up and no Catch: the execution fails with the task's error and cause.
  const auto f = expect<FailWith>(
      fail_task(m["S"], input, "Stripe.RateLimitError", "slow down", attempts, 0.9));
  EXPECT_EQ(f.error, "Stripe.RateLimitError");
  EXPECT_EQ(f.cause, "slow down");
  EXPECT_EQ(attempts[0], 3);
}

TEST(AslRetry, DefaultsAreOneSecondThreeAttemptsBackoffTwo) {
  const Machine m = task(R"("Next": "Done", "Retry": [{"ErrorEquals": ["E"]}])");
  std::vector<std::int64_t> attempts;
  for (std::int64_t expected : {1000, 2000, 4000})
    EXPECT_EQ(expect<RetryAfter>(fail_task(m["S"], j("{}"), "E", "", attempts, 0.5)).delay_ms,
              expected);
  expect<FailWith>(fail_task(m["S"], j("{}"), "E", "", attempts, 0.5));
}

TEST(AslRetry, FractionalBackoffRate) {
  const Machine m = task(
      R"("Next": "Done", "Retry": [{"ErrorEquals": ["E"], "IntervalSeconds": 4, "BackoffRate": 1.5, "MaxAttempts": 3}])");
  std::vector<std::int64_t> attempts;
  for (std::int64_t expected : {4000, 6000, 9000})
    EXPECT_EQ(expect<RetryAfter>(fail_task(m["S"], j("{}"), "E", "", attempts, 0.0)).delay_ms,
              expected);
}

TEST(AslRetry, MaxDelaySecondsCapsTheDelay) {
  const Machine m = task(R"("Next": "Done",
      "Retry": [{"ErrorEquals": ["E"], "IntervalSeconds": 1, "BackoffRate": 10, "MaxAttempts": 5, "MaxDelaySeconds": 50}])");
  std::vector<std::int64_t> attempts;
  for (std::int64_t expected : {1000, 10000, 50000, 50000, 50000})
    EXPECT_EQ(expect<RetryAfter>(fail_task(m["S"], j("{}"), "E", "", attempts, 0.5)).delay_ms,
              expected);
  expect<FailWith>(fail_task(m["S"], j("{}"), "E", "", attempts, 0.5));
}

TEST(AslRetry, FullJitterScalesTheCappedDelayByRandom01) {
  const Machine m = task(R"("Next": "Done",
      "Retry": [{"ErrorEquals": ["E"], "IntervalSeconds": 4, "BackoffRate": 2, "MaxAttempts": 4,
                 "MaxDelaySeconds": 10, "JitterStrategy": "FULL"}])");
  std::vector<std::int64_t> attempts;
  // Un-jittered: 4s, 8s, min(16s, 10s), min(32s, 10s); FULL jitter picks uniformly in [0, that].
  EXPECT_EQ(expect<RetryAfter>(fail_task(m["S"], j("{}"), "E", "", attempts, 0.5)).delay_ms, 2000);
  EXPECT_EQ(expect<RetryAfter>(fail_task(m["S"], j("{}"), "E", "", attempts, 0.25)).delay_ms, 2000);
  EXPECT_EQ(expect<RetryAfter>(fail_task(m["S"], j("{}"), "E", "", attempts, 0.0)).delay_ms, 0);
  EXPECT_EQ(expect<RetryAfter>(fail_task(m["S"], j("{}"), "E", "", attempts, 0.999)).delay_ms,
            9990);
  expect<FailWith>(fail_task(m["S"], j("{}"), "E", "", attempts, 0.5));
}

TEST(AslRetry, WithoutJitterRandomIsIgnored) {
  const Machine m = task(
      R"("Next": "Done", "Retry": [{"ErrorEquals": ["E"], "IntervalSeconds": 3, "JitterStrategy": "NONE"}])");
  std::vector<std::int64_t> a1, a2;
  EXPECT_EQ(expect<RetryAfter>(fail_task(m["S"], j("{}"), "E", "", a1, 0.0)).delay_ms, 3000);
  EXPECT_EQ(expect<RetryAfter>(fail_task(m["S"], j("{}"), "E", "", a2, 0.7)).delay_ms, 3000);
}

TEST(AslRetry, HugeIntervalsAndBackoffDoNotOverflow) {
  const Machine m = task(R"("Next": "Done",
      "Retry": [{"ErrorEquals": ["E"], "IntervalSeconds": 99999999, "BackoffRate": 1000, "MaxAttempts": 60}])");
  std::vector<std::int64_t> attempts;
  std::int64_t previous = 0;
  for (int i = 0; i < 60; ++i) {
    const auto r = expect<RetryAfter>(fail_task(m["S"], j("{}"), "E", "", attempts, 0.5));
    EXPECT_GT(r.delay_ms, 0) << i;
    EXPECT_GE(r.delay_ms, previous) << i;
    previous = r.delay_ms;
  }
}

TEST(AslRetry, EachRetrierCountsItsOwnAttempts) {
  const Machine m = task(R"("Next": "Done", "Retry": [
      {"ErrorEquals": ["A"], "IntervalSeconds": 1, "MaxAttempts": 2, "BackoffRate": 2},
      {"ErrorEquals": ["B"], "IntervalSeconds": 10, "MaxAttempts": 1}])");
  std::vector<std::int64_t> attempts;
  auto r = expect<RetryAfter>(fail_task(m["S"], j("{}"), "A", "", attempts, 0));
  EXPECT_EQ(r.retrier, 0u);
  EXPECT_EQ(r.delay_ms, 1000);
  r = expect<RetryAfter>(fail_task(m["S"], j("{}"), "B", "", attempts, 0));
  EXPECT_EQ(r.retrier, 1u);
  EXPECT_EQ(r.delay_ms, 10000);  // B's first retry: its own interval, not advanced by A's retries
  r = expect<RetryAfter>(fail_task(m["S"], j("{}"), "A", "", attempts, 0));
  EXPECT_EQ(r.retrier, 0u);
  EXPECT_EQ(r.delay_ms, 2000);
  EXPECT_EQ(attempts, (std::vector<std::int64_t>{2, 1}));
  // Both exhausted now.
  EXPECT_EQ(expect<FailWith>(fail_task(m["S"], j("{}"), "B", "c", attempts, 0)).error, "B");
  EXPECT_EQ(expect<FailWith>(fail_task(m["S"], j("{}"), "A", "c", attempts, 0)).error, "A");
  EXPECT_EQ(attempts, (std::vector<std::int64_t>{2, 1}));
}

TEST(AslRetry, UnmatchedErrorIsNotRetried) {
  const Machine m = task(R"("Next": "Done", "Retry": [{"ErrorEquals": ["A"]}])");
  std::vector<std::int64_t> attempts;
  const auto f = expect<FailWith>(fail_task(m["S"], j("{}"), "B", "why", attempts, 0));
  EXPECT_EQ(f.error, "B");
  EXPECT_EQ(f.cause, "why");
  EXPECT_EQ(attempts, (std::vector<std::int64_t>{0}));
}

TEST(AslRetry, MaxAttemptsZeroNeverRetries) {
  const Machine m = task(R"("Next": "Done",
      "Retry": [{"ErrorEquals": ["A"], "MaxAttempts": 0}, {"ErrorEquals": ["States.ALL"]}],
      "Catch": [{"ErrorEquals": ["A"], "Next": "Done", "ResultPath": "$.err"}])");
  std::vector<std::int64_t> attempts;
  // Retrier 0 matches first and decides: no retry, so the error goes to Catch (retrier 1 is not
  // consulted even though States.ALL would match).
  const auto go = expect<GoTo>(fail_task(m["S"], j(R"({"x": 1})"), "A", "boom", attempts, 0));
  EXPECT_EQ(go.next, "Done");
  EXPECT_EQ(go.output, j(R"({"x": 1, "err": {"Error": "A", "Cause": "boom"}})"));
  EXPECT_EQ(attempts, (std::vector<std::int64_t>{0, 0}));
}

TEST(AslRetry, FirstMatchingRetrierDecidesAndWhenExhaustedGoesToCatch) {
  const Machine m(R"({"StartAt": "S", "States": {
      "S": {"Type": "Task", "Resource": "r", "Next": "Done",
            "Retry": [{"ErrorEquals": ["Stripe.APIConnectionError"], "MaxAttempts": 1, "IntervalSeconds": 5},
                      {"ErrorEquals": ["States.ALL"], "MaxAttempts": 9, "IntervalSeconds": 7}],
            "Catch": [{"ErrorEquals": ["Stripe.CardError"], "Next": "Declined"},
                      {"ErrorEquals": ["States.ALL"], "ResultPath": "$.failure", "Next": "Failed"}]},
      "Done": {"Type": "Succeed"}, "Declined": {"Type": "Succeed"}, "Failed": {"Type": "Succeed"}}})");
  std::vector<std::int64_t> attempts;
  const json::value input = j(R"({"paymentId": "p-1"})");
  auto r = expect<RetryAfter>(
      fail_task(m["S"], input, "Stripe.APIConnectionError", "lost", attempts, 0));
  EXPECT_EQ(r.retrier, 0u);
  EXPECT_EQ(r.delay_ms, 5000);
  // Retrier 0 is exhausted: the error goes to Catch, not on to the States.ALL retrier.
  const auto go = expect<GoTo>(
      fail_task(m["S"], input, "Stripe.APIConnectionError", "lost again", attempts, 0));
  EXPECT_EQ(go.next, "Failed");
  EXPECT_EQ(
      go.output,
      j(R"({"paymentId": "p-1", "failure": {"Error": "Stripe.APIConnectionError", "Cause": "lost again"}})"));
  EXPECT_EQ(attempts, (std::vector<std::int64_t>{1, 0}));

  // Another error is retried by the States.ALL retrier with its own count.
  r = expect<RetryAfter>(fail_task(m["S"], input, "Stripe.CardError", "declined", attempts, 0));
  EXPECT_EQ(r.retrier, 1u);
  EXPECT_EQ(r.delay_ms, 7000);
}

// ---------------------------------------------------------------------------------------------
// Task failures: Catch

TEST(AslCatch, FirstMatchingCatcherWithDefaultResultPathOutputsTheErrorObject) {
  const Machine m(R"({"StartAt": "S", "States": {
      "S": {"Type": "Task", "Resource": "r", "Next": "Done",
            "Catch": [{"ErrorEquals": ["Stripe.CardError"], "Next": "Declined"},
                      {"ErrorEquals": ["States.TaskFailed"], "Next": "Failed"},
                      {"ErrorEquals": ["States.ALL"], "Next": "Other"}]},
      "Done": {"Type": "Succeed"}, "Declined": {"Type": "Succeed"}, "Failed": {"Type": "Succeed"},
      "Other": {"Type": "Succeed"}}})");
  std::vector<std::int64_t> attempts;
  const json::value input = j(R"({"keep": false})");
  auto go = expect<GoTo>(
      fail_task(m["S"], input, "Stripe.CardError", "{\"code\":\"card_declined\"}", attempts, 0));
  EXPECT_EQ(go.next, "Declined");
  EXPECT_EQ(go.output,
            j(R"({"Error": "Stripe.CardError", "Cause": "{\"code\":\"card_declined\"}"})"));
  // States.TaskFailed matches any other task error...
  go = expect<GoTo>(fail_task(m["S"], input, "Stripe.APIError", "x", attempts, 0));
  EXPECT_EQ(go.next, "Failed");
  // ...but not States.Timeout, which falls through to States.ALL.
  go = expect<GoTo>(fail_task(m["S"], input, "States.Timeout", "too slow", attempts, 0));
  EXPECT_EQ(go.next, "Other");
  EXPECT_EQ(go.output, j(R"({"Error": "States.Timeout", "Cause": "too slow"})"));
}

TEST(AslCatch, NullResultPathKeepsTheInput) {
  const Machine m = task(
      R"("Next": "Done", "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": null, "Next": "Done"}])");
  std::vector<std::int64_t> attempts;
  const auto go = expect<GoTo>(fail_task(m["S"], j(R"({"keep": 1})"), "E", "c", attempts, 0));
  EXPECT_EQ(go.output, j(R"({"keep": 1})"));
}

TEST(AslCatch, StatesAllNeverCatchesStatesRuntime) {
  const Machine m = task(R"("Next": "Done",
      "Retry": [{"ErrorEquals": ["States.ALL"]}],
      "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Done"}])");
  std::vector<std::int64_t> attempts;
  const auto f =
      expect<FailWith>(fail_task(m["S"], j("{}"), "States.Runtime", "bad path", attempts, 0));
  EXPECT_EQ(f.error, "States.Runtime");
  EXPECT_EQ(f.cause, "bad path");
  EXPECT_EQ(attempts, (std::vector<std::int64_t>{0}));
}

TEST(AslCatch, TaskFailedRetrierDoesNotRetryTimeout) {
  const Machine m = task(R"("Next": "Done",
      "Retry": [{"ErrorEquals": ["States.TaskFailed"], "MaxAttempts": 5}],
      "Catch": [{"ErrorEquals": ["States.Timeout"], "Next": "Done", "ResultPath": "$.timeout"}])");
  std::vector<std::int64_t> attempts;
  const auto go = expect<GoTo>(fail_task(m["S"], j(R"({})"), "States.Timeout", "30s", attempts, 0));
  EXPECT_EQ(go.output, j(R"({"timeout": {"Error": "States.Timeout", "Cause": "30s"}})"));
  EXPECT_EQ(attempts, (std::vector<std::int64_t>{0}));
  expect<RetryAfter>(fail_task(m["S"], j(R"({})"), "Stripe.APIError", "", attempts, 0));
}

// ---------------------------------------------------------------------------------------------
// Wait

TEST(AslWait, SecondsCountFromStateEntry) {
  const Machine m = single(R"({"Type": "Wait", "Seconds": 90, "Next": "Done"})");
  const auto w = expect<WaitUntil>(enter_state(m["S"], j(R"({"a": 1})"), context_for("S")));
  EXPECT_EQ(w.due, kEntered + 90'000);
  EXPECT_EQ(w.output, j(R"({"a": 1})"));
  const auto go = expect<GoTo>(complete_wait(m["S"], w.output));
  EXPECT_EQ(go.next, "Done");
  EXPECT_EQ(go.output, j(R"({"a": 1})"));
}

TEST(AslWait, SecondsPathReadsTheFilteredInput) {
  const Machine m = lone(R"({"Type": "Wait", "InputPath": "$.job", "SecondsPath": "$.delay",
                               "OutputPath": "$.id", "End": true})");
  const auto w = expect<WaitUntil>(
      enter_state(m["S"], j(R"({"job": {"delay": 7, "id": "j-1"}})"), context_for("S")));
  EXPECT_EQ(w.due, kEntered + 7'000);
  EXPECT_EQ(w.output, json::value("j-1"));
  EXPECT_EQ(expect<Finish>(complete_wait(m["S"], w.output)).output, json::value("j-1"));
}

TEST(AslWait, SecondsPathMustSelectANonNegativeInteger) {
  const Machine m = single(R"({"Type": "Wait", "SecondsPath": "$.delay", "Next": "Done"})");
  for (const char* input :
       {R"({"delay": -1})", R"({"delay": "5"})", R"({"delay": 1.5})", R"({})"}) {
    SCOPED_TRACE(input);
    const auto f = expect<FailWith>(enter_state(m["S"], j(input), context_for("S")));
    EXPECT_EQ(f.error, errors::kRuntime);
    EXPECT_THAT(f.cause, HasSubstr("SecondsPath"));
  }
  EXPECT_EQ(expect<WaitUntil>(enter_state(m["S"], j(R"({"delay": 0})"), context_for("S"))).due,
            kEntered);
}

// Step Functions' causes for a Wait's paths (no "An error occurred..." preamble).
TEST(AslWait, PathCausesAreStepFunctionsOwn) {
  const Machine m = single(R"({"Type": "Wait", "SecondsPath": "$.delay", "Next": "Done"})");
  const auto cause = [&m](const char* input) {
    return expect<FailWith>(enter_state(m["S"], j(input), context_for("S"))).cause;
  };
  EXPECT_EQ(cause(R"({"delay": -1})"),
            "The SecondsPath parameter references a negative value: $.delay == -1");
  EXPECT_EQ(cause(R"({"delay": "5"})"),
            "The SecondsPath parameter cannot be parsed as a long value: $.delay == 5");
  EXPECT_THAT(cause(R"({"delay": 1.5})"),
              HasSubstr("The SecondsPath parameter cannot be parsed as a long value: $.delay == "));
  EXPECT_EQ(cause("{}"), "The SecondsPath parameter does not reference an input value: $.delay");
  const Machine t = single(R"({"Type": "Wait", "TimestampPath": "$.at", "Next": "Done"})");
  EXPECT_EQ(expect<FailWith>(enter_state(t["S"], j(R"({"at": "soon"})"), context_for("S"))).cause,
            "The TimestampPath parameter does not reference a valid ISO-8601 extended offset "
            "date-time format string: $.at == soon");
}

TEST(AslWait, TimestampIsAnAbsoluteDueTime) {
  const Machine m =
      single(R"({"Type": "Wait", "Timestamp": "2026-01-01T00:00:00+01:00", "Next": "Done"})");
  const auto w = expect<WaitUntil>(enter_state(m["S"], j("{}"), context_for("S")));
  EXPECT_EQ(w.due, 1'767'222'000'000);  // 2025-12-31T23:00:00Z
}

TEST(AslWait, TimestampPathReadsTheInput) {
  const Machine m = single(R"({"Type": "Wait", "TimestampPath": "$.at", "Next": "Done"})");
  const auto w = expect<WaitUntil>(
      enter_state(m["S"], j(R"({"at": "2026-03-01T12:00:00.250Z"})"), context_for("S")));
  EXPECT_EQ(w.due, 1'772'366'400'250);
  for (const char* input :
       {R"({"at": "soon"})", R"({"at": 1772366400})", R"({"at": "2025-02-30T00:00:00Z"})", "{}"}) {
    SCOPED_TRACE(input);
    const auto f = expect<FailWith>(enter_state(m["S"], j(input), context_for("S")));
    EXPECT_EQ(f.error, errors::kRuntime);
    EXPECT_THAT(f.cause, HasSubstr("TimestampPath"));
  }
}

TEST(AslWait, TimestampPathMayReadTheContext) {
  const Machine m =
      single(R"({"Type": "Wait", "TimestampPath": "$$.Execution.StartTime", "Next": "Done"})");
  EXPECT_EQ(expect<WaitUntil>(enter_state(m["S"], j("{}"), context_for("S"))).due, kStarted);
}

}  // namespace
}  // namespace settled::asl
