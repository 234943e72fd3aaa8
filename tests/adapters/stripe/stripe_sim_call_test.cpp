// The simulator's stored objects and events: the JSON written directly is the object Stripe
// sends, member for member and in Stripe's order, as serializing it whole would write it.

#include "adapters/stripe/stripe_sim_call.hpp"

#include <boost/json.hpp>

#include <gtest/gtest.h>

namespace settled::adapters::sim {
namespace {

namespace json = boost::json;

struct Call {
  TaskAttempt attempt;
  stripe::StripeRequest request;
  SimulatorIds ids = [](const char* prefix) { return std::string(prefix) + "0001"; };
  SimulatorOptions options;
  SimCall call{nullptr, attempt, request, ids, {}, false, nullptr, {}};

  Call() {
    attempt.now = 1'700'000'123'456;
    call.options = &options;
  }
};

// The event as Stripe shows it, built member by member.
json::object expected_event(const json::object& object, const json::object* previous,
                            const json::value& idempotency_key, const std::string& account,
                            int pending_webhooks) {
  json::object data{{"object", object}};
  if (previous) data["previous_attributes"] = *previous;
  json::object event{
      {"id", "evt_0001"},
      {"object", "event"},
      {"api_version", "2024-06-20"},
      {"created", 1'700'000'123},
      {"type", "payment_intent.succeeded"},
      {"data", data},
      {"livemode", false},
      {"pending_webhooks", pending_webhooks},
      {"request", json::object{{"id", nullptr}, {"idempotency_key", idempotency_key}}}};
  if (!account.empty()) event["account"] = account;
  return event;
}

const json::object kIntent{{"id", "pi_1"},
                           {"object", "payment_intent"},
                           {"amount", 1250},
                           {"description", "a \"quoted\" description\n"},
                           {"metadata", json::object{{"paymentId", "p-1"}}}};

TEST(SimCall, AnEventIsStoredAsStripeSendsIt) {
  Call c;
  c.attempt.idempotency_key = "key-1";
  c.call.emit("payment_intent.succeeded", kIntent);
  ASSERT_EQ(c.call.writes.ops.size(), 1u);
  EXPECT_EQ(c.call.writes.ops[0].table, Table::kStripeSimEvents);
  EXPECT_EQ(c.call.writes.ops[0].key, "evt_0001");
  EXPECT_EQ(c.call.writes.ops[0].value,
            json::serialize(expected_event(kIntent, nullptr, "key-1", "", 0)));
}

TEST(SimCall, AnUpdatedEventOnAnAccountWithWebhooksAndNoRequest) {
  Call c;
  c.options.webhooks = true;
  const json::object previous{{"status", "processing"}};
  c.call.emit("payment_intent.succeeded", kIntent, "acct_9", &previous);
  ASSERT_EQ(c.call.writes.ops.size(), 1u);
  EXPECT_EQ(c.call.writes.ops[0].value,
            json::serialize(expected_event(kIntent, &previous, nullptr, "acct_9", 1)));
}

TEST(SimCall, AnObjectIsStoredUnderItsId) {
  Call c;
  c.call.save(Table::kStripeObjects, kIntent);
  ASSERT_EQ(c.call.writes.ops.size(), 1u);
  EXPECT_EQ(c.call.writes.ops[0].key, "pi_1");
  EXPECT_EQ(c.call.writes.ops[0].value, json::serialize(kIntent));
}

}  // namespace
}  // namespace settled::adapters::sim
