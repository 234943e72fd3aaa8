// The live client's look-up of a call whose Idempotency-Key Stripe may have forgotten
// (src/adapters/stripe/stripe_client_lookup.cpp) against the loopback fake Stripe: past the
// 24-hour window it reads the events of the call's type since the key's first use before
// anything is sent; found, the answer is the object and nothing is sent; not found, the call
// is sent; unreadable, the outcome stays unknown and nothing is sent. resolve_only asks and
// never sends.

#include "adapters/stripe/stripe_client.hpp"
#include "fakes/fake_stripe_server.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <chrono>
#include <future>
#include <memory>
#include <string>

namespace settled::adapters {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using settled::testing::FakeStripeServer;
using ::testing::HasSubstr;

constexpr EpochMillis kFirstUse = 1'772'445'600'000;  // 2026-03-02T10:00:00Z
constexpr EpochMillis kHour = 3'600'000;

class StripeClientLookup : public ::testing::Test {
 protected:
  void SetUp() override {
    StripeClientOptions options;
    options.secret_key = fake_.secret_key();
    options.api_base = fake_.base_url();
    auto client = StripeClient::create(std::move(options));
    ASSERT_TRUE(client.ok()) << client.error().message;
    client_ = *client;
  }

  static TaskAttempt refund(EpochMillis now) {
    TaskAttempt a;
    a.resource = "settled:stripe.refunds.create";
    a.parameters = json::object{{"payment_intent", "pi_1"}, {"amount", 700}};
    a.idempotency_key = "exec-1/Refund/4";
    a.key_first_used = kFirstUse;
    a.now = now;
    return a;
  }

  TaskOutcome call(const TaskAttempt& a) {
    auto promise = std::make_shared<std::promise<TaskOutcome>>();
    auto future = promise->get_future();
    client_->make_resource_call(a, [promise](TaskOutcome o) { promise->set_value(std::move(o)); });
    if (future.wait_for(10s) != std::future_status::ready) {
      ADD_FAILURE() << "no outcome";
      return TaskOutcome::failure("test.NoOutcome", "");
    }
    return future.get();
  }

  static std::string events(json::array data, bool has_more = false) {
    return json::serialize(json::object{
        {"object", "list"}, {"url", "/v1/events"}, {"has_more", has_more}, {"data", data}});
  }
  static json::object refund_event(const std::string& id, const std::string& key) {
    return json::object{
        {"id", id},
        {"object", "event"},
        {"type", "refund.created"},
        {"data", json::object{{"object", json::object{{"id", "re_" + id}, {"amount", 700}}}}},
        {"request", json::object{{"id", "req_1"}, {"idempotency_key", key}}}};
  }

  std::size_t posts() {
    std::size_t n = 0;
    for (const auto& r : fake_.recorded()) n += r.method == "POST" ? 1 : 0;
    return n;
  }

  FakeStripeServer fake_;
  std::shared_ptr<StripeClient> client_;
};

TEST_F(StripeClientLookup, WithinTheWindowTheCallIsSentWithoutALookUp) {
  fake_.answer("POST", "/v1/refunds", 200, R"({"id": "re_new", "object": "refund"})");
  const TaskOutcome sent = call(refund(kFirstUse + 23 * kHour));
  ASSERT_TRUE(sent.ok) << sent.cause;
  ASSERT_EQ(fake_.recorded().size(), 1u);
  EXPECT_EQ(fake_.recorded()[0].method, "POST");
}

TEST_F(StripeClientLookup, PastTheWindowACallFoundExecutedIsAnsweredFromItsEvent) {
  fake_.answer("GET", "/v1/events", 200,
               events(json::array{refund_event("evt_2", "other/Refund/1"),
                                  refund_event("evt_1", "exec-1/Refund/4")}));
  const TaskOutcome found = call(refund(kFirstUse + 25 * kHour));
  ASSERT_TRUE(found.ok) << found.error << " " << found.cause;
  EXPECT_EQ(found.result.at("id"), "re_evt_1");
  EXPECT_EQ(posts(), 0u);
  const auto recorded = fake_.recorded();
  ASSERT_EQ(recorded.size(), 1u);
  // The events of refunds since a minute before the key's first use, newest first.
  EXPECT_THAT(recorded[0].target, HasSubstr("type=refund.created"));
  EXPECT_THAT(recorded[0].target,
              HasSubstr("created%5Bgte%5D=" + std::to_string(kFirstUse / 1000 - 60)));
  EXPECT_THAT(recorded[0].target, HasSubstr("limit=100"));
  EXPECT_TRUE(recorded[0].idempotency_key.empty());
}

TEST_F(StripeClientLookup, PastTheWindowACallNeverExecutedIsSent) {
  fake_.answer("GET", "/v1/events", 200, events(json::array{}, false));
  fake_.answer("POST", "/v1/refunds", 200, R"({"id": "re_new", "object": "refund"})");
  const TaskOutcome sent = call(refund(kFirstUse + 25 * kHour));
  ASSERT_TRUE(sent.ok) << sent.cause;
  EXPECT_EQ(sent.result.at("id"), "re_new");
  const auto recorded = fake_.recorded();
  ASSERT_EQ(recorded.size(), 2u);
  EXPECT_EQ(recorded[0].method, "GET");
  EXPECT_EQ(recorded[1].method, "POST");
  EXPECT_EQ(recorded[1].idempotency_key, "exec-1/Refund/4");
}

TEST_F(StripeClientLookup, AnUnreadableEventListLeavesTheOutcomeUnknownAndSendsNothing) {
  fake_.answer("GET", "/v1/events", 500, R"({"error": {"type": "api_error"}})");
  const TaskOutcome unknown = call(refund(kFirstUse + 25 * kHour));
  EXPECT_EQ(unknown.error, "Stripe.Unknown");
  EXPECT_THAT(unknown.cause, HasSubstr("nothing was sent again"));
  EXPECT_EQ(posts(), 0u);
}

TEST_F(StripeClientLookup, ResolveOnlyAsksAndNeverSends) {
  fake_.answer("GET", "/v1/events", 200, events(json::array{}));
  TaskAttempt ask = refund(kFirstUse + kHour);  // within the window: asked all the same
  ask.resolve_only = true;
  const TaskOutcome never = call(ask);
  EXPECT_EQ(never.error, "Stripe.APIConnectionError");
  EXPECT_EQ(json::parse(never.cause).at("outcome"), "not_executed");
  EXPECT_EQ(posts(), 0u);

  fake_.answer("GET", "/v1/events", 200,
               events(json::array{refund_event("evt_7", "exec-1/Refund/4")}));
  const TaskOutcome found = call(ask);
  ASSERT_TRUE(found.ok) << found.cause;
  EXPECT_EQ(found.result.at("id"), "re_evt_7");
  EXPECT_EQ(posts(), 0u);
}

TEST_F(StripeClientLookup, APayoutIsLookedUpOnItsConnectedAccount) {
  fake_.answer("GET", "/v1/events", 200, events(json::array{}));
  TaskAttempt payout;
  payout.resource = "settled:stripe.payouts.create";
  payout.parameters =
      json::object{{"amount", 400}, {"currency", "eur"}, {"stripeAccount", "acct_9"}};
  payout.idempotency_key = "exec-1/Payout/2";
  payout.key_first_used = kFirstUse;
  payout.now = kFirstUse + 30 * kHour;
  payout.resolve_only = true;
  call(payout);
  const auto recorded = fake_.recorded();
  ASSERT_EQ(recorded.size(), 1u);
  EXPECT_EQ(recorded[0].stripe_account, "acct_9");
  EXPECT_THAT(recorded[0].target, HasSubstr("type=payout.created"));
}

}  // namespace
}  // namespace settled::adapters
