// The daemon in stripe-mode=live with limits on its calls to a loopback fake Stripe: a 429 with
// Retry-After pauses every call, the throttled calls still charge once each, and the queue,
// throttling and 429s show in /metrics and `settlectl status`. (The client's limits one by one:
// tests/adapters/stripe/stripe_client_limits_test.cpp.)

#include "fakes/fake_stripe_server.hpp"
#include "integration/ops_fixture.hpp"

#include <chrono>
#include <string>
#include <thread>

namespace settled::testing {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

class LiveStripeLimits : public OpsTest {
 protected:
  std::vector<std::string> daemon_flags() const override {
    return {"--stripe-mode=live", "--stripe-secret-key=" + stripe_.secret_key(),
            "--stripe-api-base=" + stripe_.base_url(), "--stripe-max-requests-per-second=5",
            "--stripe-max-concurrent-requests=2"};
  }

  // Polls until `done` holds; false after 10 s.
  template <class Done>
  bool eventually(Done done) {
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (!done()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(5ms);
    }
    return true;
  }

  FakeStripeServer stripe_;
};

TEST_F(LiveStripeLimits, A429PausesTheDownstreamAndShowsInMetricsAndStatus) {
  stripe_.fail_next(1, 429, {{"Retry-After", "1"}});
  ASSERT_EQ(start_payment("p-0", "pm_card_visa").status, 201u);
  ASSERT_TRUE(eventually([&] {
    const auto recorded = stripe_.recorded();
    return !recorded.empty() && recorded[0].status == 429;
  }));
  // Started during the pause: they wait it out in the client's queue.
  for (int i = 1; i < 4; ++i)
    ASSERT_EQ(start_payment("p-" + std::to_string(i), "pm_card_visa").status, 201u);
  for (int i = 0; i < 4; ++i) {
    const auto final = wait_final("payment:p-" + std::to_string(i));
    ASSERT_EQ(final.at("status").as_string(), "SUCCEEDED") << json::serialize(final);
  }
  EXPECT_EQ(stripe_.intents_created(), 4u);
  const auto recorded = stripe_.recorded();
  ASSERT_EQ(recorded.size(), 5u);  // the 429'd call twice, with its one key
  EXPECT_EQ(recorded[1].idempotency_key, recorded[0].idempotency_key);
  for (std::size_t i = 1; i < recorded.size(); ++i)
    EXPECT_GE(recorded[i].received - recorded[0].received, 1s) << i;

  const std::string metrics = client_->get("/metrics").body;
  for (const char* line :
       {R"(settled_downstream_rate_limited_total{downstream="stripe"} 1)",
        R"(settled_downstream_retries_total{downstream="stripe"} 1)",
        R"(settled_downstream_limit{downstream="stripe",kind="requests_per_second"} 5)",
        R"(settled_downstream_limit{downstream="stripe",kind="concurrent"} 2)",
        R"(settled_downstream_queue_depth{downstream="stripe"} 0)",
        R"(settled_downstream_dropped_total{downstream="stripe",reason="deadline"} 0)"})
    EXPECT_NE(metrics.find(line), std::string::npos) << line << "\n" << metrics;

  const auto status = ctl_json({"status"});
  const auto& stripe = status.at("downstreams").at("stripe");
  EXPECT_EQ(stripe.at("rateLimited").to_number<int>(), 1);
  EXPECT_EQ(stripe.at("retried").to_number<int>(), 1);
  EXPECT_GE(stripe.at("throttled").to_number<int>(), 3);  // the three started in the pause
  EXPECT_EQ(stripe.at("queueDepth").to_number<int>(), 0);
  EXPECT_EQ(stripe.at("limits").at("requestsPerSecond").to_number<int>(), 5);
  EXPECT_EQ(stripe.at("limits").at("queue").to_number<int>(), 50);  // 5/s x 10 s
  EXPECT_EQ(stripe.at("dropped").at("deadline").to_number<int>(), 0);
  auto people = ctl({"status"});
  EXPECT_NE(people.out.find("stripe: queue 0/50, in flight 0/2, 5/s"), std::string::npos)
      << people.out;
}

}  // namespace
}  // namespace settled::testing
