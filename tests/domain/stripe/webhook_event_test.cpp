// Reading a Stripe event from a webhook body: the fields settled keeps, the correlation keys
// it is posted under (object id, connected account, payment intent, metadata ids; each once,
// unusable values skipped), and the refusals of bodies that are not Stripe events.

#include "domain/stripe/webhook_event.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

namespace settled::stripe {
namespace {

using Keys = std::vector<std::string>;

TEST(StripeWebhookEvent, ReadsTheEventAndItsCorrelationKeys) {
  const std::string body = R"({"id":"evt_1","object":"event","type":"payout.paid",
    "created":1700000000,"livemode":false,"account":"acct_9",
    "data":{"object":{"id":"po_1","object":"payout",
      "metadata":{"payrollId":"payroll-7","bookingId":"po_1","other":"x"}}}})";
  auto event = parse_stripe_event(body, 1234);
  ASSERT_TRUE(event) << event.error().message;
  EXPECT_EQ(event->id, "evt_1");
  EXPECT_EQ(event->type, "payout.paid");
  EXPECT_EQ(event->created, 1700000000);
  EXPECT_FALSE(event->livemode);
  EXPECT_EQ(event->object_id, "po_1");
  EXPECT_EQ(event->account, "acct_9");
  EXPECT_EQ(event->received_at, 1234);
  // bookingId repeats the object id: one key, not two.
  EXPECT_EQ(event->correlation_keys, (Keys{"po_1", "acct_9", "payroll-7"}));
  EXPECT_EQ(event->body.at("data").at("object").at("object"), "payout");
  const auto summary = to_json(*event, false);
  EXPECT_EQ(summary.at("objectId"), "po_1");
  EXPECT_FALSE(summary.contains("event"));
  EXPECT_TRUE(to_json(*event, true).contains("event"));
}

TEST(StripeWebhookEvent, ChargesAndDisputesAreKeyedByTheirPaymentIntentAndPaymentId) {
  const auto keys = [](const char* text) {
    return correlation_keys(boost::json::parse(text).as_object());
  };
  EXPECT_EQ(keys(R"({"type":"charge.refunded","data":{"object":{"id":"ch_1",
      "payment_intent":"pi_1","metadata":{"paymentId":"pay-1"}}}})"),
            (Keys{"ch_1", "pi_1", "pay-1"}));
  EXPECT_EQ(keys(R"({"type":"charge.dispute.created","data":{"object":{"id":"dp_1",
      "charge":"ch_1","payment_intent":"pi_1"}}})"),
            (Keys{"dp_1", "pi_1"}));
  EXPECT_EQ(keys(R"({"type":"account.updated","account":"acct_1",
      "data":{"object":{"id":"acct_1","object":"account"}}})"),
            (Keys{"acct_1"}));
}

TEST(StripeWebhookEvent, UnusableKeyValuesAreSkippedNotRefused) {
  const std::string long_id(kMaxCorrelationKeyBytes + 1, 'x');
  const auto keys = correlation_keys(boost::json::parse(R"({"data":{"object":{"id":")" + long_id +
                                                        R"(","payment_intent":{"id":"pi_expanded"},
        "metadata":{"paymentId":"","bookingId":7,"payrollId":"pr\u0000x"}}}})")
                                         .as_object());
  EXPECT_TRUE(keys.empty()) << keys.size();
}

TEST(StripeWebhookEvent, RefusesWhatIsNotAStripeEvent) {
  const std::vector<std::pair<std::string, std::string>> cases{
      {"not json", "webhook body"},
      {"[1]", "must be a JSON object"},
      {R"({"id":"evt_1","type":"t","data":{"object":{}}})", "\"object\" must be \"event\""},
      {R"({"object":"event","type":"t","data":{"object":{}}})", "id is required"},
      {R"({"object":"event","id":"","type":"t","data":{"object":{}}})", "id is required"},
      {R"({"object":"event","id":"evt_1","data":{"object":{}}})", "type is required"},
      {R"({"object":"event","id":"evt_1","type":"t"})", "data.object is required"},
      {R"({"object":"event","id":"evt_1","type":"t","data":{"object":[]}})",
       "data.object is required"},
      {R"({"object":"event","id":"evt_1","type":"t","data":{"object":{}},"created":"x"})",
       "created must be an integer"},
      {R"({"object":"event","id":"evt_1","type":"t","data":{"object":{}},"created":1e3})",
       "created must be an integer"},
      {R"({"object":"event","id":"evt_1","type":"t","data":{"object":{}},)"
       R"("created":18446744073709551615})",
       "created must be an integer"},
      {R"({"object":"event","id":"evt_1","type":"t","data":{"object":{}},"livemode":1})",
       "livemode must be true or false"},
      {R"({"object":"event","id":")" + std::string(kMaxIdBytes + 1, 'e') +
           R"(","type":"t","data":{"object":{}}})",
       "at most 255"},
      {R"({"object":"event","id":"evt_1","id":"evt_2","type":"t","data":{"object":{}}})",
       "webhook body"},
  };
  for (const auto& [body, why] : cases) {
    auto event = parse_stripe_event(body, 0);
    ASSERT_FALSE(event) << body;
    EXPECT_TRUE(event.error().code == ErrorCode::kInvalidRequest ||
                event.error().code == ErrorCode::kInvalidJson)
        << body;
    EXPECT_NE(event.error().message.find(why), std::string::npos)
        << body << ": " << event.error().message;
  }
}

}  // namespace
}  // namespace settled::stripe
