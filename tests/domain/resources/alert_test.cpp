// Tests for settled:alert.raise (src/domain/resources/alert.hpp).

#include "domain/resources/alert.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <string>

namespace settled {
namespace {

namespace json = boost::json;
using ::testing::StartsWith;

TaskAttempt attempt(std::string_view parameters) {
  TaskAttempt a;
  a.resource = "settled:alert.raise";
  a.parameters = json::parse(parameters);
  a.idempotency_key = "exec-3/RaiseAlert/21";
  a.execution_id = "exec-3";
  a.state_name = "RaiseAlert";
  a.now = 1'700'000'000'000;
  return a;
}

TEST(AlertRaise, RecordsACriticalAlertByDefault) {
  const TaskOutcome o =
      run_alert_raise(attempt(R"({"message": "retries exhausted", "subject": "Payment p-1"})"));
  ASSERT_TRUE(o.ok) << o.cause;
  EXPECT_EQ(o.result,
            json::parse(
                R"({"alertId": "exec-3/RaiseAlert/21", "severity": "critical", "status": "RAISED",
          "message": "retries exhausted", "subject": "Payment p-1"})"));
  ASSERT_EQ(o.writes.size(), 1u);
  const WriteOp& op = o.writes.ops[0];
  EXPECT_EQ(op.table, Table::kAlerts);
  EXPECT_FALSE(op.erase);
  EXPECT_EQ(op.key, "exec-3/RaiseAlert/21");
  EXPECT_EQ(json::parse(op.value),
            json::parse(R"({"message": "retries exhausted", "subject": "Payment p-1",
      "alertId": "exec-3/RaiseAlert/21", "executionId": "exec-3", "severity": "critical",
      "raisedAt": "2023-11-14T22:13:20.000Z"})"));
}

TEST(AlertRaise, WhatSnsPublishCarriesGoesWithTheAlert) {
  const TaskOutcome o = run_alert_raise(attempt(R"({"message": "m", "topicArn": "arn:t",
      "attributes": {"kind": "audit"}, "messageGroupId": "g-1",
      "messageDeduplicationId": "d-1"})"));
  ASSERT_TRUE(o.ok) << o.cause;
  EXPECT_EQ(o.result, json::parse(R"({"alertId": "exec-3/RaiseAlert/21", "severity": "critical",
      "status": "RAISED", "message": "m", "topicArn": "arn:t", "attributes": {"kind": "audit"},
      "messageGroupId": "g-1", "messageDeduplicationId": "d-1"})"));
}

TEST(AlertRaise, AcceptsEachSeverity) {
  for (const char* severity : {"info", "warning", "critical"}) {
    const TaskOutcome o = run_alert_raise(
        attempt(std::string(R"({"message": "m", "severity": ")") + severity + "\"}"));
    ASSERT_TRUE(o.ok) << severity;
    EXPECT_EQ(o.result.at("severity"), json::value(severity));
    EXPECT_EQ(json::parse(o.writes.ops[0].value).at("severity"), json::value(severity));
  }
}

TEST(AlertRaise, RefusesBadParameters) {
  struct Case {
    const char* params;
    const char* field;
  };
  for (const Case& c :
       {Case{R"({})", "parameters.message"}, Case{R"({"message": 5})", "parameters.message"},
        Case{R"({"message": "m", "severity": "fatal"})", "parameters.severity"},
        Case{R"({"message": "m", "severity": "CRITICAL"})", "parameters.severity"},
        Case{R"({"message": "m", "severity": 1})", "parameters.severity"},
        Case{R"("alert")", "parameters"}}) {
    const TaskOutcome o = run_alert_raise(attempt(c.params));
    EXPECT_FALSE(o.ok) << c.params;
    EXPECT_EQ(o.error, "Alert.InvalidParameters") << c.params;
    EXPECT_THAT(o.cause, StartsWith(c.field)) << c.params;
    EXPECT_TRUE(o.writes.empty()) << c.params;
  }
}

}  // namespace
}  // namespace settled
