// Tests for settled:notify.send (src/domain/resources/notify.hpp).

#include "domain/resources/notify.hpp"

#include "domain/notifications/notification.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <string>

namespace settled {
namespace {

namespace json = boost::json;
namespace n = notifications;
using ::testing::StartsWith;

TaskAttempt attempt(std::string_view parameters) {
  TaskAttempt a;
  a.resource = "settled:notify.send";
  a.parameters = json::parse(parameters);
  a.idempotency_key = "exec-1/NotifyCustomer/11";
  a.execution_id = "exec-1";
  a.state_name = "NotifyCustomer";
  a.now = 1'700'000'000'000;
  a.entered_event_id = 11;
  return a;
}

const WriteOp* find_op(const TaskOutcome& o, Table table) {
  for (const auto& op : o.writes.ops)
    if (op.table == table) return &op;
  return nullptr;
}

TEST(NotifySend, RecordsTheNotificationInTheSeedsShapeUnderItsId) {
  const TaskOutcome o = run_notify_send(attempt(
      R"({"user": "c-1", "subject": "Payment received", "message": "Thanks!", "paymentId": "p-1"})"));
  ASSERT_TRUE(o.ok) << o.cause;
  const std::string id = n::notification_id("exec-1/NotifyCustomer/11");
  EXPECT_TRUE(n::is_notification_id(id)) << id;
  EXPECT_EQ(o.result, json::parse(R"({"notificationId": "exec-1/NotifyCustomer/11", "id": ")" + id +
                                  R"(", "user": "c-1", "userId": "c-1",
                                     "channel": "default", "status": "RECORDED"})"));
  ASSERT_EQ(o.writes.size(), 3u);
  const WriteOp* stored = find_op(o, Table::kNotifications);
  ASSERT_NE(stored, nullptr);
  EXPECT_FALSE(stored->erase);
  EXPECT_EQ(stored->key, id);
  auto row = n::decode_notification(stored->value);
  ASSERT_TRUE(row.ok()) << row.error().message;
  EXPECT_EQ(row->created_at, 1'700'000'000'000);
  EXPECT_EQ(row->order, 11);
  EXPECT_EQ(json::value(row->notification), json::parse(R"({"user": "c-1", "userId": "c-1",
      "subject": "Payment received", "message": "Thanks!", "paymentId": "p-1", "id": ")" +
                                                        id +
                                                        R"(", "type": "GENERAL",
      "title": "Payment received", "isRead": false, "relatedId": null,
      "notificationId": "exec-1/NotifyCustomer/11", "executionId": "exec-1", "channel": "default",
      "createdAt": "2023-11-14T22:13:20.000Z", "updatedAt": "2023-11-14T22:13:20.000Z"})"));
  const WriteOp* inbox = find_op(o, Table::kNotificationInbox);
  ASSERT_NE(inbox, nullptr);
  EXPECT_EQ(inbox->key, n::inbox_key("c-1", 1'700'000'000'000, 11, id));
  const WriteOp* outbox = find_op(o, Table::kNotificationOutbox);
  ASSERT_NE(outbox, nullptr);
  EXPECT_EQ(outbox->key, n::outbox_key(0, id));
  auto entry = n::decode_outbox(outbox->value);
  ASSERT_TRUE(entry.ok());
  EXPECT_EQ(entry->attempts, 0);
}

TEST(NotifySend, TakesTheSeedsFields) {
  const TaskOutcome o =
      run_notify_send(attempt(R"({"userId": "u-9", "type": "SERVICE_REQUEST_RECEIVED",
                  "title": "New Service Request", "message": "You have a request",
                  "relatedId": "req-1"})"));
  ASSERT_TRUE(o.ok) << o.cause;
  auto row = n::decode_notification(find_op(o, Table::kNotifications)->value);
  ASSERT_TRUE(row.ok());
  EXPECT_EQ(row->user_id(), "u-9");
  EXPECT_EQ(row->notification.at("type"), "SERVICE_REQUEST_RECEIVED");
  EXPECT_EQ(row->notification.at("relatedId"), "req-1");
  EXPECT_EQ(row->notification.at("title"), "New Service Request");
  EXPECT_EQ(o.result.at("user"), "u-9");
}

TEST(NotifySend, KeepsAGivenChannel) {
  const TaskOutcome o =
      run_notify_send(attempt(R"({"user": "c-1", "message": "", "channel": "sms"})"));
  ASSERT_TRUE(o.ok);
  EXPECT_EQ(o.result.at("channel"), json::value("sms"));
  auto row = n::decode_notification(find_op(o, Table::kNotifications)->value);
  ASSERT_TRUE(row.ok());
  EXPECT_EQ(row->notification.at("channel"), json::value("sms"));
}

TEST(NotifySend, ARetriedStepWritesTheSameKeys) {
  const TaskOutcome a = run_notify_send(attempt(R"({"user": "c-1", "message": "m"})"));
  const TaskOutcome b = run_notify_send(attempt(R"({"user": "c-1", "message": "m"})"));
  ASSERT_TRUE(a.ok);
  ASSERT_TRUE(b.ok);
  ASSERT_EQ(a.writes.size(), b.writes.size());
  for (std::size_t i = 0; i < a.writes.size(); ++i)
    EXPECT_EQ(a.writes.ops[i].key, b.writes.ops[i].key);
}

TEST(NotifySend, RefusesBadParameters) {
  struct Case {
    const char* params;
    const char* field;
  };
  const std::string long_user(n::kMaxUserIdBytes + 1, 'u');
  const std::string too_long = R"({"user": ")" + long_user + R"(", "message": "m"})";
  for (const Case& c :
       {Case{R"({"message": "m"})", "parameters.user"},
        Case{R"({"user": "", "message": "m"})", "parameters.user"},
        Case{R"({"user": 7, "message": "m"})", "parameters.user"},
        Case{too_long.c_str(), "parameters.user"},
        Case{R"({"user": "a", "userId": "b", "message": "m"})", "parameters.user"},
        // Keyed user + NUL: "c\0x" would list in the inbox of "c"; no GET could name "a/b".
        Case{R"({"user": "c\u0000x", "message": "m"})", "parameters.user"},
        Case{R"({"userId": "a/b", "message": "m"})", "parameters.user"},
        Case{R"({"user": "..", "message": "m"})", "parameters.user"},
        Case{R"({"userId": 3, "message": "m"})", "parameters.userId"},
        Case{R"({"user": "c-1"})", "parameters.message"},
        Case{R"({"user": "c-1", "message": null})", "parameters.message"},
        Case{R"({"user": "c-1", "message": "m", "channel": 1})", "parameters.channel"},
        Case{R"({"user": "c-1", "message": "m", "type": 1})", "parameters.type"},
        Case{R"({"user": "c-1", "message": "m", "relatedId": []})", "parameters.relatedId"},
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
