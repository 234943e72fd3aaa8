// Tests for settled:notify.send (src/domain/resources/notify.hpp).

#include "domain/resources/notify.hpp"

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
  a.resource = "settled:notify.send";
  a.parameters = json::parse(parameters);
  a.idempotency_key = "exec-1/NotifyCustomer/11";
  a.execution_id = "exec-1";
  a.state_name = "NotifyCustomer";
  a.now = 1'700'000'000'000;
  return a;
}

TEST(NotifySend, RecordsTheNotificationUnderTheIdempotencyKey) {
  const TaskOutcome o = run_notify_send(attempt(
      R"({"user": "c-1", "subject": "Payment received", "message": "Thanks!", "paymentId": "p-1"})"));
  ASSERT_TRUE(o.ok) << o.cause;
  EXPECT_EQ(o.result, json::parse(R"({"notificationId": "exec-1/NotifyCustomer/11", "user": "c-1",
                                     "channel": "default", "status": "RECORDED"})"));
  ASSERT_EQ(o.writes.size(), 1u);
  const WriteOp& op = o.writes.ops[0];
  EXPECT_EQ(op.table, Table::kNotifications);
  EXPECT_FALSE(op.erase);
  EXPECT_EQ(op.key, "exec-1/NotifyCustomer/11");
  EXPECT_EQ(json::parse(op.value), json::parse(R"({"user": "c-1", "subject": "Payment received",
      "message": "Thanks!", "paymentId": "p-1", "notificationId": "exec-1/NotifyCustomer/11",
      "executionId": "exec-1", "channel": "default", "createdAt": "2023-11-14T22:13:20.000Z"})"));
}

TEST(NotifySend, KeepsAGivenChannel) {
  const TaskOutcome o =
      run_notify_send(attempt(R"({"user": "c-1", "message": "", "channel": "sms"})"));
  ASSERT_TRUE(o.ok);
  EXPECT_EQ(o.result.at("channel"), json::value("sms"));
  EXPECT_EQ(json::parse(o.writes.ops[0].value).at("channel"), json::value("sms"));
}

TEST(NotifySend, ARetriedStepWritesTheSameKey) {
  const TaskOutcome a = run_notify_send(attempt(R"({"user": "c-1", "message": "m"})"));
  const TaskOutcome b = run_notify_send(attempt(R"({"user": "c-1", "message": "m"})"));
  ASSERT_TRUE(a.ok);
  ASSERT_TRUE(b.ok);
  EXPECT_EQ(a.writes.ops[0].key, b.writes.ops[0].key);
}

TEST(NotifySend, RefusesBadParameters) {
  struct Case {
    const char* params;
    const char* field;
  };
  for (const Case& c :
       {Case{R"({"message": "m"})", "parameters.user"},
        Case{R"({"user": "", "message": "m"})", "parameters.user"},
        Case{R"({"user": 7, "message": "m"})", "parameters.user"},
        Case{R"({"user": "c-1"})", "parameters.message"},
        Case{R"({"user": "c-1", "message": null})", "parameters.message"},
        Case{R"({"user": "c-1", "message": "m", "channel": 1})", "parameters.channel"},
        Case{R"([1])", "parameters"}}) {
    const TaskOutcome o = run_notify_send(attempt(c.params));
    EXPECT_FALSE(o.ok) << c.params;
    EXPECT_EQ(o.error, "Notify.InvalidParameters") << c.params;
    EXPECT_THAT(o.cause, StartsWith(c.field)) << c.params;
    EXPECT_TRUE(o.writes.empty()) << c.params;
  }
}

}  // namespace
}  // namespace settled
