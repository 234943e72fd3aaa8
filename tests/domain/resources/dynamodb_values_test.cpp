// Tests for DynamoDB's attribute values to JSON and back
// (src/domain/resources/dynamodb_values.hpp).

#include "domain/resources/dynamodb_values.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <boost/json.hpp>

namespace settled::aws {
namespace {

namespace json = boost::json;
using ::testing::HasSubstr;

TEST(DynamoDbValues, EveryTypeBecomesPlainJson) {
  auto item = from_attribute_map(json::parse(R"({
    "id": {"S": "p-1"}, "amount": {"N": "1250"}, "rate": {"N": "1.5"}, "ok": {"BOOL": true},
    "none": {"NULL": true}, "tags": {"SS": ["a", "b"]}, "sizes": {"NS": ["1", "2"]},
    "list": {"L": [{"S": "x"}, {"N": "3"}]}, "meta": {"M": {"k": {"S": "v"}}}})"),
                                 "Item");
  ASSERT_TRUE(item.ok()) << item.error().message;
  EXPECT_EQ(json::value(*item), json::parse(R"({"id": "p-1", "amount": 1250, "rate": 1.5,
    "ok": true, "none": null, "tags": ["a", "b"], "sizes": [1, 2], "list": ["x", 3],
    "meta": {"k": "v"}})"));
  EXPECT_TRUE(item->at("amount").is_int64());  // money stays an exact integer
}

TEST(DynamoDbValues, PlainJsonGoesBackToAttributeValues) {
  json::object record = json::parse(R"({"id": "p-1", "amount": 1250, "ok": false, "none": null,
    "list": ["x", 3], "meta": {"k": "v"}})")
                            .as_object();
  EXPECT_EQ(json::value(to_attribute_map(record)), json::parse(R"({"id": {"S": "p-1"},
    "amount": {"N": "1250"}, "ok": {"BOOL": false}, "none": {"NULL": true},
    "list": {"L": [{"S": "x"}, {"N": "3"}]}, "meta": {"M": {"k": {"S": "v"}}}})"));
  auto back = from_attribute_map(json::value(to_attribute_map(record)), "Item");
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, record);
}

TEST(DynamoDbValues, RefusalsNameTheAttribute) {
  auto bad_n = from_attribute_map(json::parse(R"({"amount": {"N": "12x"}})"), "Item");
  ASSERT_FALSE(bad_n.ok());
  EXPECT_THAT(bad_n.error().message, HasSubstr("Item.amount"));
  // Beyond a double's range: it would be stored as infinity, which JSON cannot hold.
  auto huge_n = from_attribute_map(json::parse(R"({"amount": {"N": "1e400"}})"), "Item");
  ASSERT_FALSE(huge_n.ok());
  EXPECT_THAT(huge_n.error().message, HasSubstr("Item.amount"));
  // An integer beyond 64 bits would be rounded to a double: another amount.
  auto big_n =
      from_attribute_map(json::parse(R"({"amount": {"N": "123456789012345678901234"}})"), "Item");
  ASSERT_FALSE(big_n.ok());
  EXPECT_EQ(big_n.error().code, ErrorCode::kInvalidRequest);
  EXPECT_THAT(big_n.error().message, HasSubstr("Item.amount"));
  EXPECT_THAT(big_n.error().message, HasSubstr("an integer beyond 64 bits"));
  auto widest_n =
      from_attribute_map(json::parse(R"({"amount": {"N": "18446744073709551615"}})"), "Item");
  ASSERT_TRUE(widest_n.ok()) << widest_n.error().message;
  EXPECT_EQ(widest_n->at("amount").as_uint64(), 18446744073709551615u);
  auto two_types = from_attribute_map(json::parse(R"({"a": {"S": "x", "N": "1"}})"), "Item");
  ASSERT_FALSE(two_types.ok());
  EXPECT_THAT(two_types.error().message, HasSubstr("one type key"));
  auto unknown = from_attribute_map(json::parse(R"({"m": {"M": {"x": {"Q": 1}}}})"), "Item");
  ASSERT_FALSE(unknown.ok());
  EXPECT_THAT(unknown.error().message, HasSubstr("Item.m.x"));
  EXPECT_FALSE(from_attribute_map(json::parse(R"({"n": {"NULL": false}})"), "Item").ok());
  EXPECT_FALSE(from_attribute_map(json::parse(R"([1])"), "Item").ok());
}

TEST(DynamoDbValues, NestingIsBounded) {
  std::string text = R"({"S": "leaf"})";
  for (int i = 0; i < kMaxAttributeDepth + 2; ++i) text = R"({"L": [)" + text + "]}";
  json::parse_options deep_json;
  deep_json.max_depth = 1000;
  auto deep = from_attribute_value(json::parse(text, {}, deep_json), "Item.x");
  ASSERT_FALSE(deep.ok());
  EXPECT_THAT(deep.error().message, HasSubstr("deeper than"));
}

TEST(DynamoDbValues, ItemKeyJoinsKeyAttributes) {
  json::object item = json::parse(R"({"pk": "user-1", "sk": 7, "x": 1.5})").as_object();
  auto one = item_key(item, {"pk"}, "Item");
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(*one, "user-1");
  auto two = item_key(item, {"pk", "sk"}, "Item");
  ASSERT_TRUE(two.ok());
  EXPECT_EQ(*two, "user-1#7");
  auto missing = item_key(item, {"id"}, "Item");
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(missing.error().message, HasSubstr("\"id\""));
  EXPECT_FALSE(item_key(item, {"x"}, "Item").ok());  // a double is no key
}

}  // namespace
}  // namespace settled::aws
