// How long a throttled downstream is left alone: Retry-After, else backoff with jitter.

#include "domain/limits/throttle_pause.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace settled::limits {
namespace {

using namespace std::chrono_literals;

// Always the same draw (uniform_below takes it modulo the range): 0 gives the lower end.
class FixedRandom final : public RandomSource {
 public:
  explicit FixedRandom(std::uint64_t value) : value_(value) {}
  std::uint64_t next_u64() override { return value_; }

 private:
  std::uint64_t value_;
};

TEST(ThrottlePause, RetryAfterIsReadAsDelaySeconds) {
  EXPECT_EQ(parse_retry_after("2"), 2s);
  EXPECT_EQ(parse_retry_after(" 30 "), 30s);
  EXPECT_EQ(parse_retry_after("0"), 0s);
  EXPECT_EQ(parse_retry_after(""), std::nullopt);
  EXPECT_EQ(parse_retry_after("-1"), std::nullopt);
  EXPECT_EQ(parse_retry_after("1.5"), std::nullopt);
  EXPECT_EQ(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), std::nullopt);
  EXPECT_EQ(parse_retry_after("99999999999999999999"), std::nullopt);
}

TEST(ThrottlePause, BackoffDoublesFromAQuarterSecondToEightWithJitterInTheUpperHalf) {
  FixedRandom low(0);
  FixedRandom high(4000);  // the top of the widest range (4001 values); inside the others
  const std::vector<std::chrono::milliseconds> whole{250ms, 500ms, 1s, 2s, 4s, 8s, 8s, 8s};
  for (unsigned n = 1; n <= whole.size(); ++n) {
    EXPECT_EQ(throttle_backoff(n, low), whole[n - 1] / 2) << n;
    const auto top = throttle_backoff(n, high);
    EXPECT_GT(top, whole[n - 1] / 2) << n;
    EXPECT_LE(top, whole[n - 1]) << n;
  }
  EXPECT_EQ(throttle_backoff(0, low), 125ms);
  EXPECT_EQ(throttle_backoff(1000, low), 4s);
}

TEST(ThrottlePause, RetryAfterWinsOverBackoffAndBothAreCapped) {
  FixedRandom low(0);
  EXPECT_EQ(throttle_pause("3", 5, low), 3s);
  EXPECT_EQ(throttle_pause("", 1, low), 125ms);
  EXPECT_EQ(throttle_pause("soon", 2, low), 250ms);
  EXPECT_EQ(throttle_pause("86400", 1, low), kLongestThrottlePause);
}

}  // namespace
}  // namespace settled::limits
