// Seed 001's payroll as a team on AWS writes it (examples/aws/seed-001/workflows/payroll.asl.json,
// docs/aws-seeds.md): the seed's Lambda functions by ARN, EventBridge, SNS and DynamoDB
// integrations, and callbacks that the team's webhook handlers answer with the Step Functions
// API's SendTaskSuccess. The daemon runs it unchanged with the example's settled.conf (its
// resource-map) in place of the shipped payroll, on a simulated clock with Stripe's real two-day
// payout delay and the real 7-day funding wait. The test plays the webhook handlers: it reads the
// token the definition stored in the PaymentCallbacks table and answers it.

#include "integration/aws_example_fixture.hpp"
#include "integration/payment_flows_fixture.hpp"

#include <algorithm>

namespace settled::testing {
namespace {

namespace json = boost::json;

constexpr const char* kGoodBank = "000123456789";  // Stripe's succeeding test account number
constexpr const char* kBadBank = "000111111116";   // fails: no_account

class AwsPayroll : public AwsExampleTest<PaymentFlowsTest> {
 protected:
  AwsPayroll() : AwsExampleTest("seed-001") {}

  // The payout of `line_item` (its `n`th try) once Stripe settled it.
  json::value settled_payout(const std::string& line_item, std::size_t n = 0) {
    json::value payout;
    const bool settled = eventually(
        [&] {
          const auto payouts = payouts_where("lineItemId", line_item);
          if (payouts.size() <= n) return false;
          payout = payouts[n];
          return payout.at("status") == "paid" || payout.at("status") == "failed";
        },
        std::chrono::seconds(20));
    EXPECT_TRUE(settled) << line_item << " try " << n;
    return payout;
  }

  static json::object line(const std::string& id, const std::string& contractor,
                           const std::string& account, json::value amount,
                           const std::string& bank = kGoodBank) {
    return {{"lineItemId", id},
            {"contractorId", contractor},
            {"stripeAccount", account},
            {"destination", bank},
            {"amount", std::move(amount)}};
  }

  void submit(const std::string& payroll, const std::string& client, json::array items) {
    start_execution("payroll", payroll,
                    {{"payrollId", payroll},
                     {"clientId", client},
                     {"currency", "USD"},
                     {"lineItems", std::move(items)}});
  }

  static std::string exec(const std::string& payroll) { return "payroll:" + payroll; }
  // Its ARN in the example's settled.conf region and account ($$.Execution.Id).
  static std::string exec_arn(const std::string& payroll) {
    return AwsScopeFlags{"us-east-1", "123456789012"}.execution_arn(exec(payroll));
  }
};

TEST_F(AwsPayroll, PaysEveryLineItemThroughTheSeedsLambdasAndRetriesARefusedPayout) {
  const auto a1 = connected_account("a1"), a2 = connected_account("a2");
  ASSERT_EQ(deposit("client-1", 100000, "fund-1").status, 201u);
  submit("pr-1", "client-1",
         {line("li-1", "ctr-1", a1, 30000), line("li-2", "ctr-2", a2, 45000, kBadBank)});
  ASSERT_TRUE(payouts_reach(2));
  EXPECT_EQ(balance("client-1"), (Balances{25000, 75000, 0}));  // lockEscrowFunds, per line item
  EXPECT_EQ(escrow("payroll:pr-1:li-2").at("status"), "HELD");

  advance("2d");  // the banks answer: li-1 paid, li-2 refused; the webhooks reach the handler
  const auto li1 = settled_payout("li-1");
  const auto refused = settled_payout("li-2");
  ASSERT_EQ(li1.at("status"), "paid");
  ASSERT_EQ(refused.at("status"), "failed");
  answer_payout(li1);
  answer_payout(refused);
  ASSERT_TRUE(eventually([&] { return entered_state(exec("pr-1"), "RetryFailedPayments"); },
                         std::chrono::seconds(20)));
  EXPECT_EQ(payouts_where("lineItemId", "li-2").size(), 1u);    // not retried to the same bank
  EXPECT_EQ(balance("client-1"), (Balances{25000, 75000, 0}));  // nothing released yet
  ASSERT_TRUE(eventually(
      [&] { return client_->get("/v1/records/PaymentCallbacks/bank-ctr-2").status == 200; }));
  const auto waiting = record("PaymentCallbacks", "bank-ctr-2");
  EXPECT_EQ(waiting.at("lineItemId"), "li-2");
  EXPECT_EQ(waiting.at("executionId"), exec_arn("pr-1").c_str());

  // The contractor's new bank account: its webhook answers the bank-<contractorId> callback.
  answer_callback("PaymentCallbacks", "bank-ctr-2", json::object{{"destination", kGoodBank}});
  ASSERT_TRUE(payouts_reach(3));
  advance("2d");
  const auto retried = settled_payout("li-2", 1);
  ASSERT_EQ(retried.at("status"), "paid");
  EXPECT_EQ(retried.at("destination"), kGoodBank);
  answer_payout(retried);

  const auto done = wait_final(exec("pr-1"));
  ASSERT_EQ(done.at("status"), "SUCCEEDED") << json::serialize(done);
  EXPECT_EQ(done.at("output").at("status"), "COMPLETED");
  const auto& payments = done.at("output").at("payments").as_array();
  ASSERT_EQ(payments.size(), 2u);
  EXPECT_EQ(payments[0].at("paid"), true);
  EXPECT_EQ(payments[0].at("attempts"), 1);
  EXPECT_EQ(payments[0].at("payoutId"), li1.at("id"));
  EXPECT_EQ(payments[1].at("paid"), true);
  EXPECT_EQ(payments[1].at("attempts"), 2);
  EXPECT_EQ(payments[1].at("payoutId"), retried.at("id"));
  EXPECT_EQ(sim("transfers").size(), 2u);  // initiateStripeTransfer, once per line item

  EXPECT_EQ(balance("client-1"), (Balances{25000, 0, 0}));
  EXPECT_EQ(balance("ctr-1"), (Balances{30000, 0, 0}));  // creditContractorWallet
  EXPECT_EQ(balance("ctr-2"), (Balances{45000, 0, 0}));
  EXPECT_EQ(journal_ops("ctr-2", "release"), 1u);  // one journal entry per line item
  EXPECT_EQ(journal_ops("client-1", "release"), 2u);
  EXPECT_EQ(escrow("payroll:pr-1:li-2").at("status"), "RELEASED");
  const auto payroll = record("payrolls", "pr-1");  // recordQLDBTransaction
  EXPECT_EQ(payroll.at("status"), "COMPLETED");
  EXPECT_EQ(payroll.at("payments").at(1).at("amount"), 45000);
  for (const char* state : {"PayrollSubmitted", "ValidateEscrow", "LockLineItem", "FundsLocked",
                            "ProcessingPayments", "PaymentBatch", "CreateTransfer", "CreatePayout",
                            "WaitForSettlement", "PaymentPartialFailure", "RetryFailedPayments",
                            "NextTry", "PaymentSettled", "UpdateWallets", "CreditContractorWallet",
                            "RecordLedger", "PayrollCompleted", "SendNotifications"})
    EXPECT_TRUE(entered_state(exec("pr-1"), state)) << state;
  EXPECT_FALSE(entered_state(exec("pr-1"), "InsufficientFunds"));
  EXPECT_FALSE(entered_state(exec("pr-1"), "PayoutManualIntervention"));

  // The Step Functions API names each resource as the definition writes it.
  const auto scheduled = resources_scheduled(exec_arn("pr-1"));
  for (const char* expected :
       {"function:arn:aws:lambda:us-east-1:123456789012:function:lockEscrowFunds",
        "function:arn:aws:lambda:us-east-1:123456789012:function:initiateStripeTransfer",
        "function:arn:aws:lambda:us-east-1:123456789012:function:initiateStripePayout",
        "function:arn:aws:lambda:us-east-1:123456789012:function:creditContractorWallet",
        "function:arn:aws:lambda:us-east-1:123456789012:function:recordQLDBTransaction",
        "function:arn:aws:lambda:us-east-1:123456789012:function:sendNotification",
        "dynamodb:putItem.waitForTaskToken", "events:putEvents"})
    EXPECT_NE(std::find(scheduled.begin(), scheduled.end(), expected), scheduled.end()) << expected;
  reconcile_ok();
}

TEST_F(AwsPayroll, WaitsForTheFundingCallbackAndLocksOnlyWhatIsStillUnlocked) {
  const auto a1 = connected_account("a1"), a2 = connected_account("a2");
  ASSERT_EQ(deposit("client-2", 20000, "fund-2").status, 201u);
  submit("pr-2", "client-2", {line("li-1", "ctr-1", a1, 15000), line("li-2", "ctr-2", a2, 10000)});
  ASSERT_TRUE(eventually([&] { return waits_in(exec("pr-2"), "WaitForFunding"); },
                         std::chrono::seconds(20)));
  EXPECT_EQ(balance("client-2"), (Balances{5000, 15000, 0}));  // what fits is locked
  EXPECT_TRUE(sim("transfers").empty());

  // The funding service deposits, then its handler answers payroll-funding-<payrollId>.
  ASSERT_EQ(deposit("client-2", 10000, "fund-2b").status, 201u);
  answer_callback("PaymentCallbacks", "payroll-funding-pr-2",
                  json::object{{"eventId", "funded-pr-2"}});
  ASSERT_TRUE(payouts_reach(2));
  EXPECT_EQ(balance("client-2"), (Balances{5000, 25000, 0}));
  advance("2d");
  answer_payout(settled_payout("li-1"));
  answer_payout(settled_payout("li-2"));
  const auto done = wait_final(exec("pr-2"));
  ASSERT_EQ(done.at("status"), "SUCCEEDED") << json::serialize(done);
  EXPECT_EQ(done.at("output").at("status"), "COMPLETED");
  EXPECT_EQ(entries(exec("pr-2"), "ValidateEscrow"), 2u);
  EXPECT_EQ(entries(exec("pr-2"), "LockLineItem"), 3u);  // li-1 once, li-2 twice
  EXPECT_EQ(balance("client-2"), (Balances{5000, 0, 0}));
  EXPECT_EQ(balance("ctr-1"), (Balances{15000, 0, 0}));
  EXPECT_EQ(balance("ctr-2"), (Balances{10000, 0, 0}));
  reconcile_ok();
}

TEST_F(AwsPayroll, IsCancelledAfterSevenDaysUnfundedAndUnlocksWhatItLocked) {
  const auto a1 = connected_account("a1");
  ASSERT_EQ(deposit("client-3", 20000, "fund-3").status, 201u);
  submit("pr-3", "client-3", {line("li-1", "ctr-1", a1, 15000), line("li-2", "ctr-2", a1, 10000)});
  ASSERT_TRUE(eventually([&] { return waits_in(exec("pr-3"), "WaitForFunding"); },
                         std::chrono::seconds(20)));
  ASSERT_TRUE(eventually([&] {
    return client_->get("/v1/records/PaymentCallbacks/payroll-funding-pr-3").status == 200;
  }));
  const std::string token(
      record("PaymentCallbacks", "payroll-funding-pr-3").at("taskToken").as_string());
  EXPECT_EQ(balance("client-3"), (Balances{5000, 15000, 0}));

  advance("167h");  // 6 days 23 hours: still waiting
  auto res = client_->get("/v1/executions/" + exec("pr-3"));
  ASSERT_EQ(res.status, 200u) << res.body;
  EXPECT_EQ(res.json().at("status"), "RUNNING");
  EXPECT_TRUE(waits_in(exec("pr-3"), "WaitForFunding"));

  advance("1h");  // 7 days: the task's TimeoutSeconds
  const auto done = wait_final(exec("pr-3"));
  ASSERT_EQ(done.at("status"), "SUCCEEDED") << json::serialize(done);
  EXPECT_EQ(done.at("output").at("status"), "CANCELLED");
  EXPECT_EQ(done.at("output").at("released").at(0).at("refunded"), 15000);  // unlockEscrowFunds
  EXPECT_EQ(done.at("output").at("released").at(1).at("refunded"), 0);
  EXPECT_TRUE(entered_state(exec("pr-3"), "PayrollCancelled"));
  EXPECT_TRUE(entered_state(exec("pr-3"), "ReleaseFunds"));
  EXPECT_EQ(balance("client-3"), (Balances{20000, 0, 0}));
  EXPECT_EQ(escrow("payroll:pr-3:li-1").at("status"), "CANCELLED");
  EXPECT_TRUE(sim("transfers").empty());

  // A funding webhook that comes too late finds its token timed out, and moves nothing.
  ASSERT_EQ(deposit("client-3", 5000, "fund-3b").status, 201u);
  auto late = sfn("SendTaskSuccess",
                  {{"taskToken", token}, {"output", R"({"eventId": "funded-too-late"})"}});
  EXPECT_EQ(late.status, 400u) << late.body;
  EXPECT_EQ(late.json().at("__type"), "TaskTimedOut") << late.body;
  EXPECT_EQ(balance("client-3"), (Balances{25000, 0, 0}));
  EXPECT_TRUE(sim("payouts").empty());
  reconcile_ok();
}

TEST_F(AwsPayroll, ALockRefusedByTheLambdaUndoesTheLocksAndFailsWithItsError) {
  ASSERT_EQ(deposit("client-7", 100000, "fund-7").status, 201u);
  // li-1 is locked, then lockEscrowFunds refuses li-2's payee (longer than an account id may
  // be): unlockEscrowFunds returns li-1's hold before the payroll fails with the function's error.
  submit("pr-7", "client-7",
         {line("li-1", "ctr-1", "acct_x", 1000),
          line("li-2", std::string(1000, 'c'), "acct_x", 2000)});
  const auto done = wait_final(exec("pr-7"));
  EXPECT_EQ(done.at("status"), "FAILED") << json::serialize(done);
  EXPECT_EQ(done.at("error"), "Ledger.InvalidParameters") << json::serialize(done);
  EXPECT_TRUE(entered_state(exec("pr-7"), "UndoLocks"));
  EXPECT_EQ(escrow("payroll:pr-7:li-1").at("status"), "CANCELLED");
  EXPECT_EQ(balance("client-7"), (Balances{100000, 0, 0}));
  EXPECT_TRUE(sim("transfers").empty());
  reconcile_ok();
}

TEST_F(AwsPayroll, RefusesAnAmountThatIsNotAnIntegerOfMinorUnits) {
  ASSERT_EQ(deposit("client-4", 100000, "fund-4").status, 201u);
  submit("pr-4", "client-4",
         {line("li-1", "ctr-1", "acct_x", 1000), line("li-2", "ctr-2", "acct_x", 12.5)});
  submit("pr-5", "client-4", {line("li-1", "ctr-1", "acct_x", "1000")});
  for (const char* id : {"pr-4", "pr-5"}) {
    const auto done = wait_final(exec(id));
    EXPECT_EQ(done.at("status"), "FAILED") << json::serialize(done);
    EXPECT_EQ(done.at("error"), "Payroll.InvalidAmount") << json::serialize(done);
    EXPECT_NE(std::string(done.at("cause").as_string()).find("never rounded"), std::string::npos);
    EXPECT_FALSE(entered_state(exec(id), "LockLineItem"));
  }
  EXPECT_EQ(balance("client-4"), (Balances{100000, 0, 0}));
}

}  // namespace
}  // namespace settled::testing
