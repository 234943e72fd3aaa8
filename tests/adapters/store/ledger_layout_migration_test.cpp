// Tests for moving a data directory's ledger from the layout before session 22 (index lines and
// heads in tables of their own) beside the balances (src/adapters/store/ledger_layout_migration).

#include "adapters/store/ledger_layout_migration.hpp"

#include "adapters/store/ledger_reader.hpp"
#include "adapters/store/lmdb_store.hpp"
#include "domain/ledger/keys.hpp"
#include "domain/ledger/memory_ledger.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <stdexcept>
#include <string>

namespace settled::adapters {
namespace {

using settled::testing::TempDir;

std::shared_ptr<LmdbStore> open_store(const std::string& path) {
  auto store = LmdbStore::open({path, std::size_t{256} << 20, true});
  if (!store.ok()) throw std::runtime_error("open failed: " + store.error().message);
  return *store;
}

// The key ledger_journal_index had: account + NUL + big-endian u64 sequence.
std::string legacy_index_key(const std::string& account, std::uint64_t sequence) {
  std::string key = account;
  key.push_back('\0');
  for (int shift = 56; shift >= 0; shift -= 8)
    key.push_back(static_cast<char>((sequence >> shift) & 0xff));
  return key;
}

// What a ledger written before looked like: the rows of `ledger`, with every index line and head
// in the table and under the key it had then.
WriteBatch as_legacy(const ledger::testing::MemoryLedger& ledger) {
  WriteBatch batch;
  for (const auto& [table, rows] : ledger.tables()) {
    for (const auto& [key, value] : rows) {
      auto row =
          table == Table::kLedgerAccounts ? ledger::parse_account_row_key(key) : std::nullopt;
      if (row && row->kind == ledger::AccountRowKind::kIndexLine)
        batch.put(Table::kLedgerJournalIndex, legacy_index_key(row->account, row->sequence), value);
      else if (row && row->kind == ledger::AccountRowKind::kJournalHead)
        batch.put(Table::kLedgerJournalHeads, row->account, value);
      else
        batch.put(table, key, value);
    }
  }
  return batch;
}

ledger::testing::MemoryLedger some_history() {
  using ledger::LedgerOp;
  ledger::testing::MemoryLedger ledger;
  EXPECT_TRUE(ledger.run(LedgerOp::kDeposit,
                         R"({"account":"alice","amount":1000,"currency":"USD"})", "k/dep"));
  EXPECT_TRUE(ledger.run(LedgerOp::kHold,
                         R"({"escrowId":"e1","payer":"alice","payee":"bob","amount":300,
                             "currency":"USD"})",
                         "k/hold"));
  EXPECT_TRUE(ledger.run(LedgerOp::kRelease, R"({"escrowId":"e1","amount":300})", "k/rel"));
  return ledger;
}

TEST(LedgerLayoutMigration, ANewStoreHasNothingToMove) {
  TempDir dir;
  auto store = open_store(dir.path());
  auto report = migrate_ledger_layout(*store);
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report->index_lines, 0u);
  EXPECT_EQ(report->heads, 0u);
}

// A store written before reads back as the same ledger: journals, balances, and a reconcile
// that finds nothing wrong; the legacy tables are left empty and a second start moves nothing.
TEST(LedgerLayoutMigration, AnOldLedgerReadsTheSameAfterItMoved) {
  TempDir dir;
  auto store = open_store(dir.path());
  const auto ledger = some_history();
  const WriteBatch legacy = as_legacy(ledger);
  ASSERT_TRUE(store->commit({&legacy}).ok());
  ASSERT_EQ(store->count(Table::kLedgerJournalIndex), 4u);  // alice 3, bob 1
  // Not yet readable as the new layout: the setup really wrote the old one.
  ASSERT_TRUE(read_journal(*store, "alice", 0, 10)->at("entries").as_array().empty());

  auto report = migrate_ledger_layout(*store);
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report->index_lines, 4u);
  EXPECT_EQ(report->heads, 2u);
  EXPECT_EQ(store->count(Table::kLedgerJournalIndex), 0u);
  EXPECT_EQ(store->count(Table::kLedgerJournalHeads), 0u);
  for (const auto& [key, value] : ledger.rows(Table::kLedgerAccounts))
    EXPECT_EQ(store->get(Table::kLedgerAccounts, key), value);

  auto input = read_reconcile_input(*store);
  ASSERT_TRUE(input.ok()) << input.error().message;
  EXPECT_EQ(input->journal_heads.at("alice"), 3u);
  EXPECT_EQ(input->index.size(), 4u);
  const auto found = ledger::reconcile(*input);
  EXPECT_TRUE(found.empty()) << ledger::testing::describe(found);
  auto journal = read_journal(*store, "alice", 0, 10);
  ASSERT_TRUE(journal.ok()) << journal.error().message;
  ASSERT_EQ(journal->at("entries").as_array().size(), 3u);
  EXPECT_EQ(journal->at("entries").as_array()[2].at("id"), "k/rel");
  auto balances = read_balances(*store, "bob");
  ASSERT_TRUE(balances.ok());
  ASSERT_EQ(balances->size(), 1u);
  EXPECT_EQ((*balances)[0].available, 300);

  auto again = migrate_ledger_layout(*store);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->index_lines + again->heads, 0u);
}

// More lines than one commit moves, some of them moved already by a start that stopped part way:
// the next start moves the rest, each line once.
TEST(LedgerLayoutMigration, ALargeLedgerMovesInBoundedCommitsAndResumes) {
  TempDir dir;
  auto store = open_store(dir.path());
  const std::uint64_t lines = 25'000, moved_before = 7'000;
  WriteBatch batch;
  for (std::uint64_t s = 1; s <= lines; ++s) {
    const std::string id = "entry-" + std::to_string(s);
    if (s <= moved_before)
      batch.put(Table::kLedgerAccounts, ledger::journal_index_key("bulk", s), id);
    else
      batch.put(Table::kLedgerJournalIndex, legacy_index_key("bulk", s), id);
  }
  batch.put(Table::kLedgerJournalHeads, "bulk", std::to_string(lines));
  ASSERT_TRUE(store->commit({&batch}).ok());

  auto report = migrate_ledger_layout(*store);
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report->index_lines, lines - moved_before);
  EXPECT_EQ(report->heads, 1u);
  EXPECT_EQ(store->count(Table::kLedgerAccounts), lines + 1);
  EXPECT_EQ(store->get(Table::kLedgerAccounts, ledger::journal_index_key("bulk", lines)),
            "entry-" + std::to_string(lines));
  EXPECT_EQ(store->get(Table::kLedgerAccounts, ledger::journal_head_key("bulk")),
            std::to_string(lines));
}

// A legacy row that is not what the table held is refused by name, and nothing is moved.
TEST(LedgerLayoutMigration, AnUnreadableLegacyRowIsRefusedNotGuessed) {
  TempDir dir;
  auto store = open_store(dir.path());
  WriteBatch batch;
  batch.put(Table::kLedgerJournalHeads, "carol", "three");
  ASSERT_TRUE(store->commit({&batch}).ok());
  auto report = migrate_ledger_layout(*store);
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.error().code, ErrorCode::kRecordCorrupt);
  EXPECT_NE(report.error().message.find("ledger_journal_heads at carol"), std::string::npos)
      << report.error().message;
  EXPECT_EQ(store->count(Table::kLedgerJournalHeads), 1u);
  EXPECT_FALSE(store->get(Table::kLedgerAccounts, ledger::journal_head_key("carol")));
}

// A moved row whose place holds a different row already (an older settled ran on a store a newer
// one wrote) stops the move by name: neither is overwritten. The same row there is no conflict.
TEST(LedgerLayoutMigration, ARowWhosePlaceHoldsAnotherIsRefusedNotOverwritten) {
  TempDir dir;
  auto store = open_store(dir.path());
  WriteBatch batch;
  batch.put(Table::kLedgerJournalHeads, "dave", "3");
  batch.put(Table::kLedgerAccounts, ledger::journal_head_key("dave"), "3");
  batch.put(Table::kLedgerJournalHeads, "erin", "2");
  batch.put(Table::kLedgerAccounts, ledger::journal_head_key("erin"), "7");
  ASSERT_TRUE(store->commit({&batch}).ok());
  auto report = migrate_ledger_layout(*store);
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.error().code, ErrorCode::kRecordCorrupt);
  EXPECT_NE(report.error().message.find("a different row is there already"), std::string::npos)
      << report.error().message;
  EXPECT_EQ(store->get(Table::kLedgerAccounts, ledger::journal_head_key("erin")), "7");
  EXPECT_EQ(store->count(Table::kLedgerJournalHeads), 2u);  // nothing moved: one commit per scan
}

}  // namespace
}  // namespace settled::adapters
