#include "integration/payment_flows_fixture.hpp"

namespace settled::testing {

namespace json = boost::json;

std::vector<std::string> PaymentFlowsTest::daemon_flags() const {
  // No payout delay flag: Stripe's standard two days, on the simulated clock.
  return {"--clock=simulated", "--clock-start=2026-12-07T09:00:00Z",
          std::string("--stripe-webhook-secrets=[\"") + kSecret + "\"]",
          "--rules-dir=" + std::string(SETTLED_SOURCE_DIR) + "/config/rules"};
}

void PaymentFlowsTest::add_workflows() {
  write_workflow("test-account", R"json({"StartAt": "Account", "States": {
      "Account": {"Type": "Task", "Resource": "settled:stripe.accounts.create",
        "Parameters": {"type": "express", "capabilities": {"transfers": {"requested": "true"}}},
        "ResultSelector": {"id.$": "$.id"}, "End": true}}})json");
}

std::string PaymentFlowsTest::connected_account(const std::string& name) {
  start_execution("test-account", name, {});
  const auto done = wait_final("test-account:" + name);
  EXPECT_EQ(done.at("status"), "SUCCEEDED") << json::serialize(done);
  if (done.at("status") != "SUCCEEDED") return "";
  return std::string(done.at("output").at("id").as_string());
}

HttpResult PaymentFlowsTest::put_event(const std::string& id, const std::string& source,
                                       const std::string& detail_type, const std::string& entity_id,
                                       const json::object& metadata,
                                       const std::string& actor_type) {
  const json::object envelope{{"version", "1.0"},
                              {"id", id},
                              {"source", source},
                              {"detail-type", detail_type},
                              {"time", "2026-12-07T09:00:00Z"},
                              {"detail",
                               {{"entityId", entity_id},
                                {"action", detail_type.substr(detail_type.rfind('.') + 1)},
                                {"actorId", "user-1"},
                                {"actorType", actor_type},
                                {"metadata", metadata}}}};
  return client_->post("/v1/events", json::serialize(envelope));
}

json::array PaymentFlowsTest::payouts_where(const std::string& field, const std::string& value) {
  json::array out;
  for (auto& p : sim("payouts")) {
    const auto* metadata = p.as_object().if_contains("metadata");
    if (metadata && metadata->is_object() && metadata->as_object().contains(field) &&
        metadata->at(field) == value.c_str())
      out.push_back(p);
  }
  return out;
}

bool PaymentFlowsTest::payouts_reach(std::size_t n) {
  return eventually([&] { return sim("payouts").size() >= n; }, std::chrono::seconds(30));
}

std::size_t PaymentFlowsTest::entries(const std::string& execution, const std::string& state) {
  const auto names = entered(execution);
  return static_cast<std::size_t>(std::count(names.begin(), names.end(), state));
}

std::size_t PaymentFlowsTest::journal_ops(const std::string& account, const std::string& op) {
  std::size_t n = 0;
  for (const auto& e : journal(account))
    if (e.at("op") == op.c_str()) ++n;
  return n;
}

}  // namespace settled::testing
