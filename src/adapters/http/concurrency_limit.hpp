#pragma once
// The adaptive bound of admission control (docs/overload.md). A fixed max-in-flight that is
// right for a quiet machine is too many when the machine is also busy answering 503s: the
// admitted requests then share the CPU with the refusals and their latency grows although
// their number does not. So the bound in force moves, as Envoy's adaptive-concurrency filter
// and Netflix's concurrency-limits do, with the latency of what was admitted. The objective is
// the one operators state: admitted requests keep their p99 within `tolerance` x the p99 they
// have when the daemon is unloaded.
//
//  - latencies are gathered per window (`window`, at least `min_samples` answers); a window's
//    figure is its 99th percentile;
//  - a window is *unloaded* when nothing was refused in it and at most a quarter of the bound
//    (`max_limit` / 4, at least 1) was ever in flight; the baseline is the 99th percentile of
//    the last `baseline_samples` answers of unloaded windows (a tail that one short window
//    rarely shows, so not a minimum of window figures; a daemon busy for long keeps the last
//    unloaded answers it saw). No unloaded window yet: no baseline, and the bound stays at
//    `max_limit`;
//  - a window over `tolerance` x baseline shrinks the bound by the ratio (at most halving it,
//    never below `min_limit`); a window within it, in which the bound was reached, grows the
//    bound by one (never above `max_limit`). Group commit makes latency grow with load by
//    design; judging the p99 against the unloaded p99 (not the best window's) lets the
//    sustainable rate through in full.
//
// Pure logic with the time passed in, so that tests can drive it; thread-safe.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <mutex>
#include <vector>

namespace settled::adapters {

struct ConcurrencyLimitOptions {
  std::size_t max_limit = 32;
  std::size_t min_limit = 2;
  double tolerance = 3.0;  // 0: the bound stays at max_limit
  std::chrono::milliseconds window{100};
  std::size_t min_samples = 16;
  std::size_t baseline_samples = 4096;
};

class ConcurrencyLimit {
 public:
  using Clock = std::chrono::steady_clock;

  explicit ConcurrencyLimit(ConcurrencyLimitOptions options);

  // The bound in force now (lock-free: read for every request, refused ones included).
  std::size_t limit() const { return limit_.load(std::memory_order_relaxed); }
  // One admitted request answered after `latency`, `in_flight` (itself included) being the
  // requests admitted when it was answered. Returns whether the bound changed.
  bool record(Clock::duration latency, std::size_t in_flight, Clock::time_point now);
  // A request was refused: the current window is not an unloaded one (lock-free).
  void refused() { refused_in_window_.store(true, std::memory_order_relaxed); }

  const ConcurrencyLimitOptions& options() const { return options_; }
  // The current baseline (zero before the first unloaded window), for metrics and tests.
  Clock::duration baseline() const;

 private:
  bool close_window();
  void learn_baseline();

  const ConcurrencyLimitOptions options_;
  const std::size_t unloaded_in_flight_;
  mutable std::mutex mutex_;
  std::atomic<std::size_t> limit_;  // written under mutex_
  std::atomic<bool> refused_in_window_{false};
  Clock::time_point window_start_{};
  std::vector<Clock::duration> samples_;
  std::size_t peak_in_flight_ = 0;
  // The latest answers of unloaded windows (a ring of baseline_samples) and their p99.
  std::vector<Clock::duration> unloaded_samples_;
  std::size_t unloaded_next_ = 0;
  Clock::duration baseline_{};
};

}  // namespace settled::adapters
