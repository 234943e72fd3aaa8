#include "adapters/http/api_keys.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include <string>
#include <utility>
#include <vector>

namespace settled::adapters {
namespace {

using Headers = std::vector<std::pair<std::string, std::string>>;

// What `handler` answers to `method` `target` with these headers and Authorization.
HttpResponse answer_of(const HttpHandler& handler, std::string method, std::string target,
                       Headers headers, std::string authorization = "") {
  HttpRequest req;
  req.method = std::move(method);
  req.target = std::move(target);
  req.parsed_target = *parse_request_target(req.target);
  req.authorization = std::move(authorization);
  req.headers = std::move(headers);
  HttpResponse got;
  handler(req, [&](HttpResponse res) { got = std::move(res); });
  return got;
}

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
  const auto answer = [&](Headers headers) {
    headers.emplace_back("content-type", "text/plain");
    return answer_of(handler, "POST", "/v1/ledger/operations", std::move(headers));
  };
  for (const auto& headers : std::vector<Headers>{
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

// DNS rebinding: a page on evil.example whose name now resolves to 127.0.0.1 is same-origin
// with it, so its browser's GETs carry no Origin and no Sec-Fetch-Site, and it could read every
// execution and balance. It cannot make the browser send another Host than its own name.
TEST(ApiKeys, LocalOnlyModeAnswersOnlyForLocalhostOrALoopbackAddress) {
  const auto status = [](const ApiKeys& keys, Headers headers) {
    int handled = 0;
    auto handler = require_api_key(keys, [&](HttpRequest, HttpResponder r) {
      ++handled;
      r(HttpResponse{200, "{}", "application/json", {}});
    });
    const HttpResponse got =
        answer_of(handler, "GET", "/v1/accounts/alice", std::move(headers), "Bearer k1");
    if (got.status == 403u) {
      const auto body = boost::json::parse(got.body).as_object();
      EXPECT_EQ(body.at("error"), "Forbidden");
      EXPECT_NE(body.at("message").as_string().find("Host"), boost::json::string::npos);
    }
    EXPECT_EQ(handled, got.status == 200u ? 1 : 0);
    return got.status;
  };
  const ApiKeys local({});
  for (const char* host : {"evil.example", "evil.example:8080", "localhost.evil.example",
                           "127.0.0.1.evil.example", "10.0.0.1:8080", "[::2]:8080", "0.0.0.0",
                           "127.1", "user@localhost", "local%68ost", "", "[::1"}) {
    SCOPED_TRACE(host);
    EXPECT_EQ(status(local, {{"host", host}}), 403u);
  }
  for (const char* host : {"localhost", "localhost:8080", "LocalHost:8080", "127.0.0.1",
                           "127.0.0.1:8080", "127.4.5.6:9", "[::1]", "[::1]:8080"}) {
    SCOPED_TRACE(host);
    EXPECT_EQ(status(local, {{"host", host}}), 200u);
  }
  // HTTP/1.0 without a Host (the server refuses HTTP/1.1 without one): no browser sends it.
  EXPECT_EQ(status(local, {}), 200u);
  // With keys the key decides, whatever name the daemon was reached by.
  const ApiKeys keys({sha256_hex("k1")});
  EXPECT_EQ(status(keys, {{"host", "settled.internal.example:8080"}}), 200u);
}

TEST(ApiKeys, TheHostsLocalClientsSendAreRecognisedWithoutAParseAndTheRuleStaysTheSame) {
  // By text alone: what curl and the SDKs send for the daemon's own address, any port (a port
  // is any run of digits to Boost.URL, none included).
  for (const char* host : {"localhost", "localhost:8080", "localhost:", "127.0.0.1", "127.0.0.1:1",
                           "127.0.0.1:99999", "[::1]", "[::1]:8080"}) {
    SCOPED_TRACE(host);
    EXPECT_TRUE(is_common_loopback_host(host));
    EXPECT_TRUE(host_names_loopback(host));
  }
  // Loopback too, but only the parse knows: the text check passes them on.
  for (const char* host : {"LocalHost:8080", "127.4.5.6:9", "[0:0::1]:80"}) {
    SCOPED_TRACE(host);
    EXPECT_FALSE(is_common_loopback_host(host));
    EXPECT_TRUE(host_names_loopback(host));
  }
  // A common host's prefix with anything but a port after it is no common host, and no loopback.
  for (const char* host :
       {"localhost.evil.example", "localhost:80x", "localhost:+1", "localhost: 80", "localhost ",
        "127.0.0.1.evil.example", "127.0.0.10.example", "[::1]x", "[::1]:8080/", "localhost@evil",
        "localhostx", "127.0.0.1:80:80"}) {
    SCOPED_TRACE(host);
    EXPECT_FALSE(is_common_loopback_host(host));
    EXPECT_FALSE(host_names_loopback(host));
  }
}

}  // namespace
}  // namespace settled::adapters
