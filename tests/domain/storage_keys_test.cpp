// Key layouts: timer keys sort by due time (the timer actor reads only the next ones) and parse
// back to what was written.

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

}  // namespace
}  // namespace settled
