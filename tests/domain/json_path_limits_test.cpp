// The bounds of JSONPath (domain/json_path.hpp): length and filter nesting refused with a short,
// clear message at compile time, and evaluation that needs no recursion over the document.

#include "domain/json_path.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <string>

namespace settled::jsonpath {
namespace {

namespace json = boost::json;
using ::testing::HasSubstr;
using ::testing::StartsWith;

std::string compile_error(const std::string& text) {
  Result<Path> path = compile(text);
  if (path.ok()) return "compiled";
  EXPECT_EQ(path.error().code, ErrorCode::kInvalidDefinition);
  return path.error().message;
}

// "$[?(" + `depth` nested "(" around "@.a" + the closing ")" + "]".
std::string nested_parens(int depth) {
  return "$[?(" + std::string(static_cast<std::size_t>(depth), '(') + "@.a" +
         std::string(static_cast<std::size_t>(depth), ')') + ")]";
}

TEST(JsonPathLimits, AcceptsAPathOfExactlyTheMaximumLength) {
  std::string text = "$.";
  text += std::string(kMaxPathLength - text.size(), 'a');
  ASSERT_EQ(text.size(), kMaxPathLength);
  EXPECT_EQ(compile_error(text), "compiled");
}

TEST(JsonPathLimits, RefusesAPathOneByteOverTheMaximumLengthQuotingOnlyItsStart) {
  std::string text = "$.";
  text += std::string(kMaxPathLength + 1 - text.size(), 'a');
  const std::string message = compile_error(text);
  EXPECT_THAT(message, StartsWith("invalid JSONPath '$.aaaa"));
  EXPECT_THAT(message, HasSubstr("...' (4097 bytes): longer than the limit of 4096 bytes"));
  EXPECT_LT(message.size(), 200u);
}

TEST(JsonPathLimits, AcceptsFiltersNestedToTheLimitAndRefusesOneMore) {
  EXPECT_EQ(compile_error(nested_parens(kMaxFilterNesting)), "compiled");
  EXPECT_THAT(compile_error(nested_parens(kMaxFilterNesting + 1)),
              HasSubstr("filter expression nested more than 32 deep at position 36"));
}

TEST(JsonPathLimits, CountsNegationsAsNesting) {
  const auto negations = [](int n) {
    return "$[?(" + std::string(static_cast<std::size_t>(n), '!') + "@.a)]";
  };
  EXPECT_EQ(compile_error(negations(kMaxFilterNesting)), "compiled");
  EXPECT_THAT(compile_error(negations(kMaxFilterNesting + 1)),
              HasSubstr("filter expression nested more than 32 deep"));
  // Mixed: 20 '(' then 13 '!' is 33 levels.
  EXPECT_THAT(compile_error("$[?(" + std::string(20, '(') + std::string(13, '!') + "@.a" +
                            std::string(20, ')') + ")]"),
              HasSubstr("nested more than 32 deep"));
}

TEST(JsonPathLimits, NestedFiltersEvaluateAtTheLimit) {
  Result<Path> path = compile(nested_parens(kMaxFilterNesting));
  ASSERT_TRUE(path.ok());
  Result<json::value> out = select(*path, json::parse(R"([{"a":1},{"b":2}])"));
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(json::serialize(*out), R"([{"a":1}])");
}

// The reported crash: 100,000 '(' after "$[?(" overflowed the stack of the filter parser.
TEST(JsonPathLimits, RefusesTheHundredThousandParenthesisBomb) {
  const std::string bomb = "$[?(" + std::string(100000, '(');
  const std::string message = compile_error(bomb);
  EXPECT_THAT(message, HasSubstr("longer than the limit of 4096 bytes"));
  // Under the length limit the nesting limit still stops it.
  EXPECT_THAT(compile_error("$[?(" + std::string(4000, '(')), HasSubstr("nested more than 32"));
}

// Seen while writing the JSONPath fuzzer: a slice step near INT64_MAX overflowed the loop index.
TEST(JsonPathLimits, HugeSliceStepsDoNotOverflow) {
  Result<Path> path = compile("$[1::9223372036854775807]");
  ASSERT_TRUE(path.ok());
  Result<json::value> out = select(*path, json::parse("[0,1,2,3]"));
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(json::serialize(*out), "[1]");
}

// "$.." walks the document with an explicit stack: documents built at run time can be far deeper
// than anything parsed from text.
TEST(JsonPathLimits, DescendantSelectsFromAVeryDeepDocument) {
  constexpr int kDepth = 100000;
  json::value doc = json::object{{"a", 1}};
  for (int i = 0; i < kDepth; ++i) {
    json::array wrapper;
    wrapper.push_back(std::move(doc));
    doc = std::move(wrapper);
  }
  Result<json::value> out = select(*compile("$..a"), doc);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(json::serialize(*out), "[1]");
  Result<json::value> filtered = select(*compile("$..[?(@.a == 1)]"), doc);
  ASSERT_TRUE(filtered.ok());
  EXPECT_EQ(json::serialize(*filtered), R"([{"a":1}])");
  // Taken apart from the top: json::value's destructor recurses, a test must not.
  while (doc.is_array()) {
    json::value inner = std::move(doc.get_array()[0]);
    doc = std::move(inner);
  }
}

}  // namespace
}  // namespace settled::jsonpath
