#include "domain/json_canonical.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

namespace settled {
namespace {

bool same(const char* a, const char* b) {
  return canonical_equal(boost::json::parse(a), boost::json::parse(b));
}

TEST(CanonicalEqual, NumbersAreComparedByValue) {
  EXPECT_TRUE(same("100", "100.0"));
  EXPECT_TRUE(same("100", "1e2"));
  EXPECT_TRUE(same("1E2", "100.00"));
  EXPECT_TRUE(same("0", "-0.0"));
  EXPECT_TRUE(same("-5", "-5.0"));
  EXPECT_TRUE(same("18446744073709551615", "18446744073709551615"));
  EXPECT_TRUE(same("9223372036854775807", "9223372036854775807"));
  EXPECT_FALSE(same("100", "100.5"));
  EXPECT_FALSE(same("100", "101"));
  EXPECT_FALSE(same("-1", "18446744073709551615"));
  // 2^53 + 1 has no double: the double that parses from it is 2^53, a different amount.
  EXPECT_FALSE(same("9007199254740993", "9007199254740993.0"));
  EXPECT_TRUE(same("9007199254740992", "9007199254740992.0"));
  EXPECT_FALSE(same("9223372036854775807", "9223372036854775808.0"));
}

TEST(CanonicalEqual, ObjectKeyOrderDoesNotMatter) {
  EXPECT_TRUE(same(R"({"a":1,"b":{"x":[1,2],"y":null}})", R"({"b":{"y":null,"x":[1.0,2]},"a":1})"));
  EXPECT_FALSE(same(R"({"a":1})", R"({"a":1,"b":2})"));
  EXPECT_FALSE(same(R"({"a":1,"b":2})", R"({"a":1})"));
  EXPECT_FALSE(same(R"({"a":1})", R"({"b":1})"));
}

TEST(CanonicalEqual, ArrayOrderAndTypesMatter) {
  EXPECT_FALSE(same("[1,2]", "[2,1]"));
  EXPECT_FALSE(same("[1]", "[1,1]"));
  EXPECT_FALSE(same(R"("100")", "100"));
  EXPECT_FALSE(same("true", "1"));
  EXPECT_FALSE(same("null", "0"));
  EXPECT_FALSE(same("[]", "{}"));
  EXPECT_TRUE(same(R"("é")", R"("\u00e9")"));
  EXPECT_FALSE(same(R"("a")", R"("A")"));
}

// canonical_text has one spelling per meaning: equal values by canonical_equal, equal text.
TEST(CanonicalText, EqualValuesHaveOneTextAndOthersDiffer) {
  const auto text = [](const char* json) { return canonical_text(boost::json::parse(json)); };
  EXPECT_EQ(text(R"({"b":1,"a":[100.0,-0.0,1e2]})"), R"({"a":[100,0,100],"b":1})");
  EXPECT_EQ(text(R"({"a":{"y":2,"x":1}})"), text(R"({"a":{"x":1,"y":2.0}})"));
  EXPECT_EQ(text("18446744073709551615"), "18446744073709551615");
  EXPECT_EQ(text("1.5"), "1.5E0");  // a fraction as Boost.JSON writes a double
  EXPECT_NE(text("[1,2]"), text("[2,1]"));
  EXPECT_NE(text(R"("100")"), text("100"));
  EXPECT_NE(text("9007199254740993"), text("9007199254740992.0"));  // 2^53+1 is not 2^53
  // The stored definitions' hash reads numbers as written: its text must never change.
  EXPECT_EQ(sorted_keys_text(boost::json::parse(R"({"b":1.0,"a":1e2})")), R"({"a":1E2,"b":1E0})");
}

}  // namespace
}  // namespace settled
