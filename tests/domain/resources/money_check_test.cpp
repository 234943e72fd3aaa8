// Tests for settled:money.check (src/domain/resources/money_check.hpp).

#include "domain/resources/money_check.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <string>

namespace settled {
namespace {

namespace json = boost::json;

TaskOutcome check(std::string_view parameters) {
  TaskAttempt a;
  a.resource = "settled:money.check";
  a.parameters = json::parse(parameters);
  a.idempotency_key = "purchase-refund:o-1/Check Amount/3";
  return run_money_check(a);
}

TEST(MoneyCheck, AnIntegerOfMinorUnitsAndACurrencyPass) {
  const auto o = check(R"({"amount": 1250, "currency": "USD"})");
  ASSERT_TRUE(o.ok) << o.cause;
  EXPECT_EQ(o.result.at("amount"), 1250);
  EXPECT_EQ(o.result.at("currency"), "USD");
  EXPECT_EQ(o.result.at("formatted"), "12.50 USD");
  const auto hours = check(R"({"amount": 150, "currency": "HOUR"})");
  ASSERT_TRUE(hours.ok);
  EXPECT_EQ(hours.result.at("formatted"), "1.50 HOUR");
  const auto zero = check(R"({"amount": 0, "currency": "EUR", "allowZero": true})");
  ASSERT_TRUE(zero.ok);
  EXPECT_EQ(zero.result.at("amount"), 0);
}

TEST(MoneyCheck, AFloatAStringOrANonPositiveAmountIsRefusedNeverRounded) {
  for (const char* p :
       {R"({"amount": 12.5, "currency": "USD"})", R"({"amount": 12.0, "currency": "USD"})",
        R"({"amount": 1e3, "currency": "USD"})", R"({"amount": "1250", "currency": "USD"})",
        R"({"amount": 0, "currency": "USD"})", R"({"amount": -5, "currency": "USD"})",
        R"({"amount": 18446744073709551615, "currency": "USD"})", R"({"currency": "USD"})",
        R"({"amount": null, "currency": "USD"})"}) {
    const auto o = check(p);
    EXPECT_FALSE(o.ok) << p;
    EXPECT_EQ(o.error, kMoneyInvalidAmount) << p;
  }
  EXPECT_NE(check(R"({"amount": 12.5, "currency": "USD"})").cause.find("12.5"),
            std::string::npos);  // the amount as received is named
}

TEST(MoneyCheck, ACurrencyMustBeACode) {
  for (const char* p : {R"({"amount": 1, "currency": "usd"})", R"({"amount": 1, "currency": "US"})",
                        R"({"amount": 1, "currency": 840})", R"({"amount": 1})"}) {
    const auto o = check(p);
    EXPECT_FALSE(o.ok) << p;
    EXPECT_EQ(o.error, kMoneyInvalidCurrency) << p;
  }
}

TEST(MoneyCheck, RefusesWhatItDoesNotKnow) {
  for (const char* p : {R"([])", R"({"amount": 1, "currency": "USD", "rounding": "up"})",
                        R"({"amount": 1, "currency": "USD", "allowZero": "yes"})"}) {
    const auto o = check(p);
    EXPECT_FALSE(o.ok) << p;
    EXPECT_EQ(o.error, kMoneyInvalidParameters) << p;
  }
}

}  // namespace
}  // namespace settled
