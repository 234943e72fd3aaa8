#include "adapters/stripe/stripe_response.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

namespace settled::adapters {
namespace {

namespace json = boost::json;

json::object cause(const TaskOutcome& o) {
  return json::parse(o.cause).as_object();
}

std::string body(const char* type, const char* code = "") {
  json::object e{{"type", type}, {"message", "m"}};
  if (*code) e["code"] = code;
  return json::serialize(json::object{{"error", e}});
}

TEST(StripeResponse, SuccessIsTheObject) {
  TaskOutcome o = stripe_response_outcome(200, R"({"id":"pi_1","object":"payment_intent"})");
  ASSERT_TRUE(o.ok);
  EXPECT_EQ(o.result.at("id"), "pi_1");
}

TEST(StripeResponse, ErrorTypesAsTheSimulatorNamesThem) {
  EXPECT_EQ(stripe_response_outcome(402, body("card_error", "card_declined")).error,
            "Stripe.CardError");
  EXPECT_EQ(stripe_response_outcome(400, body("invalid_request_error")).error,
            "Stripe.InvalidRequestError");
  EXPECT_EQ(stripe_response_outcome(404, body("invalid_request_error")).error,
            "Stripe.InvalidRequestError");
  EXPECT_EQ(stripe_response_outcome(400, body("idempotency_error")).error,
            "Stripe.IdempotencyError");
  EXPECT_EQ(stripe_response_outcome(409, body("idempotency_error")).error,
            "Stripe.IdempotencyError");
  // The cause is Stripe's error object, unchanged.
  EXPECT_EQ(cause(stripe_response_outcome(402, body("card_error", "card_declined"))).at("code"),
            "card_declined");
}

TEST(StripeResponse, StatusDecidesWhereItsMeaningIsFixed) {
  EXPECT_EQ(stripe_response_outcome(401, body("invalid_request_error")).error,
            "Stripe.AuthenticationError");
  EXPECT_EQ(stripe_response_outcome(429, body("invalid_request_error")).error,
            "Stripe.RateLimitError");
  EXPECT_EQ(stripe_response_outcome(500, body("api_error")).error, "Stripe.APIError");
  EXPECT_EQ(stripe_response_outcome(503, "<html>busy</html>").error, "Stripe.APIError");
}

TEST(StripeResponse, BodiesWithoutAnErrorObjectGetOneInStripesShape) {
  TaskOutcome o = stripe_response_outcome(429, "");
  EXPECT_EQ(o.error, "Stripe.RateLimitError");
  EXPECT_EQ(cause(o).at("type"), "rate_limit_error");
  EXPECT_EQ(stripe_response_outcome(402, "{}").error, "Stripe.CardError");
  EXPECT_EQ(stripe_response_outcome(418, "nope").error, "Stripe.APIError");

  TaskOutcome garbled = stripe_response_outcome(200, "not json");
  EXPECT_FALSE(garbled.ok);
  EXPECT_EQ(garbled.error, "Stripe.APIError");
}

TEST(StripeResponse, ConnectionFailuresSayWhetherTheOutcomeIsKnown) {
  TaskOutcome unknown = stripe_connection_failure("read failed", true);
  EXPECT_EQ(unknown.error, "Stripe.Unknown");
  EXPECT_EQ(cause(unknown).at("outcome"), "unknown");
  const std::string m(cause(unknown).at("message").as_string());
  EXPECT_NE(m.find("outcome is unknown"), std::string::npos);
  EXPECT_NE(m.find("same Idempotency-Key"), std::string::npos);
  EXPECT_EQ(cause(unknown).at("type"), "api_connection_error");

  TaskOutcome unsent = stripe_connection_failure("connect failed", false);
  EXPECT_NE(unsent.cause.find("not sent"), std::string::npos);
}

}  // namespace
}  // namespace settled::adapters
