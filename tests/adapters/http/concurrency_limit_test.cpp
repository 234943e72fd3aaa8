// The adaptive admission bound, driven with made-up latencies and a made-up clock.

#include "adapters/http/concurrency_limit.hpp"

#include <gtest/gtest.h>

namespace settled::adapters {
namespace {

using namespace std::chrono_literals;
using Clock = ConcurrencyLimit::Clock;

class ConcurrencyLimitTest : public ::testing::Test {
 protected:
  // One window of `count` answers of `latency`, with the bound reached if `busy`.
  void window(ConcurrencyLimit& limit, Clock::duration latency, bool busy = true,
              std::size_t count = 20) {
    const std::size_t in_flight = busy ? limit.limit() : 1;
    // 20 answers 5.5 ms apart span 104.5 ms: the 20th closes the window, not the 19th.
    for (std::size_t i = 0; i < count; ++i) {
      limit.record(latency, in_flight, now_);
      now_ += 5500us;
    }
  }

  Clock::time_point now_ = Clock::time_point{} + 1h;
};

TEST_F(ConcurrencyLimitTest, StaysAtTheMaximumWhileLatencyHoldsItsBaseline) {
  ConcurrencyLimit limit({32, 2, 2.0});
  for (int i = 0; i < 20; ++i) window(limit, 2ms);
  EXPECT_EQ(limit.limit(), 32u);
  EXPECT_EQ(limit.baseline(), 2ms);
}

TEST_F(ConcurrencyLimitTest, SlowAnswersShrinkTheBoundByTheirRatioAtMostHalvingIt) {
  ConcurrencyLimit limit({32, 2, 2.0});
  window(limit, 2ms);
  window(limit, 5ms);  // target 4 ms: 32 * 4/5 = 25
  EXPECT_EQ(limit.limit(), 25u);
  window(limit, 40ms);  // ratio 0.1, but at most halved
  EXPECT_EQ(limit.limit(), 12u);
  for (int i = 0; i < 10; ++i) window(limit, 40ms);
  EXPECT_EQ(limit.limit(), 2u) << "never under min_limit";
}

TEST_F(ConcurrencyLimitTest, TheBoundGrowsBackOneAWindowOnlyWhileItIsReached) {
  ConcurrencyLimit limit({32, 2, 2.0});
  window(limit, 2ms);
  window(limit, 40ms);
  ASSERT_EQ(limit.limit(), 16u);
  window(limit, 2ms, /*busy=*/false);
  EXPECT_EQ(limit.limit(), 16u) << "an unused bound has nothing to learn";
  window(limit, 2ms);
  window(limit, 2ms);
  EXPECT_EQ(limit.limit(), 18u);
  for (int i = 0; i < 40; ++i) window(limit, 3ms);
  EXPECT_EQ(limit.limit(), 32u) << "never over max_limit";
}

TEST_F(ConcurrencyLimitTest, AWindowNeedsEnoughAnswersAndTime) {
  ConcurrencyLimit few({32, 2, 2.0});
  window(few, 2ms);
  for (int i = 0; i < 15; ++i) few.record(40ms, 32, now_ + i * 20ms);  // 15 answers in 280 ms
  EXPECT_EQ(few.limit(), 32u) << "too few answers to judge";

  ConcurrencyLimit quick({32, 2, 2.0});
  window(quick, 2ms);
  for (int i = 0; i < 30; ++i) quick.record(40ms, 32, now_);  // 30 answers in no time
  EXPECT_EQ(quick.limit(), 32u) << "too short a time to judge";
  quick.record(40ms, 32, now_ + 100ms);
  EXPECT_EQ(quick.limit(), 16u);
}

TEST_F(ConcurrencyLimitTest, TheBaselineForgetsFiguresOlderThanItsHorizon) {
  ConcurrencyLimit limit({32, 2, 2.0, 100ms, 16, 10s});
  window(limit, 1ms);
  window(limit, 3ms);
  EXPECT_EQ(limit.baseline(), 1ms);
  now_ += 11s;
  window(limit, 3ms);
  EXPECT_EQ(limit.baseline(), 3ms) << "a slower machine becomes the new normal";
}

TEST_F(ConcurrencyLimitTest, ToleranceZeroKeepsTheBoundFixed) {
  ConcurrencyLimit limit({32, 2, 0.0});
  window(limit, 1ms);
  window(limit, 500ms);
  EXPECT_EQ(limit.limit(), 32u);
}

TEST_F(ConcurrencyLimitTest, TheFigureIsTheNinetiethPercentileNotTheWorstAnswer) {
  ConcurrencyLimit limit({32, 2, 2.0});
  window(limit, 2ms);
  window(limit, 40ms);
  ASSERT_EQ(limit.limit(), 16u);
  // 19 fast answers and one very slow one: the 90th percentile is fast, the bound grows.
  for (int i = 0; i < 19; ++i) {
    limit.record(2ms, 16, now_);
    now_ += 5500us;
  }
  limit.record(900ms, 16, now_);
  EXPECT_EQ(limit.limit(), 17u);
}

}  // namespace
}  // namespace settled::adapters
