// Tests for the overlay an account actor reads through while its batch is not yet committed
// (src/domain/ledger/overlay.hpp), and the expiry index lines that go with an outcome.

#include "domain/ledger/keys.hpp"
#include "domain/ledger/overlay.hpp"
#include "domain/ledger/writes.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include <map>

namespace settled::ledger {
namespace {

namespace json = boost::json;

class Rows {
 public:
  RowReader reader() const {
    return [this](Table table, std::string_view key) -> std::optional<std::string> {
      auto it = rows_.find({table, std::string(key)});
      if (it == rows_.end()) return std::nullopt;
      return it->second;
    };
  }
  void commit(const WriteBatch& batch) {
    for (const WriteOp& op : batch.ops) {
      if (op.erase) {
        rows_.erase({op.table, op.key});
      } else {
        rows_[{op.table, op.key}] = op.value;
      }
    }
  }
  std::size_t count(Table table) const {
    std::size_t n = 0;
    for (const auto& [k, v] : rows_) n += k.first == table;
    return n;
  }

 private:
  std::map<std::pair<Table, std::string>, std::string> rows_;
};

LedgerRequest request(LedgerOp op, const char* parameters) {
  auto r = parse_ledger_request(op, json::parse(parameters));
  EXPECT_TRUE(r.ok());
  return *r;
}

// Applies `r` under `key` through the overlay, appending its writes to `batch`.
LedgerResult<LedgerOutcome> apply(LedgerOverlay& overlay, const Rows& rows, WriteBatch& batch,
                                  const LedgerRequest& r, const char* key, EpochMillis now = 10) {
  auto view = overlay.view(r, key, rows.reader());
  if (!view) return view.error();
  auto out = apply_ledger(r, *view, key, now);
  if (out) {
    overlay.absorb(*out);
    batch.append(ledger_writes(*out));
    batch.append(expiry_writes(*out));
  }
  return out;
}

TEST(LedgerOverlay, LaterOperationsOfABatchSeeTheEarlierOnes) {
  Rows rows;
  LedgerOverlay overlay;
  WriteBatch batch;
  ASSERT_TRUE(apply(overlay, rows, batch,
                    request(LedgerOp::kDeposit, R"({"account":"a","amount":100,"currency":"USD"})"),
                    "k1"));
  // Nothing is committed yet, but the hold sees the deposit.
  auto hold = apply(overlay, rows, batch,
                    request(LedgerOp::kHold, R"({"escrowId":"e","payer":"a","payee":"b",)"
                                             R"("amount":80,"currency":"USD","expiresAt":)"
                                             R"("1970-01-01T00:00:01Z"})"),
                    "k2");
  ASSERT_TRUE(hold) << hold.error().message;
  // The same key again within the batch replays.
  auto replay =
      apply(overlay, rows, batch,
            request(LedgerOp::kDeposit, R"({"account":"a","amount":100,"currency":"USD"})"), "k1");
  ASSERT_TRUE(replay);
  EXPECT_TRUE(replay->replayed);
  rows.commit(batch);
  EXPECT_EQ(rows.count(Table::kLedgerExpiry), 1u);
  EXPECT_TRUE(rows.reader()(Table::kLedgerExpiry, expiry_key(1000, "e")).has_value());

  // A fresh batch reads the committed rows; the expiry resolves the escrow and drops its line.
  overlay.clear();
  WriteBatch second;
  auto expired = apply(overlay, rows, second, request(LedgerOp::kExpire, R"({"escrowId":"e"})"),
                       "expire/e", 2'000);
  ASSERT_TRUE(expired) << expired.error().message;
  rows.commit(second);
  EXPECT_EQ(rows.count(Table::kLedgerExpiry), 0u);
  EXPECT_EQ(
      json::parse(*rows.reader()(Table::kLedgerAccounts, balance_key("a", "USD"))).at("available"),
      100);
}

TEST(LedgerOverlay, ACorruptRowIsRecordCorruptNotZero) {
  Rows rows;
  WriteBatch bad;
  bad.put(Table::kLedgerAccounts, balance_key("a", "USD"), "{not json");
  rows.commit(bad);
  LedgerOverlay overlay;
  auto view =
      overlay.view(request(LedgerOp::kDeposit, R"({"account":"a","amount":1,"currency":"USD"})"),
                   "k", rows.reader());
  ASSERT_FALSE(view);
  EXPECT_EQ(view.error().code, LedgerErrc::kRecordCorrupt);
}

}  // namespace
}  // namespace settled::ledger

namespace settled::ledger {
namespace {

LedgerOutcome moved_head(const std::string& entry_id, const std::string& account,
                         std::uint64_t sequence) {
  LedgerOutcome out;
  JournalEntry entry;
  entry.id = entry_id;
  out.entry = entry;
  out.index = {{account, sequence, entry_id}};
  return out;
}

// Each batch an account actor computes is a generation: the head its next batch is conditioned on
// is the one the newest batch wrote, and only if that batch wrote it (an operation homed at an
// account may move only other accounts' heads); once a generation committed, its rows are read
// from the store again.
TEST(LedgerOverlay, GenerationsTellWhoMovedAHeadAndForgetWhatCommitted) {
  Rows rows;
  LedgerOverlay overlay;
  overlay.absorb(moved_head("k1", "hot", 5), 1);
  overlay.absorb(moved_head("k2", "p2", 3), 2);
  EXPECT_EQ(overlay.journal_head_written_by("hot", 1), 5u);
  EXPECT_EQ(overlay.journal_head_written_by("hot", 2), std::nullopt);
  EXPECT_EQ(overlay.journal_head_written_by("p2", 2), 3u);
  overlay.absorb(moved_head("k3", "hot", 6), 3);
  EXPECT_EQ(overlay.journal_head_written_by("hot", 1), std::nullopt);  // 3 moved it since
  EXPECT_EQ(overlay.journal_head_written_by("hot", 3), 6u);

  overlay.forget_through(2);  // 1 and 2 committed: p2's head is the store's again
  EXPECT_EQ(overlay.journal_head_written_by("p2", 2), std::nullopt);
  EXPECT_EQ(overlay.journal_head_written_by("hot", 3), 6u);  // 3 is still in flight
  const auto head_seen = [&](const char* account) {
    const std::string parameters =
        std::string(R"({"account":")") + account + R"(","amount":1,"currency":"USD"})";
    auto view = overlay.view(request(LedgerOp::kDeposit, parameters.c_str()), "k4", rows.reader());
    EXPECT_TRUE(view.ok());
    return view ? view->journal_heads.at(account) : 999u;
  };
  EXPECT_EQ(head_seen("p2"), 0u);   // the store has none
  EXPECT_EQ(head_seen("hot"), 6u);  // generation 3's
}

}  // namespace
}  // namespace settled::ledger
