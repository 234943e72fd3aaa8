// The reconcile report: counts and per-currency totals, the admin command's shape, and the
// task's (status, totalUsers, a count, the first discrepancies bounded by count and bytes).
#include "domain/ledger/reconcile_report.hpp"

#include "domain/ledger/memory_ledger.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <algorithm>
#include <limits>

namespace settled::ledger {
namespace {

namespace json = boost::json;
using testing::MemoryLedger;

class ReconcileReport : public ::testing::Test {
 protected:
  // alice: deposit 100.00, e1 30.00 to bob released 10.00 (20.00 back), e2 20.00 held;
  // carol: minted 3.00 HOUR.
  void SetUp() override {
    run(LedgerOp::kDeposit, R"({"account":"alice","amount":10000,"currency":"USD"})", "k1");
    run(LedgerOp::kHold,
        R"({"escrowId":"e1","payer":"alice","payee":"bob","amount":3000,"currency":"USD"})", "k2");
    run(LedgerOp::kRelease, R"({"escrowId":"e1","amount":1000})", "k3");
    run(LedgerOp::kHold,
        R"({"escrowId":"e2","payer":"alice","payee":"bob","amount":2000,"currency":"USD"})", "k4");
    run(LedgerOp::kTransfer, R"({"to":"carol","amount":300,"currency":"HOUR","kind":"bonus"})",
        "k5");
    input = ledger.reconcile_input();
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

  static Discrepancy discrepancy(std::size_t message_bytes) {
    Discrepancy d;
    d.kind = DiscrepancyKind::kJournalFold;
    d.account = "a";
    d.message = std::string(message_bytes, 'x');
    return d;
  }

  MemoryLedger ledger;
  ReconcileInput input;
};

TEST_F(ReconcileReport, ASoundLedgerIsAMatchWithItsTotals) {
  const auto summary = summarize(input);
  EXPECT_TRUE(summary.discrepancies.empty());
  EXPECT_EQ(summary.accounts, 3u);  // alice, bob, carol
  EXPECT_EQ(summary.balances, 3u);
  EXPECT_EQ(summary.escrows, 2u);
  EXPECT_EQ(summary.journal_entries, 5u);

  const auto report = task_report(summary, 1767600000000, {});
  EXPECT_EQ(report.at("status"), "MATCH");
  EXPECT_EQ(report.at("checkedAt"), "2026-01-05T08:00:00.000Z");
  EXPECT_EQ(report.at("totalUsers"), 3);
  EXPECT_EQ(report.at("discrepancies"), 0);
  EXPECT_EQ(report.at("results"), json::array{});
  EXPECT_EQ(report.at("resultsOmitted"), 0);
  EXPECT_EQ(report.at("kinds"), json::object{});
  // alice 10000 - 3000 + 2000 - 2000 = 7000 available, 2000 held; bob 1000.
  EXPECT_EQ(report.at("currencies"), json::parse(R"({
      "HOUR": {"available": 300, "held": 0, "frozen": 0, "in": 300, "out": 0},
      "USD": {"available": 8000, "held": 2000, "frozen": 0, "in": 10000, "out": 0}})"));

  const auto admin = admin_report(summary, 7);
  EXPECT_EQ(admin.at("ok"), true);
  EXPECT_EQ(admin.at("accounts"), 3);
  EXPECT_EQ(admin.at("journalEntries"), 5);
  EXPECT_EQ(admin.at("currencies"), report.at("currencies"));
  EXPECT_EQ(admin.at("discrepancies"), json::array{});
  EXPECT_EQ(admin.at("millis"), 7);
}

TEST_F(ReconcileReport, ADiscrepancyIsNamedAndCountedByKind) {
  balance("bob", "USD").available += 1;
  const auto summary = summarize(input);
  ASSERT_FALSE(summary.discrepancies.empty());
  const auto report = task_report(summary, 0, {});
  EXPECT_EQ(report.at("status"), "DISCREPANCY");
  EXPECT_EQ(report.at("discrepancies"), summary.discrepancies.size());
  EXPECT_EQ(report.at("results").as_array().size(), summary.discrepancies.size());
  EXPECT_EQ(report.at("kinds").at("JournalFold"), 1);
  EXPECT_EQ(report.at("kinds").at("CurrencyTotal"), 1);
  bool named = false;
  for (const auto& d : report.at("results").as_array())
    named = named || (d.as_object().contains("account") && d.at("account") == "bob" &&
                      d.at("kind") == "JournalFold" && d.at("found") == 1001);
  EXPECT_TRUE(named) << json::serialize(report);
  EXPECT_EQ(admin_report(summary, 0).at("ok"), false);
}

// A total past int64 was printed wrapped ("available": -2 for 2 x int64's most) beside
// "overflow": true: a wrong number in the report. It is now its exact decimal text.
TEST_F(ReconcileReport, TotalsThatOverflowAreShownExactlyAndMarked) {
  AccountBalance& carol = balance("carol", "HOUR");
  carol.available = std::numeric_limits<std::int64_t>::max();
  carol.frozen = std::numeric_limits<std::int64_t>::min();  // unsound, but shown as it sums
  AccountBalance dave = carol;
  dave.account = "dave";
  input.balances.push_back(dave);
  const auto summary = summarize(input);
  const auto totals = to_json(summary.currencies);
  EXPECT_EQ(totals.at("HOUR"), json::parse(R"({"available": "18446744073709551614", "held": 0,
      "frozen": "-18446744073709551616", "in": 600, "out": 0, "overflow": true})"));
  EXPECT_FALSE(totals.at("USD").as_object().contains("overflow"));
  EXPECT_EQ(task_report(summary, 0, {}).at("currencies"), totals);
  EXPECT_EQ(admin_report(summary, 0).at("currencies"), totals);
}

TEST_F(ReconcileReport, ResultsAreTheFirstOnesWithinTheCountAndTheByteBudget) {
  ReconcileSummary summary;
  for (int i = 0; i < 10; ++i) summary.discrepancies.push_back(discrepancy(10));
  auto report = task_report(summary, 0, ReconcileTaskOptions{3});
  EXPECT_EQ(report.at("discrepancies"), 10);
  EXPECT_EQ(report.at("results").as_array().size(), 3u);
  EXPECT_EQ(report.at("resultsOmitted"), 7);
  EXPECT_EQ(report.at("kinds").at("JournalFold"), 10);

  // 20 KiB each: three fit in the 64 KiB budget, the rest are counted.
  summary.discrepancies.clear();
  for (int i = 0; i < 10; ++i) summary.discrepancies.push_back(discrepancy(20 * 1024));
  report = task_report(summary, 0, {});
  EXPECT_EQ(report.at("results").as_array().size(), 3u);
  EXPECT_EQ(report.at("resultsOmitted"), 7);
  EXPECT_LE(json::serialize(report.at("results")).size(), kReconcileResultsBudgetBytes);

  // One larger than the budget is still listed, so an alert can quote the first.
  summary.discrepancies.clear();
  summary.discrepancies.push_back(discrepancy(100 * 1024));
  summary.discrepancies.push_back(discrepancy(10));
  report = task_report(summary, 0, {});
  EXPECT_EQ(report.at("results").as_array().size(), 1u);
  EXPECT_EQ(report.at("resultsOmitted"), 1);
}

TEST(ReconcileTaskOptions, TakeMaxResultsOnly) {
  EXPECT_EQ(reconcile_task_options(nullptr)->max_results, 100u);
  EXPECT_EQ(reconcile_task_options(json::object{})->max_results, 100u);
  EXPECT_EQ(reconcile_task_options(json::parse(R"({"maxResults": 1})"))->max_results, 1u);
  EXPECT_EQ(reconcile_task_options(json::parse(R"({"maxResults": 1000})"))->max_results, 1000u);
  for (const char* bad :
       {R"({"maxResults": 0})", R"({"maxResults": 1001})", R"({"maxResults": -1})",
        R"({"maxResults": 2.5})", R"({"maxResults": "5"})", R"({"other": 1})", R"([])", R"("x")"}) {
    auto options = reconcile_task_options(json::parse(bad));
    ASSERT_FALSE(options.ok()) << bad;
    EXPECT_EQ(options.error().code, ErrorCode::kInvalidRequest) << bad;
  }
  EXPECT_NE(reconcile_task_options(json::parse(R"({"other": 1})")).error().message.find("other"),
            std::string::npos);
}

}  // namespace
}  // namespace settled::ledger
