// Tests for Table::kLedgerAccounts written behind, through the store's own API
// (src/adapters/store/deferred_table.hpp, lmdb_store.cpp): reads of every kind see committed
// rows, a reopen loads the log, folding rounds move rows into the B-tree without changing what
// anyone reads, a snapshot keeps seeing its own versions across a fold, and conditions see rows
// written behind.

#include "adapters/store/lmdb_store.hpp"
#include "support/temp_dir.hpp"
#include "support/temp_store.hpp"

#include <lmdb++.h>

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace settled::adapters {
namespace {

using settled::testing::TempDir;
using Expected = std::map<std::string, std::string>;

std::shared_ptr<LmdbStore> open_store(const std::string& path,
                                      std::size_t map_size = std::size_t{64} << 20) {
  return settled::testing::open_sized_store(path, map_size);
}

// Rounds of a few keys, folded a few keys per commit: every commit of these tests folds.
DeferredFolding small_rounds() {
  DeferredFolding folding;
  folding.from_keys = 8;
  folding.keys_per_commit = 3;
  return folding;
}

Status put(LmdbStore& store, const Expected& rows, const std::vector<std::string>& erased = {}) {
  WriteBatch batch;
  for (const auto& [key, value] : rows) batch.put(Table::kLedgerAccounts, key, value);
  for (const auto& key : erased) batch.erase(Table::kLedgerAccounts, key);
  return store.commit({&batch});
}

Expected scanned(const LmdbStore& store, std::string_view prefix,
                 std::string_view start_after = {}) {
  Expected out;
  std::string previous;
  store.scan(
      Table::kLedgerAccounts, prefix,
      [&](std::string_view key, std::string_view value) {
        EXPECT_TRUE(previous.empty() || previous < key) << "out of order at " << key;
        previous = std::string(key);
        out.emplace(std::string(key), std::string(value));
        return true;
      },
      start_after);
  return out;
}

Expected snapshot(const LmdbStore& store) {
  Expected out;
  store.scan_snapshot({Table::kLedgerAccounts},
                      [&](Table, std::string_view key, std::string_view value) {
                        out.emplace(std::string(key), std::string(value));
                      });
  return out;
}

// Every way of reading the table agrees with `expected`.
void expect_reads(const LmdbStore& store, const Expected& expected) {
  EXPECT_EQ(scanned(store, ""), expected);
  EXPECT_EQ(snapshot(store), expected);
  for (const auto& [key, value] : expected)
    EXPECT_EQ(store.get(Table::kLedgerAccounts, key), value);
}

TEST(DeferredTable, CommittedRowsAreReadByGetScanAndSnapshotAndSurviveAReopen) {
  TempDir dir;
  Expected expected{{"acct-1/USD", "100"}, {"acct-2/USD", "200"}};
  {
    auto store = open_store(dir.path());
    ASSERT_TRUE(put(*store, expected).ok());
    ASSERT_TRUE(put(*store, {{"acct-1/USD", "150"}}).ok());
    expected["acct-1/USD"] = "150";
    expect_reads(*store, expected);
    EXPECT_FALSE(store->get(Table::kLedgerAccounts, "acct-3").has_value());
  }
  auto reopened = open_store(dir.path());  // nothing folded: all of it comes from the log
  expect_reads(*reopened, expected);
}

TEST(DeferredTable, ScansMergeFoldedAndWrittenBehindRowsInKeyOrderWithinThePrefix) {
  TempDir dir;
  auto store = open_store(dir.path());
  store->set_deferred_folding(small_rounds());
  Expected expected;
  std::mt19937 random(7);
  // Overwrites, new keys and erasures, with rounds folding part of them as they go.
  for (int round = 0; round < 60; ++round) {
    std::map<std::string, std::optional<std::string>> changes;  // nullopt: erased
    for (int i = 0; i < 3; ++i) {
      const std::string key =
          "a" + std::to_string(random() % 5) + "/" + std::to_string(random() % 6);
      changes[key] = random() % 5 == 0 ? std::nullopt
                                       : std::optional<std::string>("v" + std::to_string(round));
    }
    Expected rows;
    std::vector<std::string> erased;
    for (const auto& [key, value] : changes) {
      if (value) {
        rows[key] = *value;
        expected[key] = *value;
      } else {
        erased.push_back(key);
        expected.erase(key);
      }
    }
    ASSERT_TRUE(put(*store, rows, erased).ok());
    expect_reads(*store, expected);
  }
  // A prefix and a start_after see the same rows as a filter of the whole table.
  Expected in_prefix, after;
  for (const auto& [key, value] : expected) {
    if (key.rfind("a2/", 0) == 0) in_prefix.emplace(key, value);
    if (key.rfind("a2/", 0) == 0 && key > "a2/2") after.emplace(key, value);
  }
  EXPECT_EQ(scanned(*store, "a2/"), in_prefix);
  EXPECT_EQ(scanned(*store, "a2/", "a2/2"), after);
  store.reset();
  expect_reads(*open_store(dir.path()), expected);
}

TEST(DeferredTable, ASnapshotKeepsItsVersionsWhileRoundsFoldAndDrop) {
  TempDir dir;
  auto store = open_store(dir.path());
  store->set_deferred_folding(small_rounds());
  ASSERT_TRUE(put(*store, {{"balance", "old"}, {"head", "1"}}).ok());
  store->with_snapshot([&](const LmdbStore::SnapshotGet& get) {
    EXPECT_EQ(get(Table::kLedgerAccounts, "balance"), "old");
    // Meanwhile the writer commits newer rows and enough others to fold several rounds.
    std::thread writer([&] {
      for (int i = 0; i < 40; ++i)
        ASSERT_TRUE(put(*store, {{"balance", "new-" + std::to_string(i)},
                                 {"filler-" + std::to_string(i), "x"}})
                        .ok());
    });
    writer.join();
    EXPECT_EQ(get(Table::kLedgerAccounts, "balance"), "old");
    EXPECT_EQ(get(Table::kLedgerAccounts, "head"), "1");
    EXPECT_FALSE(get(Table::kLedgerAccounts, "filler-0").has_value());
  });
  EXPECT_EQ(store->get(Table::kLedgerAccounts, "balance"), "new-39");
  EXPECT_EQ(store->get(Table::kLedgerAccounts, "filler-0"), "x");
}

TEST(DeferredTable, ConditionsSeeTheNewestRowWrittenBehind) {
  TempDir dir;
  auto store = open_store(dir.path());
  ASSERT_TRUE(put(*store, {{"head", "7"}}).ok());
  WriteBatch holds;
  holds.expect(Table::kLedgerAccounts, "head", std::string("7"));
  holds.put(Table::kLedgerAccounts, "head", "8");
  ASSERT_TRUE(store->commit({&holds}).ok());
  WriteBatch stale;  // read before the commit above
  stale.expect(Table::kLedgerAccounts, "head", std::string("7"));
  stale.put(Table::kLedgerAccounts, "head", "9");
  const Status refused = store->commit({&stale});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kWriteConflict);
  // In one group commit, the second batch sees the first one's row.
  WriteBatch first, second;
  first.expect(Table::kLedgerAccounts, "head", std::string("8"));
  first.put(Table::kLedgerAccounts, "head", "10");
  second.expect(Table::kLedgerAccounts, "head", std::string("10"));
  second.put(Table::kLedgerAccounts, "head", "11");
  std::vector<LmdbStore::Conflict> conflicts;
  ASSERT_TRUE(store->commit({&first, &second}, &conflicts).ok());
  EXPECT_TRUE(conflicts.empty());
  EXPECT_EQ(store->get(Table::kLedgerAccounts, "head"), "11");
  WriteBatch absent;
  absent.expect(Table::kLedgerAccounts, "nothing", std::nullopt);
  absent.put(Table::kLedgerAccounts, "nothing", "now");
  EXPECT_TRUE(store->commit({&absent}).ok());
}

TEST(DeferredTable, AKeyTheTreeCouldNotHoldIsRefusedAtOnceNotWhenFolded) {
  TempDir dir;
  auto store = open_store(dir.path());
  store->set_deferred_folding(small_rounds());
  const Status refused = put(*store, {{std::string(600, 'k'), "x"}});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kInvalidRequest);
  // Rounds go on folding what was accepted.
  Expected expected;
  for (int i = 0; i < 30; ++i) {
    const Expected rows{{"k" + std::to_string(i), "v"}};
    ASSERT_TRUE(put(*store, rows).ok()) << i;
    expected.insert(rows.begin(), rows.end());
  }
  expect_reads(*store, expected);
}

TEST(DeferredTable, ARefusedGroupKeepsNoneOfItsRows) {
  TempDir dir;
  auto store = open_store(dir.path());
  ASSERT_TRUE(put(*store, {{"head", "1"}}).ok());
  WriteBatch refused;
  refused.put(Table::kLedgerAccounts, "head", "2");
  refused.put(Table::kLedgerAccounts, "other", "x");
  refused.expect(Table::kMeta, "missing", std::string("present"));
  ASSERT_FALSE(store->commit({&refused}).ok());
  expect_reads(*store, {{"head", "1"}});
  store.reset();
  expect_reads(*open_store(dir.path()), {{"head", "1"}});
}

TEST(DeferredTable, AFullMapKeepsEveryAcknowledgedRowAndNoneOfTheRefusedOnes) {
  TempDir dir;
  auto store = open_store(dir.path(), std::size_t{256} << 10);
  store->set_deferred_folding(small_rounds());
  Expected expected;
  Status status = ok_status();
  int round = 0;
  for (; round < 2000 && status.ok(); ++round) {
    Expected rows{
        {"k" + std::to_string(round), std::string(1500, static_cast<char>('a' + round % 26))}};
    status = put(*store, rows);
    if (status.ok()) expected.insert(rows.begin(), rows.end());
  }
  ASSERT_FALSE(status.ok()) << "a 256 KiB map never filled up";
  EXPECT_EQ(status.error().code, ErrorCode::kStoreFull);
  expect_reads(*store, expected);
  store.reset();
  expect_reads(*open_store(dir.path(), std::size_t{256} << 10), expected);
}

TEST(DeferredTable, ManySmallCommitsUntilFullKeepExactlyTheAcknowledgedRows) {
  // Small rows: the map runs out while LMDB saves its free list inside the commit itself, after
  // the rows were made visible to the writer; they must be taken back.
  TempDir dir;
  auto store = open_store(dir.path(), std::size_t{256} << 10);
  Expected expected;
  int refused = 0;
  for (int round = 0; round < 20000 && refused < 50; ++round) {
    Expected rows{{"s" + std::to_string(round), std::to_string(round)},
                  {"head", std::to_string(round)}};
    if (put(*store, rows).ok()) {
      for (const auto& [key, value] : rows) expected[key] = value;
    } else {
      ++refused;
    }
  }
  ASSERT_EQ(refused, 50) << "a 256 KiB map never filled up";
  expect_reads(*store, expected);
  store.reset();
  expect_reads(*open_store(dir.path(), std::size_t{256} << 10), expected);
}

TEST(DeferredTable, ACommitThatFailsAfterItsRowsWereMadeVisibleTakesThemBack) {
  // The table on a bare environment: the rows are published before mdb_txn_commit, which can
  // still fail (a full map while LMDB saves its free list); after_commit(false) takes them back.
  TempDir dir;
  auto env = lmdb::env::create();
  env.set_max_dbs(4);
  env.open(dir.path().c_str(), 0, 0640);
  auto setup = lmdb::txn::begin(env.handle());
  const MDB_dbi table = lmdb::dbi::open(setup, "table", MDB_CREATE).handle();
  const MDB_dbi meta = lmdb::dbi::open(setup, "meta", MDB_CREATE).handle();
  DeferredTable deferred;
  deferred.open(setup, table, meta);
  setup.commit();

  const auto write = [&](const std::string& value, bool commit) {
    auto txn = lmdb::txn::begin(env.handle());
    DeferredTable::Commit rows;
    rows.staged["head"] = value;
    deferred.before_commit(txn, rows);
    EXPECT_EQ(deferred.rows().newest("head"), std::optional<DeferredRows::Value>(value));
    if (commit) {
      txn.commit();
    } else {
      txn.abort();  // as a failed mdb_txn_commit leaves it
    }
    deferred.after_commit(rows, commit);
  };
  write("1", true);
  write("2", false);
  EXPECT_EQ(deferred.rows().newest("head"), std::optional<DeferredRows::Value>("1"));
  write("3", true);  // the failed commit's sequence is used again
  auto read = lmdb::txn::begin(env.handle(), nullptr, MDB_RDONLY);
  EXPECT_EQ(deferred.rows().find("head", deferred.seen(read)),
            std::optional<DeferredRows::Value>("3"));
}

}  // namespace
}  // namespace settled::adapters
