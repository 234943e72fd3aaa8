#include "adapters/http/api_keys.hpp"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace settled::adapters
