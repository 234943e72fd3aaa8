#include "domain/money.hpp"

#include <boost/json/serialize.hpp>

#include <charconv>
#include <cmath>
#include <limits>
#include <utility>

namespace settled {

namespace json = boost::json;

namespace {

constexpr std::int64_t kMaxAmount = std::numeric_limits<std::int64_t>::max();

std::string amount_error(std::string_view where, std::string_view why) {
  return std::string(where) + ": " + std::string(why);
}

// Shortest round-trip text of a double, with ".0" kept for integral values so the message shows
// why 12.0 or 1e3 is refused (it was parsed as a fraction/exponent number, not an integer).
std::string describe_double(double d) {
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof(buf), d);
  std::string text(buf, res.ptr);
  if (text.find_first_of(".eEn") == std::string::npos) text += ".0";
  return text;
}

// Huge integers were rounded when parsed as double; scientific notation does not pretend to
// show the digits that were sent.
std::string describe_huge(double d) {
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof(buf), d, std::chars_format::scientific);
  return std::string(buf, res.ptr);
}

// A JSON-quoted preview of a string, cut short so a hostile body cannot bloat the message.
std::string quote_preview(std::string_view s) {
  constexpr std::size_t kMax = 40;
  if (s.size() <= kMax) return json::serialize(json::value(json::string(s)));
  std::string cut(s.substr(0, kMax));
  // Do not end inside a UTF-8 sequence.
  while (!cut.empty() && (static_cast<unsigned char>(cut.back()) & 0xC0) == 0x80) cut.pop_back();
  if (!cut.empty() && (static_cast<unsigned char>(cut.back()) & 0x80) != 0) cut.pop_back();
  std::string quoted = json::serialize(json::value(json::string(cut)));
  quoted.insert(quoted.size() - 1, "...");
  return quoted;
}

std::string describe_non_number(const json::value& v) {
  switch (v.kind()) {
    case json::kind::string:
      return "a string " + quote_preview(v.get_string());
    case json::kind::bool_:
      return std::string("a boolean ") + (v.get_bool() ? "true" : "false");
    case json::kind::null:
      return "null";
    case json::kind::array:
      return "an array";
    case json::kind::object:
      return "an object";
    default:
      return "a number";
  }
}

std::string join_where(std::string_view prefix, std::string_view key) {
  if (prefix.empty()) return std::string(key);
  return std::string(prefix) + "." + std::string(key);
}

}  // namespace

Result<std::int64_t> parse_amount(const json::value& value, std::string_view where,
                                  AmountRule rule) {
  std::int64_t amount = 0;
  if (value.is_int64()) {
    amount = value.get_int64();
  } else if (value.is_uint64()) {
    // Boost.JSON only uses uint64 for integers above INT64_MAX, but be exact either way.
    if (value.get_uint64() > static_cast<std::uint64_t>(kMaxAmount)) {
      return Error(
          ErrorCode::kInvalidAmount,
          amount_error(where, "amount overflows int64 (largest is " + std::to_string(kMaxAmount) +
                                  " minor units), got " + std::to_string(value.get_uint64())));
    }
    amount = static_cast<std::int64_t>(value.get_uint64());
  } else if (value.is_double()) {
    const double d = value.get_double();
    // Integers too large for int64/uint64 reach us as doubles; say overflow, not "fraction".
    if (std::trunc(d) == d && std::fabs(d) >= 9223372036854775808.0) {
      return Error(
          ErrorCode::kInvalidAmount,
          amount_error(where, "amount overflows int64 (largest is " + std::to_string(kMaxAmount) +
                                  " minor units), got " + describe_huge(d)));
    }
    return Error(
        ErrorCode::kInvalidAmount,
        amount_error(where, "amount must be an integer number of minor units (e.g. cents), got " +
                                describe_double(d)));
  } else {
    return Error(
        ErrorCode::kInvalidAmount,
        amount_error(where, "amount must be an integer number of minor units (e.g. cents), got " +
                                describe_non_number(value)));
  }
  if (rule == AmountRule::kPositive && amount <= 0) {
    return Error(ErrorCode::kInvalidAmount,
                 amount_error(where, "amount must be positive, got " + std::to_string(amount)));
  }
  if (rule == AmountRule::kNonNegative && amount < 0) {
    return Error(ErrorCode::kInvalidAmount,
                 amount_error(where, "amount must not be negative, got " + std::to_string(amount)));
  }
  return amount;
}

bool is_currency_code(std::string_view code) {
  if (code == kTimeBankCurrency) return true;
  if (code.size() != 3) return false;
  for (char c : code) {
    if (c < 'A' || c > 'Z') return false;
  }
  return true;
}

Result<std::string> parse_currency(const json::value& value, std::string_view where) {
  const auto refuse = [&](const std::string& got) {
    return Error(ErrorCode::kInvalidRequest,
                 amount_error(where,
                              "currency must be three upper-case letters (ISO 4217, e.g. \"USD\") "
                              "or \"HOUR\", got " +
                                  got));
  };
  const json::string* s = value.if_string();
  if (s == nullptr) {
    return refuse(value.is_number() ? std::string("a number") : describe_non_number(value));
  }
  const std::string_view code = s->subview();
  if (!is_currency_code(code)) return refuse(quote_preview(code));
  return std::string(code);
}

Result<Money> parse_money(const json::object& obj, std::string_view amount_key,
                          std::string_view currency_key, std::string_view where_prefix,
                          AmountRule rule) {
  const std::string amount_where = join_where(where_prefix, amount_key);
  const std::string currency_where = join_where(where_prefix, currency_key);
  const json::value* amount_value = obj.if_contains(amount_key);
  if (amount_value == nullptr) {
    return Error(ErrorCode::kInvalidRequest, amount_where + ": field is missing");
  }
  const json::value* currency_value = obj.if_contains(currency_key);
  if (currency_value == nullptr) {
    return Error(ErrorCode::kInvalidRequest, currency_where + ": field is missing");
  }
  Result<std::int64_t> amount = parse_amount(*amount_value, amount_where, rule);
  if (!amount) return amount.error();
  Result<std::string> currency = parse_currency(*currency_value, currency_where);
  if (!currency) return currency.error();
  return Money{*amount, std::move(currency).value()};
}

Result<std::int64_t> checked_add(std::int64_t a, std::int64_t b) {
  std::int64_t sum = 0;
  if (__builtin_add_overflow(a, b, &sum)) {
    return Error(ErrorCode::kInvalidAmount, "amount overflow: " + std::to_string(a) + " + " +
                                                std::to_string(b) + " does not fit in int64");
  }
  return sum;
}

Result<std::int64_t> checked_sub(std::int64_t a, std::int64_t b) {
  std::int64_t difference = 0;
  if (__builtin_sub_overflow(a, b, &difference)) {
    return Error(ErrorCode::kInvalidAmount, "amount overflow: " + std::to_string(a) + " - " +
                                                std::to_string(b) + " does not fit in int64");
  }
  return difference;
}

std::string format_money(const Money& money) {
  // Magnitude in uint64 so INT64_MIN formats without overflow.
  const std::uint64_t magnitude = money.minor < 0 ? 0 - static_cast<std::uint64_t>(money.minor)
                                                  : static_cast<std::uint64_t>(money.minor);
  const std::uint64_t cents = magnitude % 100;
  std::string out = money.minor < 0 ? "-" : "";
  out += std::to_string(magnitude / 100);
  out += '.';
  out += static_cast<char>('0' + cents / 10);
  out += static_cast<char>('0' + cents % 10);
  if (!money.currency.empty()) {
    out += ' ';
    out += money.currency;
  }
  return out;
}

}  // namespace settled
