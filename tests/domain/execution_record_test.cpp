// Tests for the durable execution record (src/domain/execution_record.hpp).

#include "domain/execution_record.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <string>

namespace settled {
namespace {

namespace json = boost::json;

ExecutionRecord sample() {
  ExecutionRecord r;
  r.id = "exec-7";
  r.state_machine = "payment";
  r.name = "order-123";
  r.status = ExecutionStatus::kRunning;
  r.input =
      json::parse(R"({"paymentId": "p-1", "amount": 1250, "nested": {"list": [1, null, "x"]}})");
  r.output = nullptr;
  r.start = 1'700'000'000'000;
  r.state = "ProcessPayment";
  r.state_input = json::parse(R"({"paymentId": "p-1", "amount": 1250})");
  r.wait_output = json::parse(R"(["w"])");
  r.state_entered = 1'700'000'000'500;
  r.entered_event_id = 7;
  r.retrier_attempts = {2, 0, 1};
  r.retry_count = 3;
  r.phase = Phase::kRetryWait;
  r.due = 1'700'000'004'500;
  r.last_event_id = 12;
  return r;
}

void expect_same(const ExecutionRecord& a, const ExecutionRecord& b) {
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.state_machine, b.state_machine);
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.status, b.status);
  EXPECT_EQ(a.input, b.input);
  EXPECT_EQ(a.output, b.output);
  EXPECT_EQ(a.error, b.error);
  EXPECT_EQ(a.cause, b.cause);
  EXPECT_EQ(a.start, b.start);
  EXPECT_EQ(a.stop, b.stop);
  EXPECT_EQ(a.state, b.state);
  EXPECT_EQ(a.state_input, b.state_input);
  EXPECT_EQ(a.wait_output, b.wait_output);
  EXPECT_EQ(a.state_entered, b.state_entered);
  EXPECT_EQ(a.entered_event_id, b.entered_event_id);
  EXPECT_EQ(a.retrier_attempts, b.retrier_attempts);
  EXPECT_EQ(a.retry_count, b.retry_count);
  EXPECT_EQ(a.phase, b.phase);
  EXPECT_EQ(a.due, b.due);
  EXPECT_EQ(a.last_event_id, b.last_event_id);
}

TEST(ExecutionRecord, RoundTripsThroughJson) {
  const ExecutionRecord original = sample();
  auto back = ExecutionRecord::from_json(original.to_json());
  ASSERT_TRUE(back.ok()) << back.error().message;
  expect_same(original, *back);
}

TEST(ExecutionRecord, RoundTripsThroughSerialisedText) {
  // The store keeps the record as JSON text.
  const ExecutionRecord original = sample();
  auto back = ExecutionRecord::from_json(json::parse(json::serialize(original.to_json())));
  ASSERT_TRUE(back.ok()) << back.error().message;
  expect_same(original, *back);
}

TEST(ExecutionRecord, RoundTripsEveryStatusAndPhase) {
  for (auto status :
       {ExecutionStatus::kRunning, ExecutionStatus::kSucceeded, ExecutionStatus::kFailed,
        ExecutionStatus::kTimedOut, ExecutionStatus::kAborted}) {
    for (auto phase : {Phase::kTask, Phase::kRetryWait, Phase::kWait, Phase::kDone}) {
      ExecutionRecord r = sample();
      r.status = status;
      r.phase = phase;
      r.output = json::parse(R"({"ok": true})");
      r.error = "Stripe.CardError";
      r.cause = "{\"code\":\"card_declined\"}";
      r.stop = r.start + 9000;
      r.retrier_attempts.clear();
      auto back = ExecutionRecord::from_json(r.to_json());
      ASSERT_TRUE(back.ok()) << back.error().message;
      expect_same(r, *back);
    }
  }
}

TEST(ExecutionRecord, RoundTripsLargeAndNegativeNumbers) {
  ExecutionRecord r = sample();
  r.start = -5;
  r.due = 253'402'300'799'999;
  r.last_event_id = 4'000'000'000;
  auto back = ExecutionRecord::from_json(r.to_json());
  ASSERT_TRUE(back.ok());
  expect_same(r, *back);
}

TEST(ExecutionRecord, FromJsonRefusesCorruptRecords) {
  const json::value good = sample().to_json();
  {
    json::value v = good;
    v.as_object().erase("status");
    auto r = ExecutionRecord::from_json(v);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kInternal);
  }
  {
    json::value v = good;
    v.as_object()["status"] = "SLEEPING";
    auto r = ExecutionRecord::from_json(v);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("status"), std::string::npos);
  }
  {
    json::value v = good;
    v.as_object()["cursor"].as_object()["phase"] = "dreaming";
    auto r = ExecutionRecord::from_json(v);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("phase"), std::string::npos);
  }
  {
    json::value v = good;
    v.as_object()["cursor"].as_object().erase("enteredEventId");
    EXPECT_FALSE(ExecutionRecord::from_json(v).ok());
  }
  {
    json::value v = good;
    v.as_object()["id"] = 5;
    EXPECT_FALSE(ExecutionRecord::from_json(v).ok());
  }
  EXPECT_FALSE(ExecutionRecord::from_json(json::value("not an object")).ok());
  EXPECT_FALSE(ExecutionRecord::from_json(json::value(nullptr)).ok());
}

TEST(ExecutionRecord, IdempotencyKeyIsExecutionStateAndEntry) {
  ExecutionRecord r = sample();
  EXPECT_EQ(r.idempotency_key(), "exec-7/ProcessPayment/7");
  // The same across retries (retry counters and due time do not enter the key)...
  r.retry_count = 5;
  r.retrier_attempts = {4};
  r.due += 10'000;
  r.phase = Phase::kTask;
  EXPECT_EQ(r.idempotency_key(), "exec-7/ProcessPayment/7");
  // ...and new on the next entry of the same state.
  r.entered_event_id = 19;
  EXPECT_EQ(r.idempotency_key(), "exec-7/ProcessPayment/19");
  // And across a restart.
  auto back = ExecutionRecord::from_json(r.to_json());
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->idempotency_key(), "exec-7/ProcessPayment/19");
}

TEST(ExecutionRecord, StatusNames) {
  EXPECT_STREQ(status_name(ExecutionStatus::kRunning), "RUNNING");
  EXPECT_STREQ(status_name(ExecutionStatus::kSucceeded), "SUCCEEDED");
  EXPECT_STREQ(status_name(ExecutionStatus::kFailed), "FAILED");
  EXPECT_STREQ(status_name(ExecutionStatus::kTimedOut), "TIMED_OUT");
  EXPECT_STREQ(status_name(ExecutionStatus::kAborted), "ABORTED");
  EXPECT_EQ(parse_status("TIMED_OUT"), ExecutionStatus::kTimedOut);
  EXPECT_EQ(parse_status("SUCCEEDED"), ExecutionStatus::kSucceeded);
  EXPECT_FALSE(parse_status("running").has_value());
  EXPECT_FALSE(parse_status("").has_value());
}

TEST(ExecutionRecord, DescribeRunning) {
  const ExecutionRecord r = sample();
  const json::object d = r.describe();
  EXPECT_EQ(d.at("executionId"), json::value("exec-7"));
  EXPECT_EQ(d.at("stateMachine"), json::value("payment"));
  EXPECT_EQ(d.at("name"), json::value("order-123"));
  EXPECT_EQ(d.at("status"), json::value("RUNNING"));
  EXPECT_EQ(d.at("startDate"), json::value("2023-11-14T22:13:20.000Z"));
  EXPECT_EQ(d.at("input"), r.input);
  EXPECT_EQ(d.at("currentState"), json::value("ProcessPayment"));
  EXPECT_FALSE(d.contains("stopDate"));
  EXPECT_FALSE(d.contains("output"));
  EXPECT_FALSE(d.contains("error"));
  EXPECT_FALSE(d.contains("cause"));
  // The cursor is internal.
  EXPECT_FALSE(d.contains("cursor"));
  EXPECT_FALSE(d.contains("due"));
}

TEST(ExecutionRecord, DescribeSucceeded) {
  ExecutionRecord r = sample();
  r.status = ExecutionStatus::kSucceeded;
  r.output = json::parse(R"({"charge": {"status": "succeeded"}})");
  r.stop = r.start + 2'345;
  r.phase = Phase::kDone;
  const json::object d = r.describe();
  EXPECT_EQ(d.at("status"), json::value("SUCCEEDED"));
  EXPECT_EQ(d.at("stopDate"), json::value("2023-11-14T22:13:22.345Z"));
  EXPECT_EQ(d.at("output"), r.output);
  EXPECT_FALSE(d.contains("currentState"));
  EXPECT_FALSE(d.contains("error"));
}

TEST(ExecutionRecord, DescribeFailed) {
  ExecutionRecord r = sample();
  r.status = ExecutionStatus::kFailed;
  r.error = "Stripe.CardError";
  r.cause = "Your card was declined.";
  r.stop = r.start + 1'000;
  const json::object d = r.describe();
  EXPECT_EQ(d.at("status"), json::value("FAILED"));
  EXPECT_EQ(d.at("error"), json::value("Stripe.CardError"));
  EXPECT_EQ(d.at("cause"), json::value("Your card was declined."));
  EXPECT_EQ(d.at("stopDate"), json::value("2023-11-14T22:13:21.000Z"));
  EXPECT_FALSE(d.contains("output"));
  EXPECT_FALSE(d.contains("currentState"));
}

TEST(ExecutionRecord, DescribeTimedOutAndAborted) {
  for (auto status : {ExecutionStatus::kTimedOut, ExecutionStatus::kAborted}) {
    ExecutionRecord r = sample();
    r.status = status;
    r.error = status == ExecutionStatus::kTimedOut ? "States.Timeout" : "";
    r.stop = r.start + 60'000;
    const json::object d = r.describe();
    EXPECT_EQ(d.at("status"), json::value(status_name(status)));
    EXPECT_EQ(d.at("stopDate"), json::value("2023-11-14T22:14:20.000Z"));
    EXPECT_FALSE(d.contains("output"));
    EXPECT_FALSE(d.contains("currentState"));
    EXPECT_EQ(d.contains("error"), status == ExecutionStatus::kTimedOut);
  }
}

}  // namespace
}  // namespace settled

namespace settled {
namespace {

TEST(ExecutionRecordSerialize, WritesTheSameDocumentAsToJson) {
  ExecutionRecord r;
  r.id = "payment:p-\"1\"";
  r.state_machine = "payment";
  r.name = "p-\"1\"";
  r.status = ExecutionStatus::kFailed;
  r.input = boost::json::parse(R"({"amount":1250,"nested":{"a":[1,2,"x\ny"]}})");
  r.output = nullptr;
  r.error = "Payment.Declined";
  r.cause = "{\"code\":\"card_declined\"}";
  r.start = 1795253614000;
  r.stop = 1795253614123;
  r.state = "Process Payment";
  r.state_input = boost::json::parse(R"({"k":"v"})");
  r.retrier_attempts = {2, 0, 1};
  r.retry_count = 3;
  r.phase = Phase::kRetryWait;
  r.due = 1795253615000;
  r.entered_event_id = 7;
  r.last_event_id = 12;
  EXPECT_EQ(boost::json::parse(r.serialize()), r.to_json());
  auto back = ExecutionRecord::from_json(boost::json::parse(r.serialize()));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->retrier_attempts, r.retrier_attempts);
  EXPECT_EQ(back->cause, r.cause);
  EXPECT_EQ(back->phase, Phase::kRetryWait);
}

}  // namespace
}  // namespace settled
