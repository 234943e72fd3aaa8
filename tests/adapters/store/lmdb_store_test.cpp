// Tests for the LMDB store (src/adapters/store/lmdb_store.hpp), each in its own temporary
// directory.

#include "adapters/store/lmdb_store.hpp"
#include "support/temp_dir.hpp"
#include "support/temp_store.hpp"

#include "domain/storage_keys.hpp"

#include <gtest/gtest.h>
#include <lmdb.h>

#include <stdlib.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace settled::adapters {
namespace {

namespace fs = std::filesystem;

using settled::testing::TempDir;

std::shared_ptr<LmdbStore> open_store(const std::string& path,
                                      std::size_t map_size = std::size_t{64} << 20) {
  return settled::testing::open_sized_store(path, map_size);
}

Status commit(LmdbStore& store, const std::vector<WriteBatch>& batches) {
  std::vector<const WriteBatch*> pointers;
  for (const auto& b : batches) pointers.push_back(&b);
  return store.commit(pointers);
}

std::vector<std::pair<std::string, std::string>> scan_all(const LmdbStore& store, Table table,
                                                          std::string_view prefix,
                                                          std::string_view start_after = {}) {
  std::vector<std::pair<std::string, std::string>> out;
  store.scan(
      table, prefix,
      [&](std::string_view k, std::string_view v) {
        out.emplace_back(std::string(k), std::string(v));
        return true;
      },
      start_after);
  return out;
}

std::vector<std::string> keys_of(const std::vector<std::pair<std::string, std::string>>& rows) {
  std::vector<std::string> keys;
  for (const auto& row : rows) keys.push_back(row.first);
  return keys;
}

class LmdbStoreTest : public ::testing::Test {
 protected:
  TempDir dir_;
  std::shared_ptr<LmdbStore> store_ = open_store(dir_.path());
};

TEST(LmdbStoreOpen, CreatesAMissingDirectory) {
  TempDir dir;
  const std::string nested = dir.path() + "/a/b/data";
  auto store = open_store(nested);
  EXPECT_TRUE(fs::is_directory(nested));
  EXPECT_EQ(store->path(), nested);
  EXPECT_TRUE(fs::exists(nested + "/data.mdb"));
}

TEST(LmdbStoreOpen, RefusesAPathThatIsAFile) {
  TempDir dir;
  const std::string file = dir.path() + "/plain-file";
  {
    std::FILE* f = std::fopen(file.c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fclose(f);
  }
  LmdbOptions options;
  options.path = file;
  auto store = LmdbStore::open(options);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code, ErrorCode::kStoreUnavailable);
}

TEST_F(LmdbStoreTest, CommitAppliesEveryBatch) {
  std::vector<WriteBatch> batches(3);
  batches[0].put(Table::kExecutions, "e-1", R"({"id":"e-1"})");
  batches[0].put(Table::kOpenExecutions, "e-1", "");
  batches[1].put(Table::kHistory, history_key("e-1", 1), "event-1");
  batches[2].put(Table::kRecords, record_key("payments", "p-1"), "record");
  batches[2].put(Table::kExecutions, "e-2", "second");
  ASSERT_TRUE(commit(*store_, batches).ok());
  EXPECT_EQ(store_->get(Table::kExecutions, "e-1"), R"({"id":"e-1"})");
  EXPECT_EQ(store_->get(Table::kOpenExecutions, "e-1"), "");
  EXPECT_EQ(store_->get(Table::kHistory, history_key("e-1", 1)), "event-1");
  EXPECT_EQ(store_->get(Table::kRecords, record_key("payments", "p-1")), "record");
  EXPECT_EQ(store_->get(Table::kExecutions, "e-2"), "second");
  // Tables are separate key spaces.
  EXPECT_FALSE(store_->get(Table::kAlerts, "e-1").has_value());
  EXPECT_FALSE(store_->get(Table::kExecutions, "e-3").has_value());
}

// The bytes LMDB holds for `key` of `table` in the (closed) store at `path`, read past the store.
std::optional<std::string> stored_bytes(const std::string& path, Table table,
                                        const std::string& key) {
  MDB_env* env = nullptr;
  if (mdb_env_create(&env) != 0) return std::nullopt;
  std::optional<std::string> bytes;
  MDB_txn* txn = nullptr;
  MDB_dbi dbi = 0;
  MDB_val k{key.size(), const_cast<char*>(key.data())};
  MDB_val v{};
  if (mdb_env_set_maxdbs(env, kTableCount + 3) == 0 &&
      mdb_env_open(env, path.c_str(), MDB_RDONLY, 0640) == 0 &&
      mdb_txn_begin(env, nullptr, MDB_RDONLY, &txn) == 0) {
    if (mdb_dbi_open(txn, table_name(table), 0, &dbi) == 0 && mdb_get(txn, dbi, &k, &v) == 0)
      bytes = std::string(static_cast<const char*>(v.mv_data), v.mv_size);
    mdb_txn_abort(txn);
  }
  mdb_env_close(env);
  return bytes;
}

// An execution record's text of about `bytes` bytes.
std::string record_of(std::size_t bytes) {
  std::string record = R"({"id":"payment:p-1","stateMachine":"payment","input":[)";
  for (int i = 0; record.size() < bytes; ++i)
    record += R"({"paymentId":"p-)" + std::to_string(i) + R"(","amount":1250,"currency":"USD"},)";
  return record + "{}]}";
}

// A short-lived value (an execution's record while its task is in flight) is stored as its
// bytes, the same text written as an ordinary value is compressed; both read back the same.
TEST(LmdbStoreValues, AShortLivedValueIsStoredAsWrittenAnOrdinaryOneCompressed) {
  TempDir dir;
  const std::string record = record_of(900);
  {
    auto store = open_store(dir.path());
    WriteBatch batch;
    batch.put_short_lived(Table::kExecutions, "running", record);
    batch.put(Table::kExecutions, "waiting", record);
    ASSERT_TRUE(commit(*store, {batch}).ok());
    EXPECT_EQ(store->get(Table::kExecutions, "running"), record);
    EXPECT_EQ(store->get(Table::kExecutions, "waiting"), record);
  }
  const auto running = stored_bytes(dir.path(), Table::kExecutions, "running");
  const auto waiting = stored_bytes(dir.path(), Table::kExecutions, "waiting");
  ASSERT_TRUE(running && waiting);
  EXPECT_EQ(*running, record);
  EXPECT_LT(waiting->size(), record.size() / 2);
  // Opened again, the store reads both.
  auto store = open_store(dir.path());
  EXPECT_EQ(store->get(Table::kExecutions, "running"), record);
  EXPECT_EQ(store->get(Table::kExecutions, "waiting"), record);
}

// A large short-lived value is compressed all the same: stored as written it would take an
// overflow page, which LMDB keeps in place for the value that replaces it in the same
// transaction, however small that one is.
TEST(LmdbStoreValues, ALargeShortLivedValueIsCompressedAsAnyOther) {
  const std::string record = record_of(3000);
  const auto page_bytes = [&](bool short_lived) {
    TempDir dir;
    auto store = open_store(dir.path());
    for (int i = 0; i < 50; ++i) {
      const std::string key = "e-" + std::to_string(i);
      WriteBatch first, last;
      if (short_lived)
        first.put_short_lived(Table::kExecutions, key, record);
      else
        first.put(Table::kExecutions, key, record);
      last.put(Table::kExecutions, key, record);
      EXPECT_TRUE(commit(*store, {first, last}).ok());
      EXPECT_EQ(store->get(Table::kExecutions, key), record);
    }
    return store->table_usage(Table::kExecutions).page_bytes;
  };
  EXPECT_EQ(page_bytes(true), page_bytes(false));
  const auto stored = [&] {
    TempDir dir;
    {
      auto store = open_store(dir.path());
      WriteBatch batch;
      batch.put_short_lived(Table::kExecutions, "big", record);
      EXPECT_TRUE(commit(*store, {batch}).ok());
    }
    return stored_bytes(dir.path(), Table::kExecutions, "big");
  }();
  ASSERT_TRUE(stored.has_value());
  EXPECT_LT(stored->size(), record.size() / 2);
}

// Reads reuse their transactions (adapters/store/read_txn_pool.hpp): each still reads the
// newest commit, from any thread.
TEST_F(LmdbStoreTest, EveryReadSeesTheNewestCommitThoughItsTransactionIsReused) {
  for (int i = 0; i < 20; ++i) {
    WriteBatch batch;
    batch.put(Table::kMeta, "k", std::to_string(i));
    ASSERT_TRUE(commit(*store_, {batch}).ok());
    EXPECT_EQ(store_->get(Table::kMeta, "k"), std::to_string(i));
    store_->with_snapshot([&](const LmdbStore::SnapshotGet& get) {
      EXPECT_EQ(get(Table::kMeta, "k"), std::to_string(i));
    });
    EXPECT_EQ(scan_all(*store_, Table::kMeta, "k").size(), 1u);
  }
  std::vector<std::thread> readers;
  std::atomic<int> wrong{0};
  for (int t = 0; t < 4; ++t)
    readers.emplace_back([&] {
      for (int i = 0; i < 200; ++i)
        if (store_->get(Table::kMeta, "k") != std::string("19")) ++wrong;
    });
  for (auto& reader : readers) reader.join();
  EXPECT_EQ(wrong.load(), 0);
}

TEST_F(LmdbStoreTest, LaterOperationsWinWithinOneCommit) {
  std::vector<WriteBatch> batches(2);
  batches[0].put(Table::kMeta, "k", "first");
  batches[0].put(Table::kMeta, "gone", "x");
  batches[1].put(Table::kMeta, "k", "second");
  batches[1].erase(Table::kMeta, "gone");
  ASSERT_TRUE(commit(*store_, batches).ok());
  EXPECT_EQ(store_->get(Table::kMeta, "k"), "second");
  EXPECT_FALSE(store_->get(Table::kMeta, "gone").has_value());
}

TEST_F(LmdbStoreTest, EmptyCommitsSucceed) {
  EXPECT_TRUE(store_->commit({}).ok());
  WriteBatch empty;
  EXPECT_TRUE(store_->commit({&empty}).ok());
}

TEST_F(LmdbStoreTest, ValuesAreBinarySafe) {
  const std::string key("k\0ey", 4);
  const std::string value(
      "v\0a\xff"
      "lue",
      8);
  WriteBatch b;
  b.put(Table::kMeta, key, value);
  ASSERT_TRUE(store_->commit({&b}).ok());
  EXPECT_EQ(store_->get(Table::kMeta, key), value);
  EXPECT_FALSE(store_->get(Table::kMeta, "k").has_value());
}

TEST_F(LmdbStoreTest, AFailingCommitKeepsNothingOfAnyBatch) {
  WriteBatch before;
  before.put(Table::kMeta, "existing", "old");
  ASSERT_TRUE(store_->commit({&before}).ok());

  WriteBatch good;
  good.put(Table::kMeta, "a", "1");
  good.put(Table::kMeta, "existing", "new");
  good.erase(Table::kMeta, "existing-too");
  WriteBatch bad;
  bad.put(Table::kMeta, "b", "2");
  bad.put(Table::kMeta, std::string(600, 'k'), "key longer than LMDB's 511-byte limit");
  WriteBatch after;
  after.put(Table::kMeta, "c", "3");
  const Status status = store_->commit({&good, &bad, &after});
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, ErrorCode::kInvalidRequest);
  EXPECT_FALSE(store_->get(Table::kMeta, "a").has_value());
  EXPECT_FALSE(store_->get(Table::kMeta, "b").has_value());
  EXPECT_FALSE(store_->get(Table::kMeta, "c").has_value());
  EXPECT_EQ(store_->get(Table::kMeta, "existing"), "old");

  // An empty key is refused the same way; the store keeps working afterwards.
  WriteBatch empty_key;
  empty_key.put(Table::kMeta, "d", "4");
  empty_key.put(Table::kMeta, "", "x");
  EXPECT_EQ(store_->commit({&empty_key}).error().code, ErrorCode::kInvalidRequest);
  EXPECT_FALSE(store_->get(Table::kMeta, "d").has_value());
  ASSERT_TRUE(store_->commit({&good, &after}).ok());
  EXPECT_EQ(store_->get(Table::kMeta, "a"), "1");
  EXPECT_EQ(store_->get(Table::kMeta, "existing"), "new");
  EXPECT_EQ(store_->get(Table::kMeta, "c"), "3");
}

TEST_F(LmdbStoreTest, EraseRemovesAndIgnoresMissingKeys) {
  WriteBatch put;
  put.put(Table::kOpenExecutions, "e-1", "");
  put.put(Table::kOpenExecutions, "e-2", "");
  ASSERT_TRUE(store_->commit({&put}).ok());
  WriteBatch erase;
  erase.erase(Table::kOpenExecutions, "e-1");
  erase.erase(Table::kOpenExecutions, "never-there");
  erase.put(Table::kOpenExecutions, "e-3", "");
  ASSERT_TRUE(store_->commit({&erase}).ok());
  EXPECT_FALSE(store_->get(Table::kOpenExecutions, "e-1").has_value());
  EXPECT_TRUE(store_->get(Table::kOpenExecutions, "e-2").has_value());
  EXPECT_TRUE(store_->get(Table::kOpenExecutions, "e-3").has_value());
  EXPECT_EQ(keys_of(scan_all(*store_, Table::kOpenExecutions, "")),
            (std::vector<std::string>{"e-2", "e-3"}));
}

TEST_F(LmdbStoreTest, ScanVisitsOnlyThePrefixInKeyOrder) {
  WriteBatch b;
  // Inserted out of order; big-endian ids make 2 < 10 < 300 in key order.
  for (int id : {10, 2, 300, 1})
    b.put(Table::kHistory, history_key("exec-1", id), "e1-" + std::to_string(id));
  b.put(Table::kHistory, history_key("exec-10", 1), "e10-1");  // "exec-1" is a string prefix of it
  b.put(Table::kHistory, history_key("exec-0", 5), "e0-5");
  b.put(Table::kHistory, history_key("exec-2", 1), "e2-1");
  ASSERT_TRUE(store_->commit({&b}).ok());

  const auto rows = scan_all(*store_, Table::kHistory, history_prefix("exec-1"));
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0], std::make_pair(history_key("exec-1", 1), std::string("e1-1")));
  EXPECT_EQ(rows[1], std::make_pair(history_key("exec-1", 2), std::string("e1-2")));
  EXPECT_EQ(rows[2], std::make_pair(history_key("exec-1", 10), std::string("e1-10")));
  EXPECT_EQ(rows[3], std::make_pair(history_key("exec-1", 300), std::string("e1-300")));

  EXPECT_EQ(scan_all(*store_, Table::kHistory, "").size(), 7u);
  EXPECT_TRUE(scan_all(*store_, Table::kHistory, history_prefix("exec-3")).empty());
  EXPECT_TRUE(scan_all(*store_, Table::kAlerts, "").empty());
}

class LmdbScanTest : public LmdbStoreTest {
 protected:
  void SetUp() override {
    WriteBatch b;
    for (const char* k : {"a/1", "a/2", "b/1", "b/2", "b/4", "b/5", "c/1"})
      b.put(Table::kRecords, k, k);
    ASSERT_TRUE(store_->commit({&b}).ok());
  }
  std::vector<std::string> keys(std::string_view prefix, std::string_view start_after = {}) {
    return keys_of(scan_all(*store_, Table::kRecords, prefix, start_after));
  }
};

TEST_F(LmdbScanTest, StartAfterIsExclusive) {
  EXPECT_EQ(keys("b/", "b/1"), (std::vector<std::string>{"b/2", "b/4", "b/5"}));
  EXPECT_EQ(keys("b/", "b/4"), (std::vector<std::string>{"b/5"}));
  EXPECT_TRUE(keys("b/", "b/5").empty());
  EXPECT_EQ(keys("", "b/5"), (std::vector<std::string>{"c/1"}));
}

TEST_F(LmdbScanTest, StartAfterAKeyThatDoesNotExist) {
  EXPECT_EQ(keys("b/", "b/3"), (std::vector<std::string>{"b/4", "b/5"}));
  EXPECT_EQ(keys("b/", "b/0"), (std::vector<std::string>{"b/1", "b/2", "b/4", "b/5"}));
  EXPECT_TRUE(keys("b/", "b/9").empty());
  EXPECT_TRUE(keys("b/", "z").empty());
}

TEST_F(LmdbScanTest, StartAfterBeforeThePrefixVisitsTheWholePrefix) {
  // Nothing with the prefix comes before start_after, so every prefixed key is "after" it.
  EXPECT_EQ(keys("b/", "a/1"), (std::vector<std::string>{"b/1", "b/2", "b/4", "b/5"}));
  EXPECT_EQ(keys("c/", "a"), (std::vector<std::string>{"c/1"}));
}

TEST_F(LmdbStoreTest, KeysLmdbCannotHoldAreSimplyAbsent) {
  // LMDB keys are 1 to 511 bytes; reads with other keys (e.g. an id from a URL) find nothing.
  const std::string longest(511, 'k');
  WriteBatch b;
  b.put(Table::kExecutions, longest, "max");
  b.put(Table::kExecutions, "kz", "after");
  ASSERT_TRUE(store_->commit({&b}).ok());
  EXPECT_EQ(store_->get(Table::kExecutions, longest), "max");
  EXPECT_FALSE(store_->get(Table::kExecutions, "").has_value());
  EXPECT_FALSE(store_->get(Table::kExecutions, std::string(512, 'k')).has_value());
  EXPECT_FALSE(store_->get(Table::kExecutions, std::string(5000, 'k')).has_value());

  EXPECT_TRUE(scan_all(*store_, Table::kExecutions, std::string(600, 'k')).empty());
  // 600 k's sort after the 511 k's (a prefix of it) and before "kz".
  EXPECT_EQ(keys_of(scan_all(*store_, Table::kExecutions, "", std::string(600, 'k'))),
            (std::vector<std::string>{"kz"}));
  EXPECT_EQ(keys_of(scan_all(*store_, Table::kExecutions, "k", std::string(510, 'k'))),
            (std::vector<std::string>{longest, "kz"}));
  EXPECT_EQ(keys_of(scan_all(*store_, Table::kExecutions, "k", longest)),
            (std::vector<std::string>{"kz"}));
}

TEST_F(LmdbScanTest, VisitorStopsTheScan) {
  std::vector<std::string> seen;
  store_->scan(Table::kRecords, "", [&](std::string_view k, std::string_view) {
    seen.emplace_back(k);
    return seen.size() < 3;
  });
  EXPECT_EQ(seen, (std::vector<std::string>{"a/1", "a/2", "b/1"}));
}

TEST(LmdbStorePersistence, SurvivesReopen) {
  TempDir dir;
  {
    auto store = open_store(dir.path());
    WriteBatch b;
    b.put(Table::kExecutions, "e-1", "record");
    b.put(Table::kHistory, history_key("e-1", 1), "h1");
    b.put(Table::kHistory, history_key("e-1", 2), "h2");
    ASSERT_TRUE(store->commit({&b}).ok());
    WriteBatch e;
    e.erase(Table::kHistory, history_key("e-1", 1));
    ASSERT_TRUE(store->commit({&e}).ok());
  }
  auto reopened = open_store(dir.path());
  EXPECT_EQ(reopened->get(Table::kExecutions, "e-1"), "record");
  EXPECT_FALSE(reopened->get(Table::kHistory, history_key("e-1", 1)).has_value());
  const auto rows = scan_all(*reopened, Table::kHistory, history_prefix("e-1"));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].second, "h2");
}

TEST(LmdbStorePersistence, NonDurableModeStillCommits) {
  TempDir dir;
  LmdbOptions options;
  options.path = dir.path();
  options.durable = false;
  auto store = LmdbStore::open(options);
  ASSERT_TRUE(store.ok());
  WriteBatch b;
  b.put(Table::kMeta, "k", "v");
  ASSERT_TRUE((*store)->commit({&b}).ok());
  EXPECT_EQ((*store)->get(Table::kMeta, "k"), "v");
}

}  // namespace
}  // namespace settled::adapters

namespace settled::adapters {
namespace {

// WriteBatch::conditions: a read-modify-write commits only over what it read.
TEST_F(LmdbStoreTest, ABatchCommitsOnlyWhileItsConditionsHold) {
  const std::string key = record_key("counters", "c-1");
  // Absent, as expected: the first writer creates it.
  WriteBatch create;
  create.put(Table::kRecords, key, R"({"hits":1})");
  create.expect(Table::kRecords, key, std::nullopt);
  ASSERT_TRUE(commit(*store_, {create}).ok());
  // The same condition again no longer holds: nothing of the batch is written.
  WriteBatch stale = create;
  stale.put(Table::kRecords, record_key("counters", "other"), "x");
  auto refused = commit(*store_, {stale});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kWriteConflict);
  EXPECT_NE(refused.error().message.find("c-1"), std::string::npos) << refused.error().message;
  EXPECT_FALSE(store_->get(Table::kRecords, record_key("counters", "other")).has_value());
  // Over the value it read: commits.
  WriteBatch add;
  add.put(Table::kRecords, key, R"({"hits":2})");
  add.expect(Table::kRecords, key, std::string(R"({"hits":1})"));
  ASSERT_TRUE(commit(*store_, {add}).ok());
  EXPECT_EQ(store_->get(Table::kRecords, key), R"({"hits":2})");
}

TEST_F(LmdbStoreTest, AConditionSeesTheBatchesBeforeItInTheSameCommit) {
  const std::string key = record_key("counters", "c-2");
  std::vector<WriteBatch> group(2);
  // Two writers that both read "absent": the first changes it, so the second must not commit.
  for (auto& batch : group) {
    batch.put(Table::kRecords, key, R"({"hits":1})");
    batch.expect(Table::kRecords, key, std::nullopt);
  }
  auto status = commit(*store_, group);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, ErrorCode::kWriteConflict);
  EXPECT_FALSE(store_->get(Table::kRecords, key).has_value());  // all or nothing
}

// With a conflicts list, the batch whose condition fails is left out and the others commit.
TEST_F(LmdbStoreTest, AConflictingBatchIsLeftOutAndItsGroupCommits) {
  const std::string key = record_key("counters", "c-3");
  std::vector<WriteBatch> group(3);
  group[0].put(Table::kRecords, key, R"({"hits":1})");
  group[0].expect(Table::kRecords, key, std::nullopt);
  group[1].put(Table::kRecords, key, R"({"hits":9})");
  group[1].put(Table::kRecords, record_key("counters", "left-out"), "x");
  group[1].expect(Table::kRecords, key, std::nullopt);  // no longer absent after group[0]
  group[2].put(Table::kRecords, record_key("counters", "unrelated"), "y");
  std::vector<const WriteBatch*> pointers;
  for (const auto& b : group) pointers.push_back(&b);
  std::vector<LmdbStore::Conflict> conflicts;
  auto status = store_->commit(pointers, &conflicts);
  ASSERT_TRUE(status.ok()) << status.error().message;
  ASSERT_EQ(conflicts.size(), 1u);
  EXPECT_EQ(conflicts[0].batch, 1u);
  EXPECT_EQ(conflicts[0].error.code, ErrorCode::kWriteConflict);
  EXPECT_EQ(store_->get(Table::kRecords, key), R"({"hits":1})");
  EXPECT_FALSE(store_->get(Table::kRecords, record_key("counters", "left-out")).has_value());
  EXPECT_EQ(store_->get(Table::kRecords, record_key("counters", "unrelated")), "y");
}

TEST_F(LmdbStoreTest, AConditionComparesACompressedValueAsWritten) {
  const std::string key = record_key("big", "b-1");
  const std::string large = R"({"text":")" + std::string(4000, 'a') + R"("})";
  WriteBatch put;
  put.put(Table::kRecords, key, large);
  ASSERT_TRUE(commit(*store_, {put}).ok());
  WriteBatch over;
  over.put(Table::kRecords, key, "{}");
  over.expect(Table::kRecords, key, large);
  EXPECT_TRUE(commit(*store_, {over}).ok());
  EXPECT_EQ(store_->get(Table::kRecords, key), "{}");
}

}  // namespace
}  // namespace settled::adapters

namespace settled::adapters {
namespace {

// Every get inside with_snapshot reads the one snapshot it began with: a commit made meanwhile
// is not seen there, and is by a get after it.
TEST_F(LmdbStoreTest, ASnapshotsGetsSeeOneStateOfTheStore) {
  WriteBatch first;
  first.put(Table::kRecords, "a", "1");
  first.put(Table::kRecords, "b", "1");
  ASSERT_TRUE(store_->commit({&first}).ok());
  std::vector<std::optional<std::string>> seen;
  store_->with_snapshot([&](const LmdbStore::SnapshotGet& get) {
    seen.push_back(get(Table::kRecords, "a"));
    WriteBatch second;
    second.put(Table::kRecords, "b", "2");
    EXPECT_TRUE(store_->commit({&second}).ok());
    seen.push_back(get(Table::kRecords, "b"));
    seen.push_back(get(Table::kRecords, "missing"));
    seen.push_back(get(Table::kRecords, std::string(600, 'k')));  // longer than LMDB's keys
  });
  EXPECT_EQ(seen, (std::vector<std::optional<std::string>>{"1", "1", std::nullopt, std::nullopt}));
  EXPECT_EQ(store_->get(Table::kRecords, "b"), "2");
}

}  // namespace
}  // namespace settled::adapters
