// Seed 001's payroll (config/workflows/payroll.asl.json, docs/payroll.md) end to end through the
// real daemon on a simulated clock with Stripe's real two-day payout delay and the real 7-day
// funding wait: a payroll paid with one payout refused by the bank and paid again to the
// contractor's new bank account, a payroll funded while it waits, one cancelled after 7 days with
// its holds released, refused amounts, and kill -9 in the middle that pays nothing twice.

#include "integration/payment_flows_fixture.hpp"

namespace settled::testing {
namespace {

namespace json = boost::json;

constexpr const char* kGoodBank = "000123456789";  // Stripe's succeeding test account number
constexpr const char* kBadBank = "000111111116";   // fails: no_account

class Payroll : public PaymentFlowsTest {
 protected:
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
};

TEST_F(Payroll, PaysEveryLineItemAndRetriesTheFailedPayoutWithTheNewBankAccount) {
  const auto a1 = connected_account("a1"), a2 = connected_account("a2");
  ASSERT_EQ(deposit("client-1", 100000, "fund-1").status, 201u);
  submit("pr-1", "client-1",
         {line("li-1", "ctr-1", a1, 30000), line("li-2", "ctr-2", a2, 45000, kBadBank)});
  ASSERT_TRUE(payouts_reach(2));
  EXPECT_EQ(balance("client-1"), (Balances{25000, 75000, 0}));  // one hold per line item
  EXPECT_EQ(escrow("payroll:pr-1:li-2").at("status"), "HELD");

  advance("2d");  // the banks answer: li-1 paid, li-2 refused
  ASSERT_TRUE(eventually([&] { return entered_state(exec("pr-1"), "RetryFailedPayments"); },
                         std::chrono::seconds(20)));
  EXPECT_EQ(payouts_where("lineItemId", "li-2").size(), 1u);  // not retried to the same bank
  auto res = put_event("bank-ctr-2", "mindlinks.contractors", "contractor.bank_account.updated",
                       "ctr-2", {{"destination", kGoodBank}}, "contractor");
  // Delivered (200), or kept (202) for the wait the iteration is about to begin.
  ASSERT_TRUE(res.status == 200u || res.status == 202u) << res.body;
  ASSERT_TRUE(payouts_reach(3));
  advance("2d");

  const auto done = wait_final(exec("pr-1"));
  ASSERT_EQ(done.at("status"), "SUCCEEDED") << json::serialize(done);
  EXPECT_EQ(done.at("output").at("status"), "COMPLETED");
  const auto& payments = done.at("output").at("payments").as_array();
  ASSERT_EQ(payments.size(), 2u);
  EXPECT_EQ(payments[0].at("paid"), true);
  EXPECT_EQ(payments[0].at("attempts"), 1);
  EXPECT_EQ(payments[1].at("paid"), true);
  EXPECT_EQ(payments[1].at("attempts"), 2);

  const auto li1 = payouts_where("lineItemId", "li-1");
  const auto li2 = payouts_where("lineItemId", "li-2");
  ASSERT_EQ(li1.size(), 1u);
  EXPECT_EQ(li1[0].at("status"), "paid");
  ASSERT_EQ(li2.size(), 2u);
  EXPECT_EQ(li2[0].at("status"), "failed");
  EXPECT_EQ(li2[0].at("destination"), kBadBank);
  EXPECT_EQ(li2[1].at("status"), "paid");
  EXPECT_EQ(li2[1].at("destination"), kGoodBank);
  EXPECT_EQ(sim("transfers").size(), 2u);  // the failed payout's money came back to the account

  EXPECT_EQ(balance("client-1"), (Balances{25000, 0, 0}));
  EXPECT_EQ(balance("ctr-1"), (Balances{30000, 0, 0}));
  EXPECT_EQ(balance("ctr-2"), (Balances{45000, 0, 0}));
  EXPECT_EQ(journal_ops("ctr-2", "release"), 1u);  // one journal entry per line item
  EXPECT_EQ(journal_ops("client-1", "release"), 2u);
  EXPECT_EQ(record("payrolls", "pr-1").at("status"), "COMPLETED");
  for (const char* state :
       {"PayrollSubmitted", "ValidateEscrow", "FundsLocked", "ProcessingPayments", "PaymentBatch",
        "WaitForSettlement", "PaymentPartialFailure", "RetryFailedPayments", "PaymentSettled",
        "UpdateWallets", "RecordLedger", "PayrollCompleted", "SendNotifications"})
    EXPECT_TRUE(entered_state(exec("pr-1"), state)) << state;
  EXPECT_FALSE(entered_state(exec("pr-1"), "InsufficientFunds"));
  reconcile_ok();
}

TEST_F(Payroll, WaitsForFundingAndPaysOnceTheEscrowIsFunded) {
  const auto a1 = connected_account("a1"), a2 = connected_account("a2");
  ASSERT_EQ(deposit("client-2", 20000, "fund-2").status, 201u);
  submit("pr-2", "client-2", {line("li-1", "ctr-1", a1, 15000), line("li-2", "ctr-2", a2, 10000)});
  ASSERT_TRUE(eventually([&] { return waits_in(exec("pr-2"), "WaitForFunding"); },
                         std::chrono::seconds(20)));
  EXPECT_EQ(balance("client-2"), (Balances{5000, 15000, 0}));  // what fits is locked
  EXPECT_TRUE(sim("transfers").empty());

  ASSERT_EQ(deposit("client-2", 10000, "fund-2b").status, 201u);
  auto res = put_event("funded-pr-2", "mindlinks.payments", "escrow.funded", "pr-2",
                       {{"clientId", "client-2"}});
  ASSERT_EQ(res.status, 200u) << res.body;
  ASSERT_TRUE(payouts_reach(2));
  EXPECT_EQ(balance("client-2"), (Balances{5000, 25000, 0}));
  advance("2d");
  const auto done = wait_final(exec("pr-2"));
  ASSERT_EQ(done.at("status"), "SUCCEEDED") << json::serialize(done);
  EXPECT_EQ(entries(exec("pr-2"), "ValidateEscrow"), 2u);
  EXPECT_EQ(entries(exec("pr-2"), "LockLineItem"), 3u);  // li-1 once, li-2 twice
  EXPECT_EQ(balance("client-2"), (Balances{5000, 0, 0}));
  EXPECT_EQ(balance("ctr-1"), (Balances{15000, 0, 0}));
  EXPECT_EQ(balance("ctr-2"), (Balances{10000, 0, 0}));
  reconcile_ok();
}

TEST_F(Payroll, IsCancelledAfterSevenDaysUnfundedAndReleasesWhatItLocked) {
  const auto a1 = connected_account("a1");
  ASSERT_EQ(deposit("client-3", 20000, "fund-3").status, 201u);
  submit("pr-3", "client-3", {line("li-1", "ctr-1", a1, 15000), line("li-2", "ctr-2", a1, 10000)});
  ASSERT_TRUE(eventually([&] { return waits_in(exec("pr-3"), "WaitForFunding"); },
                         std::chrono::seconds(20)));
  EXPECT_EQ(balance("client-3"), (Balances{5000, 15000, 0}));

  advance("167h");  // 6 days 23 hours: still waiting
  auto res = client_->get("/v1/executions/" + exec("pr-3"));
  ASSERT_EQ(res.status, 200u) << res.body;
  EXPECT_EQ(res.json().at("status"), "RUNNING");
  EXPECT_TRUE(waits_in(exec("pr-3"), "WaitForFunding"));
  EXPECT_EQ(balance("client-3"), (Balances{5000, 15000, 0}));

  advance("1h");  // 7 days
  const auto done = wait_final(exec("pr-3"));
  ASSERT_EQ(done.at("status"), "SUCCEEDED") << json::serialize(done);
  EXPECT_EQ(done.at("output").at("status"), "CANCELLED");
  EXPECT_TRUE(entered_state(exec("pr-3"), "PayrollCancelled"));
  EXPECT_TRUE(entered_state(exec("pr-3"), "ReleaseFunds"));
  EXPECT_EQ(balance("client-3"), (Balances{20000, 0, 0}));  // the hold went back to the client
  EXPECT_EQ(escrow("payroll:pr-3:li-1").at("status"), "CANCELLED");
  EXPECT_EQ(balance("ctr-1"), (Balances{0, 0, 0}));
  EXPECT_TRUE(sim("transfers").empty());
  EXPECT_TRUE(sim("payouts").empty());
  reconcile_ok();
}

TEST_F(Payroll, RefusesAnAmountThatIsNotAnIntegerOfMinorUnits) {
  ASSERT_EQ(deposit("client-4", 100000, "fund-4").status, 201u);
  submit("pr-4", "client-4",
         {line("li-1", "ctr-1", "acct_x", 1000), line("li-2", "ctr-2", "acct_x", 12.5)});
  submit("pr-5", "client-4", {line("li-1", "ctr-1", "acct_x", "1000")});
  for (const char* id : {"pr-4", "pr-5"}) {
    const auto done = wait_final(exec(id));
    EXPECT_EQ(done.at("status"), "FAILED") << json::serialize(done);
    EXPECT_EQ(done.at("error"), "Payroll.InvalidAmount") << json::serialize(done);
    EXPECT_NE(std::string(done.at("cause").as_string()).find("never rounded"), std::string::npos);
  }
  EXPECT_EQ(balance("client-4"), (Balances{100000, 0, 0}));
  EXPECT_TRUE(sim("transfers").empty());
}

TEST_F(Payroll, RefusesAnAmountAboveOneStripePayout) {
  submit("pr-8", "client-8", {line("li-1", "ctr-1", "acct_x", 100000000)});
  const auto done = wait_final(exec("pr-8"));
  EXPECT_EQ(done.at("error"), "Payroll.InvalidAmount") << json::serialize(done);
  EXPECT_NE(std::string(done.at("cause").as_string()).find("99999999"), std::string::npos);
}

TEST_F(Payroll, ALockRefusedForAnotherReasonUndoesTheLocksAndFails) {
  ASSERT_EQ(deposit("client-7", 100000, "fund-7").status, 201u);
  // li-1 is locked, then the ledger refuses li-2's payee (longer than an account id may be):
  // li-1's hold goes back before the payroll fails with the ledger's error.
  submit("pr-7", "client-7",
         {line("li-1", "ctr-1", "acct_x", 1000),
          line("li-2", std::string(1000, 'c'), "acct_x", 2000)});
  const auto done = wait_final(exec("pr-7"));
  EXPECT_EQ(done.at("status"), "FAILED") << json::serialize(done);
  EXPECT_EQ(done.at("error"), "Ledger.InvalidParameters") << json::serialize(done);
  EXPECT_TRUE(entered_state(exec("pr-7"), "UndoLocks"));
  EXPECT_EQ(escrow("payroll:pr-7:li-1").at("status"), "CANCELLED");
  EXPECT_EQ(balance("client-7"), (Balances{100000, 0, 0}));
  reconcile_ok();
}

TEST_F(Payroll, AKillMidPayrollPaysEachLineItemExactlyOnce) {
  const auto a1 = connected_account("a1"), a2 = connected_account("a2");
  ASSERT_EQ(deposit("client-6", 50000, "fund-6").status, 201u);
  submit("pr-6", "client-6", {line("li-1", "ctr-1", a1, 20000), line("li-2", "ctr-2", a2, 25000)});
  kill_and_restart();  // somewhere in the locks, the transfers or the payouts
  ASSERT_TRUE(payouts_reach(2));
  kill_and_restart();  // payouts made, not settled
  advance("2d");
  const auto done = wait_final(exec("pr-6"));
  ASSERT_EQ(done.at("status"), "SUCCEEDED") << json::serialize(done);
  EXPECT_EQ(sim("transfers").size(), 2u);
  EXPECT_EQ(payouts_where("lineItemId", "li-1").size(), 1u);
  EXPECT_EQ(payouts_where("lineItemId", "li-2").size(), 1u);
  EXPECT_EQ(balance("client-6"), (Balances{5000, 0, 0}));
  EXPECT_EQ(balance("ctr-1"), (Balances{20000, 0, 0}));
  EXPECT_EQ(balance("ctr-2"), (Balances{25000, 0, 0}));
  EXPECT_EQ(journal_ops("client-6", "hold"), 2u);
  EXPECT_EQ(journal_ops("client-6", "release"), 2u);
  reconcile_ok();
}

}  // namespace
}  // namespace settled::testing
