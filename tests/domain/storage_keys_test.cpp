// Key layouts: timer keys sort by due time (the timer actor reads only the next ones), started
// keys sort each state machine's executions newest first (ListExecutions), and both parse back
// to what was written.

#include "domain/storage_keys.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

namespace settled {
namespace {

TEST(TimerKey, SortsByDueTimeWhateverTheExecutionId) {
  std::vector<std::string> keys{timer_key(1700000000500, timer_kind::kWake, "a:1"),
                                timer_key(1700000000001, timer_kind::kTimeout, "zzz:9"),
                                timer_key(1700000000256, timer_kind::kWake, "b:2"),
                                timer_key(255, timer_kind::kWake, "c:3")};
  std::sort(keys.begin(), keys.end());
  std::vector<std::int64_t> dues;
  for (const auto& key : keys) {
    TimerKey parsed;
    ASSERT_TRUE(parse_timer_key(key, parsed));
    dues.push_back(parsed.due);
  }
  EXPECT_EQ(dues, (std::vector<std::int64_t>{255, 1700000000001, 1700000000256, 1700000000500}));
}

TEST(TimerKey, ParsesBackWhatWasWritten) {
  TimerKey parsed;
  ASSERT_TRUE(parse_timer_key(timer_key(42, timer_kind::kTimeout, "payment:p~7.1"), parsed));
  EXPECT_EQ(parsed.due, 42);
  EXPECT_EQ(parsed.kind, timer_kind::kTimeout);
  EXPECT_EQ(parsed.execution_id, "payment:p~7.1");
  EXPECT_FALSE(parse_timer_key("short", parsed));
}

TEST(StartedKey, SortsAStateMachinesExecutionsNewestFirstThenByName) {
  std::vector<std::string> keys{
      started_key("pay", 1700000000500, "b"), started_key("pay", 1700000000001, "z"),
      started_key("pay", 1700000000500, "a"), started_key("pay", 255, "old"),
      started_key("pay", 1800000000000, "new")};
  std::sort(keys.begin(), keys.end());
  std::vector<std::pair<std::int64_t, std::string>> order;
  for (const auto& key : keys) {
    StartedKey parsed;
    ASSERT_TRUE(parse_started_key(key, "pay", parsed));
    order.emplace_back(parsed.start, parsed.name);
  }
  EXPECT_EQ(order, (std::vector<std::pair<std::int64_t, std::string>>{{1800000000000, "new"},
                                                                      {1700000000500, "a"},
                                                                      {1700000000500, "b"},
                                                                      {1700000000001, "z"},
                                                                      {255, "old"}}));
}

TEST(StartedKey, StaysInsideItsStateMachinesPrefix) {
  // "pay" and "pay-out": one's prefix is not the start of the other's keys.
  const std::string key = started_key("pay-out", 5, "x");
  EXPECT_NE(key.rfind(started_prefix("pay"), 0), 0u);
  EXPECT_EQ(key.rfind(started_prefix("pay-out"), 0), 0u);
  StartedKey parsed;
  EXPECT_FALSE(parse_started_key(key, "pay", parsed));
  ASSERT_TRUE(parse_started_key(key, "pay-out", parsed));
  EXPECT_EQ(parsed.start, 5);
  EXPECT_EQ(parsed.name, "x");
  // Too short to hold a start, or a start past int64: not a key.
  EXPECT_FALSE(parse_started_key(started_prefix("pay") + "1234567", "pay", parsed));
  EXPECT_FALSE(
      parse_started_key(started_prefix("pay") + std::string(8, '\0') + "n", "pay", parsed));
}

}  // namespace
}  // namespace settled
