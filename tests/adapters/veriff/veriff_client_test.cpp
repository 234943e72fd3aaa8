// The live Veriff client against the HTTPS fake (tests/fakes/fake_veriff_server.hpp): requests
// signed as Veriff checks them, Veriff's statuses as the Veriff.* names, refusals before
// anything is sent, failures before and after sending, and a POST never sent twice.

#include "adapters/veriff/veriff_client.hpp"

#include "domain/veriff/veriff_calls.hpp"
#include "fakes/fake_veriff_server.hpp"
#include "support/temp_dir.hpp"
#include "support/veriff_signing.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <chrono>
#include <fstream>
#include <future>

namespace settled::adapters {
namespace {

namespace json = boost::json;
using testing::FakeVeriffServer;

constexpr const char* kKey = "veriff-unit-key";
constexpr const char* kSecret = "veriff-unit-secret";

DownstreamConnection::Exchange answered(unsigned status, std::string body) {
  DownstreamConnection::Exchange exchange;
  exchange.maybe_sent = true;
  exchange.got_response = true;
  exchange.response.result(status);
  exchange.response.body() = std::move(body);
  return exchange;
}

DownstreamConnection::Exchange failed(const char* stage, bool maybe_sent, bool timed_out) {
  DownstreamConnection::Exchange exchange;
  exchange.error = boost::asio::error::connection_reset;
  exchange.stage = stage;
  exchange.maybe_sent = maybe_sent;
  exchange.timed_out = timed_out;
  return exchange;
}

TEST(VeriffExchangeOutcome, StatusesAreTheSimulatorsNames) {
  const DownstreamOptions options;
  auto ok = veriff_exchange_outcome(answered(201, R"({"status":"success"})"), options);
  ASSERT_TRUE(ok.ok);
  EXPECT_EQ(ok.result.at("status"), "success");
  const std::string fail = R"({"status":"fail","code":1801,"message":"m"})";
  EXPECT_EQ(veriff_exchange_outcome(answered(400, fail), options).error, "Veriff.InvalidRequest");
  EXPECT_EQ(veriff_exchange_outcome(answered(401, fail), options).error,
            "Veriff.AuthenticationError");
  EXPECT_EQ(veriff_exchange_outcome(answered(403, fail), options).error,
            "Veriff.AuthenticationError");
  EXPECT_EQ(veriff_exchange_outcome(answered(404, fail), options).error, "Veriff.NotFound");
  EXPECT_EQ(veriff_exchange_outcome(answered(429, fail), options).error, "Veriff.RateLimitError");
  EXPECT_EQ(veriff_exchange_outcome(answered(503, "<html>"), options).error, "Veriff.APIError");
  // The cause is Veriff's body, or one in its shape.
  EXPECT_EQ(veriff_exchange_outcome(answered(401, fail), options).cause, fail);
  auto made = json::parse(veriff_exchange_outcome(answered(502, "gateway"), options).cause);
  EXPECT_EQ(made.at("status"), "fail");
  EXPECT_EQ(made.at("code"), 502);
  EXPECT_EQ(veriff_exchange_outcome(answered(200, "[]"), options).error, "Veriff.APIError");
}

TEST(VeriffExchangeOutcome, NotSentIsAConnectionErrorSentAndUnansweredIsUnknown) {
  const DownstreamOptions options;
  EXPECT_EQ(veriff_exchange_outcome(failed("connect", false, false), options).error,
            "Veriff.APIConnectionError");
  EXPECT_EQ(veriff_exchange_outcome(failed("tls", false, true), options).error,
            "Veriff.APIConnectionError");
  auto unknown = veriff_exchange_outcome(failed("read", true, true), options);
  EXPECT_EQ(unknown.error, "Veriff.Unknown");
  EXPECT_NE(unknown.cause.find("timed out"), std::string::npos) << unknown.cause;
  EXPECT_EQ(veriff_exchange_outcome(failed("write", true, false), options).error, "Veriff.Unknown");
}

TEST(VeriffClient, RefusesAMissingBaseUrlKeyOrSecret) {
  VeriffClientOptions options;
  options.api_key = kKey;
  options.shared_secret = kSecret;
  EXPECT_FALSE(VeriffClient::create(options).ok());  // no base URL
  options.api_base = "ftp://veriff.example";
  EXPECT_FALSE(VeriffClient::create(options).ok());
  options.api_base = "http://10.0.0.1";  // plain http off loopback
  EXPECT_FALSE(VeriffClient::create(options).ok());
  options.api_base = "https://veriff.example";
  options.api_key = "two words";
  EXPECT_FALSE(VeriffClient::create(options).ok());
  options.api_key = kKey;
  options.shared_secret.clear();
  EXPECT_FALSE(VeriffClient::create(options).ok());
  options.shared_secret = kSecret;
  options.max_requests_per_second = 0;
  EXPECT_FALSE(VeriffClient::create(options).ok());
  options.max_requests_per_second = 10;
  EXPECT_TRUE(VeriffClient::create(options).ok());
}

class VeriffClientLive : public ::testing::Test {
 protected:
  std::shared_ptr<VeriffClient> make(const std::string& secret = kSecret,
                                     std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    const std::string ca_file = dir_.path() + "/ca.pem";
    std::ofstream(ca_file) << fake_.cert_pem();
    VeriffClientOptions options;
    options.api_base = fake_.base_url();
    options.api_key = kKey;
    options.shared_secret = secret;
    options.ca_file = ca_file;
    options.request_timeout = timeout;
    auto client = VeriffClient::create(options);
    EXPECT_TRUE(client.ok()) << client.error().message;
    return client.ok() ? *client : nullptr;
  }

  TaskOutcome call(VeriffClient& client, const std::string& resource, json::value parameters) {
    TaskAttempt attempt;
    attempt.resource = resource;
    attempt.parameters = std::move(parameters);
    attempt.execution_id = "kyc:unit";
    attempt.idempotency_key = "kyc:unit/Create/1";
    std::promise<TaskOutcome> done;
    auto answer = done.get_future();
    client.make_resource_call(attempt, [&](TaskOutcome o) { done.set_value(std::move(o)); });
    EXPECT_EQ(answer.wait_for(std::chrono::seconds(20)), std::future_status::ready);
    return answer.get();
  }

  testing::TempDir dir_;
  FakeVeriffServer fake_{kKey, kSecret};
};

TEST_F(VeriffClientLive, CreatesASessionAndReadsItsDecisionSigned) {
  auto client = make();
  ASSERT_TRUE(client);
  auto created = call(*client, "settled:veriff.sessions.create",
                      json::object{{"person", {{"firstName", "Jane"}}}, {"vendorData", "kyc-1"}});
  ASSERT_TRUE(created.ok) << created.error << " " << created.cause;
  const std::string id(created.result.at("verification").at("id").as_string());
  auto pending = call(*client, "settled:veriff.decision.get", json::object{{"id", id}});
  ASSERT_TRUE(pending.ok) << pending.cause;
  EXPECT_TRUE(pending.result.at("verification").is_null());
  fake_.decide(id, {{"code", 9102}, {"status", "declined"}});
  auto decided = call(*client, "settled:veriff.decision.get", json::object{{"id", id}});
  ASSERT_TRUE(decided.ok) << decided.cause;
  EXPECT_EQ(decided.result.at("verification").at("code"), 9102);
  const auto recorded = fake_.recorded();
  ASSERT_EQ(recorded.size(), 3u);
  EXPECT_EQ(recorded[0].signature, testing::veriff_signature(recorded[0].body, kSecret));
  EXPECT_EQ(recorded[1].signature, testing::veriff_signature(id, kSecret));
  EXPECT_EQ(
      call(*client, "settled:veriff.decision.get", json::object{{"id", "no-such-session"}}).error,
      "Veriff.NotFound");
}

TEST_F(VeriffClientLive, AWrongSecretIsAnAuthenticationError) {
  auto client = make("another-secret");
  ASSERT_TRUE(client);
  auto refused = call(*client, "settled:veriff.sessions.create", json::object{});
  EXPECT_EQ(refused.error, "Veriff.AuthenticationError") << refused.cause;
  EXPECT_EQ(fake_.sessions_created(), 0u);
}

TEST_F(VeriffClientLive, WhatTheCallTableRefusesIsNeverSent) {
  auto client = make();
  ASSERT_TRUE(client);
  EXPECT_EQ(call(*client, "settled:veriff.decision.get", json::object{{"id", "../x"}}).error,
            "Veriff.InvalidRequest");
  EXPECT_EQ(call(*client, "settled:veriff.sessions.create", json::array{}).error,
            "Veriff.InvalidRequest");
  EXPECT_TRUE(fake_.recorded().empty());
}

TEST_F(VeriffClientLive, AnUnansweredCreateIsUnknownAndNotSentAgain) {
  auto client = make(kSecret, std::chrono::milliseconds(600));
  ASSERT_TRUE(client);
  fake_.hang_next(1);
  auto unknown = call(*client, "settled:veriff.sessions.create", json::object{});
  EXPECT_EQ(unknown.error, "Veriff.Unknown") << unknown.cause;
  EXPECT_EQ(fake_.recorded().size(), 1u);
  // A 500 is an answer: Veriff.APIError, also not repeated by the client.
  fake_.fail_next(1, 500);
  EXPECT_EQ(call(*client, "settled:veriff.sessions.create", json::object{}).error,
            "Veriff.APIError");
  EXPECT_EQ(fake_.recorded().size(), 2u);
}

TEST_F(VeriffClientLive, NothingListensIsAConnectionError) {
  VeriffClientOptions options;
  options.api_base = "http://127.0.0.1:1";  // nothing listens on port 1
  options.api_key = kKey;
  options.shared_secret = kSecret;
  auto client = VeriffClient::create(options);
  ASSERT_TRUE(client.ok());
  EXPECT_EQ(call(**client, "settled:veriff.sessions.create", json::object{}).error,
            "Veriff.APIConnectionError");
}

}  // namespace
}  // namespace settled::adapters
