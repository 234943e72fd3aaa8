// The live Stripe client's calls other than paymentIntents.create against the loopback fake
// Stripe (tests/fakes/fake_stripe_server.hpp): per call, the method, path, query or form and
// headers it sends (Idempotency-Key on POSTs, Stripe-Account for payouts), and how Stripe's
// answers and errors come back.

#include "adapters/stripe/stripe_client.hpp"
#include "fakes/fake_stripe_server.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <chrono>
#include <future>
#include <memory>
#include <string>

namespace settled::adapters {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using settled::testing::FakeStripeServer;

class StripeClientCalls : public ::testing::Test {
 protected:
  void SetUp() override {
    StripeClientOptions options;
    options.secret_key = fake_.secret_key();
    options.api_base = fake_.base_url();
    options.max_rate_limit_retries = 0;  // a 429 comes back as such (retries: limits test)
    auto client = StripeClient::create(std::move(options));
    ASSERT_TRUE(client.ok()) << client.error().message;
    client_ = *client;
  }

  TaskOutcome call(const std::string& method, json::value params,
                   const std::string& key = "exec-1/Step/1") {
    TaskAttempt a;
    a.resource = "settled:stripe." + method;
    a.parameters = std::move(params);
    a.idempotency_key = key;
    auto promise = std::make_shared<std::promise<TaskOutcome>>();
    auto future = promise->get_future();
    client_->make_resource_call(a, [promise](TaskOutcome o) { promise->set_value(std::move(o)); });
    if (future.wait_for(10s) != std::future_status::ready) {
      ADD_FAILURE() << "no outcome for " << method;
      return TaskOutcome::failure("test.NoOutcome", "");
    }
    return future.get();
  }

  // The one request the fake received.
  FakeStripeServer::Recorded only_request() {
    auto recorded = fake_.recorded();
    EXPECT_EQ(recorded.size(), 1u);
    return recorded.empty() ? FakeStripeServer::Recorded{} : recorded.back();
  }

  FakeStripeServer fake_;
  std::shared_ptr<StripeClient> client_;
};

std::string error_body(const char* type, const char* code, const char* message) {
  return json::serialize(
      json::object{{"error", {{"type", type}, {"code", code}, {"message", message}}}});
}

struct PostCase {
  const char* method;
  json::value params;
  const char* path;  // what the fake must see
  const char* form;
  const char* answer;  // the object the fake answers
};

TEST_F(StripeClientCalls, EveryPostSendsItsPathFormAndIdempotencyKey) {
  const PostCase cases[] = {
      {"paymentIntents.confirm",
       {{"id", "pi_1"}, {"payment_method", "pm_card_visa"}},
       "/v1/payment_intents/pi_1/confirm",
       "payment_method=pm_card_visa",
       R"({"id":"pi_1","object":"payment_intent","status":"succeeded"})"},
      {"paymentIntents.capture",
       {{"id", "pi_1"}, {"amount_to_capture", 600}},
       "/v1/payment_intents/pi_1/capture",
       "amount_to_capture=600",
       R"({"id":"pi_1","object":"payment_intent","status":"succeeded","amount_received":600})"},
      {"paymentIntents.cancel",
       {{"id", "pi_1"}, {"cancellation_reason", "abandoned"}},
       "/v1/payment_intents/pi_1/cancel",
       "cancellation_reason=abandoned",
       R"({"id":"pi_1","object":"payment_intent","status":"canceled"})"},
      {"refunds.create",
       {{"payment_intent", "pi_1"}, {"amount", 400}, {"metadata", {{"bookingId", "b 1"}}}},
       "/v1/refunds",
       "payment_intent=pi_1&amount=400&metadata[bookingId]=b%201",
       R"({"id":"re_1","object":"refund","amount":400})"},
      {"transfers.create",
       {{"amount", 700}, {"currency", "usd"}, {"destination", "acct_1"}, {"transfer_group", "g"}},
       "/v1/transfers",
       "amount=700&currency=usd&destination=acct_1&transfer_group=g",
       R"({"id":"tr_1","object":"transfer","amount":700})"},
      {"accounts.create",
       {{"type", "express"}, {"capabilities", {{"transfers", {{"requested", true}}}}}},
       "/v1/accounts",
       "type=express&capabilities[transfers][requested]=true",
       R"({"id":"acct_1","object":"account","charges_enabled":false})"},
      {"accountLinks.create",
       {{"account", "acct_1"},
        {"type", "account_onboarding"},
        {"refresh_url", "https://x.test/r"},
        {"return_url", "https://x.test/d"}},
       "/v1/account_links",
       "account=acct_1&type=account_onboarding&refresh_url=https%3A%2F%2Fx.test%2Fr"
       "&return_url=https%3A%2F%2Fx.test%2Fd",
       R"({"object":"account_link","url":"https://connect.example/setup","expires_at":1})"},
  };
  int n = 0;
  for (const PostCase& c : cases) {
    SCOPED_TRACE(c.method);
    fake_.answer("POST", c.path, 200, c.answer);
    const std::string key = "exec-1/Step/" + std::to_string(++n);
    TaskOutcome o = call(c.method, c.params, key);
    ASSERT_TRUE(o.ok) << o.error << " " << o.cause;
    EXPECT_EQ(o.result, json::parse(c.answer));
    const auto sent = fake_.recorded().back();
    EXPECT_EQ(sent.method, "POST");
    EXPECT_EQ(sent.target, c.path);
    EXPECT_EQ(sent.body, c.form);
    EXPECT_EQ(sent.idempotency_key, key);
    EXPECT_EQ(sent.content_type, "application/x-www-form-urlencoded");
    EXPECT_EQ(sent.authorization, "Bearer " + fake_.secret_key());
    EXPECT_EQ(sent.stripe_account, "");
  }
  EXPECT_EQ(fake_.requests(), std::size(cases));
}

TEST_F(StripeClientCalls, PayoutsAreMadeOnTheConnectedAccountByStripeAccount) {
  fake_.answer("POST", "/v1/payouts", 200,
               R"({"id":"po_1","object":"payout","amount":500,"status":"pending"})");
  TaskOutcome o =
      call("payouts.create", {{"amount", 500}, {"currency", "usd"}, {"stripeAccount", "acct_42"}},
           "exec-2/Payout/1");
  ASSERT_TRUE(o.ok) << o.cause;
  EXPECT_EQ(o.result.at("status"), "pending");
  const auto sent = only_request();
  EXPECT_EQ(sent.target, "/v1/payouts");
  EXPECT_EQ(sent.stripe_account, "acct_42");
  EXPECT_EQ(sent.body, "amount=500&currency=usd");  // the header, not a form field
  EXPECT_EQ(sent.idempotency_key, "exec-2/Payout/1");
}

TEST_F(StripeClientCalls, ReadsAreGetsWithAQueryAndNoIdempotencyKey) {
  fake_.answer("GET", "/v1/payment_intents/pi_7", 200,
               R"({"id":"pi_7","object":"payment_intent","status":"succeeded"})");
  TaskOutcome intent =
      call("paymentIntents.retrieve", {{"id", "pi_7"}, {"expand", json::array{"latest_charge"}}});
  ASSERT_TRUE(intent.ok) << intent.cause;
  EXPECT_EQ(intent.result.at("id"), "pi_7");
  auto sent = fake_.recorded().back();
  EXPECT_EQ(sent.method, "GET");
  EXPECT_EQ(sent.target, "/v1/payment_intents/pi_7?expand%5B0%5D=latest_charge");
  EXPECT_EQ(sent.idempotency_key, "");
  EXPECT_EQ(sent.body, "");

  fake_.answer("GET", "/v1/accounts/acct_1", 200, R"({"id":"acct_1","object":"account"})");
  ASSERT_TRUE(call("accounts.retrieve", {{"id", "acct_1"}}).ok);
  EXPECT_EQ(fake_.recorded().back().target, "/v1/accounts/acct_1");

  fake_.answer("GET", "/v1/events", 200,
               R"({"object":"list","url":"/v1/events","has_more":false,"data":[]})");
  TaskOutcome events =
      call("events.list",
           {{"created", {{"gte", 1700000000}}}, {"limit", 100}, {"starting_after", "evt_9"}});
  ASSERT_TRUE(events.ok) << events.cause;
  EXPECT_EQ(events.result.at("object"), "list");
  EXPECT_EQ(fake_.recorded().back().target,
            "/v1/events?created%5Bgte%5D=1700000000&limit=100&starting_after=evt_9");
}

TEST_F(StripeClientCalls, StripesErrorsComeBackUnderTheirAslNames) {
  struct Case {
    const char* method;
    json::value params;
    const char* http_method;
    const char* path;
    unsigned status;
    std::string body;
    const char* name;
  };
  const Case cases[] = {
      {"refunds.create",
       {{"payment_intent", "pi_1"}, {"amount", 701}},
       "POST",
       "/v1/refunds",
       400,
       error_body("invalid_request_error", "amount_too_large",
                  "Refund amount is greater than unrefunded amount on charge"),
       "Stripe.InvalidRequestError"},
      {"paymentIntents.confirm",
       {{"id", "pi_2"}},
       "POST",
       "/v1/payment_intents/pi_2/confirm",
       402,
       error_body("card_error", "card_declined", "Your card was declined."),
       "Stripe.CardError"},
      {"payouts.create",
       {{"amount", 1}, {"currency", "usd"}, {"stripeAccount", "acct_1"}},
       "POST",
       "/v1/payouts",
       400,
       error_body("idempotency_error", "idempotency_key_in_use", "Keys for idempotent requests"),
       "Stripe.IdempotencyError"},
      {"events.list", json::object{}, "GET", "/v1/events", 429,
       error_body("rate_limit_error", "rate_limit", "Too many requests"), "Stripe.RateLimitError"},
      {"accounts.retrieve",
       {{"id", "acct_9"}},
       "GET",
       "/v1/accounts/acct_9",
       500,
       "<html>oops",
       "Stripe.APIError"},
      {"transfers.create",
       {{"amount", 1}, {"currency", "usd"}, {"destination", "acct_1"}},
       "POST",
       "/v1/transfers",
       401,
       error_body("invalid_request_error", "", "Invalid API Key"),
       "Stripe.AuthenticationError"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.method);
    fake_.answer(c.http_method, c.path, c.status, c.body);
    TaskOutcome o = call(c.method, c.params);
    ASSERT_FALSE(o.ok);
    EXPECT_EQ(o.error, c.name);
    const json::value cause = json::parse(o.cause);
    EXPECT_TRUE(cause.at("type").is_string());
    EXPECT_TRUE(cause.at("message").is_string());
  }
}

TEST_F(StripeClientCalls, RefusedBeforeSendingWhenStripeCouldNotTakeIt) {
  struct Case {
    const char* method;
    json::value params;
    const char* key;
    const char* code;
  };
  const Case cases[] = {
      {"refunds.create",
       {{"payment_intent", "pi_1"}, {"amount", 10.5}},
       "k/1",
       "parameter_invalid_integer"},
      {"paymentIntents.capture", {{"amount_to_capture", 5}}, "k/2", "parameter_missing"},
      {"paymentIntents.cancel", {{"id", "pi_1/../../payouts"}}, "k/3", "parameter_invalid"},
      {"payouts.create", {{"amount", 5}, {"currency", "usd"}}, "k/4", "parameter_missing"},
      {"payouts.create",
       {{"amount", 5}, {"stripeAccount", "acct_1\r\nX-Evil: 1"}},
       "k/5",
       "parameter_invalid"},
      {"refunds.create", {{"payment_intent", "pi_1"}}, "", "idempotency_key_invalid"},
      {"balance.retrieve", json::object{}, "k/6", "resource_missing"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.method + std::string(" ") + json::serialize(c.params));
    TaskOutcome o = call(c.method, c.params, c.key);
    ASSERT_FALSE(o.ok);
    EXPECT_EQ(o.error, "Stripe.InvalidRequestError");
    EXPECT_EQ(json::parse(o.cause).at("code"), c.code);
  }
  EXPECT_EQ(fake_.requests(), 0u);  // nothing was sent
}

}  // namespace
}  // namespace settled::adapters
