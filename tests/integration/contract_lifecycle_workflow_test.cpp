// Seed 001's contract lifecycle (config/workflows/contract-lifecycle.asl.json,
// docs/contract-lifecycle.md), the shipped definition and rules on a simulated clock with its
// real waits: signatures with 3-day reminders, a contract watched for milestones and timesheets
// (events of several types reaching it through the contract-activity rules), a renewal notice
// exactly 30 days before the end date, completion at the end date with the final settlement paid
// through milestone-payment and Stripe's 2-day payout; a termination whose final payment is
// paid once across a kill -9; the ledger reconciles.

#include "integration/payment_flows_fixture.hpp"
#include "support/eventually.hpp"

#include <chrono>
#include <string>

namespace settled::testing {
namespace {

namespace json = boost::json;

class ContractLifecycle : public PaymentFlowsTest {
 protected:
  std::string start_contract(const std::string& contract, const std::string& account,
                             json::object extra = {}) {
    json::object input{{"contractId", contract},   {"clientId", "client-c"},
                       {"contractorId", "ctr-c"},  {"endDate", "2027-03-07T09:00:00Z"},
                       {"stripeAccount", account}, {"destination", "000123456789"}};
    for (auto& field : extra) input[field.key()] = field.value();
    start_execution("contract-lifecycle", contract, input);
    return "contract-lifecycle:" + contract;
  }

  void post(const std::string& id, const std::string& type, const std::string& entity,
            json::object metadata = {}) {
    auto res = put_event(id, "mindlinks.contracts", type, entity, metadata);
    ASSERT_TRUE(res.status == 200u || res.status == 202u) << res.body;
  }

  void await(const std::string& execution, const std::string& state) {
    ASSERT_TRUE(eventually([&] { return waits_in(execution, state); }, std::chrono::seconds(30)))
        << state << ": " << json::serialize(history(execution));
  }

  std::size_t times(const std::string& execution, const std::string& state) {
    std::size_t n = 0;
    for (const auto& name : entered(execution)) n += name == state ? 1 : 0;
    return n;
  }

  void sign(const std::string& execution, const std::string& contract) {
    post("sig-client-" + contract, "contract.signed.client", contract);
    await(execution, "WaitForContractorSignature");
    post("sig-contractor-" + contract, "contract.signed.contractor", contract);
    await(execution, "MonitorContract");
  }

  std::string contract_status(const std::string& contract) {
    const auto r = record("contracts", contract);
    return r.is_object() ? std::string(r.at("status").as_string()) : std::string();
  }
};

TEST_F(ContractLifecycle, SignedWithRemindersWatchedRenewalNoticedAndCompletedWithItsSettlement) {
  const auto account = connected_account("c1");
  const auto id = start_contract("ct-1", account,
                                 {{"finalSettlement", {{"amount", 20000}, {"currency", "USD"}}}});
  await(id, "WaitForClientSignature");
  EXPECT_EQ(contract_status("ct-1"), "pending_client_signature");
  advance("3d");
  await(id, "WaitForClientSignature");
  EXPECT_EQ(times(id, "ClientSignatureReminder"), 1u);
  post("sig-client-ct-1", "contract.signed.client", "ct-1");
  await(id, "WaitForContractorSignature");
  advance("2d");
  advance("23h");
  EXPECT_EQ(times(id, "SignatureReminder"), 0u);
  advance("1h");
  await(id, "WaitForContractorSignature");
  EXPECT_EQ(times(id, "SignatureReminder"), 1u);
  post("sig-contractor-ct-1", "contract.signed.contractor", "ct-1");
  await(id, "MonitorContract");
  EXPECT_EQ(contract_status("ct-1"), "active");

  // A milestone and a timesheet, back to back: both reach the one monitor, in turn.
  post("ms-sub-1", "milestone.submitted", "ms-7", {{"contractId", "ct-1"}});
  post("ts-sub-1", "timesheet.submitted", "ts-3", {{"contractId", "ct-1"}});
  ASSERT_TRUE(eventually([&] { return times(id, "TimesheetApprovalFlow") == 1; },
                         std::chrono::seconds(30)));
  await(id, "MonitorContract");
  EXPECT_EQ(times(id, "MilestonePaymentFlow"), 1u);
  EXPECT_EQ(record("contract-milestones", "ct-1-ms-7").at("status"), "awaiting_approval");
  EXPECT_EQ(record("contract-timesheets", "ct-1-ts-3").at("status"), "awaiting_approval");

  // The renewal notice falls 30 days before 2027-03-07T09:00Z, not a minute earlier.
  auto to = client_->post("/v1/clock/advance", R"({"to":"2027-02-05T08:59:00Z"})");
  ASSERT_EQ(to.status, 200u) << to.body;
  EXPECT_EQ(times(id, "ContractNearingEnd"), 0u);
  advance("1m");
  ASSERT_TRUE(
      eventually([&] { return times(id, "RenewalNotification") == 1; }, std::chrono::seconds(30)));
  await(id, "MonitorContract");
  EXPECT_FALSE(record("contracts", "ct-1").at("renewalNoticeSentAt").as_string().empty());

  // The end date: completed, and the held-back settlement paid to the contractor.
  ASSERT_EQ(deposit("client-c", 20000, "fund-ct-1").status, 201u);
  to = client_->post("/v1/clock/advance", R"({"to":"2027-03-07T08:59:00Z"})");
  ASSERT_EQ(to.status, 200u) << to.body;
  EXPECT_EQ(times(id, "ContractCompleted"), 0u);
  advance("1m");
  ASSERT_TRUE(payouts_reach(1));
  EXPECT_EQ(contract_status("ct-1"), "completed");
  advance("2d");
  const auto done = wait_final(id);
  ASSERT_EQ(done.at("status"), "SUCCEEDED") << json::serialize(done);
  EXPECT_EQ(done.at("output").at("status"), "completed");
  EXPECT_EQ(times(id, "FinalSettlement"), 1u);
  EXPECT_EQ(balance("ctr-c"), (Balances{20000, 0, 0}));
  EXPECT_EQ(balance("client-c"), (Balances{0, 0, 0}));
  ASSERT_EQ(sim("payouts").size(), 1u);
  EXPECT_EQ(sim("payouts")[0].at("status"), "paid");
  reconcile_ok();
}

TEST_F(ContractLifecycle, ATerminationPaysItsFinalPaymentOnceAcrossAKill) {
  const auto account = connected_account("c2");
  const auto id = start_contract("ct-2", account);
  sign(id, "ct-2");
  ASSERT_EQ(deposit("client-c", 15000, "fund-ct-2").status, 201u);
  post("term-1", "contract.termination.requested", "ct-2",
       {{"finalPayment", {{"amount", 15000}, {"currency", "USD"}}}, {"reason", "project ended"}});
  ASSERT_TRUE(payouts_reach(1));
  EXPECT_EQ(contract_status("ct-2"), "termination_requested");
  kill_and_restart();
  advance("2d");
  const auto done = wait_final(id);
  ASSERT_EQ(done.at("status"), "SUCCEEDED") << json::serialize(done);
  EXPECT_EQ(done.at("output").at("status"), "terminated");
  EXPECT_EQ(contract_status("ct-2"), "terminated");
  EXPECT_EQ(sim("payouts").size(), 1u);
  EXPECT_EQ(balance("ctr-c"), (Balances{15000, 0, 0}));
  EXPECT_EQ(times(id, "ContractCompleted"), 0u);
  reconcile_ok();
}

}  // namespace
}  // namespace settled::testing
