// Tests for merging a data directory's old Stripe simulator environment into the main store
// (src/adapters/store/simulator_store_merge.hpp).

#include "adapters/store/simulator_store_merge.hpp"

#include "adapters/store/lmdb_store.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>

namespace settled::adapters {
namespace {

namespace fs = std::filesystem;

using settled::testing::TempDir;

std::shared_ptr<LmdbStore> open_store(const std::string& path) {
  auto store = LmdbStore::open({path, std::size_t{256} << 20, true});
  if (!store.ok()) throw std::runtime_error("open failed: " + store.error().message);
  return *store;
}

std::string intent_key(int i) {
  return "pi_" + std::to_string(100000 + i);
}

TEST(SimulatorStoreMerge, ANewDataDirectoryHasNothingToMerge) {
  TempDir dir;
  auto main = open_store(dir.path());
  auto report = merge_legacy_simulator_store(*main, dir.path());
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_FALSE(report->merged);
  EXPECT_EQ(report->rows, 0u);
  EXPECT_FALSE(fs::exists(dir.path() + "/stripe-simulator"));
}

TEST(SimulatorStoreMerge, EveryRowOfTheOldEnvironmentMovesIntoTheMainStoreOnce) {
  TempDir dir;
  const std::string legacy = dir.path() + "/stripe-simulator";
  // More rows than one merge commit holds, and a value large enough to be stored compressed.
  const int intents = 12345;
  const std::string large(5000, 'x');
  {
    auto old = open_store(legacy);
    WriteBatch batch;
    for (int i = 0; i < intents; ++i)
      batch.put(Table::kStripeIntents, intent_key(i), "{\"id\":\"" + intent_key(i) + "\"}");
    batch.put(Table::kStripeIdempotency, "key-1", "{\"large\":\"" + large + "\"}");
    batch.put(Table::kVeriffSim, "session/s-1", "{\"status\":\"approved\"}");
    // Not a simulator table: an old environment's meta stays behind.
    batch.put(Table::kMeta, "schema", "old");
    ASSERT_TRUE(old->commit({&batch}).ok());
  }
  auto main = open_store(dir.path());
  WriteBatch own;
  own.put(Table::kMeta, "schema", "main");
  ASSERT_TRUE(main->commit({&own}).ok());

  auto report = merge_legacy_simulator_store(*main, dir.path());
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_TRUE(report->merged);
  EXPECT_EQ(report->rows, static_cast<std::size_t>(intents) + 2);
  EXPECT_EQ(report->moved_to, legacy + ".merged");
  EXPECT_FALSE(fs::exists(legacy));
  EXPECT_TRUE(fs::exists(legacy + ".merged/data.mdb"));

  EXPECT_EQ(main->count(Table::kStripeIntents), static_cast<std::size_t>(intents));
  EXPECT_EQ(main->get(Table::kStripeIntents, intent_key(4321)),
            "{\"id\":\"" + intent_key(4321) + "\"}");
  EXPECT_EQ(main->get(Table::kStripeIdempotency, "key-1"), "{\"large\":\"" + large + "\"}");
  EXPECT_EQ(main->get(Table::kVeriffSim, "session/s-1"), "{\"status\":\"approved\"}");
  EXPECT_EQ(main->get(Table::kMeta, "schema"), "main");

  // The next start finds nothing to merge, and what was merged stays.
  auto again = merge_legacy_simulator_store(*main, dir.path());
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->merged);
  EXPECT_EQ(main->count(Table::kStripeIntents), static_cast<std::size_t>(intents));
}

TEST(SimulatorStoreMerge, OnlyTheSimulatorsTablesAreTheirs) {
  EXPECT_TRUE(is_simulator_table(Table::kStripeIntents));
  EXPECT_TRUE(is_simulator_table(Table::kStripeObjects));
  EXPECT_TRUE(is_simulator_table(Table::kVeriffSim));
  // Webhooks settled received from Stripe and Veriff are settled's own records.
  EXPECT_FALSE(is_simulator_table(Table::kStripeEvents));
  EXPECT_FALSE(is_simulator_table(Table::kVeriffDecisions));
  EXPECT_FALSE(is_simulator_table(Table::kExecutions));
}

}  // namespace
}  // namespace settled::adapters
