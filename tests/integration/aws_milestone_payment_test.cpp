// Seed 001's milestone payment as a team on AWS writes it
// (examples/aws/seed-001/workflows/milestone-payment.asl.json, docs/aws-seeds.md): the
// seed's Lambda functions by ARN, DynamoDB and EventBridge integrations, and callbacks that the
// team's webhook handlers answer with the Step Functions API's SendTaskSuccess. The daemon runs
// it unchanged with the example's settled.conf (its resource-map) in place of the shipped
// milestone-payment; the shipped rule starts it. The test plays the webhook handlers: it reads
// the token the definition stored in the PaymentCallbacks table and answers it, as a Lambda
// behind Stripe's webhook would.

#include "integration/payment_flows_fixture.hpp"

#include <filesystem>

namespace settled::testing {
namespace {

namespace json = boost::json;

const std::string kExample = std::string(SETTLED_SOURCE_DIR) + "/examples/aws/seed-001";
constexpr const char* kMachineArn =
    "arn:aws:states:us-east-1:123456789012:stateMachine:milestone-payment";

class AwsMilestonePayment : public PaymentFlowsTest {
 protected:
  std::vector<std::string> daemon_flags() const override {
    auto flags = PaymentFlowsTest::daemon_flags();
    flags.push_back("--config=" + kExample + "/settled.conf");
    return flags;
  }

  void add_workflows() override {
    PaymentFlowsTest::add_workflows();
    for (const auto& entry : std::filesystem::directory_iterator(kExample + "/workflows"))
      std::filesystem::copy_file(entry.path(),
                                 workflows_dir() + "/" + entry.path().filename().string(),
                                 std::filesystem::copy_options::overwrite_existing);
  }

  HttpResult sfn(const std::string& operation, const json::object& body) {
    return client_->post("/", json::serialize(body),
                         {{"Content-Type", "application/x-amz-json-1.0"},
                          {"X-Amz-Target", "AWSStepFunctions." + operation}});
  }

  // What the team's webhook handler does: the token stored under `callback_id` (once it differs
  // from `previous`), answered with SendTaskSuccess. Returns the token.
  std::string answer_callback(const std::string& callback_id, const json::object& output,
                              const std::string& previous = "") {
    std::string token;
    const bool stored = eventually(
        [&] {
          auto res = client_->get("/v1/records/PaymentCallbacks/" + callback_id);
          if (res.status != 200) return false;
          token = std::string(res.json().at("record").at("taskToken").as_string());
          return token != previous;
        },
        std::chrono::seconds(20), std::chrono::milliseconds(20));
    EXPECT_TRUE(stored) << "no new token under " << callback_id;
    if (!stored) return "";
    auto res = sfn("SendTaskSuccess", {{"taskToken", token}, {"output", json::serialize(output)}});
    EXPECT_EQ(res.status, 200u) << res.body;
    return token;
  }

  // Stripe's payout webhook, played by the team's handler: the payout's status as Stripe sent it.
  std::string answer_payout(const json::value& payout, const std::string& previous = "") {
    return answer_callback("payout-" + std::string(payout.at("id").as_string()),
                           {{"id", payout.at("id")},
                            {"status", payout.at("status")},
                            {"failure_code", payout.at("failure_code")}},
                           previous);
  }

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

  // Each scheduled task's resource as GetExecutionHistory gives it: "<resourceType>:<resource>"
  // for a service integration, "function:<ARN>" for a Lambda function.
  std::vector<std::string> resources_scheduled(const std::string& execution_arn) {
    auto res = sfn("GetExecutionHistory", {{"executionArn", execution_arn}, {"maxResults", 1000}});
    EXPECT_EQ(res.status, 200u) << res.body;
    std::vector<std::string> out;
    if (res.status != 200) return out;
    const auto body = res.json();
    for (const auto& e : body.at("events").as_array()) {
      if (const auto* task = e.as_object().if_contains("taskScheduledEventDetails"))
        out.push_back(std::string(task->at("resourceType").as_string()) + ":" +
                      std::string(task->at("resource").as_string()));
      if (const auto* fn = e.as_object().if_contains("lambdaFunctionScheduledEventDetails"))
        out.push_back("function:" + std::string(fn->at("resource").as_string()));
    }
    return out;
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
  const auto first = answer_callback("funding-ms-2", {{"eventId", "funded-early"}});
  ASSERT_TRUE(eventually([&] { return entries(exec, "WaitForFunding") == 2; }));
  EXPECT_EQ(balance("client-a"), (Balances{1000, 0, 0}));
  ASSERT_EQ(deposit("client-a", 4000, "fund-a2b").status, 201u);
  answer_callback("funding-ms-2", {{"eventId", "funded-ms-2"}}, first);
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

  answer_callback("bank-ctr-a", {{"destination", "000123456789"}});
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
