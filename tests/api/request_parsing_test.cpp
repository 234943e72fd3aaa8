#include "api/request_parsing.hpp"

#include "domain/json_limits.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <string>

namespace settled::api {
namespace {

namespace json = boost::json;
using actors::TaskCallback;

adapters::RequestTarget target(const std::string& text) {
  auto parsed = adapters::parse_request_target(text);
  EXPECT_TRUE(parsed) << parsed.error().message;
  return parsed ? *parsed : adapters::RequestTarget{};
}

TEST(FieldsObject, TakesAnObjectWhoseFieldsAreAllowed) {
  auto parsed = parse_fields_object(R"({"amount":5,"currency":"USD"})",
                                    {"amount", "currency", "idempotencyKey"});
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->at("amount"), 5);
  EXPECT_EQ(parsed->size(), 2u);
}

TEST(FieldsObject, RefusesAnUnknownFieldNamingItAndTheAllowedOnes) {
  auto parsed = parse_fields_object(R"({"amount":5,"amuont":6})", {"amount", "currency"});
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().code, ErrorCode::kInvalidRequest);
  EXPECT_EQ(parsed.error().message, "unknown field \"amuont\" (allowed: amount, currency)");
}

TEST(FieldsObject, NoAllowedFieldsTakesOnlyTheEmptyObject) {
  EXPECT_TRUE(parse_fields_object("{}", {}));
  auto parsed = parse_fields_object(R"({"a":1})", {});
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().message, "unknown field \"a\" (none allowed)");
}

TEST(FieldsObject, RefusesAKeyGivenTwice) {
  auto parsed = parse_fields_object(R"({"amount":5,"amount":6})", {"amount"});
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().code, ErrorCode::kInvalidJson);
  EXPECT_NE(parsed.error().message.find("\"amount\" twice"), std::string::npos)
      << parsed.error().message;
}

TEST(FieldsObject, RefusesJsonThatIsNotAnObject) {
  for (const char* body : {"[]", "5", "\"text\"", "null"}) {
    auto parsed = parse_fields_object(body, {"a"});
    ASSERT_FALSE(parsed) << body;
    EXPECT_EQ(parsed.error().code, ErrorCode::kInvalidRequest) << body;
    EXPECT_EQ(parsed.error().message, "request body must be a JSON object") << body;
  }
}

TEST(FieldsObject, RefusesTextThatIsNotJsonOrTooDeep) {
  auto broken = parse_fields_object("{\"a\":", {"a"});
  ASSERT_FALSE(broken);
  EXPECT_EQ(broken.error().code, ErrorCode::kInvalidJson);
  std::string deep = "{\"a\":" + std::string(kRequestJsonMaxDepth, '[') + "1" +
                     std::string(kRequestJsonMaxDepth, ']') + "}";
  auto too_deep = parse_fields_object(deep, {"a"});
  ASSERT_FALSE(too_deep);
  EXPECT_EQ(too_deep.error().code, ErrorCode::kInvalidJson);
  EXPECT_NE(too_deep.error().message.find("deeper than the limit"), std::string::npos);
}

TEST(FieldsObject, CheckFieldsReadsAnObjectAlreadyParsed) {
  EXPECT_TRUE(check_fields(json::object{{"a", 1}}, {"a", "b"}));
  auto checked = check_fields(json::object{{"a", 1}, {"c", 2}}, {"a", "b"});
  ASSERT_FALSE(checked);
  EXPECT_EQ(checked.error().message, "unknown field \"c\" (allowed: a, b)");
}

const NumberRule kLimit{1000, 1, 10000, "limit must be a number between 1 and 10000",
                        "limit must be between 1 and 10000"};

// Routes read the parameters they know and ignored the rest: ?limitt=5 was the default page.
TEST(Query, AnUnknownParameterIsRefusedNamingItAndTheAllowedOnes) {
  EXPECT_TRUE(check_query(target("/v1/state-machines?limit=5&starting_after=a"), kPageParameters));
  EXPECT_TRUE(check_query(target("/v1/state-machines"), {}));
  const auto refused = check_query(target("/v1/state-machines?limit=5&limitt=5"), kPageParameters);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kInvalidRequest);
  EXPECT_EQ(refused.error().message,
            "unknown query parameter \"limitt\" (allowed: limit, starting_after)");
  EXPECT_EQ(check_query(target("/v1/x?read=1"), {}).error().message,
            "unknown query parameter \"read\" (none allowed)");
}

TEST(Query, AnUnknownParameterOfAnyLengthIsNamedCutShort) {
  const std::string name(4000, 'q');
  const auto refused = check_query(target("/v1/state-machines?" + name + "=1"), kPageParameters);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().message, "unknown query parameter \"" + std::string(64, 'q') +
                                         "...\" (allowed: limit, starting_after)");
}

TEST(QueryNumber, AbsentIsTheDefault) {
  auto limit = query_number(target("/v1/accounts/a/journal?after=3"), "limit", kLimit);
  ASSERT_TRUE(limit) << limit.error().message;
  EXPECT_EQ(*limit, 1000u);
}

TEST(QueryNumber, ReadsDecodedDecimalDigitsWithinTheRange) {
  for (const auto& [text, value] : std::initializer_list<std::pair<const char*, std::uint64_t>>{
           {"1", 1}, {"10000", 10000}, {"007", 7}, {"%35", 5}}) {
    auto limit = query_number(target(std::string("/x?limit=") + text), "limit", kLimit);
    ASSERT_TRUE(limit) << text << ": " << limit.error().message;
    EXPECT_EQ(*limit, value) << text;
  }
}

TEST(QueryNumber, RefusesWhatIsNotDecimalDigits) {
  for (const char* text :
       {"", "-1", "%2B7", "%207", "1e3", "0x10", "ten", "99999999999999999999"}) {
    auto limit = query_number(target(std::string("/x?limit=") + text), "limit", kLimit);
    ASSERT_FALSE(limit) << text;
    EXPECT_EQ(limit.error().code, ErrorCode::kInvalidRequest) << text;
    EXPECT_EQ(limit.error().message, "limit must be a number between 1 and 10000") << text;
  }
  auto bare = query_number(target("/x?limit"), "limit", kLimit);
  ASSERT_FALSE(bare);
  EXPECT_EQ(bare.error().message, "limit must be a number between 1 and 10000");
}

TEST(QueryNumber, RefusesOutsideTheRangeWithItsOwnMessage) {
  for (const char* text : {"0", "10001", "18446744073709551615"}) {
    auto limit = query_number(target(std::string("/x?limit=") + text), "limit", kLimit);
    ASSERT_FALSE(limit) << text;
    EXPECT_EQ(limit.error().message, "limit must be between 1 and 10000") << text;
  }
}

TEST(QueryNumber, WithoutAnOutOfRangeMessageTheMalformedOneIsUsed) {
  const NumberRule rule{10, 1, 100, "limit must be an integer from 1 to 100", ""};
  auto limit = query_number(target("/x?limit=101"), "limit", rule);
  ASSERT_FALSE(limit);
  EXPECT_EQ(limit.error().message, "limit must be an integer from 1 to 100");
}

TEST(QueryNumber, ParseNumberReadsAPathSegmentTheSameWay) {
  const NumberRule version{0, 1, 9, "a version is a positive integer", ""};
  EXPECT_EQ(*parse_number("3", version), 3u);
  EXPECT_FALSE(parse_number("0", version));
  EXPECT_FALSE(parse_number("-3", version));
  EXPECT_FALSE(parse_number("3 ", version));
}

TEST(TaskCallbackBody, KindsByName) {
  EXPECT_EQ(task_callback_kind("success"), TaskCallback::Kind::kSuccess);
  EXPECT_EQ(task_callback_kind("failure"), TaskCallback::Kind::kFailure);
  EXPECT_EQ(task_callback_kind("heartbeat"), TaskCallback::Kind::kHeartbeat);
  EXPECT_FALSE(task_callback_kind("Success"));
  EXPECT_FALSE(task_callback_kind(""));
}

TEST(TaskCallbackBody, SuccessTakesOutputAsJsonOrAsJsonText) {
  auto value = parse_task_callback(TaskCallback::Kind::kSuccess,
                                   std::string_view(R"({"taskToken":"t","output":{"a":1}})"));
  ASSERT_TRUE(value) << value.error().message;
  EXPECT_EQ(value->token, "t");
  EXPECT_EQ(value->output, (json::value{{"a", 1}}));
  auto text = parse_task_callback(TaskCallback::Kind::kSuccess,
                                  std::string_view(R"({"taskToken":"t","output":"{\"a\":1}"})"));
  ASSERT_TRUE(text) << text.error().message;
  EXPECT_EQ(text->output, value->output);
  auto not_json = parse_task_callback(TaskCallback::Kind::kSuccess,
                                      std::string_view(R"({"taskToken":"t","output":"{"})"));
  ASSERT_FALSE(not_json);
  EXPECT_EQ(not_json.error().code, ErrorCode::kInvalidRequest);
  EXPECT_EQ(not_json.error().message.rfind("output is a string but not acceptable JSON text: ", 0),
            0u);
}

TEST(TaskCallbackBody, EachKindNamesItsOwnFields) {
  auto success = parse_task_callback(TaskCallback::Kind::kSuccess,
                                     json::object{{"taskToken", "t"}, {"error", "E"}});
  ASSERT_FALSE(success);
  EXPECT_EQ(success.error().message, "unknown field \"error\" (allowed: taskToken, output)");
  auto failure = parse_task_callback(TaskCallback::Kind::kFailure,
                                     json::object{{"taskToken", "t"}, {"output", 1}});
  ASSERT_FALSE(failure);
  EXPECT_EQ(failure.error().message, "unknown field \"output\" (allowed: taskToken, error, cause)");
  auto heartbeat = parse_task_callback(TaskCallback::Kind::kHeartbeat,
                                       json::object{{"taskToken", "t"}, {"cause", "c"}});
  ASSERT_FALSE(heartbeat);
  EXPECT_EQ(heartbeat.error().message, "unknown field \"cause\" (allowed: taskToken)");
}

TEST(TaskCallbackBody, RefusesAMissingOrOversizedToken) {
  for (const json::object& body :
       {json::object{}, json::object{{"taskToken", ""}}, json::object{{"taskToken", 5}},
        json::object{{"taskToken", std::string(1025, 't')}}}) {
    auto parsed = parse_task_callback(TaskCallback::Kind::kHeartbeat, body);
    ASSERT_FALSE(parsed) << json::serialize(body);
    EXPECT_EQ(parsed.error().message, "taskToken is required: a non-empty string");
  }
  EXPECT_TRUE(parse_task_callback(TaskCallback::Kind::kHeartbeat,
                                  json::object{{"taskToken", std::string(1024, 't')}}));
}

// As Step Functions' SendTaskFailure: an error of at most 256 bytes and a cause of at most
// 32768. Before, POST /v1/tasks/failure kept a 900 kB cause in the record and the history.
TEST(TaskCallbackBody, FailureErrorAndCauseAreBoundedAsStepFunctionsBoundsThem) {
  const auto failure = [](std::size_t error, std::size_t cause) {
    return parse_task_callback(TaskCallback::Kind::kFailure,
                               json::object{{"taskToken", "t"},
                                            {"error", std::string(error, 'E')},
                                            {"cause", std::string(cause, 'c')}});
  };
  EXPECT_TRUE(failure(256, 32768));
  auto long_error = failure(257, 1);
  ASSERT_FALSE(long_error);
  EXPECT_EQ(long_error.error().code, ErrorCode::kInvalidRequest);
  EXPECT_EQ(long_error.error().message, "error is longer than 256 bytes");
  auto long_cause = failure(1, 900000);
  ASSERT_FALSE(long_cause);
  EXPECT_EQ(long_cause.error().message, "cause is longer than 32768 bytes");
}

TEST(TaskCallbackBody, FailureFieldsAreStringsAndTheErrorHasADefault) {
  auto bare = parse_task_callback(TaskCallback::Kind::kFailure, json::object{{"taskToken", "t"}});
  ASSERT_TRUE(bare);
  EXPECT_EQ(bare->error, "States.TaskFailed");
  auto named =
      parse_task_callback(TaskCallback::Kind::kFailure,
                          json::object{{"taskToken", "t"}, {"error", "E"}, {"cause", "c"}});
  ASSERT_TRUE(named);
  EXPECT_EQ(named->error, "E");
  EXPECT_EQ(named->cause, "c");
  auto typed = parse_task_callback(TaskCallback::Kind::kFailure,
                                   json::object{{"taskToken", "t"}, {"cause", 7}});
  ASSERT_FALSE(typed);
  EXPECT_EQ(typed.error().message, "cause must be a string");
}

TEST(TaskCallbackBody, RefusesOutputOver256KiB) {
  // A string output is JSON text: the large value goes inside an object.
  json::object body{{"taskToken", "t"},
                    {"output", json::object{{"s", std::string(256 * 1024, 'x')}}}};
  auto parsed = parse_task_callback(TaskCallback::Kind::kSuccess, body);
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().code, ErrorCode::kPayloadTooLarge);
  EXPECT_EQ(parsed.error().message, "output is larger than 256 KiB");
  body["output"] = json::object{{"s", std::string(1024, 'x')}};
  EXPECT_TRUE(parse_task_callback(TaskCallback::Kind::kSuccess, body));
}

TEST(TaskCallbackBody, TextThatIsNotAnObjectIsRefused) {
  auto parsed = parse_task_callback(TaskCallback::Kind::kHeartbeat, std::string_view("[1]"));
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().message, "request body must be a JSON object");
  auto twice = parse_task_callback(TaskCallback::Kind::kHeartbeat,
                                   std::string_view(R"({"taskToken":"a","taskToken":"b"})"));
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().code, ErrorCode::kInvalidJson);
}

}  // namespace
}  // namespace settled::api
