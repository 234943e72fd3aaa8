// Tests for the ASL intrinsic functions (src/domain/asl/intrinsics.hpp) as definitions use them:
// path and context arguments, nesting, each definition-time refusal with the path of its field,
// and the wiring through PayloadTemplate, the interpreter and the parser. Each function on its
// own: intrinsics_test.cpp.

#include "domain/asl/intrinsics.hpp"

#include "domain/asl/intrinsics_test_support.hpp"

#include "domain/asl/errors.hpp"
#include "domain/asl/interpreter.hpp"
#include "domain/asl/parser.hpp"
#include "domain/asl/payload_template.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace settled::asl {
namespace {

namespace json = boost::json;
using namespace intrinsics_test;

// ---------------------------------------------------------------------------------------------
// Arguments, nesting and syntax

TEST(IntrinsicArguments, PathsReadTheInputAndContextPathsTheContext) {
  const json::value input = j(R"({"a b": {"c": 1}, "list": [{"p": 5}, {"p": 20}], "x": "in"})");
  EXPECT_EQ(eval("States.Format('{} {}', $.x, $$.Execution.Id)", input), json::value("in exec-1"));
  EXPECT_EQ(eval("States.Array($['a b'].c, $.list[?(@.p > 10)].p, $)", input),
            j(R"([1, [20], {"a b": {"c": 1}, "list": [{"p": 5}, {"p": 20}], "x": "in"}])"));
  // Blanks around arguments are allowed.
  EXPECT_EQ(eval("States.Array(  $.x ,'y'  ,  1 )", input), j(R"(["in", "y", 1])"));
}

TEST(IntrinsicArguments, MissingPathIsARuntimeErrorNotAnIntrinsicFailure) {
  auto result = run("States.Format('{}', $.missing)");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kInvalidRequest);
  // Step Functions' cause names the whole expression, the path and the input.
  EXPECT_EQ(result.error().message,
            "The function 'States.Format('{}', $.missing)' had the following error: The JsonPath "
            "argument for the field '$.missing' could not be found in the input '{}'");
}

TEST(IntrinsicNesting, EvaluatesInsideOut) {
  const json::value input = j(
      R"({"ImageRecipe": {"Arn": "arn:aws:imagebuilder:us-east-1:123456789012:image-recipe/my-recipe/1.2.3"}})");
  EXPECT_EQ(eval("States.Format('{}.{}', "
                 "States.ArrayGetItem(States.StringSplit(States.ArrayGetItem(States.StringSplit("
                 "$.ImageRecipe.Arn, '/'), 2), '.'), 0), "
                 "States.ArrayGetItem(States.StringSplit(States.ArrayGetItem(States.StringSplit("
                 "$.ImageRecipe.Arn, '/'), 2), '.'), 1))",
                 input),
            json::value("1.2"));
  EXPECT_EQ(eval("States.Format('{}', States.ArrayLength($.a))", j(R"({"a": [1, 2, 3]})")),
            json::value("3"));
  // A failure deep inside names the whole expression, as Step Functions does.
  EXPECT_THAT(failure("States.Format('{}', States.ArrayGetItem(States.Array(1), 4))"),
              HasSubstr("The function 'States.Format('{}', States.ArrayGetItem(States.Array(1), "
                        "4))' had the following error: the index 4 is out of range"));
}

TEST(IntrinsicNesting, AllowsTenLevelsAndRefusesEleven) {
  std::string ten = "1";
  for (int i = 0; i < 10; ++i) ten = "States.Array(" + ten + ")";
  EXPECT_EQ(eval(ten), j("[[[[[[[[[[1]]]]]]]]]]"));
  EXPECT_THAT(refusal("States.Array(" + ten + ")"), HasSubstr("nested more than 10 deep"));
}

TEST(IntrinsicSyntax, RefusesMalformedCallsWithTheFieldPath) {
  EXPECT_THAT(refusal("States.Nope($.a)"), HasSubstr("unknown intrinsic function 'States.Nope'"));
  EXPECT_THAT(refusal("States.format('x')"), HasSubstr("unknown intrinsic function"));
  EXPECT_THAT(refusal("States.Array"), HasSubstr("expected '(' after States.Array"));
  EXPECT_THAT(refusal("States.Array(1, 2"), HasSubstr("missing ')' to close States.Array"));
  EXPECT_THAT(refusal("States.Array(1 2)"), HasSubstr("expected ',' or ')'"));
  EXPECT_THAT(refusal("States.Array(1,)"), HasSubstr("expected an argument"));
  EXPECT_THAT(refusal("States.Array(1) x"), HasSubstr("unexpected text after the closing ')'"));
  EXPECT_THAT(refusal("States.Format('abc)"), HasSubstr("unterminated string literal"));
  EXPECT_THAT(refusal(R"(States.Format('a\nb'))"), HasSubstr("open escape backslash"));
  EXPECT_THAT(refusal(R"(States.Format('a\'))"), HasSubstr("unterminated string literal"));
  EXPECT_THAT(refusal("States.Array(\"double\")"), HasSubstr("single quotes"));
  EXPECT_THAT(refusal("States.Array(01)"), HasSubstr("invalid number '01'"));
  EXPECT_THAT(refusal("States.Array(1.2.3)"), HasSubstr("invalid number"));
  EXPECT_THAT(refusal("States.Array(truex)"), HasSubstr("unexpected character 't'"));
  EXPECT_THAT(refusal("States.Array($.a[)"), HasSubstr("invalid path argument"));
  EXPECT_THAT(refusal("States.Array(x)"), HasSubstr("at position 13"));
}

// ---------------------------------------------------------------------------------------------
// PayloadTemplate, interpreter and parser

TEST(PayloadTemplateIntrinsic, RendersIntrinsicsBesidePathsAndLiterals) {
  auto t = PayloadTemplate::compile(
      j(R"j({"greeting.$": "States.Format('Hello {}', $.name)", "name.$": "$.name", "n": 1,
             "nested": {"id.$": "States.UUID()",
                        "items": [{"len.$": "States.ArrayLength($.a)"}]}})j"),
      "$.States['A'].Parameters");
  ASSERT_TRUE(t.ok()) << t.error().message;
  FixedRandom random({0, 0});
  auto out = t->render(j(R"({"name": "Ana", "a": [1, 2]})"), no_context(), random);
  ASSERT_TRUE(out.ok()) << out.error().message;
  EXPECT_EQ(*out, j(R"({"greeting": "Hello Ana", "name": "Ana", "n": 1,
                        "nested": {"id": "00000000-0000-4000-8000-000000000000",
                                   "items": [{"len": 2}]}})"));
}

// A field given both as a literal and as a path ("a" and "a.$") renders once: the one written
// later in the template wins, whichever it is.
TEST(PayloadTemplateIntrinsic, ASameNamedFieldWrittenLaterWins) {
  FixedRandom random({0, 0});
  const json::value input = j(R"({"x": "from the path"})");
  for (const auto& [text, expected] :
       {std::pair<const char*, const char*>{R"({"a": 1, "a.$": "$.x"})",
                                            R"({"a": "from the path"})"},
        std::pair<const char*, const char*>{R"({"a.$": "$.x", "a": 1})", R"({"a": 1})"}}) {
    SCOPED_TRACE(text);
    auto t = PayloadTemplate::compile(j(text), "$.States['A'].Parameters");
    ASSERT_TRUE(t.ok()) << t.error().message;
    auto out = t->render(input, no_context(), random);
    ASSERT_TRUE(out.ok()) << out.error().message;
    EXPECT_EQ(*out, j(expected));
  }
}

TEST(PayloadTemplateIntrinsic, RefusesBadCallsWithTheFieldPathAndFailsAtRunTime) {
  auto bad = PayloadTemplate::compile(j(R"j({"a": {"x.$": "States.ArrayLength(1, 2)"}})j"),
                                      "$.States['A'].Parameters");
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.error().message,
              StartsWith("$.States['A'].Parameters['a']['x.$']: invalid intrinsic function"));
  EXPECT_THAT(bad.error().message, HasSubstr("takes 1 argument, got 2"));

  auto t = PayloadTemplate::compile(j(R"j({"x.$": "States.ArrayLength($.a)"})j"),
                                    "$.States['A'].Parameters");
  ASSERT_TRUE(t.ok()) << t.error().message;
  auto out = t->render(j(R"({"a": "nope"})"), no_context());
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().code, ErrorCode::kIntrinsicFailure);
  EXPECT_THAT(out.error().message,
              StartsWith("The function 'States.ArrayLength($.a)' had the following error: "
                         "States.ArrayLength argument 1 must be an array, got a string"));
}

// A machine with the given states (JSON object members) starting at "A".
StateMachine machine(std::string_view states) {
  auto parsed = parse_state_machine_text(
      std::string(R"({"StartAt": "A", "States": {)") + std::string(states) + "}}", "m");
  if (!parsed.ok()) {
    ADD_FAILURE() << parsed.error().message;
    throw std::runtime_error("definition refused");
  }
  return std::move(parsed).value();
}

TEST(IntrinsicInterpreter, PassRendersIntrinsicParameters) {
  const StateMachine m = machine(
      R"j("A": {"Type": "Pass", "Parameters": {"sum.$": "States.MathAdd($.n, 1)"}, "End": true})j");
  const Step step = enter_state(*m.find("A"), j(R"({"n": 41})"), no_context());
  const auto* finish = std::get_if<Finish>(&step);
  ASSERT_NE(finish, nullptr);
  EXPECT_EQ(finish->output, j(R"({"sum": 42})"));
}

TEST(IntrinsicInterpreter, FailureIsStatesIntrinsicFailureAndCanBeCaught) {
  const StateMachine m = machine(R"j(
      "A": {"Type": "Task", "Resource": "settled:x",
            "Parameters": {"item.$": "States.ArrayGetItem($.items, 5)"},
            "Catch": [{"ErrorEquals": ["States.IntrinsicFailure"], "ResultPath": "$.error",
                       "Next": "Handled"}],
            "Next": "P"},
      "P": {"Type": "Pass", "Parameters": {"item.$": "States.ArrayGetItem($.items, 5)"},
            "End": true},
      "Handled": {"Type": "Succeed"})j");
  const json::value input = j(R"({"items": [1]})");

  const Step caught = enter_state(*m.find("A"), input, no_context());
  const auto* go = std::get_if<GoTo>(&caught);
  ASSERT_NE(go, nullptr);
  EXPECT_EQ(go->next, "Handled");
  EXPECT_EQ(go->output.at("items"), j("[1]"));
  EXPECT_EQ(go->output.at("error").at("Error"), json::value("States.IntrinsicFailure"));
  EXPECT_THAT(std::string(go->output.at("error").at("Cause").as_string()),
              HasSubstr("The function 'States.ArrayGetItem($.items, 5)' had the following error: "
                        "the index 5 is out of range"));

  const Step failed = enter_state(*m.find("P"), input, no_context());
  const auto* fail = std::get_if<FailWith>(&failed);
  ASSERT_NE(fail, nullptr);
  EXPECT_EQ(fail->error, errors::kIntrinsicFailure);
  EXPECT_THAT(fail->cause,
              StartsWith("An error occurred while executing the state 'P'. The function "
                         "'States.ArrayGetItem($.items, 5)' had the following error: "));
}

TEST(IntrinsicInterpreter, ResultSelectorFailureIsCaughtByStatesAll) {
  const StateMachine m = machine(R"j(
      "A": {"Type": "Task", "Resource": "settled:x",
            "ResultSelector": {"n.$": "States.StringToJson($.body)"},
            "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Handled"}], "End": true},
      "Handled": {"Type": "Succeed"})j");
  const Step step =
      complete_task(*m.find("A"), j(R"({"in": 1})"), j(R"({"body": "{oops"})"), no_context());
  const auto* go = std::get_if<GoTo>(&step);
  ASSERT_NE(go, nullptr);
  EXPECT_EQ(go->next, "Handled");
  EXPECT_EQ(go->output.at("Error"), json::value("States.IntrinsicFailure"));
  EXPECT_THAT(std::string(go->output.at("Cause").as_string()),
              HasSubstr("The function 'States.StringToJson($.body)' had the following error: "));
}

TEST(IntrinsicInterpreter, MissingPathArgumentStaysStatesRuntimeAndIsNotCaught) {
  const StateMachine m = machine(R"j(
      "A": {"Type": "Task", "Resource": "settled:x",
            "Parameters": {"x.$": "States.Format('{}', $.missing)"},
            "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Handled"}], "End": true},
      "Handled": {"Type": "Succeed"})j");
  const Step step = enter_state(*m.find("A"), j("{}"), no_context());
  const auto* fail = std::get_if<FailWith>(&step);
  ASSERT_NE(fail, nullptr);
  EXPECT_EQ(fail->error, errors::kRuntime);
}

TEST(IntrinsicParser, DefinitionRefusesBadIntrinsicsWithTheFieldPath) {
  auto parsed = parse_state_machine_text(
      R"j({"StartAt": "A", "States": {
            "A": {"Type": "Pass", "Parameters": {"x.$": "States.Nope($.a)"}, "Next": "B"},
            "B": {"Type": "Task", "Resource": "settled:x",
                  "ResultSelector": {"y.$": "States.Hash('a', 'SHA-3')"}, "End": true}}})j",
      "m");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().code, ErrorCode::kInvalidDefinition);
  EXPECT_THAT(parsed.error().message,
              HasSubstr("$.States['A'].Parameters['x.$']: invalid intrinsic function"));
  EXPECT_THAT(parsed.error().message, HasSubstr("unknown intrinsic function 'States.Nope'"));
  EXPECT_THAT(parsed.error().message,
              HasSubstr("$.States['B'].ResultSelector['y.$']: invalid intrinsic function"));
}

TEST(IntrinsicParser, ContextPathArgumentMakesTheStateBuildTheContext) {
  const StateMachine m = machine(R"j(
      "A": {"Type": "Pass", "Parameters": {"id.$": "States.Format('{}', $$.Execution.Id)"},
            "Next": "B"},
      "B": {"Type": "Pass", "Parameters": {"n.$": "States.ArrayLength($.a)"}, "End": true})j");
  EXPECT_TRUE(m.find("A")->uses_context);
  EXPECT_FALSE(m.find("A")->uses_execution_input);
  EXPECT_FALSE(m.find("B")->uses_context);
}

}  // namespace
}  // namespace settled::asl
