#include "domain/json_limits.hpp"

#include <gtest/gtest.h>
#include <boost/json/serialize.hpp>

#include <string>

namespace settled {
namespace {

// Arrays nested `depth` deep around a number: depth 1 is "[1]".
std::string nested_arrays(std::size_t depth) {
  return std::string(depth, '[') + "1" + std::string(depth, ']');
}

// Objects nested `depth` deep: depth 1 is {"a":1}.
std::string nested_objects(std::size_t depth) {
  std::string text;
  for (std::size_t i = 0; i < depth; ++i) text += "{\"a\":";
  text += "1";
  text += std::string(depth, '}');
  return text;
}

TEST(ParseRequestJson, ParsesOrdinaryJson) {
  auto parsed =
      parse_request_json(R"({"a":[1,2.5,"x",true,null],"b":{"c":-3,"d":18446744073709551615}})");
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(boost::json::serialize(*parsed),
            R"({"a":[1,2.5E0,"x",true,null],"b":{"c":-3,"d":18446744073709551615}})");
}

TEST(ParseRequestJson, RefusesADuplicateKeyNamingIt) {
  auto parsed = parse_request_json(R"({"amount":1,"amount":100000})");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().code, ErrorCode::kInvalidJson);
  EXPECT_NE(parsed.error().message.find("\"amount\" twice"), std::string::npos)
      << parsed.error().message;

  auto nested = parse_request_json(R"({"input":{"x":{"k":1,"k":1}}})", "event body");
  ASSERT_FALSE(nested.ok());
  EXPECT_NE(nested.error().message.find("event body has the key \"k\" twice"), std::string::npos)
      << nested.error().message;
  EXPECT_FALSE(parse_request_json(R"({"":1,"":2})").ok());
}

TEST(ParseRequestJson, AcceptsTheSameKeyInDifferentObjects) {
  auto parsed = parse_request_json(R"({"a":{"a":1},"b":[{"a":1},{"a":2}],"c":{"a":{"a":3}}})");
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->at("c").at("a").at("a").as_int64(), 3);
}

TEST(ParseRequestJson, KeysSplitAcrossEscapesAreComparedWhole) {
  // "\u0061b" is "ab": the same key, however it is spelled.
  EXPECT_FALSE(parse_request_json(R"({"ab":1,"\u0061b":2})").ok());
  EXPECT_TRUE(parse_request_json(R"({"ab":1,"\u0061c":2})").ok());
}

TEST(ParseRequestJson, DepthUpToTheLimitIsAcceptedOneMoreIsRefused) {
  EXPECT_TRUE(parse_request_json(nested_arrays(kRequestJsonMaxDepth)).ok());
  EXPECT_TRUE(parse_request_json(nested_objects(kRequestJsonMaxDepth)).ok());
  auto deep = parse_request_json(nested_objects(kRequestJsonMaxDepth + 1));
  ASSERT_FALSE(deep.ok());
  EXPECT_EQ(deep.error().code, ErrorCode::kInvalidJson);
  EXPECT_NE(deep.error().message.find("limit of 64 levels"), std::string::npos)
      << deep.error().message;
}

TEST(ParseRequestJson, RefusesInvalidTruncatedAndTrailingText) {
  for (const char* text : {"", "{", "{\"a\":1", "{\"a\":1} x", "[1,]", "nul"}) {
    auto parsed = parse_request_json(text);
    ASSERT_FALSE(parsed.ok()) << text;
    EXPECT_EQ(parsed.error().code, ErrorCode::kInvalidJson);
    EXPECT_NE(parsed.error().message.find("request body is not valid JSON"), std::string::npos)
        << parsed.error().message;
  }
}

TEST(ParseStoredJson, ReadsBackAnythingARequestCouldNestWithRoomForWrappers) {
  // An accepted request at the limit, wrapped the way a record wraps it, stays readable.
  std::string wrapped = "{\"record\":{\"input\":" + nested_objects(kRequestJsonMaxDepth) + "}}";
  boost::system::error_code ec;
  parse_stored_json(wrapped, ec);
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_NO_THROW(parse_stored_json(nested_arrays(kStoredJsonMaxDepth)));
  EXPECT_THROW(parse_stored_json(nested_arrays(kStoredJsonMaxDepth + 1)),
               boost::system::system_error);
  static_assert(kStoredJsonMaxDepth >= 2 * kRequestJsonMaxDepth, "headroom for the wrappers");
}

}  // namespace
}  // namespace settled
