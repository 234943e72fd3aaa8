// A distributed Map's child executions and the daemon's max-running-executions
// (src/actors/execution/branches.cpp, src/actors/executions_actor.cpp): the Map starts its
// children up to its concurrency (at most 10,000, as Step Functions does: domain/asl/interpreter)
// as branches, which the supervisor never refuses, so a daemon already at its bound neither
// fails the Map nor makes it retry; the children count toward the bound, so a new top-level
// start is refused (Overloaded) while they run.

#include "actors/deterministic_fixture.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <chrono>
#include <string>

namespace settled::actors::testing {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

// Each child waits a second (in memory: a wait under 2 s keeps its actor); its output is its
// item.
constexpr const char* kFanOut = R"({
  "StartAt": "Each",
  "States": {
    "Each": {"Type": "Map", "ItemsPath": "$.items", "End": true,
             "ItemProcessor": {
               "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
               "StartAt": "Pause", "States": {
                 "Pause": {"Type": "Wait", "Seconds": 1, "End": true}}}}
  }
})";

constexpr const char* kOne = R"({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}})";

class DistributedMapTest : public DeterministicEngine {
 protected:
  DistributedMapTest() {
    add_workflow("fan-out", kFanOut);
    add_workflow("one", kOne);
  }
};

// Children count against max-running-executions like every branch (executions/
// branch_spawns.cpp): all six are launched, those past the bound wait for a slot instead of
// being refused, and the Map succeeds once they have all run.
TEST_F(DistributedMapTest, ChildrenPastMaxRunningExecutionsWaitForASlotAndTheMapSucceeds) {
  engine_->max_running_executions = 3;
  auto started = start("fan-out", "f-1", json::parse(R"({"items": [1, 2, 3, 4, 5, 6]})"));
  ASSERT_TRUE(started.has_value());
  ASSERT_EQ(started->outcome, "Created");

  // All six are launched (MaxConcurrency unset: up to 10,000); the Map and two have actors.
  const auto children = branches_of("fan-out:f-1");
  ASSERT_EQ(children.size(), 6u);
  for (const auto& child : children) EXPECT_EQ(status_of(child), "RUNNING") << child;
  EXPECT_EQ(execution_actors(), 3u);
  // The daemon is full for new starts while they run.
  auto refused = start("one", "o-1", json::object());
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(refused->outcome, "Overloaded");

  for (int second = 0; second < 10 && status_of("fan-out:f-1") == "RUNNING"; ++second) {
    advance(1s);
    EXPECT_LE(execution_actors(), 3u);
  }
  EXPECT_EQ(status_of("fan-out:f-1"), "SUCCEEDED");
  EXPECT_EQ(record("fan-out:f-1")->output, json::parse("[1, 2, 3, 4, 5, 6]"));
  for (const auto& child : children) EXPECT_EQ(status_of(child), "SUCCEEDED") << child;
  EXPECT_EQ(execution_actors(), 0u);
  auto later = start("one", "o-2", json::object());
  ASSERT_TRUE(later.has_value());
  EXPECT_EQ(later->outcome, "Created");
}

}  // namespace
}  // namespace settled::actors::testing
