// sns:publish's parameters (src/domain/resources/sns_publish.hpp): what the alert and
// notification built-ins carry (MessageStructure json's default, every message attribute, the
// FIFO group and deduplication ids), what they cannot (SMS, mobile push, unknown parameters,
// broken constraints) refused as SNS.InvalidParameterException naming it, and SNS's answer
// (SequenceNumber for a FIFO topic only).

#include "domain/resources/sns_publish.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <boost/json.hpp>

namespace settled::aws {
namespace {

namespace json = boost::json;
using ::testing::HasSubstr;

constexpr const char* kOps = "arn:aws:sns:us-east-1:123456789012:ops";
constexpr const char* kOrders = "arn:aws:sns:us-east-1:123456789012:orders.fifo";
constexpr const char* kNotices = "arn:aws:sns:us-east-1:123456789012:user-notices";

ResourceMap test_map() {
  auto map = parse_resource_map({std::string(kNotices) + "=settled:notify.send"});
  EXPECT_TRUE(map.ok());
  return map.ok() ? *map : ResourceMap{};
}

BuiltinCall call_of(const json::object& parameters) {
  auto translated = sns_publish(test_map(), parameters);
  if (auto* failure = std::get_if<TaskOutcome>(&translated)) {
    ADD_FAILURE() << json::serialize(parameters) << ": " << failure->cause;
    return {};
  }
  return std::get<BuiltinCall>(std::move(translated));
}

std::string refusal_of(const json::object& parameters) {
  auto translated = sns_publish(test_map(), parameters);
  if (!std::holds_alternative<TaskOutcome>(translated)) {
    ADD_FAILURE() << json::serialize(parameters) << " was not refused";
    return {};
  }
  const auto& failure = std::get<TaskOutcome>(translated);
  EXPECT_EQ(failure.error, "SNS.InvalidParameterException");
  return failure.cause;
}

json::object attribute(const char* value, const char* type = "String") {
  return json::object{{"DataType", type}, {"StringValue", value}};
}

TEST(SnsPublish, CarriesEveryAttributeTheGroupAndTheDefaultMessage) {
  auto alert = call_of(
      {{"TargetArn", kOps},
       {"Message", R"({"default": "Payment failed", "email": "Long text"})"},
       {"MessageStructure", "json"},
       {"Subject", "Payment p-1"},
       {"MessageGroupId", "p-1"},
       {"MessageAttributes",
        json::object{{"severity", attribute("warning")},
                     {"amount", attribute("1250", "Number")},
                     {"blob", json::object{{"DataType", "Binary"}, {"BinaryValue", "AAEC"}}}}}});
  EXPECT_EQ(alert.resource, "settled:alert.raise");
  EXPECT_EQ(alert.parameters, json::parse(R"({"message": "Payment failed",
    "subject": "Payment p-1", "severity": "warning",
    "topicArn": "arn:aws:sns:us-east-1:123456789012:ops",
    "attributes": {"severity": "warning", "amount": "1250", "blob": "AAEC"},
    "messageGroupId": "p-1"})"));

  auto notify = call_of({{"TopicArn", kNotices},
                         {"Message", "Paid"},
                         {"MessageAttributes", json::object{{"userId", attribute("u-1")},
                                                            {"type", attribute("receipt")}}}});
  EXPECT_EQ(notify.resource, "settled:notify.send");
  EXPECT_EQ(notify.parameters, json::parse(R"({"message": "Paid", "userId": "u-1",
    "type": "receipt", "attributes": {"userId": "u-1", "type": "receipt"}})"));

  auto fifo = call_of({{"TopicArn", kOrders},
                       {"Message", "m"},
                       {"MessageGroupId", "order-7"},
                       {"MessageDeduplicationId", "order-7#1"}});
  EXPECT_EQ(fifo.parameters.at("messageGroupId"), "order-7");
  EXPECT_EQ(fifo.parameters.at("messageDeduplicationId"), "order-7#1");
}

TEST(SnsPublish, RefusesWhatTheBuiltinsCannotCarryNamingIt) {
  EXPECT_THAT(refusal_of({{"PhoneNumber", "+15555550100"}, {"Message", "m"}}), HasSubstr("no SMS"));
  EXPECT_THAT(refusal_of({{"TargetArn", "arn:aws:sns:us-east-1:123456789012:endpoint/GCM/app/1"},
                          {"Message", "m"}}),
              HasSubstr("mobile platform endpoint"));
  EXPECT_THAT(refusal_of({{"TopicArn", kOps}, {"TargetArn", kOps}, {"Message", "m"}}),
              HasSubstr("only one of"));
  EXPECT_THAT(refusal_of({{"Message", "m"}}), HasSubstr("TopicArn"));
  EXPECT_THAT(refusal_of({{"TopicArn", kOps}}), HasSubstr("Message"));
  EXPECT_THAT(refusal_of({{"TopicArn", kOps}, {"Message", "m"}, {"Endpoint", "x"}}),
              HasSubstr("Endpoint is not a parameter of Publish"));
  EXPECT_THAT(refusal_of({{"TopicArn", kOps}, {"Message", "m"}, {"MessageStructure", "xml"}}),
              HasSubstr("MessageStructure"));
  EXPECT_THAT(refusal_of({{"TopicArn", kOps},
                          {"Message", R"({"email": "no default"})"},
                          {"MessageStructure", "json"}}),
              HasSubstr("\"default\""));
  EXPECT_THAT(refusal_of({{"TopicArn", kOps}, {"Message", "m"}, {"Subject", "two\nlines"}}),
              HasSubstr("Subject"));
  EXPECT_THAT(
      refusal_of({{"TopicArn", kOps}, {"Message", "m"}, {"Subject", std::string(100, 's')}}),
      HasSubstr("Subject"));
  EXPECT_THAT(refusal_of({{"TopicArn", kOps}, {"Message", std::string(256 * 1024 + 1, 'm')}}),
              HasSubstr("too long"));
  EXPECT_THAT(refusal_of({{"TopicArn", kOps},
                          {"Message", "m"},
                          {"MessageAttributes", json::object{{"a", attribute("x", "Map")}}}}),
              HasSubstr("DataType"));
  EXPECT_THAT(refusal_of({{"TopicArn", kOps},
                          {"Message", "m"},
                          {"MessageAttributes",
                           json::object{{"a", json::object{{"DataType", "String"}}}}}}),
              HasSubstr("StringValue"));
  // FIFO: a group for every message; a deduplication id only there.
  EXPECT_THAT(refusal_of({{"TopicArn", kOrders}, {"Message", "m"}}),
              HasSubstr("MessageGroupId parameter is required"));
  EXPECT_THAT(refusal_of({{"TopicArn", kOps}, {"Message", "m"}, {"MessageDeduplicationId", "d"}}),
              HasSubstr("only to FIFO"));
  EXPECT_THAT(
      refusal_of(
          {{"TopicArn", kOrders}, {"Message", "m"}, {"MessageGroupId", std::string(129, 'g')}}),
      HasSubstr("MessageGroupId"));
  // A notification needs its user.
  EXPECT_THAT(refusal_of({{"TopicArn", kNotices}, {"Message", "m"}}), HasSubstr("userId"));
}

TEST(SnsPublish, AFifoTopicsAnswerHasASequenceNumberThatGrowsWithTime) {
  const std::string r = "arn:aws:states:::sns:publish";
  const json::value fifo = json::object{{"TopicArn", kOrders}, {"MessageGroupId", "g"}};
  const json::value standard = json::object{{"TopicArn", kOps}};
  auto first = from_builtin(r, TaskOutcome::success(json::object{}), "e/s/1", fifo, 1764950000000);
  auto later = from_builtin(r, TaskOutcome::success(json::object{}), "e/s/2", fifo, 1764950000001);
  ASSERT_TRUE(first.ok);
  const std::string a(first.result.at("SequenceNumber").as_string());
  const std::string b(later.result.at("SequenceNumber").as_string());
  EXPECT_EQ(a.size(), 20u);
  EXPECT_EQ(b.size(), 20u);
  EXPECT_LT(a, b);
  EXPECT_EQ(a.find_first_not_of("0123456789"), std::string::npos);
  // The same attempt again: the same answer.
  auto again = from_builtin(r, TaskOutcome::success(json::object{}), "e/s/1", fifo, 1764950000000);
  EXPECT_EQ(again.result, first.result);
  auto plain = from_builtin(r, TaskOutcome::success(json::object{}), "e/s/1", standard, 1);
  EXPECT_FALSE(plain.result.as_object().contains("SequenceNumber"));
  EXPECT_EQ(plain.result.at("MessageId"), first.result.at("MessageId"));
}

}  // namespace
}  // namespace settled::aws
