// Requests exactly as the aws CLI sent them (`aws stepfunctions ... --endpoint-url`, recorded by
// capture_aws_cli.py into aws_cli_captured.inc, unsigned headers such as User-Agent and
// Accept-Encoding included) are accepted at the time they were signed for the key's caller,
// and refused with the secret one character off or ten minutes later.

#include "domain/aws/sigv4_verify.hpp"

#include <gtest/gtest.h>

namespace settled::aws {
namespace {

struct Captured {
  const char* method;
  const char* target;
  HeaderList headers;
  std::string body;
};

const std::vector<Captured>& captured() {
  static const std::vector<Captured> requests = {
#include "aws_cli_captured.inc"
  };
  return requests;
}

std::int64_t signed_at(const Captured& r) {
  for (const auto& [name, value] : r.headers)
    if (name == "X-Amz-Date") {
      std::int64_t seconds = 0;
      EXPECT_TRUE(parse_amz_date(value, seconds));
      return seconds;
    }
  ADD_FAILURE() << "no X-Amz-Date";
  return 0;
}

AccessKeys keys(const std::string& secret) {
  auto parsed = AccessKeys::parse("cli-user:admin:AKIASETTLEDCLI000001:" + secret);
  EXPECT_TRUE(parsed.ok());
  return std::move(*parsed);
}

TEST(SigV4AwsCli, TheCliRequestsAreAcceptedAndRefusedWhenWrong) {
  ASSERT_EQ(captured().size(), 2u);
  SigV4Settings settings;
  settings.region = "eu-central-1";
  const auto good = keys("cli/Secret+Key0123456789abcdefghijklmnop");
  const auto wrong = keys("cli/Secret+Key0123456789abcdefghijklmnoq");
  for (const auto& r : captured()) {
    auto caller = verify_sigv4(r.method, r.target, r.headers, r.body, good, settings, signed_at(r));
    ASSERT_TRUE(caller.ok()) << caller.error().message;
    EXPECT_EQ(caller->identity, "cli-user");
    auto refused =
        verify_sigv4(r.method, r.target, r.headers, r.body, wrong, settings, signed_at(r));
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().failure, SigV4Failure::kInvalidSignature);
    auto late =
        verify_sigv4(r.method, r.target, r.headers, r.body, good, settings, signed_at(r) + 600);
    ASSERT_FALSE(late.ok());
    EXPECT_EQ(late.error().message.rfind("Signature expired: ", 0), 0u);
  }
}

}  // namespace
}  // namespace settled::aws
