#include "adapters/http/concurrency_limit.hpp"

#include <algorithm>

namespace settled::adapters {

ConcurrencyLimit::ConcurrencyLimit(ConcurrencyLimitOptions options)
    : options_(options),
      unloaded_in_flight_(std::max<std::size_t>(options.max_limit / 4, 1)),
      limit_(std::max<std::size_t>(options.max_limit, 1)) {
  samples_.reserve(256);
}

ConcurrencyLimit::Clock::duration ConcurrencyLimit::baseline() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return baseline_;
}

bool ConcurrencyLimit::record(Clock::duration latency, std::size_t in_flight,
                              Clock::time_point now) {
  if (options_.tolerance <= 0) return false;
  std::lock_guard<std::mutex> lock(mutex_);
  if (samples_.empty()) window_start_ = now;
  samples_.push_back(latency);
  peak_in_flight_ = std::max(peak_in_flight_, in_flight);
  if (now - window_start_ >= options_.window && samples_.size() >= options_.min_samples) {
    return close_window();
  }
  return false;
}

void ConcurrencyLimit::learn_baseline() {
  const std::size_t capacity = std::max<std::size_t>(options_.baseline_samples, 1);
  for (const Clock::duration latency : samples_) {
    if (unloaded_samples_.size() < capacity) {
      unloaded_samples_.push_back(latency);
    } else {
      unloaded_samples_[unloaded_next_] = latency;
      unloaded_next_ = (unloaded_next_ + 1) % capacity;
    }
  }
  std::vector<Clock::duration> sorted = unloaded_samples_;
  const auto p99 = sorted.begin() + static_cast<std::ptrdiff_t>(sorted.size() * 99 / 100);
  std::nth_element(sorted.begin(), p99, sorted.end());
  baseline_ = *p99;
}

bool ConcurrencyLimit::close_window() {
  const auto p99 = samples_.begin() + static_cast<std::ptrdiff_t>(samples_.size() * 99 / 100);
  std::nth_element(samples_.begin(), p99, samples_.end());
  const Clock::duration figure = *p99;
  const std::size_t before = limit_.load(std::memory_order_relaxed);
  const bool bound_reached = peak_in_flight_ >= before;
  const bool unloaded = !refused_in_window_.exchange(false, std::memory_order_relaxed) &&
                        peak_in_flight_ <= unloaded_in_flight_;
  if (unloaded) learn_baseline();
  samples_.clear();
  peak_in_flight_ = 0;
  if (baseline_ == Clock::duration::zero()) return false;  // nothing to judge against yet
  const double baseline = std::chrono::duration<double>(baseline_).count();
  const double observed = std::chrono::duration<double>(figure).count();

  std::size_t limit = before;
  const double target = baseline * options_.tolerance;
  if (observed > target && observed > 0) {
    const double ratio = std::max(0.5, target / observed);
    const auto shrunk = static_cast<std::size_t>(static_cast<double>(limit) * ratio);
    limit = std::max(options_.min_limit, std::min(shrunk, limit - 1));
  } else if (bound_reached) {
    limit = std::min(options_.max_limit, limit + 1);
  }
  limit = std::max<std::size_t>(limit, 1);
  limit_.store(limit, std::memory_order_relaxed);
  return limit != before;
}

}  // namespace settled::adapters
