#pragma once
// Exact money: amounts are int64 counts of minor units (cents, or hundredths of an hour for the
// time bank) and are never floating point, so JSON numbers are checked for their exact kind.

#include "domain/result.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace settled {

struct Money {
  std::int64_t minor = 0;
  std::string currency;
};

inline bool operator==(const Money& a, const Money& b) {
  return a.minor == b.minor && a.currency == b.currency;
}
inline bool operator!=(const Money& a, const Money& b) {
  return !(a == b);
}

// The time bank's unit: hours counted in hundredths (150 = 1.50 hours), exact like cents.
inline constexpr std::string_view kTimeBankCurrency = "HOUR";

// True for three upper-case ASCII letters or "HOUR": the codes parse_currency accepts (also for
// checking codes read back from storage).
bool is_currency_code(std::string_view code);

enum class AmountRule { kPositive, kNonNegative, kAnySign };

// Accepts a JSON integer (int64, or uint64 <= INT64_MAX) that satisfies `rule`. Anything else
// (a double, even 12.0 or 1e3; a string; bool/null/object/array; a sign the rule forbids; a
// value beyond int64) fails with kInvalidAmount and a message that starts with `where`.
Result<std::int64_t> parse_amount(const boost::json::value& value, std::string_view where,
                                  AmountRule rule);

// Three upper-case ASCII letters (ISO 4217 style: "USD", "EUR") or "HOUR" (time-bank hours in
// hundredths). Anything else fails with kInvalidRequest naming `where`.
Result<std::string> parse_currency(const boost::json::value& value, std::string_view where);

// Reads obj[amount_key] and obj[currency_key]; errors name them as "<where_prefix>.<key>"
// (just "<key>" when the prefix is empty). A missing field fails with kInvalidRequest.
Result<Money> parse_money(const boost::json::object& obj, std::string_view amount_key,
                          std::string_view currency_key, std::string_view where_prefix,
                          AmountRule rule);

// Overflow-checked arithmetic: kInvalidAmount "amount overflow: ..." instead of wrapping.
Result<std::int64_t> checked_add(std::int64_t a, std::int64_t b);
Result<std::int64_t> checked_sub(std::int64_t a, std::int64_t b);

// "12.50 USD", "-0.05 EUR", "1.25 HOUR": two decimals from integer math, for messages and logs.
std::string format_money(const Money& money);

}  // namespace settled
