// The Stripe call table and how a task's parameters become path, header and form
// (src/domain/stripe/stripe_calls.hpp).

#include "domain/stripe/stripe_calls.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

namespace settled::stripe {
namespace {

namespace json = boost::json;

TEST(StripeCalls, EveryCallHasItsMethodAndPath) {
  struct Case {
    const char* resource;
    HttpMethod method;
    const char* path;
  };
  for (const Case& c : {
           Case{"settled:stripe.paymentIntents.create", HttpMethod::kPost, "/v1/payment_intents"},
           Case{"settled:stripe.paymentIntents.confirm", HttpMethod::kPost,
                "/v1/payment_intents/pi_1/confirm"},
           Case{"settled:stripe.paymentIntents.capture", HttpMethod::kPost,
                "/v1/payment_intents/pi_1/capture"},
           Case{"settled:stripe.paymentIntents.cancel", HttpMethod::kPost,
                "/v1/payment_intents/pi_1/cancel"},
           Case{"settled:stripe.paymentIntents.retrieve", HttpMethod::kGet,
                "/v1/payment_intents/pi_1"},
           Case{"settled:stripe.refunds.create", HttpMethod::kPost, "/v1/refunds"},
           Case{"settled:stripe.transfers.create", HttpMethod::kPost, "/v1/transfers"},
           Case{"settled:stripe.accounts.create", HttpMethod::kPost, "/v1/accounts"},
           Case{"settled:stripe.accountLinks.create", HttpMethod::kPost, "/v1/account_links"},
           Case{"settled:stripe.accounts.retrieve", HttpMethod::kGet, "/v1/accounts/pi_1"},
           Case{"settled:stripe.events.list", HttpMethod::kGet, "/v1/events"},
       }) {
    SCOPED_TRACE(c.resource);
    auto request = plan_stripe_request(c.resource, json::object{{"id", "pi_1"}, {"amount", 5}});
    if (std::string(c.path).find("pi_1") == std::string::npos) {
      // No id in the path: `id` stays a form parameter (and Stripe would refuse it).
      request = plan_stripe_request(c.resource, json::object{{"amount", 5}});
    }
    ASSERT_TRUE(request.ok()) << request.error().message;
    EXPECT_EQ(request->call->method, c.method);
    EXPECT_EQ(request->path, c.path);
    EXPECT_FALSE(request->params.contains("id"));
    EXPECT_EQ(request->params.at("amount"), 5);
    EXPECT_TRUE(request->stripe_account.empty());
  }
  EXPECT_EQ(stripe_calls().size(), 12u);
  EXPECT_EQ(find_stripe_call("settled:stripe.charges.create"), nullptr);
}

TEST(StripeCalls, PayoutsGoToTheConnectedAccountNamedByStripeAccount) {
  auto request = plan_stripe_request(
      "settled:stripe.payouts.create",
      json::object{{"amount", 500}, {"currency", "usd"}, {"stripeAccount", "acct_123"}});
  ASSERT_TRUE(request.ok()) << request.error().message;
  EXPECT_EQ(request->path, "/v1/payouts");
  EXPECT_EQ(request->stripe_account, "acct_123");
  EXPECT_EQ(request->params, (json::object{{"amount", 500}, {"currency", "usd"}}));

  auto missing = plan_stripe_request("settled:stripe.payouts.create", json::object{{"amount", 5}});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, "parameter_missing");
  EXPECT_EQ(missing.error().param, "stripeAccount");
  for (const json::value& bad :
       {json::value("cus_1"), json::value(7), json::value("acct_\r\nX: y")}) {
    auto refused = plan_stripe_request("settled:stripe.payouts.create",
                                       json::object{{"amount", 5}, {"stripeAccount", bad}});
    ASSERT_FALSE(refused.ok()) << bad;
    EXPECT_EQ(refused.error().code, "parameter_invalid");
  }
  auto elsewhere = plan_stripe_request("settled:stripe.refunds.create",
                                       json::object{{"stripeAccount", "acct_1"}});
  ASSERT_FALSE(elsewhere.ok());
  EXPECT_EQ(elsewhere.error().code, "parameter_unknown");
}

TEST(StripeCalls, ThePathIdMustBeAStripeId) {
  const char* resource = "settled:stripe.paymentIntents.retrieve";
  EXPECT_EQ(plan_stripe_request(resource, json::object{}).error().code, "parameter_missing");
  for (const json::value& bad :
       {json::value("pi_1/../../v1/payouts"), json::value("pi 1"), json::value(""), json::value(12),
        json::value("pi_1?expand=x"), json::value(std::string(256, 'a'))}) {
    auto refused = plan_stripe_request(resource, json::object{{"id", bad}});
    ASSERT_FALSE(refused.ok()) << bad;
    EXPECT_EQ(refused.error().type, "invalid_request_error");
    EXPECT_EQ(refused.error().param, "id");
  }
  EXPECT_FALSE(plan_stripe_request(resource, json::array{}).ok());
  EXPECT_FALSE(plan_stripe_request("settled:stripe.nope", json::object{}).ok());
}

}  // namespace
}  // namespace settled::stripe
