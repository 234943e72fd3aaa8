#include "domain/money.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include <cstdint>
#include <limits>
#include <string>

namespace settled {
namespace {

namespace json = boost::json;

constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();

// Parses `text` with the real JSON parser so each case gets the number kind Boost.JSON picks.
Result<std::int64_t> amount(std::string_view text, AmountRule rule = AmountRule::kPositive) {
  return parse_amount(json::parse(text), "$.amount", rule);
}

std::string amount_error(std::string_view text, AmountRule rule = AmountRule::kPositive) {
  Result<std::int64_t> r = amount(text, rule);
  if (r.ok()) return "ok";
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidAmount) << text;
  return r.error().message;
}

std::string currency_error(std::string_view text) {
  Result<std::string> r = parse_currency(json::parse(text), "$.currency");
  if (r.ok()) return "ok";
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidRequest) << text;
  return r.error().message;
}

TEST(MoneyAmount, AcceptsPositiveInteger) {
  Result<std::int64_t> r = amount("1250");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, 1250);
}

TEST(MoneyAmount, AcceptsInt64Max) {
  Result<std::int64_t> r = amount("9223372036854775807");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, kMax);
}

TEST(MoneyAmount, RefusesUint64AboveInt64Max) {
  EXPECT_EQ(amount_error("9223372036854775808"),
            "$.amount: amount overflows int64 (largest is 9223372036854775807 minor units), got "
            "9223372036854775808");
  EXPECT_NE(amount_error("18446744073709551615").find("overflows int64"), std::string::npos);
}

TEST(MoneyAmount, RefusesHugeNumberParsedAsDouble) {
  EXPECT_EQ(amount_error("18446744073709551616"),
            "$.amount: amount overflows int64 (largest is 9223372036854775807 minor units), got "
            "1.8446744073709552e+19");
  EXPECT_NE(amount_error("-9223372036854775809", AmountRule::kAnySign).find("overflows int64"),
            std::string::npos);
}

TEST(MoneyAmount, AcceptsInt64MinWhenAnySign) {
  Result<std::int64_t> r = amount("-9223372036854775808", AmountRule::kAnySign);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, kMin);
}

TEST(MoneyAmount, RefusesFraction) {
  EXPECT_EQ(amount_error("12.5"),
            "$.amount: amount must be an integer number of minor units (e.g. cents), got 12.5");
}

TEST(MoneyAmount, RefusesIntegralDoubles) {
  EXPECT_EQ(amount_error("12.0"),
            "$.amount: amount must be an integer number of minor units (e.g. cents), got 12.0");
  EXPECT_EQ(amount_error("1e3"),
            "$.amount: amount must be an integer number of minor units (e.g. cents), got "
            "1000.0");
  EXPECT_EQ(amount_error("-0.0", AmountRule::kAnySign),
            "$.amount: amount must be an integer number of minor units (e.g. cents), got -0.0");
}

TEST(MoneyAmount, RefusesString) {
  EXPECT_EQ(amount_error("\"12.50\""),
            "$.amount: amount must be an integer number of minor units (e.g. cents), got a "
            "string \"12.50\"");
}

TEST(MoneyAmount, LongStringIsTruncatedInMessage) {
  const std::string message = amount_error("\"" + std::string(500, '9') + "\"");
  EXPECT_LT(message.size(), 200U);
  EXPECT_NE(message.find("...\""), std::string::npos);
}

TEST(MoneyAmount, RefusesBoolNullObjectArray) {
  const std::string prefix =
      "$.amount: amount must be an integer number of minor units (e.g. cents), got ";
  EXPECT_EQ(amount_error("true"), prefix + "a boolean true");
  EXPECT_EQ(amount_error("null"), prefix + "null");
  EXPECT_EQ(amount_error("{\"minor\":1}"), prefix + "an object");
  EXPECT_EQ(amount_error("[1]"), prefix + "an array");
}

TEST(MoneyAmount, PositiveRuleRefusesZeroAndNegative) {
  EXPECT_EQ(amount_error("0"), "$.amount: amount must be positive, got 0");
  EXPECT_EQ(amount_error("-0"), "$.amount: amount must be positive, got 0");
  EXPECT_EQ(amount_error("-5"), "$.amount: amount must be positive, got -5");
}

TEST(MoneyAmount, NonNegativeRule) {
  Result<std::int64_t> zero = amount("0", AmountRule::kNonNegative);
  ASSERT_TRUE(zero.ok());
  EXPECT_EQ(*zero, 0);
  Result<std::int64_t> minus_zero = amount("-0", AmountRule::kNonNegative);
  ASSERT_TRUE(minus_zero.ok());
  EXPECT_EQ(*minus_zero, 0);
  EXPECT_EQ(amount_error("-1", AmountRule::kNonNegative),
            "$.amount: amount must not be negative, got -1");
}

TEST(MoneyAmount, AnySignRule) {
  Result<std::int64_t> r = amount("-250", AmountRule::kAnySign);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, -250);
}

TEST(MoneyAmount, UnsignedValueThatFitsIsAccepted) {
  // Boost.JSON never produces this from text, but a value built in code can.
  Result<std::int64_t> r =
      parse_amount(json::value(std::uint64_t{42}), "$.x", AmountRule::kPositive);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, 42);
}

TEST(MoneyAmount, ErrorNamesTheGivenLocation) {
  Result<std::int64_t> r =
      parse_amount(json::parse("1.5"), "$.lines[2].fee", AmountRule::kPositive);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message.rfind("$.lines[2].fee: ", 0), 0U);
}

TEST(MoneyCurrency, AcceptsIsoCodesAndHour) {
  for (const char* code : {"\"USD\"", "\"EUR\"", "\"JPY\"", "\"HOUR\""}) {
    Result<std::string> r = parse_currency(json::parse(code), "$.currency");
    ASSERT_TRUE(r.ok()) << code;
    EXPECT_EQ("\"" + *r + "\"", code);
  }
}

TEST(MoneyCurrency, RefusesLowerCaseAndWrongLengths) {
  EXPECT_EQ(currency_error("\"usd\""),
            "$.currency: currency must be three upper-case letters (ISO 4217, e.g. \"USD\") or "
            "\"HOUR\", got \"usd\"");
  EXPECT_NE(currency_error("\"Usd\"").find("got \"Usd\""), std::string::npos);
  EXPECT_NE(currency_error("\"US\"").find("got \"US\""), std::string::npos);
  EXPECT_NE(currency_error("\"USDX\"").find("got \"USDX\""), std::string::npos);
  EXPECT_NE(currency_error("\"hour\"").find("got \"hour\""), std::string::npos);
  EXPECT_NE(currency_error("\"\"").find("got \"\""), std::string::npos);
  EXPECT_NE(currency_error("\"U1D\"").find("got \"U1D\""), std::string::npos);
  EXPECT_NE(currency_error("\"ÉUR\"").find("$.currency: "), std::string::npos);
}

TEST(MoneyCurrency, RefusesNonStrings) {
  EXPECT_NE(currency_error("840").find("got a number"), std::string::npos);
  EXPECT_NE(currency_error("null").find("got null"), std::string::npos);
  EXPECT_NE(currency_error("[\"USD\"]").find("got an array"), std::string::npos);
  EXPECT_NE(currency_error("true").find("got a boolean true"), std::string::npos);
}

TEST(MoneyCurrency, IsCurrencyCode) {
  EXPECT_TRUE(is_currency_code("USD"));
  EXPECT_TRUE(is_currency_code("HOUR"));
  EXPECT_TRUE(is_currency_code(kTimeBankCurrency));
  EXPECT_FALSE(is_currency_code(""));
  EXPECT_FALSE(is_currency_code("usd"));
  EXPECT_FALSE(is_currency_code("HOURS"));
  EXPECT_FALSE(is_currency_code(std::string_view("US\0", 3)));
}

TEST(MoneyParse, HourAmountsInHundredths) {
  json::object obj = json::parse(R"({"amount": 150, "currency": "HOUR"})").as_object();
  Result<Money> m = parse_money(obj, "amount", "currency", "$", AmountRule::kPositive);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(*m, (Money{150, "HOUR"}));
  EXPECT_EQ(format_money(*m), "1.50 HOUR");
  json::object fractional = json::parse(R"({"amount": 1.5, "currency": "HOUR"})").as_object();
  EXPECT_FALSE(parse_money(fractional, "amount", "currency", "$", AmountRule::kPositive).ok());
}

TEST(MoneyParse, ReadsBothFields) {
  json::object obj = json::parse(R"({"amount": 1999, "currency": "EUR"})").as_object();
  Result<Money> m = parse_money(obj, "amount", "currency", "$", AmountRule::kPositive);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(*m, (Money{1999, "EUR"}));
  EXPECT_NE(*m, (Money{1999, "USD"}));
}

TEST(MoneyParse, MissingFieldsAreNamed) {
  json::object no_amount = json::parse(R"({"currency": "EUR"})").as_object();
  Result<Money> a =
      parse_money(no_amount, "amount", "currency", "$.payment", AmountRule::kPositive);
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.error().code, ErrorCode::kInvalidRequest);
  EXPECT_EQ(a.error().message, "$.payment.amount: field is missing");

  json::object no_currency = json::parse(R"({"amount": 1})").as_object();
  Result<Money> c = parse_money(no_currency, "amount", "currency", "$", AmountRule::kPositive);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code, ErrorCode::kInvalidRequest);
  EXPECT_EQ(c.error().message, "$.currency: field is missing");
}

TEST(MoneyParse, FieldErrorsCarryTheirKindAndLocation) {
  json::object bad_amount = json::parse(R"({"amt": 12.0, "ccy": "EUR"})").as_object();
  Result<Money> a = parse_money(bad_amount, "amt", "ccy", "$.refund", AmountRule::kPositive);
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.error().code, ErrorCode::kInvalidAmount);
  EXPECT_EQ(a.error().message.rfind("$.refund.amt: ", 0), 0U);

  json::object bad_currency = json::parse(R"({"amt": 12, "ccy": "eur"})").as_object();
  Result<Money> c = parse_money(bad_currency, "amt", "ccy", "", AmountRule::kPositive);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code, ErrorCode::kInvalidRequest);
  EXPECT_EQ(c.error().message.rfind("ccy: ", 0), 0U);
}

TEST(MoneyArithmetic, CheckedAdd) {
  EXPECT_EQ(*checked_add(1, 2), 3);
  EXPECT_EQ(*checked_add(kMax, 0), kMax);
  EXPECT_EQ(*checked_add(kMin, kMax), -1);
  Result<std::int64_t> overflow = checked_add(kMax, 1);
  ASSERT_FALSE(overflow.ok());
  EXPECT_EQ(overflow.error().code, ErrorCode::kInvalidAmount);
  EXPECT_EQ(overflow.error().message,
            "amount overflow: 9223372036854775807 + 1 does not fit in int64");
  EXPECT_FALSE(checked_add(kMin, -1).ok());
}

TEST(MoneyArithmetic, CheckedSub) {
  EXPECT_EQ(*checked_sub(5, 7), -2);
  EXPECT_EQ(*checked_sub(kMin, 0), kMin);
  Result<std::int64_t> overflow = checked_sub(kMin, 1);
  ASSERT_FALSE(overflow.ok());
  EXPECT_EQ(overflow.error().code, ErrorCode::kInvalidAmount);
  EXPECT_EQ(overflow.error().message,
            "amount overflow: -9223372036854775808 - 1 does not fit in int64");
  EXPECT_FALSE(checked_sub(0, kMin).ok());
  EXPECT_FALSE(checked_sub(kMax, -1).ok());
}

TEST(MoneyFormat, TwoDecimals) {
  EXPECT_EQ(format_money({1250, "USD"}), "12.50 USD");
  EXPECT_EQ(format_money({5, "EUR"}), "0.05 EUR");
  EXPECT_EQ(format_money({0, "EUR"}), "0.00 EUR");
  EXPECT_EQ(format_money({100, "HOUR"}), "1.00 HOUR");
  EXPECT_EQ(format_money({-5, "EUR"}), "-0.05 EUR");
  EXPECT_EQ(format_money({-12345, "USD"}), "-123.45 USD");
  EXPECT_EQ(format_money({7, ""}), "0.07");
}

TEST(MoneyFormat, Extremes) {
  EXPECT_EQ(format_money({kMax, "USD"}), "92233720368547758.07 USD");
  EXPECT_EQ(format_money({kMin, "USD"}), "-92233720368547758.08 USD");
}

}  // namespace
}  // namespace settled
