#include "domain/asl/retry.hpp"

#include <algorithm>
#include <cmath>

namespace settled::asl {

std::int64_t retry_delay_ms(const Retrier& retrier, std::int64_t attempt, double random01) {
  // Step Functions' own cap on any retry interval is one year; cap before converting.
  constexpr double kYearMs = 365.0 * 24 * 3600 * 1000;
  double delay = static_cast<double>(retrier.interval_seconds) * 1000.0 *
                 std::pow(retrier.backoff_rate, static_cast<double>(attempt));
  if (retrier.max_delay_seconds)
    delay = std::min(delay, static_cast<double>(*retrier.max_delay_seconds) * 1000.0);
  delay = std::min(delay, kYearMs);
  if (retrier.full_jitter) delay *= std::clamp(random01, 0.0, 1.0);
  return static_cast<std::int64_t>(std::llround(delay));
}

}  // namespace settled::asl
