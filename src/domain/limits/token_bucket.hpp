#pragma once
// A downstream's request rate: a token bucket of `burst` tokens refilled at `rate_per_second`,
// plus a pause (after the downstream said it is throttling us: no token before it ends). Pure
// logic: the caller passes the time in, so tests need no clock and no sleeps.
//
// Kept as GCRA's "theoretical arrival time" (one time point, integer nanoseconds) rather than a
// fractional token count: equivalent to the bucket, exact, and a wait it computes is always
// enough (a float count could leave 0.999... tokens after the promised wait).

#include <chrono>
#include <cstdint>

namespace settled::limits {

class TokenBucket {
 public:
  using Clock = std::chrono::steady_clock;
  using TimePoint = Clock::time_point;
  using Duration = std::chrono::nanoseconds;

  // rate_per_second >= 1, burst >= 1 (checked by the caller's configuration); the bucket
  // starts full at `now`.
  TokenBucket(std::uint32_t rate_per_second, std::uint32_t burst, TimePoint now);

  // Takes a token if one is there at `now` and returns zero; otherwise takes nothing and
  // returns how long until one is (the caller waits at least that long, then asks again).
  Duration try_take(TimePoint now);

  // No token before `until`; at `until` exactly one, then the plain rate: the tokens a pause
  // would have refilled are not handed out in a burst when it ends. Never shortens a pause.
  void pause_until(TimePoint until);

  bool paused(TimePoint now) const { return now < paused_until_; }
  TimePoint paused_until() const { return paused_until_; }
  // Time between two tokens: 1 s / rate, rounded up so that the rate is never exceeded.
  Duration interval() const { return interval_; }

 private:
  Duration interval_;
  Duration tolerance_;  // (burst - 1) intervals: how far ahead of the rate a burst may run
  TimePoint theoretical_arrival_;  // when the bucket is full again
  TimePoint paused_until_;
};

}  // namespace settled::limits
