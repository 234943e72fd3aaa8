// Tests for the LMDB store (src/adapters/store/lmdb_store.hpp) when its map is full: StoreFull
// refused whole, reads and later commits unharmed. Split from lmdb_store_test.cpp.

#include "adapters/store/lmdb_store.hpp"
#include "support/temp_dir.hpp"
#include "support/temp_store.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace settled::adapters {
namespace {

using settled::testing::TempDir;

std::shared_ptr<LmdbStore> open_store(const std::string& path, std::size_t map_size) {
  return settled::testing::open_sized_store(path, map_size);
}

// How many rows of `table` start with `prefix`.
std::size_t rows_under(const LmdbStore& store, Table table, std::string_view prefix) {
  std::size_t rows = 0;
  store.scan(table, prefix, [&](std::string_view, std::string_view) {
    ++rows;
    return true;
  });
  return rows;
}
// ---------------------------------------------------------------------------------------------
// A full map

constexpr std::size_t kTinyMap = std::size_t{256} << 10;

// Random letters: values that take their full size on disk (the store compresses large values
// that repeat themselves).
std::string incompressible(std::size_t size, unsigned seed) {
  std::mt19937 random(seed);
  std::string value(size, 'a');
  for (auto& c : value) c = static_cast<char>('a' + random() % 26);
  return value;
}

WriteBatch filler(int round, int values, std::size_t size) {
  WriteBatch b;
  for (int i = 0; i < values; ++i) {
    b.put(Table::kRecords, "fill-" + std::to_string(round) + "-" + std::to_string(i),
          incompressible(size, static_cast<unsigned>(round * 1000 + i)));
  }
  return b;
}

TEST(LmdbStoreFull, AFullMapIsStoreFullAndTheStoreKeepsWorking) {
  TempDir dir;
  auto store = open_store(dir.path(), kTinyMap);
  EXPECT_EQ(store->usage().map_size, kTinyMap);

  int round = 0;
  Status status = ok_status();
  for (; round < 1000; ++round) {
    WriteBatch b = filler(round, 4, 3000);
    status = store->commit({&b});
    if (!status.ok()) break;
  }
  ASSERT_FALSE(status.ok()) << "a 256 KiB map never filled up";
  ASSERT_GT(round, 0) << "not even the first batch fitted";
  EXPECT_EQ(status.error().code, ErrorCode::kStoreFull);
  EXPECT_NE(status.error().message.find("full"), std::string::npos) << status.error().message;

  // Nothing of the failed batch is kept; everything committed before is intact.
  for (int i = 0; i < 4; ++i)
    EXPECT_FALSE(
        store->get(Table::kRecords, "fill-" + std::to_string(round) + "-" + std::to_string(i))
            .has_value());
  for (int r = 0; r < round; ++r) {
    for (int i = 0; i < 4; ++i) {
      const auto v =
          store->get(Table::kRecords, "fill-" + std::to_string(r) + "-" + std::to_string(i));
      ASSERT_TRUE(v.has_value()) << r << "/" << i;
      EXPECT_EQ(*v, incompressible(3000, static_cast<unsigned>(r * 1000 + i)));
    }
  }
  EXPECT_EQ(rows_under(*store, Table::kRecords, "fill-"), static_cast<std::size_t>(round) * 4);
  EXPECT_LE(store->usage().used_bytes, kTinyMap);

  // The same big batch keeps failing the same way...
  WriteBatch again = filler(round, 4, 3000);
  EXPECT_EQ(store->commit({&again}).error().code, ErrorCode::kStoreFull);
  // ...while a smaller commit still goes through.
  WriteBatch small;
  small.put(Table::kMeta, "small", "fits");
  ASSERT_TRUE(store->commit({&small}).ok());
  EXPECT_EQ(store->get(Table::kMeta, "small"), "fits");

  // Freeing space makes room again.
  WriteBatch free_some;
  for (int i = 0; i < 4; ++i) free_some.erase(Table::kRecords, "fill-0-" + std::to_string(i));
  ASSERT_TRUE(store->commit({&free_some}).ok());
  EXPECT_FALSE(store->get(Table::kRecords, "fill-0-0").has_value());
}

// What readiness reads (LmdbStore::map_free_bytes): the pages past the high-water mark plus
// the freelist's, counted no further than the bound it is asked about.
TEST(LmdbStoreFull, TheMapsFreeBytesCountFreedPagesAndStopAtTheBoundAskedFor) {
  TempDir dir;
  auto store = open_store(dir.path(), kTinyMap);
  const std::uint64_t fresh = store->map_free_bytes();
  EXPECT_GT(fresh, kTinyMap / 2);
  EXPECT_LE(fresh, kTinyMap);
  int round = 0;
  for (; round < 1000; ++round) {
    WriteBatch b = filler(round, 4, 3000);
    if (!store->commit({&b}).ok()) break;
  }
  const std::uint64_t full = store->map_free_bytes();
  EXPECT_LT(full, fresh / 4) << "a map with no room for another batch";
  // Freed a batch at a time (a full map has no room for one large erase's copied pages).
  for (int r = 0; r < round / 2; ++r) {
    WriteBatch free_one;
    for (int i = 0; i < 4; ++i)
      free_one.erase(Table::kRecords, "fill-" + std::to_string(r) + "-" + std::to_string(i));
    ASSERT_TRUE(store->commit({&free_one}).ok()) << r;
  }
  const std::uint64_t freed = store->map_free_bytes();
  EXPECT_GT(freed, full + static_cast<std::uint64_t>(round / 2 - 1) * 4 * 3000)
      << "the freelist's pages";
  // Asked whether a bound is met, it answers at least the bound (it may stop counting there).
  const std::uint64_t bound = full + 4096;
  EXPECT_GE(store->map_free_bytes(bound), bound);
  EXPECT_LE(store->map_free_bytes(bound), freed);
}

TEST(LmdbStoreFull, ManySmallCommitsUntilFull) {
  // With small values the map usually fills while mdb_txn_commit saves the freelist, not in a put.
  TempDir dir;
  auto store = open_store(dir.path(), kTinyMap);
  int round = 0;
  Status status = ok_status();
  for (; round < 100000; ++round) {
    WriteBatch b;
    b.put(Table::kHistory, "h-" + std::to_string(round), std::string(100, 'h'));
    status = store->commit({&b});
    if (!status.ok()) break;
  }
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, ErrorCode::kStoreFull);
  EXPECT_FALSE(store->get(Table::kHistory, "h-" + std::to_string(round)).has_value());
  EXPECT_EQ(rows_under(*store, Table::kHistory, "h-"), static_cast<std::size_t>(round));
  // Repeated failures leave the environment usable.
  for (int i = 0; i < 3; ++i) {
    WriteBatch b;
    b.put(Table::kHistory, "h-" + std::to_string(round), std::string(100, 'h'));
    EXPECT_FALSE(store->commit({&b}).ok());
  }
  // Small commits still go through: an erase, then a put.
  WriteBatch erase;
  erase.erase(Table::kHistory, "h-0");
  ASSERT_TRUE(store->commit({&erase}).ok());
  EXPECT_FALSE(store->get(Table::kHistory, "h-0").has_value());
  WriteBatch more;
  more.put(Table::kMeta, "after-full", "ok");
  ASSERT_TRUE(store->commit({&more}).ok());
  EXPECT_EQ(store->get(Table::kMeta, "after-full"), "ok");
  EXPECT_EQ(store->get(Table::kHistory, "h-1"), std::string(100, 'h'));
}

TEST(LmdbStoreFull, AGroupThatDoesNotFitKeepsNothing) {
  TempDir dir;
  auto store = open_store(dir.path(), kTinyMap);
  WriteBatch first;
  first.put(Table::kMeta, "first", "1");
  ASSERT_TRUE(store->commit({&first}).ok());
  // Three batches that each fit, but not together.
  std::vector<WriteBatch> batches;
  for (int r = 0; r < 3; ++r) batches.push_back(filler(r, 25, 3000));
  const Status status = store->commit({&batches[0], &batches[1], &batches[2]});
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, ErrorCode::kStoreFull);
  EXPECT_EQ(rows_under(*store, Table::kRecords, ""), 0u);
  EXPECT_EQ(store->get(Table::kMeta, "first"), "1");
  // Alone, the first of them fits.
  ASSERT_TRUE(store->commit({&batches[0]}).ok());
  EXPECT_EQ(rows_under(*store, Table::kRecords, ""), 25u);
}

}  // namespace
}  // namespace settled::adapters
