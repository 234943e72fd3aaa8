// reconcile over a sound ledger finds nothing; each injected fault is named.
#include "domain/ledger/reconcile.hpp"

#include "domain/ledger/memory_ledger.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include <algorithm>
#include <limits>

namespace settled::ledger {
namespace {

namespace json = boost::json;
using testing::MemoryLedger;

class LedgerReconcile : public ::testing::Test {
 protected:
  // alice: deposit 100.00, e1 30.00 to bob released 10.00, e2 20.00 frozen, withdraw 5.00;
  // carol: minted 3.00 HOUR.
  void SetUp() override {
    run(LedgerOp::kDeposit, R"({"account":"alice","amount":10000,"currency":"USD"})", "k1");
    run(LedgerOp::kHold,
        R"({"escrowId":"e1","payer":"alice","payee":"bob","amount":3000,"currency":"USD"})", "k2");
    run(LedgerOp::kRelease, R"({"escrowId":"e1","amount":1000})", "k3");
    run(LedgerOp::kHold,
        R"({"escrowId":"e2","payer":"alice","payee":"bob","amount":2000,"currency":"USD"})", "k4");
    run(LedgerOp::kFreeze, R"({"escrowId":"e2"})", "k5");
    run(LedgerOp::kWithdraw, R"({"account":"alice","amount":500,"currency":"USD"})", "k6");
    run(LedgerOp::kTransfer, R"({"to":"carol","amount":300,"currency":"HOUR","kind":"bonus"})",
        "k7");
    input = ledger.reconcile_input();
    ASSERT_TRUE(reconcile(input).empty()) << testing::describe(reconcile(input));
  }

  void run(LedgerOp op, std::string_view params, std::string_view key) {
    auto r = ledger.run(op, params, key);
    ASSERT_TRUE(r.ok()) << r.error().message;
  }

  AccountBalance& balance(const std::string& account, const std::string& currency) {
    auto it = std::find_if(
        input.balances.begin(), input.balances.end(),
        [&](const AccountBalance& b) { return b.account == account && b.currency == currency; });
    EXPECT_NE(it, input.balances.end());
    return *it;
  }
  Escrow& escrow(const std::string& id) {
    auto it = std::find_if(input.escrows.begin(), input.escrows.end(),
                           [&](const Escrow& e) { return e.id == id; });
    EXPECT_NE(it, input.escrows.end());
    return *it;
  }
  JournalEntry& entry(const std::string& id) {
    auto it = std::find_if(input.entries.begin(), input.entries.end(),
                           [&](const JournalEntry& e) { return e.id == id; });
    EXPECT_NE(it, input.entries.end());
    return *it;
  }

  // The discrepancies of `kind` found now.
  std::vector<Discrepancy> found(DiscrepancyKind kind) {
    std::vector<Discrepancy> out;
    for (const Discrepancy& d : reconcile(input))
      if (d.kind == kind) out.push_back(d);
    return out;
  }

  MemoryLedger ledger;
  ReconcileInput input;
};

TEST_F(LedgerReconcile, ExpectedBalancesOfTheFixture) {
  EXPECT_EQ(balance("alice", "USD").available, 10000 - 3000 + 2000 - 2000 - 500);
  EXPECT_EQ(balance("alice", "USD").frozen, 2000);
  EXPECT_EQ(balance("bob", "USD").available, 1000);
}

TEST_F(LedgerReconcile, MoneyCreatedOutOfThinAir) {
  balance("bob", "USD").available += 1;  // a lost journal leg, or a bug
  const auto fold = found(DiscrepancyKind::kJournalFold);
  ASSERT_EQ(fold.size(), 1U);
  EXPECT_EQ(fold[0].account, "bob");
  EXPECT_EQ(fold[0].currency, "USD");
  EXPECT_EQ(fold[0].bucket, "available");
  EXPECT_EQ(fold[0].expected, 1000);
  EXPECT_EQ(fold[0].found, 1001);
  EXPECT_EQ(fold[0].message,
            "account bob available is 10.01 USD but its journal sums to 10.00 USD");
  const auto total = found(DiscrepancyKind::kCurrencyTotal);
  ASSERT_EQ(total.size(), 1U);
  EXPECT_EQ(total[0].currency, "USD");
  EXPECT_EQ(total[0].expected, 9500);
  EXPECT_EQ(total[0].found, 9501);
}

TEST_F(LedgerReconcile, NegativeAvailable) {
  balance("bob", "USD").available = -1;
  const auto neg = found(DiscrepancyKind::kNegativeBalance);
  ASSERT_EQ(neg.size(), 1U);
  EXPECT_EQ(neg[0].account, "bob");
  EXPECT_EQ(neg[0].bucket, "available");
  EXPECT_EQ(neg[0].found, -1);
  EXPECT_EQ(neg[0].message, "account bob available is -0.01 USD, below zero");
}

TEST_F(LedgerReconcile, ExternalCounterDisagreesWithJournal) {
  balance("alice", "USD").external_in += 7;
  const auto ext = found(DiscrepancyKind::kExternalFold);
  ASSERT_EQ(ext.size(), 1U);
  EXPECT_EQ(ext[0].bucket, "externalIn");
  EXPECT_EQ(ext[0].expected, 10000);
  EXPECT_EQ(ext[0].found, 10007);
  EXPECT_EQ(found(DiscrepancyKind::kCurrencyTotal).size(), 1U);
}

TEST_F(LedgerReconcile, LegWithBadArithmeticAndBrokenChain) {
  // k6 (withdraw) claims alice's available started at a different value.
  JournalLeg& leg = entry("k6").legs[0];
  leg.before += 5;
  const auto arithmetic = found(DiscrepancyKind::kLegArithmetic);
  ASSERT_EQ(arithmetic.size(), 1U);
  EXPECT_EQ(arithmetic[0].entry_id, "k6");
  EXPECT_EQ(arithmetic[0].found, leg.after);
  EXPECT_EQ(arithmetic[0].expected, leg.before + leg.delta);
  const auto chain = found(DiscrepancyKind::kJournalChain);
  ASSERT_EQ(chain.size(), 1U);
  EXPECT_EQ(chain[0].entry_id, "k6");
  EXPECT_EQ(chain[0].account, "alice");
  EXPECT_EQ(chain[0].bucket, "available");
  EXPECT_EQ(chain[0].found, chain[0].expected + 5);
}

TEST_F(LedgerReconcile, JournalEntryLost) {
  // Drop the deposit: balances no longer fold, the index dangles, the external counter is unbacked.
  input.entries.erase(std::find_if(input.entries.begin(), input.entries.end(),
                                   [](const JournalEntry& e) { return e.id == "k1"; }));
  EXPECT_FALSE(found(DiscrepancyKind::kJournalFold).empty());
  EXPECT_EQ(found(DiscrepancyKind::kExternalFold).size(), 1U);
  const auto dangling = found(DiscrepancyKind::kIndexDangling);
  ASSERT_EQ(dangling.size(), 1U);
  EXPECT_EQ(dangling[0].entry_id, "k1");
  EXPECT_NE(dangling[0].message.find("which does not exist"), std::string::npos);
}

TEST_F(LedgerReconcile, IndexGapDuplicateAndHead) {
  auto line = std::find_if(input.index.begin(), input.index.end(), [](const JournalIndexEntry& i) {
    return i.account == "alice" && i.sequence == 2;
  });
  ASSERT_NE(line, input.index.end());
  input.index.erase(line);
  const auto gaps = found(DiscrepancyKind::kIndexGap);
  ASSERT_EQ(gaps.size(), 1U);
  EXPECT_EQ(gaps[0].expected, 2);
  EXPECT_EQ(gaps[0].found, 3);
  const auto unlisted = found(DiscrepancyKind::kEntryNotIndexed);
  ASSERT_EQ(unlisted.size(), 1U);
  EXPECT_EQ(unlisted[0].entry_id, "k2");
  EXPECT_EQ(unlisted[0].account, "alice");

  input.journal_heads["bob"] = 5;
  const auto heads = found(DiscrepancyKind::kJournalHead);
  ASSERT_EQ(heads.size(), 1U);
  EXPECT_EQ(heads[0].account, "bob");
  EXPECT_EQ(heads[0].expected, 1);
  EXPECT_EQ(heads[0].found, 5);
}

TEST_F(LedgerReconcile, EscrowResolvedTwice) {
  // A second release of e1 slipped through (as a lost idempotency check would allow).
  JournalEntry twice = entry("k3");
  twice.id = "k3-again";
  input.entries.push_back(twice);
  const auto d = found(DiscrepancyKind::kEscrowResolvedTwice);
  ASSERT_EQ(d.size(), 1U);
  EXPECT_EQ(d[0].escrow_id, "e1");
  EXPECT_EQ(d[0].found, 2);
  EXPECT_NE(d[0].message.find("k3, k3-again"), std::string::npos);
}

TEST_F(LedgerReconcile, EscrowStatusAmountsAndHeld) {
  escrow("e2").status = EscrowStatus::kHeld;  // but alice's money is frozen
  const auto held = found(DiscrepancyKind::kEscrowHeld);
  ASSERT_EQ(held.size(), 2U);
  EXPECT_EQ(held[0].bucket, "held");
  EXPECT_EQ(held[0].expected, 2000);
  EXPECT_EQ(held[0].found, 0);
  EXPECT_EQ(held[1].bucket, "frozen");
  escrow("e2").status = EscrowStatus::kFrozen;

  escrow("e1").returned = 1999;
  const auto amounts = found(DiscrepancyKind::kEscrowAmounts);
  ASSERT_EQ(amounts.size(), 1U);
  EXPECT_EQ(amounts[0].expected, 3000);
  EXPECT_EQ(amounts[0].found, 2999);
  escrow("e1").returned = 2000;

  escrow("e1").status = EscrowStatus::kHeld;
  const auto state = found(DiscrepancyKind::kEscrowState);
  ASSERT_EQ(state.size(), 1U);
  EXPECT_EQ(state[0].message, "escrow e1 is HELD but journal entry k3 resolved it");
}

// A release whose payee leg went to someone else, with that account's rows written to match:
// every fold and total holds, only the escrow's own terms tell.
TEST_F(LedgerReconcile, AReleaseCreditedToSomeoneOtherThanItsPayee) {
  for (JournalLeg& leg : entry("k3").legs)
    if (leg.account == "bob") leg.account = "mallory";
  balance("bob", "USD").available -= 1000;
  AccountBalance mallory;
  mallory.account = "mallory";
  mallory.currency = "USD";
  mallory.available = 1000;
  input.balances.push_back(mallory);
  const auto legs = found(DiscrepancyKind::kEscrowLegs);
  ASSERT_EQ(legs.size(), 2U) << testing::describe(legs);
  for (const Discrepancy& d : legs) EXPECT_EQ(d.escrow_id, "e1");
  EXPECT_EQ(legs[0].account, "bob");
  EXPECT_EQ(legs[0].expected, 1000);
  EXPECT_EQ(legs[0].found, 0);
  EXPECT_EQ(legs[1].account, "mallory");
  EXPECT_EQ(legs[1].expected, 0);
  EXPECT_EQ(legs[1].found, 1000);
  EXPECT_EQ(legs[1].message,
            "escrow e1 (RELEASED, alice to bob) moved 10.00 USD in mallory available, its terms "
            "say 0.00 USD");
}

TEST_F(LedgerReconcile, JournalNamesAMissingEscrow) {
  input.escrows.erase(std::find_if(input.escrows.begin(), input.escrows.end(),
                                   [](const Escrow& e) { return e.id == "e1"; }));
  const auto d = found(DiscrepancyKind::kUnknownEscrow);
  ASSERT_EQ(d.size(), 2U);  // its hold and its release
  EXPECT_EQ(d[0].escrow_id, "e1");
}

TEST_F(LedgerReconcile, MissingBalanceRow) {
  input.balances.erase(std::find_if(input.balances.begin(), input.balances.end(),
                                    [](const AccountBalance& b) { return b.account == "carol"; }));
  const auto d = found(DiscrepancyKind::kJournalFold);
  ASSERT_EQ(d.size(), 1U);
  EXPECT_EQ(d[0].account, "carol");
  EXPECT_EQ(d[0].currency, "HOUR");
  EXPECT_EQ(d[0].expected, 300);
  EXPECT_EQ(d[0].found, 0);
}

// Totals past int64 are summed exactly, not wrapped and not reported: two accounts may each
// hold nearly int64's most of one currency. Until then reconcile named a sound ledger's
// totals a discrepancy (SumOverflow), and only a wrong total is one.
TEST_F(LedgerReconcile, CurrencyTotalsPastInt64AreComparedExactly) {
  AccountBalance huge = empty_balance(BalanceKey{"x", "USD"});
  huge.available = std::numeric_limits<std::int64_t>::max();
  huge.external_in = huge.available;
  input.balances.push_back(huge);  // no journal behind it: only the folds name it
  EXPECT_TRUE(found(DiscrepancyKind::kCurrencyTotal).empty());
  input.balances.back().external_in -= 1;
  const auto totals = found(DiscrepancyKind::kCurrencyTotal);
  ASSERT_EQ(totals.size(), 1U);
  EXPECT_EQ(totals[0].message,
            "currency USD: balances sum to 9223372036854785307 minor units of USD but deposits "
            "minus withdrawals are 9223372036854785306 minor units of USD");
}

// The journal is folded in entry id order, not in the order its legs happened: a deposit to
// int64's most under "a1", a hold of 1 under "c1" and its cancel under "b1" (made in that
// order) passed int64 on the way (+max, then the cancel's +1), and the sound account was
// reported as a JournalFold ("its journal sums to more than int64 holds").
TEST(LedgerReconcileFolds, AFoldPassingInt64InEntryIdOrderIsNoDiscrepancy) {
  MemoryLedger ledger;
  const std::string max = std::to_string(std::numeric_limits<std::int64_t>::max());
  const auto run = [&](LedgerOp op, const std::string& params, const char* key) {
    auto r = ledger.run(op, params, key);
    ASSERT_TRUE(r.ok()) << key << ": " << r.error().message;
  };
  run(LedgerOp::kDeposit, R"({"account":"x","amount":)" + max + R"(,"currency":"USD"})", "a1");
  run(LedgerOp::kHold, R"({"escrowId":"e","payer":"x","payee":"y","amount":1,"currency":"USD"})",
      "c1");
  run(LedgerOp::kCancel, R"({"escrowId":"e"})", "b1");
  const auto input = ledger.reconcile_input();
  EXPECT_TRUE(reconcile(input).empty()) << testing::describe(reconcile(input));
}

// The expiry index lists exactly the open escrows with a deadline, each at it: an open hold
// missing from it would never return its money by itself; a stray line would run an expire.
TEST_F(LedgerReconcile, TheExpiryIndexListsEachOpenEscrowWithADeadlineOnceAtIt) {
  run(LedgerOp::kHold,
      R"({"escrowId":"e3","payer":"alice","payee":"bob","amount":100,"currency":"USD",)"
      R"("expiresAt":"1970-01-01T00:00:05Z"})",
      "k8");
  input = ledger.reconcile_input();
  ASSERT_EQ(input.expiries.size(), 1u);
  EXPECT_EQ(input.expiries[0], std::make_pair(std::int64_t{5000}, std::string("e3")));
  ASSERT_TRUE(reconcile(input).empty()) << testing::describe(reconcile(input));

  const auto sound = input.expiries;
  input.expiries.clear();
  auto missing = found(DiscrepancyKind::kExpiryIndex);
  ASSERT_EQ(missing.size(), 1u);
  EXPECT_EQ(missing[0].escrow_id, "e3");
  EXPECT_NE(missing[0].message.find("would not expire by itself"), std::string::npos)
      << missing[0].message;

  input.expiries = {{6000, "e3"}};  // at another time than its deadline
  EXPECT_EQ(found(DiscrepancyKind::kExpiryIndex).size(), 1u);

  input.expiries = sound;
  input.expiries.emplace_back(7000, "e2");     // frozen, but no deadline
  input.expiries.emplace_back(8000, "ghost");  // no such escrow
  auto stray = found(DiscrepancyKind::kExpiryIndex);
  ASSERT_EQ(stray.size(), 2u);
  EXPECT_EQ(stray[0].escrow_id, "e2");
  EXPECT_NE(stray[0].message.find("expected none"), std::string::npos) << stray[0].message;
  EXPECT_EQ(stray[1].escrow_id, "ghost");
  EXPECT_NE(stray[1].message.find("does not exist"), std::string::npos) << stray[1].message;
  EXPECT_EQ(discrepancy_name(DiscrepancyKind::kExpiryIndex), "ExpiryIndex");
}

TEST_F(LedgerReconcile, DiscrepancyJson) {
  balance("bob", "USD").available = -1;
  const auto neg = found(DiscrepancyKind::kNegativeBalance);
  ASSERT_EQ(neg.size(), 1U);
  EXPECT_EQ(to_json(neg[0]),
            json::parse(R"({"kind":"NegativeBalance","account":"bob","currency":"USD",)"
                        R"("bucket":"available","expected":0,"found":-1,)"
                        R"("message":"account bob available is -0.01 USD, below zero"})"));
}

}  // namespace
}  // namespace settled::ledger
