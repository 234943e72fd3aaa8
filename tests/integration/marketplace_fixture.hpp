#pragma once
// A daemon for seed 003's marketplace workflows (config/workflows/booking-lifecycle,
// marketplace-payment, marketplace-dispute; docs/marketplace.md): simulated clock, the Stripe
// simulator posting its signed webhooks to the daemon's own endpoint, and the helpers the tests
// share: starting executions, reading the tokens the workflows publish and answering them,
// reading the simulator's objects, the history and the ledger.

#include "integration/ledger_fixture.hpp"
#include "support/eventually.hpp"

#include <algorithm>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

namespace settled::testing {

class MarketplaceTest : public LedgerTest {
 public:
  using Balances = std::array<std::int64_t, 3>;  // available, held, frozen

 protected:
  static constexpr const char* kSecret = "whsec_marketplace_test";

  std::vector<std::string> daemon_flags() const override {
    std::vector<std::string> flags{"--clock=simulated", "--clock-start=2026-01-05T09:00:00Z",
                                   "--stripe-simulator-payout-delay-seconds=60"};
    if (webhooks_) flags.push_back(std::string("--stripe-webhook-secrets=[\"") + kSecret + "\"]");
    return flags;
  }

  void start_execution(const std::string& machine, const std::string& name,
                       const boost::json::object& input) {
    auto res = client_->post("/v1/executions",
                             boost::json::serialize(boost::json::object{
                                 {"stateMachine", machine}, {"name", name}, {"input", input}}));
    ASSERT_EQ(res.status, 201u) << res.body;
  }

  static boost::json::object booking_input(const std::string& id, std::int64_t amount,
                                           std::int64_t fee,
                                           const std::string& method = "pm_card_visa") {
    return {{"bookingId", id},         {"customerId", "cust-" + id}, {"providerId", "prov-" + id},
            {"serviceId", "svc-yoga"}, {"amount", amount},           {"currency", "USD"},
            {"paymentMethod", method}, {"platformFee", fee}};
  }

  // The token in records/<collection>/<key> once it differs from `previous` (bounded wait).
  std::string wait_token(const std::string& collection, const std::string& key,
                         const std::string& previous = "") {
    std::string token;
    const bool found = eventually(
        [&] {
          auto res = client_->get("/v1/records/" + collection + "/" + key);
          if (res.status != 200) return false;
          token = std::string(res.json().at("record").at("token").as_string());
          return token != previous;
        },
        std::chrono::seconds(20), std::chrono::milliseconds(20));
    EXPECT_TRUE(found) << "no new token in " << collection << "/" << key;
    return found ? token : "";
  }

  void answer(const std::string& token, const boost::json::object& output) {
    auto res = client_->post("/v1/tasks/success", boost::json::serialize(boost::json::object{
                                                      {"taskToken", token}, {"output", output}}));
    ASSERT_EQ(res.status, 200u) << res.body;
  }

  boost::json::value record(const std::string& collection, const std::string& key) {
    auto res = client_->get("/v1/records/" + collection + "/" + key);
    EXPECT_EQ(res.status, 200u) << collection << "/" << key << ": " << res.body;
    if (res.status != 200) return nullptr;
    return res.json().at("record");
  }

  void advance(const std::string& by) {
    auto res = client_->post("/v1/clock/advance", R"({"by":")" + by + R"("})");
    ASSERT_EQ(res.status, 200u) << res.body;
  }

  // The simulator's objects of one kind (payment_intents, refunds, transfers, payouts, ...).
  boost::json::array sim(const std::string& what) {
    auto res = client_->get("/v1/simulator/stripe/" + what + "?limit=100");
    EXPECT_EQ(res.status, 200u) << res.body;
    if (res.status != 200) return {};
    return res.json().at("data").as_array();
  }

  // The names of the states the execution entered, in order.
  std::vector<std::string> entered(const std::string& execution) {
    std::vector<std::string> names;
    for (const auto& e : history(execution)) {
      const auto& o = e.as_object();
      if (const auto* d = o.if_contains("stateEnteredEventDetails"))
        names.emplace_back(d->at("name").as_string());
    }
    return names;
  }
  bool entered_state(const std::string& execution, const std::string& state) {
    const auto names = entered(execution);
    return std::find(names.begin(), names.end(), state) != names.end();
  }
  bool has_event(const std::string& execution, const std::string& type) {
    for (const auto& e : history(execution))
      if (e.at("type") == type.c_str()) return true;
    return false;
  }

  // The execution has entered `state` last and its task was submitted (it waits there).
  bool waits_in(const std::string& execution, const std::string& state) {
    bool in_state = false, submitted = false;
    for (const auto& e : history(execution)) {
      const auto& o = e.as_object();
      if (const auto* d = o.if_contains("stateEnteredEventDetails")) {
        in_state = d->at("name") == state.c_str();
        submitted = false;
      } else if (o.at("type") == "TaskSubmitted") {
        submitted = true;
      }
    }
    return in_state && submitted;
  }

  // The Stripe event types the daemon's webhook endpoint stored.
  bool webhook_received(const std::string& type) {
    auto res = client_->get("/v1/webhooks/stripe/events?limit=500");
    if (res.status != 200) return false;
    const auto body = res.json();
    for (const auto& e : body.at("events").as_array())
      if (e.at("type") == type.c_str()) return true;
    return false;
  }

  // The simulator's objects of one kind whose `field` is `value`.
  boost::json::array sim_where(const std::string& what, const std::string& field,
                               const std::string& value) {
    boost::json::array out;
    for (auto& o : sim(what))
      if (o.as_object().contains(field) && o.at(field) == value.c_str()) out.push_back(o);
    return out;
  }

  // Every Stripe request the execution sent for `state` carried `key` (the attempt's documented
  // Idempotency-Key), and there were at least `at_least` of them (retries, restarts).
  void expect_sent_with_key(const std::string& execution, const std::string& state,
                            const std::string& key, int at_least) {
    int sent_count = 0;
    for (const auto& sent : stripe_keys_of(execution)) {
      if (sent.find("/" + state + "/") == std::string::npos) continue;
      EXPECT_EQ(sent, key);
      ++sent_count;
    }
    EXPECT_GE(sent_count, at_least) << execution << " " << state;
  }

  void kill_and_restart() {
    client_.reset();
    daemon_->kill9();
    start_with(extra_);
  }

  bool webhooks_ = true;
};

}  // namespace settled::testing
