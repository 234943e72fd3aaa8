#pragma once
// Timestamps as Step Functions shows them (RFC 3339, UTC, milliseconds). The domain never reads
// a clock: callers pass "now" in as milliseconds since the Unix epoch.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace settled {

using EpochMillis = std::int64_t;

// The first and last milliseconds format_timestamp writes with four digits of year
// (0000-01-01T00:00:00.000Z, 9999-12-31T23:59:59.999Z).
inline constexpr EpochMillis kFirstFourDigitYearMillis = -62167219200000;
inline constexpr EpochMillis kLastFourDigitYearMillis = 253402300799999;

// 2026-11-21T10:00:00.123Z
std::string format_timestamp(EpochMillis ms);

// Accepts RFC 3339: YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM). nullopt if not one, and
// for an instant its offset moves out of the years 0000-9999 ("9999-12-31T23:59:59-01:00"):
// what is accepted can be written back and read again.
std::optional<EpochMillis> parse_timestamp(std::string_view text);

// A span of time as an operator types it: a positive whole number and a unit, "500ms", "30s",
// "15m", "24h", "7d", at most `max_ms`. nullopt for anything else (zero, a sign, a fraction,
// spaces, an unknown unit, an overflow).
std::optional<EpochMillis> parse_duration(std::string_view text, EpochMillis max_ms);

}  // namespace settled
