#pragma once
// Retry timing: IntervalSeconds * BackoffRate^attempt, capped by MaxDelaySeconds, optionally
// with full jitter. Randomness is passed in so the function stays pure and testable.

#include "domain/asl/state_machine.hpp"

#include <cstdint>

namespace settled::asl {

// Delay before retry number `attempt + 1` (attempt = retries already made by this retrier).
// `random01` in [0, 1) is used only with JitterStrategy FULL.
std::int64_t retry_delay_ms(const Retrier& retrier, std::int64_t attempt, double random01);

}  // namespace settled::asl
