// The branches of Parallel and Map states count against max-running-executions
// (src/actors/execution/branches.cpp, advance_branches): past it a parent with a branch running
// launches no more until one of its own ends, so one execution cannot take the daemon (session
// 32's red team: a Parallel of 2,000 Maps held 82,000 actors and every other start was refused),
// and a parent with none running launches one, so nested branches always make progress.

#include "actors/deterministic_fixture.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <algorithm>
#include <chrono>
#include <string>

namespace settled::actors::testing {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

// Ten iterations, each waiting a second in memory (short waits do not passivate).
constexpr const char* kTenWaits = R"({
  "StartAt": "Each",
  "States": {
    "Each": {"Type": "Map", "ItemsPath": "$.items", "End": true,
             "Iterator": {"StartAt": "Hold", "States": {
               "Hold": {"Type": "Wait", "Seconds": 1, "Next": "Done"},
               "Done": {"Type": "Pass", "End": true}}}}
  }
})";

// Two levels: each branch of the Parallel is itself a Map of two waiting iterations.
constexpr const char* kNested = R"({
  "StartAt": "Both",
  "States": {
    "Both": {"Type": "Parallel", "End": true, "Branches": [
      {"StartAt": "M1", "States": {"M1": {"Type": "Map", "ItemsPath": "$.items", "End": true,
        "Iterator": {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 1, "End": true}}}}}},
      {"StartAt": "M2", "States": {"M2": {"Type": "Map", "ItemsPath": "$.items", "End": true,
        "Iterator": {"StartAt": "W2", "States": {"W2": {"Type": "Wait", "Seconds": 1, "End": true}}}}}}]}
  }
})";

class BranchFanoutTest : public DeterministicEngine {
 protected:
  BranchFanoutTest() {
    add_workflow("ten", kTenWaits);
    add_workflow("nested", kNested);
    engine_->max_running_executions = 5;
  }

  std::size_t branches_running(const std::string& id) {
    auto rec = record(id);
    if (!rec) return 0;
    return static_cast<std::size_t>(
        std::count(rec->branches.begin(), rec->branches.end(), branch_state::kRunning));
  }
};

TEST_F(BranchFanoutTest, BranchesStopAtTheDaemonsBoundAndAllStillRun) {
  const json::value items = json::parse(R"({"items": [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]})");
  auto started = start("ten", "t-1", items);
  ASSERT_TRUE(started.has_value());
  ASSERT_EQ(started->outcome, "Created");
  // All ten are launched (committed as running); the parent and four have actors, the bound
  // of five, and six wait for a slot.
  EXPECT_EQ(branches_running("ten:t-1"), 10u);
  EXPECT_EQ(execution_actors(), 5u);

  // Another client's start is refused as before, and only because the bound is reached.
  auto other = start("ten", "t-2", items);
  ASSERT_TRUE(other.has_value());
  EXPECT_EQ(other->outcome, "Overloaded");

  for (int second = 0; second < 10 && status_of("ten:t-1") == "RUNNING"; ++second) {
    advance(1s);
    EXPECT_LE(execution_actors(), 5u);
  }
  auto rec = record("ten:t-1");
  ASSERT_TRUE(rec.has_value());
  EXPECT_EQ(std::string(status_name(rec->status)), "SUCCEEDED") << rec->error << rec->cause;
  EXPECT_EQ(rec->output.as_array().size(), 10u);
  EXPECT_EQ(execution_actors(), 0u);
}

TEST_F(BranchFanoutTest, NestedBranchesPastTheBoundStillFinish) {
  engine_->max_running_executions = 2;  // the top-level execution and one branch
  auto started = start("nested", "n-1", json::parse(R"({"items": [1, 2, 3]})"));
  ASSERT_TRUE(started.has_value());
  ASSERT_EQ(started->outcome, "Created");
  for (int second = 0; second < 30 && status_of("nested:n-1") == "RUNNING"; ++second) advance(1s);
  auto rec = record("nested:n-1");
  ASSERT_TRUE(rec.has_value());
  EXPECT_EQ(std::string(status_name(rec->status)), "SUCCEEDED") << rec->error << rec->cause;
  EXPECT_EQ(rec->output.as_array().size(), 2u);
  EXPECT_EQ(execution_actors(), 0u);
}

}  // namespace
}  // namespace settled::actors::testing
