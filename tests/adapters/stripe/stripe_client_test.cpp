// The live Stripe client against the loopback fake Stripe (tests/fakes/fake_stripe_server.hpp):
// request shape, error mapping, timeouts and lost answers replayed through the Idempotency-Key,
// the connection pool and its limit.

#include "adapters/stripe/stripe_client.hpp"
#include "fakes/fake_stripe_server.hpp"
#include "fakes/tls_http_server.hpp"
#include "support/temp_dir.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <chrono>
#include <fstream>
#include <future>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace settled::adapters {
namespace {

namespace json = boost::json;
using ::testing::HasSubstr;
using namespace std::chrono_literals;
using settled::testing::FakeStripeServer;

constexpr auto kWait = 10s;  // generous: only a broken client waits this long

TaskAttempt attempt(const std::string& key, json::value params) {
  TaskAttempt a;
  a.resource = "settled:stripe.paymentIntents.create";
  a.parameters = std::move(params);
  a.idempotency_key = key;
  a.execution_id = key.substr(0, key.find('/'));
  a.state_name = "ProcessPayment";
  return a;
}

json::value payment(const std::string& method = "pm_card_visa", std::int64_t amount = 1000) {
  return json::object{{"amount", amount},
                      {"currency", "usd"},
                      {"payment_method", method},
                      {"confirm", true},
                      {"metadata", {{"paymentId", "p-1"}, {"customerId", "c-9"}}}};
}

std::shared_ptr<StripeClient> client_for(const FakeStripeServer& fake,
                                         StripeClientOptions options = {}) {
  if (options.secret_key.empty()) options.secret_key = fake.secret_key();
  options.api_base = fake.base_url();
  auto client = StripeClient::create(std::move(options));
  if (!client) ADD_FAILURE() << client.error().message;
  return client ? *client : nullptr;
}

// Sends one create and waits (bounded) for its outcome.
TaskOutcome create(StripeClient& client, const TaskAttempt& a) {
  auto promise = std::make_shared<std::promise<TaskOutcome>>();
  auto future = promise->get_future();
  client.create_payment_intent(a, [promise](TaskOutcome o) { promise->set_value(std::move(o)); });
  if (future.wait_for(kWait) != std::future_status::ready) {
    ADD_FAILURE() << "no outcome within " << kWait.count() << " s";
    return TaskOutcome::failure("test.NoOutcome", "");
  }
  return future.get();
}

json::object cause_of(const TaskOutcome& o) {
  return json::parse(o.cause).as_object();
}

TEST(StripeClient, CreatesAPaymentIntentWithStripesHeadersAndFormBody) {
  FakeStripeServer fake;
  auto client = client_for(fake);
  ASSERT_TRUE(client);
  TaskOutcome o = create(*client, attempt("exec-1/ProcessPayment/3", payment()));
  ASSERT_TRUE(o.ok) << o.error << " " << o.cause;
  const auto& intent = o.result.as_object();
  EXPECT_EQ(intent.at("object"), "payment_intent");
  EXPECT_EQ(intent.at("status"), "succeeded");
  EXPECT_EQ(intent.at("amount"), 1000);
  EXPECT_EQ(intent.at("metadata").at("paymentId"), "p-1");
  EXPECT_EQ(intent.at("metadata").at("customerId"), "c-9");

  const auto recorded = fake.recorded();
  ASSERT_EQ(recorded.size(), 1u);
  EXPECT_EQ(recorded[0].authorization, "Bearer " + fake.secret_key());
  EXPECT_EQ(recorded[0].stripe_version, "2024-06-20");
  EXPECT_EQ(recorded[0].idempotency_key, "exec-1/ProcessPayment/3");
  EXPECT_EQ(recorded[0].content_type, "application/x-www-form-urlencoded");
  EXPECT_EQ(recorded[0].body,
            "amount=1000&currency=usd&payment_method=pm_card_visa&confirm=true"
            "&metadata[paymentId]=p-1&metadata[customerId]=c-9");
}

TEST(StripeClient, SendsTheConfiguredStripeVersion) {
  FakeStripeServer fake;
  StripeClientOptions options;
  options.stripe_version = "2023-10-16";
  auto client = client_for(fake, options);
  ASSERT_TRUE(client);
  ASSERT_TRUE(create(*client, attempt("e/S/1", payment())).ok);
  EXPECT_EQ(fake.recorded().at(0).stripe_version, "2023-10-16");
}

TEST(StripeClient, DeclineIsACardErrorWithStripesErrorObjectAsCause) {
  FakeStripeServer fake;
  auto client = client_for(fake);
  ASSERT_TRUE(client);
  TaskOutcome o = create(*client, attempt("e/S/1", payment("pm_card_chargeDeclined")));
  ASSERT_FALSE(o.ok);
  EXPECT_EQ(o.error, "Stripe.CardError");
  const auto cause = cause_of(o);
  EXPECT_EQ(cause.at("type"), "card_error");
  EXPECT_EQ(cause.at("code"), "card_declined");
  EXPECT_EQ(cause.at("decline_code"), "generic_decline");

  // Stripe stores the decline under the key: a retry replays it, nothing new is created.
  TaskOutcome again = create(*client, attempt("e/S/1", payment("pm_card_chargeDeclined")));
  EXPECT_EQ(again.error, "Stripe.CardError");
  EXPECT_EQ(again.cause, o.cause);
  EXPECT_EQ(fake.intents_created(), 1u);
}

TEST(StripeClient, RateLimitAndServerErrorsMapAndAreRetryableWithTheSameKey) {
  FakeStripeServer fake;
  StripeClientOptions options;
  options.max_rate_limit_retries = 0;  // the 429 itself comes back (retries: limits test)
  auto client = client_for(fake, options);
  ASSERT_TRUE(client);
  const auto a = attempt("e/S/1", payment());

  fake.fail_next(1, 429);
  TaskOutcome limited = create(*client, a);
  EXPECT_EQ(limited.error, "Stripe.RateLimitError");
  EXPECT_EQ(cause_of(limited).at("type"), "rate_limit_error");

  fake.fail_next(1, 500);
  TaskOutcome broken = create(*client, a);
  EXPECT_EQ(broken.error, "Stripe.APIError");
  EXPECT_EQ(cause_of(broken).at("type"), "api_error");

  fake.fail_next(1, 503);
  EXPECT_EQ(create(*client, a).error, "Stripe.APIError");

  TaskOutcome ok = create(*client, a);
  ASSERT_TRUE(ok.ok) << ok.cause;
  EXPECT_EQ(fake.intents_created(), 1u);
  EXPECT_EQ(fake.requests_for("e/S/1"), 4u);
}

TEST(StripeClient, WrongSecretKeyIsAnAuthenticationError) {
  FakeStripeServer fake;
  StripeClientOptions options;
  options.secret_key = "sk_test_wrong";
  auto client = client_for(fake, options);
  ASSERT_TRUE(client);
  TaskOutcome o = create(*client, attempt("e/S/1", payment()));
  // Stripe's 401 body says invalid_request_error; the status decides.
  EXPECT_EQ(o.error, "Stripe.AuthenticationError");
  EXPECT_THAT(std::string(cause_of(o).at("message").as_string()), HasSubstr("Invalid API Key"));
  EXPECT_EQ(fake.intents_created(), 0u);
}

TEST(StripeClient, SameKeyWithOtherParametersIsAnIdempotencyError) {
  FakeStripeServer fake;
  auto client = client_for(fake);
  ASSERT_TRUE(client);
  ASSERT_TRUE(create(*client, attempt("e/S/1", payment("pm_card_visa", 1000))).ok);
  TaskOutcome o = create(*client, attempt("e/S/1", payment("pm_card_visa", 2000)));
  EXPECT_EQ(o.error, "Stripe.IdempotencyError");
  EXPECT_EQ(cause_of(o).at("code"), "idempotency_key_in_use");
  EXPECT_EQ(fake.intents_created(), 1u);
}

TEST(StripeClient, TimeoutIsAnUnknownOutcomeAndTheRetryReplaysWithoutASecondIntent) {
  FakeStripeServer fake;
  StripeClientOptions options;
  options.request_timeout = 300ms;
  auto client = client_for(fake, options);
  ASSERT_TRUE(client);
  const auto a = attempt("e/S/1", payment());

  fake.delay_next(1, 5s);  // Stripe charges at once but answers too late
  TaskOutcome lost = create(*client, a);
  ASSERT_FALSE(lost.ok);
  EXPECT_EQ(lost.error, "Stripe.Unknown");
  const auto cause = cause_of(lost);
  EXPECT_EQ(cause.at("type"), "api_connection_error");
  EXPECT_THAT(std::string(cause.at("message").as_string()), HasSubstr("timed out"));
  EXPECT_THAT(std::string(cause.at("message").as_string()), HasSubstr("outcome is unknown"));
  EXPECT_THAT(std::string(cause.at("message").as_string()), HasSubstr("same Idempotency-Key"));
  EXPECT_EQ(fake.intents_created(), 1u);

  TaskOutcome replayed = create(*client, a);
  ASSERT_TRUE(replayed.ok) << replayed.cause;
  EXPECT_EQ(replayed.result.at("id"), "pi_fake_1");
  EXPECT_EQ(fake.intents_created(), 1u);
  EXPECT_EQ(fake.requests_for("e/S/1"), 2u);
}

TEST(StripeClient, ConnectionDroppedAfterTheChargeIsReplayedOnRetry) {
  FakeStripeServer fake;
  auto client = client_for(fake);
  ASSERT_TRUE(client);
  const auto a = attempt("e/S/1", payment());

  fake.drop_next(1);
  TaskOutcome lost = create(*client, a);
  EXPECT_EQ(lost.error, "Stripe.Unknown");
  EXPECT_THAT(lost.cause, HasSubstr("outcome is unknown"));
  EXPECT_EQ(fake.intents_created(), 1u);

  ASSERT_TRUE(fake.wait_until_serving(kWait));
  TaskOutcome replayed = create(*client, a);
  ASSERT_TRUE(replayed.ok) << replayed.cause;
  EXPECT_EQ(replayed.result.at("id"), "pi_fake_1");
  EXPECT_EQ(fake.intents_created(), 1u);
  EXPECT_EQ(fake.requests_for("e/S/1"), 2u);
}

TEST(StripeClient, APooledConnectionTheServerClosedIsReplacedTransparently) {
  FakeStripeServer fake;
  auto client = client_for(fake);
  ASSERT_TRUE(client);
  ASSERT_TRUE(create(*client, attempt("e/S/1", payment())).ok);
  EXPECT_EQ(client->connections_opened(), 1u);
  ASSERT_TRUE(create(*client, attempt("e/S/2", payment())).ok);
  EXPECT_EQ(client->connections_opened(), 1u);  // kept alive and reused

  fake.close_connections();
  TaskOutcome o = create(*client, attempt("e/S/3", payment()));
  ASSERT_TRUE(o.ok) << o.error << " " << o.cause;
  EXPECT_EQ(client->connections_opened(), 2u);
  EXPECT_EQ(fake.requests_for("e/S/3"), 1u);
  EXPECT_EQ(fake.intents_created(), 3u);
}

TEST(StripeClient, ManyConcurrentCreatesAllSucceedWithinThePoolLimit) {
  FakeStripeServer fake;
  StripeClientOptions options;
  options.max_connections = 8;
  options.max_requests_per_second = 100000;  // the concurrency limit alone
  auto client = client_for(fake, options);
  ASSERT_TRUE(client);
  constexpr int kCount = 200;
  // Every answer is held a moment, so requests overlap and the limit is what bounds them.
  fake.delay_next(kCount, 10ms);

  std::vector<std::future<TaskOutcome>> futures;
  for (int i = 0; i < kCount; ++i) {
    auto promise = std::make_shared<std::promise<TaskOutcome>>();
    futures.push_back(promise->get_future());
    client->create_payment_intent(attempt("e" + std::to_string(i) + "/S/1", payment()),
                                  [promise](TaskOutcome o) { promise->set_value(std::move(o)); });
  }
  std::set<std::string> ids;
  for (auto& future : futures) {
    ASSERT_EQ(future.wait_for(kWait), std::future_status::ready);
    TaskOutcome o = future.get();
    ASSERT_TRUE(o.ok) << o.error << " " << o.cause;
    ids.insert(std::string(o.result.at("id").as_string()));
  }
  EXPECT_EQ(ids.size(), static_cast<std::size_t>(kCount));
  EXPECT_EQ(fake.intents_created(), static_cast<std::size_t>(kCount));
  EXPECT_EQ(fake.requests(), static_cast<std::size_t>(kCount));
  EXPECT_EQ(client->peak_in_flight(), 8u);
  EXPECT_LE(fake.peak_in_progress(), 8u);
  EXPECT_LE(client->connections_opened(), 8u);
}

TEST(StripeClient, FloatAmountIsRefusedBeforeAnythingIsSent) {
  FakeStripeServer fake;
  auto client = client_for(fake);
  ASSERT_TRUE(client);
  json::value params = payment();
  params.as_object()["amount"] = 10.5;
  TaskOutcome o = create(*client, attempt("e/S/1", params));
  EXPECT_EQ(o.error, "Stripe.InvalidRequestError");
  const auto cause = cause_of(o);
  EXPECT_EQ(cause.at("type"), "invalid_request_error");
  EXPECT_EQ(cause.at("code"), "parameter_invalid_integer");
  EXPECT_THAT(std::string(cause.at("message").as_string()), HasSubstr("amount"));
  EXPECT_EQ(fake.requests(), 0u);
  EXPECT_EQ(client->connections_opened(), 0u);
}

TEST(StripeClient, NoIdempotencyKeyNoRequest) {
  FakeStripeServer fake;
  auto client = client_for(fake);
  ASSERT_TRUE(client);
  TaskOutcome o = create(*client, attempt("", payment()));
  EXPECT_EQ(o.error, "Stripe.InvalidRequestError");
  EXPECT_EQ(fake.requests(), 0u);
}

TEST(StripeClient, NothingListeningIsAConnectionErrorThatSentNothing) {
  std::string base;
  {
    FakeStripeServer gone;
    base = gone.base_url();
  }
  StripeClientOptions options;
  options.secret_key = "sk_test_x";
  options.api_base = base;
  auto client = StripeClient::create(options);
  ASSERT_TRUE(client) << client.error().message;
  TaskOutcome o = create(**client, attempt("e/S/1", payment()));
  EXPECT_EQ(o.error, "Stripe.APIConnectionError");
  EXPECT_THAT(o.cause, HasSubstr("connect"));
  EXPECT_THAT(o.cause, HasSubstr("not sent"));
}

TEST(StripeClient, HttpsToAServerThatDoesNotSpeakTlsFailsTheHandshake) {
  FakeStripeServer fake;
  StripeClientOptions options;
  options.secret_key = fake.secret_key();
  options.api_base = "https://localhost:" + std::to_string(fake.port());
  options.request_timeout = 5s;
  auto client = StripeClient::create(options);
  ASSERT_TRUE(client) << client.error().message;
  TaskOutcome o = create(**client, attempt("e/S/1", payment()));
  EXPECT_EQ(o.error, "Stripe.APIConnectionError");
  EXPECT_THAT(o.cause, HasSubstr("tls"));
  EXPECT_EQ(fake.intents_created(), 0u);
}

TEST(StripeClient, RefusesBadConfiguration) {
  StripeClientOptions options;
  EXPECT_FALSE(StripeClient::create(options).ok());  // no key
  options.secret_key = "sk_test_x";
  options.api_base = "http://api.example.com";  // plain HTTP off loopback
  EXPECT_FALSE(StripeClient::create(options).ok());
  options.api_base = "http://127.0.0.1:1";
  options.max_connections = 0;
  EXPECT_FALSE(StripeClient::create(options).ok());
  options.max_connections = 1;
  options.secret_key = "sk_test_x\r\nX-Evil: 1";
  EXPECT_FALSE(StripeClient::create(options).ok());
}

// Over real TLS: the client verifies the server against the configured CA, sends SNI and its
// headers, and refuses a server it does not trust without sending the request.
TEST(StripeClientTls, CreatesAPaymentIntentOverVerifiedTls) {
  namespace http = boost::beast::http;
  const auto cert = settled::testing::SelfSignedCert::make("localhost", "DNS:localhost");
  std::mutex mutex;
  std::vector<settled::testing::TlsHttpServer::Request> seen;
  settled::testing::TlsHttpServer server(
      cert, [&](const settled::testing::TlsHttpServer::Request& req) {
        std::lock_guard<std::mutex> lock(mutex);
        seen.push_back(req);
        settled::testing::TlsHttpServer::Response res{http::status::ok, 11};
        res.set(http::field::content_type, "application/json");
        res.body() = R"({"id":"pi_tls","object":"payment_intent","amount":1000,)"
                     R"("currency":"usd","status":"succeeded"})";
        return res;
      });
  settled::testing::TempDir dir;
  const std::string ca_file = dir.path() + "/ca.pem";
  std::ofstream(ca_file) << cert.cert_pem;

  StripeClientOptions options;
  options.secret_key = "sk_test_tls";
  options.api_base = "https://localhost:" + std::to_string(server.port());
  options.ca_file = ca_file;
  auto trusted = StripeClient::create(options);
  ASSERT_TRUE(trusted.ok()) << trusted.error().message;
  TaskOutcome o = create(**trusted, attempt("exec-tls/ProcessPayment/3", payment()));
  ASSERT_TRUE(o.ok) << o.error << " " << o.cause;
  EXPECT_EQ(o.result.at("id"), "pi_tls");
  {
    std::lock_guard<std::mutex> lock(mutex);
    ASSERT_EQ(seen.size(), 1u);
    EXPECT_EQ(seen[0][http::field::authorization], "Bearer sk_test_tls");
    EXPECT_EQ(seen[0]["Idempotency-Key"], "exec-tls/ProcessPayment/3");
    EXPECT_EQ(seen[0][http::field::host], "localhost:" + std::to_string(server.port()));
  }

  options.ca_file.clear();
  auto untrusting = StripeClient::create(options);
  ASSERT_TRUE(untrusting.ok());
  TaskOutcome refused = create(**untrusting, attempt("exec-tls2/ProcessPayment/3", payment()));
  EXPECT_FALSE(refused.ok);
  EXPECT_EQ(refused.error, "Stripe.APIConnectionError") << refused.cause;
  EXPECT_GE(server.wait_for_failed_handshakes(1, std::chrono::seconds(10)), 1);
  std::lock_guard<std::mutex> lock(mutex);
  EXPECT_EQ(seen.size(), 1u);
}

}  // namespace
}  // namespace settled::adapters
