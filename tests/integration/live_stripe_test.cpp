// The daemon in stripe-mode=live against a loopback fake Stripe: the payment workflow charges
// through the real HTTP client with the attempt's Idempotency-Key and Bearer key, and the
// simulator's listing is off. (Lost responses and retries with the same key are covered
// against the same fake in tests/adapters/stripe/stripe_client_test.cpp.)

#include "fakes/fake_stripe_server.hpp"
#include "integration/daemon_fixture.hpp"

namespace settled::testing {
namespace {

namespace json = boost::json;

class LiveStripe : public DaemonTest {
 protected:
  void SetUp() override {
    daemon_ = std::make_unique<DaemonProcess>(
        SETTLED_BINARY,
        std::vector<std::string>{
            "--data-dir=" + dir_.path() + "/var", "--http=127.0.0.1:0", "--stripe-mode=live",
            "--stripe-secret-key=" + stripe_.secret_key(),
            "--stripe-api-base=" + stripe_.base_url(),
            "--workflows-dir=" + std::string(SETTLED_SOURCE_DIR) + "/config/workflows"},
        dir_.path() + "/daemon.log");
    port_ = daemon_->wait_ready();
    client_ = std::make_unique<HttpClient>("127.0.0.1", port_);
  }

  FakeStripeServer stripe_;
};

TEST_F(LiveStripe, PaymentChargesThroughTheClientWithTheAttemptsKey) {
  ASSERT_EQ(start_payment("p-live", "pm_card_visa").status, 201u);
  const auto final = wait_final("payment:p-live");
  ASSERT_EQ(final.at("status").as_string(), "SUCCEEDED") << json::serialize(final);
  EXPECT_EQ(stripe_.intents_created(), 1u);
  const auto recorded = stripe_.recorded();
  ASSERT_EQ(recorded.size(), 1u);
  EXPECT_EQ(recorded[0].idempotency_key, attempt_key("payment:p-live", "ProcessPayment"));
  EXPECT_EQ(recorded[0].authorization, "Bearer " + stripe_.secret_key());
  EXPECT_NE(recorded[0].body.find("metadata[paymentId]=p-live"), std::string::npos)
      << recorded[0].body;
  EXPECT_EQ(client_->get("/v1/simulator/stripe/payment_intents").status, 404u);
}

TEST_F(LiveStripe, RefusedRequestsAreRetriedWithTheAttemptsKey) {
  stripe_.fail_next(2, 429);
  ASSERT_EQ(start_payment("p-limited", "pm_card_visa").status, 201u);
  const auto final = wait_final("payment:p-limited");
  ASSERT_EQ(final.at("status").as_string(), "SUCCEEDED") << json::serialize(final);
  const std::string key = attempt_key("payment:p-limited", "ProcessPayment");
  const auto recorded = stripe_.recorded();
  ASSERT_EQ(recorded.size(), 3u);
  for (const auto& r : recorded) EXPECT_EQ(r.idempotency_key, key);
  EXPECT_EQ(recorded[0].status, 429u);
  EXPECT_EQ(recorded[1].status, 429u);
  EXPECT_EQ(recorded[2].status, 200u);
  EXPECT_EQ(stripe_.intents_created(), 1u);
}

}  // namespace
}  // namespace settled::testing
