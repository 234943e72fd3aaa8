// The ledger's account rows written behind, as an operator sees them on a real daemon: GET
// /metrics and settlectl status say how many rows wait to be folded into their B-tree and how
// many rounds folded them (docs/ledger.md "Storage").

#include "integration/ledger_fixture.hpp"

#include <string>

namespace settled::testing {
namespace {

namespace json = boost::json;

// The value of the unlabelled sample `name` in Prometheus text, or -1 if it is absent.
double sample(const std::string& text, const std::string& name) {
  std::size_t pos = 0;
  while ((pos = text.find(name + " ", pos)) != std::string::npos) {
    if (pos == 0 || text[pos - 1] == '\n') return std::stod(text.substr(pos + name.size() + 1));
    pos += name.size();
  }
  return -1;
}

struct Waiting {
  double rows = -1, bytes = -1, rounds = -1;
};

class LedgerWrittenBehind : public LedgerTest {
 protected:
  Waiting scraped() {
    const auto res = client_->get("/metrics");
    EXPECT_EQ(res.status, 200u);
    return {sample(res.body, "settled_ledger_rows_waiting"),
            sample(res.body, "settled_ledger_rows_waiting_bytes"),
            sample(res.body, "settled_ledger_fold_rounds_total")};
  }

  Waiting from_status() {
    const json::value status = ctl_json({"status"});
    const json::object& ledger = status.at("store").at("ledger").as_object();
    return {ledger.at("rowsWaiting").to_number<double>(),
            ledger.at("rowsWaitingBytes").to_number<double>(),
            ledger.at("foldRounds").to_number<double>()};
  }

  void deposit_to(int accounts, const std::string& prefix) {
    for (int i = 0; i < accounts; ++i) {
      const std::string account = prefix + std::to_string(i);
      ASSERT_EQ(deposit(account, 100, "dep-" + account).status, 201u);
    }
  }
};

// The default rounds start at 262,144 rows: a few deposits all wait, none is folded.
TEST_F(LedgerWrittenBehind, RowsWaitUntilARoundAndTheMetricsAndStatusSaySo) {
  const Waiting before = scraped();
  EXPECT_EQ(before.rows, 0);
  EXPECT_EQ(before.rounds, 0);
  deposit_to(6, "acct-");
  const Waiting after = scraped();
  EXPECT_GE(after.rows, 6) << "each deposit writes at least its account's balance row";
  EXPECT_GT(after.bytes, after.rows);
  EXPECT_EQ(after.rounds, 0);
  const Waiting status = from_status();
  EXPECT_EQ(status.rows, after.rows);
  EXPECT_EQ(status.bytes, after.bytes);
  EXPECT_EQ(status.rounds, 0);
}

class LedgerFoldedInSmallRounds : public LedgerWrittenBehind {
 protected:
  std::vector<std::string> daemon_flags() const override { return {"--ledger-fold-from-keys=4"}; }
};

// Rounds of four rows: deposits to many accounts are folded round after round, and what waits
// stays near the bound instead of growing with every account.
TEST_F(LedgerFoldedInSmallRounds, RoundsFoldTheRowsAndTheCounterFollowsThem) {
  deposit_to(20, "acct-");
  const Waiting first = scraped();
  EXPECT_GE(first.rounds, 1);
  EXPECT_LT(first.rows, 20) << "rows of 20 accounts would all wait without rounds";
  deposit_to(20, "more-");
  const Waiting second = scraped();
  EXPECT_GT(second.rounds, first.rounds);
  EXPECT_LT(second.rows, 20);
  const Waiting status = from_status();
  EXPECT_EQ(status.rounds, second.rounds);
  EXPECT_EQ(status.rows, second.rows);
  for (int i = 0; i < 20; i += 7)  // folded or waiting, every balance reads the same
    EXPECT_EQ(balance("acct-" + std::to_string(i))[0], 100);
}

}  // namespace
}  // namespace settled::testing
