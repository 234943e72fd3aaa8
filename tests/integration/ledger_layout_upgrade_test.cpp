// A data directory from before the ledger's index lines and heads moved beside the balances:
// the daemon starts on it, moves them (src/adapters/store/ledger_layout_migration.hpp,
// docs/ledger.md "Storage") and goes on as before. The old layout is made from a real ledger's
// rows, moved back into their own tables while the daemon is stopped.

#include "adapters/store/lmdb_store.hpp"
#include "domain/ledger/keys.hpp"
#include "integration/ledger_fixture.hpp"
#include "support/temp_store.hpp"

#include <string>

namespace settled::testing {
namespace {

using Balances = std::array<std::int64_t, 3>;

class LedgerLayoutUpgrade : public LedgerTest {
 protected:
  std::string data_dir() const { return dir_.path() + "/var"; }

  // Moves every index line and head back into the tables the old layout kept them in, under the
  // keys it used. Returns how many rows moved.
  std::size_t move_rows_to_old_layout() {
    auto store = open_stopped_store(data_dir());
    WriteBatch batch;
    store->scan(Table::kLedgerAccounts, "", [&](std::string_view key, std::string_view value) {
      auto row = ledger::parse_account_row_key(key);
      EXPECT_TRUE(row.has_value());
      if (!row || row->kind == ledger::AccountRowKind::kBalance) return true;
      if (row->kind == ledger::AccountRowKind::kJournalHead) {
        batch.put(Table::kLedgerJournalHeads, row->account, std::string(value));
      } else {
        std::string old_key = row->account;
        old_key.push_back('\0');
        for (int shift = 56; shift >= 0; shift -= 8)
          old_key.push_back(static_cast<char>((row->sequence >> shift) & 0xff));
        batch.put(Table::kLedgerJournalIndex, old_key, std::string(value));
      }
      batch.erase(Table::kLedgerAccounts, std::string(key));
      return true;
    });
    EXPECT_TRUE(store->commit({&batch}).ok());
    return batch.size() / 2;
  }
};

TEST_F(LedgerLayoutUpgrade, AnOldLedgerIsMovedAndKeepsItsJournalsAndBalances) {
  ASSERT_EQ(deposit("alice", 10'000, "up-dep").status, 201u);
  ASSERT_EQ(op("hold", "up-hold",
               {{"escrowId", "up-e1"},
                {"payer", "alice"},
                {"payee", "bob"},
                {"amount", 3000},
                {"currency", "USD"}})
                .status,
            201u);
  ASSERT_EQ(op("release", "up-rel", {{"escrowId", "up-e1"}}).status, 201u);
  const auto alice_before = journal("alice");
  ASSERT_EQ(alice_before.size(), 3u);

  client_.reset();
  ASSERT_EQ(daemon_->terminate(), 0);
  // alice: head and 3 lines; bob: head and 1 line.
  ASSERT_EQ(move_rows_to_old_layout(), 6u);

  start();
  EXPECT_NE(daemon_->wait_for_output("store.ledger_layout_migrated"), "");
  EXPECT_EQ(journal("alice"), alice_before);
  EXPECT_EQ(journal("bob").size(), 1u);
  EXPECT_EQ(balance("alice"), (Balances{7000, 0, 0}));
  EXPECT_EQ(balance("bob"), (Balances{3000, 0, 0}));
  reconcile_ok();

  // And it goes on where it was: alice's next entry is her fourth, a replay is still a replay,
  // and a restart finds nothing more to move.
  ASSERT_EQ(deposit("alice", 500, "up-dep-2").status, 201u);
  const auto alice = journal("alice");
  ASSERT_EQ(alice.size(), 4u);
  EXPECT_EQ(alice.back().at("sequence"), 4);
  EXPECT_EQ(deposit("alice", 10'000, "up-dep").status, 200u);
  client_.reset();
  ASSERT_EQ(daemon_->terminate(), 0);
  start();
  EXPECT_EQ(daemon_->output().find("store.ledger_layout_migrated"), std::string::npos);
  EXPECT_EQ(balance("alice"), (Balances{7500, 0, 0}));
  reconcile_ok();
}

}  // namespace
}  // namespace settled::testing
