// The history as the API shows it (src/adapters/store/history_reader.hpp): ExecutionStarted's
// roleArn is the role every execution runs as in the daemon's scope, as Step Functions'
// GetExecutionHistory gives it, whatever the stored event holds (every version stores "").

#include "adapters/store/history_reader.hpp"
#include "support/temp_dir.hpp"
#include "support/temp_store.hpp"

#include "domain/storage_keys.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <memory>
#include <string>

namespace settled::adapters {
namespace {

namespace json = boost::json;
using settled::testing::TempDir;

class HistoryReader : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = settled::testing::open_temp_store(dir_.path());
    ASSERT_TRUE(db_);
  }

  // A chunk as an earlier version wrote it (version 1: a JSON array of events).
  void put_chunk(const std::string& id, std::int64_t first_event, const json::array& events) {
    WriteBatch batch;
    batch.put(Table::kHistory, history_key(id, first_event), json::serialize(events));
    ASSERT_TRUE(db_->commit({&batch}).ok());
  }

  static json::object started(const json::object& details) {
    return json::object{{"id", 1},
                        {"previousEventId", 0},
                        {"timestamp", "2026-01-02T03:04:05.678Z"},
                        {"type", "ExecutionStarted"},
                        {"executionStartedEventDetails", details}};
  }

  TempDir dir_;
  std::shared_ptr<LmdbStore> db_;
};

TEST_F(HistoryReader, ExecutionStartedNamesTheRoleOfTheDaemonsAccount) {
  put_chunk("payment:p-1", 1,
            json::array{
                started(json::object{{"input", "{}"}, {"roleArn", ""}}),
                json::object{{"id", 2},
                             {"previousEventId", 1},
                             {"timestamp", "2026-01-02T03:04:05.679Z"},
                             {"type", "ExecutionSucceeded"},
                             {"executionSucceededEventDetails", json::object{{"output", "{}"}}}}});
  const aws::ArnScope scope{"eu-west-1", "123456789012"};
  const auto read = read_history_with_branches(*db_, "payment:p-1", scope);
  ASSERT_TRUE(read.ok()) << read.error().message;
  const json::array& events = *read;
  ASSERT_EQ(events.size(), 2u);
  const json::value& role = events[0].at("executionStartedEventDetails").at("roleArn");
  ASSERT_TRUE(role.is_string());
  EXPECT_FALSE(role.as_string().empty());
  EXPECT_EQ(role, json::value(aws::role_arn(scope)));
  EXPECT_EQ(role, json::value("arn:aws:iam::123456789012:role/settled"));
  // Only ExecutionStarted carries one.
  EXPECT_EQ(events[1].at("executionSucceededEventDetails"), (json::object{{"output", "{}"}}));
}

TEST_F(HistoryReader, AnEventStoredWithoutARoleGetsOneAndTheScopeDecides) {
  put_chunk("payment:p-2", 1, json::array{started(json::object{{"input", "{\"a\":1}"}})});
  const auto read =
      read_history_with_branches(*db_, "payment:p-2", aws::ArnScope{"us-east-1", "000000000042"});
  ASSERT_TRUE(read.ok()) << read.error().message;
  const json::array& events = *read;
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].at("executionStartedEventDetails"),
            (json::object{{"input", "{\"a\":1}"},
                          {"roleArn", "arn:aws:iam::000000000042:role/settled"}}));
}

TEST_F(HistoryReader, AHistoryWhosePayloadsExceedTheBoundIsRefusedNotRendered) {
  // Every event of a loop over a big state input holds its own copy of that input when read:
  // stored once, rendered thousands of times. Past the bound the read stops and says so.
  const std::string payload = "\"" + std::string(1000, 'x') + "\"";
  json::array chunk{started(json::object{{"input", payload}, {"roleArn", ""}})};
  for (int id = 2; id <= 40; ++id)
    chunk.push_back(json::object{
        {"id", id},
        {"previousEventId", id - 1},
        {"timestamp", "2026-01-02T03:04:05.679Z"},
        {"type", "PassStateEntered"},
        {"stateEnteredEventDetails", json::object{{"name", "Loop"}, {"input", payload}}}});
  put_chunk("loop:l-1", 1, chunk);
  const aws::ArnScope scope{"eu-west-1", "123456789012"};
  const auto whole = read_history_with_branches(*db_, "loop:l-1", scope, 64 << 10);
  ASSERT_TRUE(whole.ok()) << whole.error().message;
  EXPECT_EQ(whole->size(), 40u);
  const auto refused = read_history_with_branches(*db_, "loop:l-1", scope, 20 << 10);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kPayloadTooLarge);
  EXPECT_NE(refused.error().message.find("loop:l-1"), std::string::npos) << refused.error().message;
}

}  // namespace
}  // namespace settled::adapters
