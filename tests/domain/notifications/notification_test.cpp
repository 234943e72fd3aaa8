// Tests for the notification keys, row codecs and retry policy
// (src/domain/notifications/notification.hpp).

#include "domain/notifications/notification.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

namespace settled::notifications {
namespace {

namespace json = boost::json;
using std::chrono::milliseconds;

TEST(NotificationId, IsDerivedFromTheKeyAndSafeInAPath) {
  const std::string id = notification_id("payment:p-1/Notify Customer/7");
  EXPECT_EQ(id, notification_id("payment:p-1/Notify Customer/7"));
  EXPECT_NE(id, notification_id("payment:p-1/Notify Customer/8"));
  EXPECT_TRUE(is_notification_id(id));
  EXPECT_EQ(id.size(), 36u);
  EXPECT_EQ(id.find('/'), std::string::npos);
  for (const char* bad :
       {"", "ntf_", "ntf_0123456789abcdef0123456789ABCDEF", "xyz_0123456789abcdef0123456789abcdef",
        "ntf_0123456789abcdef0123456789abcdef0", "ntf_0123456789abcdef0123456789abcdeg"})
    EXPECT_FALSE(is_notification_id(bad)) << bad;
}

TEST(InboxKey, SortsNewestFirstWithinAUserOnly) {
  const std::string a = notification_id("a"), b = notification_id("b");
  // Later time first; same time: the later step first.
  EXPECT_LT(inbox_key("u", 2000, 1, a), inbox_key("u", 1000, 9, b));
  EXPECT_LT(inbox_key("u", 1000, 9, a), inbox_key("u", 1000, 3, b));
  const std::string key = inbox_key("u", 1000, 3, b);
  EXPECT_EQ(key.rfind(inbox_prefix("u"), 0), 0u);
  EXPECT_NE(key.rfind(inbox_prefix("u2"), 0), 0u);
  EXPECT_NE(inbox_key("u2", 1, 1, a).rfind(inbox_prefix("u"), 0), 0u);
  EXPECT_EQ(id_of_inbox_key(key), b);
  EXPECT_EQ(id_of_inbox_key("short"), "");
}

TEST(OutboxKey, SortsByDueAndRoundTrips) {
  const std::string id = notification_id("x");
  EXPECT_LT(outbox_key(0, id), outbox_key(5, notification_id("a")));
  EXPECT_LT(outbox_key(255, id), outbox_key(256, id));
  auto parsed = parse_outbox_key(outbox_key(1'700'000'000'123, id));
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->due, 1'700'000'000'123);
  EXPECT_EQ(parsed->id, id);
  EXPECT_FALSE(parse_outbox_key("12345678").has_value());
}

NotificationRow sample() {
  NotificationRow row;
  row.created_at = 1'700'000'000'000;
  row.order = 4;
  row.notification = json::object{{"id", notification_id("k")},
                                  {"userId", "u-1"},
                                  {"isRead", false},
                                  {"message", "m"},
                                  {"updatedAt", "2023-11-14T22:13:20.000Z"}};
  return row;
}

TEST(NotificationRow, IsStoredAsTheSameTextItAlwaysWas) {
  // Rows written before and after the writer changed must read alike: member order included.
  EXPECT_EQ(encode(sample()),
            R"({"v":1,"createdAtMillis":1700000000000,"order":4,"notification":)" +
                boost::json::serialize(sample().notification) + "}");
}

TEST(NotificationRow, RoundTripsAndRefusesWhatIsNotOne) {
  auto decoded = decode_notification(encode(sample()));
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(decoded->created_at, 1'700'000'000'000);
  EXPECT_EQ(decoded->order, 4);
  EXPECT_EQ(decoded->notification, sample().notification);
  EXPECT_EQ(decoded->inbox_key(), inbox_key("u-1", 1'700'000'000'000, 4, notification_id("k")));
  for (const char* bad :
       {"not json", "[]", R"({"user": "c-1", "message": "m"})" /* a row from before inboxes */,
        R"({"v": 2, "createdAtMillis": 1, "order": 1, "notification": {}})",
        R"({"v": 1, "createdAtMillis": "1", "order": 1, "notification": {}})",
        R"({"v": 1, "createdAtMillis": 1, "order": 1, "notification": {"userId": "u"}})"}) {
    auto refused = decode_notification(bad);
    ASSERT_FALSE(refused.ok()) << bad;
    EXPECT_EQ(refused.error().code, ErrorCode::kRecordCorrupt) << bad;
  }
}

TEST(NotificationRow, MarkReadOnceKeepsTheFirstReadTime) {
  const NotificationRow read = mark_read(sample(), 1'700'000'060'000);
  EXPECT_TRUE(read.is_read());
  EXPECT_EQ(read.notification.at("readAt"), "2023-11-14T22:14:20.000Z");
  EXPECT_EQ(read.notification.at("updatedAt"), "2023-11-14T22:14:20.000Z");
  const NotificationRow again = mark_read(read, 1'700'000'120'000);
  EXPECT_EQ(again.notification, read.notification);
}

TEST(RetryDelay, DoublesFromTheInitialUpToTheCap) {
  const milliseconds initial{100}, cap{1000};
  EXPECT_EQ(retry_delay(1, initial, cap), milliseconds(100));
  EXPECT_EQ(retry_delay(2, initial, cap), milliseconds(200));
  EXPECT_EQ(retry_delay(4, initial, cap), milliseconds(800));
  EXPECT_EQ(retry_delay(5, initial, cap), milliseconds(1000));
  EXPECT_EQ(retry_delay(1000, milliseconds(3'600'000), milliseconds(86'400'000)),
            milliseconds(86'400'000));
}

TEST(AfterFailure, RetriesLaterThenGivesUpAfterTheLastAttempt) {
  const RetryPolicy policy{3, milliseconds(100), milliseconds(1000)};
  const std::string id = notification_id("k");
  const OutboxKey key{0, id};
  FailedAttempt first = after_failure(key, OutboxEntry{}, "u-1", "answered 500", 5000, policy);
  EXPECT_FALSE(first.dead);
  EXPECT_EQ(first.attempts, 1);
  EXPECT_EQ(first.due, 5100);
  ASSERT_EQ(first.writes.size(), 2u);
  EXPECT_TRUE(first.writes.ops[0].erase);
  EXPECT_EQ(first.writes.ops[0].key, outbox_key(0, id));
  EXPECT_EQ(first.writes.ops[1].key, outbox_key(5100, id));
  auto entry = decode_outbox(first.writes.ops[1].value);
  ASSERT_TRUE(entry.ok());
  EXPECT_EQ(entry->attempts, 1);
  EXPECT_EQ(entry->last_error, "answered 500");

  FailedAttempt second = after_failure({5100, id}, *entry, "u-1", "timeout", 5200, policy);
  EXPECT_EQ(second.due, 5400);
  auto entry2 = decode_outbox(second.writes.ops[1].value);
  ASSERT_TRUE(entry2.ok());
  FailedAttempt last = after_failure({5400, id}, *entry2, "u-1", "refused", 5500, policy);
  EXPECT_TRUE(last.dead);
  EXPECT_EQ(last.attempts, 3);
  ASSERT_EQ(last.writes.size(), 2u);
  EXPECT_EQ(last.writes.ops[0].key, outbox_key(5400, id));
  EXPECT_EQ(last.writes.ops[1].table, Table::kNotificationDeadLetters);
  auto letter = decode_dead_letter(last.writes.ops[1].value);
  ASSERT_TRUE(letter.ok()) << letter.error().message;
  EXPECT_EQ(letter->id, id);
  EXPECT_EQ(letter->user_id, "u-1");
  EXPECT_EQ(letter->attempts, 3);
  EXPECT_EQ(letter->last_error, "refused");
  EXPECT_EQ(letter->dead_at, 5500);
}

}  // namespace
}  // namespace settled::notifications
