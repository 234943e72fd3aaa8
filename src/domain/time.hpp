#pragma once
// Timestamps as Step Functions shows them (RFC 3339, UTC, milliseconds). The domain never reads
// a clock: callers pass "now" in as milliseconds since the Unix epoch.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace settled {

using EpochMillis = std::int64_t;

// 2026-11-21T10:00:00.123Z
std::string format_timestamp(EpochMillis ms);

// Accepts RFC 3339: YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM). nullopt if not one.
std::optional<EpochMillis> parse_timestamp(std::string_view text);

// A span of time as an operator types it: a positive whole number and a unit, "500ms", "30s",
// "15m", "24h", "7d", at most `max_ms`. nullopt for anything else (zero, a sign, a fraction,
// spaces, an unknown unit, an overflow).
std::optional<EpochMillis> parse_duration(std::string_view text, EpochMillis max_ms);

}  // namespace settled
