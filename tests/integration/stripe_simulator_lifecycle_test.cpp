// The Stripe simulator acting as Stripe's test mode does, through the real daemon on a simulated
// clock with a webhook secret (docs/stripe-simulator.md): a payout stays pending until its delay
// has passed on the business clock, then is paid (or failed, for Stripe's failing test bank
// accounts, its money back in the balance); onboarding completes through the simulator route;
// every event reaches the daemon's own webhook endpoint signed, so a workflow waiting for
// payout.paid resumes; a kill -9 while a payout is pending still settles it.

#include "integration/ops_fixture.hpp"
#include "support/eventually.hpp"

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

namespace settled::testing {
namespace {

namespace json = boost::json;

constexpr const char* kSecret = "whsec_simulator_lifecycle_test";

class StripeSimulatorLifecycle : public OpsTest {
 protected:
  void add_workflows() override {
    // Onboards a connected account, funds it, pays it out to `destination`, then waits for the
    // payout's outcome event (`expect`) correlated by the payroll id in the payout's metadata.
    write_workflow("payroll", R"json({"StartAt": "Account", "States": {
      "Account": {"Type": "Task", "Resource": "settled:stripe.accounts.create",
        "Parameters": {"type": "express"}, "ResultPath": "$.account", "Next": "Fund"},
      "Fund": {"Type": "Task", "Resource": "settled:stripe.transfers.create",
        "Parameters": {"amount": 5000, "currency": "usd", "destination.$": "$.account.id"},
        "ResultPath": "$.transfer", "Next": "Payout"},
      "Payout": {"Type": "Task", "Resource": "settled:stripe.payouts.create",
        "Parameters": {"amount": 3000, "currency": "usd", "stripeAccount.$": "$.account.id",
                       "destination.$": "$.destination",
                       "metadata": {"payrollId.$": "$.payrollId"}},
        "ResultPath": "$.payout", "Next": "AwaitOutcome"},
      "AwaitOutcome": {"Type": "Task", "Resource": "settled:events.waitFor",
        "Parameters": {"type.$": "$.expect", "correlationKey.$": "$.payrollId",
                       "timeoutSeconds": 864000},
        "ResultPath": "$.outcome", "End": true}}})json");
    write_workflow("onboard", R"json({"StartAt": "Account", "States": {
      "Account": {"Type": "Task", "Resource": "settled:stripe.accounts.create",
        "Parameters": {"type": "express", "capabilities": {"transfers": {"requested": "true"}}},
        "ResultPath": "$.account", "Next": "Link"},
      "Link": {"Type": "Task", "Resource": "settled:stripe.accountLinks.create",
        "Parameters": {"account.$": "$.account.id", "type": "account_onboarding",
                       "refresh_url": "https://example.test/refresh",
                       "return_url": "https://example.test/return"},
        "ResultPath": "$.link", "End": true}}})json");
  }

  std::vector<std::string> daemon_flags() const override {
    return {"--clock=simulated", "--clock-start=2026-01-05T09:00:00Z",
            std::string("--stripe-webhook-secrets=[\"") + kSecret + "\"]"};
  }

  void start(const std::string& machine, const std::string& name, json::object input) {
    auto res =
        client_->post("/v1/executions",
                      json::serialize(json::object{
                          {"stateMachine", machine}, {"name", name}, {"input", std::move(input)}}));
    ASSERT_EQ(res.status, 201u) << res.body;
  }

  void start_payroll(const std::string& name, const std::string& destination,
                     const std::string& expect) {
    start("payroll", name,
          {{"payrollId", "payroll-" + name}, {"destination", destination}, {"expect", expect}});
  }

  // The execution waits in AwaitOutcome (so the payout before it is made and stored).
  bool waiting(const std::string& id) { return event_waits(id) > 0; }

  json::array list(const std::string& what) {
    auto res = client_->get("/v1/simulator/stripe/" + what + "?limit=100");
    EXPECT_EQ(res.status, 200u) << res.body;
    if (res.status != 200) return {};
    EXPECT_EQ(res.json().at("object"), "list");
    return res.json().at("data").as_array();
  }

  // The event types the daemon's webhook endpoint stored (signed deliveries it verified).
  std::vector<std::string> received_types() {
    std::vector<std::string> types;
    auto res = client_->get("/v1/webhooks/stripe/events?limit=500");
    if (res.status != 200) return types;
    const auto listed = res.json();
    for (const auto& e : listed.at("events").as_array())
      types.emplace_back(e.at("type").as_string());
    return types;
  }
  bool received(const std::string& type) {
    auto types = received_types();
    return std::find(types.begin(), types.end(), type) != types.end();
  }

  void advance(const std::string& by) {
    auto res = client_->post("/v1/clock/advance", R"({"by":")" + by + R"("})");
    ASSERT_EQ(res.status, 200u) << res.body;
  }

  std::int64_t available_usd(const std::string& account) {
    auto res = client_->get("/v1/simulator/stripe/accounts/" + account + "/balance");
    EXPECT_EQ(res.status, 200u) << res.body;
    const auto balance = res.json();
    for (const auto& a : balance.at("available").as_array())
      if (a.at("currency") == "usd") return a.at("amount").as_int64();
    return 0;
  }
};

TEST_F(StripeSimulatorLifecycle, APayoutIsPaidAfterItsDelayAndTheWaitingWorkflowResumes) {
  start_payroll("p1", "000123456789", "payout.paid");
  ASSERT_TRUE(eventually([&] { return waiting("payroll:p1"); }, std::chrono::seconds(20)))
      << json::serialize(history("payroll:p1"));
  auto payouts = list("payouts");
  ASSERT_EQ(payouts.size(), 1u);
  EXPECT_EQ(payouts[0].at("status"), "pending");
  ASSERT_TRUE(eventually([&] { return received("payout.created"); }))
      << "payout.created never reached the webhook endpoint";
  EXPECT_FALSE(received("payout.paid"));

  advance("1d");  // half of the two-day delay: still pending
  EXPECT_EQ(list("payouts")[0].at("status"), "pending");
  EXPECT_FALSE(received("payout.paid"));

  advance("1d");
  ASSERT_TRUE(eventually([&] { return received("payout.paid"); }, std::chrono::seconds(20)))
      << "never received payout.paid";
  EXPECT_EQ(list("payouts")[0].at("status"), "paid");
  const auto final = wait_final("payroll:p1", std::chrono::seconds(30));
  ASSERT_EQ(final.at("status"), "SUCCEEDED") << json::serialize(final);
  // The simulator's events were all taken by the endpoint: none left pending.
  for (const auto& e : list("events")) EXPECT_EQ(e.at("pending_webhooks"), 0) << e;
  EXPECT_EQ(available_usd(std::string(list("accounts")[0].at("id").as_string())), 2000);
}

TEST_F(StripeSimulatorLifecycle, APayoutToAFailingTestAccountFailsAndReturnsTheMoney) {
  start_payroll("p2", "000111111116", "payout.failed");
  ASSERT_TRUE(eventually([&] { return waiting("payroll:p2"); }, std::chrono::seconds(20)));
  const std::string account(list("accounts")[0].at("id").as_string());
  EXPECT_EQ(available_usd(account), 2000);
  advance("2d");
  ASSERT_TRUE(eventually([&] { return received("payout.failed"); }, std::chrono::seconds(20)));
  EXPECT_FALSE(received("payout.paid"));
  const auto payout = list("payouts")[0];
  EXPECT_EQ(payout.at("status"), "failed");
  EXPECT_EQ(payout.at("failure_code"), "no_account");
  EXPECT_EQ(available_usd(account), 5000);
  ASSERT_EQ(wait_final("payroll:p2", std::chrono::seconds(30)).at("status"), "SUCCEEDED");
}

TEST_F(StripeSimulatorLifecycle, AKill9WhileAPayoutIsPendingStillPaysIt) {
  start_payroll("p3", "000123456789", "payout.paid");
  ASSERT_TRUE(eventually([&] { return waiting("payroll:p3"); }, std::chrono::seconds(20)));
  ASSERT_EQ(list("payouts").size(), 1u);
  // kill -9: nothing gets to finish; the payout's due time is in the store already.
  client_.reset();
  daemon_->kill9();
  start_with(extra_);
  // What the simulator did is still listed, Stripe-shaped, after the restart.
  EXPECT_EQ(list("payouts")[0].at("status"), "pending");
  const auto transfers = list("transfers");
  ASSERT_EQ(transfers.size(), 1u);
  EXPECT_EQ(transfers[0].at("amount"), 5000);
  std::vector<std::string> types;
  for (const auto& e : list("events")) types.emplace_back(e.at("type").as_string());
  EXPECT_EQ(types, (std::vector<std::string>{"transfer.created", "payout.created"}));
  advance("2d");
  ASSERT_TRUE(eventually([&] { return received("payout.paid"); }, std::chrono::seconds(20)));
  EXPECT_EQ(list("payouts")[0].at("status"), "paid");
  ASSERT_EQ(wait_final("payroll:p3", std::chrono::seconds(30)).at("status"), "SUCCEEDED");
}

TEST_F(StripeSimulatorLifecycle, CompletingOnboardingEnablesTheAccountAndSendsAccountUpdated) {
  start("onboard", "o1", {});
  const auto final = wait_final("onboard:o1", std::chrono::seconds(30));
  ASSERT_EQ(final.at("status"), "SUCCEEDED") << json::serialize(final);
  const auto& output = final.at("output").as_object();
  const std::string url(output.at("link").at("url").as_string());
  const std::string link_id = url.substr(url.rfind('/') + 1);
  auto accounts = list("accounts");
  ASSERT_EQ(accounts.size(), 1u);
  EXPECT_EQ(accounts[0].at("charges_enabled"), false);

  auto unknown = client_->post("/v1/simulator/stripe/account_links/link_nope/complete", "");
  EXPECT_EQ(unknown.status, 404u) << unknown.body;
  EXPECT_EQ(unknown.json().at("error"), "NotFound");

  auto done = client_->post("/v1/simulator/stripe/account_links/" + link_id + "/complete", "");
  ASSERT_EQ(done.status, 200u) << done.body;
  EXPECT_EQ(done.json().at("charges_enabled"), true);
  EXPECT_EQ(done.json().at("payouts_enabled"), true);
  EXPECT_EQ(done.json().at("details_submitted"), true);
  EXPECT_EQ(done.json().at("capabilities").at("transfers"), "active");
  accounts = list("accounts");
  EXPECT_EQ(accounts[0].at("charges_enabled"), true);
  ASSERT_TRUE(eventually([&] { return received("account.updated"); }, std::chrono::seconds(20)));
  // A link is used once.
  auto again = client_->post("/v1/simulator/stripe/account_links/" + link_id + "/complete", "");
  EXPECT_EQ(again.status, 400u) << again.body;
}

}  // namespace
}  // namespace settled::testing
