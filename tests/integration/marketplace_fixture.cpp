#include "integration/marketplace_fixture.hpp"

namespace settled::testing {

std::vector<std::string> MarketplaceTest::daemon_flags() const {
  std::vector<std::string> flags{"--clock=simulated", "--clock-start=2026-01-05T09:00:00Z",
                                 "--stripe-simulator-payout-delay-seconds=60"};
  if (webhooks_) flags.push_back(std::string("--stripe-webhook-secrets=[\"") + kSecret + "\"]");
  return flags;
}

void MarketplaceTest::start_execution(const std::string& machine, const std::string& name,
                                      const boost::json::object& input) {
  auto res = client_->post("/v1/executions",
                           boost::json::serialize(boost::json::object{
                               {"stateMachine", machine}, {"name", name}, {"input", input}}));
  ASSERT_EQ(res.status, 201u) << res.body;
}

boost::json::object MarketplaceTest::booking_input(const std::string& id, std::int64_t amount,
                                                   std::int64_t fee, const std::string& method) {
  return {{"bookingId", id},         {"customerId", "cust-" + id}, {"providerId", "prov-" + id},
          {"serviceId", "svc-yoga"}, {"amount", amount},           {"currency", "USD"},
          {"paymentMethod", method}, {"platformFee", fee}};
}

std::string MarketplaceTest::wait_token(const std::string& collection, const std::string& key,
                                        const std::string& previous) {
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

void MarketplaceTest::answer(const std::string& token, const boost::json::object& output) {
  auto res = client_->post("/v1/tasks/success", boost::json::serialize(boost::json::object{
                                                    {"taskToken", token}, {"output", output}}));
  ASSERT_EQ(res.status, 200u) << res.body;
}

boost::json::value MarketplaceTest::record(const std::string& collection, const std::string& key) {
  auto res = client_->get("/v1/records/" + collection + "/" + key);
  EXPECT_EQ(res.status, 200u) << collection << "/" << key << ": " << res.body;
  if (res.status != 200) return nullptr;
  return res.json().at("record");
}

void MarketplaceTest::advance(const std::string& by) {
  auto res = client_->post("/v1/clock/advance", R"({"by":")" + by + R"("})");
  ASSERT_EQ(res.status, 200u) << res.body;
}

boost::json::array MarketplaceTest::sim(const std::string& what) {
  auto res = client_->get("/v1/simulator/stripe/" + what + "?limit=100");
  EXPECT_EQ(res.status, 200u) << res.body;
  if (res.status != 200) return {};
  return res.json().at("data").as_array();
}

std::vector<std::string> MarketplaceTest::entered(const std::string& execution) {
  std::vector<std::string> names;
  for (const auto& e : history(execution)) {
    const auto& o = e.as_object();
    if (const auto* d = o.if_contains("stateEnteredEventDetails"))
      names.emplace_back(d->at("name").as_string());
  }
  return names;
}

bool MarketplaceTest::entered_state(const std::string& execution, const std::string& state) {
  const auto names = entered(execution);
  return std::find(names.begin(), names.end(), state) != names.end();
}

bool MarketplaceTest::has_event(const std::string& execution, const std::string& type) {
  for (const auto& e : history(execution))
    if (e.at("type") == type.c_str()) return true;
  return false;
}

bool MarketplaceTest::waits_in(const std::string& execution, const std::string& state) {
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

bool MarketplaceTest::webhook_received(const std::string& type) {
  auto res = client_->get("/v1/webhooks/stripe/events?limit=500");
  if (res.status != 200) return false;
  const auto body = res.json();
  for (const auto& e : body.at("events").as_array())
    if (e.at("type") == type.c_str()) return true;
  return false;
}

boost::json::array MarketplaceTest::sim_where(const std::string& what, const std::string& field,
                                              const std::string& value) {
  boost::json::array out;
  for (auto& o : sim(what))
    if (o.as_object().contains(field) && o.at(field) == value.c_str()) out.push_back(o);
  return out;
}

void MarketplaceTest::expect_sent_with_key(const std::string& execution, const std::string& state,
                                           const std::string& key, int at_least) {
  int sent_count = 0;
  for (const auto& sent : stripe_keys_of(execution)) {
    if (sent.find("/" + state + "/") == std::string::npos) continue;
    EXPECT_EQ(sent, key);
    ++sent_count;
  }
  EXPECT_GE(sent_count, at_least) << execution << " " << state;
}

void MarketplaceTest::kill_and_restart() {
  client_.reset();
  daemon_->kill9();
  start_with(extra_);
}

}  // namespace settled::testing
