#include "domain/resources/decimal_to_minor.hpp"

#include <boost/json.hpp>

#include <charconv>
#include <limits>
#include <string_view>

namespace settled {

namespace json = boost::json;

namespace {

constexpr std::size_t kMaxDecimalText = 64;
constexpr int kMaxExponent = 400;
constexpr int kMaxScale = 6;

bool all_digits(std::string_view s) {
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

// -?digits(.digits)?([eE][+-]?digits)? — JSON's number grammar, leading zeros allowed in strings.
std::optional<ExactDecimal> parse_decimal_text(std::string_view text) {
  if (text.empty() || text.size() > kMaxDecimalText) return std::nullopt;
  ExactDecimal out;
  if (text.front() == '-') {
    out.negative = true;
    text.remove_prefix(1);
  }
  std::string_view exponent_text;
  if (const auto e = text.find_first_of("eE"); e != std::string_view::npos) {
    exponent_text = text.substr(e + 1);
    text = text.substr(0, e);
    if (!exponent_text.empty() && exponent_text.front() == '+') exponent_text.remove_prefix(1);
    if (exponent_text.empty()) return std::nullopt;
    const std::string_view digits =
        exponent_text.front() == '-' ? exponent_text.substr(1) : exponent_text;
    if (digits.empty() || !all_digits(digits)) return std::nullopt;
  }
  std::string_view whole = text;
  std::string_view fraction;
  if (const auto dot = text.find('.'); dot != std::string_view::npos) {
    whole = text.substr(0, dot);
    fraction = text.substr(dot + 1);
    if (fraction.empty()) return std::nullopt;
  }
  if (whole.empty() || !all_digits(whole) || !all_digits(fraction)) return std::nullopt;
  int exponent = 0;
  if (!exponent_text.empty()) {
    int parsed = 0;
    const auto [end, ec] =
        std::from_chars(exponent_text.data(), exponent_text.data() + exponent_text.size(), parsed);
    if (ec != std::errc() || end != exponent_text.data() + exponent_text.size() ||
        parsed > kMaxExponent || parsed < -kMaxExponent)
      return std::nullopt;
    exponent = parsed;
  }
  std::string digits = std::string(whole) + std::string(fraction);
  exponent -= static_cast<int>(fraction.size());
  const auto first = digits.find_first_not_of('0');
  if (first == std::string::npos) return out;  // zero
  digits.erase(0, first);
  while (digits.back() == '0') {
    digits.pop_back();
    ++exponent;
  }
  if (digits.size() > 19) return std::nullopt;
  const auto [end, ec] =
      std::from_chars(digits.data(), digits.data() + digits.size(), out.mantissa);
  if (ec != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
  out.exponent = exponent;
  return out;
}

__extension__ typedef unsigned __int128 Uint128;  // GCC and Clang: a product of two uint64

std::optional<ExactDecimal> multiply(const ExactDecimal& a, const ExactDecimal& b) {
  Uint128 product = static_cast<Uint128>(a.mantissa) * b.mantissa;
  int exponent = a.exponent + b.exponent;
  while (product != 0 && product % 10 == 0) {
    product /= 10;
    ++exponent;
  }
  if (product > std::numeric_limits<std::uint64_t>::max()) return std::nullopt;
  return ExactDecimal{static_cast<std::uint64_t>(product), exponent, a.negative != b.negative};
}

// A double as the client wrote it (1.5, not Boost's 1.5E0); anything else as JSON.
std::string received(const json::value& got) {
  if (got.is_double()) {
    char buffer[kMaxDecimalText];
    const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, got.as_double());
    if (ec == std::errc()) return std::string(buffer, end);
  }
  return json::serialize(got);
}

TaskOutcome refuse(const std::string& field, const std::string& why, const json::value& got) {
  return TaskOutcome::failure(kDecimalInvalid,
                              field + " " + why + " (received " + received(got) + ")");
}

}  // namespace

std::optional<ExactDecimal> parse_exact_decimal(const json::value& value) {
  if (value.is_int64()) {
    const std::int64_t v = value.as_int64();
    ExactDecimal d;
    d.negative = v < 0;
    d.mantissa = d.negative ? static_cast<std::uint64_t>(0) - static_cast<std::uint64_t>(v)
                            : static_cast<std::uint64_t>(v);
    return d;
  }
  if (value.is_uint64()) return ExactDecimal{value.as_uint64(), 0, false};
  if (value.is_double()) {
    char buffer[kMaxDecimalText];
    // Shortest text that reads back as the same double: the decimal the client wrote.
    const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value.as_double());
    if (ec != std::errc()) return std::nullopt;
    return parse_decimal_text(std::string_view(buffer, static_cast<std::size_t>(end - buffer)));
  }
  if (value.is_string()) return parse_decimal_text(value.as_string());
  return std::nullopt;
}

std::optional<std::int64_t> to_minor(const ExactDecimal& value, int scale) {
  if (value.mantissa == 0) return 0;
  int exponent = value.exponent + scale;
  if (exponent < 0) return std::nullopt;
  constexpr auto kMax = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  std::uint64_t minor = value.mantissa;
  if (minor > kMax) return std::nullopt;
  for (; exponent > 0; --exponent) {
    if (minor > kMax / 10) return std::nullopt;
    minor *= 10;
  }
  const auto magnitude = static_cast<std::int64_t>(minor);
  return value.negative ? -magnitude : magnitude;
}

std::string format_minor(std::int64_t minor, int scale) {
  const bool negative = minor < 0;
  const std::uint64_t magnitude =
      negative ? static_cast<std::uint64_t>(0) - static_cast<std::uint64_t>(minor)
               : static_cast<std::uint64_t>(minor);
  std::string digits = std::to_string(magnitude);
  if (scale > 0) {
    if (digits.size() <= static_cast<std::size_t>(scale))
      digits.insert(0, static_cast<std::size_t>(scale) + 1 - digits.size(), '0');
    digits.insert(digits.size() - static_cast<std::size_t>(scale), ".");
  }
  return negative ? "-" + digits : digits;
}

TaskOutcome run_decimal_to_minor(const TaskAttempt& attempt) {
  if (!attempt.parameters.is_object())
    return TaskOutcome::failure(kDecimalInvalidParameters, "parameters must be an object");
  const auto& p = attempt.parameters.as_object();
  for (const auto& field : p) {
    const std::string_view k = field.key();
    if (k != "value" && k != "scale" && k != "times" && k != "allowZero" && k != "field")
      return TaskOutcome::failure(kDecimalInvalidParameters,
                                  "unknown parameter " + std::string(k) +
                                      ": only value, scale, times, allowZero and field");
  }
  std::string field = "value";
  if (const json::value* f = p.if_contains("field")) {
    if (!f->is_string() || f->as_string().empty() || f->as_string().size() > 64)
      return TaskOutcome::failure(kDecimalInvalidParameters,
                                  "parameters.field must be a string of 1 to 64 characters");
    field = std::string(f->as_string());
  }
  int scale = 2;
  if (const json::value* s = p.if_contains("scale")) {
    if (!s->is_int64() || s->as_int64() < 0 || s->as_int64() > kMaxScale)
      return TaskOutcome::failure(kDecimalInvalidParameters,
                                  "parameters.scale must be an integer from 0 to 6");
    scale = static_cast<int>(s->as_int64());
  }
  bool allow_zero = false;
  if (const json::value* z = p.if_contains("allowZero")) {
    if (!z->is_bool())
      return TaskOutcome::failure(kDecimalInvalidParameters,
                                  "parameters.allowZero must be a boolean");
    allow_zero = z->as_bool();
  }
  const json::value* raw = p.if_contains("value");
  if (!raw) return TaskOutcome::failure(kDecimalInvalid, field + " is required: a decimal number");
  auto value = parse_exact_decimal(*raw);
  if (!value) return refuse(field, "must be a decimal number", *raw);
  if (value->negative && value->mantissa != 0) return refuse(field, "must not be negative", *raw);
  if (const json::value* t = p.if_contains("times")) {
    const auto times = parse_exact_decimal(*t);
    if (!times) return refuse(field, "multiplier must be a decimal number", *t);
    if (times->negative && times->mantissa != 0)
      return refuse(field, "multiplier must not be negative", *t);
    value = multiply(*value, *times);
    if (!value) return refuse(field, "times its multiplier is too large", *raw);
  }
  const auto minor = to_minor(*value, scale);
  if (!minor)
    return refuse(field,
                  "must have at most " + std::to_string(scale) +
                      " decimal places and fit a 64-bit integer of minor units" +
                      (p.contains("times") ? " (after multiplying)" : ""),
                  *raw);
  if (*minor == 0 && !allow_zero) return refuse(field, "must be greater than zero", *raw);
  return TaskOutcome::success(
      json::object{{"minor", *minor}, {"decimal", format_minor(*minor, scale)}});
}

}  // namespace settled
