// Seed 001's milestone payment (config/workflows/milestone-payment.asl.json,
// docs/milestone-payment.md) end to end: a milestone.approved EventBridge envelope posted to
// POST /v1/events starts it through the shipped rule (config/rules/milestone-approved.json); it
// locks the amount in the client's escrow, pays the contractor through Stripe with the real
// two-day payout delay on a simulated clock and credits the contractor's wallet; a payout refused
// three times ends in manual intervention with the money still held; a kill -9 after the payout
// was made pays nothing twice.

#include "integration/payment_flows_fixture.hpp"

namespace settled::testing {
namespace {

namespace json = boost::json;

class MilestonePayment : public PaymentFlowsTest {
 protected:
  static json::object approval(const std::string& account, json::value amount,
                               const std::string& bank = "000123456789") {
    return {{"contractId", "contract-1"},  {"clientId", "client-m"}, {"contractorId", "ctr-m"},
            {"amount", std::move(amount)}, {"currency", "USD"},      {"stripeAccount", account},
            {"destination", bank}};
  }

  // Posts milestone.approved; the execution the rule started.
  std::string approve(const std::string& event_id, const std::string& milestone,
                      const json::object& metadata) {
    auto res =
        put_event(event_id, "mindlinks.contracts", "milestone.approved", milestone, metadata);
    EXPECT_EQ(res.status, 200u) << res.body;
    if (res.status != 200) return "";
    const auto body = res.json();
    const auto& started = body.at("started").as_array();
    EXPECT_EQ(started.size(), 1u) << res.body;
    EXPECT_EQ(started[0].at("rule"), "milestone-approved");
    return std::string(started[0].at("executionId").as_string());
  }
};

TEST_F(MilestonePayment, AnApprovedMilestoneIsStartedByTheRuleAndPaid) {
  const auto account = connected_account("a1");
  ASSERT_EQ(deposit("client-m", 80000, "fund-m1").status, 201u);
  const auto exec = approve("evt-ms-1", "ms-1", approval(account, 50000));
  ASSERT_FALSE(exec.empty());
  EXPECT_EQ(exec, "milestone-payment:milestone-approved-evt-ms-1");
  ASSERT_TRUE(payouts_reach(1));
  EXPECT_EQ(balance("client-m"), (Balances{30000, 50000, 0}));
  EXPECT_EQ(escrow("milestone.approved:ms-1").at("status"), "HELD");
  // The same event again (EventBridge redelivers): no second execution, no second payment.
  auto again = put_event("evt-ms-1", "mindlinks.contracts", "milestone.approved", "ms-1",
                         approval(account, 50000));
  ASSERT_EQ(again.status, 200u) << again.body;
  EXPECT_EQ(again.json().at("duplicate"), true) << again.body;

  advance("2d");
  const auto done = wait_final(exec);
  ASSERT_EQ(done.at("status"), "SUCCEEDED") << json::serialize(done);
  EXPECT_EQ(done.at("output").at("status"), "PAID");
  ASSERT_EQ(sim("payouts").size(), 1u);
  EXPECT_EQ(sim("payouts")[0].at("status"), "paid");
  EXPECT_EQ(sim("payouts")[0].at("amount"), 50000);
  EXPECT_EQ(balance("client-m"), (Balances{30000, 0, 0}));
  EXPECT_EQ(balance("ctr-m"), (Balances{50000, 0, 0}));
  EXPECT_EQ(journal_ops("ctr-m", "release"), 1u);
  EXPECT_EQ(record("milestones", "ms-1").at("status"), "PAID");
  EXPECT_EQ(record("milestone_payments", "ms-1").at("payoutId"), sim("payouts")[0].at("id"));
  for (const char* state :
       {"ApprovalReceived", "ValidateApproval", "CheckEscrowBalance", "SufficientFunds",
        "LockFunds", "CreateInvoice", "ProcessPayment", "InitiateStripePayout", "WaitForPayout",
        "PayoutSuccessful", "CreditContractorWallet", "DebitClientEscrow", "RecordInQLDB",
        "UpdateMilestoneStatus", "SendPaymentNotifications"})
    EXPECT_TRUE(entered_state(exec, state)) << state;
  reconcile_ok();
}

TEST_F(MilestonePayment, AnApprovedTimesheetIsPaidTheSameWay) {
  const auto account = connected_account("a1");
  ASSERT_EQ(deposit("client-m", 3000, "fund-ts").status, 201u);
  auto res = put_event("evt-ts-1", "mindlinks.contracts", "timesheet.approved", "ts-1",
                       approval(account, 2500));
  ASSERT_EQ(res.status, 200u) << res.body;
  const auto started = res.json().at("started").as_array();
  ASSERT_EQ(started.size(), 1u) << res.body;
  EXPECT_EQ(started[0].at("rule"), "timesheet-approved");
  ASSERT_TRUE(payouts_reach(1));
  advance("2d");
  const auto done = wait_final(std::string(started[0].at("executionId").as_string()));
  ASSERT_EQ(done.at("status"), "SUCCEEDED") << json::serialize(done);
  EXPECT_EQ(escrow("timesheet.approved:ts-1").at("status"), "RELEASED");
  EXPECT_EQ(balance("ctr-m"), (Balances{2500, 0, 0}));
  reconcile_ok();
}

TEST_F(MilestonePayment, WaitsForFundingWhenTheEscrowIsShort) {
  const auto account = connected_account("a1");
  ASSERT_EQ(deposit("client-m", 1000, "fund-m2").status, 201u);
  const auto exec = approve("evt-ms-2", "ms-2", approval(account, 5000));
  ASSERT_TRUE(eventually([&] { return waits_in(exec, "WaitForFunding"); }));
  EXPECT_EQ(balance("client-m"), (Balances{1000, 0, 0}));
  ASSERT_EQ(deposit("client-m", 4000, "fund-m2b").status, 201u);
  ASSERT_EQ(put_event("funded-ms-2", "mindlinks.payments", "escrow.funded", "ms-2", {}).status,
            200u);
  ASSERT_TRUE(payouts_reach(1));
  advance("2d");
  ASSERT_EQ(wait_final(exec).at("status"), "SUCCEEDED");
  EXPECT_EQ(balance("client-m"), (Balances{0, 0, 0}));
  EXPECT_EQ(balance("ctr-m"), (Balances{5000, 0, 0}));
  reconcile_ok();
}

TEST_F(MilestonePayment, APayoutRefusedThreeTimesNeedsManualIntervention) {
  const auto account = connected_account("a1");
  ASSERT_EQ(deposit("client-m", 9000, "fund-m3").status, 201u);
  const auto exec = approve("evt-ms-3", "ms-3", approval(account, 9000, "000111111116"));
  ASSERT_TRUE(payouts_reach(1));
  advance("2d");                                               // refused: no_account
  for (const char* bank : {"000111111113", "000222222227"}) {  // closed, then insufficient funds
    const auto before = sim("payouts").size();
    // Delivered (200), or kept (202) for the wait that begins once the refusal is in.
    const auto res = put_event(std::string("bank-") + bank, "mindlinks.contractors",
                               "contractor.bank_account.updated", "ctr-m", {{"destination", bank}},
                               "contractor");
    ASSERT_TRUE(res.status == 200u || res.status == 202u) << res.body;
    ASSERT_TRUE(payouts_reach(before + 1));
    advance("2d");
  }
  const auto done = wait_final(exec);
  ASSERT_EQ(done.at("status"), "FAILED") << json::serialize(done);
  EXPECT_EQ(done.at("error"), "Milestone.ManualIntervention");
  EXPECT_TRUE(entered_state(exec, "ManualIntervention"));
  EXPECT_EQ(entries(exec, "InitiateStripePayout"), 3u);
  EXPECT_EQ(entries(exec, "RetryPayout"), 2u);
  const auto payouts = sim("payouts");
  ASSERT_EQ(payouts.size(), 3u);
  for (const auto& p : payouts) EXPECT_EQ(p.at("status"), "failed");
  EXPECT_EQ(payouts[0].at("destination"), "000111111116");
  EXPECT_EQ(payouts[2].at("destination"), "000222222227");
  EXPECT_EQ(balance("client-m"), (Balances{0, 9000, 0}));  // held for the operator
  EXPECT_EQ(balance("ctr-m"), (Balances{0, 0, 0}));
  reconcile_ok();
}

TEST_F(MilestonePayment, RefusesAFloatOrStringAmount) {
  const auto e1 = approve("evt-ms-4", "ms-4", approval("acct_x", 12.5));
  const auto e2 = approve("evt-ms-5", "ms-5", approval("acct_x", "5000"));
  for (const auto& exec : {e1, e2}) {
    const auto done = wait_final(exec);
    EXPECT_EQ(done.at("status"), "FAILED") << json::serialize(done);
    EXPECT_EQ(done.at("error"), "Milestone.InvalidAmount") << json::serialize(done);
  }
  EXPECT_TRUE(journal("client-m").empty());
}

TEST_F(MilestonePayment, AKillAfterThePayoutPaysItOnce) {
  const auto account = connected_account("a1");
  ASSERT_EQ(deposit("client-m", 7000, "fund-m6").status, 201u);
  const auto exec = approve("evt-ms-6", "ms-6", approval(account, 7000));
  kill_and_restart();  // somewhere in the hold, the transfer or the payout
  ASSERT_TRUE(payouts_reach(1));
  kill_and_restart();  // the payout made, not settled
  advance("2d");
  ASSERT_EQ(wait_final(exec).at("status"), "SUCCEEDED");
  EXPECT_EQ(sim("transfers").size(), 1u);
  ASSERT_EQ(sim("payouts").size(), 1u);
  EXPECT_EQ(balance("client-m"), (Balances{0, 0, 0}));
  EXPECT_EQ(balance("ctr-m"), (Balances{7000, 0, 0}));
  EXPECT_EQ(journal_ops("client-m", "hold"), 1u);
  EXPECT_EQ(journal_ops("ctr-m", "release"), 1u);
  reconcile_ok();
}

}  // namespace
}  // namespace settled::testing
