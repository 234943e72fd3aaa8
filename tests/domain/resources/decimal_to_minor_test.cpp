// Tests for settled:decimal.toMinor (src/domain/resources/decimal_to_minor.hpp).

#include "domain/resources/decimal_to_minor.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <string>

namespace settled {
namespace {

namespace json = boost::json;

TaskOutcome convert(std::string_view parameters) {
  TaskAttempt a;
  a.resource = "settled:decimal.toMinor";
  a.parameters = json::parse(parameters);
  a.idempotency_key = "service-request:r-1/ConvertHours/2";
  return run_decimal_to_minor(a);
}

TEST(DecimalToMinor, TheSeedsDecimalHoursBecomeExactHundredths) {
  struct Case {
    const char* parameters;
    std::int64_t minor;
    const char* decimal;
  };
  for (const Case& c :
       {Case{R"({"value": 1.5})", 150, "1.50"}, Case{R"({"value": 2})", 200, "2.00"},
        Case{R"({"value": 0.01})", 1, "0.01"}, Case{R"({"value": 10.1})", 1010, "10.10"},
        Case{R"({"value": 1.10})", 110, "1.10"}, Case{R"({"value": "1.50"})", 150, "1.50"},
        Case{R"({"value": "007.25"})", 725, "7.25"}, Case{R"({"value": 1.5e1})", 1500, "15.00"},
        Case{R"({"value": 2.5, "scale": 0, "times": 2})", 5, "5"},
        Case{R"({"value": 0, "allowZero": true})", 0, "0.00"},
        Case{R"({"value": 123.456, "scale": 3})", 123456, "123.456"}}) {
    const auto o = convert(c.parameters);
    ASSERT_TRUE(o.ok) << c.parameters << ": " << o.cause;
    EXPECT_EQ(o.result.at("minor"), c.minor) << c.parameters;
    EXPECT_EQ(o.result.at("decimal"), c.decimal) << c.parameters;
  }
}

TEST(DecimalToMinor, HoursTimesARateIsExactOrRefused) {
  const auto o = convert(R"({"value": 1.5, "times": 1.5})");
  ASSERT_TRUE(o.ok) << o.cause;
  EXPECT_EQ(o.result.at("minor"), 225);
  const auto rate_string = convert(R"({"value": 3, "times": "1.25"})");
  ASSERT_TRUE(rate_string.ok);
  EXPECT_EQ(rate_string.result.at("minor"), 375);
  // 1.55 × 1.5 = 2.325 hours: not a whole hundredth, refused rather than rounded either way.
  const auto inexact = convert(R"({"value": 1.55, "times": 1.5, "field": "estimatedHours"})");
  EXPECT_FALSE(inexact.ok);
  EXPECT_EQ(inexact.error, kDecimalInvalid);
  EXPECT_NE(inexact.cause.find("estimatedHours"), std::string::npos) << inexact.cause;
  EXPECT_NE(inexact.cause.find("after multiplying"), std::string::npos) << inexact.cause;
}

TEST(DecimalToMinor, MoreDecimalsNegativesNonNumbersAndOverflowAreRefused) {
  for (const char* p : {R"({"value": 1.505})",
                        R"({"value": 0.30000000000000004})",
                        R"({"value": -1.5})",
                        R"({"value": "-2"})",
                        R"({"value": "abc"})",
                        R"({"value": "1.5 "})",
                        R"({"value": "1."})",
                        R"({"value": ".5"})",
                        R"({"value": "+1"})",
                        R"({"value": "1e"})",
                        R"({"value": "1e+"})",
                        R"({"value": "1e99999999999"})",
                        R"({"value": true})",
                        R"({"value": null})",
                        R"({"value": [1]})",
                        R"({"value": {}})",
                        R"({})",
                        R"({"value": 0})",
                        R"({"value": 1e300})",
                        R"({"value": 92233720368547758.08})",
                        R"({"value": 18446744073709551615})",
                        R"({"value": 1, "times": -2})",
                        R"({"value": 1, "times": "x"})"}) {
    const auto o = convert(p);
    EXPECT_FALSE(o.ok) << p;
    EXPECT_EQ(o.error, kDecimalInvalid) << p;
  }
  const auto negative = convert(R"({"value": -1.5, "field": "estimatedHours"})");
  EXPECT_NE(negative.cause.find("estimatedHours must not be negative (received -1.5)"),
            std::string::npos)
      << negative.cause;
}

TEST(DecimalToMinor, BadParametersAreNamed) {
  for (const char* p : {R"({"value": 1, "scale": 7})", R"({"value": 1, "scale": -1})",
                        R"({"value": 1, "scale": 1.5})", R"({"value": 1, "allowZero": "yes"})",
                        R"({"value": 1, "field": ""})", R"({"value": 1, "extra": 1})", R"([1])"}) {
    const auto o = convert(p);
    EXPECT_FALSE(o.ok) << p;
    EXPECT_EQ(o.error, kDecimalInvalidParameters) << p;
  }
}

TEST(DecimalToMinor, TheLargestExactAmountFitsAndOneMoreDoesNot) {
  const auto max = convert(R"({"value": "92233720368547758.07"})");
  ASSERT_TRUE(max.ok) << max.cause;
  EXPECT_EQ(max.result.at("minor"), std::numeric_limits<std::int64_t>::max());
  EXPECT_FALSE(convert(R"({"value": "92233720368547758.08"})").ok);
}

}  // namespace
}  // namespace settled
