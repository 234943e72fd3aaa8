// Seed 003's payment processing (config/workflows/marketplace-payment.asl.json) end to end
// through the real daemon on a simulated clock: a direct payment credited to the provider less
// the platform's commission, a refund from the provider's balance, a payout to a provider's
// connected account (onboarded through the simulator's account link) paid or failed by its bank
// after the payout delay, refusals that send nothing to Stripe, and a kill -9 mid-way that pays
// nothing twice.

#include "integration/marketplace_fixture.hpp"

namespace settled::testing {
namespace {

namespace json = boost::json;

class MarketplacePayment : public MarketplaceTest {
 protected:
  void add_workflows() override {
    // Provider onboarding, as far as these tests need it: a connected account and its
    // onboarding link (completed below through the simulator's route).
    write_workflow("test-onboard", R"json({"StartAt": "Account", "States": {
      "Account": {"Type": "Task", "Resource": "settled:stripe.accounts.create",
        "Parameters": {"type": "express", "capabilities": {"transfers": {"requested": "true"}}},
        "ResultPath": "$.account", "Next": "Link"},
      "Link": {"Type": "Task", "Resource": "settled:stripe.accountLinks.create",
        "Parameters": {"account.$": "$.account.id", "type": "account_onboarding",
                       "refresh_url": "https://example.test/refresh",
                       "return_url": "https://example.test/return"},
        "ResultPath": "$.link", "End": true}}})json");
  }

  // An onboarded connected account's id.
  std::string onboarded_account(const std::string& name) {
    start_execution("test-onboard", name, {});
    const auto done = wait_final("test-onboard:" + name);
    EXPECT_EQ(done.at("status"), "SUCCEEDED") << json::serialize(done);
    const std::string url(done.at("output").at("link").at("url").as_string());
    auto res = client_->post(
        "/v1/simulator/stripe/account_links/" + url.substr(url.rfind('/') + 1) + "/complete", "");
    EXPECT_EQ(res.status, 200u) << res.body;
    return std::string(done.at("output").at("account").at("id").as_string());
  }

  void pay(const std::string& id, const std::string& provider, std::int64_t amount,
           std::int64_t fee, const std::string& method = "pm_card_visa") {
    start_execution("marketplace-payment", id,
                    {{"operation", "payment"},
                     {"paymentId", id},
                     {"customerId", "cust-" + id},
                     {"providerId", provider},
                     {"amount", amount},
                     {"currency", "USD"},
                     {"paymentMethod", method},
                     {"platformFee", fee}});
  }

  json::object payout_input(const std::string& id, const std::string& provider,
                            const std::string& account, std::int64_t amount) {
    return {{"operation", "payout"},    {"payoutId", id},   {"providerId", provider},
            {"stripeAccount", account}, {"amount", amount}, {"currency", "USD"}};
  }

  json::object paid(const std::string& id) {
    auto done = wait_final("marketplace-payment:" + id);
    EXPECT_EQ(done.at("status"), "SUCCEEDED") << json::serialize(done);
    return done;
  }
};

TEST_F(MarketplacePayment, ADirectPaymentCreditsTheProviderLessTheCommission) {
  pay("p1", "prov-1", 5000, 500);
  const auto done = paid("p1");
  EXPECT_EQ(done.at("output").at("toProvider"), 4500);
  const auto intents = payment_intents();
  ASSERT_EQ(intents.size(), 1u);
  EXPECT_EQ(intents[0].at("amount"), 5000);
  EXPECT_EQ(intents[0].at("metadata").at("paymentId"), "p1");
  EXPECT_FALSE(entered_state("marketplace-payment:p1", "CheckPaymentStatus"));  // the webhook
  EXPECT_EQ(balance("cust-p1"), (Balances{0, 0, 0}));
  EXPECT_EQ(balance("prov-1"), (Balances{4500, 0, 0}));
  EXPECT_EQ(balance("platform"), (Balances{500, 0, 0}));
  EXPECT_EQ(record("marketplace_payments", "p1").at("status"), "SUCCEEDED");
  reconcile_ok();
}

TEST_F(MarketplacePayment, ALostResponseIsRetriedWithTheSameKeyAndChargesOnce) {
  pay("p2", "prov-2", 3000, 0, "pm_sim_timeout_1");
  ASSERT_TRUE(eventually([&] { return has_event("marketplace-payment:p2", "TaskFailed"); }));
  advance("2s");  // the retry's backoff
  paid("p2");
  ASSERT_EQ(payment_intents().size(), 1u);
  const std::string key = attempt_key("marketplace-payment:p2", "CreatePaymentIntent");
  expect_sent_with_key("marketplace-payment:p2", "CreatePaymentIntent", key, 2);
  EXPECT_EQ(balance("prov-2"), (Balances{3000, 0, 0}));
  reconcile_ok();
}

TEST_F(MarketplacePayment, ARefundComesFromTheProviderBalance) {
  pay("p3", "prov-3", 8000, 800);
  const std::string pi(paid("p3").at("output").at("paymentIntentId").as_string());
  const json::object refund{{"operation", "refund"},  {"refundId", "r3"},
                            {"paymentIntentId", pi},  {"customerId", "cust-p3"},
                            {"providerId", "prov-3"}, {"amount", 2000},
                            {"currency", "USD"}};
  start_execution("marketplace-payment", "r3", refund);
  const auto done = paid("r3");
  EXPECT_EQ(done.at("output").at("status"), "REFUNDED");
  auto refunds = sim("refunds");
  ASSERT_EQ(refunds.size(), 1u);
  EXPECT_EQ(refunds[0].at("amount"), 2000);
  EXPECT_EQ(refunds[0].at("payment_intent"), pi.c_str());
  EXPECT_EQ(balance("prov-3"), (Balances{5200, 0, 0}));
  EXPECT_EQ(balance("cust-p3"), (Balances{0, 0, 0}));

  // More than the provider holds: refused in the ledger, nothing sent to Stripe.
  json::object too_much = refund;
  too_much["refundId"] = "r3b";
  too_much["amount"] = 6000;
  start_execution("marketplace-payment", "r3b", too_much);
  EXPECT_EQ(wait_final("marketplace-payment:r3b").at("error"), "Refund.InsufficientFunds");
  EXPECT_EQ(sim("refunds").size(), 1u);
  EXPECT_EQ(balance("prov-3"), (Balances{5200, 0, 0}));
  reconcile_ok();
}

TEST_F(MarketplacePayment, APayoutIsTransferredPaidOutAndPaidAfterTheDelay) {
  const std::string account = onboarded_account("o1");
  pay("p4", "prov-4", 10000, 1000);
  paid("p4");
  start_execution("marketplace-payment", "po4", payout_input("po4", "prov-4", account, 7000));
  ASSERT_TRUE(
      eventually([&] { return waits_in("marketplace-payment:po4", "AwaitPayoutOutcome"); }));
  EXPECT_EQ(balance("prov-4"), (Balances{2000, 0, 0}));  // taken before Stripe was called
  const auto transfers = sim("transfers");
  ASSERT_EQ(transfers.size(), 1u);
  EXPECT_EQ(transfers[0].at("amount"), 7000);
  EXPECT_EQ(transfers[0].at("destination"), account.c_str());
  ASSERT_EQ(sim("payouts").size(), 1u);
  EXPECT_EQ(sim("payouts")[0].at("status"), "pending");
  EXPECT_EQ(record("marketplace_payouts", "po4").at("status"), "PENDING");

  advance("1m");  // the simulator's payout delay in these tests
  const auto done = paid("po4");
  EXPECT_EQ(done.at("output").at("status"), "PAID");
  EXPECT_EQ(sim("payouts")[0].at("status"), "paid");
  EXPECT_TRUE(eventually([&] { return webhook_received("payout.paid"); }));
  EXPECT_EQ(record("marketplace_payouts", "po4").at("status"), "PAID");
  reconcile_ok();
}

TEST_F(MarketplacePayment, APayoutRefusedByTheBankFailsAndIsNotRepeated) {
  const std::string account = onboarded_account("o2");
  pay("p5", "prov-5", 4000, 0);
  paid("p5");
  auto input = payout_input("po5", "prov-5", account, 4000);
  input["destination"] = "000111111116";  // Stripe's test account that fails: no_account
  start_execution("marketplace-payment", "po5", input);
  ASSERT_TRUE(
      eventually([&] { return waits_in("marketplace-payment:po5", "AwaitPayoutOutcome"); }));
  advance("1m");
  const auto done = wait_final("marketplace-payment:po5");
  EXPECT_EQ(done.at("error"), "Payout.Failed") << json::serialize(done);
  EXPECT_EQ(record("marketplace_payouts", "po5").at("failureCode"), "no_account");
  EXPECT_EQ(sim("payouts").size(), 1u);
  EXPECT_EQ(balance("prov-5"), (Balances{0, 0, 0}));  // the money is in the connected account
  reconcile_ok();
}

TEST_F(MarketplacePayment, APayoutLargerThanTheBalanceSendsNothing) {
  const std::string account = onboarded_account("o3");
  start_execution("marketplace-payment", "po6", payout_input("po6", "prov-6", account, 100));
  EXPECT_EQ(wait_final("marketplace-payment:po6").at("error"), "Payout.InsufficientFunds");
  EXPECT_TRUE(sim("transfers").empty());
  EXPECT_TRUE(sim("payouts").empty());
}

TEST_F(MarketplacePayment, AKillDuringAPayoutTransfersAndPaysOutOnce) {
  const std::string account = onboarded_account("o4");
  pay("p7", "prov-7", 6000, 600);
  paid("p7");
  start_execution("marketplace-payment", "po7", payout_input("po7", "prov-7", account, 5400));
  kill_and_restart();  // somewhere in the withdrawal, the transfer or the payout
  ASSERT_TRUE(eventually([&] { return waits_in("marketplace-payment:po7", "AwaitPayoutOutcome"); },
                         std::chrono::seconds(20)));
  advance("1m");
  EXPECT_EQ(paid("po7").at("output").at("status"), "PAID");
  ASSERT_EQ(sim("transfers").size(), 1u);
  ASSERT_EQ(sim("payouts").size(), 1u);
  EXPECT_EQ(sim("payouts")[0].at("amount"), 5400);
  EXPECT_EQ(balance("prov-7"), (Balances{0, 0, 0}));
  reconcile_ok();
}

TEST_F(MarketplacePayment, AnUnknownOperationIsRefused) {
  start_execution("marketplace-payment", "x", {{"operation", "teleport"}});
  EXPECT_EQ(wait_final("marketplace-payment:x").at("error"), "Marketplace.InvalidOperation");
}

}  // namespace
}  // namespace settled::testing
