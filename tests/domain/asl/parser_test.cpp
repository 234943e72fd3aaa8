// Tests for the ASL parser/validator (src/domain/asl/parser.hpp). Every refusal must name the
// JSON path of the offending field and the rule it breaks ("<path>: <rule>"), and all problems of
// a definition are reported together.

#include "domain/asl/parser.hpp"

#include "domain/asl/parser_test_support.hpp"

#include "support/build_paths.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

namespace settled::asl {
namespace {

namespace json = boost::json;
using namespace parser_test;

// ---------------------------------------------------------------------------------------------
// Valid definitions

TEST(AslParser, ParsesMinimalDefinition) {
  const StateMachine m =
      parse_ok(R"({"StartAt": "Only", "States": {"Only": {"Type": "Succeed"}}})");
  EXPECT_EQ(m.name, "test");
  EXPECT_EQ(m.start_at, "Only");
  ASSERT_EQ(m.states.size(), 1u);
  const State* only = m.find("Only");
  ASSERT_NE(only, nullptr);
  EXPECT_EQ(only->name, "Only");
  EXPECT_EQ(only->type, StateType::kSucceed);
  EXPECT_EQ(m.find("Other"), nullptr);
  EXPECT_FALSE(m.timeout_seconds.has_value());
  EXPECT_EQ(m.definition,
            json::parse(R"({"StartAt": "Only", "States": {"Only": {"Type": "Succeed"}}})"));
}

TEST(AslParser, ParsesEveryStateTypeIntoTheModel) {
  const StateMachine m = parse_ok(R"({
    "Comment": "all types", "Version": "1.0", "TimeoutSeconds": 300, "QueryLanguage": "JSONPath",
    "StartAt": "Prepare",
    "States": {
      "Prepare": {"Type": "Pass", "Result": {"x": 1}, "ResultPath": "$.prepared", "Next": "Pay"},
      "Pay": {
        "Type": "Task", "Resource": "settled:stripe.paymentIntents.create",
        "InputPath": "$.payment", "OutputPath": null, "ResultPath": "$.charge",
        "Parameters": {"amount.$": "$.amount", "fixed": true},
        "ResultSelector": {"id.$": "$.id"},
        "TimeoutSeconds": 30, "HeartbeatSeconds": 10,
        "Retry": [
          {"ErrorEquals": ["Stripe.RateLimitError", "States.Timeout"], "IntervalSeconds": 2,
           "MaxAttempts": 5, "BackoffRate": 1.5, "MaxDelaySeconds": 60, "JitterStrategy": "FULL"},
          {"ErrorEquals": ["States.ALL"]}
        ],
        "Catch": [
          {"ErrorEquals": ["Stripe.CardError"], "ResultPath": "$.failure", "Next": "Declined"},
          {"ErrorEquals": ["States.ALL"], "Next": "Declined"}
        ],
        "Next": "Route"
      },
      "Route": {
        "Type": "Choice",
        "Choices": [
          {"Variable": "$.status", "StringEquals": "succeeded", "Next": "Hold"},
          {"And": [{"Variable": "$.a", "NumericGreaterThanEquals": 1},
                   {"Not": {"Variable": "$.b", "IsNull": true}}], "Next": "Declined"},
          {"Variable": "$.a", "NumericEqualsPath": "$.b", "Next": "Hold"}
        ],
        "Default": "Declined"
      },
      "Hold": {"Type": "Wait", "Seconds": 5, "End": true},
      "Declined": {"Type": "Fail", "Error": "Payment.Declined", "Cause": "card declined"}
    }
  })");
  EXPECT_EQ(m.comment, "all types");
  EXPECT_EQ(m.timeout_seconds, 300);
  ASSERT_EQ(m.states.size(), 5u);

  const State& prepare = *m.find("Prepare");
  EXPECT_EQ(prepare.type, StateType::kPass);
  EXPECT_EQ(prepare.next, "Pay");
  EXPECT_FALSE(prepare.end);
  ASSERT_TRUE(prepare.result.has_value());
  EXPECT_EQ(*prepare.result, json::parse(R"({"x": 1})"));
  EXPECT_EQ(prepare.result_path.kind, OptionalPath::Kind::kPath);
  EXPECT_EQ(prepare.result_path.path->text(), "$.prepared");
  EXPECT_EQ(prepare.input_path.kind, OptionalPath::Kind::kDefault);
  EXPECT_EQ(prepare.output_path.kind, OptionalPath::Kind::kDefault);

  const State& pay = *m.find("Pay");
  EXPECT_EQ(pay.type, StateType::kTask);
  EXPECT_EQ(pay.resource, "settled:stripe.paymentIntents.create");
  EXPECT_EQ(pay.input_path.kind, OptionalPath::Kind::kPath);
  EXPECT_EQ(pay.input_path.path->text(), "$.payment");
  EXPECT_EQ(pay.output_path.kind, OptionalPath::Kind::kNull);
  EXPECT_EQ(pay.result_path.path->text(), "$.charge");
  EXPECT_TRUE(pay.parameters.has_value());
  EXPECT_TRUE(pay.result_selector.has_value());
  EXPECT_EQ(pay.timeout_seconds, 30);
  EXPECT_EQ(pay.heartbeat_seconds, 10);
  ASSERT_EQ(pay.retry.size(), 2u);
  EXPECT_THAT(pay.retry[0].error_equals, ElementsAre("Stripe.RateLimitError", "States.Timeout"));
  EXPECT_EQ(pay.retry[0].interval_seconds, 2);
  EXPECT_EQ(pay.retry[0].max_attempts, 5);
  EXPECT_DOUBLE_EQ(pay.retry[0].backoff_rate, 1.5);
  EXPECT_EQ(pay.retry[0].max_delay_seconds, 60);
  EXPECT_TRUE(pay.retry[0].full_jitter);
  // ASL defaults: IntervalSeconds 1, MaxAttempts 3, BackoffRate 2.0, no cap, no jitter.
  EXPECT_THAT(pay.retry[1].error_equals, ElementsAre("States.ALL"));
  EXPECT_EQ(pay.retry[1].interval_seconds, 1);
  EXPECT_EQ(pay.retry[1].max_attempts, 3);
  EXPECT_DOUBLE_EQ(pay.retry[1].backoff_rate, 2.0);
  EXPECT_FALSE(pay.retry[1].max_delay_seconds.has_value());
  EXPECT_FALSE(pay.retry[1].full_jitter);
  ASSERT_EQ(pay.catchers.size(), 2u);
  EXPECT_THAT(pay.catchers[0].error_equals, ElementsAre("Stripe.CardError"));
  EXPECT_EQ(pay.catchers[0].next, "Declined");
  EXPECT_EQ(pay.catchers[0].result_path.kind, OptionalPath::Kind::kPath);
  EXPECT_EQ(pay.catchers[1].result_path.kind, OptionalPath::Kind::kDefault);

  const State& route = *m.find("Route");
  EXPECT_EQ(route.type, StateType::kChoice);
  EXPECT_EQ(route.default_next, "Declined");
  ASSERT_EQ(route.choices.size(), 3u);
  EXPECT_EQ(route.choices[0].kind, ChoiceRule::Kind::kCompare);
  EXPECT_EQ(route.choices[0].comparator, "StringEquals");
  EXPECT_FALSE(route.choices[0].operand_is_path);
  EXPECT_EQ(route.choices[0].operand, json::value("succeeded"));
  EXPECT_EQ(route.choices[0].variable->text(), "$.status");
  EXPECT_EQ(route.choices[0].next, "Hold");
  EXPECT_EQ(route.choices[1].kind, ChoiceRule::Kind::kAnd);
  ASSERT_EQ(route.choices[1].children.size(), 2u);
  EXPECT_EQ(route.choices[1].children[1].kind, ChoiceRule::Kind::kNot);
  ASSERT_EQ(route.choices[1].children[1].children.size(), 1u);
  EXPECT_EQ(route.choices[1].children[1].children[0].comparator, "IsNull");
  EXPECT_EQ(route.choices[2].comparator, "NumericEquals");
  EXPECT_TRUE(route.choices[2].operand_is_path);
  EXPECT_EQ(route.choices[2].operand_path->text(), "$.b");

  const State& hold = *m.find("Hold");
  EXPECT_EQ(hold.type, StateType::kWait);
  EXPECT_TRUE(hold.end);
  EXPECT_EQ(hold.seconds, 5);

  const State& declined = *m.find("Declined");
  EXPECT_EQ(declined.type, StateType::kFail);
  EXPECT_EQ(declined.error, "Payment.Declined");
  EXPECT_EQ(declined.cause, "card declined");
}

TEST(AslParser, ParsesTheShippedWorkflows) {
  // Every file shipped, so a new workflow is checked without being listed here.
  std::vector<std::filesystem::path> files;
  for (const auto& entry :
       std::filesystem::directory_iterator(std::string(SETTLED_SOURCE_DIR) + "/config/workflows"))
    if (entry.path().string().size() > 9 &&
        entry.path().string().compare(entry.path().string().size() - 9, 9, ".asl.json") == 0)
      files.push_back(entry.path());
  EXPECT_GE(files.size(), 17u);  // the seventeen shipped when this was written
  for (const auto& file : files) {
    std::ifstream in(file, std::ios::binary);
    ASSERT_TRUE(in) << file;
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto result = parse_state_machine_text(text, "shipped");
    EXPECT_TRUE(result.ok()) << file << ": " << (result.ok() ? "" : result.error().message);
  }
}

TEST(AslParser, StatesReachableOnlyThroughCatchOrDefaultAreReachable) {
  EXPECT_THAT(problems(R"({"StartAt": "T", "States": {
      "T": {"Type": "Task", "Resource": "r", "End": true,
            "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Caught"}]},
      "Caught": {"Type": "Choice", "Choices": [{"Variable": "$.a", "IsPresent": true, "Next": "Yes"}],
                 "Default": "No"},
      "Yes": {"Type": "Succeed"},
      "No": {"Type": "Fail"}}})"),
              IsEmpty());
}

TEST(AslParser, ATaskHasTimeoutSecondsOrTimeoutSecondsPathNotBoth) {
  EXPECT_THAT(problems(task_with(R"("TimeoutSecondsPath": "$.seconds")")), IsEmpty());
  EXPECT_THAT(problems(task_with(R"("TimeoutSecondsPath": "$$.Execution.Input.seconds")")),
              IsEmpty());
  EXPECT_THAT(problems(task_with(R"("TimeoutSeconds": 5, "TimeoutSecondsPath": "$.seconds")")),
              Not(IsEmpty()));
  EXPECT_THAT(problems(task_with(R"("TimeoutSecondsPath": "not a path")")), Not(IsEmpty()));
  EXPECT_THAT(problems(task_with(R"("TimeoutSecondsPath": 5)")), Not(IsEmpty()));
}

TEST(AslParser, AcceptsBoundaryValues) {
  // BackoffRate exactly 1.0, MaxAttempts 0 (never retry), Wait Seconds 0, HeartbeatSeconds just
  // below TimeoutSeconds, States.ALL alone in the last retrier and catcher.
  EXPECT_THAT(problems(task_with(R"("TimeoutSeconds": 10, "HeartbeatSeconds": 9,
      "Retry": [{"ErrorEquals": ["A"], "BackoffRate": 1.0, "MaxAttempts": 0},
                {"ErrorEquals": ["States.ALL"], "BackoffRate": 1}],
      "Catch": [{"ErrorEquals": ["A", "B"], "Next": "Done"}, {"ErrorEquals": ["States.ALL"], "Next": "Done"}])")),
              IsEmpty());
  EXPECT_THAT(problems(one_state(R"({"Type": "Wait", "Seconds": 0, "Next": "Done"})")), IsEmpty());
  EXPECT_THAT(problems(one_state(
                  R"({"Type": "Wait", "Timestamp": "2026-01-01T00:00:00+01:00", "Next": "Done"})")),
              IsEmpty());
  EXPECT_THAT(
      problems(alone(R"({"Type": "Fail", "ErrorPath": "$.e", "CausePath": "$$.State.Name"})")),
      IsEmpty());
}

// ---------------------------------------------------------------------------------------------
// Top level

TEST(AslParser, RefusesMissingStartAt) {
  EXPECT_THAT(problems(R"({"States": {"A": {"Type": "Succeed"}}})"),
              Contains(Problem("$", "missing required field \"StartAt\"")));
}

TEST(AslParser, RefusesMissingOrEmptyStates) {
  EXPECT_THAT(problems(R"({"StartAt": "A"})"),
              ElementsAre(Problem("$", "missing required field \"States\"")));
  // StartAt then names a state that does not exist either.
  EXPECT_THAT(problems(R"({"StartAt": "A", "States": {}})"),
              Contains(Problem("$.States", "non-empty object")));
  EXPECT_THAT(problems(R"({"StartAt": "A", "States": []})"),
              Contains(Problem("$.States", "non-empty object")));
}

TEST(AslParser, RefusesStartAtNamingAMissingState) {
  // Every state is also unreachable then; the StartAt problem must be among the reported ones.
  EXPECT_THAT(problems(R"({"StartAt": "Nope", "States": {"A": {"Type": "Succeed"}}})"),
              Contains(Problem("$.StartAt", "names a state that does not exist: \"Nope\"")));
}

TEST(AslParser, RefusesStartAtOfTheWrongType) {
  EXPECT_THAT(problems(R"({"StartAt": 3, "States": {"A": {"Type": "Succeed"}}})"),
              Contains(Problem("$.StartAt", "must be a string")));
}

TEST(AslParser, RefusesNonObjectDefinition) {
  EXPECT_THAT(problems("[1, 2]"), ElementsAre(Problem("$", "must be a JSON object")));
  EXPECT_THAT(problems("\"StartAt\""), ElementsAre(Problem("$", "must be a JSON object")));
}

TEST(AslParser, RefusesUnknownTopLevelFields) {
  EXPECT_THAT(problems(R"({"StartAt": "A", "States": {"A": {"Type": "Succeed"}}, "Startat": "A"})"),
              ElementsAre(Problem("$.Startat", "unknown field")));
}

TEST(AslParser, RefusesQueryLanguageOtherThanJsonPath) {
  EXPECT_THAT(
      problems(
          R"({"QueryLanguage": "JSONata", "StartAt": "A", "States": {"A": {"Type": "Succeed"}}})"),
      ElementsAre(Problem("$.QueryLanguage", "JSONPath")));
}

TEST(AslParser, RefusesNonPositiveMachineTimeout) {
  EXPECT_THAT(
      problems(R"({"TimeoutSeconds": 0, "StartAt": "A", "States": {"A": {"Type": "Succeed"}}})"),
      ElementsAre(Problem("$.TimeoutSeconds", "positive integer")));
  EXPECT_THAT(
      problems(R"({"TimeoutSeconds": 1.5, "StartAt": "A", "States": {"A": {"Type": "Succeed"}}})"),
      ElementsAre(Problem("$.TimeoutSeconds", "positive integer")));
}

TEST(AslParser, RefusesStateNamesLongerThan80Characters) {
  const std::string long_name(81, 'x');
  EXPECT_THAT(problems(R"({"StartAt": ")" + long_name + R"(", "States": {")" + long_name +
                       R"(": {"Type": "Succeed"}}})"),
              ElementsAre(Problem("$.States['" + std::string(80, 'x') + "...']",
                                  "1 to 80 characters")));  // quoted cut short
  const std::string ok_name(80, 'y');
  EXPECT_THAT(problems(R"({"StartAt": ")" + ok_name + R"(", "States": {")" + ok_name +
                       R"(": {"Type": "Succeed"}}})"),
              IsEmpty());
}

// ---------------------------------------------------------------------------------------------
// States and transitions

TEST(AslParser, RefusesUnknownStateType) {
  EXPECT_THAT(problems(one_state(R"({"Type": "Lambda", "Next": "Done"})")),
              Contains(Problem("$.States['S'].Type", "unknown state type \"Lambda\"")));
  EXPECT_THAT(problems(one_state(R"({"Next": "Done"})")),
              Contains(Problem("$.States['S']", "missing required field \"Type\"")));
  EXPECT_THAT(problems(R"({"StartAt": "S", "States": {"S": 42}})"),
              ElementsAre(Problem("$.States['S']", "must be a JSON object")));
}

TEST(AslParser, ParsesParallelBranchesAndMapItemProcessors) {
  auto machine = parse_state_machine_text(R"({"StartAt": "P", "States": {
    "P": {"Type": "Parallel", "Next": "M", "ResultSelector": {"first.$": "$[0]"},
          "Branches": [{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}},
                       {"StartAt": "B", "States": {"B": {"Type": "Wait", "Seconds": 1,
                                                         "End": true}}}]},
    "M": {"Type": "Map", "ItemsPath": "$.items", "MaxConcurrency": 2, "End": true,
          "ItemSelector": {"i.$": "$$.Map.Item.Index"},
          "ItemProcessor": {"ProcessorConfig": {"Mode": "INLINE"}, "StartAt": "C",
                            "States": {"C": {"Type": "Succeed"}}}}}})",
                                          "test");
  ASSERT_TRUE(machine.ok()) << machine.error().message;
  const State& parallel = *machine->find("P");
  ASSERT_EQ(parallel.branches.size(), 2u);
  EXPECT_EQ(parallel.branches[1]->start_at, "B");
  EXPECT_TRUE(parallel.result_selector.has_value());
  const State& map = *machine->find("M");
  ASSERT_TRUE(map.item_processor);
  EXPECT_EQ(map.item_processor->start_at, "C");
  EXPECT_EQ(map.max_concurrency, 2);
  EXPECT_TRUE(map.item_selector.has_value());
  EXPECT_TRUE(map.uses_context);
  // A branch's sub-machine is found again from the root by its scope.
  auto root = std::make_shared<const StateMachine>(std::move(*machine));
  EXPECT_EQ(StateMachine::resolve(root, {{"P", 1}}).get(), root->find("P")->branches[1].get());
  EXPECT_EQ(StateMachine::resolve(root, {{"M", 0}}).get(), root->find("M")->item_processor.get());
  EXPECT_EQ(StateMachine::resolve(root, {{"P", 2}}), nullptr);
  EXPECT_EQ(StateMachine::resolve(root, {{"Nope", 0}}), nullptr);
}

TEST(AslParser, AStateIsGivenOnlyThePartsOfTheContextItsPathsName) {
  const auto parts = [](const std::string& state) {
    const StateMachine m = parse_ok(R"({"StartAt": "S", "States": {"S": )" + state + "}}");
    return m.find("S")->context_parts;
  };
  EXPECT_EQ(parts(R"({"Type": "Pass", "Parameters": {"r.$": "$$.State.RetryCount"}, "End": true})"),
            kContextState);
  EXPECT_EQ(parts(R"({"Type": "Pass", "Parameters": {"i.$": "$$.Execution.Id",
                      "m.$": "$$.StateMachine.Name", "s.$": "$$.State"}, "End": true})"),
            kContextExecution | kContextStateMachine | kContextState);
  EXPECT_EQ(parts(R"({"Type": "Task", "Resource": "settled:records.put.waitForTaskToken",
                      "Parameters": {"t.$": "$$.Task.Token"}, "End": true})"),
            kContextTask);
  EXPECT_EQ(parts(R"({"Type": "Wait", "Seconds": 1, "End": true})"), kContextState);
  EXPECT_EQ(parts(R"({"Type": "Pass", "End": true})"), 0u);
  // $$.Map is added by the Map state itself.
  EXPECT_EQ(parts(R"({"Type": "Pass", "Parameters": {"i.$": "$$.Map.Item.Index"}, "End": true})"),
            0u);
  // Names that only begin like a part, and every other use of $$, build the whole context.
  for (const char* path : {"$$", "$$.StateX", "$$.Executions.Id", "$$['State']",
                           "States.JsonToString($$)", "$$.Other"}) {
    EXPECT_EQ(parts(std::string(R"({"Type": "Pass", "Parameters": {"a.$": ")") + path +
                    R"("}, "End": true})"),
              kContextAll)
        << path;
  }
}

TEST(AslParser, RefusesBrokenParallelAndMapStates) {
  EXPECT_THAT(problems(one_state(R"({"Type": "Parallel", "Branches": [], "Next": "Done"})")),
              Contains(Problem("$.States['S'].Branches", "non-empty array")));
  EXPECT_THAT(problems(one_state(R"({"Type": "Map", "Next": "Done"})")),
              Contains(Problem("$.States['S']", "needs \"ItemProcessor\"")));
  // Problems inside a branch are named by their full path.
  EXPECT_THAT(problems(one_state(R"({"Type": "Parallel", "Next": "Done", "Branches": [
                  {"StartAt": "X", "States": {"X": {"Type": "Pass", "Next": "Gone"}}}]})")),
              Contains(Problem("$.States['S'].Branches[0].States['X'].Next",
                               "names a state that does not exist")));
  // A branch cannot jump out to the outer machine's states.
  EXPECT_THAT(problems(one_state(R"({"Type": "Parallel", "Next": "Done", "Branches": [
                  {"StartAt": "X", "States": {"X": {"Type": "Pass", "Next": "Done"}}}]})")),
              Contains(Problem("$.States['S'].Branches[0].States['X'].Next",
                               "names a state that does not exist")));
  EXPECT_THAT(problems(one_state(R"({"Type": "Map", "Next": "Done", "ItemProcessor": {
                  "ProcessorConfig": {"Mode": "SIDEWAYS"}, "StartAt": "X",
                  "States": {"X": {"Type": "Succeed"}}}})")),
              Contains(Problem("$.States['S'].ItemProcessor.ProcessorConfig.Mode",
                               "must be \"INLINE\" or \"DISTRIBUTED\"")));
  EXPECT_THAT(problems(one_state(R"({"Type": "Map", "Next": "Done", "ItemSelector": {},
                  "Parameters": {}, "Iterator": {"StartAt": "X",
                  "States": {"X": {"Type": "Succeed"}}}})")),
              Contains(Problem("$.States['S']", "both \"ItemSelector\" and \"Parameters\"")));
  EXPECT_THAT(problems(one_state(R"({"Type": "Map", "Next": "Done", "MaxConcurrency": -1,
                  "Iterator": {"StartAt": "X", "States": {"X": {"Type": "Succeed"}}}})")),
              Contains(Problem("$.States['S'].MaxConcurrency", "non-negative integer")));
  EXPECT_THAT(problems(one_state(R"({"Type": "Map", "Next": "Done", "ItemReader": {},
                  "Iterator": {"StartAt": "X", "States": {"X": {"Type": "Succeed"}}}})")),
              Contains(Problem("$.States['S'].ItemReader", "DISTRIBUTED mode")));
}

TEST(AslParser, RefusesAStateNameUsedTwiceAcrossBranches) {
  EXPECT_THAT(problems(one_state(R"({"Type": "Parallel", "Next": "Done", "Branches": [
                  {"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}}]})")),
              Contains(HasSubstr("the state name \"Done\" is used more than once")));
}

TEST(AslParser, RefusesBothNextAndEnd) {
  EXPECT_THAT(problems(one_state(R"({"Type": "Pass", "Next": "Done", "End": true})")),
              ElementsAre(Problem("$.States['S']", "must not have both \"Next\" and \"End\"")));
}

TEST(AslParser, RefusesNeitherNextNorEnd) {
  EXPECT_THAT(problems(R"({"StartAt": "S", "States": {"S": {"Type": "Pass"}}})"),
              ElementsAre(Problem("$.States['S']", "must have \"Next\" or \"End\": true")));
  // "End": false is the same as no End.
  EXPECT_THAT(
      problems(
          R"({"StartAt": "S", "States": {"S": {"Type": "Wait", "Seconds": 1, "End": false}}})"),
      ElementsAre(Problem("$.States['S']", "must have \"Next\" or \"End\": true")));
  EXPECT_THAT(
      problems(
          R"({"StartAt": "S", "States": {"S": {"Type": "Task", "Resource": "r", "End": "yes"}}})"),
      Contains(Problem("$.States['S'].End", "must be true or false")));
}

TEST(AslParser, RefusesTransitionsToMissingStates) {
  EXPECT_THAT(
      problems(R"({"StartAt": "S", "States": {"S": {"Type": "Pass", "Next": "Ghost"}}})"),
      ElementsAre(Problem("$.States['S'].Next", "names a state that does not exist: \"Ghost\"")));
  EXPECT_THAT(problems(task_with(R"("Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Ghost"}])")),
              ElementsAre(Problem("$.States['S'].Catch[0].Next", "does not exist: \"Ghost\"")));
  EXPECT_THAT(
      problems(one_state(
          R"({"Type": "Choice", "Choices": [{"Variable": "$.a", "IsNull": true, "Next": "Ghost"}],
                      "Default": "Done"})")),
      ElementsAre(Problem("$.States['S'].Choices[0].Next", "does not exist: \"Ghost\"")));
  EXPECT_THAT(
      problems(one_state(
          R"({"Type": "Choice", "Choices": [{"Variable": "$.a", "IsNull": true, "Next": "Done"}],
                      "Default": "Ghost"})")),
      ElementsAre(Problem("$.States['S'].Default", "does not exist: \"Ghost\"")));
}

TEST(AslParser, RefusesUnreachableStates) {
  EXPECT_THAT(problems(R"({"StartAt": "A", "States": {
      "A": {"Type": "Pass", "Next": "B"},
      "B": {"Type": "Succeed"},
      "Orphan": {"Type": "Pass", "Next": "B"},
      "Island": {"Type": "Fail"}}})"),
              UnorderedElementsAre(Problem("$.States['Orphan']", "not reachable from StartAt"),
                                   Problem("$.States['Island']", "not reachable from StartAt")));
}

TEST(AslParser, RefusesTerminalStatesWithTransitions) {
  // Succeed, Fail and Choice states cannot have Next or End.
  EXPECT_THAT(problems(alone(R"({"Type": "Succeed", "Next": "Done"})")),
              ElementsAre(Problem("$.States['S'].Next", "unknown field")));
  EXPECT_THAT(problems(alone(R"({"Type": "Fail", "End": true})")),
              ElementsAre(Problem("$.States['S'].End", "unknown field")));
  EXPECT_THAT(
      problems(one_state(
          R"({"Type": "Choice", "Choices": [{"Variable": "$.a", "IsNull": true, "Next": "Done"}],
                      "Next": "Done"})")),
      ElementsAre(Problem("$.States['S'].Next", "unknown field")));
}

TEST(AslParser, RefusesUnknownFieldsInStates) {
  EXPECT_THAT(problems(one_state(R"({"Type": "Pass", "Resource": "r", "Next": "Done"})")),
              ElementsAre(Problem("$.States['S'].Resource", "unknown field")));
  EXPECT_THAT(problems(one_state(R"({"Type": "Pass", "ResultSelector": {}, "Next": "Done"})")),
              ElementsAre(Problem("$.States['S'].ResultSelector", "unknown field")));
  EXPECT_THAT(problems(task_with(R"("Retries": [])")),
              ElementsAre(Problem("$.States['S'].Retries", "unknown field")));
  EXPECT_THAT(problems(one_state(R"({"Type": "Wait", "Seconds": 1, "Result": 1, "Next": "Done"})")),
              ElementsAre(Problem("$.States['S'].Result", "unknown field")));
  EXPECT_THAT(problems(task_with(R"("Retry": [{"ErrorEquals": ["A"], "Backoff": 2}])")),
              ElementsAre(Problem("$.States['S'].Retry[0].Backoff", "unknown field")));
  EXPECT_THAT(problems(task_with(
                  R"("Catch": [{"ErrorEquals": ["A"], "Next": "Done", "OutputPath": "$"}])")),
              ElementsAre(Problem("$.States['S'].Catch[0].OutputPath", "unknown field")));
}

TEST(AslParser, RefusesTaskWithoutResource) {
  EXPECT_THAT(problems(one_state(R"({"Type": "Task", "Next": "Done"})")),
              ElementsAre(Problem("$.States['S']", "missing required field \"Resource\"")));
}

TEST(AslParser, KnownResourceOptionRefusesOthers) {
  ParseOptions options;
  options.known_resource = [](const std::string& r) { return r == "settled:x"; };
  EXPECT_THAT(problems(task_with(R"("Comment": "known")"), options), IsEmpty());
  EXPECT_THAT(
      problems(one_state(R"({"Type": "Task", "Resource": "arn:aws:lambda:x", "Next": "Done"})"),
               options),
      ElementsAre(Problem("$.States['S'].Resource", "unknown task resource \"arn:aws:lambda:x\"")));
  // Without the option every resource is accepted.
  EXPECT_THAT(
      problems(one_state(R"({"Type": "Task", "Resource": "arn:aws:lambda:x", "Next": "Done"})")),
      IsEmpty());
}

}  // namespace
}  // namespace settled::asl
