// A redrive of an execution that ended in a Parallel or Map state's branches
// (src/actors/execution/branches.cpp, redrive_branches; src/domain/execution_control.cpp): as
// Step Functions' RedriveExecution, "for workflows that include an Inline Map or Parallel state,
// [it] reschedules and redrives only the iterations and branches that failed or aborted". What
// succeeded keeps its result and is not run again; what failed is redriven from the state it
// failed in (a task re-run with its idempotency key); what never started starts.

#include "actors/deterministic_fixture.hpp"
#include "actors/scripted_resource.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

namespace settled::actors::testing {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

// One charge per item, one item at a time, no Retry: the first failure fails the Map.
constexpr const char* kChargeEach = R"({
  "StartAt": "Each",
  "States": {
    "Each": {"Type": "Map", "ItemsPath": "$.amounts", "MaxConcurrency": 1, "End": true,
             "Iterator": {"StartAt": "Charge", "States": {
               "Charge": {"Type": "Task", "Resource": "settled:stripe.paymentIntents.create",
                          "Parameters": {"amount.$": "$"}, "ResultSelector": {"id.$": "$.id"},
                          "End": true}}}}
  }
})";

// Two branches wait, one passes at once; an item of the Map waits in a nested Parallel.
constexpr const char* kWaitInBranches = R"({
  "StartAt": "Both",
  "States": {
    "Both": {"Type": "Parallel", "End": true, "Branches": [
      {"StartAt": "Short", "States": {"Short": {"Type": "Wait", "Seconds": 1, "End": true}}},
      {"StartAt": "Long", "States": {"Long": {"Type": "Wait", "Seconds": 60, "Next": "Said"},
                                     "Said": {"Type": "Pass", "Result": "long", "End": true}}},
      {"StartAt": "Now", "States": {"Now": {"Type": "Pass", "Result": "now", "End": true}}}]}
  }
})";

class BranchRedriveTest : public DeterministicEngine {
 protected:
  BranchRedriveTest() {
    add_workflow("charge-each", kChargeEach);
    add_workflow("wait-in-branches", kWaitInBranches);
    engine_->stripe = system_.spawn(scripted_resource, resource_);
  }

  ~BranchRedriveTest() override {
    resource_->held.clear();
    caf::anon_send_exit(engine_->stripe, caf::exit_reason::user_shutdown);
  }

  std::optional<ControlReply> redrive(const std::string& id) {
    return ask<ControlReply>(executions_, redrive_atom::value, id);
  }

  std::vector<std::string> keys_charged() const {
    std::vector<std::string> keys;
    for (const auto& attempt : resource_->attempts) keys.push_back(attempt.idempotency_key);
    return keys;
  }

  std::shared_ptr<ScriptedResource> resource_ = std::make_shared<ScriptedResource>();
};

TEST_F(BranchRedriveTest, AFailedMapRedrivesOnlyTheIterationThatFailedAndStartsTheRest) {
  resource_->script = {charged(), TaskOutcome::failure("Stripe.CardError", "declined")};
  ASSERT_TRUE(
      start("charge-each", "m-1", json::parse(R"({"amounts": [100, 200, 300]})")).has_value());
  ASSERT_EQ(status_of("charge-each:m-1"), "FAILED");
  const std::vector<std::string> first_run = branches_of("charge-each:m-1");
  ASSERT_EQ(first_run.size(), 2u);  // the third item never started
  const std::vector<std::string> keys_before = keys_charged();
  ASSERT_EQ(keys_before.size(), 2u);

  resource_->script = {charged(), charged()};
  auto again = redrive("charge-each:m-1");
  ASSERT_TRUE(again.has_value());
  ASSERT_TRUE(again->ok) << again->error.message;
  run();

  EXPECT_EQ(status_of("charge-each:m-1"), "SUCCEEDED");
  // The same three iterations, not three new ones: the first kept its result.
  const std::vector<std::string> iterations = branches_of("charge-each:m-1");
  ASSERT_EQ(iterations.size(), 3u);
  EXPECT_EQ(iterations[0], first_run[0]);
  EXPECT_EQ(iterations[1], first_run[1]);
  EXPECT_EQ(record(iterations[0])->redrive_count, 0);
  EXPECT_EQ(record(iterations[1])->redrive_count, 1);
  EXPECT_EQ(record(iterations[2])->redrive_count, 0);
  // Four charges in all: the failed one re-run under its own idempotency key (Stripe replays
  // a charge that did go through), the third item once, the first never again.
  const std::vector<std::string> keys = keys_charged();
  ASSERT_EQ(keys.size(), 4u);
  EXPECT_EQ(keys[2], keys_before[1]);
  EXPECT_EQ(std::count(keys.begin(), keys.end(), keys_before[0]), 1);
  auto done = record("charge-each:m-1");
  ASSERT_TRUE(done.has_value());
  EXPECT_EQ(done->output, json::parse(R"([{"id":"pi_1"},{"id":"pi_1"},{"id":"pi_1"}])"));
  EXPECT_EQ(done->redrive_count, 1);
  const auto types = history_types("charge-each:m-1");
  EXPECT_EQ(std::count(types.begin(), types.end(), "MapStateStarted"), 1);
  EXPECT_EQ(std::count(types.begin(), types.end(), "MapIterationStarted"), 4);
  EXPECT_EQ(std::count(types.begin(), types.end(), "MapStateSucceeded"), 1);
}

TEST_F(BranchRedriveTest, AStoppedParallelRedrivesOnlyTheBranchThatWasAborted) {
  ASSERT_TRUE(start("wait-in-branches", "p-1", json::parse("{}")).has_value());
  advance(2s);  // the short wait is over, the long one is not
  const std::vector<std::string> branches = branches_of("wait-in-branches:p-1");
  ASSERT_EQ(branches.size(), 3u);
  ASSERT_EQ(status_of(branches[0]), "SUCCEEDED");
  ASSERT_EQ(status_of(branches[1]), "RUNNING");
  ASSERT_TRUE(stop("wait-in-branches:p-1").has_value());
  run();
  ASSERT_EQ(status_of("wait-in-branches:p-1"), "ABORTED");
  ASSERT_EQ(status_of(branches[1]), "ABORTED");
  const auto short_record = record(branches[0]);

  auto again = redrive("wait-in-branches:p-1");
  ASSERT_TRUE(again.has_value());
  ASSERT_TRUE(again->ok) << again->error.message;
  run();
  EXPECT_EQ(status_of("wait-in-branches:p-1"), "RUNNING");
  EXPECT_EQ(status_of(branches[1]), "RUNNING");
  // The long branch goes on from its Wait state; nothing else runs.
  advance(60s);
  EXPECT_EQ(status_of("wait-in-branches:p-1"), "SUCCEEDED");
  EXPECT_EQ(branches_of("wait-in-branches:p-1"), branches);
  EXPECT_EQ(record(branches[0])->stop, short_record->stop);  // not run again
  EXPECT_EQ(record(branches[1])->redrive_count, 1);
  EXPECT_EQ(record(branches[2])->redrive_count, 0);
  EXPECT_EQ(record("wait-in-branches:p-1")->output, json::parse(R"([{}, "long", "now"])"));
}

}  // namespace
}  // namespace settled::actors::testing
