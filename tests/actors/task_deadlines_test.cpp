// Tests for task call deadlines (src/actors/task_deadlines.hpp): the registry itself, and a
// Task's TimeoutSeconds enforced through it on the test clock (a call held unanswered by the
// scripted resource times out; its late answer changes nothing; an answer in time disarms it).

#include "actors/task_deadlines.hpp"

#include "actors/deterministic_fixture.hpp"
#include "actors/scripted_resource.hpp"
#include "domain/ledger/ledger_job.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <algorithm>
#include <chrono>
#include <string>

namespace settled::actors::testing {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

TEST(TaskDeadlines, TakesWhatIsDueInOrderOfDeadlineAndNothingElse) {
  TaskDeadlines deadlines;
  const TaskDeadlines::TimePoint t0{};
  const auto late = deadlines.arm(t0 + 3s, caf::actor_addr{});
  const auto early = deadlines.arm(t0 + 1s, caf::actor_addr{});
  const auto middle = deadlines.arm(t0 + 2s, caf::actor_addr{});
  EXPECT_NE(early.id, late.id);
  EXPECT_NE(early.id, 0u);
  EXPECT_EQ(deadlines.armed(), 3u);

  EXPECT_TRUE(deadlines.take_due(t0 + 999ms).empty());
  const auto due = deadlines.take_due(t0 + 2s);
  ASSERT_EQ(due.size(), 2u);
  EXPECT_EQ(due[0].id, early.id);
  EXPECT_EQ(due[1].id, middle.id);
  EXPECT_EQ(deadlines.armed(), 1u);

  deadlines.disarm(early);  // taken already: nothing happens
  EXPECT_EQ(deadlines.armed(), 1u);
  deadlines.disarm(late);
  EXPECT_EQ(deadlines.armed(), 0u);
  EXPECT_TRUE(deadlines.take_due(t0 + 1h).empty());
  deadlines.disarm(TaskDeadlines::Ticket{});  // nothing armed: nothing happens

  const auto untimed = deadlines.untimed();
  EXPECT_NE(untimed.id, 0u);
  EXPECT_NE(untimed.id, late.id);
  EXPECT_EQ(deadlines.armed(), 0u);
  deadlines.disarm(untimed);
  EXPECT_TRUE(deadlines.take_due(TaskDeadlines::TimePoint::max()).empty());
}

constexpr const char* kTimedCharge = R"({
  "StartAt": "Charge",
  "States": {
    "Charge": {"Type": "Task", "Resource": "settled:stripe.paymentIntents.create",
               "Parameters": {"amount.$": "$.amount"}, "TimeoutSeconds": 2,
               "ResultPath": "$.charge", "End": true}
  }
})";

constexpr const char* kTimedChargeRetried = R"({
  "StartAt": "Charge",
  "States": {
    "Charge": {"Type": "Task", "Resource": "settled:stripe.paymentIntents.create",
               "Parameters": {"amount.$": "$.amount"}, "TimeoutSeconds": 2,
               "Retry": [{"ErrorEquals": ["States.Timeout"], "IntervalSeconds": 1,
                          "MaxAttempts": 1}],
               "ResultPath": "$.charge", "End": true}
  }
})";

constexpr const char* kUntimedCharge = R"({
  "StartAt": "Charge",
  "States": {
    "Charge": {"Type": "Task", "Resource": "settled:stripe.paymentIntents.create",
               "Parameters": {"amount.$": "$.amount"}, "ResultPath": "$.charge", "End": true}
  }
})";

constexpr const char* kTimedDeposit = R"({
  "StartAt": "Deposit",
  "States": {
    "Deposit": {"Type": "Task", "Resource": "settled:ledger.deposit", "TimeoutSeconds": 1,
                "Parameters": {"account": "u-1", "amount": 100, "currency": "USD"},
                "ResultPath": "$.deposit", "End": true}
  }
})";

// A ledger that holds each operation until it is told (wake_atom) to answer them all.
struct HeldLedger {
  std::vector<caf::typed_response_promise<TaskOutcome>> held;
};

LedgerActor::behavior_type held_ledger(LedgerActor::pointer self,
                                       std::shared_ptr<HeldLedger> state) {
  return {
      [self, state](ledger_atom, TaskAttempt&) -> caf::result<TaskOutcome> {
        state->held.push_back(self->make_response_promise<TaskOutcome>());
        return state->held.back();
      },
      [](ledger_atom, LedgerCall&) {},
      [](job_done_atom, std::vector<ledger::LedgerJobDone>&) {},
      [state](wake_atom) {
        for (auto& promise : state->held)
          promise.deliver(TaskOutcome::success(json::object{{"status", "DEPOSITED"}}));
        state->held.clear();
      },
      [](sweep_atom) {},
      [](ledger_stats_atom) { return LedgerStats{}; },
  };
}

constexpr const char* kChargeThenAsk = R"({
  "StartAt": "Charge",
  "States": {
    "Charge": {"Type": "Task", "Resource": "settled:stripe.paymentIntents.create",
               "Parameters": {"amount.$": "$.amount"}, "ResultPath": "$.charge", "Next": "Ask"},
    "Ask": {"Type": "Task", "Resource": "settled:records.put.waitForTaskToken",
            "Parameters": {"collection": "asks", "key": "k", "record": {"t.$": "$$.Task.Token"}},
            "TimeoutSeconds": 2, "ResultPath": "$.answer", "End": true}
  }
})";

class TaskDeadlineTest : public DeterministicEngine {
 protected:
  TaskDeadlineTest() {
    add_workflow("charge-then-ask", kChargeThenAsk);
    add_workflow("timed", kTimedCharge);
    add_workflow("retried", kTimedChargeRetried);
    add_workflow("untimed", kUntimedCharge);
    add_workflow("deposit", kTimedDeposit);
    engine_->stripe = system_.spawn(scripted_resource, resource_);
  }

  ~TaskDeadlineTest() override {
    resource_->held.clear();
    caf::anon_send_exit(engine_->stripe, caf::exit_reason::user_shutdown);
  }

  std::size_t count_of(const std::string& id, const std::string& type) const {
    const auto types = history_types(id);
    return static_cast<std::size_t>(std::count(types.begin(), types.end(), type));
  }

  std::size_t armed() const { return engine_->task_deadlines->armed(); }

  std::shared_ptr<ScriptedResource> resource_ = std::make_shared<ScriptedResource>();
};

TEST_F(TaskDeadlineTest, ACallUnansweredPastTimeoutSecondsFailsTheTaskAndItsLateAnswerIsIgnored) {
  ASSERT_TRUE(start("timed", "t-1", json::parse(R"({"amount": 5})")).has_value());
  ASSERT_EQ(resource_->held.size(), 1u);
  EXPECT_EQ(armed(), 1u);

  advance(1900ms);
  EXPECT_EQ(status_of("timed:t-1"), "RUNNING");
  // The deadline passes at 2 s; the sweeper sees it at its next look, within kTaskDeadlineSweep.
  // No retry is left, and a Stripe call past its deadline may have charged: it is looked up
  // (resolve_only) before the execution gives up, and the look-up has the same deadline.
  advance(100ms + kTaskDeadlineSweep);
  EXPECT_EQ(status_of("timed:t-1"), "RUNNING");
  ASSERT_EQ(resource_->attempts.size(), 2u);
  EXPECT_TRUE(resource_->attempts[1].resolve_only);
  EXPECT_EQ(resource_->attempts[1].idempotency_key, resource_->attempts[0].idempotency_key);
  advance(2s + kTaskDeadlineSweep);
  auto rec = record("timed:t-1");
  ASSERT_TRUE(rec.has_value());
  EXPECT_EQ(std::string(status_name(rec->status)), "FAILED");
  EXPECT_EQ(rec->error, "States.Timeout");
  EXPECT_EQ(rec->cause, "Task timed out after 2 seconds");
  EXPECT_EQ(armed(), 0u);

  const auto events_before = history("timed:t-1").size();
  for (auto& late : resource_->held) late.deliver(charged());
  run();
  EXPECT_EQ(status_of("timed:t-1"), "FAILED");
  EXPECT_EQ(history("timed:t-1").size(), events_before);
  EXPECT_EQ(count_of("timed:t-1", "TaskSucceeded"), 0u);
}

// The call timed out with no retry left, but Stripe did charge: the look-up finds the charge
// and the task succeeds with it instead of failing the payment over money that moved.
TEST_F(TaskDeadlineTest, AStripeCallPastItsDeadlineIsLookedUpBeforeGivingUp) {
  ASSERT_TRUE(start("timed", "t-3", json::parse(R"({"amount": 5})")).has_value());
  ASSERT_EQ(resource_->held.size(), 1u);
  resource_->script.push_back(charged());  // what the look-up will find
  advance(2s + kTaskDeadlineSweep);
  ASSERT_EQ(resource_->attempts.size(), 2u);
  EXPECT_TRUE(resource_->attempts[1].resolve_only);
  auto rec = record("timed:t-3");
  ASSERT_TRUE(rec.has_value());
  EXPECT_EQ(std::string(status_name(rec->status)), "SUCCEEDED") << rec->error << rec->cause;
  EXPECT_EQ(rec->output.at("charge").at("id"), "pi_1");
  EXPECT_EQ(count_of("timed:t-3", "TaskTimedOut"), 1u);
  EXPECT_EQ(count_of("timed:t-3", "TaskSucceeded"), 1u);
  EXPECT_EQ(armed(), 0u);
}

// A later state's own States.Timeout (a callback that never came) is not the Stripe call's:
// the charge that answered is not looked up again and handed to that state as its result.
TEST_F(TaskDeadlineTest, ALaterStatesTimeoutDoesNotLookUpAnAnsweredStripeCall) {
  resource_->script.push_back(charged());
  resource_->script.push_back(charged());  // what a wrong look-up would be answered
  ASSERT_TRUE(start("charge-then-ask", "a-1", json::parse(R"({"amount": 5})")).has_value());
  advance(3s + kTaskDeadlineSweep);
  auto rec = record("charge-then-ask:a-1");
  ASSERT_TRUE(rec.has_value());
  EXPECT_EQ(std::string(status_name(rec->status)), "FAILED");
  EXPECT_EQ(rec->error, "States.Timeout");
  EXPECT_EQ(resource_->attempts.size(), 1u);  // the charge alone, no resolve_only
}

// Holds the first call unanswered; when the second arrives, answers the first (late: its
// deadline has passed) and then the second at once. A promise is delivered from inside the
// actor that made it, as CAF's test scheduler needs.
struct LateFirstAnswer {
  int calls = 0;
  caf::typed_response_promise<TaskOutcome> first;
};

StripeActor::behavior_type late_first_answer(StripeActor::pointer self,
                                             std::shared_ptr<LateFirstAnswer> state) {
  return {
      [self, state](charge_atom, TaskAttempt&) -> caf::result<TaskOutcome> {
        if (++state->calls == 1) {
          state->first = self->make_response_promise<TaskOutcome>();
          return state->first;
        }
        state->first.deliver(TaskOutcome::success(json::object{{"id", "pi_late"}}));
        return TaskOutcome::success(json::object{{"id", "pi_retry"}});
      },
  };
}

TEST_F(TaskDeadlineTest, ARetryAfterATimeoutTakesOnlyItsOwnAnswer) {
  auto calls = std::make_shared<LateFirstAnswer>();
  caf::anon_send_exit(engine_->stripe, caf::exit_reason::user_shutdown);
  engine_->stripe = system_.spawn(late_first_answer, calls);
  ASSERT_TRUE(start("retried", "r-1", json::parse(R"({"amount": 5})")).has_value());
  ASSERT_EQ(calls->calls, 1);
  advance(2s + kTaskDeadlineSweep);  // the first call times out; its retry waits 1 s
  EXPECT_EQ(status_of("retried:r-1"), "RUNNING");
  EXPECT_EQ(armed(), 0u);
  advance(1s + kTaskDeadlineSweep);
  ASSERT_EQ(calls->calls, 2);

  // The first call's answer came in just before the retry's: only the retry's is taken.
  auto rec = record("retried:r-1");
  ASSERT_TRUE(rec.has_value());
  EXPECT_EQ(std::string(status_name(rec->status)), "SUCCEEDED");
  EXPECT_EQ(rec->output.at("charge").at("id"), "pi_retry");
  EXPECT_EQ(count_of("retried:r-1", "TaskSucceeded"), 1u);
  EXPECT_EQ(count_of("retried:r-1", "TaskTimedOut") + count_of("retried:r-1", "TaskFailed"), 1u);
  EXPECT_EQ(armed(), 0u);
}

TEST_F(TaskDeadlineTest, AnAnswerInTimeDisarmsTheDeadline) {
  resource_->script.push_back(charged());
  ASSERT_TRUE(start("timed", "t-2", json::parse(R"({"amount": 5})")).has_value());
  EXPECT_EQ(status_of("timed:t-2"), "SUCCEEDED");
  EXPECT_EQ(armed(), 0u);
  advance(1min);
  EXPECT_EQ(status_of("timed:t-2"), "SUCCEEDED");
  EXPECT_EQ(count_of("timed:t-2", "TaskSucceeded"), 1u);
}

TEST_F(TaskDeadlineTest, WithoutTimeoutSecondsTheEnginesDefaultApplies) {
  ASSERT_TRUE(start("untimed", "u-1", json::parse(R"({"amount": 5})")).has_value());
  ASSERT_EQ(resource_->held.size(), 1u);
  advance(engine_->default_task_timeout - 1s);
  EXPECT_EQ(status_of("untimed:u-1"), "RUNNING");
  advance(1s + kTaskDeadlineSweep);
  EXPECT_EQ(status_of("untimed:u-1"), "RUNNING");  // looked up, with the same deadline
  ASSERT_EQ(resource_->attempts.size(), 2u);
  advance(engine_->default_task_timeout + kTaskDeadlineSweep);
  auto rec = record("untimed:u-1");
  ASSERT_TRUE(rec.has_value());
  EXPECT_EQ(rec->error, "States.Timeout");
  EXPECT_EQ(rec->cause, "Task timed out after " +
                            std::to_string(engine_->default_task_timeout.count()) + " seconds");
}

// A ledger operation is never given up on: its commit could still come (docs/ledger.md).
TEST_F(TaskDeadlineTest, ALedgerTaskWaitsForItsAnswerPastTimeoutSeconds) {
  auto ledger = std::make_shared<HeldLedger>();
  engine_->ledger = system_.spawn(held_ledger, ledger);
  ASSERT_TRUE(start("deposit", "d-1", json::object{}).has_value());
  ASSERT_EQ(ledger->held.size(), 1u);
  EXPECT_EQ(armed(), 0u);  // nothing for the sweeper to look at
  advance(10s);
  EXPECT_EQ(status_of("deposit:d-1"), "RUNNING");

  caf::anon_send(engine_->ledger, wake_atom::value);
  run();
  auto rec = record("deposit:d-1");
  ASSERT_TRUE(rec.has_value());
  EXPECT_EQ(std::string(status_name(rec->status)), "SUCCEEDED") << rec->error << rec->cause;
  EXPECT_EQ(rec->output.at("deposit").at("status"), "DEPOSITED");
  EXPECT_EQ(armed(), 0u);
  caf::anon_send_exit(engine_->ledger, caf::exit_reason::user_shutdown);
}

TEST_F(TaskDeadlineTest, AStoppedExecutionLeavesNoDeadlineArmed) {
  ASSERT_TRUE(start("timed", "s-1", json::parse(R"({"amount": 5})")).has_value());
  EXPECT_EQ(armed(), 1u);
  auto stopped = stop("timed:s-1");
  ASSERT_TRUE(stopped.has_value());
  EXPECT_TRUE(stopped->ok) << stopped->error.message;
  EXPECT_EQ(armed(), 0u);
}

}  // namespace
}  // namespace settled::actors::testing
