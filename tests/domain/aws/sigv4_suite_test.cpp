// AWS's published Signature Version 4 test suite (aws-sig-v4-test-suite: access key
// AKIDEXAMPLE, region us-east-1, service "service", signed at 20150830T123600Z): each request
// with the signature AWS lists for it is accepted, and the same request with one signature
// digit changed is refused. The signatures were also recomputed by botocore's SigV4Auth
// (tests/domain/aws/botocore_sign.py --suite), an implementation independent of this one.

#include "domain/aws/sigv4_verify.hpp"

#include <gtest/gtest.h>

namespace settled::aws {
namespace {

constexpr const char* kSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
constexpr std::int64_t kSignedAt = 1440938160;  // 2015-08-30T12:36:00Z

AccessKeys suite_keys() {
  auto keys = AccessKeys::parse(std::string("suite:admin:AKIDEXAMPLE:") + kSecret + "\n");
  EXPECT_TRUE(keys.ok());
  return std::move(*keys);
}

SigV4Settings suite_settings() {
  SigV4Settings settings;
  settings.region = "us-east-1";
  settings.service = "service";
  return settings;
}

struct Case {
  const char* name;
  const char* method;
  const char* target;
  HeaderList extra;  // besides Host and X-Amz-Date
  const char* body;
  const char* signed_headers;
  const char* signature;
};

HeaderList headers_of(const Case& c, const std::string& signature) {
  HeaderList headers{{"Host", "example.amazonaws.com"}};
  for (const auto& h : c.extra) headers.push_back(h);
  headers.emplace_back("X-Amz-Date", "20150830T123600Z");
  headers.emplace_back("Authorization",
                       std::string("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/"
                                   "service/aws4_request, SignedHeaders=") +
                           c.signed_headers + ", Signature=" + signature);
  return headers;
}

const std::vector<Case>& suite() {
  static const std::vector<Case> cases = {
      {"get-vanilla",
       "GET",
       "/",
       {},
       "",
       "host;x-amz-date",
       "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"},
      {"get-vanilla-query-order-key-case",
       "GET",
       "/?Param2=value2&Param1=value1",
       {},
       "",
       "host;x-amz-date",
       "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"},
      {"get-vanilla-query-order-key",
       "GET",
       "/?Param1=value2&Param1=value1",
       {},
       "",
       "host;x-amz-date",
       "5772eed61e12b33fae39ee5e7012498b51d56abc0abb7c60486157bd471c4694"},
      {"get-vanilla-query-order-value",
       "GET",
       "/?Param1=value2&Param1=Value1",
       {},
       "",
       "host;x-amz-date",
       "eedbc4e291e521cf13422ffca22be7d2eb8146eecf653089df300a15b2382bd1"},
      {"get-vanilla-query-unreserved",
       "GET",
       "/?-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz="
       "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
       {},
       "",
       "host;x-amz-date",
       "9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197"},
      {"get-vanilla-utf8-query",
       "GET",
       "/?%E1%88%B4=bar",
       {},
       "",
       "host;x-amz-date",
       "2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04"},
      {"get-unreserved",
       "GET",
       "/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
       {},
       "",
       "host;x-amz-date",
       "07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f"},
      {"get-header-key-duplicate",
       "GET",
       "/",
       {{"My-Header1", "value2"}, {"My-Header1", "value2"}, {"My-Header1", "value1"}},
       "",
       "host;my-header1;x-amz-date",
       "c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea"},
      {"get-header-value-order",
       "GET",
       "/",
       {{"My-Header1", "value4"},
        {"My-Header1", "value1"},
        {"My-Header1", "value3"},
        {"My-Header1", "value2"}},
       "",
       "host;my-header1;x-amz-date",
       "08c7e5a9acfcfeb3ab6b2185e75ce8b1deb5e634ec47601a50643f830c755c01"},
      {"get-header-value-trim",
       "GET",
       "/",
       {{"My-Header1", " value1"}, {"My-Header2", " \"a   b   c\""}},
       "",
       "host;my-header1;my-header2;x-amz-date",
       "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736"},
      {"post-vanilla",
       "POST",
       "/",
       {},
       "",
       "host;x-amz-date",
       "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"},
      {"post-vanilla-query",
       "POST",
       "/?Param1=value1",
       {},
       "",
       "host;x-amz-date",
       "28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11"},
      {"post-header-key-sort",
       "POST",
       "/",
       {{"My-Header1", "value1"}},
       "",
       "host;my-header1;x-amz-date",
       "c5410059b04c1ee005303aed430f6e6645f61f4dc9e1461ec8f8916fdf18852c"},
      {"post-header-value-case",
       "POST",
       "/",
       {{"My-Header1", "VALUE1"}},
       "",
       "host;my-header1;x-amz-date",
       "cdbc9802e29d2942e5e10b5bccfdd67c5f22c7c4e8ae67b53629efa58b974b7d"},
      {"post-x-www-form-urlencoded",
       "POST",
       "/",
       {{"Content-Type", "application/x-www-form-urlencoded"}},
       "Param1=value1",
       "content-type;host;x-amz-date",
       "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a"},
      // normalize-path/: the path as the suite's .req files give it (not yet percent-encoded).
      {"get-relative",
       "GET",
       "/example/..",
       {},
       "",
       "host;x-amz-date",
       "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"},
      {"get-relative-relative",
       "GET",
       "/example1/example2/../..",
       {},
       "",
       "host;x-amz-date",
       "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"},
      {"get-slash",
       "GET",
       "//",
       {},
       "",
       "host;x-amz-date",
       "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"},
      {"get-slash-dot-slash",
       "GET",
       "/./",
       {},
       "",
       "host;x-amz-date",
       "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"},
      {"get-slashes",
       "GET",
       "//example//",
       {},
       "",
       "host;x-amz-date",
       "9a624bd73a37c9a373b5312afbebe7a714a789de108f0bdfe846570885f57e84"},
      {"get-slash-pointless-dot",
       "GET",
       "/./example",
       {},
       "",
       "host;x-amz-date",
       "ef75d96142cf21edca26f06005da7988e4f8dc83a165a80865db7089db637ec5"},
      {"get-space",
       "GET",
       "/example space/",
       {},
       "",
       "host;x-amz-date",
       "652487583200325589f1fba4c7e578f72c47cb61beeca81406b39ddec1366741"},
      {"get-utf8",
       "GET",
       "/\xE1\x88\xB4",
       {},
       "",
       "host;x-amz-date",
       "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85"},
  };
  return cases;
}

TEST(SigV4Suite, EachPublishedSignatureIsAccepted) {
  const auto keys = suite_keys();
  for (const auto& c : suite()) {
    SCOPED_TRACE(c.name);
    auto caller = verify_sigv4(c.method, c.target, headers_of(c, c.signature), c.body, keys,
                               suite_settings(), kSignedAt);
    ASSERT_TRUE(caller.ok()) << caller.error().message;
    EXPECT_EQ(caller->identity, "suite");
    EXPECT_EQ(caller->scopes, std::vector<std::string>{"admin"});
  }
}

TEST(SigV4Suite, OneSignatureDigitChangedIsRefused) {
  const auto keys = suite_keys();
  for (const auto& c : suite()) {
    SCOPED_TRACE(c.name);
    std::string changed = c.signature;
    changed[10] = changed[10] == '0' ? '1' : '0';
    auto caller = verify_sigv4(c.method, c.target, headers_of(c, changed), c.body, keys,
                               suite_settings(), kSignedAt);
    ASSERT_FALSE(caller.ok());
    EXPECT_EQ(caller.error().failure, SigV4Failure::kInvalidSignature);
  }
}

TEST(SigV4Suite, TheCanonicalRequestIsTheSuites) {
  // get-vanilla-query-order-key-case's .creq, and get-header-value-trim's.
  const HeaderList vanilla{{"Host", "example.amazonaws.com"}, {"X-Amz-Date", "20150830T123600Z"}};
  EXPECT_EQ(canonical_request("GET", "/", "Param2=value2&Param1=value1", vanilla,
                              {"host", "x-amz-date"}, payload_hash("")),
            "GET\n/\nParam1=value1&Param2=value2\nhost:example.amazonaws.com\n"
            "x-amz-date:20150830T123600Z\n\nhost;x-amz-date\n"
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  const HeaderList trim{{"Host", "example.amazonaws.com"},
                        {"My-Header1", " value1"},
                        {"My-Header2", " \"a   b   c\""},
                        {"X-Amz-Date", "20150830T123600Z"}};
  EXPECT_EQ(canonical_headers({"host", "my-header1", "my-header2", "x-amz-date"}, trim),
            "host:example.amazonaws.com\nmy-header1:value1\nmy-header2:\"a b c\"\n"
            "x-amz-date:20150830T123600Z\n");
  EXPECT_EQ(string_to_sign("20150830T123600Z", credential_scope("20150830", "us-east-1", "service"),
                           "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\n"
                           "host;x-amz-date\n"
                           "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
            "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63");
}

TEST(SigV4Canonical, PathsAreNormalisedAndEncodedOnceMore) {
  EXPECT_EQ(normalize_path(""), "/");
  EXPECT_EQ(normalize_path("/a/./b/../c//d/"), "/a/c/d/");
  EXPECT_EQ(normalize_path("/../.."), "/");
  // On the wire a client's "/example space" is "/example%20space"; AWS signs it twice encoded.
  EXPECT_EQ(canonical_uri("/example%20space"), "/example%2520space");
  EXPECT_EQ(canonical_uri("/"), "/");
}

TEST(SigV4Canonical, QueriesAreDecodedEncodedAndSorted) {
  EXPECT_EQ(canonical_query("b=2&a=1&a"), "a=&a=1&b=2");
  EXPECT_EQ(canonical_query("x=a%20b&y=a+b&&z=%zz"), "x=a%20b&y=a%2Bb&z=%25zz");
  EXPECT_EQ(canonical_query(""), "");
}

}  // namespace
}  // namespace settled::aws
