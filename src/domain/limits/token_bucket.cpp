#include "domain/limits/token_bucket.hpp"

#include <algorithm>

namespace settled::limits {

namespace {

constexpr std::int64_t kNanosPerSecond = 1'000'000'000;

}  // namespace

TokenBucket::TokenBucket(std::uint32_t rate_per_second, std::uint32_t burst, TimePoint now)
    : interval_((kNanosPerSecond + std::max<std::uint32_t>(rate_per_second, 1) - 1) /
                std::max<std::uint32_t>(rate_per_second, 1)),
      tolerance_(interval_ * (std::max<std::uint32_t>(burst, 1) - 1)),
      theoretical_arrival_(now),
      paused_until_(now) {}

TokenBucket::Duration TokenBucket::try_take(TimePoint now) {
  // A token is there when the bucket's next refill is no further ahead than the burst allows.
  const TimePoint earliest = std::max(theoretical_arrival_ - tolerance_, paused_until_);
  if (now < earliest) return std::chrono::duration_cast<Duration>(earliest - now);
  theoretical_arrival_ = std::max(theoretical_arrival_, now) + interval_;
  return Duration::zero();
}

void TokenBucket::pause_until(TimePoint until) {
  if (until <= paused_until_) return;
  paused_until_ = until;
  // Empty at `until`: one token then, the next an interval later.
  theoretical_arrival_ = std::max(theoretical_arrival_, until + tolerance_);
}

}  // namespace settled::limits
