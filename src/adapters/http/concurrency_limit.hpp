#pragma once
// The adaptive bound of admission control (docs/overload.md). A fixed max-in-flight that is
// right for a quiet machine is too many when the machine is also busy answering 503s: the
// admitted requests then share the CPU with the refusals and their latency grows although
// their number does not. So the bound in force moves, as Envoy's adaptive-concurrency filter
// and Netflix's concurrency-limits do, with the latency of what was admitted:
//
//  - latencies are gathered per window (`window`, at least `min_samples` answers); a window's
//    figure is its 90th percentile;
//  - the baseline is the lowest window figure of the last `baseline_horizon`: what an
//    admitted request costs when nothing is contended;
//  - a window over `tolerance` x baseline shrinks the bound by the ratio (at most halving it,
//    never below `min_limit`); a window within it, in which the bound was reached, grows the
//    bound by one (never above `max_limit`).
//
// Pure logic with the time passed in, so that tests can drive it; thread-safe.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <deque>
#include <mutex>
#include <utility>
#include <vector>

namespace settled::adapters {

struct ConcurrencyLimitOptions {
  std::size_t max_limit = 32;
  std::size_t min_limit = 2;
  double tolerance = 2.0;  // 0: the bound stays at max_limit
  std::chrono::milliseconds window{100};
  std::size_t min_samples = 16;
  std::chrono::seconds baseline_horizon{60};
};

class ConcurrencyLimit {
 public:
  using Clock = std::chrono::steady_clock;

  explicit ConcurrencyLimit(ConcurrencyLimitOptions options);

  // The bound in force now (lock-free: read for every request, refused ones included).
  std::size_t limit() const { return limit_.load(std::memory_order_relaxed); }
  // One admitted request answered after `latency`, `in_flight` (itself included) being the
  // requests admitted when it was answered.
  void record(Clock::duration latency, std::size_t in_flight, Clock::time_point now);

  const ConcurrencyLimitOptions& options() const { return options_; }
  // The current baseline (zero before the first window), for metrics and tests.
  Clock::duration baseline() const;

 private:
  void close_window(Clock::time_point now);

  const ConcurrencyLimitOptions options_;
  mutable std::mutex mutex_;
  std::atomic<std::size_t> limit_;  // written under mutex_
  Clock::time_point window_start_{};
  std::vector<Clock::duration> samples_;
  std::size_t peak_in_flight_ = 0;
  // (window end, window figure), figures increasing from front to back: the front is the
  // horizon's minimum (a monotonic queue).
  std::deque<std::pair<Clock::time_point, Clock::duration>> minima_;
};

}  // namespace settled::adapters
