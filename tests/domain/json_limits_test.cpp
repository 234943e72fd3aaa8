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
  // A number the client wrote with a fraction or an exponent is a double: it may be rounded.
  EXPECT_TRUE(parse_request_json(R"({"big":1.23456789012345678901234567890e29})"));
}

// Boost.JSON reads an integer no int64 or uint64 holds as the nearest double: the client's
// {"n": 123456789012345678901234} would be kept as 1.2345678901234568E23, another number. It is
// refused, named, saying why; every integer of int64 and uint64 is kept exactly.
TEST(ParseRequestJson, RefusesAnIntegerBeyondSixtyFourBitsNamingIt) {
  const std::string long_integer = "[" + std::string(400, '9') + "]";
  for (const char* text : {R"({"n":123456789012345678901234})", R"({"a":[-9223372036854775809]})",
                           R"([18446744073709551616])", R"({"x":{"y":100000000000000000000}})",
                           long_integer.c_str()}) {
    SCOPED_TRACE(text);
    auto parsed = parse_request_json(text, "request body");
    ASSERT_FALSE(parsed.ok());
    EXPECT_EQ(parsed.error().code, ErrorCode::kInvalidJson);
    EXPECT_NE(parsed.error().message.find("request body has the number "), std::string::npos)
        << parsed.error().message;
    EXPECT_NE(parsed.error().message.find("an integer beyond 64 bits"), std::string::npos)
        << parsed.error().message;
    EXPECT_LT(parsed.error().message.size(), 300u) << parsed.error().message;
  }
  EXPECT_NE(parse_request_json(R"({"n": 123456789012345678901234})")
                .error()
                .message.find("123456789012345678901234"),
            std::string::npos);
  auto edges = parse_request_json(
      R"([-9223372036854775808, 9223372036854775807, 18446744073709551615, -0, 0])");
  ASSERT_TRUE(edges.ok()) << edges.error().message;
  EXPECT_EQ(edges->at(0).as_int64(), std::numeric_limits<std::int64_t>::min());
  EXPECT_EQ(edges->at(2).as_uint64(), std::numeric_limits<std::uint64_t>::max());
  // What settled stored is read as written (a double it wrote has a fraction or an exponent).
  EXPECT_TRUE(parse_stored_json(R"({"n":123456789012345678901234})", "a row").ok());
}

// States.StringToJson's text: json::parse's reading, but numbers exact or refused.
TEST(ParseJsonExactly, RefusesWhatItCannotKeepExactlyAndReadsTheRestAsJsonParseDoes) {
  auto big = parse_json_exactly(R"({"n":[1,123456789012345678901234]})", "the string");
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.error().code, ErrorCode::kInvalidJson);
  EXPECT_NE(big.error().message.find("the string has the number 123456789012345678901234, an "
                                     "integer beyond 64 bits"),
            std::string::npos)
      << big.error().message;
  auto infinite = parse_json_exactly("-1e400", "the string");
  ASSERT_FALSE(infinite.ok());
  EXPECT_NE(infinite.error().message.find("beyond the range of a JSON number"), std::string::npos);
  auto not_json = parse_json_exactly("{x", "the string");
  ASSERT_FALSE(not_json.ok());
  EXPECT_EQ(not_json.error().message.rfind("the string is not valid JSON (", 0), 0u)
      << not_json.error().message;
  // A zero is zero whatever its exponent (Boost.JSON 1.81 alone reads -0e365 as NaN).
  auto zero = parse_json_exactly("[-0e365, 0e400, 1e-400]", "the string");
  ASSERT_TRUE(zero.ok()) << zero.error().message;
  for (const auto& n : zero->as_array()) EXPECT_EQ(n.as_double(), 0.0) << n;
  EXPECT_TRUE(std::signbit(zero->as_array()[0].as_double()));
  auto repeated = parse_json_exactly(R"({"k":1,"k":2,"d":0.1})", "the string");
  ASSERT_TRUE(repeated.ok()) << repeated.error().message;
  EXPECT_EQ(*repeated, boost::json::parse(R"({"k":2,"d":0.1})"));
}

TEST(InexactNumberProblem, NamesOnlyNumbersSettledCannotKeep) {
  const auto problem = [](const char* text) {
    return inexact_number_problem(boost::json::parse(text), text);
  };
  EXPECT_NE(problem("123456789012345678901234").find("integer beyond 64 bits"), std::string::npos);
  EXPECT_NE(problem("1e400").find("beyond the range"), std::string::npos);
  EXPECT_EQ(problem("18446744073709551615"), "");
  EXPECT_EQ(problem("-9223372036854775808"), "");
  EXPECT_EQ(problem("1.5e300"), "");
  EXPECT_EQ(problem("123456789012345678901234.0"), "");
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

TEST(PayloadDepth, CountsTheNestingOfTheTextOutsideItsStrings) {
  EXPECT_FALSE(text_nests_deeper_than("1", 0));
  EXPECT_FALSE(text_nests_deeper_than("[]", 1));
  EXPECT_TRUE(text_nests_deeper_than("[]", 0));
  EXPECT_FALSE(text_nests_deeper_than(R"({"a":[1,{"b":2}],"c":[]})", 3));
  EXPECT_TRUE(text_nests_deeper_than(R"({"a":[1,{"b":2}],"c":[]})", 2));
  // Brackets and escaped quotes inside strings are text, not nesting.
  EXPECT_FALSE(text_nests_deeper_than(R"({"a":"[[[[{{{{","b":"\"[[[["})", 1));
  EXPECT_TRUE(text_nests_deeper_than(R"({"a":"\\","b":[[1]]})", 2));
  // Many brackets side by side are not deep.
  std::string wide = "[";
  for (int i = 0; i < 1000; ++i) wide += i == 0 ? "[]" : ",[]";
  wide += "]";
  EXPECT_FALSE(text_nests_deeper_than(wide, 2));
  EXPECT_TRUE(text_nests_deeper_than(wide, 1));
}

TEST(PayloadDepth, AValueAndItsTextAgree) {
  for (const char* text : {"1", "[]", "{}", R"({"a":[1,{"b":2}],"c":[]})", "[[[[[]]]],{}]"}) {
    const boost::json::value value = boost::json::parse(text);
    for (std::size_t depth = 0; depth < 7; ++depth)
      EXPECT_EQ(nests_deeper_than(value, depth), text_nests_deeper_than(text, depth))
          << text << " " << depth;
  }
}

}  // namespace
}  // namespace settled
