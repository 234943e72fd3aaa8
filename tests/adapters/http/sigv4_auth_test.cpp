// The Step Functions API's caller from an HttpRequest as the server builds it
// (src/adapters/http/sigv4_auth.hpp): a request the aws CLI's botocore signed, with the header
// names lower-cased as the server stores them, names the access key's caller; local-only mode
// takes any request as Caller::local(); the system clock is the one checked.

#include "adapters/http/sigv4_auth.hpp"

#include <gtest/gtest.h>

namespace settled::adapters {
namespace {

constexpr std::int64_t kSignedAt = 1796457600;  // 2026-12-05T08:00:00Z

// botocore_signed.inc's list-state-machines, as HttpSession hands it over.
HttpRequest list_state_machines() {
  HttpRequest req;
  req.method = "POST";
  req.target = "/";
  req.body = "{}";
  req.headers = {{"host", "127.0.0.1:8080"},
                 {"content-type", "application/x-amz-json-1.0"},
                 {"x-amz-target", "AWSStepFunctions.ListStateMachines"},
                 {"x-amz-date", "20261205T080000Z"},
                 {"authorization",
                  "AWS4-HMAC-SHA256 Credential=AKIASETTLEDTEST0001/20261205/eu-central-1/states/"
                  "aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, "
                  "Signature=4679d6baf45b7706ccc3f77a5665c7dd373321ffc7dfb277cc403a5ef922a353"}};
  return req;
}

aws::AccessKeys keys() {
  auto parsed = aws::AccessKeys::parse(
      "team-a:admin,support:AKIASETTLEDTEST0001:botocore/Signs+Independently0123456789ab");
  EXPECT_TRUE(parsed.ok());
  return std::move(*parsed);
}

aws::SigV4Settings frankfurt() {
  aws::SigV4Settings settings;
  settings.region = "eu-central-1";
  return settings;
}

TEST(AwsCaller, ASignedRequestNamesItsKeysCaller) {
  auto caller = aws_caller(list_state_machines(), keys(), frankfurt(), false, kSignedAt + 60);
  ASSERT_TRUE(caller.ok()) << caller.error().message;
  EXPECT_EQ(caller->identity, "team-a");
  auto req = list_state_machines();
  req.body = "{ }";
  auto refused = aws_caller(req, keys(), frankfurt(), false, kSignedAt);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(aws::aws_error_name(refused.error().failure), "InvalidSignatureException");
}

TEST(AwsCaller, LocalOnlyModeTakesAnyRequestAsLocal) {
  HttpRequest unsigned_request;
  unsigned_request.method = "POST";
  unsigned_request.target = "/";
  auto caller = aws_caller(unsigned_request, aws::AccessKeys{}, frankfurt(), true, kSignedAt);
  ASSERT_TRUE(caller.ok());
  EXPECT_EQ(caller->identity, "local");
  EXPECT_TRUE(caller->every_scope);
  auto refused = aws_caller(unsigned_request, keys(), frankfurt(), false, kSignedAt);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(aws::aws_error_name(refused.error().failure), "MissingAuthenticationTokenException");
}

TEST(AwsCaller, TheSystemClockIsChecked) {
  // Signed for 2026-12-05T08:00:00Z: at the system clock's now (days or years away from it)
  // the signature is out of the 5-minute window.
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  if (now >= kSignedAt - 300 && now <= kSignedAt + 300) GTEST_SKIP() << "the clock is at 08:00";
  auto refused = aws_caller(list_state_machines(), keys(), frankfurt(), false);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("Signature "), std::string::npos);
}

}  // namespace
}  // namespace settled::adapters
