// The execution actor (src/actors/execution_actor.hpp, src/actors/execution/) driven
// deterministically through its supervisor: start, replay, conflict, Pass/Choice steps, a Task
// retried after its backoff, Waits and their timers, Parallel branches, stop and TimeoutSeconds.
// Everything runs on CAF's testing scheduler with a real store, timer actor and LMDB
// (deterministic_fixture.hpp); time moves only when a test moves the test clock. The Task
// resource is a scripted stand-in for the Stripe client actor (engine->stripe), the one
// seam the engine already has for a remote resource.

#include "actors/deterministic_fixture.hpp"
#include "actors/scripted_resource.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace settled::actors::testing {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using Types = std::vector<std::string>;

constexpr const char* kPassChoice = R"({
  "StartAt": "Price",
  "States": {
    "Price": {"Type": "Pass", "Result": 1250, "ResultPath": "$.total", "Next": "Route"},
    "Route": {"Type": "Choice",
              "Choices": [{"Variable": "$.express", "BooleanEquals": true, "Next": "Courier"}],
              "Default": "Post"},
    "Courier": {"Type": "Pass", "Result": "courier", "ResultPath": "$.shipping", "End": true},
    "Post": {"Type": "Pass", "Result": "post", "ResultPath": "$.shipping", "End": true}
  }
})";

// 1 s after the first failure (the actor stays in memory), 2 s after the second (it passivates
// and the timer actor brings it back), then the error is the execution's.
constexpr const char* kChargeWithRetry = R"({
  "StartAt": "Charge",
  "States": {
    "Charge": {"Type": "Task", "Resource": "settled:stripe.paymentIntents.create",
               "Parameters": {"amount.$": "$.amount"}, "ResultPath": "$.charge",
               "Retry": [{"ErrorEquals": ["Stripe.ApiError"], "IntervalSeconds": 1,
                          "BackoffRate": 2.0, "MaxAttempts": 2}],
               "End": true}
  }
})";

constexpr const char* kHoldFor = R"({
  "StartAt": "Hold",
  "States": {
    "Hold": {"Type": "Wait", "SecondsPath": "$.seconds", "Next": "Done"},
    "Done": {"Type": "Pass", "End": true}
  }
})";

constexpr const char* kHoldWithTimeout = R"({
  "TimeoutSeconds": 5,
  "StartAt": "Hold",
  "States": {"Hold": {"Type": "Wait", "Seconds": 60, "End": true}}
})";

constexpr const char* kNotify = R"({
  "StartAt": "Tell",
  "States": {
    "Tell": {"Type": "Task", "Resource": "settled:notify.send", "ResultPath": null, "End": true,
             "Parameters": {"userId": "u-1", "title": "paid", "message": "your payment is in"}}
  }
})";

// A child workflow whose own TimeoutSeconds passes while it is only a timer row.
constexpr const char* kParentOfDeadline = R"({
  "StartAt": "Kid",
  "States": {
    "Kid": {"Type": "Task", "Resource": "settled:states.startExecution.sync:2",
            "Parameters": {"StateMachineArn": "deadline"}, "End": true}
  }
})";

constexpr const char* kTwoBranches = R"({
  "StartAt": "Both",
  "States": {
    "Both": {"Type": "Parallel", "End": true, "Branches": [
      {"StartAt": "A", "States": {"A": {"Type": "Wait", "Seconds": 60, "End": true}}},
      {"StartAt": "B", "States": {"B": {"Type": "Pass", "Result": "b", "End": true}}}]}
  }
})";

class ExecutionActorTest : public DeterministicEngine {
 protected:
  ExecutionActorTest() {
    add_workflow("pricing", kPassChoice);
    add_workflow("charge", kChargeWithRetry);
    add_workflow("hold", kHoldFor);
    add_workflow("deadline", kHoldWithTimeout);
    add_workflow("both", kTwoBranches);
    add_workflow("notify", kNotify);
    add_workflow("parent-of-deadline", kParentOfDeadline);
    // Before any execution runs: executions read the engine's handles unlocked.
    engine_->stripe = system_.spawn(scripted_resource, resource_);
  }

  ~ExecutionActorTest() override {
    resource_->held.clear();
    caf::anon_send_exit(engine_->stripe, caf::exit_reason::user_shutdown);
  }

  // Due times of the durable timers of `id` (Table::kTimers), in order.
  std::vector<std::int64_t> timers_of(const std::string& id) const {
    std::vector<std::int64_t> due;
    engine_->db->scan(Table::kTimers, "", [&](std::string_view key, std::string_view) {
      TimerKey timer;
      if (parse_timer_key(key, timer) && timer.execution_id == id) due.push_back(timer.due);
      return true;
    });
    return due;
  }

  std::size_t rows_of(Table table) const {
    std::size_t rows = 0;
    engine_->db->scan(table, "", [&](std::string_view, std::string_view) {
      ++rows;
      return true;
    });
    return rows;
  }

  std::size_t count_of(const std::string& id, const std::string& type) const {
    const auto types = history_types(id);
    return static_cast<std::size_t>(std::count(types.begin(), types.end(), type));
  }

  std::shared_ptr<ScriptedResource> resource_ = std::make_shared<ScriptedResource>();
};

TEST_F(ExecutionActorTest, AStartRunsItsStatesAndEndsDurably) {
  auto reply = start("pricing", "p-1", json::parse(R"({"express": false})"));
  ASSERT_TRUE(reply.has_value()) << "the start was never answered";
  EXPECT_EQ(reply->outcome, "Created") << json::serialize(reply->body);
  EXPECT_EQ(reply->body.at("executionId"), "pricing:p-1");

  auto rec = record("pricing:p-1");
  ASSERT_TRUE(rec.has_value());
  EXPECT_EQ(std::string(status_name(rec->status)), "SUCCEEDED");
  EXPECT_EQ(rec->output, json::parse(R"({"express": false, "total": 1250, "shipping": "post"})"));
  EXPECT_EQ(rec->last_event_id, static_cast<std::int64_t>(history("pricing:p-1").size()));
  // Ended: out of the open set, in the closed index, and no actor left behind.
  EXPECT_FALSE(engine_->db->get(Table::kOpenExecutions, "pricing:p-1").has_value());
  EXPECT_TRUE(
      engine_->db->get(Table::kClosedExecutions, closed_key(rec->stop, "pricing:p-1")).has_value());
  EXPECT_EQ(execution_actors(), 0u);
}

TEST_F(ExecutionActorTest, PassAndChoiceStepsAppearInTheHistoryInOrder) {
  ASSERT_TRUE(start("pricing", "express", json::parse(R"({"express": true})")).has_value());
  ASSERT_TRUE(start("pricing", "standard", json::parse(R"({"express": false})")).has_value());

  const Types expected{"ExecutionStarted",   "PassStateEntered",  "PassStateExited",
                       "ChoiceStateEntered", "ChoiceStateExited", "PassStateEntered",
                       "PassStateExited",    "ExecutionSucceeded"};
  EXPECT_EQ(history_types("pricing:express"), expected);
  EXPECT_EQ(history_types("pricing:standard"), expected);

  // The Choice sent each input its own way, and each step handed its output on.
  const auto events = history("pricing:express");
  ASSERT_EQ(events.size(), expected.size());
  const auto name_at = [&](std::size_t i) {
    const auto& e = events[i];
    const auto& key = e.contains("stateEnteredEventDetails") ? "stateEnteredEventDetails"
                                                             : "stateExitedEventDetails";
    return std::string(e.at(key).at("name").as_string());
  };
  EXPECT_EQ(name_at(1), "Price");
  EXPECT_EQ(name_at(3), "Route");
  EXPECT_EQ(name_at(5), "Courier");
  EXPECT_EQ(json::parse(events[2].at("stateExitedEventDetails").at("output").as_string()),
            json::parse(R"({"express": true, "total": 1250})"));
  EXPECT_EQ(record("pricing:express")->output.at("shipping"), "courier");
  EXPECT_EQ(record("pricing:standard")->output.at("shipping"), "post");
  // Event ids count up from 1 without gaps.
  for (std::size_t i = 0; i < events.size(); ++i)
    EXPECT_EQ(events[i].at("id").as_int64(), static_cast<std::int64_t>(i + 1));
}

TEST_F(ExecutionActorTest, TheSameStartTwiceIsOneExecution) {
  resource_->script = {charged(), charged()};
  const auto input = json::parse(R"({"amount": 500})");
  // Both starts are queued before either is handled: the second arrives while the first is
  // still being admitted.
  auto first = send_start("charge", "c-1", input);
  auto second = send_start("charge", "c-1", input);
  run();
  ASSERT_TRUE(first->has_value() && second->has_value()) << "a start was never answered";
  EXPECT_EQ((*first)->outcome, "Created") << json::serialize((*first)->body);
  EXPECT_EQ((*second)->outcome, "Existing") << json::serialize((*second)->body);
  EXPECT_EQ((*second)->body.at("executionId"), (*first)->body.at("executionId"));
  EXPECT_EQ((*second)->body.at("startDate"), (*first)->body.at("startDate"));

  // Once it has ended, the same start answers with what it became, and runs nothing.
  auto later = start("charge", "c-1", input);
  ASSERT_TRUE(later.has_value());
  EXPECT_EQ(later->outcome, "Existing");
  EXPECT_EQ(later->body.at("status"), "SUCCEEDED");
  EXPECT_EQ(resource_->attempts.size(), 1u) << "the task ran for a replay";
  EXPECT_EQ(count_of("charge:c-1", "ExecutionStarted"), 1u);
  EXPECT_EQ(resource_->script.size(), 1u);
}

TEST_F(ExecutionActorTest, AChildTakingTheNameBeforeTheFirstCommitRefusesTheStart) {
  // The supervisor handles the start (no child holds "charge:c-9") and spawns the execution;
  // before its first commit, an AWS startExecution.sync child is committed under that name.
  auto answer = send_start("charge", "c-9", json::parse(R"({"amount": 5})"));
  ASSERT_TRUE(sched_.prioritize(executions_));
  ASSERT_TRUE(sched_.try_run_once());  // the supervisor alone: checks the name, spawns
  WriteBatch child;
  child.put(Table::kChildExecutions, "charge:c-9", "parent:p-1.0");
  ASSERT_TRUE(engine_->db->commit({&child}).ok());
  run();
  ASSERT_TRUE(answer->has_value());
  EXPECT_EQ((*answer)->outcome, "ExecutionAlreadyExists") << json::serialize((*answer)->body);
  EXPECT_FALSE(engine_->db->get(Table::kExecutions, "charge:c-9").has_value());
  EXPECT_FALSE(engine_->db->get(Table::kOpenExecutions, "charge:c-9").has_value());
  EXPECT_EQ(*engine_->db->get(Table::kChildExecutions, "charge:c-9"), "parent:p-1.0");
  EXPECT_TRUE(resource_->attempts.empty());
}

TEST_F(ExecutionActorTest, ADifferentInputUnderTheSameNameConflictsAndChangesNothing) {
  // The first start's task is in flight (the resource holds it): the execution is running.
  auto first = start("charge", "c-2", json::parse(R"({"amount": 500})"));
  ASSERT_TRUE(first.has_value());
  ASSERT_EQ(first->outcome, "Created") << json::serialize(first->body);
  ASSERT_EQ(resource_->held.size(), 1u);
  const std::string stored_before = *engine_->db->get(Table::kExecutions, "charge:c-2");

  auto conflict = start("charge", "c-2", json::parse(R"({"amount": 501})"));
  ASSERT_TRUE(conflict.has_value());
  EXPECT_EQ(conflict->outcome, "ExecutionAlreadyExists") << json::serialize(conflict->body);
  EXPECT_EQ(conflict->body.at("error"), "ExecutionAlreadyExists");
  EXPECT_EQ(*engine_->db->get(Table::kExecutions, "charge:c-2"), stored_before);
  EXPECT_EQ(resource_->attempts.size(), 1u);
  EXPECT_EQ(execution_actors(), 1u);

  // The same while the first is still being admitted.
  auto admitting = send_start("charge", "c-3", json::parse(R"({"amount": 1})"));
  auto other = send_start("charge", "c-3", json::parse(R"({"amount": 2})"));
  run();
  ASSERT_TRUE(admitting->has_value() && other->has_value());
  EXPECT_EQ((*admitting)->outcome, "Created");
  EXPECT_EQ((*other)->outcome, "ExecutionAlreadyExists") << json::serialize((*other)->body);
  EXPECT_EQ((*other)->body.at("error"), "ExecutionAlreadyExists");
  ASSERT_EQ(resource_->attempts.size(), 2u);
  EXPECT_EQ(resource_->attempts.back().parameters, json::parse(R"({"amount": 1})"));
}

TEST_F(ExecutionActorTest, AFailedTaskIsRetriedWhenTheTestClockPassesEachBackoff) {
  resource_->script = {api_error(), api_error(), charged()};
  auto reply = start("charge", "r-1", json::parse(R"({"amount": 700})"));
  ASSERT_TRUE(reply.has_value());
  ASSERT_EQ(reply->outcome, "Created") << json::serialize(reply->body);
  ASSERT_EQ(resource_->attempts.size(), 1u);

  // First backoff, 1 s: durable (record and timer row), the actor waits in memory.
  auto rec = record("charge:r-1");
  ASSERT_TRUE(rec.has_value());
  EXPECT_EQ(rec->phase, Phase::kRetryWait);
  EXPECT_EQ(rec->retry_count, 1);
  EXPECT_EQ(rec->due, kTestEpochMillis + 1000);
  EXPECT_EQ(timers_of("charge:r-1"), std::vector<std::int64_t>{kTestEpochMillis + 1000});
  EXPECT_EQ(execution_actors(), 1u);
  advance(999ms);
  EXPECT_EQ(resource_->attempts.size(), 1u) << "retried before its IntervalSeconds";
  advance(1ms);
  ASSERT_EQ(resource_->attempts.size(), 2u);

  // Second backoff, 2 s (BackoffRate 2): long enough to passivate; the timer brings it back.
  rec = record("charge:r-1");
  EXPECT_EQ(rec->retry_count, 2);
  EXPECT_EQ(rec->due, kTestEpochMillis + 3000);
  EXPECT_EQ(timers_of("charge:r-1"), std::vector<std::int64_t>{kTestEpochMillis + 3000});
  EXPECT_EQ(execution_actors(), 0u);
  advance(1999ms);
  EXPECT_EQ(resource_->attempts.size(), 2u);
  advance(1ms);
  ASSERT_EQ(resource_->attempts.size(), 3u);

  rec = record("charge:r-1");
  EXPECT_EQ(std::string(status_name(rec->status)), "SUCCEEDED");
  EXPECT_EQ(rec->output,
            json::parse(R"({"amount": 700, "charge": {"id": "pi_1", "status": "succeeded"}})"));
  EXPECT_EQ(rec->stop - rec->start, 3000);
  EXPECT_TRUE(timers_of("charge:r-1").empty());
  // Every attempt is in the history, and each carried the state's parameters.
  const Types expected{"ExecutionStarted",  "TaskStateEntered", "TaskScheduled", "TaskStarted",
                       "TaskFailed",        "TaskScheduled",    "TaskStarted",   "TaskFailed",
                       "TaskScheduled",     "TaskStarted",      "TaskSucceeded", "TaskStateExited",
                       "ExecutionSucceeded"};
  EXPECT_EQ(history_types("charge:r-1"), expected);
  for (const auto& attempt : resource_->attempts)
    EXPECT_EQ(attempt.parameters, json::parse(R"({"amount": 700})"));
}

TEST_F(ExecutionActorTest, AnErrorPastItsLastRetryFailsTheExecution) {
  resource_->script = {api_error(), api_error(), api_error()};
  ASSERT_TRUE(start("charge", "r-2", json::parse(R"({"amount": 1})")).has_value());
  advance(1s);
  advance(2s);
  EXPECT_EQ(resource_->attempts.size(), 3u);  // the first try and MaxAttempts (2) retries
  auto rec = record("charge:r-2");
  ASSERT_TRUE(rec.has_value());
  EXPECT_EQ(std::string(status_name(rec->status)), "FAILED");
  EXPECT_EQ(rec->error, "Stripe.ApiError");
  EXPECT_EQ(rec->cause, "503 from the API");
  EXPECT_EQ(history_types("charge:r-2").back(), "ExecutionFailed");
  advance(1h);
  EXPECT_EQ(resource_->attempts.size(), 3u) << "retried after the execution failed";
}

TEST_F(ExecutionActorTest, AShortWaitKeepsItsActorAndEndsOnTime) {
  ASSERT_TRUE(start("hold", "w-1", json::parse(R"({"seconds": 1})")).has_value());
  EXPECT_EQ(status_of("hold:w-1"), "RUNNING");
  EXPECT_EQ(execution_actors(), 1u);
  EXPECT_EQ(timers_of("hold:w-1"), std::vector<std::int64_t>{kTestEpochMillis + 1000});
  advance(999ms);
  EXPECT_EQ(status_of("hold:w-1"), "RUNNING");
  advance(1ms);
  auto rec = record("hold:w-1");
  EXPECT_EQ(std::string(status_name(rec->status)), "SUCCEEDED");
  EXPECT_EQ(rec->stop - rec->start, 1000);
  EXPECT_TRUE(timers_of("hold:w-1").empty());
  EXPECT_EQ(execution_actors(), 0u);
}

TEST_F(ExecutionActorTest, ALongWaitIsOnlyItsTimerRowUntilTheTimerActorFiresIt) {
  ASSERT_TRUE(start("hold", "w-2", json::parse(R"({"seconds": 30})")).has_value());
  EXPECT_EQ(execution_actors(), 0u);  // passivated: nothing of it in memory
  EXPECT_EQ(timers_of("hold:w-2"), std::vector<std::int64_t>{kTestEpochMillis + 30'000});
  EXPECT_EQ(record("hold:w-2")->phase, Phase::kWait);
  advance(29'999ms);
  EXPECT_EQ(status_of("hold:w-2"), "RUNNING");
  advance(1ms);
  auto rec = record("hold:w-2");
  EXPECT_EQ(std::string(status_name(rec->status)), "SUCCEEDED");
  EXPECT_EQ(rec->stop - rec->start, 30'000);
  EXPECT_TRUE(timers_of("hold:w-2").empty());
  const Types expected{"ExecutionStarted", "WaitStateEntered", "WaitStateExited",
                       "PassStateEntered", "PassStateExited",  "ExecutionSucceeded"};
  EXPECT_EQ(history_types("hold:w-2"), expected);
}

TEST_F(ExecutionActorTest, ParallelEndsWhenItsLastBranchDoes) {
  ASSERT_TRUE(start("both", "b-1", json::parse(R"({"n": 1})")).has_value());
  EXPECT_EQ(status_of("both:b-1"), "RUNNING");
  advance(60s);
  auto rec = record("both:b-1");
  ASSERT_TRUE(rec.has_value());
  EXPECT_EQ(std::string(status_name(rec->status)), "SUCCEEDED");
  EXPECT_EQ(rec->output, json::parse(R"([{"n": 1}, "b"])"));
  EXPECT_EQ(count_of("both:b-1", "ParallelStateSucceeded"), 1u);
}

TEST_F(ExecutionActorTest, StopEndsATaskInFlightAndItsLateAnswerChangesNothing) {
  ASSERT_TRUE(start("charge", "s-1", json::parse(R"({"amount": 9})")).has_value());
  ASSERT_EQ(resource_->held.size(), 1u);
  ASSERT_EQ(execution_actors(), 1u);

  auto stopped = stop("charge:s-1");
  ASSERT_TRUE(stopped.has_value()) << "the stop was never answered";
  EXPECT_TRUE(stopped->ok) << stopped->error.message;
  EXPECT_EQ(stopped->body.at("status"), "ABORTED");
  EXPECT_EQ(status_of("charge:s-1"), "ABORTED");
  EXPECT_EQ(execution_actors(), 0u);
  EXPECT_FALSE(engine_->db->get(Table::kOpenExecutions, "charge:s-1").has_value());
  EXPECT_EQ(history_types("charge:s-1").back(), "ExecutionAborted");

  // The charge answers after all: nobody takes it.
  const auto events_before = history("charge:s-1").size();
  resource_->held.front().deliver(charged());
  run();
  advance(2min);
  EXPECT_EQ(status_of("charge:s-1"), "ABORTED");
  EXPECT_EQ(history("charge:s-1").size(), events_before);
  EXPECT_EQ(count_of("charge:s-1", "TaskSucceeded"), 0u);

  // A second stop is refused: it is no longer running.
  auto again = stop("charge:s-1");
  ASSERT_TRUE(again.has_value());
  EXPECT_FALSE(again->ok);
}

TEST_F(ExecutionActorTest, StoppingAParallelStateStopsItsBranches) {
  ASSERT_TRUE(start("both", "b-2", json::parse(R"({"n": 2})")).has_value());
  std::vector<std::string> branches;
  engine_->db->scan(Table::kOpenExecutions, "both:b-2~",
                    [&](std::string_view key, std::string_view) {
                      branches.emplace_back(key);
                      return true;
                    });
  ASSERT_EQ(branches.size(), 1u) << "the waiting branch (the other has ended)";

  auto stopped = stop("both:b-2");
  ASSERT_TRUE(stopped.has_value());
  EXPECT_TRUE(stopped->ok) << stopped->error.message;
  EXPECT_EQ(status_of("both:b-2"), "ABORTED");
  EXPECT_EQ(status_of(branches[0]), "ABORTED");
  EXPECT_TRUE(timers_of(branches[0]).empty());
  advance(61s);
  EXPECT_EQ(status_of("both:b-2"), "ABORTED");
  EXPECT_EQ(status_of(branches[0]), "ABORTED");
}

TEST_F(ExecutionActorTest, TimeoutSecondsEndsTheExecutionOnTheTestClock) {
  ASSERT_TRUE(start("deadline", "t-1", json::parse(R"({})")).has_value());
  // Two durable timers: the Wait's and the execution's deadline.
  EXPECT_EQ(timers_of("deadline:t-1"),
            (std::vector<std::int64_t>{kTestEpochMillis + 5000, kTestEpochMillis + 60'000}));
  advance(4999ms);
  EXPECT_EQ(status_of("deadline:t-1"), "RUNNING");
  advance(1ms);
  auto rec = record("deadline:t-1");
  ASSERT_TRUE(rec.has_value());
  EXPECT_EQ(std::string(status_name(rec->status)), "TIMED_OUT");
  EXPECT_EQ(rec->error, "States.Timeout");
  EXPECT_EQ(rec->stop - rec->start, 5000);
  EXPECT_EQ(history_types("deadline:t-1").back(), "ExecutionTimedOut");
  EXPECT_TRUE(timers_of("deadline:t-1").empty());
  advance(60s);
  EXPECT_EQ(status_of("deadline:t-1"), "TIMED_OUT");
}

// The child times out from outside its actor (it was passivated in its long Wait): its parent
// is told, and its task fails with the child's story instead of waiting for good.
TEST_F(ExecutionActorTest, AChildThatTimesOutWhilePassivatedFailsItsParentsTask) {
  ASSERT_TRUE(start("parent-of-deadline", "k-1", json::parse("{}")).has_value());
  EXPECT_EQ(status_of("parent-of-deadline:k-1"), "RUNNING");
  advance(5s);
  const std::vector<std::string> children = branches_of("parent-of-deadline:k-1");
  ASSERT_EQ(children.size(), 1u);
  EXPECT_EQ(status_of(children[0]), "TIMED_OUT");
  auto rec = record("parent-of-deadline:k-1");
  ASSERT_TRUE(rec.has_value());
  EXPECT_EQ(std::string(status_name(rec->status)), "FAILED");
  EXPECT_EQ(rec->error, "States.TaskFailed");
  EXPECT_NE(rec->cause.find("TIMED_OUT"), std::string::npos) << rec->cause;
}

// A child workflow can be stopped by itself, as Step Functions' StopExecution of a child does:
// its parent's task fails with the child's story. A Parallel branch cannot (its parent can).
TEST_F(ExecutionActorTest, AChildWorkflowCanBeStoppedByItselfAndItsParentsTaskFails) {
  ASSERT_TRUE(start("parent-of-deadline", "k-2", json::parse("{}")).has_value());
  const std::vector<std::string> children = branches_of("parent-of-deadline:k-2");
  ASSERT_EQ(children.size(), 1u);
  auto stopped = stop(children[0]);
  ASSERT_TRUE(stopped.has_value());
  EXPECT_TRUE(stopped->ok) << stopped->error.message;
  EXPECT_EQ(status_of(children[0]), "ABORTED");
  auto rec = record("parent-of-deadline:k-2");
  ASSERT_TRUE(rec.has_value());
  EXPECT_EQ(std::string(status_name(rec->status)), "FAILED");
  EXPECT_EQ(rec->error, "States.TaskFailed");
  EXPECT_NE(rec->cause.find("ABORTED"), std::string::npos) << rec->cause;

  ASSERT_TRUE(start("both", "b-9", json::parse("{}")).has_value());
  const std::vector<std::string> branches = branches_of("both:b-9");
  ASSERT_FALSE(branches.empty());
  auto refused = stop(branches[0]);
  ASSERT_TRUE(refused.has_value());
  EXPECT_FALSE(refused->ok);
}

// Step Functions redrives what did not succeed: FAILED, and also ABORTED and TIMED_OUT. A redrive
// starts the state machine's TimeoutSeconds again ("reset to 0").
TEST_F(ExecutionActorTest, AbortedAndTimedOutExecutionsAreRedrivenWithTheirTimeoutStartedAgain) {
  const auto redrive = [&](const std::string& id) {
    return ask<ControlReply>(executions_, redrive_atom::value, id);
  };
  ASSERT_TRUE(start("deadline", "t-2", json::parse("{}")).has_value());
  advance(5s);
  ASSERT_EQ(status_of("deadline:t-2"), "TIMED_OUT");
  auto again = redrive("deadline:t-2");
  ASSERT_TRUE(again.has_value());
  EXPECT_TRUE(again->ok) << again->error.message;
  EXPECT_EQ(status_of("deadline:t-2"), "RUNNING");
  EXPECT_EQ(record("deadline:t-2")->deadline, kTestEpochMillis + 10'000);
  advance(4999ms);
  EXPECT_EQ(status_of("deadline:t-2"), "RUNNING");
  advance(1ms);
  auto rec = record("deadline:t-2");
  ASSERT_TRUE(rec.has_value());
  EXPECT_EQ(std::string(status_name(rec->status)), "TIMED_OUT");
  EXPECT_EQ(rec->cause, "The execution ran longer than its TimeoutSeconds (5 s).");
  EXPECT_EQ(rec->redrive_count, 1);

  ASSERT_TRUE(start("hold", "a-1", json::parse(R"({"seconds": 10})")).has_value());
  ASSERT_TRUE(stop("hold:a-1").has_value());
  ASSERT_EQ(status_of("hold:a-1"), "ABORTED");
  auto revived = redrive("hold:a-1");
  ASSERT_TRUE(revived.has_value());
  EXPECT_TRUE(revived->ok) << revived->error.message;
  advance(10s);
  EXPECT_EQ(status_of("hold:a-1"), "SUCCEEDED");
  const auto types = history_types("hold:a-1");
  EXPECT_EQ(std::count(types.begin(), types.end(), "ExecutionRedriven"), 1);

  // What succeeded is not redriven.
  auto done = redrive("hold:a-1");
  ASSERT_TRUE(done.has_value());
  EXPECT_FALSE(done->ok);
}

// Without a notification webhook nothing would deliver an outbox row: notify.send's commit
// writes the notification and its inbox line only. With one, the row is written for delivery.
TEST_F(ExecutionActorTest, NotifySendQueuesForDeliveryOnlyWhenAWebhookIsConfigured) {
  ASSERT_TRUE(start("notify", "n-1", json::parse("{}")).has_value());
  EXPECT_EQ(status_of("notify:n-1"), "SUCCEEDED");
  EXPECT_EQ(rows_of(Table::kNotifications), 1u);
  EXPECT_EQ(rows_of(Table::kNotificationInbox), 1u);
  EXPECT_EQ(rows_of(Table::kNotificationOutbox), 0u);

  engine_->notification_webhook = true;
  ASSERT_TRUE(start("notify", "n-2", json::parse("{}")).has_value());
  EXPECT_EQ(status_of("notify:n-2"), "SUCCEEDED");
  EXPECT_EQ(rows_of(Table::kNotifications), 2u);
  EXPECT_EQ(rows_of(Table::kNotificationOutbox), 1u);
}

}  // namespace
}  // namespace settled::actors::testing
