// Seed 001's milestone payment as a team on AWS writes it
// (examples/aws/seed-001/workflows/milestone-payment.asl.json, docs/aws-seeds.md): the
// seed's Lambda functions by ARN, DynamoDB and EventBridge integrations, and callbacks that the
// team's webhook handlers answer with the Step Functions API's SendTaskSuccess. The daemon runs
// it unchanged with the example's settled.conf (its resource-map) in place of the shipped
// milestone-payment; the shipped rule starts it. The test plays the webhook handlers: it reads
// the token the definition stored in the PaymentCallbacks table and answers it, as a Lambda
// behind Stripe's webhook would.

#include "integration/aws_example_fixture.hpp"
#include "integration/payment_flows_fixture.hpp"

namespace settled::testing {
namespace {

namespace json = boost::json;

constexpr const char* kMachineArn =
    "arn:aws:states:us-east-1:123456789012:stateMachine:milestone-payment";

class AwsMilestonePayment : public AwsExampleTest<PaymentFlowsTest> {
 protected:
  AwsMilestonePayment() : AwsExampleTest("seed-001") {}

  std::string approve(const std::string& event_id, const std::string& milestone,
                      std::int64_t amount, const std::string& account,
                      const std::string& bank = "000123456789") {
    auto res = put_event(event_id, "mindlinks.contracts", "milestone.approved", milestone,
                         {{"contractId", "contract-1"},
                          {"clientId", "client-a"},
                          {"contractorId", "ctr-a"},
                          {"amount", amount},
                          {"currency", "USD"},
                          {"stripeAccount", account},
                          {"destination", bank}});
    EXPECT_EQ(res.status, 200u) << res.body;
    if (res.status != 200) return "";
    const auto body = res.json();
    const auto& started = body.at("started").as_array();
    EXPECT_EQ(started.size(), 1u) << res.body;
    if (started.size() != 1) return "";
    return std::string(started[0].at("executionId").as_string());
  }
};

TEST_F(AwsMilestonePayment, AnApprovedMilestoneIsPaidThroughTheSeedsLambdasAndCallbacks) {
  const auto account = connected_account("a1");
  ASSERT_EQ(deposit("client-a", 80000, "fund-a1").status, 201u);
  const auto exec = approve("evt-aws-1", "ms-1", 50000, account);
  ASSERT_EQ(exec, "milestone-payment:milestone-approved-evt-aws-1");
  ASSERT_TRUE(payouts_reach(1));
  EXPECT_EQ(balance("client-a"), (Balances{30000, 50000, 0}));  // lockEscrowFunds held it
  EXPECT_EQ(record("Invoices", "ms-1").at("status"), "ISSUED");
  EXPECT_EQ(record("Invoices", "ms-1").at("amount"), 50000);  // DynamoDB's N, exact

  advance("2d");  // Stripe pays the payout; its webhook reaches the team's handler
  ASSERT_TRUE(eventually([&] { return sim("payouts")[0].at("status") == "paid"; }));
  answer_payout(sim("payouts")[0]);
  const auto done = wait_final(exec);
  ASSERT_EQ(done.at("status"), "SUCCEEDED") << json::serialize(done);
  EXPECT_EQ(done.at("output").at("status"), "PAID");
  EXPECT_EQ(done.at("output").at("payoutId"), sim("payouts")[0].at("id"));
  EXPECT_EQ(balance("client-a"), (Balances{30000, 0, 0}));
  EXPECT_EQ(balance("ctr-a"), (Balances{50000, 0, 0}));  // creditContractorWallet
  EXPECT_EQ(journal_ops("ctr-a", "release"), 1u);
  EXPECT_EQ(record("Milestones", "ms-1").at("status"), "PAID");
  EXPECT_EQ(record("Milestones", "ms-1").at("payoutId"), sim("payouts")[0].at("id"));
  EXPECT_EQ(record("milestone_payments", "ms-1").at("status"), "PAID");  // recordQLDBTransaction
  for (const char* state :
       {"ApprovalReceived", "ValidateApproval", "CheckEscrowBalance", "SufficientFunds",
        "LockFunds", "CreateInvoice", "ProcessPayment", "InitiateStripePayout", "WaitForPayout",
        "PayoutSuccessful", "CreditContractorWallet", "DebitClientEscrow", "RecordInQLDB",
        "UpdateMilestoneStatus", "SendPaymentNotifications"})
    EXPECT_TRUE(entered_state(exec, state)) << state;

  // The Step Functions API describes it under the ARN AWS would give it, and its history names
  // each resource as the definition writes it.
  const std::string arn =
      "arn:aws:states:us-east-1:123456789012:execution:milestone-payment:"
      "milestone-approved-evt-aws-1";
  auto described = sfn("DescribeExecution", {{"executionArn", arn}});
  ASSERT_EQ(described.status, 200u) << described.body;
  EXPECT_EQ(described.json().at("status"), "SUCCEEDED");
  EXPECT_EQ(described.json().at("stateMachineArn"), kMachineArn);
  const auto scheduled = resources_scheduled(arn);
  for (const char* expected :
       {"function:arn:aws:lambda:us-east-1:123456789012:function:lockEscrowFunds",
        "function:arn:aws:lambda:us-east-1:123456789012:function:initiateStripePayout",
        "dynamodb:putItem.waitForTaskToken", "dynamodb:updateItem", "events:putEvents"})
    EXPECT_NE(std::find(scheduled.begin(), scheduled.end(), expected), scheduled.end()) << expected;
  reconcile_ok();
}

TEST_F(AwsMilestonePayment, AShortEscrowWaitsForTheFundingCallbackAndChecksAgain) {
  const auto account = connected_account("a1");
  ASSERT_EQ(deposit("client-a", 1000, "fund-a2").status, 201u);
  const auto exec = approve("evt-aws-2", "ms-2", 5000, account);
  ASSERT_TRUE(eventually([&] { return waits_in(exec, "WaitForFunding"); }));
  EXPECT_EQ(balance("client-a"), (Balances{1000, 0, 0}));  // nothing locked
  // The funding webhook answers before the money is there: checked again, still short, waits.
  answer_callback("PaymentCallbacks", "funding-ms-2", json::object{{"eventId", "funded-early"}});
  ASSERT_TRUE(eventually([&] { return entries(exec, "WaitForFunding") == 2; }));
  EXPECT_EQ(balance("client-a"), (Balances{1000, 0, 0}));
  ASSERT_EQ(deposit("client-a", 4000, "fund-a2b").status, 201u);
  answer_callback("PaymentCallbacks", "funding-ms-2", json::object{{"eventId", "funded-ms-2"}});
  ASSERT_TRUE(payouts_reach(1));
  EXPECT_EQ(balance("client-a"), (Balances{0, 5000, 0}));
  advance("2d");
  ASSERT_TRUE(eventually([&] { return sim("payouts")[0].at("status") == "paid"; }));
  answer_payout(sim("payouts")[0]);
  ASSERT_EQ(wait_final(exec).at("status"), "SUCCEEDED");
  EXPECT_EQ(balance("ctr-a"), (Balances{5000, 0, 0}));
  EXPECT_EQ(entries(exec, "CheckEscrowBalance"), 3u);
  reconcile_ok();
}

TEST_F(AwsMilestonePayment, ARefusedPayoutIsRetriedToTheContractorsNewBankAccount) {
  const auto account = connected_account("a1");
  ASSERT_EQ(deposit("client-a", 9000, "fund-a3").status, 201u);
  const auto exec = approve("evt-aws-3", "ms-3", 9000, account, "000111111116");
  ASSERT_TRUE(payouts_reach(1));
  advance("2d");  // refused: no_account
  ASSERT_TRUE(eventually([&] { return sim("payouts")[0].at("status") == "failed"; }));
  const auto failed_token = answer_payout(sim("payouts")[0]);
  ASSERT_TRUE(eventually([&] { return waits_in(exec, "WaitForBankAccount"); }));
  EXPECT_EQ(balance("client-a"), (Balances{0, 9000, 0}));  // still held

  // Stripe sends the same webhook again (it retries deliveries): the token is answered already,
  // so Step Functions says it timed out, and nothing moves.
  auto replay = sfn("SendTaskSuccess", {{"taskToken", failed_token}, {"output", "{}"}});
  EXPECT_EQ(replay.status, 400u) << replay.body;
  EXPECT_EQ(replay.json().at("__type"), "TaskTimedOut") << replay.body;
  // A forged token changes nothing either.
  auto forged = sfn("SendTaskSuccess", {{"taskToken", failed_token + "x"}, {"output", "{}"}});
  EXPECT_EQ(forged.status, 400u) << forged.body;
  EXPECT_EQ(forged.json().at("__type"), "TaskDoesNotExist") << forged.body;
  EXPECT_TRUE(waits_in(exec, "WaitForBankAccount"));
  EXPECT_EQ(sim("payouts").size(), 1u);

  answer_callback("PaymentCallbacks", "bank-ctr-a", json::object{{"destination", "000123456789"}});
  ASSERT_TRUE(payouts_reach(2));
  advance("2d");
  ASSERT_TRUE(eventually([&] { return sim("payouts")[1].at("status") == "paid"; }));
  answer_payout(sim("payouts")[1]);
  const auto done = wait_final(exec);
  ASSERT_EQ(done.at("status"), "SUCCEEDED") << json::serialize(done);
  EXPECT_EQ(done.at("output").at("attempts"), 2);
  EXPECT_EQ(sim("payouts")[1].at("destination"), "000123456789");
  EXPECT_EQ(balance("client-a"), (Balances{0, 0, 0}));
  EXPECT_EQ(balance("ctr-a"), (Balances{9000, 0, 0}));
  reconcile_ok();
}

}  // namespace
}  // namespace settled::testing
