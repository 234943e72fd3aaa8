// Tests for the durable execution record (src/domain/execution_record.hpp).

#include "domain/execution_record.hpp"
#include "support/field_count.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <iterator>
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

// Every durable field set to something other than its default: a field the codec drops comes
// back different and fails expect_same.
ExecutionRecord full() {
  ExecutionRecord r = sample();
  r.state_machine_version = 4;
  r.output = json::parse(R"({"ok": [true, 1.5]})");
  r.error = "Stripe.CardError";
  r.cause = "{\"code\":\"card_declined\"}";
  r.stop = r.start + 9000;
  r.deadline = r.start + 3'600'000;
  r.redrive_count = 2;
  r.redrive_date = r.start + 60'000;
  r.task_token = "tok-3f2a";
  r.task_deadline = r.start + 120'000;
  r.branches_event_id = 9;
  r.branches = "qrsfa";
  r.parent_id = "exec-1";
  r.branch_index = 2;
  r.scope = {asl::ScopeStep{"Fan", 1}, asl::ScopeStep{"Each", 0}};
  r.test_case = "HappyPath";
  r.variables = json::parse(R"({"total": 1250, "who": {"id": "u1"}})").as_object();
  r.outer_variables = json::parse(R"({"limit": [1, 2]})").as_object();
  return r;
}

// When a field is added to ExecutionRecord, this fails: add it to the codec (to_json,
// serialize, from_json), to full() and to expect_same, then update the count.
static_assert(testing::field_count<ExecutionRecord>() == 34,
              "ExecutionRecord gained or lost a field: update its codec and this test");

void expect_same(const ExecutionRecord& a, const ExecutionRecord& b) {
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.state_machine, b.state_machine);
  EXPECT_EQ(a.state_machine_version, b.state_machine_version);
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.status, b.status);
  EXPECT_EQ(a.input, b.input);
  EXPECT_EQ(a.output, b.output);
  EXPECT_EQ(a.error, b.error);
  EXPECT_EQ(a.cause, b.cause);
  EXPECT_EQ(a.start, b.start);
  EXPECT_EQ(a.stop, b.stop);
  EXPECT_EQ(a.deadline, b.deadline);
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
  EXPECT_EQ(a.task_token, b.task_token);
  EXPECT_EQ(a.task_deadline, b.task_deadline);
  EXPECT_EQ(a.branches_event_id, b.branches_event_id);
  EXPECT_EQ(a.branches, b.branches);
  EXPECT_EQ(a.parent_id, b.parent_id);
  EXPECT_EQ(a.branch_index, b.branch_index);
  EXPECT_EQ(a.test_case, b.test_case);
  EXPECT_EQ(a.redrive_count, b.redrive_count);
  EXPECT_EQ(a.redrive_date, b.redrive_date);
  EXPECT_EQ(a.variables, b.variables);
  EXPECT_EQ(a.outer_variables, b.outer_variables);
  ASSERT_EQ(a.scope.size(), b.scope.size());
  for (std::size_t i = 0; i < a.scope.size(); ++i) {
    EXPECT_EQ(a.scope[i].state, b.scope[i].state) << i;
    EXPECT_EQ(a.scope[i].branch, b.scope[i].branch) << i;
  }
}

// Decodes the stored text (serialize(), what the store writes) and checks every field, and
// that encoding again gives the same document by both encoders.
void expect_round_trip(const ExecutionRecord& r) {
  const std::string stored = r.serialize();
  EXPECT_EQ(json::parse(stored), r.to_json());
  auto back = ExecutionRecord::from_json(json::parse(stored));
  ASSERT_TRUE(back.ok()) << back.error().message;
  expect_same(r, *back);
  EXPECT_EQ(back->serialize(), stored);
  EXPECT_EQ(back->to_json(), r.to_json());
}

const Phase kEveryPhase[] = {Phase::kTask,  Phase::kRetryWait, Phase::kWait,    Phase::kDone,
                             Phase::kStart, Phase::kBranches,  Phase::kCallback};
static_assert(static_cast<int>(Phase::kCallback) == 6 && std::size(kEveryPhase) == 7,
              "a Phase was added: add it to kEveryPhase");

TEST(ExecutionRecord, EveryFieldOfAFullRecordRoundTrips) {
  const ExecutionRecord r = full();
  // The fixture really sets every field (a default left in place could hide a dropped field).
  const ExecutionRecord blank;
  EXPECT_NE(r.state_machine_version, blank.state_machine_version);
  EXPECT_NE(r.deadline, blank.deadline);
  EXPECT_NE(r.redrive_count, blank.redrive_count);
  EXPECT_NE(r.redrive_date, blank.redrive_date);
  EXPECT_NE(r.task_deadline, blank.task_deadline);
  EXPECT_NE(r.branches_event_id, blank.branches_event_id);
  EXPECT_NE(r.branch_index, blank.branch_index);
  EXPECT_NE(r.stop, blank.stop);
  EXPECT_NE(r.phase, blank.phase);
  EXPECT_FALSE(r.task_token.empty() || r.branches.empty() || r.parent_id.empty() ||
               r.scope.empty() || r.test_case.empty() || r.error.empty() || r.cause.empty() ||
               r.output.is_null() || r.wait_output.is_null() || r.retrier_attempts.empty() ||
               r.variables.empty() || r.outer_variables.empty());
  expect_round_trip(r);
}

// Records written before workflow variables existed have no "variables"/"outerVariables": they
// read as no variables, and a record without variables is stored without the fields.
// The payloads' texts, when the writer has them, are written as they are: the same document as
// serializing the payloads, any of them given; the cursor's input whether or not it is the
// execution's (then stored once, whatever text is given for it).
TEST(ExecutionRecord, KnownPayloadTextsWriteTheSameDocument) {
  for (const bool same_input : {false, true}) {
    for (ExecutionRecord r : {sample(), full()}) {
      SCOPED_TRACE(same_input);
      r.output = json::parse(R"({"charge": {"id": "pi_1", "status": "succeeded"}, "n": [1, 2]})");
      r.state_input = same_input ? r.input : json::parse(R"({"validated": true, "amount": 5})");
      ASSERT_EQ(r.cursor_input_is_input(), same_input);
      const std::string input = json::serialize(r.input);
      const std::string output = json::serialize(r.output);
      const std::string state_input = json::serialize(r.state_input);
      const std::string expected = r.serialize();
      EXPECT_EQ(r.serialize({input, output, state_input}), expected);
      EXPECT_EQ(r.serialize({input, {}, {}}), expected);
      EXPECT_EQ(r.serialize({{}, output, {}}), expected);
      EXPECT_EQ(r.serialize({{}, {}, state_input}), expected);
    }
  }
}

TEST(ExecutionRecord, RecordsWithoutVariablesStayReadable) {
  ExecutionRecord r = sample();
  const std::string stored = r.serialize();
  EXPECT_EQ(stored.find("ariables"), std::string::npos);
  auto back = ExecutionRecord::from_json(json::parse(stored));
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_TRUE(back->variables.empty());
  EXPECT_TRUE(back->outer_variables.empty());
}

// The first state's input is the execution's input: stored once, read back as both.
TEST(ExecutionRecord, ACursorInputEqualToTheInputIsStoredOnce) {
  ExecutionRecord r = full();
  r.input = json::parse(R"({"description": "a rather long description, stored only once"})");
  r.state_input = r.input;
  const std::string stored = r.serialize();
  EXPECT_EQ(stored.find("stored only once"), stored.rfind("stored only once")) << stored;
  EXPECT_NE(stored.find(R"("inputSameAs":"input")"), std::string::npos) << stored;
  expect_round_trip(r);
  // A different cursor input is written out, and a null one stays null.
  r.state_input = json::parse(R"({"other": true})");
  EXPECT_EQ(r.serialize().find("inputSameAs"), std::string::npos);
  expect_round_trip(r);
  r.input = nullptr;
  r.state_input = nullptr;
  EXPECT_EQ(r.serialize().find("inputSameAs"), std::string::npos);
  expect_round_trip(r);
}

TEST(ExecutionRecord, VisibleVariablesAreTheOuterOnesWithTheOwnOverThem) {
  ExecutionRecord r = sample();
  r.outer_variables = json::parse(R"({"a": 1, "b": 2})").as_object();
  r.variables = json::parse(R"({"b": 3, "c": 4})").as_object();
  EXPECT_EQ(json::value(r.visible_variables()), json::parse(R"({"a": 1, "b": 3, "c": 4})"));
}

TEST(ExecutionRecord, EveryPhaseAndStatusRoundTripsEveryField) {
  for (auto status :
       {ExecutionStatus::kRunning, ExecutionStatus::kSucceeded, ExecutionStatus::kFailed,
        ExecutionStatus::kTimedOut, ExecutionStatus::kAborted}) {
    for (auto phase : kEveryPhase) {
      SCOPED_TRACE(std::string(status_name(status)) + " phase " +
                   std::to_string(static_cast<int>(phase)));
      ExecutionRecord r = full();
      r.status = status;
      r.phase = phase;
      expect_round_trip(r);
      // A top-level execution (no parent, no token) keeps its shape too.
      r.parent_id.clear();
      r.branch_index = 0;
      r.scope.clear();
      r.task_token.clear();
      r.task_deadline = 0;
      expect_round_trip(r);
    }
  }
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
    EXPECT_EQ(r.error().code, ErrorCode::kRecordCorrupt);
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

// serialize() writes the record's text directly: byte for byte what serializing to_json()
// writes, optional members and member order included.
TEST(ExecutionRecordSerialize, WritesToJsonsBytesWithEveryOptionalMember) {
  ExecutionRecord r;
  r.id = "payment:p-1/branch";
  r.state_machine = "payment";
  r.state_machine_version = 3;
  r.name = "p-1 \u00e9";
  r.status = ExecutionStatus::kRunning;
  r.input = boost::json::parse(R"({"amount":1250,"rate":0.5,"big":18446744073709551615})");
  r.start = 1795253614000;
  r.deadline = 1795253714000;
  r.redrive_count = 2;
  r.redrive_date = 1795253615000;
  r.state = "Charge";
  r.state_input = boost::json::parse(R"({"other":true})");
  r.wait_output = boost::json::parse(R"([1,null,"x"])");
  r.task_token = "token\t1";
  r.task_deadline = 1795253616000;
  r.branches = "qrs";
  r.parent_id = "payment:p-1";
  r.branch_index = 4;
  r.scope = {asl::ScopeStep{"Fan out", 1}};
  r.test_case = "payment#Declined";
  r.variables = boost::json::object{{"x", 1}};
  r.outer_variables = boost::json::object{{"y", "z"}};
  EXPECT_EQ(r.serialize(), boost::json::serialize(r.to_json()));
  r.state_input = r.input;  // stored as "inputSameAs"
  EXPECT_EQ(r.serialize(), boost::json::serialize(r.to_json()));
  EXPECT_NE(r.serialize().find(R"("inputSameAs":"input")"), std::string::npos);
}

}  // namespace
}  // namespace settled
