// The Stripe event row's codec: a round trip keeps every field; anything else is RecordCorrupt
// naming why, never an exception.

#include "domain/records/stripe_event_row.hpp"
#include "domain/records/expect_corrupt.hpp"
#include "support/field_count.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

namespace settled::records {
namespace {

static_assert(testing::field_count<stripe::StripeEvent>() == 10,
              "a field was added to StripeEvent: carry it in the codec and in these tests");

TEST(StripeEventRow, RoundTripsEveryField) {
  stripe::StripeEvent event;
  event.id = "evt_1";
  event.type = "payout.paid";
  event.created = 1700000000;
  event.livemode = true;
  event.object_id = "po_1";
  event.account = "acct_1";
  event.received_at = 1700000000123;
  event.correlation_keys = {"po_1", "acct_1", "payroll-7"};
  event.body = boost::json::parse(R"({"id":"evt_1","data":{"object":{"id":"po_1"}}})").as_object();
  auto decoded = decode_stripe_event_row(encode(event));
  ASSERT_TRUE(decoded) << decoded.error().message;
  EXPECT_EQ(decoded->id, event.id);
  EXPECT_EQ(decoded->type, event.type);
  EXPECT_EQ(decoded->created, event.created);
  EXPECT_EQ(decoded->livemode, event.livemode);
  EXPECT_EQ(decoded->object_id, event.object_id);
  EXPECT_EQ(decoded->account, event.account);
  EXPECT_EQ(decoded->received_at, event.received_at);
  EXPECT_EQ(decoded->correlation_keys, event.correlation_keys);
  EXPECT_EQ(decoded->body, event.body);
  EXPECT_EQ(decoded->ingested_by, "");
  // An event ingested by reconciliation names the attempt that stored it.
  event.ingested_by = "webhook-reconciliation:r-1~12.0/Ingest Event/3";
  decoded = decode_stripe_event_row(encode(event));
  ASSERT_TRUE(decoded) << decoded.error().message;
  EXPECT_EQ(decoded->ingested_by, event.ingested_by);
}

TEST(StripeEventRow, AnythingElseIsRecordCorruptNamingWhy) {
  expect_corrupt(
      decode_stripe_event_row,
      {
          {"[[[[", "stripe event row"},
          {"\"t\"", "not a JSON object"},
          {R"({"v":2})", "unknown version"},
          {R"({"type":"t"})", "id"},
          {R"({"id":"e","type":"t","objectId":"","account":"","created":"1"})", "created"},
          {R"({"id":"e","type":"t","objectId":"","account":"","created":1})", "livemode"},
          {R"({"id":"e","type":"t","objectId":"","account":"","created":1,"livemode":false})",
           "receivedAtMillis"},
          {R"({"id":"e","type":"t","objectId":"","account":"","created":1,"livemode":false,
              "receivedAtMillis":1,"correlationKeys":[1]})",
           "correlationKeys"},
          {R"({"id":"e","type":"t","objectId":"","account":"","created":1,"livemode":false,
              "receivedAtMillis":1,"correlationKeys":[]})",
           "event"},
          {R"({"id":"e","type":"t","objectId":"","account":"","created":1,"livemode":false,
              "receivedAtMillis":1,"correlationKeys":[],"event":{},"ingestedBy":7})",
           "ingestedBy"},
      });
}

}  // namespace
}  // namespace settled::records
