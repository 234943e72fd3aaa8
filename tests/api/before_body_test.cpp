// What a request's headers alone refuse before its body is read (api/before_body.hpp), on
// requests built here as the session builds them after the API-key check: an unsigned or
// unknown-key POST / gets AWS's error, a webhook gets its route's body limit (a chunked body
// announces none), and a route open without a key refuses a body it would never read.

#include "api/before_body.hpp"
#include "api/stripe_webhook.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include <string>

namespace settled::api {
namespace {

adapters::HttpRequest request(std::string method, std::string target, Caller caller = {}) {
  adapters::HttpRequest req;
  req.method = std::move(method);
  req.target = std::move(target);
  auto parsed = adapters::parse_request_target(req.target);
  EXPECT_TRUE(parsed.ok());
  req.parsed_target = std::move(*parsed);
  req.caller = std::move(caller);
  return req;
}

// Stands in for the SigV4 header check: a request with an Authorization header naming
// "known" passes, anything else is refused as AWS refuses an unknown key.
Result<Caller, sfn::AwsError> known_key_only(const adapters::HttpRequest& req) {
  const auto authorization = req.header("authorization");
  if (authorization && *authorization == "known") return Caller{"ops", {"admin"}};
  return sfn::AwsError{"UnrecognizedClientException",
                       "The security token included in the request is invalid.", 400};
}

std::string error_name(const adapters::HttpResponse& response) {
  const auto body = boost::json::parse(response.body).as_object();
  if (const auto* aws_type = body.if_contains("__type")) return std::string(aws_type->as_string());
  return std::string(body.at("error").as_string());
}

TEST(RefusalBeforeBody, APostToTheAwsRootIsRefusedOnItsHeadersUnlessSignedWithAKnownKey) {
  auto unsigned_post = request("POST", "/");
  auto refused = refusal_before_body(unsigned_post, known_key_only);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 400u);
  EXPECT_EQ(error_name(*refused), "UnrecognizedClientException");

  auto signed_post = request("POST", "/");
  signed_post.headers.emplace_back("authorization", "known");
  EXPECT_FALSE(refusal_before_body(signed_post, known_key_only));
  // Its signature can only be checked with the body: read within the unverified budget.
  EXPECT_TRUE(signed_post.unverified_body);
  auto local_post = request("POST", "/");
  const sfn::AwsAuthenticator local_only = [](const adapters::HttpRequest&) {
    return Result<Caller, sfn::AwsError>(Caller::local());
  };
  EXPECT_FALSE(refusal_before_body(local_post, local_only));
  EXPECT_FALSE(local_post.unverified_body);

  // Any other method on the root is 405 from its headers: "/" needs no key, so nothing else
  // would stop a keyless PUT's megabyte.
  for (const char* method : {"PUT", "GET", "DELETE"}) {
    auto other = request(method, "/");
    auto not_allowed = refusal_before_body(other, known_key_only);
    ASSERT_TRUE(not_allowed) << method;
    EXPECT_EQ(not_allowed->status, 405u);
  }

  // No authenticator is a wiring mistake: refused, never let through.
  auto unwired = request("POST", "/");
  ASSERT_TRUE(refusal_before_body(unwired, nullptr));
  EXPECT_EQ(refusal_before_body(unwired, nullptr)->status, 500u);
}

TEST(RefusalBeforeBody, AWebhookIsReadNoFurtherThanItsRouteTakes) {
  auto chunked = request("POST", "/v1/webhooks/stripe");
  chunked.headers.emplace_back("transfer-encoding", "chunked");
  EXPECT_FALSE(refusal_before_body(chunked, known_key_only));
  EXPECT_EQ(chunked.body_limit, kMaxWebhookBodyBytes);

  auto announced = request("POST", "/v1/webhooks/veriff");
  announced.headers.emplace_back("content-length", std::to_string(kMaxWebhookBodyBytes + 1));
  auto refused = refusal_before_body(announced, known_key_only);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 413u);
  EXPECT_EQ(error_name(*refused), "PayloadTooLarge");
}

TEST(RefusalBeforeBody, ARouteOpenWithoutAKeyTakesNoBodyFromSomeoneWithout) {
  for (const char* target : {"/healthz", "/metrics", "/anything", "/v1/simulator/stripe/charges"}) {
    for (const char* method : {"POST", "GET"}) {
      auto anonymous = request(method, target);
      auto refused = refusal_before_body(anonymous, known_key_only);
      ASSERT_TRUE(refused) << method << " " << target;
      EXPECT_EQ(refused->status, 400u);
      EXPECT_EQ(error_name(*refused), "InvalidRequest");
    }
  }
  // A key's holder (or the local caller) reaches the route, which answers as ever.
  auto keyed = request("POST", "/v1/executions", Caller{"alice", {}});
  EXPECT_FALSE(refusal_before_body(keyed, known_key_only));
  auto local = request("POST", "/healthz", Caller::local());
  EXPECT_FALSE(refusal_before_body(local, known_key_only));
}

}  // namespace
}  // namespace settled::api
