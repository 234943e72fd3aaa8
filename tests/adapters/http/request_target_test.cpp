#include "adapters/http/request_target.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace settled::adapters {
namespace {

using Segments = std::vector<std::string>;

RequestTarget accepted(std::string_view target) {
  auto parsed = parse_request_target(target);
  EXPECT_TRUE(parsed.ok()) << target << ": " << (parsed ? "" : parsed.error().message);
  return parsed ? *parsed : RequestTarget{};
}

// The refusal message for `target`, "" if it was (wrongly) accepted.
std::string refusal(std::string_view target) {
  auto parsed = parse_request_target(target);
  if (parsed) return "";
  EXPECT_EQ(parsed.error().code, ErrorCode::kInvalidRequest);
  return parsed.error().message;
}

TEST(RequestTarget, SplitsAndDecodesSegmentsAndQuery) {
  const auto target = accepted("/v1/executions/payment:p%2D1/history?limit=5&after=a%20b");
  EXPECT_EQ(target.path, "/v1/executions/payment:p%2D1/history");
  EXPECT_EQ(target.segments, (Segments{"v1", "executions", "payment:p-1", "history"}));
  EXPECT_EQ(target.query_param("limit"), "5");
  EXPECT_EQ(target.query_param("after"), "a b");
  EXPECT_EQ(target.query_param("missing"), std::nullopt);
}

// An execution ARN ($$.Execution.Id) is one segment: ':' is a path character, raw or encoded.
TEST(RequestTarget, AnExecutionArnIsOneSegment) {
  const std::string arn = "arn:aws:states:us-east-1:123456789012:execution:payment:p-1";
  EXPECT_EQ(accepted("/v1/executions/" + arn + "/history").segments,
            (Segments{"v1", "executions", arn, "history"}));
  EXPECT_EQ(accepted("/v1/executions/arn%3Aaws%3Astates%3Aus-east-1%3A123456789012%3Aexecution%3A"
                     "payment%3Ap-1")
                .segments,
            (Segments{"v1", "executions", arn}));
}

TEST(RequestTarget, RootHasNoSegments) {
  EXPECT_TRUE(accepted("/").segments.empty());
  EXPECT_EQ(accepted("/healthz").segments, Segments{"healthz"});
}

TEST(RequestTarget, EncodedUnreservedCharactersDecodeToTheSameSegment) {
  // "/%761/executions" is "/v1/executions": one parse, so the key check sees "v1" too.
  EXPECT_EQ(accepted("/%761/executions").segments, (Segments{"v1", "executions"}));
}

TEST(RequestTarget, RefusesEmptySegments) {
  for (const char* target : {"//v1/executions", "/v1//executions", "/v1/executions/",
                             "//v1/accounts/u1/deposits", "//"}) {
    EXPECT_NE(refusal(target).find("empty path segment"), std::string::npos) << target;
  }
}

TEST(RequestTarget, RefusesDotSegmentsPlainOrEncoded) {
  for (const char* target : {"/v1/./executions", "/v1/../v1/executions", "/v1/%2e/executions",
                             "/v1/%2E%2e/executions", "/.", "/v1/executions/.."}) {
    EXPECT_NE(refusal(target).find("dot segment"), std::string::npos) << target;
  }
  // Dots inside a segment are ordinary text.
  EXPECT_EQ(accepted("/v1/executions/a.b..c").segments[2], "a.b..c");
}

TEST(RequestTarget, RefusesEncodedSlashAndBackslash) {
  for (const char* target : {"/v1%2Fexecutions", "/v1%2fexecutions", "/v1/executions%5Cx"}) {
    EXPECT_NE(refusal(target).find("encoded \"/\" or \"\\\""), std::string::npos) << target;
  }
  EXPECT_NE(refusal("/v1\\executions").find("backslash"), std::string::npos);
}

TEST(RequestTarget, RefusesNulControlCharactersAndNonUtf8) {
  for (const char* target : {"/v1/executions/a%00b", "/v1/executions/a%0Ab", "/v1/x%7F"}) {
    EXPECT_NE(refusal(target).find("control character"), std::string::npos) << target;
  }
  EXPECT_NE(refusal("/v1/accounts/u1/journal?after=%00").find("query parameter"),
            std::string::npos);
  EXPECT_NE(refusal("/v1/executions/%FF").find("not UTF-8"), std::string::npos);
  EXPECT_NE(refusal("/v1/executions/%C0%AF").find("not UTF-8"), std::string::npos);  // overlong
  EXPECT_EQ(accepted("/v1/executions/caf%C3%A9").segments[2], "caf\xC3\xA9");
}

TEST(RequestTarget, RefusesTargetsThatAreNotOriginForm) {
  for (const char* target : {"http://localhost/v1/executions", "localhost:8080", "*",
                             "v1/executions", "/v1/executions#frag", ""}) {
    EXPECT_NE(refusal(target).find("not an origin-form target"), std::string::npos) << target;
  }
}

TEST(RequestTarget, RefusesARepeatedQueryParameter) {
  EXPECT_NE(refusal("/v1/accounts/u1/journal?limit=1&limit=10000").find("more than once"),
            std::string::npos);
}

// The repeated name was quoted whole: a 4 kB name made a 4 kB message. It is cut to 64 bytes.
TEST(RequestTarget, ARepeatedQueryParameterOfAnyLengthIsNamedCutShort) {
  const std::string name(4000, 'q');
  const std::string message = refusal("/v1/state-machines?" + name + "=1&" + name + "=2");
  EXPECT_NE(
      message.find("query parameter \"" + std::string(64, 'q') + "...\" is given more than once"),
      std::string::npos)
      << message;
  EXPECT_LT(message.size(), 512u) << message;
}

TEST(RequestTarget, TheMessageShowsTheTargetWithoutControlBytes) {
  const std::string message = refusal("/v1/executions/a%00b");
  EXPECT_NE(message.find("/v1/executions/a%00b"), std::string::npos) << message;
  EXPECT_EQ(refusal(std::string("/v1/\x01")).find('\x01'), std::string::npos);
}

}  // namespace
}  // namespace settled::adapters
