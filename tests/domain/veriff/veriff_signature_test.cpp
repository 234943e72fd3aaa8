// Veriff's X-HMAC-SIGNATURE: known vectors computed with `openssl dgst -sha256 -hmac`, a body and
// a session id; a tampered payload, a wrong secret, rotation with two secrets, either case of
// hex, malformed signatures.

#include "domain/veriff/veriff_signature.hpp"

#include <gtest/gtest.h>

namespace settled::veriff {
namespace {

constexpr const char* kSecret = "abcdef12-abcd-abcd-abcd-abcdef012345";
constexpr const char* kBody =
    R"({"status":"success","verification":{"id":"12df6045-3846-3e45-946a-14fa6136d78b","code":9001}})";
// printf '%s' BODY | openssl dgst -sha256 -hmac SECRET
constexpr const char* kBodySignature =
    "e73ec2ebd57c841fb361270d036a054c202faddb0c2d1fe4247c494f2d644233";
constexpr const char* kSessionId = "12df6045-3846-3e45-946a-14fa6136d78b";
constexpr const char* kSessionSignature =
    "72425a5b0d91e04c84c7f7fa50a62fb16a3d03a4b78149832737492a5171ab12";

TEST(VeriffSignature, IsTheHexHmacOfTheBodyOrTheSessionId) {
  EXPECT_EQ(hmac_sha256_hex(kBody, kSecret), kBodySignature);
  EXPECT_EQ(hmac_sha256_hex(kSessionId, kSecret), kSessionSignature);
}

TEST(VeriffSignature, MatchesUnderAnyConfiguredSecret) {
  EXPECT_TRUE(signature_matches(kBodySignature, kBody, {kSecret}));
  EXPECT_TRUE(signature_matches(kBodySignature, kBody, {"the-new-secret", kSecret}));
  EXPECT_TRUE(signature_matches(kBodySignature, kBody, {kSecret, "the-new-secret"}));
  std::string upper = kBodySignature;
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_TRUE(signature_matches(upper, kBody, {kSecret}));
}

TEST(VeriffSignature, RefusesATamperedBodyAWrongSecretAndMalformedSignatures) {
  std::string tampered = kBody;
  tampered.replace(tampered.find("9001"), 4, "9102");
  EXPECT_FALSE(signature_matches(kBodySignature, tampered, {kSecret}));
  EXPECT_FALSE(signature_matches(kBodySignature, kBody, {"another-secret"}));
  EXPECT_FALSE(signature_matches(kBodySignature, kBody, {}));
  EXPECT_FALSE(signature_matches("", kBody, {kSecret}));
  EXPECT_FALSE(signature_matches(std::string(kBodySignature).substr(0, 63), kBody, {kSecret}));
  EXPECT_FALSE(signature_matches(std::string(kBodySignature) + "0", kBody, {kSecret}));
  std::string not_hex = kBodySignature;
  not_hex[10] = 'g';
  EXPECT_FALSE(signature_matches(not_hex, kBody, {kSecret}));
}

}  // namespace
}  // namespace settled::veriff
