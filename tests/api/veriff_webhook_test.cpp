// POST /v1/webhooks/veriff's checks before the events actor (api/veriff_webhook.hpp), on requests
// built here: a body signed (with OpenSSL directly) under either configured secret is read; a
// missing, repeated, malformed or wrong X-HMAC-SIGNATURE is Unauthorized; no secret is NotFound;
// a body over the bound is PayloadTooLarge before any HMAC; a signed non-decision is refused.

#include "api/veriff_webhook.hpp"
#include "support/veriff_signing.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace settled::api {
namespace {

const std::vector<std::string> kSecrets = {"current-secret", "previous-secret"};
constexpr const char* kBody =
    R"({"status":"success","verification":{"id":"6d1c2f4e-0000-4000-8000-000000000001","code":9001,"status":"approved","vendorData":"kyc-1"}})";

std::string hmac_hex(const std::string& body, const std::string& secret) {
  return settled::testing::veriff_signature(body, secret);
}

adapters::HttpRequest request(std::string body, std::vector<std::string> signatures) {
  adapters::HttpRequest req;
  req.method = "POST";
  req.target = "/v1/webhooks/veriff";
  req.body = std::move(body);
  for (auto& s : signatures) req.headers.emplace_back("x-hmac-signature", std::move(s));
  return req;
}

ErrorCode refusal(const adapters::HttpRequest& req,
                  const std::vector<std::string>& secrets = kSecrets) {
  auto read = read_veriff_webhook(req, secrets, 0);
  EXPECT_FALSE(read);
  return read ? ErrorCode::kInternal : read.error().code;
}

TEST(VeriffWebhook, ReadsABodySignedUnderEitherSecret) {
  for (const auto& secret : kSecrets) {
    auto read = read_veriff_webhook(request(kBody, {hmac_hex(kBody, secret)}), kSecrets, 5);
    ASSERT_TRUE(read) << read.error().message;
    EXPECT_EQ(read->code, 9001);
    EXPECT_EQ(read->vendor_data, "kyc-1");
    EXPECT_EQ(read->received_at, 5);
  }
}

TEST(VeriffWebhook, RefusesWhatIsNotSignedByUs) {
  const std::string good = hmac_hex(kBody, kSecrets[0]);
  EXPECT_EQ(refusal(request(kBody, {})), ErrorCode::kUnauthorized);
  EXPECT_EQ(refusal(request(kBody, {good, good})), ErrorCode::kUnauthorized);
  EXPECT_EQ(refusal(request(kBody, {hmac_hex(kBody, "someone-else")})), ErrorCode::kUnauthorized);
  EXPECT_EQ(refusal(request(kBody, {good.substr(1)})), ErrorCode::kUnauthorized);
  std::string tampered = kBody;
  tampered.replace(tampered.find("9001"), 4, "9102");
  EXPECT_EQ(refusal(request(tampered, {good})), ErrorCode::kUnauthorized);
  EXPECT_EQ(refusal(request(kBody, {good}), {}), ErrorCode::kNotFound);
  const std::string big(kMaxVeriffWebhookBodyBytes + 1, ' ');
  EXPECT_EQ(refusal(request(big, {hmac_hex(big, kSecrets[0])})), ErrorCode::kPayloadTooLarge);
  const std::string not_a_decision = R"({"status":"success"})";
  EXPECT_EQ(refusal(request(not_a_decision, {hmac_hex(not_a_decision, kSecrets[0])})),
            ErrorCode::kInvalidRequest);
}

}  // namespace
}  // namespace settled::api
