// The event-waiter row's codec: a round trip keeps every field; rows written before the version
// field still read; anything else is RecordCorrupt, never an exception.

#include "domain/records/event_waiter_row.hpp"
#include "domain/records/expect_corrupt.hpp"
#include "support/field_count.hpp"

#include <gtest/gtest.h>

namespace settled::records {
namespace {

static_assert(testing::field_count<EventWaiterRow>() == 2,
              "a field was added to EventWaiterRow: carry it in the codec and in these tests");

TEST(EventWaiterRow, RoundTripsEveryField) {
  const EventWaiterRow row{"0123456789abcdef0123456789abcdef", "shipment:s-1"};
  EXPECT_EQ(encode(row),
            R"({"v":1,"token":"0123456789abcdef0123456789abcdef","executionId":"shipment:s-1"})");
  auto decoded = decode_event_waiter_row(encode(row));
  ASSERT_TRUE(decoded) << decoded.error().message;
  EXPECT_EQ(*decoded, row);
  auto old = decode_event_waiter_row(R"({"token":"t","executionId":"m:e"})");
  ASSERT_TRUE(old) << old.error().message;
  EXPECT_EQ(*old, (EventWaiterRow{"t", "m:e"}));
}

TEST(EventWaiterRow, AnythingElseIsRecordCorruptNamingWhy) {
  expect_corrupt(decode_event_waiter_row,
                 {
                     {"[[[[", "event waiter row"},
                     {"\"t\"", "not a JSON object"},
                     {R"({"executionId":"m:e"})", "token"},
                     {R"({"token":"","executionId":"m:e"})", "token"},
                     {R"({"token":"t"})", "executionId"},
                     {R"({"token":"t","executionId":["m:e"]})", "executionId"},
                     {R"({"v":"1","token":"t","executionId":"m:e"})", "unknown version"},
                 });
}

}  // namespace
}  // namespace settled::records
