// Tests for the resource-map option's entries (src/domain/resources/aws_resource_map.hpp).

#include "domain/resources/aws_resource_map.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace settled::aws {
namespace {

using ::testing::HasSubstr;

TEST(AwsResourceMap, ParsesFunctionsTopicsAndTables) {
  auto map = parse_resource_map(
      {"arn:aws:lambda:us-east-1:123456789012:function:ValidatePayment=settled:payment.validate",
       "arn:aws:sns:us-east-1:123456789012:user-notices=settled:notify.send",
       "arn:aws:dynamodb:us-east-1:123456789012:table/PaymentTransactions=paymentId",
       "arn:aws:dynamodb:us-east-1:123456789012:table/Ledger=userId,entryId"});
  ASSERT_TRUE(map.ok()) << map.error().message;
  EXPECT_EQ(map->function("ValidatePayment"), "settled:payment.validate");
  EXPECT_EQ(map->function("arn:aws:lambda:eu-west-1:999999999999:function:ValidatePayment:prod"),
            "settled:payment.validate");
  EXPECT_EQ(map->function("123456789012:function:ValidatePayment"), "settled:payment.validate");
  EXPECT_EQ(map->function("Other"), "");
  EXPECT_EQ(map->topics.at("arn:aws:sns:us-east-1:123456789012:user-notices"),
            "settled:notify.send");
  EXPECT_EQ(map->tables.at("PaymentTransactions"), std::vector<std::string>{"paymentId"});
  auto urls = parse_resource_map(
      {"arn:aws:lambda:us-east-1:123456789012:function:Purchase=https://fn.example/p?x=1"});
  ASSERT_TRUE(urls.ok());
  EXPECT_EQ(urls->function("Purchase"), "settled:http.invoke");
  EXPECT_EQ(urls->function_urls.at("Purchase"), "https://fn.example/p?x=1");  // checked at start
  EXPECT_EQ(map->tables.at("Ledger"), (std::vector<std::string>{"userId", "entryId"}));
}

TEST(AwsResourceMap, RefusesWhatItCannotMap) {
  struct Case {
    std::string entry;
    std::string why;
  };
  for (const Case& c : std::vector<Case>{
           {"no-equals", "FROM=TO"},
           {"arn:aws:lambda:us-east-1:123456789012:function:F=settled:no.such",
            "neither a settled"},
           {"arn:aws:lambda:us-east-1:123456789012:function:F=ftp://x", "nor an http(s) URL"},
           {"arn:aws:lambda:us-east-1:123456789012:function:F=settled:http.invoke", "nor an"},
           {"arn:aws:lambda:us-east-1:123456789012:layer:F=settled:records.put", "Lambda ARN"},
           {"arn:aws:sns:us-east-1:123456789012:t=settled:records.put", "alert.raise or"},
           {"arn:aws:dynamodb:us-east-1:123456789012:table/T=a,b,c", "one or two"},
           {"arn:aws:dynamodb:us-east-1:123456789012:index/T=a", "table ARN"},
           {"arn:aws:sqs:us-east-1:123456789012:q=settled:records.put", "only lambda"},
           {"states:F=settled:records.put", "must be an ARN"},
       }) {
    auto map = parse_resource_map({c.entry});
    ASSERT_FALSE(map.ok()) << c.entry;
    EXPECT_THAT(map.error().message, HasSubstr(c.why)) << c.entry;
    EXPECT_THAT(map.error().message, HasSubstr(c.entry.substr(0, 20))) << c.entry;
  }
  auto twice =
      parse_resource_map({"arn:aws:lambda:us-east-1:123456789012:function:F=settled:records.put",
                          "arn:aws:lambda:us-west-2:123456789012:function:F=settled:notify.send"});
  ASSERT_FALSE(twice.ok());
  EXPECT_THAT(twice.error().message, HasSubstr("mapped twice"));
  EXPECT_FALSE(
      parse_resource_map(std::vector<std::string>(kMaxResourceMapEntries + 1, "x=y")).ok());
}

TEST(AwsResourceMap, FunctionNamesFromEveryForm) {
  EXPECT_EQ(lambda_function_name("F"), "F");
  EXPECT_EQ(lambda_function_name("F:$LATEST"), "F");
  EXPECT_EQ(lambda_function_name("arn:aws:lambda:us-east-1:1:function:F"), "F");
  EXPECT_EQ(lambda_function_name("arn:aws:lambda:us-east-1:1:function:F:alias"), "F");
  EXPECT_EQ(lambda_function_name("arn:aws:states:::lambda:invoke"), "");
  EXPECT_EQ(lambda_function_name("a b"), "");
}

}  // namespace
}  // namespace settled::aws
