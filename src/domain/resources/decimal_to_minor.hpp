#pragma once
// settled:decimal.toMinor — a decimal number as a client sends it (the seed's `estimatedHours:
// 1.5`, `hourlyRate: 1.25`) turned into an integer of minor units, exactly or not at all. A
// JSON number arrives as a double; its shortest round-trip text ("1.5", never
// 1.4999999999999999) is the decimal the client wrote, so 1.5 is 150 hundredths and 1.505 or
// 0.1 + 0.2 (0.30000000000000004) are refused rather than rounded. A decimal string ("1.50")
// is read as written.
//   {value, scale?: 0..6 (2), times?: decimal, allowZero?: bool, field?: string}
//     -> {minor: value × times at scale, decimal: "1.50"}
// `times` multiplies exactly (hours × an hourly rate); a product with more decimals than
// `scale` is refused. Refusals: Decimal.Invalid (not a number or decimal string, negative,
// zero unless allowZero, more decimals than scale, beyond int64), Decimal.InvalidParameters.

#include "domain/resources/task_outcome.hpp"

#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace settled {

inline constexpr const char* kDecimalInvalid = "Decimal.Invalid";
inline constexpr const char* kDecimalInvalidParameters = "Decimal.InvalidParameters";

// mantissa × 10^exponent, non-negative.
struct ExactDecimal {
  std::uint64_t mantissa = 0;
  int exponent = 0;
  bool negative = false;
};

// The decimal a JSON number or decimal string denotes; nullopt when it is neither (or too long).
std::optional<ExactDecimal> parse_exact_decimal(const boost::json::value& value);

// `value` at `scale` decimals as an integer; nullopt when it has more decimals or overflows.
std::optional<std::int64_t> to_minor(const ExactDecimal& value, int scale);

// "150" at scale 2 -> "1.50".
std::string format_minor(std::int64_t minor, int scale);

TaskOutcome run_decimal_to_minor(const TaskAttempt& attempt);

}  // namespace settled
