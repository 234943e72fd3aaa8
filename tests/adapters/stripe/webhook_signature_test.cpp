// Stripe's webhook signature: a known vector (computed once with
// `printf %s "1700000000.$BODY" | openssl dgst -sha256 -hmac whsec_test_secret`, not by this
// code), and each way a signature must be refused: tampered body, wrong secret, a timestamp
// outside the tolerance either way, malformed headers; several secrets and several v1 entries.

#include "adapters/stripe/webhook_signature.hpp"

#include <gtest/gtest.h>

#include <string>

namespace settled::adapters::stripe {
namespace {

const std::string kBody =
    R"({"id":"evt_test_1","object":"event","type":"payout.paid","data":{"object":{"id":"po_1"}}})";
constexpr std::int64_t kSigned = 1700000000;
const std::string kSignature = "85681b19c0bd5e334534e83c518bb57468e3f97701cc8514b8c0ae037cd99202";
// The same body and time under whsec_rotated_secret (also from openssl dgst).
const std::string kRotatedSignature =
    "52d2e526637dc1479df369f0716a0150f2072478d5195d479b839b98a66be3ef";

SignatureCheck check(std::vector<std::string> secrets) {
  return SignatureCheck{std::move(secrets), 300};
}

std::string header(const std::string& v1, std::int64_t t = kSigned) {
  return "t=" + std::to_string(t) + ",v1=" + v1;
}

void expect_refused(const Status& status, const std::string& why) {
  ASSERT_FALSE(status.ok()) << "accepted; expected a refusal naming: " << why;
  EXPECT_EQ(status.error().code, ErrorCode::kBadSignature);
  EXPECT_NE(status.error().message.find(why), std::string::npos) << status.error().message;
}

TEST(StripeWebhookSignature, ComputesWhatOpensslComputes) {
  EXPECT_EQ(compute_signature(kSigned, kBody, "whsec_test_secret"), kSignature);
  EXPECT_EQ(compute_signature(kSigned, kBody, "whsec_rotated_secret"), kRotatedSignature);
}

TEST(StripeWebhookSignature, AcceptsTheKnownVectorWithinTheTolerance) {
  const auto secrets = check({"whsec_test_secret"});
  EXPECT_TRUE(verify_signature(header(kSignature), kBody, secrets, kSigned).ok());
  EXPECT_TRUE(verify_signature(header(kSignature), kBody, secrets, kSigned + 300).ok());
  EXPECT_TRUE(verify_signature(header(kSignature), kBody, secrets, kSigned - 300).ok());
  // Upper-case hex is the same digest.
  std::string upper = kSignature;
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_TRUE(verify_signature(header(upper), kBody, secrets, kSigned).ok());
}

TEST(StripeWebhookSignature, RefusesATamperedBody) {
  std::string tampered = kBody;
  tampered.replace(tampered.find("po_1"), 4, "po_2");
  expect_refused(
      verify_signature(header(kSignature), tampered, check({"whsec_test_secret"}), kSigned),
      "no v1 signature matches");
  // Re-serialised JSON (a space added) is not the body that was signed.
  expect_refused(
      verify_signature(header(kSignature), kBody + " ", check({"whsec_test_secret"}), kSigned),
      "no v1 signature matches");
}

TEST(StripeWebhookSignature, RefusesAWrongSecretAndASignedTimestampThatWasChanged) {
  expect_refused(verify_signature(header(kSignature), kBody, check({"whsec_other"}), kSigned),
                 "no v1 signature matches");
  // The timestamp is signed: moving it (to dodge the tolerance) breaks the signature.
  expect_refused(verify_signature(header(kSignature, kSigned + 1), kBody,
                                  check({"whsec_test_secret"}), kSigned + 1),
                 "no v1 signature matches");
}

TEST(StripeWebhookSignature, RefusesAnOldOrFutureTimestampBeyondTheTolerance) {
  const auto secrets = check({"whsec_test_secret"});
  expect_refused(verify_signature(header(kSignature), kBody, secrets, kSigned + 301),
                 "more than 300 seconds from now");
  expect_refused(verify_signature(header(kSignature), kBody, secrets, kSigned - 301),
                 "more than 300 seconds from now");
  SignatureCheck tight{{"whsec_test_secret"}, 10};
  expect_refused(verify_signature(header(kSignature), kBody, tight, kSigned + 11),
                 "more than 10 seconds");
  EXPECT_TRUE(verify_signature(header(kSignature), kBody, tight, kSigned + 10).ok());
}

TEST(StripeWebhookSignature, AcceptsAnyConfiguredSecretDuringARotation) {
  const auto both = check({"whsec_test_secret", "whsec_rotated_secret"});
  EXPECT_TRUE(verify_signature(header(kSignature), kBody, both, kSigned).ok());
  EXPECT_TRUE(verify_signature(header(kRotatedSignature), kBody, both, kSigned).ok());
  // Stripe sends one v1 per active secret; one match is enough, whichever comes first.
  const std::string two = "t=1700000000,v1=" + kRotatedSignature + ",v1=" + kSignature;
  EXPECT_TRUE(verify_signature(two, kBody, check({"whsec_test_secret"}), kSigned).ok());
  EXPECT_TRUE(verify_signature(two, kBody, check({"whsec_rotated_secret"}), kSigned).ok());
  expect_refused(verify_signature(two, kBody, check({"whsec_third"}), kSigned),
                 "no v1 signature matches");
}

TEST(StripeWebhookSignature, IgnoresOtherSchemesAndSpacesAndSkipsV1ThatAreNotDigests) {
  const auto secrets = check({"whsec_test_secret"});
  const std::string with_v0 = "t=1700000000, v0=0000, v1=nothex, v1=" + kSignature + ", v9=future";
  EXPECT_TRUE(verify_signature(with_v0, kBody, secrets, kSigned).ok());
  // A v0 alone (Stripe's test-mode legacy scheme) is not a v1 signature.
  expect_refused(verify_signature("t=1700000000,v0=" + kSignature, kBody, secrets, kSigned),
                 "no v1 signature");
}

TEST(StripeWebhookSignature, RefusesMalformedHeaders) {
  const auto secrets = check({"whsec_test_secret"});
  const std::vector<std::pair<std::string, std::string>> cases{
      {"", "no timestamp"},
      {"v1=" + kSignature, "no timestamp"},
      {"t=1700000000", "no v1 signature"},
      {"t=1700000000,v1", "key=value"},
      {"t=abc,v1=" + kSignature, "t= is not a timestamp"},
      {"t=-5,v1=" + kSignature, "t= is not a timestamp"},
      {"t=,v1=" + kSignature, "t= is not a timestamp"},
      {"t=99999999999999999999,v1=" + kSignature, "t= is not a timestamp"},
      {"t=1700000000,t=1700000000,v1=" + kSignature, "more than one t="},
      {"t=1700000000,v1=" + std::string(5000, 'a'), "longer than 4096 bytes"},
  };
  for (const auto& [h, why] : cases) {
    SCOPED_TRACE(h.substr(0, 80));
    expect_refused(verify_signature(h, kBody, secrets, kSigned), why);
  }
  std::string many = "t=1700000000";
  for (int i = 0; i < 17; ++i) many += ",v1=" + kSignature;
  expect_refused(verify_signature(many, kBody, secrets, kSigned), "more than 16 v1");
}

TEST(StripeWebhookSignature, RefusesEverythingWithoutASecret) {
  expect_refused(verify_signature(header(kSignature), kBody, check({}), kSigned),
                 "no webhook signing secret");
}

TEST(StripeWebhookSignature, ParsesTheHeader) {
  auto parsed = parse_signature_header("t=12,v1=ab,v0=cd,v1=ef");
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->timestamp, 12);
  EXPECT_EQ(parsed->v1, (std::vector<std::string>{"ab", "ef"}));
}

}  // namespace
}  // namespace settled::adapters::stripe
