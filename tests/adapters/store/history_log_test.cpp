// Tests for history's log (src/adapters/store/history_log.hpp) through the store that uses it:
// chunks read back as written, replaced and erased ones leave nothing behind, chunks written
// before the log still read, and random-order writes fill their pages.

#include "adapters/store/lmdb_store.hpp"
#include "support/temp_dir.hpp"

#include "domain/storage_keys.hpp"

#include <gtest/gtest.h>

#include <lmdb++.h>

#include <algorithm>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

namespace settled::adapters {
namespace {

using settled::testing::TempDir;

std::shared_ptr<LmdbStore> open_store(const std::string& path) {
  LmdbOptions options;
  options.path = path;
  options.map_size = std::size_t{256} << 20;
  auto store = LmdbStore::open(options);
  if (!store.ok()) throw std::runtime_error("open failed: " + store.error().message);
  return *store;
}

Status commit(LmdbStore& store, const WriteBatch& batch) {
  return store.commit({&batch});
}

// A chunk-like JSON value of about `size` bytes that does not compress to nothing.
std::string chunk(std::mt19937& random, std::size_t size) {
  std::string text = R"({"v":2,"events":[")";
  while (text.size() < size) text.push_back(static_cast<char>('a' + random() % 26));
  return text + R"("]})";
}

std::vector<std::string> history_of(const LmdbStore& store, const std::string& execution) {
  std::vector<std::string> values;
  store.scan(Table::kHistory, history_prefix(execution), [&](std::string_view, std::string_view v) {
    values.emplace_back(v);
    return true;
  });
  return values;
}

TEST(HistoryLog, ChunksReadBackInKeyOrderAcrossExecutions) {
  TempDir dir;
  auto store = open_store(dir.path());
  std::mt19937 random(1);
  const std::string a1 = chunk(random, 300), b1 = chunk(random, 3000), a2 = chunk(random, 50);
  WriteBatch first;
  first.put(Table::kHistory, history_key("exec-b", 1), b1);
  first.put(Table::kHistory, history_key("exec-a", 1), a1);
  ASSERT_TRUE(commit(*store, first).ok());
  WriteBatch second;
  second.put(Table::kHistory, history_key("exec-a", 7), a2);
  ASSERT_TRUE(commit(*store, second).ok());
  EXPECT_EQ(history_of(*store, "exec-a"), (std::vector<std::string>{a1, a2}));
  EXPECT_EQ(history_of(*store, "exec-b"), (std::vector<std::string>{b1}));
  EXPECT_EQ(store->get(Table::kHistory, history_key("exec-b", 1)), b1);
  EXPECT_EQ(store->count(Table::kHistory), 3u);
  // And after the store is opened again (the log's next sequence comes from the log itself).
  store.reset();
  store = open_store(dir.path());
  WriteBatch third;
  third.put(Table::kHistory, history_key("exec-c", 1), a2);
  ASSERT_TRUE(commit(*store, third).ok());
  EXPECT_EQ(history_of(*store, "exec-a"), (std::vector<std::string>{a1, a2}));
  EXPECT_EQ(history_of(*store, "exec-c"), (std::vector<std::string>{a2}));
}

TEST(HistoryLog, ReplacedAndErasedChunksLeaveNoLogEntries) {
  TempDir dir;
  auto store = open_store(dir.path());
  std::mt19937 random(2);
  for (int round = 0; round < 2; ++round) {  // written twice: the second replaces the first
    WriteBatch batch;
    for (int i = 0; i < 400; ++i)
      batch.put(Table::kHistory, history_key("exec-" + std::to_string(i), 1), chunk(random, 1500));
    ASSERT_TRUE(commit(*store, batch).ok());
  }
  const auto written = store->table_usage(Table::kHistory);
  EXPECT_EQ(written.entries, 400u);
  // 400 chunks of ~1.5 KB (random letters: compressed to about 60 %) take about 100 pages, not
  // the 200 that two rounds would if replaced chunks stayed in the log.
  EXPECT_LT(written.page_bytes, std::size_t{150} * 4096) << written.page_bytes;
  WriteBatch erase;
  for (int i = 0; i < 400; ++i)
    erase.erase(Table::kHistory, history_key("exec-" + std::to_string(i), 1));
  ASSERT_TRUE(commit(*store, erase).ok());
  const auto erased = store->table_usage(Table::kHistory);
  EXPECT_EQ(erased.entries, 0u);
  EXPECT_EQ(erased.page_bytes, 0u);
}

// A store from before the log keeps its chunks in `history` itself: they read as they are, and
// a later chunk of the same execution goes to the log and reads after them.
TEST(HistoryLog, AChunkWrittenBeforeTheLogStillReads) {
  TempDir dir;
  const std::string old_chunk = R"([{"id":1,"type":"ExecutionStarted"}])";
  {
    auto env = lmdb::env::create();
    env.set_max_dbs(64);
    env.open(dir.path().c_str(), 0, 0640);
    auto txn = lmdb::txn::begin(env.handle());
    auto history = lmdb::dbi::open(txn, table_name(Table::kHistory), MDB_CREATE);
    const std::string key = history_key("exec-old", 1);
    lmdb::val k{key.data(), key.size()};
    lmdb::val v{old_chunk.data(), old_chunk.size()};
    lmdb::dbi_put(txn, history.handle(), k, v, 0);
    txn.commit();
  }
  auto store = open_store(dir.path());
  WriteBatch later;
  later.put(Table::kHistory, history_key("exec-old", 2), R"([{"id":2,"type":"PassStateEntered"}])");
  ASSERT_TRUE(commit(*store, later).ok());
  EXPECT_EQ(history_of(*store, "exec-old"),
            (std::vector<std::string>{old_chunk, R"([{"id":2,"type":"PassStateEntered"}])"}));
  WriteBatch erase;
  erase.erase(Table::kHistory, history_key("exec-old", 1));
  erase.erase(Table::kHistory, history_key("exec-old", 2));
  ASSERT_TRUE(commit(*store, erase).ok());
  EXPECT_TRUE(history_of(*store, "exec-old").empty());
}

// A log whose last key is not a sequence is damaged: a chunk is not appended after it (two keys
// could then share one entry); the commit fails and writes nothing.
TEST(HistoryLog, ADamagedLogFailsTheCommitInsteadOfSharingAnEntry) {
  TempDir dir;
  {
    auto store = open_store(dir.path());
    WriteBatch first;
    first.put(Table::kHistory, history_key("exec-a", 1), R"([{"id":1,"type":"A"}])");
    ASSERT_TRUE(commit(*store, first).ok());
  }
  {
    auto env = lmdb::env::create();
    env.set_max_dbs(64);
    env.open(dir.path().c_str(), 0, 0640);
    auto txn = lmdb::txn::begin(env.handle());
    auto log = lmdb::dbi::open(txn, "history_log", 0);
    const std::string key = "\xff-not-a-sequence";
    lmdb::val k{key.data(), key.size()};
    lmdb::val v{"x", 1};
    lmdb::dbi_put(txn, log.handle(), k, v, 0);
    txn.commit();
  }
  auto store = open_store(dir.path());
  WriteBatch second;
  second.put(Table::kHistory, history_key("exec-b", 1), R"([{"id":1,"type":"B"}])");
  auto refused = commit(*store, second);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("not a sequence"), std::string::npos)
      << refused.error().message;
  EXPECT_TRUE(history_of(*store, "exec-b").empty());
  EXPECT_EQ(history_of(*store, "exec-a"), (std::vector<std::string>{R"([{"id":1,"type":"A"}])"}));
}

// What the log is for: chunks of 1-2 KB written in no key order fill their pages. A B-tree
// filled in random order keeps them about 60 % full (1.6 page bytes per byte); the log's pages
// lose only the tail that the next chunk does not fit in, and the index of small references
// costs ~100 bytes a chunk (measured: 1.25).
TEST(HistoryLog, ChunksWrittenInRandomKeyOrderFillTheirPages) {
  TempDir dir;
  auto store = open_store(dir.path());
  std::mt19937 random(3);
  std::vector<int> order(3000);
  for (int i = 0; i < 3000; ++i) order[static_cast<std::size_t>(i)] = i;
  std::shuffle(order.begin(), order.end(), random);
  std::size_t bytes = 0;
  for (std::size_t at = 0; at < order.size(); at += 50) {  // commits of 50, as a busy engine's
    WriteBatch batch;
    for (std::size_t i = at; i < at + 50; ++i) {
      // Not compressible (every byte random), so the bytes stored are the bytes given.
      std::string value(800 + random() % 1000, ' ');
      for (auto& c : value) c = static_cast<char>(random());
      value[0] = '[';
      bytes += value.size() + 25;
      batch.put(Table::kHistory, history_key("pay-" + std::to_string(order[i]), 1), value);
    }
    ASSERT_TRUE(commit(*store, batch).ok());
  }
  const auto usage = store->table_usage(Table::kHistory);
  EXPECT_LT(static_cast<double>(usage.page_bytes), 1.35 * static_cast<double>(bytes))
      << usage.page_bytes << " page bytes for " << bytes << " bytes";
}

}  // namespace
}  // namespace settled::adapters
