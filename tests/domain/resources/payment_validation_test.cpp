// Tests for settled:payment.validate (src/domain/resources/payment_validation.hpp).

#include "domain/resources/payment_validation.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <string>
#include <string_view>

namespace settled {
namespace {

namespace json = boost::json;
using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr const char* kValid =
    R"({"paymentId": "p-1", "customerId": "c-1", "amount": 1250, "currency": "USD", "paymentMethod": "pm_card_visa"})";

// kValid with `field` set to the JSON `value` (or removed when value is empty).
json::value with(const char* field, std::string_view value) {
  json::value v = json::parse(kValid);
  if (value.empty()) {
    v.as_object().erase(field);
  } else {
    v.as_object()[field] = json::parse(value);
  }
  return v;
}

Error refusal(const json::value& input) {
  auto r = validate_payment(input, "input");
  if (r.ok()) {
    ADD_FAILURE() << "accepted " << json::serialize(input);
    return Error{};
  }
  return r.error();
}

TEST(PaymentValidation, AcceptsAndNormalises) {
  auto r = validate_payment(json::parse(kValid), "input");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(json::value(*r),
            json::parse(R"({"paymentId": "p-1", "customerId": "c-1", "amount": 1250,
      "currency": "USD", "paymentMethod": "pm_card_visa", "description": ""})"));
  auto described = validate_payment(with("description", R"("two coffees")"), "input");
  ASSERT_TRUE(described.ok());
  EXPECT_EQ(described->at("description"), json::value("two coffees"));
}

TEST(PaymentValidation, AcceptsBoundaryValues) {
  EXPECT_TRUE(validate_payment(with("amount", "1"), "input").ok());
  EXPECT_TRUE(validate_payment(with("amount", "9223372036854775807"), "input").ok());
  EXPECT_TRUE(
      validate_payment(with("paymentId", "\"" + std::string(80, 'a') + "\""), "input").ok());
  EXPECT_TRUE(validate_payment(with("paymentId", R"("Ab9-_.:z")"), "input").ok());
  EXPECT_TRUE(
      validate_payment(with("customerId", "\"" + std::string(255, 'c') + "\""), "input").ok());
  EXPECT_TRUE(
      validate_payment(with("description", "\"" + std::string(1000, 'd') + "\""), "input").ok());
  EXPECT_TRUE(validate_payment(with("currency", R"("EUR")"), "input").ok());
}

TEST(PaymentValidation, RefusesFloatAmounts) {
  for (const char* amount : {"12.5", "1250.0", "1e3", "0.1"}) {
    const Error e = refusal(with("amount", amount));
    EXPECT_EQ(e.code, ErrorCode::kInvalidAmount) << amount;
    EXPECT_THAT(e.message, StartsWith("input.amount")) << amount;
    EXPECT_THAT(e.message, HasSubstr("integer")) << amount;
  }
}

TEST(PaymentValidation, RefusesStringAndOtherNonNumberAmounts) {
  for (const char* amount : {R"("1250")", "true", "null", "[1250]", R"({"value": 1250})"}) {
    const Error e = refusal(with("amount", amount));
    EXPECT_EQ(e.code, ErrorCode::kInvalidAmount) << amount;
    EXPECT_THAT(e.message, StartsWith("input.amount")) << amount;
  }
}

// The customer's notifications are listed by this id (GET /v1/users/{customerId}/...), keyed
// id + NUL: an id holding a NUL would list in another customer's inbox.
TEST(PaymentValidation, RefusesACustomerIdNoRequestPathCouldName) {
  for (const char* id : {R"("c\u0000x")", R"("c\u0007")", R"("a/b")", R"("a\\b")", R"("..")"}) {
    const Error e = refusal(with("customerId", id));
    EXPECT_EQ(e.code, ErrorCode::kInvalidRequest) << id;
    EXPECT_THAT(e.message, StartsWith("input.customerId must be text a request path can name"))
        << id;
  }
}

TEST(PaymentValidation, RefusesZeroAndNegativeAmounts) {
  for (const char* amount : {"0", "-1", "-1250", "-9223372036854775808"}) {
    const Error e = refusal(with("amount", amount));
    EXPECT_EQ(e.code, ErrorCode::kInvalidAmount) << amount;
    EXPECT_THAT(e.message, StartsWith("input.amount")) << amount;
    EXPECT_THAT(e.message, HasSubstr("positive")) << amount;
  }
}

TEST(PaymentValidation, RefusesOverflowingAmounts) {
  for (const char* amount :
       {"9223372036854775808", "18446744073709551615", "100000000000000000000000"}) {
    const Error e = refusal(with("amount", amount));
    EXPECT_EQ(e.code, ErrorCode::kInvalidAmount) << amount;
    EXPECT_THAT(e.message, StartsWith("input.amount")) << amount;
    EXPECT_THAT(e.message, HasSubstr("overflow")) << amount;
  }
}

TEST(PaymentValidation, RefusesMissingAmount) {
  const Error e = refusal(with("amount", ""));
  EXPECT_EQ(e.code, ErrorCode::kInvalidAmount);
  EXPECT_THAT(e.message, StartsWith("input.amount"));
}

TEST(PaymentValidation, RefusesHour) {
  const Error e = refusal(with("currency", R"("HOUR")"));
  EXPECT_EQ(e.code, ErrorCode::kInvalidRequest);
  EXPECT_THAT(e.message, StartsWith("input.currency"));
  EXPECT_THAT(e.message, HasSubstr("HOUR"));
}

TEST(PaymentValidation, RefusesBadCurrencies) {
  for (const char* currency : {R"("usd")", R"("US")", R"("USDX")", R"("")", "840", "null"}) {
    const Error e = refusal(with("currency", currency));
    EXPECT_EQ(e.code, ErrorCode::kInvalidRequest) << currency;
    EXPECT_THAT(e.message, StartsWith("input.currency")) << currency;
  }
  const Error missing = refusal(with("currency", ""));
  EXPECT_THAT(missing.message, StartsWith("input.currency"));
}

TEST(PaymentValidation, RefusesUnknownFields) {
  json::value v = json::parse(kValid);
  v.as_object()["amount_cents"] = 5;
  const Error e = refusal(v);
  EXPECT_EQ(e.code, ErrorCode::kInvalidRequest);
  EXPECT_THAT(e.message, StartsWith("input.amount_cents"));
  EXPECT_THAT(e.message, HasSubstr("not a field"));
}

TEST(PaymentValidation, RefusesBadIdentifiers) {
  struct Case {
    const char* field;
    std::string value;
  };
  const Case cases[] = {
      {"paymentId", ""},  // missing
      {"paymentId", R"("")"},
      {"paymentId", R"("has space")"},
      {"paymentId", R"("slash/inside")"},
      {"paymentId", "\"" + std::string(81, 'a') + "\""},
      {"paymentId", "17"},
      {"customerId", ""},
      {"customerId", R"("")"},
      {"customerId", "\"" + std::string(256, 'c') + "\""},
      {"customerId", "null"},
      {"paymentMethod", ""},
      {"paymentMethod", R"("card_visa")"},
      {"paymentMethod", R"("")"},
      {"paymentMethod", "{}"},
      {"description", "42"},
      {"description", "\"" + std::string(1001, 'd') + "\""},
  };
  for (const auto& c : cases) {
    const Error e = refusal(with(c.field, c.value));
    EXPECT_EQ(e.code, ErrorCode::kInvalidRequest) << c.field << "=" << c.value;
    EXPECT_THAT(e.message, StartsWith(std::string("input.") + c.field))
        << c.field << "=" << c.value;
  }
}

TEST(PaymentValidation, RefusesNonObjectInput) {
  for (const char* text : {"[]", "null", R"("p-1")", "1250"}) {
    auto r = validate_payment(json::parse(text), "input");
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidRequest);
    EXPECT_THAT(r.error().message, StartsWith("input must be a JSON object"));
  }
}

TEST(PaymentValidation, RunReturnsTheNormalisedPaymentOrPaymentInvalidInput) {
  TaskAttempt attempt;
  attempt.resource = "settled:payment.validate";
  attempt.parameters = json::parse(kValid);
  const TaskOutcome ok = run_payment_validate(attempt);
  ASSERT_TRUE(ok.ok);
  EXPECT_EQ(ok.result.at("description"), json::value(""));
  EXPECT_EQ(ok.result.at("amount"), json::value(1250));
  EXPECT_TRUE(ok.writes.empty());

  attempt.parameters = with("amount", "12.5");
  const TaskOutcome bad = run_payment_validate(attempt);
  EXPECT_FALSE(bad.ok);
  EXPECT_EQ(bad.error, "Payment.InvalidInput");
  EXPECT_THAT(bad.cause, StartsWith("$.amount"));
  EXPECT_TRUE(bad.writes.empty());
}

TEST(PaymentValidation, ValidNames) {
  EXPECT_TRUE(is_valid_name("a"));
  EXPECT_TRUE(is_valid_name("order-2026.11:21_x"));
  EXPECT_TRUE(is_valid_name(std::string(80, 'n')));
  EXPECT_FALSE(is_valid_name(""));
  EXPECT_FALSE(is_valid_name(std::string(81, 'n')));
  EXPECT_FALSE(is_valid_name("a b"));
  EXPECT_FALSE(is_valid_name("a/b"));
  EXPECT_FALSE(is_valid_name("caf\xc3\xa9"));
  EXPECT_FALSE(is_valid_name(std::string("a\0b", 3)));
}

}  // namespace
}  // namespace settled
