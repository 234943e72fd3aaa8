#pragma once
// How long a downstream that answered "too many requests" (HTTP 429) is left alone: its
// Retry-After when it sent one, else a short exponential backoff with jitter. Pure logic.

#include "domain/random_source.hpp"

#include <chrono>
#include <optional>
#include <string_view>

namespace settled::limits {

// A pause longer than this is taken as this: queued calls would all miss their deadlines
// anyway, and a huge value is likelier a broken header than a plan.
inline constexpr std::chrono::seconds kLongestThrottlePause{60};

// Retry-After as delay-seconds (RFC 9110 10.2.3; what Stripe sends). nullopt for an absent,
// empty or malformed value and for the HTTP-date form, which callers treat as absent.
std::optional<std::chrono::seconds> parse_retry_after(std::string_view value);

// The pause after the `consecutive`-th 429 in a row (1 for the first) that carried no usable
// Retry-After: 250 ms doubling up to 8 s, each drawn uniformly from [half, whole] so that
// several clients throttled together do not all come back at the same instant.
std::chrono::milliseconds throttle_backoff(unsigned consecutive, RandomSource& random);

// The pause to apply: Retry-After if usable, else the backoff; at most kLongestThrottlePause.
std::chrono::milliseconds throttle_pause(std::string_view retry_after, unsigned consecutive,
                                         RandomSource& random);

}  // namespace settled::limits
