// The token bucket with the time passed in: bursts, the steady rate, pauses.

#include "domain/limits/token_bucket.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace settled::limits {
namespace {

using namespace std::chrono_literals;
using TimePoint = TokenBucket::TimePoint;

const TimePoint kStart = TimePoint(1000s);

// Sends as fast as the bucket lets from `from` to `until`; the times it handed out tokens.
std::vector<TimePoint> drain(TokenBucket& bucket, TimePoint from, TimePoint until) {
  std::vector<TimePoint> taken;
  TimePoint now = from;
  while (now < until) {
    const auto wait = bucket.try_take(now);
    if (wait == TokenBucket::Duration::zero()) {
      taken.push_back(now);
    } else {
      EXPECT_GT(wait, 0ns);
      now += wait;
    }
  }
  return taken;
}

TEST(TokenBucket, AFullBucketGivesItsBurstAtOnceThenWaitsAnInterval) {
  TokenBucket bucket(25, 3, kStart);
  EXPECT_EQ(bucket.interval(), 40ms);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(bucket.try_take(kStart), 0ns) << i;
  EXPECT_EQ(bucket.try_take(kStart), 40ms);
  EXPECT_EQ(bucket.try_take(kStart + 39ms), 1ms);
  EXPECT_EQ(bucket.try_take(kStart + 40ms), 0ns);
  EXPECT_EQ(bucket.try_take(kStart + 40ms), 40ms);
}

TEST(TokenBucket, AnyWindowHoldsAtMostBurstPlusRateTimesItsLength) {
  for (const std::uint32_t rate : {1u, 7u, 25u, 100u}) {
    for (const std::uint32_t burst : {1u, 5u}) {
      TokenBucket bucket(rate, burst, kStart);
      const auto taken = drain(bucket, kStart, kStart + 3s);
      // Over [0 s, 3 s): the burst at 0, then one token per interval from the first on.
      EXPECT_EQ(taken.size(), burst + 3 * rate - 1) << rate << "/s burst " << burst;
      for (std::size_t i = 0; i < taken.size(); ++i) {
        std::size_t within_a_second = 0;
        for (std::size_t j = i; j < taken.size() && taken[j] - taken[i] < 1s; ++j)
          ++within_a_second;
        EXPECT_LE(within_a_second, burst + rate) << rate << "/s burst " << burst;
      }
    }
  }
}

TEST(TokenBucket, TheRateIsNeverExceededWhenASecondDoesNotDivideEvenly) {
  TokenBucket bucket(3, 1, kStart);
  EXPECT_EQ(bucket.interval(), 333'333'334ns);  // rounded up, not down
  EXPECT_EQ(drain(bucket, kStart, kStart + 1s).size(), 3u);
}

TEST(TokenBucket, IdleTimeRefillsNoMoreThanTheBurst) {
  TokenBucket bucket(10, 2, kStart);
  drain(bucket, kStart, kStart + 1s);
  const TimePoint later = kStart + 1h;
  EXPECT_EQ(bucket.try_take(later), 0ns);
  EXPECT_EQ(bucket.try_take(later), 0ns);
  EXPECT_EQ(bucket.try_take(later), 100ms);
}

TEST(TokenBucket, APauseHoldsEveryTokenUntilItEndsThenOneAndTheRate) {
  TokenBucket bucket(10, 5, kStart);
  bucket.pause_until(kStart + 2s);
  EXPECT_TRUE(bucket.paused(kStart + 1s));
  EXPECT_EQ(bucket.try_take(kStart), 2s);
  EXPECT_EQ(bucket.try_take(kStart + 1500ms), 500ms);
  // Not the five a full bucket would give: the pause refilled nothing.
  EXPECT_EQ(bucket.try_take(kStart + 2s), 0ns);
  EXPECT_FALSE(bucket.paused(kStart + 2s));
  EXPECT_EQ(bucket.try_take(kStart + 2s), 100ms);
  EXPECT_EQ(bucket.try_take(kStart + 2100ms), 0ns);
}

TEST(TokenBucket, AShorterPauseDoesNotCutALongerOneShort) {
  TokenBucket bucket(10, 1, kStart);
  bucket.pause_until(kStart + 5s);
  bucket.pause_until(kStart + 1s);
  EXPECT_EQ(bucket.paused_until(), kStart + 5s);
  EXPECT_EQ(bucket.try_take(kStart + 1s), 4s);
}

}  // namespace
}  // namespace settled::limits
