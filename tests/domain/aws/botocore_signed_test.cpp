// Requests signed by botocore's SigV4Auth (the aws CLI's signer; botocore_signed.inc, made by
// botocore_sign.py, which a ctest re-runs to show the file is what botocore signs) are accepted
// for the caller their access key names, and each thing the verifier checks refuses them once
// changed: one byte of the body or of a signed header, the secret, the access key, the time
// (more than 5 minutes either way), the region, the service, host left out of SignedHeaders.

#include "domain/aws/sigv4_verify.hpp"

#include <gtest/gtest.h>

namespace settled::aws {
namespace {

struct Signed {
  const char* name;
  const char* method;
  const char* target;
  HeaderList headers;
  std::string body;
};

const std::vector<Signed>& signed_by_botocore() {
  static const std::vector<Signed> requests = {
#include "botocore_signed.inc"
  };
  return requests;
}

constexpr std::int64_t kSignedAt = 1796457600;  // 2026-12-05T08:00:00Z, botocore_sign.py's
constexpr const char* kSecret = "botocore/Signs+Independently0123456789ab";

AccessKeys keys_with(const std::string& secret) {
  auto keys =
      AccessKeys::parse("# the test's keys\nteam-a:admin,support:AKIASETTLEDTEST0001:" + secret +
                        "\nother::AKIAOTHERKEY0000002:" + kSecret + "\n");
  EXPECT_TRUE(keys.ok()) << keys.error().message;
  return std::move(*keys);
}

SigV4Settings frankfurt() {
  SigV4Settings settings;
  settings.region = "eu-central-1";
  return settings;
}

Result<Caller, SigV4Error> verify(const Signed& r, const AccessKeys& keys,
                                  const SigV4Settings& settings = frankfurt(),
                                  std::int64_t now = kSignedAt) {
  return verify_sigv4(r.method, r.target, r.headers, r.body, keys, settings, now);
}

std::string& header(HeaderList& headers, std::string_view name) {
  for (auto& [n, v] : headers)
    if (n == name) return v;
  ADD_FAILURE() << "no header " << name;
  static std::string none;
  return none;
}

void expect_refused(const Result<Caller, SigV4Error>& result, SigV4Failure failure,
                    std::string_view message_part) {
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().failure, failure) << result.error().message;
  EXPECT_NE(result.error().message.find(message_part), std::string::npos) << result.error().message;
}

constexpr std::string_view kMismatch =
    "The request signature we calculated does not match the signature you provided. Check your "
    "AWS Secret Access Key and signing method. Consult the service documentation for details.";

TEST(SigV4Botocore, ThereAreVectorsToCheck) {
  EXPECT_EQ(signed_by_botocore().size(), 4u);
}

TEST(SigV4Botocore, EachSignedRequestIsAcceptedForItsKeysCaller) {
  const auto keys = keys_with(kSecret);
  for (const auto& r : signed_by_botocore()) {
    SCOPED_TRACE(r.name);
    auto caller = verify(r, keys);
    ASSERT_TRUE(caller.ok()) << caller.error().message;
    EXPECT_EQ(caller->identity, "team-a");
    EXPECT_EQ(caller->scopes, (std::vector<std::string>{"admin", "support"}));
    EXPECT_FALSE(caller->every_scope);
  }
}

TEST(SigV4Botocore, OneByteOfTheBodyChangedIsRefused) {
  const auto keys = keys_with(kSecret);
  for (auto r : signed_by_botocore()) {
    SCOPED_TRACE(r.name);
    r.body += ' ';
    const bool hashed = std::string_view(r.name) == "content-sha256";
    expect_refused(verify(r, keys), SigV4Failure::kInvalidSignature,
                   hashed ? "The provided 'x-amz-content-sha256' header does not match what "
                            "was computed."
                          : kMismatch);
  }
}

TEST(SigV4Botocore, OneByteOfASignedHeaderOrOfTheTargetChangedIsRefused) {
  const auto keys = keys_with(kSecret);
  auto r = signed_by_botocore().at(0);
  header(r.headers, "X-Amz-Target") = "AWSStepFunctions.ListStateMachinez";
  expect_refused(verify(r, keys), SigV4Failure::kInvalidSignature, kMismatch);
  r = signed_by_botocore().at(0);
  header(r.headers, "Host") = "127.0.0.1:8081";
  expect_refused(verify(r, keys), SigV4Failure::kInvalidSignature, kMismatch);
  r = signed_by_botocore().at(3);
  r.target = "/a%20b/./c/?Param2=x%2Fy&Param1=a%20b&Param1=B";
  expect_refused(verify(r, keys), SigV4Failure::kInvalidSignature, kMismatch);
  r = signed_by_botocore().at(0);
  r.method = "PUT";
  expect_refused(verify(r, keys), SigV4Failure::kInvalidSignature, kMismatch);
}

TEST(SigV4Botocore, AnotherSecretOrAnUnknownKeyIsRefused) {
  const auto r = signed_by_botocore().at(0);
  expect_refused(verify(r, keys_with("botocore/Signs+Independently0123456789aB")),
                 SigV4Failure::kInvalidSignature, kMismatch);
  auto other = AccessKeys::parse(std::string("other::AKIAOTHERKEY0000002:") + kSecret);
  ASSERT_TRUE(other.ok());
  expect_refused(verify(r, *other), SigV4Failure::kUnrecognizedClient,
                 "The security token included in the request is invalid.");
}

TEST(SigV4Botocore, MoreThanFiveMinutesEitherWayIsRefused) {
  const auto keys = keys_with(kSecret);
  const auto r = signed_by_botocore().at(0);
  EXPECT_TRUE(verify(r, keys, frankfurt(), kSignedAt + 300).ok());
  EXPECT_TRUE(verify(r, keys, frankfurt(), kSignedAt - 300).ok());
  auto late = verify(r, keys, frankfurt(), kSignedAt + 301);
  expect_refused(late, SigV4Failure::kInvalidSignature,
                 "Signature expired: 20261205T080000Z is now earlier than 20261205T080001Z "
                 "(20261205T080501Z - 5 min.)");
  auto early = verify(r, keys, frankfurt(), kSignedAt - 301);
  expect_refused(early, SigV4Failure::kInvalidSignature,
                 "Signature not yet current: 20261205T080000Z is still later than "
                 "20261205T075959Z (20261205T075459Z + 5 min.)");
}

TEST(SigV4Botocore, AnotherRegionOrServiceIsRefused) {
  const auto keys = keys_with(kSecret);
  const auto r = signed_by_botocore().at(0);
  SigV4Settings virginia;  // us-east-1
  expect_refused(verify(r, keys, virginia), SigV4Failure::kInvalidSignature,
                 "Credential should be scoped to a valid region, not 'eu-central-1'. ");
  SigV4Settings lambda = frankfurt();
  lambda.service = "lambda";
  expect_refused(verify(r, keys, lambda), SigV4Failure::kInvalidSignature,
                 "Credential should be scoped to correct service: 'lambda'. ");
}

TEST(SigV4Botocore, HostLeftOutOfSignedHeadersIsRefused) {
  const auto keys = keys_with(kSecret);
  auto r = signed_by_botocore().at(0);
  auto& authorization = header(r.headers, "Authorization");
  const auto at = authorization.find("host;");
  ASSERT_NE(at, std::string::npos);
  authorization.erase(at, 5);
  expect_refused(verify(r, keys), SigV4Failure::kIncompleteSignature,
                 "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
}

TEST(SigV4Botocore, TheDayInTheScopeMustBeTheRequestsDay) {
  const auto keys = keys_with(kSecret);
  auto r = signed_by_botocore().at(0);
  header(r.headers, "X-Amz-Date") = "20261206T000100Z";
  expect_refused(verify(r, keys, frankfurt(), kSignedAt + 16 * 3600 + 60),
                 SigV4Failure::kInvalidSignature,
                 "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date "
                 "from HTTP: '20261205' != '20261206', from '20261206T000100Z'.");
}

TEST(SigV4Botocore, ASessionTokenIsRefused) {
  const auto keys = keys_with(kSecret);
  auto r = signed_by_botocore().at(0);
  r.headers.emplace_back("X-Amz-Security-Token", "FwoGZXIvYXdzEXAMPLE");
  expect_refused(verify(r, keys), SigV4Failure::kUnrecognizedClient,
                 "The security token included in the request is invalid.");
}

}  // namespace
}  // namespace settled::aws
