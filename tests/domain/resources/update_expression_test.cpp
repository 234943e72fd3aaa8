// Tests for DynamoDB's UpdateExpression parser (src/domain/resources/update_expression.hpp).

#include "domain/resources/update_expression.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <string>

namespace settled::aws {
namespace {

namespace json = boost::json;
using ::testing::HasSubstr;

json::object names_of(const char* text) {
  return json::parse(text).as_object();
}

Result<json::object> parse(std::string_view expression, const char* names = "{}",
                           const char* values = "{}") {
  return parse_update_expression(expression, names_of(names), names_of(values));
}

std::string refusal(std::string_view expression, const char* names = "{}",
                    const char* values = "{}") {
  auto parsed = parse(expression, names, values);
  if (parsed.ok()) {
    ADD_FAILURE() << expression << " was not refused: " << json::serialize(*parsed);
    return {};
  }
  return parsed.error().message;
}

TEST(UpdateExpression, SetRemoveAndAddWithNamesAndValues) {
  auto parsed = parse("SET #s = :s, meta.#by = :by  remove note, old.x ADD n :one",
                      R"({"#s": "status", "#by": "by"})", R"({":s": "PAID", ":by": {"a": 1},
                      ":one": 5})");
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(json::value(*parsed), json::parse(R"({
    "set": [{"path": ["status"], "value": "PAID"}, {"path": ["meta", "by"], "value": {"a": 1}}],
    "remove": [["note"], ["old", "x"]],
    "add": [{"path": ["n"], "value": 5}]})"));
  // Clauses in any order, spaces optional around '=' and ','.
  auto tight = parse("REMOVE a,b SET c=:c", "{}", R"({":c": null})");
  ASSERT_TRUE(tight.ok()) << tight.error().message;
  EXPECT_EQ(tight->at("remove"), json::parse(R"([["a"], ["b"]])"));
  EXPECT_EQ(tight->at("set"), json::parse(R"([{"path": ["c"], "value": null}])"));
}

TEST(UpdateExpression, RefusesWhatDynamoDbRefuses) {
  EXPECT_THAT(refusal(""), HasSubstr("empty"));
  EXPECT_THAT(refusal("SET a = :a", "{}", "{}"), HasSubstr(":a"));
  EXPECT_THAT(refusal("SET #a = :a", "{}", R"({":a": 1})"), HasSubstr("#a"));
  EXPECT_THAT(refusal("SET a = :a", R"({"#unused": "x"})", R"({":a": 1})"), HasSubstr("#unused"));
  EXPECT_THAT(refusal("SET a = :a", "{}", R"({":a": 1, ":b": 2})"), HasSubstr(":b"));
  EXPECT_THAT(refusal("SET a = :a SET b = :a", "{}", R"({":a": 1})"), HasSubstr("twice"));
  EXPECT_THAT(refusal("SET a.b = :a REMOVE a", "{}", R"({":a": 1})"), HasSubstr("overlap"));
  EXPECT_THAT(refusal("SET a = :a, a = :a", "{}", R"({":a": 1})"), HasSubstr("overlap"));
  EXPECT_THAT(refusal("SET a :a", "{}", R"({":a": 1})"), HasSubstr("'='"));
  EXPECT_THAT(refusal("UPSERT a = :a", "{}", R"({":a": 1})"), HasSubstr("SET, REMOVE or ADD"));
  EXPECT_THAT(refusal("SET a = :a junk", "{}", R"({":a": 1})"), HasSubstr("offset"));
  EXPECT_THAT(refusal("REMOVE a,", "{}", "{}"), HasSubstr("attribute name"));
  EXPECT_THAT(refusal("SET a = :a REMOVE set", "{}", R"({":a": 1})"), HasSubstr("#name"));
}

TEST(UpdateExpression, RefusesWhatSettledDoesNotSupportNamingIt) {
  EXPECT_THAT(refusal("DELETE tags :t", "{}", R"({":t": ["a"]})"), HasSubstr("DELETE"));
  EXPECT_THAT(refusal("SET a[0] = :a", "{}", R"({":a": 1})"), HasSubstr("list indexes"));
  EXPECT_THAT(refusal("SET a = if_not_exists(a, :a)", "{}", R"({":a": 1})"),
              HasSubstr("if_not_exists"));
  EXPECT_THAT(refusal("SET a = :a + :b", "{}", R"({":a": 1, ":b": 2})"), HasSubstr("arithmetic"));
  EXPECT_THAT(refusal("SET a = b", "{}", "{}"), HasSubstr("only a :value"));
  EXPECT_THAT(refusal("ADD tags :t", "{}", R"({":t": ["a"]})"), HasSubstr("numbers only"));
  EXPECT_THAT(refusal("ADD a.b :n", "{}", R"({":n": 1})"), HasSubstr("top-level"));
}

TEST(UpdateExpression, IsBoundedInLengthDepthAndActions) {
  EXPECT_THAT(refusal(std::string(kMaxUpdateExpressionBytes + 1, ' ')), HasSubstr("longer"));
  std::string deep = "REMOVE a";
  for (std::size_t i = 0; i < kMaxPathDepth; ++i) deep += ".a";
  EXPECT_THAT(refusal(deep), HasSubstr("deeper"));
  std::string many = "REMOVE a0";
  for (std::size_t i = 1; i <= kMaxUpdateActions; ++i) many += ", a" + std::to_string(i);
  EXPECT_THAT(refusal(many), HasSubstr("actions"));
  // Hostile bytes are refused, never read past.
  EXPECT_THAT(refusal(std::string("SET \0 = :a", 10), "{}", R"({":a": 1})"),
              HasSubstr("attribute name"));
  EXPECT_FALSE(parse("SET #", R"({"#": "x"})").ok());
  EXPECT_FALSE(parse("SET a = :", "{}", R"({":": 1})").ok());
  EXPECT_FALSE(parse("REMOVE a.", "{}", "{}").ok());
}

}  // namespace
}  // namespace settled::aws
