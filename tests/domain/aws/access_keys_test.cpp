// The AWS credentials file's text (src/domain/aws/access_keys.hpp): what it accepts, and each
// refusal naming its line without showing a secret.

#include "domain/aws/access_keys.hpp"

#include <gtest/gtest.h>

namespace settled::aws {
namespace {

constexpr const char* kSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

std::string refusal(const std::string& text) {
  auto parsed = AccessKeys::parse(text);
  EXPECT_FALSE(parsed.ok());
  return parsed.ok() ? "" : parsed.error().message;
}

TEST(AwsAccessKeys, ParsesKeysCommentsAndBlankLines) {
  auto keys = AccessKeys::parse(
      std::string("# settled's AWS keys\n\n  alice:admin,support:AKIA1:") + kSecret +
      "  \r\nbob::AKIA_2:" + kSecret + ":with:colons\nalice:admin,support:AKIA3:" + kSecret + "\n");
  ASSERT_TRUE(keys.ok()) << keys.error().message;
  EXPECT_EQ(keys->size(), 3u);
  const AccessKey* alice = keys->find("AKIA1");
  ASSERT_NE(alice, nullptr);
  EXPECT_EQ(alice->secret, kSecret);
  EXPECT_EQ(alice->caller.identity, "alice");
  EXPECT_EQ(alice->caller.scopes, (std::vector<std::string>{"admin", "support"}));
  const AccessKey* bob = keys->find("AKIA_2");
  ASSERT_NE(bob, nullptr);
  EXPECT_EQ(bob->secret, std::string(kSecret) + ":with:colons");
  EXPECT_TRUE(bob->caller.scopes.empty());
  EXPECT_EQ(keys->find("akia1"), nullptr);  // access key ids are case-sensitive
  EXPECT_TRUE(AccessKeys::parse("").ok());
  EXPECT_TRUE(AccessKeys::parse("")->empty());
}

TEST(AwsAccessKeys, EachRefusalNamesTheLineAndNeverTheSecret) {
  EXPECT_EQ(refusal("\nalice:admin:AKIA1\n"),
            "line 2: expected at least three ':'; a line is "
            "<identity>:<scope>[,<scope>...]:<access-key-id>:<secret-access-key>");
  EXPECT_EQ(refusal(std::string("al ice::AKIA1:") + kSecret),
            "line 1: the identity must be 1-64 letters, digits, '-', '_' or '.'");
  EXPECT_EQ(refusal(std::string("local::AKIA1:") + kSecret),
            "line 1: the identity \"local\" is reserved (local-only mode, the admin socket)");
  EXPECT_EQ(refusal(std::string("alice::AK-1:") + kSecret),
            "line 1: the access key id must be 4-128 letters, digits or '_'");
  const std::string short_secret = refusal("alice::AKIA1:tooshort");
  EXPECT_EQ(short_secret,
            "line 1: the secret access key of \"AKIA1\" must be 16-128 printable characters "
            "without spaces");
  EXPECT_EQ(refusal(std::string("alice:ad min:AKIA1:") + kSecret),
            "line 1: each scope must be 1-64 letters, digits, '-', '_' or '.' (got \"ad min\")");
  const std::string twice =
      refusal(std::string("alice::AKIA1:") + kSecret + "\nbob::AKIA1:" + kSecret + "x");
  EXPECT_EQ(twice, "line 2: the access key id \"AKIA1\" is configured twice");
  EXPECT_EQ(twice.find(kSecret), std::string::npos);
  EXPECT_EQ(refusal(std::string("alice:admin:AKIA1:") + kSecret + "\nalice::AKIA2:" + kSecret),
            "line 2: the identity \"alice\" is given other scopes on an earlier line");
  EXPECT_EQ(refusal(std::string(kMaxCredentialsLineBytes + 1, '#')),
            "line 1: longer than 1024 bytes");
}

TEST(AwsAccessKeys, AtMostTheBoundOfKeys) {
  std::string text;
  for (std::size_t i = 0; i <= kMaxAccessKeys; ++i)
    text += "team::AKIA" + std::to_string(i) + "0000:" + kSecret + "\n";
  EXPECT_EQ(refusal(text), "line 1001: more than 1000 access keys");
}

}  // namespace
}  // namespace settled::aws
