// The verifier's refusals of malformed and hostile requests, each with the AWS error name and
// wording an SDK shows; and its date parsing.

#include "domain/aws/sigv4_verify.hpp"

#include <gtest/gtest.h>

namespace settled::aws {
namespace {

constexpr std::int64_t kNow = 1440938160;  // 2015-08-30T12:36:00Z
constexpr const char* kSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

AccessKeys keys() {
  auto parsed = AccessKeys::parse(std::string("suite::AKIDEXAMPLE:") + kSecret);
  EXPECT_TRUE(parsed.ok());
  return std::move(*parsed);
}

SigV4Settings settings() {
  SigV4Settings s;
  s.service = "service";
  return s;
}

Result<Caller, SigV4Error> with_authorization(const std::string& authorization,
                                              const std::string& date = "20150830T123600Z") {
  HeaderList headers{{"host", "example.amazonaws.com"}};
  if (!date.empty()) headers.emplace_back("x-amz-date", date);
  headers.emplace_back("authorization", authorization);
  return verify_sigv4("GET", "/", headers, "", keys(), settings(), kNow);
}

const std::string kGood =
    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
    "SignedHeaders=host;x-amz-date, "
    "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31";

void expect(const Result<Caller, SigV4Error>& r, SigV4Failure failure, const std::string& message) {
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().failure, failure);
  EXPECT_EQ(r.error().message, message);
}

TEST(SigV4Verify, TheWellFormedRequestPasses) {
  auto r = with_authorization(kGood);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->identity, "suite");
}

TEST(SigV4Verify, NoAuthorizationIsAMissingToken) {
  HeaderList headers{{"host", "example.amazonaws.com"}, {"x-amz-date", "20150830T123600Z"}};
  auto r = verify_sigv4("POST", "/", headers, "{}", keys(), settings(), kNow);
  expect(r, SigV4Failure::kMissingAuthenticationToken, "Missing Authentication Token");
  EXPECT_EQ(aws_error_name(r.error().failure), "MissingAuthenticationTokenException");
  EXPECT_EQ(http_status(r.error().failure), 400u);
}

TEST(SigV4Verify, AnotherSchemeNamesEveryMissingPart) {
  expect(with_authorization("Bearer abc", ""), SigV4Failure::kIncompleteSignature,
         "Authorization header requires 'Credential' parameter. Authorization header requires "
         "'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. "
         "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. "
         "Authorization=Bearer (value not shown)");
  expect(with_authorization("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/"
                            "aws4_request, SignedHeaders=host;x-amz-date"),
         SigV4Failure::kIncompleteSignature,
         "Authorization header requires 'Signature' parameter. Authorization=AWS4-HMAC-SHA256 "
         "Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
         "SignedHeaders=host;x-amz-date");
  EXPECT_EQ(aws_error_name(SigV4Failure::kIncompleteSignature), "IncompleteSignatureException");
}

// A blank after "Credential=" (a pasted key with a space), as AWS reports it.
TEST(SigV4Verify, APartWithoutEqualSignIsNamed) {
  const std::string header =
      "AWS4-HMAC-SHA256 Credential= AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
      "SignedHeaders=host;x-amz-date, Signature=00";
  expect(
      with_authorization(header), SigV4Failure::kIncompleteSignature,
      "'AKIDEXAMPLE/20150830/us-east-1/service/aws4_request' not a valid key=value pair (missing "
      "equal-sign) in Authorization header: '" +
          header + "'.");
}

TEST(SigV4Verify, ACredentialOfOtherThanFiveElementsIsIncomplete) {
  expect(with_authorization("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1, "
                            "SignedHeaders=host;x-amz-date, Signature=00"),
         SigV4Failure::kIncompleteSignature,
         "Credential must have exactly 5 slash-delimited elements, e.g. "
         "keyid/date/region/service/term, got 'AKIDEXAMPLE/20150830/us-east-1'");
  expect(with_authorization("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/"
                            "aws4_request/x, SignedHeaders=host;x-amz-date, Signature=00"),
         SigV4Failure::kIncompleteSignature,
         "Credential must have exactly 5 slash-delimited elements, e.g. "
         "keyid/date/region/service/term, got "
         "'AKIDEXAMPLE/20150830/us-east-1/service/aws4_request/x'");
}

TEST(SigV4Verify, AWrongTerminatorIsInvalid) {
  auto header = kGood;
  header.replace(header.find("aws4_request"), 12, "aws5_request");
  expect(with_authorization(header), SigV4Failure::kInvalidSignature,
         "Credential should be scoped with a valid terminator: 'aws4_request', not "
         "'aws5_request'.");
}

TEST(SigV4Verify, ADateThatIsNotBasicIso8601IsRefused) {
  for (const char* date : {"2015-08-30T12:36:00Z", "20150830T123600", "20150230T123600Z",
                           "20150830T246000Z", "2015083OT123600Z"}) {
    SCOPED_TRACE(date);
    auto r = with_authorization(kGood, date);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().failure, SigV4Failure::kIncompleteSignature);
    EXPECT_EQ(r.error().message.rfind("Date must be in ISO-8601 'basic format'. Got '", 0), 0u);
  }
}

TEST(SigV4Verify, TheDateHeaderServesWhenThereIsNoXAmzDate) {
  // Signed here (the suite's get-vanilla with Date instead of X-Amz-Date): the string to sign
  // carries the Date header's time in the basic format.
  const HeaderList unsigned_headers{{"host", "example.amazonaws.com"},
                                    {"date", "Sun, 30 Aug 2015 12:36:00 GMT"}};
  const std::string canonical =
      canonical_request("GET", "/", "", unsigned_headers, {"date", "host"}, payload_hash(""));
  const std::string sig =
      signature(signing_key(kSecret, "20150830", "us-east-1", "service"),
                string_to_sign("20150830T123600Z",
                               credential_scope("20150830", "us-east-1", "service"), canonical));
  HeaderList headers = unsigned_headers;
  headers.emplace_back("authorization",
                       "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/"
                       "aws4_request, SignedHeaders=date;host, Signature=" +
                           sig);
  EXPECT_TRUE(verify_sigv4("GET", "/", headers, "", keys(), settings(), kNow).ok());
  headers[1].second = "Sun, 30 Aug 2015 12:36:01 GMT";
  auto r = verify_sigv4("GET", "/", headers, "", keys(), settings(), kNow);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().failure, SigV4Failure::kInvalidSignature);
}

TEST(SigV4Verify, InputsPastTheirBoundsAreRefusedBeforeAnyWork) {
  expect(with_authorization(kGood + std::string(kMaxAuthorizationBytes, ' ')),
         SigV4Failure::kIncompleteSignature, "The Authorization header is longer than 4096 bytes.");
  std::string many = "host";
  for (std::size_t i = 0; i < kMaxSignedHeaders; ++i) many += ";x-h" + std::to_string(i);
  auto r = with_authorization(
      "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
      "SignedHeaders=" +
      many + ", Signature=00");
  expect(r, SigV4Failure::kIncompleteSignature, "SignedHeaders names more than 64 headers.");
  r = with_authorization(
      "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
      "SignedHeaders=Host;x-amz-date, Signature=00");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().failure, SigV4Failure::kIncompleteSignature);
  HeaderList headers{{"host", "example.amazonaws.com"},
                     {"x-amz-date", "20150830T123600Z"},
                     {"authorization", kGood}};
  std::string query = "/?";
  for (std::size_t i = 0; i < kMaxQueryParameters; ++i) query += "a=1&";
  r = verify_sigv4("GET", query, headers, "", keys(), settings(), kNow);
  expect(r, SigV4Failure::kInvalidSignature, "The query has more than 256 parameters.");
}

TEST(SigV4Verify, ASignatureOfAnotherLengthIsAMismatch) {
  auto header = kGood;
  header += "00";
  auto r = with_authorization(header);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().failure, SigV4Failure::kInvalidSignature);
  EXPECT_EQ(aws_error_name(r.error().failure), "InvalidSignatureException");
}

// The header-only check (run before a body is read) passes what only the body could refuse,
// and refuses, with verify_sigv4's own words, what the headers already refuse.
TEST(SigV4HeaderCheck, PassesAKnownKeysHeaderAndRefusesWhatTheHeadersRefuse) {
  HeaderList headers{{"host", "example.amazonaws.com"},
                     {"x-amz-date", "20150830T123600Z"},
                     {"authorization", kGood}};
  auto passed = check_sigv4_header(headers, keys(), settings(), kNow);
  ASSERT_TRUE(passed.ok()) << passed.error().message;
  EXPECT_EQ(passed->identity, "suite");
  // The same headers with a body they were not signed for: only the full check refuses.
  EXPECT_FALSE(verify_sigv4("GET", "/", headers, "a body", keys(), settings(), kNow).ok());

  HeaderList unsigned_headers{{"host", "example.amazonaws.com"}};
  expect(check_sigv4_header(unsigned_headers, keys(), settings(), kNow),
         SigV4Failure::kMissingAuthenticationToken, "Missing Authentication Token");

  std::string unknown = kGood;
  unknown.replace(unknown.find("AKIDEXAMPLE"), 11, "AKIDUNKNOWN");
  headers.back().second = unknown;
  expect(check_sigv4_header(headers, keys(), settings(), kNow), SigV4Failure::kUnrecognizedClient,
         "The security token included in the request is invalid.");

  headers.back().second = kGood;
  auto stale = check_sigv4_header(headers, keys(), settings(), kNow + 3600);
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().failure, SigV4Failure::kInvalidSignature);
}

TEST(SigV4Dates, ParseAndFormat) {
  std::int64_t s = 0;
  ASSERT_TRUE(parse_amz_date("20150830T123600Z", s));
  EXPECT_EQ(s, kNow);
  EXPECT_EQ(format_amz_date(kNow), "20150830T123600Z");
  ASSERT_TRUE(parse_amz_date("20240229T235959Z", s));
  EXPECT_EQ(format_amz_date(s), "20240229T235959Z");
  EXPECT_FALSE(parse_amz_date("20230229T000000Z", s));
  ASSERT_TRUE(parse_http_date("Sun, 30 Aug 2015 12:36:00 GMT", s));
  EXPECT_EQ(s, kNow);
  EXPECT_FALSE(parse_http_date("Sun, 30 Aug 2015 12:36:00 UTC", s));
  EXPECT_FALSE(parse_http_date("Sun, 30 Foo 2015 12:36:00 GMT", s));
}

}  // namespace
}  // namespace settled::aws
