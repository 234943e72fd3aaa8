// Seed 001's contract lifecycle as a team on AWS writes it
// (examples/aws/seed-001/workflows/contract-lifecycle.asl.json, docs/aws-seeds.md): the seed's
// Lambda functions by ARN (generateContractPDF, sendNotification, and computeContractDeadline for
// the calendar), the Contracts, Milestones and Timesheets tables, EventBridge and SNS, callbacks
// that the team's signature and activity handlers answer with SendTaskSuccess, and the final
// payments as milestone-payment executions (states:startExecution.sync:2, the AWS form of
// milestone-payment too). The daemon runs it unchanged with the example's settled.conf on a
// simulated clock with the real 3-day reminders, the renewal notice 30 days before the end date,
// and Stripe's 2-day payouts. The test plays the handlers: it reads the token the definition
// stored in the ContractCallbacks (or PaymentCallbacks) table and answers it.

#include "integration/aws_example_fixture.hpp"
#include "integration/payment_flows_fixture.hpp"

#include <chrono>
#include <string>

namespace settled::testing {
namespace {

namespace json = boost::json;

class AwsContractLifecycle : public AwsExampleTest<PaymentFlowsTest> {
 protected:
  AwsContractLifecycle() : AwsExampleTest("seed-001") {}

  std::vector<std::string> daemon_flags() const override {
    auto flags = AwsExampleTest::daemon_flags();
    // The jumps of a month or two step through every daily webhook and weekly ledger
    // reconciliation on the way (about 100 ms each, more on a loaded machine): longer than the
    // default 10 s request deadline.
    flags.push_back("--request-deadline-ms=120000");
    return flags;
  }

  // The handler behind the team's EventBridge rule for a contract's activity: the event itself
  // answers the monitor's activity-<contractId> callback. Returns the token it answered.
  std::string deliver(const std::string& contract, const std::string& id, const std::string& type,
                      const std::string& entity, const std::string& actor_type,
                      json::object metadata, const std::string& previous = "") {
    const auto t = stored_token("ContractCallbacks", "activity-" + contract, previous);
    send_task_success(t, json::object{{"version", "1.0"},
                                      {"id", id},
                                      {"source", "mindlinks.contracts"},
                                      {"detail-type", type},
                                      {"time", "2026-12-07T09:00:00Z"},
                                      {"detail",
                                       {{"entityId", entity},
                                        {"action", type.substr(type.rfind('.') + 1)},
                                        {"actorId", actor_type == "client" ? "client-c" : "ctr-c"},
                                        {"actorType", actor_type},
                                        {"metadata", std::move(metadata)}}}});
    return t;
  }

  std::string start_contract(const std::string& contract, const std::string& account,
                             json::object extra = {},
                             const std::string& end_date = "2027-03-07T09:00:00Z") {
    json::object input{{"contractId", contract},   {"clientId", "client-c"},
                       {"contractorId", "ctr-c"},  {"endDate", end_date},
                       {"stripeAccount", account}, {"destination", "000123456789"}};
    for (auto& field : extra) input[field.key()] = field.value();
    start_execution("contract-lifecycle", contract, input);
    return "contract-lifecycle:" + contract;
  }

  // POST /v1/clock/advance to `when`, answered once everything due by then has fired.
  void advance_to(const std::string& when) {
    client_->set_timeout(std::chrono::minutes(2));
    auto res = client_->post("/v1/clock/advance", R"({"to":")" + when + R"("})");
    client_->set_timeout(std::chrono::seconds(30));
    ASSERT_EQ(res.status, 200u) << res.body;
  }

  void await(const std::string& execution, const std::string& state) {
    ASSERT_TRUE(eventually([&] { return waits_in(execution, state); }, std::chrono::seconds(30)))
        << state << ": " << json::serialize(history(execution));
  }

  void sign(const std::string& execution, const std::string& contract) {
    send_task_success(stored_token("ContractCallbacks", "client-signature-" + contract),
                      json::object{{"signer", "client-c"}});
    await(execution, "WaitForContractorSignature");
    send_task_success(stored_token("ContractCallbacks", "contractor-signature-" + contract),
                      json::object{{"signer", "ctr-c"}});
    await(execution, "MonitorContract");
  }

  std::string contract_status(const std::string& contract) {
    const auto r = record("Contracts", contract);
    return r.is_object() ? std::string(r.at("status").as_string()) : std::string();
  }
};

TEST_F(AwsContractLifecycle, SignedWithRemindersWatchedRenewalNoticedAndCompletedWithSettlement) {
  const auto account = connected_account("c1");
  const auto id = start_contract("ct-1", account,
                                 {{"finalSettlement", {{"amount", 20000}, {"currency", "USD"}}}});
  await(id, "WaitForClientSignature");
  EXPECT_EQ(contract_status("ct-1"), "pending_client_signature");  // generateContractPDF
  EXPECT_EQ(record("Contracts", "ct-1").at("document"), "contracts/ct-1.pdf");
  const auto first = stored_token("ContractCallbacks", "client-signature-ct-1");

  // 3 days unsigned: a reminder, and a new token for the next 3 days.
  advance("3d");
  const auto second = stored_token("ContractCallbacks", "client-signature-ct-1", first);
  await(id, "WaitForClientSignature");
  EXPECT_EQ(entries(id, "ClientSignatureReminder"), 1u);
  auto stale = sfn("SendTaskSuccess", {{"taskToken", first}, {"output", "{}"}});
  EXPECT_EQ(stale.json().at("__type"), "TaskTimedOut") << stale.body;
  send_task_success(second, json::object{{"signer", "client-c"}});
  await(id, "WaitForContractorSignature");
  EXPECT_EQ(contract_status("ct-1"), "client_signed");
  const auto contractor_first = stored_token("ContractCallbacks", "contractor-signature-ct-1");
  advance("2d");
  advance("23h");
  EXPECT_EQ(entries(id, "SignatureReminder"), 0u);
  advance("1h");
  ASSERT_TRUE(eventually([&] { return entries(id, "SignatureReminder") == 1; }));
  await(id, "WaitForContractorSignature");
  send_task_success(
      stored_token("ContractCallbacks", "contractor-signature-ct-1", contractor_first),
      json::object{{"signer", "ctr-c"}});
  await(id, "MonitorContract");
  EXPECT_EQ(contract_status("ct-1"), "active");

  // A milestone and then a timesheet, each answering the monitor's callback in turn.
  const auto milestone_token = deliver("ct-1", "ms-sub-1", "milestone.submitted", "ms-7",
                                       "contractor", {{"contractId", "ct-1"}});
  deliver("ct-1", "ts-sub-1", "timesheet.submitted", "ts-3", "contractor", {{"contractId", "ct-1"}},
          milestone_token);
  ASSERT_TRUE(eventually([&] { return entries(id, "TimesheetApprovalFlow") == 1; },
                         std::chrono::seconds(30)));
  await(id, "MonitorContract");
  EXPECT_EQ(entries(id, "MilestonePaymentFlow"), 1u);
  EXPECT_EQ(record("Milestones", "ms-7").at("status"), "awaiting_approval");
  EXPECT_EQ(record("Milestones", "ms-7").at("contractId"), "ct-1");
  EXPECT_EQ(record("Timesheets", "ts-3").at("status"), "awaiting_approval");
  EXPECT_EQ(record("Timesheets", "ts-3").at("submittedEventId"), "ts-sub-1");

  // The renewal notice falls 30 days before 2027-03-07T09:00Z (computeContractDeadline and the
  // callback's TimeoutSecondsPath), not a minute earlier.
  ASSERT_NO_FATAL_FAILURE(advance_to("2027-02-05T08:59:00Z"));
  EXPECT_EQ(entries(id, "ContractNearingEnd"), 0u);
  advance("1m");
  ASSERT_TRUE(eventually([&] { return entries(id, "RenewalNotification") == 1; },
                         std::chrono::seconds(30)));
  await(id, "MonitorContract");
  EXPECT_FALSE(record("Contracts", "ct-1").at("renewalNoticeSentAt").as_string().empty());

  // The end date: completed, and the held-back settlement paid by milestone-payment's AWS form,
  // whose payout callback Stripe's webhook handler answers.
  ASSERT_EQ(deposit("client-c", 20000, "fund-ct-1").status, 201u);
  ASSERT_NO_FATAL_FAILURE(advance_to("2027-03-07T08:59:00Z"));
  EXPECT_EQ(entries(id, "ContractCompleted"), 0u);
  advance("1m");
  ASSERT_TRUE(payouts_reach(1));
  EXPECT_EQ(contract_status("ct-1"), "completed");
  EXPECT_EQ(balance("client-c"), (Balances{0, 20000, 0}));
  advance("2d");
  ASSERT_TRUE(eventually([&] { return sim("payouts")[0].at("status") == "paid"; }));
  const auto payout = sim("payouts")[0];
  answer_payout(payout);
  const auto done = wait_final(id);
  ASSERT_EQ(done.at("status"), "SUCCEEDED") << json::serialize(done);
  EXPECT_EQ(done.at("output").at("status"), "completed");
  EXPECT_EQ(entries(id, "FinalSettlement"), 1u);
  EXPECT_EQ(balance("ctr-c"), (Balances{20000, 0, 0}));
  EXPECT_EQ(balance("client-c"), (Balances{0, 0, 0}));
  EXPECT_EQ(journal_ops("ctr-c", "release"), 1u);

  // The child is the execution AWS would name: milestone-payment:<contractId>-final-settlement.
  auto child = sfn("DescribeExecution",
                   {{"executionArn",
                     "arn:aws:states:us-east-1:123456789012:execution:milestone-payment:"
                     "ct-1-final-settlement"}});
  ASSERT_EQ(child.status, 200u) << child.body;
  EXPECT_EQ(child.json().at("status"), "SUCCEEDED");
  EXPECT_EQ(json::parse(child.json().at("output").as_string()).at("payoutId"), payout.at("id"));
  EXPECT_EQ(record("Milestones", "ct-1-final-settlement").at("status"), "PAID");
  reconcile_ok();
}

TEST_F(AwsContractLifecycle, ATerminationByTheClientPaysItsFinalPayment) {
  const auto account = connected_account("c2");
  const auto id = start_contract("ct-2", account);
  sign(id, "ct-2");
  ASSERT_EQ(deposit("client-c", 15000, "fund-ct-2").status, 201u);
  deliver(
      "ct-2", "term-2", "contract.termination.requested", "ct-2", "client",
      {{"finalPayment", {{"amount", 15000}, {"currency", "USD"}}}, {"reason", "project ended"}});
  ASSERT_TRUE(payouts_reach(1));
  EXPECT_EQ(contract_status("ct-2"), "termination_requested");
  EXPECT_EQ(json::parse(record("Contracts", "ct-2").at("termination").as_string())
                .at("metadata")
                .at("reason"),
            "project ended");
  advance("2d");
  ASSERT_TRUE(eventually([&] { return sim("payouts")[0].at("status") == "paid"; }));
  const auto payout = sim("payouts")[0];
  answer_payout(payout);
  const auto done = wait_final(id);
  ASSERT_EQ(done.at("status"), "SUCCEEDED") << json::serialize(done);
  EXPECT_EQ(done.at("output").at("status"), "terminated");
  EXPECT_EQ(contract_status("ct-2"), "terminated");
  EXPECT_TRUE(entered_state(id, "FinalPayment"));
  EXPECT_FALSE(entered_state(id, "Final Payment Failed"));
  EXPECT_EQ(entries(id, "ContractCompleted"), 0u);
  EXPECT_EQ(sim("payouts").size(), 1u);
  EXPECT_EQ(balance("ctr-c"), (Balances{15000, 0, 0}));
  EXPECT_EQ(balance("client-c"), (Balances{0, 0, 0}));
  reconcile_ok();
}

TEST_F(AwsContractLifecycle, AContractorsOwnFinalPaymentIsRefusedAndAnOperatorAlerted) {
  const auto account = connected_account("c3");
  const auto id = start_contract("ct-3", account);
  sign(id, "ct-3");
  ASSERT_EQ(deposit("client-c", 15000, "fund-ct-3").status, 201u);
  // The contractor asks to be paid: milestone-payment refuses an approval that is not the
  // client's, the child fails, and sns:publish alerts the operator; the contract terminates.
  deliver("ct-3", "term-3", "contract.termination.requested", "ct-3", "contractor",
          {{"finalPayment", {{"amount", 15000}, {"currency", "USD"}}}});
  const auto done = wait_final(id);
  ASSERT_EQ(done.at("status"), "SUCCEEDED") << json::serialize(done);
  EXPECT_EQ(done.at("output").at("status"), "terminated");
  EXPECT_TRUE(entered_state(id, "Final Payment Failed"));
  EXPECT_NE(daemon_->wait_for_output("The final payment of contract ct-3 failed"), "");
  auto child = sfn("DescribeExecution",
                   {{"executionArn",
                     "arn:aws:states:us-east-1:123456789012:execution:milestone-payment:"
                     "ct-3-final-payment"}});
  ASSERT_EQ(child.status, 200u) << child.body;
  EXPECT_EQ(child.json().at("status"), "FAILED");
  EXPECT_EQ(child.json().at("error"), "Milestone.NotAuthorized") << child.body;
  EXPECT_EQ(contract_status("ct-3"), "terminated");
  EXPECT_TRUE(sim("payouts").empty());
  EXPECT_EQ(balance("client-c"), (Balances{15000, 0, 0}));  // nothing locked or paid
  EXPECT_EQ(balance("ctr-c"), (Balances{0, 0, 0}));
  reconcile_ok();
}

TEST_F(AwsContractLifecycle, AnEndDateThatIsNotATimestampIsRefusedBeforeAnythingIsWritten) {
  const auto id = start_contract("ct-4", "acct_x", {}, "next tuesday");
  const auto done = wait_final(id);
  EXPECT_EQ(done.at("status"), "FAILED") << json::serialize(done);
  EXPECT_EQ(done.at("error"), "Contract.InvalidInput");
  EXPECT_EQ(done.at("cause"), "endDate must be an RFC 3339 timestamp");
  EXPECT_TRUE(entered_state(id, "Check End Date"));
  EXPECT_FALSE(entered_state(id, "ContractDrafted"));
  EXPECT_EQ(client_->get("/v1/records/Contracts/ct-4").status, 404u);
}

}  // namespace
}  // namespace settled::testing
