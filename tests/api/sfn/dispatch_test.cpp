#include "api/sfn/dispatch.hpp"

#include "api/sfn/aws_json.hpp"
#include "api/sfn/history.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <optional>
#include <string>

namespace settled::api::sfn {
namespace {

namespace json = boost::json;

constexpr const char* kJson10 = "application/x-amz-json-1.0";

TEST(SfnDispatch, FindsEachOperationByItsTarget) {
  for (const char* name :
       {"CreateStateMachine", "DescribeStateMachine", "UpdateStateMachine", "DeleteStateMachine",
        "ListStateMachines", "StartExecution", "StartSyncExecution", "DescribeExecution",
        "ListExecutions", "GetExecutionHistory", "StopExecution", "RedriveExecution",
        "SendTaskSuccess", "SendTaskFailure", "SendTaskHeartbeat",
        "DescribeStateMachineForExecution", "ValidateStateMachineDefinition"}) {
    auto op = find_operation("AWSStepFunctions." + std::string(name));
    ASSERT_TRUE(op) << name << ": " << op.error().message;
    EXPECT_EQ(std::string((*op)->name), name);
  }
}

// A definition may move money with the ledger's tasks, and a stop or redrive acts on another
// client's execution: a caller without scope "admin" (a service key) is refused before the
// operation runs (docs/identities.md).
TEST(SfnDispatch, DefiningStoppingAndRedrivingNeedScopeAdmin) {
  SfnDeps deps;  // no actors: a refused call must never reach them
  deps.authenticate = [](const adapters::HttpRequest&) -> Result<Caller, AwsError> {
    return Caller{"svc", {"reader"}, false};
  };
  for (const char* name : {"CreateStateMachine", "UpdateStateMachine", "DeleteStateMachine",
                           "StopExecution", "RedriveExecution"}) {
    adapters::HttpRequest request;
    request.method = "POST";
    request.headers = {{"content-type", kJson10},
                       {"x-amz-target", std::string("AWSStepFunctions.") + name}};
    request.body = "{}";
    std::optional<adapters::HttpResponse> answer;
    handle_sfn_request(deps, request, [&](adapters::HttpResponse r) { answer = std::move(r); });
    ASSERT_TRUE(answer.has_value()) << name;
    EXPECT_EQ(answer->status, 400u) << name;
    const auto body = json::parse(answer->body).as_object();
    EXPECT_EQ(body.at("__type"), "AccessDeniedException") << answer->body;
    EXPECT_NE(std::string(body.at("message").as_string()).find("scope \"admin\""),
              std::string::npos)
        << answer->body;
  }
}

TEST(SfnDispatch, AMissingOrUnknownTargetIsUnknownOperationException) {
  for (const std::optional<std::string_view> target :
       {std::optional<std::string_view>{}, std::optional<std::string_view>{""},
        std::optional<std::string_view>{"AWSStepFunctions."},
        std::optional<std::string_view>{"AWSStepFunctions.StartExecutions"},
        std::optional<std::string_view>{"awsstepfunctions.StartExecution"},
        std::optional<std::string_view>{"DynamoDB_20120810.GetItem"},
        std::optional<std::string_view>{"StartExecution"}}) {
    auto op = find_operation(target);
    ASSERT_FALSE(op) << target.value_or("(none)");
    EXPECT_EQ(op.error().type, "UnknownOperationException");
    EXPECT_EQ(op.error().status, 400u);
  }
}

TEST(SfnDispatch, ReadsAJsonObjectBodyOfTheAwsJsonContentType) {
  auto body = read_body(kJson10, R"({"a":1})");
  ASSERT_TRUE(body) << body.error().message;
  EXPECT_EQ(body->at("a"), 1);
  EXPECT_TRUE(read_body("Application/X-Amz-Json-1.0; charset=utf-8", "{}"));
  auto empty = read_body(kJson10, "");
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->empty());
}

TEST(SfnDispatch, RefusesAnotherContentTypeAndBodiesThatAreNotAJsonObject) {
  for (const std::optional<std::string_view> type :
       {std::optional<std::string_view>{}, std::optional<std::string_view>{"application/json"},
        std::optional<std::string_view>{"application/x-amz-json-1.1"}}) {
    auto body = read_body(type, "{}");
    ASSERT_FALSE(body);
    EXPECT_EQ(body.error().type, "UnknownOperationException");
  }
  for (const char* text : {"{", "[]", "\"x\"", "1", "null", R"({"a":1,"a":2})", "{}x"}) {
    auto body = read_body(kJson10, text);
    ASSERT_FALSE(body) << text;
    EXPECT_EQ(body.error().type, "SerializationException") << text;
  }
  const std::string deep = std::string(200, '[') + std::string(200, ']');
  auto body = read_body(kJson10, "{\"a\":" + deep + "}");
  ASSERT_FALSE(body);
  EXPECT_EQ(body.error().type, "SerializationException");
}

TEST(SfnDispatch, AnErrorIsAwsJsonWithTypeAndMessage) {
  auto response = aws_error_response(AwsError{"InvalidArn", "bad"});
  EXPECT_EQ(response.status, 400u);
  EXPECT_EQ(response.content_type, "application/x-amz-json-1.0");
  EXPECT_EQ(json::parse(response.body),
            (json::object{{"__type", "InvalidArn"}, {"message", "bad"}}));
  EXPECT_EQ(to_aws_error(Error{ErrorCode::kExecutionAlreadyExists, "x"}).type,
            "ExecutionAlreadyExists");
  EXPECT_EQ(to_aws_error(Error{ErrorCode::kTaskAlreadyCompleted, "x"}).type, "TaskTimedOut");
  EXPECT_EQ(to_aws_error(Error{ErrorCode::kInvalidRequest, "x"}).type, "ValidationException");
  const AwsError internal = to_aws_error(Error{ErrorCode::kRecordCorrupt, "x"});
  EXPECT_EQ(internal.type, "InternalFailure");
  EXPECT_EQ(internal.status, 500u);
}

TEST(SfnBodyReader, ReadsMembersWithAwsConstraints) {
  const json::object body{{"s", "abc"}, {"b", true}, {"n", 7}};
  BodyReader r(body, {"s", "b", "n", "absent"});
  EXPECT_EQ(r.string("s", true), "abc");
  EXPECT_TRUE(r.boolean("b", false));
  EXPECT_EQ(r.integer("n", 0, 10, 1), 7);
  EXPECT_EQ(r.string("absent", false), "");
  EXPECT_EQ(r.integer("absent", 0, 10, 3), 3);
  EXPECT_FALSE(r.error());
}

AwsError first_error(const json::object& body, void (*read)(BodyReader&)) {
  BodyReader r(body, {"s", "n", "b"});
  read(r);
  EXPECT_TRUE(r.error());
  return r.error().value_or(AwsError{});
}

TEST(SfnBodyReader, AWrongTypeIsSerializationAndAConstraintValidation) {
  auto read_s = [](BodyReader& r) { r.string("s", true, 1, 5); };
  auto read_n = [](BodyReader& r) { r.integer("n", 0, 1000, 0); };
  auto read_b = [](BodyReader& r) { r.boolean("b", false); };
  EXPECT_EQ(first_error({{"s", 1}}, read_s).type, "SerializationException");
  EXPECT_EQ(first_error({{"s", json::object{}}}, read_s).type, "SerializationException");
  EXPECT_EQ(first_error({{"n", "5"}}, read_n).type, "SerializationException");
  EXPECT_EQ(first_error({{"n", 1.5}}, read_n).type, "SerializationException");
  EXPECT_EQ(first_error({{"b", "true"}}, read_b).type, "SerializationException");
  const AwsError missing = first_error({}, read_s);
  EXPECT_EQ(missing.type, "ValidationException");
  EXPECT_EQ(missing.message,
            "1 validation error detected: Value null at 's' failed to satisfy constraint: Member "
            "must not be null");
  EXPECT_EQ(first_error({{"s", "toolong"}}, read_s).type, "ValidationException");
  EXPECT_EQ(first_error({{"s", ""}}, read_s).type, "ValidationException");
  const AwsError big = first_error({{"n", 1001}}, read_n);
  EXPECT_EQ(big.message,
            "1 validation error detected: Value '1001' at 'n' failed to satisfy constraint: "
            "Member must have value less than or equal to 1000");
  EXPECT_EQ(first_error({{"n", -1}}, read_n).type, "ValidationException");
  EXPECT_EQ(first_error({{"n", json::value(std::uint64_t(1) << 63)}}, read_n).type,
            "ValidationException");
}

TEST(SfnBodyReader, AnUnknownMemberIsIgnoredAsAwsJsonServicesDo) {
  const json::object body{{"executionArn", "x"}, {"includedData", "ALL_DATA"}};
  BodyReader r(body, {"executionArn"});
  EXPECT_FALSE(r.error());
  EXPECT_EQ(r.string("executionArn", true), "x");
  EXPECT_EQ(r.ignored(), std::vector<std::string>{"includedData"});
  // A misspelt required member is still missing.
  const json::object misspelt{{"exeuctionArn", "y"}};
  BodyReader m(misspelt, {"executionArn"});
  EXPECT_EQ(m.string("executionArn", true), "");
  ASSERT_TRUE(m.error());
  EXPECT_EQ(m.error()->type, "ValidationException");
  EXPECT_NE(m.error()->message.find("'executionArn'"), std::string::npos);
}

TEST(SfnTimestamps, AreEpochSecondsFractionalOnlyWhenNeeded) {
  EXPECT_EQ(epoch_seconds(EpochMillis{1700000000000}), json::value(1700000000));
  EXPECT_EQ(epoch_seconds(EpochMillis{1700000000250}).as_double(), 1700000000.25);
  EXPECT_EQ(epoch_seconds("2023-11-14T22:13:20.500Z").as_double(), 1700000000.5);
  EXPECT_TRUE(epoch_seconds("not a time").is_null());
}

json::array history_of(int n) {
  json::array events;
  for (int i = 1; i <= n; ++i)
    events.push_back(
        json::object{{"id", i},
                     {"previousEventId", i - 1},
                     {"timestamp", "2023-11-14T22:13:20Z"},
                     {"type", "PassStateEntered"},
                     {"stateEnteredEventDetails", json::object{{"name", "S"}, {"input", "{}"}}}});
  return events;
}

std::vector<std::int64_t> ids(const json::object& page) {
  std::vector<std::int64_t> out;
  for (const auto& e : page.at("events").as_array()) out.push_back(e.at("id").as_int64());
  return out;
}

TEST(SfnHistory, PagesForwardAndBackwardWithTokens) {
  const auto events = history_of(5);
  HistoryQuery q;
  q.max_results = 2;
  auto first = history_page(events, q);
  ASSERT_TRUE(first);
  EXPECT_EQ(ids(*first), (std::vector<std::int64_t>{1, 2}));
  q.next_token = std::string(first->at("nextToken").as_string());
  auto second = history_page(events, q);
  ASSERT_TRUE(second);
  EXPECT_EQ(ids(*second), (std::vector<std::int64_t>{3, 4}));
  q.next_token = std::string(second->at("nextToken").as_string());
  auto last = history_page(events, q);
  ASSERT_TRUE(last);
  EXPECT_EQ(ids(*last), (std::vector<std::int64_t>{5}));
  EXPECT_FALSE(last->if_contains("nextToken"));

  HistoryQuery rq;
  rq.reverse = true;
  rq.max_results = 3;
  auto r1 = history_page(events, rq);
  ASSERT_TRUE(r1);
  EXPECT_EQ(ids(*r1), (std::vector<std::int64_t>{5, 4, 3}));
  rq.next_token = std::string(r1->at("nextToken").as_string());
  auto r2 = history_page(events, rq);
  ASSERT_TRUE(r2);
  EXPECT_EQ(ids(*r2), (std::vector<std::int64_t>{2, 1}));
}

TEST(SfnHistory, ATokenOfAnotherDirectionOrShapeIsInvalidToken) {
  const auto events = history_of(5);
  for (const char* token : {"h1:r:2", "h1:f:0", "h1:f:5", "h1:f:x", "h1:f:", "x", "h1:f:-1",
                            "h1:f:99999999999999999999999"}) {
    HistoryQuery q;
    q.next_token = token;
    auto page = history_page(events, q);
    ASSERT_FALSE(page) << token;
    EXPECT_EQ(page.error().type, "InvalidToken") << token;
  }
}

TEST(SfnHistory, EventsHaveEpochTimestampsAndDataOnlyWhenIncluded) {
  const auto events = history_of(1);
  HistoryQuery q;
  auto with = history_page(events, q);
  ASSERT_TRUE(with);
  const auto& e = with->at("events").at(0).as_object();
  EXPECT_EQ(e.at("timestamp"), json::value(1700000000));
  EXPECT_EQ(e.at("stateEnteredEventDetails").at("input"), "{}");
  EXPECT_EQ(e.at("stateEnteredEventDetails").at("inputDetails"),
            (json::object{{"truncated", false}}));
  q.include_data = false;
  auto without = history_page(events, q);
  ASSERT_TRUE(without);
  const auto& details = without->at("events").at(0).at("stateEnteredEventDetails").as_object();
  EXPECT_FALSE(details.if_contains("input"));
  EXPECT_EQ(details.at("name"), "S");
}

TEST(SfnHistory, AssignedVariablesComeWithTheirDetails) {
  json::array events{json::object{
      {"id", 1},
      {"previousEventId", 0},
      {"timestamp", "2023-11-14T22:13:20.000Z"},
      {"type", "PassStateExited"},
      {"stateExitedEventDetails",
       json::object{{"name", "S"}, {"output", "{}"}, {"assignedVariables", {{"x", "1"}}}}}}};
  auto page = history_page(events, HistoryQuery{});
  ASSERT_TRUE(page);
  const auto& details = page->at("events").at(0).at("stateExitedEventDetails");
  EXPECT_EQ(details.at("assignedVariables"), (json::object{{"x", "1"}}));
  EXPECT_EQ(details.at("assignedVariablesDetails"), (json::object{{"truncated", false}}));
}

TEST(SfnHistory, TaskScheduledNamesTheEndpointsRegion) {
  const json::object scheduled{
      {"id", 1},
      {"type", "TaskScheduled"},
      {"taskScheduledEventDetails",
       json::object{{"resourceType", "dynamodb"}, {"resource", "putItem"}, {"parameters", "{}"}}}};
  const json::object started{{"id", 2},
                             {"type", "TaskStarted"},
                             {"taskStartedEventDetails",
                              json::object{{"resourceType", "dynamodb"}, {"resource", "putItem"}}}};
  HistoryQuery q;
  q.region = "eu-west-1";
  auto page = history_page(json::array{scheduled, started}, q);
  ASSERT_TRUE(page);
  EXPECT_EQ(page->at("events").at(0).at("taskScheduledEventDetails").at("region"), "eu-west-1");
  EXPECT_FALSE(
      page->at("events").at(1).at("taskStartedEventDetails").as_object().if_contains("region"));
  // Without a region (a caller that names none) nothing is added.
  auto plain = history_page(json::array{scheduled}, HistoryQuery{});
  ASSERT_TRUE(plain);
  EXPECT_FALSE(
      plain->at("events").at(0).at("taskScheduledEventDetails").as_object().if_contains("region"));
}

}  // namespace
}  // namespace settled::api::sfn
