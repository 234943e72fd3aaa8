#include "adapters/http/api_keys.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include <string>
#include <utility>
#include <vector>

namespace settled::adapters {
namespace {

TEST(ApiKeys, Sha256HexMatchesTheStandardVector) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(ApiKeys, AcceptsOnlyABearerKeyWhoseHashIsConfigured) {
  ApiKeys keys(
      {sha256_hex("k1"), "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD"});
  EXPECT_TRUE(keys.enabled());
  EXPECT_TRUE(keys.accepts("Bearer k1"));
  EXPECT_TRUE(keys.accepts("bearer abc"));  // scheme is case-insensitive; hashes any case
  EXPECT_FALSE(keys.accepts("Bearer k2"));
  EXPECT_FALSE(keys.accepts("k1"));
  EXPECT_FALSE(keys.accepts("Basic k1"));
  EXPECT_FALSE(keys.accepts("Bearer "));
  EXPECT_FALSE(keys.accepts(""));
}

TEST(ApiKeys, ValidHashIs64HexDigits) {
  EXPECT_TRUE(ApiKeys::valid_hash(sha256_hex("x")));
  EXPECT_FALSE(ApiKeys::valid_hash("abc"));
  EXPECT_FALSE(ApiKeys::valid_hash(std::string(64, 'g')));
}

TEST(ApiKeys, WrapperGuardsV1ButNotHealthOrTheSimulatorList) {
  auto handler = require_api_key(ApiKeys({sha256_hex("k1")}), [](HttpRequest, HttpResponder r) {
    r(HttpResponse{200, "{}", "application/json", {}});
  });
  const auto status = [&](std::string target, std::string authorization,
                          std::string method = "GET") {
    HttpRequest req;
    req.method = std::move(method);
    req.parsed_target = *parse_request_target(target);
    req.target = std::move(target);
    req.authorization = std::move(authorization);
    unsigned got = 0;
    handler(req, [&](HttpResponse res) { got = res.status; });
    return got;
  };
  EXPECT_EQ(status("/v1/executions/x", ""), 401u);
  EXPECT_EQ(status("/v1/executions/x", "Bearer k1"), 200u);
  EXPECT_EQ(status("/v1", ""), 401u);
  EXPECT_EQ(status("/healthz", ""), 200u);
  EXPECT_EQ(status("/metrics", ""), 200u);
  EXPECT_EQ(status("/v1/simulator/stripe/payment_intents?limit=1", ""), 200u);
  EXPECT_EQ(status("/v1/simulator/stripe/payouts", ""), 200u);
  // What changes the simulator is guarded like any other write.
  EXPECT_EQ(status("/v1/simulator/stripe/account_links/link_1/complete", "", "POST"), 401u);
  EXPECT_EQ(status("/v1/simulator/stripe/account_links/link_1/complete", "Bearer k1", "POST"),
            200u);
  // The check reads the decoded segments, the ones the router dispatches on.
  EXPECT_EQ(status("/%761/executions", ""), 401u);
  EXPECT_EQ(status("/v1/executions?x=/healthz", ""), 401u);
}

// Local-only mode takes any local client as "local" with every scope, so a page in the user's
// browser could POST /v1/ledger/operations as text/plain (no CORS preflight) and mint money:
// requests a browser sends for a page are refused; curl, the SDKs and typed URLs are not.
TEST(ApiKeys, LocalOnlyModeRefusesWhatABrowserSendsForAPage) {
  int handled = 0;
  auto handler = require_api_key(ApiKeys({}), [&](HttpRequest req, HttpResponder r) {
    ++handled;
    EXPECT_EQ(req.caller.identity, "local");
    r(HttpResponse{201, "{}", "application/json", {}});
  });
  const auto answer = [&](std::vector<std::pair<std::string, std::string>> headers) {
    HttpRequest req;
    req.method = "POST";
    req.target = "/v1/ledger/operations";
    req.parsed_target = *parse_request_target(req.target);
    req.content_type = "text/plain";
    req.headers = std::move(headers);
    HttpResponse got;
    handler(req, [&](HttpResponse res) { got = std::move(res); });
    return got;
  };
  for (const auto& headers : std::vector<std::vector<std::pair<std::string, std::string>>>{
           {{"origin", "http://evil.example"}},
           {{"origin", "null"}},
           {{"origin", "http://127.0.0.1:8080"}, {"sec-fetch-site", "same-origin"}},
           {{"sec-fetch-site", "cross-site"}},
       }) {
    SCOPED_TRACE(headers.front().first + ": " + headers.front().second);
    const HttpResponse refused = answer(headers);
    EXPECT_EQ(refused.status, 403u);
    const auto body = boost::json::parse(refused.body).as_object();
    EXPECT_EQ(body.size(), 2u);
    EXPECT_EQ(body.at("error"), "Forbidden");
  }
  EXPECT_EQ(handled, 0);
  EXPECT_EQ(answer({}).status, 201u);                            // curl, an SDK
  EXPECT_EQ(answer({{"sec-fetch-site", "none"}}).status, 201u);  // a URL the user typed
  EXPECT_EQ(answer({{"user-agent", "curl/8.5.0"}}).status, 201u);
  EXPECT_EQ(handled, 3);
}

}  // namespace
}  // namespace settled::adapters
