// Tests for the ASL interpreter (src/domain/asl/interpreter.hpp) against the Amazon States
// Language input/output processing rules: InputPath -> Parameters -> (task / Result) ->
// ResultSelector -> ResultPath (applied to the state's raw input) -> OutputPath.
// States are built by parsing small definitions, as the engine does.

#include "domain/asl/interpreter.hpp"

#include "domain/asl/errors.hpp"
#include "domain/asl/parser.hpp"
#include "domain/asl/variables.hpp"
#include "domain/json_limits.hpp"
#include "domain/utf8.hpp"

#include "domain/asl/interpreter_test_support.hpp"
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
using namespace interpreter_test;

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

// The output's size is checked on its text, which comes with the step for the history.
TEST(AslPass, TheOutputComesWithItsTextAndIsRefusedOneByteOverTheLimit) {
  const Machine m = single(R"({"Type": "Pass", "Next": "Done"})");
  const json::value input = j(R"({"a": [1, 2.5, "\u00e9\n"], "b": null})");
  const auto go = expect<GoTo>(enter_state(m["S"], input, context_for("S")));
  EXPECT_EQ(go.output_text, json::serialize(input));
  // {"x":"..."} is 8 bytes around the string: at the limit it passes, one byte more fails.
  const auto sized = [](std::size_t bytes) {
    return json::value(json::object{{"x", std::string(bytes - 8, 'x')}});
  };
  const Machine end = lone(R"({"Type": "Pass", "End": true})");
  const auto at =
      expect<Finish>(enter_state(end["S"], sized(kPayloadLimitBytes), context_for("S")));
  EXPECT_EQ(at.output_text.size(), kPayloadLimitBytes);
  const auto over =
      expect<FailWith>(enter_state(end["S"], sized(kPayloadLimitBytes + 1), context_for("S")));
  EXPECT_EQ(over.error, errors::kDataLimitExceeded);
}

// A Pass that wraps its input, looped, nests it a level a turn: past kPayloadMaxDepth the
// record it is stored in could not be read back (session 32's red team: 600 levels made an
// execution "corrupt"). The output that would go over is refused; one at the limit passes.
TEST(AslPass, AnOutputNestedDeeperThanSettledStoresIsRefused) {
  const Machine wrap = single(R"({"Type": "Pass", "Parameters": {"a.$": "$"}, "Next": "Done"})");
  const auto nested = [](std::size_t depth) {
    json::value v = 1;
    for (std::size_t i = 0; i < depth; ++i) v = json::object{{"a", std::move(v)}};
    return v;
  };
  expect<GoTo>(enter_state(wrap["S"], nested(kPayloadMaxDepth - 1), context_for("S")));
  const auto over =
      expect<FailWith>(enter_state(wrap["S"], nested(kPayloadMaxDepth), context_for("S")));
  EXPECT_EQ(over.error, errors::kDataLimitExceeded);
  EXPECT_THAT(over.cause, HasSubstr("deeper than " + std::to_string(kPayloadMaxDepth)));

  const Machine assign = single(R"({"Type": "Pass", "Assign": {"v.$": "$"}, "Next": "Done"})");
  expect<GoTo>(enter_state(assign["S"], nested(kPayloadMaxDepth), context_for("S")));
  const auto too_deep_variable =
      expect<FailWith>(enter_state(assign["S"], nested(kPayloadMaxDepth + 1), context_for("S")));
  EXPECT_EQ(too_deep_variable.error, errors::kDataLimitExceeded);
  EXPECT_THAT(too_deep_variable.cause, HasSubstr("variable 'v'"));
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
                            // Past INT64_MAX: threw out of the interpreter before.
                            R"({"request": {"id": "r", "responseSeconds": 18446744073709551615}})",
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

// The engine passes the size of the result's text it wrote for TaskSucceeded: the limit is
// checked on that size, not on a second walk of the result.
TEST(AslTask, AResultSizeGivenIsCheckedAgainstTheLimit) {
  const Machine m = task(R"("Next": "Done")");
  EXPECT_EQ(expect<GoTo>(complete_task(m["S"], j("{}"), j(R"({"r": 1})"), context_for("S"),
                                       kPayloadLimitBytes))
                .output,
            j(R"({"r": 1})"));
  const auto f = expect<FailWith>(
      complete_task(m["S"], j("{}"), j(R"({"r": 1})"), context_for("S"), kPayloadLimitBytes + 1));
  EXPECT_EQ(f.error, errors::kDataLimitExceeded);
  EXPECT_NE(f.cause.find("The result of state 'S'"), std::string::npos) << f.cause;
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

// A Parallel gives each branch its own copy of its input: 2,000 branches of a 200 kB input took
// the daemon to 1.1 GB for one start. Together they are bounded as a Map's iteration inputs are.
TEST(AslParallel, TheBranchInputsTogetherAreAtMostTenMebibytes) {
  const auto parallel = [](int branches) {
    std::string list;
    for (int i = 0; i < branches; ++i) {
      const std::string name = "P" + std::to_string(i);
      list += (i ? "," : "") + std::string(R"({"StartAt": ")") + name + R"(", "States": {")" +
              name + R"(": {"Type": "Pass", "End": true}}})";
    }
    return single(R"({"Type": "Parallel", "Next": "Done", "Branches": [)" + list + "]}");
  };
  const json::value input = json::object{{"big", std::string(200'000, 'b')}};
  const Machine few = parallel(3);
  EXPECT_EQ(expect<RunBranches>(enter_state(few["S"], input, context_for("S"))).inputs.size(), 3u);
  const Machine many = parallel(60);
  const auto f = expect<FailWith>(enter_state(many["S"], input, context_for("S")));
  EXPECT_EQ(f.error, errors::kDataLimitExceeded);
  EXPECT_EQ(f.cause,
            "The branch inputs of state 'S' together have a size exceeding the maximum number of "
            "bytes limit (10485760): 60 branches of 200010 bytes.");
}

}  // namespace
}  // namespace settled::asl
