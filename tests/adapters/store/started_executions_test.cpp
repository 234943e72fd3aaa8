// ListExecutions' reader (src/adapters/store/started_executions.hpp): one state machine's
// executions newest first from the executions_by_start index, a page at a time, reading at most
// max_scanned rows, skipping rows whose record is gone, and refusing while the index is not
// complete.

#include "adapters/store/started_executions.hpp"
#include "support/temp_dir.hpp"

#include "domain/storage_keys.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace settled::adapters {
namespace {

using settled::testing::TempDir;

class StartedExecutions : public ::testing::Test {
 protected:
  void SetUp() override {
    LmdbOptions options;
    options.path = dir_.path();
    options.map_size = std::size_t{64} << 20;
    auto store = LmdbStore::open(options);
    if (!store.ok()) throw std::runtime_error(store.error().message);
    db_ = *store;
  }

  // An execution as the engine writes it: its record and its index row.
  void add(const std::string& machine, const std::string& name, EpochMillis start,
           ExecutionStatus status = ExecutionStatus::kRunning, bool indexed_store = true) {
    ExecutionRecord record;
    record.id = machine + ":" + name;
    record.state_machine = machine;
    record.name = name;
    record.start = start;
    record.status = status;
    if (status != ExecutionStatus::kRunning) record.stop = start + 1;
    record.input = boost::json::object{};
    record.state = "S";
    WriteBatch batch;
    batch.put(Table::kExecutions, record.id, record.serialize());
    batch.put(Table::kExecutionsByStart, started_key(machine, start, name), "");
    if (indexed_store) batch.put(Table::kMeta, std::string(kStartedIndexKey), "1");
    ASSERT_TRUE(db_->commit({&batch}).ok());
  }

  // Every page's names, following last_key, with `limit` per page.
  std::vector<std::vector<std::string>> pages(StartedQuery query) {
    std::vector<std::vector<std::string>> out;
    for (int guard = 0; guard < 100; ++guard) {
      auto page = list_started_executions(*db_, query);
      EXPECT_TRUE(page.ok());
      if (!page.ok()) return out;
      std::vector<std::string> names;
      for (const auto& record : page->executions) names.push_back(record.name);
      out.push_back(names);
      if (page->last_key.empty()) return out;
      query.after = page->last_key;
    }
    ADD_FAILURE() << "no last page";
    return out;
  }

  TempDir dir_;
  std::shared_ptr<LmdbStore> db_;
};

TEST_F(StartedExecutions, PagesNewestFirstAndOnlyThisStateMachines) {
  add("pay", "first", 1000);
  add("pay", "third", 3000);
  add("pay-out", "other", 2500);
  add("pay", "second", 2000);
  add("pay", "fourth", 4000);
  add("pay", "also-fourth", 4000);  // the same millisecond: by name
  StartedQuery query;
  query.state_machine = "pay";
  query.limit = 2;
  EXPECT_EQ(pages(query), (std::vector<std::vector<std::string>>{
                              {"also-fourth", "fourth"}, {"third", "second"}, {"first"}}));
  // A last page that is exactly full says no page follows (no empty page after it).
  query.limit = 5;
  EXPECT_EQ(pages(query), (std::vector<std::vector<std::string>>{
                              {"also-fourth", "fourth", "third", "second", "first"}}));
  query.state_machine = "pay-out";
  EXPECT_EQ(pages(query), (std::vector<std::vector<std::string>>{{"other"}}));
}

TEST_F(StartedExecutions, AFilterReadsAtMostMaxScannedRowsAPage) {
  for (int i = 0; i < 7; ++i)
    add("pay", "e" + std::to_string(i), 1000 + i,
        i == 0 || i == 4 ? ExecutionStatus::kFailed : ExecutionStatus::kSucceeded);
  StartedQuery query;
  query.state_machine = "pay";
  query.limit = 10;
  query.max_scanned = 3;
  query.match = [](const ExecutionRecord& r) { return r.status == ExecutionStatus::kFailed; };
  // Rows e6 e5 e4 | e3 e2 e1 | e0: a page ends after three rows, matched or not.
  EXPECT_EQ(pages(query), (std::vector<std::vector<std::string>>{{"e4"}, {}, {"e0"}}));
}

TEST_F(StartedExecutions, SkipsARowWhoseRecordIsGoneAndStartsNowhereForAnotherMachinesKey) {
  add("pay", "kept", 2000);
  add("pay", "expired", 3000);
  WriteBatch erase;
  erase.erase(Table::kExecutions, "pay:expired");
  ASSERT_TRUE(db_->commit({&erase}).ok());
  StartedQuery query;
  query.state_machine = "pay";
  EXPECT_EQ(pages(query), (std::vector<std::vector<std::string>>{{"kept"}}));
  query.after = started_key("other", 5000, "x");
  auto page = list_started_executions(*db_, query);
  ASSERT_TRUE(page.ok());
  EXPECT_TRUE(page->executions.empty());
  EXPECT_TRUE(page->last_key.empty());
}

TEST_F(StartedExecutions, IsRefusedUntilTheIndexIsComplete) {
  add("pay", "a", 1000, ExecutionStatus::kRunning, false);
  StartedQuery query;
  query.state_machine = "pay";
  auto page = list_started_executions(*db_, query);
  ASSERT_FALSE(page.ok());
  EXPECT_EQ(page.error().code, ErrorCode::kStoreUnavailable);
}

// A native id spelled like another execution's ARN (state machine "arn", a name holding the
// rest) must not stand in for it: the ARN names the execution it names. The look-alike stays
// reachable by its own ARN, and a native "arn:..." id that is no execution's ARN as it is.
TEST_F(StartedExecutions, AnArnNamesItsExecutionEvenWhenANativeIdIsSpelledTheSame) {
  const aws::ArnScope scope{"us-east-1", "000000000000"};
  add("payment", "v-1", 1000, ExecutionStatus::kFailed);
  const std::string victim_arn = "arn:aws:states:us-east-1:000000000000:execution:payment:v-1";
  add("arn", "aws:states:us-east-1:000000000000:execution:payment:v-1", 2000,
      ExecutionStatus::kSucceeded);
  ASSERT_TRUE(db_->get(Table::kExecutions, victim_arn).has_value());  // the look-alike's id

  auto victim = resolve_execution_id(*db_, scope, victim_arn);
  ASSERT_TRUE(victim.ok()) << victim.error().message;
  EXPECT_EQ(*victim, "payment:v-1");

  auto forged = resolve_execution_id(
      *db_, scope,
      "arn:aws:states:us-east-1:000000000000:execution:arn:" +
          std::string("aws:states:us-east-1:000000000000:execution:payment:v-1"));
  ASSERT_TRUE(forged.ok()) << forged.error().message;
  EXPECT_EQ(*forged, victim_arn);

  add("arn", "not-an-arn", 3000);
  auto native = resolve_execution_id(*db_, scope, "arn:not-an-arn");
  ASSERT_TRUE(native.ok()) << native.error().message;
  EXPECT_EQ(*native, "arn:not-an-arn");
  EXPECT_FALSE(resolve_execution_id(*db_, scope,
                                    "arn:aws:states:us-east-1:000000000000:execution:payment:none")
                   .ok());
}

}  // namespace
}  // namespace settled::adapters
