// Tests for a Map in DISTRIBUTED mode run in-process (src/domain/asl/distributed_map.hpp and
// distributed_map_reader.cpp): what a definition may say, item batches, tolerated failures.

#include "domain/asl/distributed_map.hpp"

#include "domain/asl/errors.hpp"
#include "domain/asl/interpreter.hpp"
#include "domain/asl/parser.hpp"

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

json::value j(std::string_view text) {
  return json::parse(text);
}

// A definition whose state "M" is a distributed Map with `fields` (JSON members, may be empty).
std::string definition(std::string_view fields, std::string_view mode = "DISTRIBUTED") {
  return std::string(R"({"StartAt": "M", "States": {"M": {"Type": "Map", "End": true,
      "ItemProcessor": {"ProcessorConfig": {"Mode": ")") +
         std::string(mode) +
         R"(", "ExecutionType": "STANDARD"},
        "StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}})" +
         (fields.empty() ? "" : ", ") + std::string(fields) + "}}}";
}

std::string refusal(const std::string& text) {
  auto result = parse_state_machine_text(text, "dist");
  return result.ok() ? std::string("(accepted)") : result.error().message;
}

// Enters "M" of the definition with `input`; the step it takes.
Step enter(const std::string& text, std::string_view input) {
  auto machine = parse_state_machine_text(text, "dist");
  if (!machine.ok()) {
    ADD_FAILURE() << machine.error().message;
    throw std::runtime_error("refused");
  }
  return enter_state(*machine->find("M"), j(input), json::value());
}

RunBranches run_of(const Step& step) {
  if (const auto* run = std::get_if<RunBranches>(&step)) return *run;
  if (const auto* fail = std::get_if<FailWith>(&step))
    ADD_FAILURE() << "failed: " << fail->error << ": " << fail->cause;
  throw std::runtime_error("no RunBranches");
}

TEST(AslDistributedMap, RunsOverTheItemsOfTheInput) {
  const auto run = run_of(enter(definition(R"("ItemsPath": "$.items", "MaxConcurrency": 2,
      "Label": "Prices", "ItemSelector": {"v.$": "$$.Map.Item.Value"})"),
                                R"({"items": [1, 2, 3]})"));
  EXPECT_TRUE(run.distributed);
  EXPECT_EQ(run.max_concurrency, 2u);
  EXPECT_EQ(run.tolerated_failures, 0u);  // the default: no failure is tolerated
  ASSERT_EQ(run.inputs.size(), 3u);
  EXPECT_EQ(run.inputs[2], j(R"({"v": 3})"));
}

// MaxConcurrencyPath reads the input; 2^64 - 1 threw out of the interpreter (the execution's
// actor crashed and the start answered 500) instead of failing the state.
TEST(AslDistributedMap, MaxConcurrencyPathMustSelectANonNegativeInt64) {
  const std::string text =
      definition(R"("ItemsPath": "$.items", "MaxConcurrencyPath": "$.limit")", "INLINE");
  EXPECT_EQ(run_of(enter(text, R"({"items": [1, 2], "limit": 1})")).max_concurrency, 1u);
  for (const char* input : {R"({"items": [1], "limit": 18446744073709551615})",
                            R"({"items": [1], "limit": -1})", R"({"items": [1], "limit": 1.5})"}) {
    SCOPED_TRACE(input);
    const Step step = enter(text, input);
    const auto* fail = std::get_if<FailWith>(&step);
    ASSERT_NE(fail, nullptr);
    EXPECT_EQ(fail->error, errors::kRuntime);
    EXPECT_THAT(fail->cause, HasSubstr("MaxConcurrencyPath '$.limit' must select"));
  }
}

// An ItemSelector that copies a 200 kB member of the input into each of 1,000 iterations made
// 200 MB of inputs at once (the daemon's RSS went to 940 MB for one start); together they are
// now bounded like an execution's variables.
TEST(AslDistributedMap, TheItemInputsTogetherAreAtMostTenMebibytes) {
  const std::string text =
      definition(R"("ItemsPath": "$.items", "ItemSelector": {"big.$": "$.big"})", "INLINE");
  const auto input = [](int items) {
    json::array list;
    for (int i = 0; i < items; ++i) list.emplace_back(i);
    return json::serialize(
        json::object{{"big", std::string(200'000, 'b')}, {"items", std::move(list)}});
  };
  EXPECT_EQ(run_of(enter(text, input(40))).inputs.size(), 40u);
  const Step step = enter(text, input(1000));
  const auto* fail = std::get_if<FailWith>(&step);
  ASSERT_NE(fail, nullptr);
  EXPECT_EQ(fail->error, errors::kDataLimitExceeded);
  EXPECT_EQ(fail->cause,
            "The item inputs of state 'M' together have a size exceeding the maximum number of "
            "bytes limit (10485760) at item 52 of 1000.");
}

// Each running iteration is an actor: 600 iterations that each doubled a string to 128 kB took
// the daemon to 494 MB for one 3 kB start. Step Functions runs at most 40 inline iterations at
// once; so does settled now, whatever MaxConcurrency asks. A distributed Map keeps its own.
TEST(AslDistributedMap, AnInlineMapRunsAtMostFortyIterationsAtOnce) {
  const auto concurrency = [](std::string_view fields, std::string_view mode) {
    return run_of(enter(definition(fields, mode), R"({"items": [1, 2, 3]})")).max_concurrency;
  };
  EXPECT_EQ(concurrency(R"("ItemsPath": "$.items")", "INLINE"), 40u);
  EXPECT_EQ(concurrency(R"("ItemsPath": "$.items", "MaxConcurrency": 0)", "INLINE"), 40u);
  EXPECT_EQ(concurrency(R"("ItemsPath": "$.items", "MaxConcurrency": 1000)", "INLINE"), 40u);
  EXPECT_EQ(concurrency(R"("ItemsPath": "$.items", "MaxConcurrency": 3)", "INLINE"), 3u);
  EXPECT_EQ(concurrency(R"("ItemsPath": "$.items", "MaxConcurrency": 1000)", "DISTRIBUTED"), 1000u);
}

// A distributed Map with MaxConcurrency 0 (or none) started every child execution at once: a
// 256 KiB list of ~100,000 items made as many execution actors for one start. Step Functions
// runs 10,000 child workflow executions at once when MaxConcurrency is not set; so does settled
// now, and no more when it asks for more. A Parallel state's branches all start (they may wait
// on each other).
TEST(AslDistributedMap, ADistributedMapRunsAtMostTenThousandChildrenAtOnce) {
  const auto concurrency = [](std::string_view fields) {
    return run_of(enter(definition(fields, "DISTRIBUTED"), R"({"items": [1, 2, 3], "n": 0})"))
        .max_concurrency;
  };
  EXPECT_EQ(concurrency(R"("ItemsPath": "$.items")"), 10000u);
  EXPECT_EQ(concurrency(R"("ItemsPath": "$.items", "MaxConcurrency": 0)"), 10000u);
  EXPECT_EQ(concurrency(R"("ItemsPath": "$.items", "MaxConcurrencyPath": "$.n")"), 10000u);
  EXPECT_EQ(concurrency(R"("ItemsPath": "$.items", "MaxConcurrency": 20000)"), 10000u);
  EXPECT_EQ(concurrency(R"("ItemsPath": "$.items", "MaxConcurrency": 10000)"), 10000u);
  EXPECT_EQ(concurrency(R"("ItemsPath": "$.items", "MaxConcurrency": 7)"), 7u);
}

TEST(AslDistributedMap, AnInlineMapIsNotDistributed) {
  const auto run = run_of(enter(definition("", "INLINE"), "[1]"));
  EXPECT_FALSE(run.distributed);
}

TEST(AslDistributedMap, ItemReaderAndResultWriterAreRefusedClearly) {
  EXPECT_THAT(refusal(definition(R"("ItemReader": {"Resource": "arn:aws:states:::s3:getObject",
      "Parameters": {"Bucket": "b", "Key": "k"}})")),
              HasSubstr("$.States['M'].ItemReader: is not supported: settled runs a distributed "
                        "Map in-process over the items of its input"));
  EXPECT_THAT(
      refusal(definition(R"("ResultWriter": {"Resource": "arn:aws:states:::s3:putObject"})")),
      HasSubstr("$.States['M'].ResultWriter: is not supported"));
}

TEST(AslDistributedMap, DistributedFieldsNeedDistributedMode) {
  EXPECT_THAT(refusal(definition(R"("ToleratedFailureCount": 1)", "INLINE")),
              HasSubstr("ToleratedFailureCount: belongs to a Map in DISTRIBUTED mode"));
  EXPECT_THAT(refusal(definition(R"("ItemBatcher": {"MaxItemsPerBatch": 2})", "INLINE")),
              HasSubstr("ItemBatcher: belongs to a Map in DISTRIBUTED mode"));
  EXPECT_THAT(refusal(definition("", "SIDEWAYS")),
              HasSubstr("must be \"INLINE\" or \"DISTRIBUTED\""));
}

TEST(AslDistributedMap, FieldsAreChecked) {
  EXPECT_THAT(refusal(definition(R"("ToleratedFailurePercentage": 101)")),
              HasSubstr("ToleratedFailurePercentage: must be a number from 0 to 100"));
  EXPECT_THAT(refusal(definition(R"("ToleratedFailureCount": -1)")),
              HasSubstr("ToleratedFailureCount: must be a non-negative integer"));
  EXPECT_THAT(
      refusal(definition(R"("ToleratedFailureCount": 1, "ToleratedFailureCountPath": "$.n")")),
      HasSubstr("must not have both"));
  EXPECT_THAT(refusal(definition(R"("Label": "has space")")), HasSubstr("Label: must not contain"));
  EXPECT_THAT(refusal(definition(R"("Label": ")" + std::string(41, 'x') + R"(")")),
              HasSubstr("Label: must be at most 40 characters"));
  EXPECT_THAT(refusal(definition(R"("ItemBatcher": {"BatchInput": {}})")),
              HasSubstr("needs MaxItemsPerBatch or MaxInputBytesPerBatch"));
  EXPECT_THAT(refusal(definition(R"("ItemBatcher": {"MaxItemsPerBatch": 2, "Extra": 1})")),
              HasSubstr("ItemBatcher.Extra: unknown field"));
  EXPECT_EQ(refusal(definition(R"("ToleratedFailurePercentage": 12.5, "Label": "ok-label_1")")),
            "(accepted)");
}

TEST(AslDistributedMap, ItemBatcherGroupsItemsByCount) {
  const auto run = run_of(enter(definition(R"("ItemBatcher": {"MaxItemsPerBatch": 2,
      "BatchInput": {"k.$": "$.k"}}, "ItemsPath": "$.items")"),
                                R"({"items": [1, 2, 3, 4, 5], "k": "x"})"));
  ASSERT_EQ(run.inputs.size(), 3u);
  EXPECT_EQ(run.inputs[0], j(R"({"Items": [1, 2], "BatchInput": {"k": "x"}})"));
  EXPECT_EQ(run.inputs[2], j(R"({"Items": [5], "BatchInput": {"k": "x"}})"));
}

TEST(AslDistributedMap, ItemBatcherGroupsItemsByBytes) {
  // {"Items":[]} is 12 bytes; each "xxxxxxxx" item 10 more, plus a comma between two: 22, 33,
  // 44 bytes for one, two, three items.
  const auto run = run_of(enter(definition(R"("ItemBatcher": {"MaxInputBytesPerBatchPath": "$.max"},
      "ItemsPath": "$.items")"),
                                R"({"items": ["xxxxxxxx", "xxxxxxxx", "xxxxxxxx"], "max": 33})"));
  ASSERT_EQ(run.inputs.size(), 2u);
  EXPECT_EQ(run.inputs[0], j(R"({"Items": ["xxxxxxxx", "xxxxxxxx"]})"));
  EXPECT_EQ(json::serialize(run.inputs[0]).size(), 33u);
  EXPECT_EQ(run.inputs[1], j(R"({"Items": ["xxxxxxxx"]})"));
}

TEST(AslDistributedMap, ToleratedFailuresFromCountPercentageAndPaths) {
  const std::string items = R"("ItemsPath": "$.items")";
  const std::string ten = R"({"items": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], "n": 3, "pct": 25})";
  EXPECT_EQ(
      run_of(enter(definition(items + R"(, "ToleratedFailureCount": 2)"), ten)).tolerated_failures,
      2u);
  EXPECT_EQ(run_of(enter(definition(items + R"(, "ToleratedFailureCountPath": "$.n")"), ten))
                .tolerated_failures,
            3u);
  // 25% of 10 children: 2.5, so two may fail and a third fails the state.
  EXPECT_EQ(run_of(enter(definition(items + R"(, "ToleratedFailurePercentagePath": "$.pct")"), ten))
                .tolerated_failures,
            2u);
  // Both: the stricter one.
  EXPECT_EQ(run_of(enter(definition(items + R"(, "ToleratedFailureCount": 5,
      "ToleratedFailurePercentage": 10)"),
                         ten))
                .tolerated_failures,
            1u);
  EXPECT_EQ(run_of(enter(definition(items + R"(, "ToleratedFailurePercentage": 100)"), ten))
                .tolerated_failures,
            10u);
}

TEST(AslDistributedMap, APathThatSelectsNoLimitIsARuntimeError) {
  const Step step =
      enter(definition(R"("ItemsPath": "$.items", "ToleratedFailureCountPath": "$.n")"),
            R"({"items": [1], "n": "three"})");
  const auto* fail = std::get_if<FailWith>(&step);
  ASSERT_NE(fail, nullptr);
  EXPECT_EQ(fail->error, errors::kRuntime);
  EXPECT_THAT(fail->cause, HasSubstr("ToleratedFailureCountPath '$.n' must select a non-negative "
                                     "integer"));
}

}  // namespace
}  // namespace settled::asl
