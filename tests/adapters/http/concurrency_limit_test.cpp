// The adaptive admission bound, driven with made-up latencies and a made-up clock.

#include "adapters/http/concurrency_limit.hpp"

#include <gtest/gtest.h>

namespace settled::adapters {
namespace {

using namespace std::chrono_literals;
using Clock = ConcurrencyLimit::Clock;

class ConcurrencyLimitTest : public ::testing::Test {
 protected:
  // One window of `count` answers of `latency`, the last one just past the window's 100 ms
  // (it closes the window; the one before it does not).
  // Busy: the bound is reached and some request refused (a loaded window). Not busy: one request at a time (unloaded).
  void window(ConcurrencyLimit& limit, Clock::duration latency, bool busy = true,
              std::size_t count = 20) {
    const std::size_t in_flight = busy ? limit.limit() : 1;
    if (busy) limit.refused();  // a reached bound turns requests away
    const Clock::duration spacing = (100ms + 100us) / (count - 1);
    for (std::size_t i = 0; i < count; ++i) {
      limit.record(latency, in_flight, now_);
      if (i + 1 < count) now_ += spacing;
    }
    now_ += 1s;  // the next window starts afresh
  }
  // `count` answers 503 us apart, continuing the current window (200 of them close it).
  void answers(ConcurrencyLimit& limit, Clock::duration latency, std::size_t in_flight,
               std::size_t count) {
    for (std::size_t i = 0; i < count; ++i) {
      now_ += 503us;
      limit.record(latency, in_flight, now_);
    }
  }
  void unloaded(ConcurrencyLimit& limit, Clock::duration latency) { window(limit, latency, false); }

  Clock::time_point now_ = Clock::time_point{} + 1h;
};

TEST_F(ConcurrencyLimitTest, WithoutAnUnloadedWindowThereIsNothingToJudgeAgainst) {
  ConcurrencyLimit limit({32, 2, 3.0});
  for (int i = 0; i < 10; ++i) window(limit, 500ms);
  EXPECT_EQ(limit.limit(), 32u);
  EXPECT_EQ(limit.baseline(), Clock::duration::zero());
}

TEST_F(ConcurrencyLimitTest, LoadWithinToleranceOfTheUnloadedP99KeepsTheMaximum) {
  ConcurrencyLimit limit({32, 2, 3.0});
  unloaded(limit, 2ms);
  for (int i = 0; i < 20; ++i) window(limit, 5900us);  // 2.95x: group commit under load
  EXPECT_EQ(limit.limit(), 32u);
  EXPECT_EQ(limit.baseline(), 2ms) << "loaded windows never become the baseline";
}

TEST_F(ConcurrencyLimitTest, SlowAnswersShrinkTheBoundByTheirRatioAtMostHalvingIt) {
  ConcurrencyLimit limit({32, 2, 3.0});
  unloaded(limit, 2ms);
  window(limit, 7500us);  // target 6 ms: 32 * 6/7.5 = 25.6
  EXPECT_EQ(limit.limit(), 25u);
  window(limit, 60ms);  // ratio 0.1, but at most halved
  EXPECT_EQ(limit.limit(), 12u);
  for (int i = 0; i < 10; ++i) window(limit, 60ms);
  EXPECT_EQ(limit.limit(), 2u) << "never under min_limit";
}

TEST_F(ConcurrencyLimitTest, TheBoundGrowsBackOneAWindowOnlyWhileItIsReached) {
  ConcurrencyLimit limit({32, 2, 3.0});
  unloaded(limit, 2ms);
  window(limit, 60ms);
  ASSERT_EQ(limit.limit(), 16u);
  window(limit, 2ms, /*busy=*/false);
  EXPECT_EQ(limit.limit(), 16u) << "an unused bound has nothing to learn";
  window(limit, 5ms);
  window(limit, 5ms);
  EXPECT_EQ(limit.limit(), 18u);
  for (int i = 0; i < 40; ++i) window(limit, 5ms);
  EXPECT_EQ(limit.limit(), 32u) << "never over max_limit";
}

TEST_F(ConcurrencyLimitTest, AWindowNeedsEnoughAnswersAndTime) {
  ConcurrencyLimit few({32, 2, 3.0});
  unloaded(few, 2ms);
  for (int i = 0; i < 15; ++i) few.record(60ms, 32, now_ + i * 20ms);  // 15 answers in 280 ms
  EXPECT_EQ(few.limit(), 32u) << "too few answers to judge";

  ConcurrencyLimit quick({32, 2, 3.0});
  unloaded(quick, 2ms);
  for (int i = 0; i < 30; ++i) quick.record(60ms, 32, now_);  // 30 answers in no time
  EXPECT_EQ(quick.limit(), 32u) << "too short a time to judge";
  EXPECT_TRUE(quick.record(60ms, 32, now_ + 100ms)) << "record says when the bound moved";
  EXPECT_EQ(quick.limit(), 16u);
}

TEST_F(ConcurrencyLimitTest, AWindowWithARefusalOrABusyBoundIsNotUnloaded) {
  ConcurrencyLimit limit({32, 2, 3.0});
  limit.refused();
  unloaded(limit, 1ms);
  EXPECT_EQ(limit.baseline(), Clock::duration::zero()) << "something was refused in it";
  window(limit, 1ms, /*busy=*/true);
  EXPECT_EQ(limit.baseline(), Clock::duration::zero()) << "the bound was reached in it";
  for (std::size_t i = 0; i < 20; ++i) {
    now_ += 5500us;
    limit.record(1ms, 9, now_);  // over a quarter of the bound
  }
  EXPECT_EQ(limit.baseline(), Clock::duration::zero());
  unloaded(limit, 1ms);
  EXPECT_EQ(limit.baseline(), 1ms) << "the refusal counted for its own window only";
}

TEST_F(ConcurrencyLimitTest, TheBaselineIsTheP99OfTheLatestUnloadedAnswers) {
  ConcurrencyLimit limit({32, 2, 3.0});
  // 198 quick unloaded answers and two slow ones: the unloaded tail is the slow one, although
  // no single window's figure shows it (each window's p99 of 20 answers... is its worst).
  answers(limit, 1ms, 1, 198);
  answers(limit, 9ms, 1, 2);
  EXPECT_EQ(limit.baseline(), 9ms);
  window(limit, 20ms);
  EXPECT_EQ(limit.limit(), 32u) << "within 3x of the unloaded p99";
}

TEST_F(ConcurrencyLimitTest, TheBaselineForgetsOlderUnloadedAnswersButKeepsTheLatest) {
  ConcurrencyLimitOptions options{32, 2, 3.0};
  options.baseline_samples = 40;
  ConcurrencyLimit limit(options);
  unloaded(limit, 1ms);
  unloaded(limit, 1ms);
  EXPECT_EQ(limit.baseline(), 1ms);
  unloaded(limit, 4ms);
  unloaded(limit, 4ms);
  EXPECT_EQ(limit.baseline(), 4ms) << "a slower machine becomes the new normal";
  for (int i = 0; i < 5; ++i) window(limit, 10ms);
  EXPECT_EQ(limit.baseline(), 4ms) << "a long busy spell keeps the last unloaded answers";
  EXPECT_EQ(limit.limit(), 32u);
}

TEST_F(ConcurrencyLimitTest, ToleranceZeroKeepsTheBoundFixed) {
  ConcurrencyLimit limit({32, 2, 0.0});
  unloaded(limit, 1ms);
  window(limit, 500ms);
  EXPECT_EQ(limit.limit(), 32u);
}

TEST_F(ConcurrencyLimitTest, TheFigureIsTheNinetyNinthPercentileNotTheWorstAnswer) {
  ConcurrencyLimit limit({32, 2, 3.0});
  unloaded(limit, 2ms);
  window(limit, 60ms);
  ASSERT_EQ(limit.limit(), 16u);
  // 199 fast answers and one very slow one: the 99th percentile is fast, the bound grows.
  answers(limit, 2ms, 16, 199);
  answers(limit, 900ms, 16, 1);
  EXPECT_EQ(limit.limit(), 17u);
  // Three slow answers in 200 are more than the 1 % the figure ignores: the bound shrinks.
  answers(limit, 2ms, 17, 197);
  answers(limit, 900ms, 17, 3);
  EXPECT_EQ(limit.limit(), 8u);
}

}  // namespace
}  // namespace settled::adapters
