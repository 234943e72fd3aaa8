// The executions supervisor (src/actors/executions_actor.hpp) driven deterministically: the
// messages the HTTP and admin APIs send, on CAF's testing scheduler with a real store actor,
// timer actor and LMDB (deterministic_fixture.hpp). Waits are passed by moving the test clock.

#include "actors/deterministic_fixture.hpp"

#include <boost/json.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace settled::actors::testing {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

constexpr const char* kPassOnly = R"({
  "StartAt": "Price",
  "States": {
    "Price": {"Type": "Pass", "Result": {"total": 1250}, "ResultPath": "$.price", "End": true}
  }
})";

constexpr const char* kWaitTenSeconds = R"({
  "StartAt": "Hold",
  "States": {
    "Hold": {"Type": "Wait", "Seconds": 10, "Next": "Done"},
    "Done": {"Type": "Pass", "End": true}
  }
})";

class ExecutionsActorTest : public DeterministicEngine {
 protected:
  ExecutionsActorTest() {
    add_workflow("price", kPassOnly);
    add_workflow("hold", kWaitTenSeconds);
  }
};

TEST_F(ExecutionsActorTest, PassOnlyStartAnswers201AndStoresTheOutput) {
  auto reply = start("price", "order-1", json::parse(R"({"order": "o-1"})"));
  ASSERT_TRUE(reply.has_value()) << "the start was never answered";
  EXPECT_EQ(reply->outcome, "Created") << json::serialize(reply->body);
  EXPECT_EQ(reply->body.at("executionId"), "price:order-1");

  auto rec = record("price:order-1");
  ASSERT_TRUE(rec.has_value());
  EXPECT_EQ(std::string(status_name(rec->status)), "SUCCEEDED");
  EXPECT_EQ(rec->output, json::parse(R"({"order": "o-1", "price": {"total": 1250}})"));
  EXPECT_EQ(rec->start, kTestEpochMillis);  // the record's time is the test clock's
  EXPECT_FALSE(engine_->db->get(Table::kOpenExecutions, "price:order-1").has_value());
}

TEST_F(ExecutionsActorTest, SameStartReplaysAndADifferentInputConflicts) {
  const auto input = json::parse(R"({"order": "o-2"})");
  auto first = start("price", "order-2", input);
  ASSERT_TRUE(first.has_value());
  ASSERT_EQ(first->outcome, "Created") << json::serialize(first->body);

  auto replay = start("price", "order-2", input);
  ASSERT_TRUE(replay.has_value());
  EXPECT_EQ(replay->outcome, "Existing") << json::serialize(replay->body);
  EXPECT_EQ(replay->body.at("executionId"), "price:order-2");
  EXPECT_EQ(replay->body.at("status"), "SUCCEEDED");

  const std::string stored_before = *engine_->db->get(Table::kExecutions, "price:order-2");
  auto conflict = start("price", "order-2", json::parse(R"({"order": "o-other"})"));
  ASSERT_TRUE(conflict.has_value());
  EXPECT_EQ(conflict->outcome, "ExecutionAlreadyExists") << json::serialize(conflict->body);
  EXPECT_EQ(conflict->body.at("error"), "ExecutionAlreadyExists");
  // A refusal changes nothing.
  EXPECT_EQ(*engine_->db->get(Table::kExecutions, "price:order-2"), stored_before);
}

TEST_F(ExecutionsActorTest, WaitEndsWhenTheTestClockPassesItsDueTime) {
  auto reply = start("hold", "h-1", json::parse(R"({"n": 1})"));
  ASSERT_TRUE(reply.has_value());
  ASSERT_EQ(reply->outcome, "Created") << json::serialize(reply->body);
  EXPECT_EQ(status_of("hold:h-1"), "RUNNING");
  // A 10 s wait holds no actor: the timer actor is what brings it back.
  EXPECT_EQ(execution_actors(), 0u);

  advance(9s);
  EXPECT_EQ(status_of("hold:h-1"), "RUNNING") << "the wait ended a second early";

  advance(1s + 1ms);
  auto rec = record("hold:h-1");
  ASSERT_TRUE(rec.has_value());
  EXPECT_EQ(std::string(status_name(rec->status)), "SUCCEEDED");
  EXPECT_EQ(rec->output, json::parse(R"({"n": 1})"));
  EXPECT_EQ(rec->stop - rec->start, 10'001);  // exactly the test clock's advance
}

TEST_F(ExecutionsActorTest, StopOfAWaitingExecutionAbortsItForGood) {
  auto reply = start("hold", "h-2", json::parse(R"({"n": 2})"));
  ASSERT_TRUE(reply.has_value());
  ASSERT_EQ(reply->outcome, "Created") << json::serialize(reply->body);
  advance(3s);
  ASSERT_EQ(status_of("hold:h-2"), "RUNNING");

  auto stopped = stop("hold:h-2");
  ASSERT_TRUE(stopped.has_value()) << "the stop was never answered";
  EXPECT_TRUE(stopped->ok) << stopped->error.message;
  EXPECT_EQ(stopped->body.at("status"), "ABORTED");
  EXPECT_EQ(status_of("hold:h-2"), "ABORTED");

  // Its timer still fires; it must not bring the execution back.
  advance(10s);
  EXPECT_EQ(status_of("hold:h-2"), "ABORTED");
}

// StartSyncExecution's watch (messages.hpp ExecutionWatch): called when the execution may have
// closed, never while it only waits; at once for one that has closed.
TEST_F(ExecutionsActorTest, AWatchIsCalledWhenTheExecutionClosesNotWhileItWaits) {
  auto reply = start("hold", "h-3", json::parse(R"({"n": 3})"));
  ASSERT_TRUE(reply.has_value());
  ASSERT_EQ(execution_actors(), 0u);  // passivated in its Wait
  auto calls = std::make_shared<int>(0);
  const auto watch = [&] {
    ExecutionWatch w;
    w.id = "hold:h-3";
    w.until = std::chrono::steady_clock::now() + std::chrono::hours(1);
    w.changed = [calls] { ++*calls; };
    caf::anon_send(executions_, watch_atom::value, std::move(w));
    run();
  };
  watch();
  advance(5s);
  EXPECT_EQ(*calls, 0) << "called while the execution waits";
  advance(5s + 1ms);
  EXPECT_EQ(status_of("hold:h-3"), "SUCCEEDED");
  EXPECT_EQ(*calls, 1);
  // Closed already: called at once.
  watch();
  EXPECT_EQ(*calls, 2);
  // Past its time when the execution stops: dropped uncalled.
  auto late = start("hold", "h-4", json::parse(R"({"n": 4})"));
  ASSERT_TRUE(late.has_value());
  ExecutionWatch expired;
  expired.id = "hold:h-4";
  expired.until = std::chrono::steady_clock::now() - std::chrono::seconds(1);
  expired.changed = [calls] { ++*calls; };
  caf::anon_send(executions_, watch_atom::value, std::move(expired));
  advance(10s + 1ms);
  EXPECT_EQ(status_of("hold:h-4"), "SUCCEEDED");
  EXPECT_EQ(*calls, 2);
}

}  // namespace
}  // namespace settled::actors::testing
