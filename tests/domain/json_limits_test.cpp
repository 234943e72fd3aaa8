#include "domain/json_limits.hpp"

#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

#include <string>
#include <vector>

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

// A number no double holds would be kept as infinity, which no JSON text can hold: accepted,
// the execution's record and history could not be read back (found by the stored_text fuzzer).
TEST(ParseRequestJson, RefusesANumberBeyondTheRangeOfADoubleNamingIt) {
  const std::string long_number = "{\"x\":2" + std::string(309, '0') + ".5}";  // 2e309
  for (const char* text :
       {R"({"input":{"x":1e400}})", R"([-1e400])", R"({"a":[1,2,1E309]})", long_number.c_str()}) {
    auto parsed = parse_request_json(text, "request body");
    ASSERT_FALSE(parsed.ok()) << text;
    EXPECT_EQ(parsed.error().code, ErrorCode::kInvalidJson);
    EXPECT_NE(parsed.error().message.find("request body has the number "), std::string::npos)
        << parsed.error().message;
    EXPECT_LT(parsed.error().message.size(), 200u) << parsed.error().message;
  }
  EXPECT_NE(parse_request_json(R"({"x":1e400})").error().message.find("1e400"), std::string::npos);
  // The largest doubles, and numbers that only lose precision or underflow to zero, are fine.
  EXPECT_TRUE(parse_request_json(R"([1.7976931348623157e308,-1.7976931348623157e308,1e-400])"));
  EXPECT_TRUE(parse_request_json(R"({"big":123456789012345678901234567890})"));
}

TEST(HoldsNonFiniteNumber, FindsInfinityAndNanAtAnyDepth) {
  EXPECT_FALSE(holds_non_finite_number(boost::json::parse(R"({"a":[1,2.5,{"b":-1e308}]})")));
  boost::json::value deep = boost::json::parse(R"({"a":[1,{"b":[0.5]}]})");
  deep.at("a").at(1).at("b").at(0) = std::numeric_limits<double>::infinity();
  EXPECT_TRUE(holds_non_finite_number(deep));
  EXPECT_TRUE(holds_non_finite_number(boost::json::value(std::nan(""))));
  EXPECT_FALSE(holds_non_finite_number(boost::json::value(0.0)));
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

// Every double written is read back exactly, as a request and as stored JSON: Boost.JSON 1.81's
// own parser reads some of what its serializer writes one ulp away (found by the stored_text
// fuzzer on the double nearest -9227370972036854775809).
TEST(ParseStoredJson, EveryDoubleWrittenIsReadBackExactly) {
  std::vector<double> doubles = {-9227370972036854775809.0,
                                 0.1,
                                 -0.0,
                                 1.7976931348623157e308,
                                 std::numeric_limits<double>::min(),
                                 std::numeric_limits<double>::denorm_min(),
                                 123456789012345678901234567890.0,
                                 2.5e-300};
  // And a spread of mantissas and exponents, deterministically.
  std::uint64_t bits = 0x9e3779b97f4a7c15ULL;
  for (int i = 0; i < 2000; ++i) {
    bits ^= bits << 13;
    bits ^= bits >> 7;
    bits ^= bits << 17;
    double d;
    std::memcpy(&d, &bits, sizeof d);
    if (std::isfinite(d)) doubles.push_back(d);
  }
  for (const double d : doubles) {
    const std::string text = boost::json::serialize(boost::json::value(d));
    auto stored = parse_stored_json(text, "a double");
    ASSERT_TRUE(stored.ok()) << text;
    ASSERT_TRUE(stored->is_double()) << text;
    EXPECT_EQ(std::memcmp(&stored->get_double(), &d, sizeof d), 0) << text;
    auto request = parse_request_json("[" + text + "]");
    ASSERT_TRUE(request.ok()) << text;
    EXPECT_EQ(std::memcmp(&request->at(0).get_double(), &d, sizeof d), 0) << text;
  }
  // Stored JSON is read as it is: a key twice is not refused there.
  EXPECT_TRUE(parse_stored_json(R"({"a":1,"a":2})", "a row").ok());
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
