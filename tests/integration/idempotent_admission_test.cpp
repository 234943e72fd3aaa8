// Issue 9 item 5: a payment is admitted exactly once. A start without a name is refused unless
// an Idempotency-Key header names it; a retry finds the first execution; replays compare
// inputs by meaning (100 == 100.0 == 1e2, key order irrelevant).

#include "integration/ops_fixture.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <string>
#include <utility>
#include <vector>

namespace settled::testing {
namespace {

namespace json = boost::json;
namespace http = boost::beast::http;

constexpr const char* kEcho = R"({"StartAt":"Done","States":{"Done":{"Type":"Pass","End":true}}})";
// Reads the execution's input through the context object too ($$.Execution.Input).
constexpr const char* kContext = R"({"StartAt":"Both","States":{"Both":{"Type":"Pass",
  "Parameters":{"state.$":"$","execution.$":"$$.Execution.Input"},"End":true}}})";

class IdempotentAdmission : public OpsTest {
 protected:
  void add_workflows() override {
    write_workflow("echo", kEcho);
    write_workflow("context", kContext);
  }

  static std::string unnamed_payment(const std::string& payment_id) {
    json::object input{{"paymentId", payment_id},
                       {"customerId", "c-1"},
                       {"amount", 1250},
                       {"currency", "USD"},
                       {"paymentMethod", "pm_card_visa"}};
    return json::serialize(json::object{{"stateMachine", "payment"}, {"input", input}});
  }

  std::size_t stored_executions() {
    return ctl_json({"executions", "list"}).at("executions").as_array().size();
  }

  void expect_refused(const HttpResult& res, const std::string& part) {
    EXPECT_EQ(res.status, 400u) << res.body;
    EXPECT_EQ(res.json().at("error").as_string(), "InvalidRequest") << res.body;
    EXPECT_NE(std::string(res.json().at("message").as_string()).find(part), std::string::npos)
        << res.body;
  }
};

TEST_F(IdempotentAdmission, AStartWithoutANameOrIdempotencyKeyIsRefused) {
  expect_refused(client_->post("/v1/executions", unnamed_payment("p-1")), "Idempotency-Key");
  EXPECT_EQ(stored_executions(), 0u);
  EXPECT_TRUE(charges().empty());
}

TEST_F(IdempotentAdmission, TheIdempotencyKeyNamesTheExecutionSoARetryFindsTheFirst) {
  const HttpHeaders key{{"Idempotency-Key", "order-77"}};
  auto first = client_->post("/v1/executions", unnamed_payment("p-77"), key);
  ASSERT_EQ(first.status, 201u) << first.body;
  EXPECT_EQ(first.json().at("executionId").as_string(), "payment:order-77");
  for (int retry = 0; retry < 3; ++retry) {
    auto again = client_->post("/v1/executions", unnamed_payment("p-77"), key);
    EXPECT_EQ(again.status, 200u) << again.body;
    EXPECT_EQ(again.json().at("executionId").as_string(), "payment:order-77");
  }
  EXPECT_EQ(wait_final("payment:order-77").at("status").as_string(), "SUCCEEDED");
  EXPECT_EQ(charges(), (std::map<std::string, int>{{"p-77", 1}}));
  EXPECT_EQ(stored_executions(), 1u);
  // The same key with another input is another request: refused, nothing started.
  auto other = client_->post("/v1/executions", unnamed_payment("p-78"), key);
  EXPECT_EQ(other.status, 409u) << other.body;
  EXPECT_EQ(stored_executions(), 1u);
}

TEST_F(IdempotentAdmission, AnIdempotencyKeyIsValidatedLikeANameAndMustAgreeWithIt) {
  expect_refused(
      client_->post("/v1/executions", unnamed_payment("p-2"), {{"Idempotency-Key", "has space"}}),
      "Idempotency-Key");
  expect_refused(client_->post("/v1/executions", unnamed_payment("p-2"),
                               {{"Idempotency-Key", std::string(81, 'k')}}),
                 "Idempotency-Key");
  expect_refused(client_->post("/v1/executions", payment_body("named", "pm_card_visa"),
                               {{"Idempotency-Key", "other"}}),
                 "differ");
  EXPECT_EQ(stored_executions(), 0u);
  // The same value in both is one name.
  auto agreed = client_->post("/v1/executions", payment_body("named", "pm_card_visa"),
                              {{"Idempotency-Key", "named"}});
  EXPECT_EQ(agreed.status, 201u) << agreed.body;
}

TEST_F(IdempotentAdmission, ReplaysCompareInputsByValueNotBySpelling) {
  const std::string first =
      R"({"stateMachine":"echo","name":"c-1","input":{"amount":100,"meta":{"a":1,"b":[2,3]}}})";
  ASSERT_EQ(client_->post("/v1/executions", first).status, 201u);
  for (
      const char* same : {
          R"({"stateMachine":"echo","name":"c-1","input":{"amount":100.0,"meta":{"a":1,"b":[2,3]}}})",
          R"({"name":"c-1","input":{"meta":{"b":[2.0,3],"a":1},"amount":1e2},"stateMachine":"echo"})",
      }) {
    auto replay = client_->post("/v1/executions", same);
    EXPECT_EQ(replay.status, 200u) << same << " -> " << replay.body;
  }
  for (
      const char* different : {
          R"({"stateMachine":"echo","name":"c-1","input":{"amount":100.5,"meta":{"a":1,"b":[2,3]}}})",
          R"({"stateMachine":"echo","name":"c-1","input":{"amount":100,"meta":{"a":1,"b":[3,2]}}})",
          R"({"stateMachine":"echo","name":"c-1","input":{"amount":"100","meta":{"a":1,"b":[2,3]}}})",
      }) {
    auto conflict = client_->post("/v1/executions", different);
    EXPECT_EQ(conflict.status, 409u) << different << " -> " << conflict.body;
  }
  EXPECT_EQ(stored_executions(), 1u);
}

// Step Functions' StartExecution takes any JSON value as input, not only an object: each runs,
// reads back, and replays by value like an object input (such an input has no paymentId).
TEST_F(IdempotentAdmission, AnyJsonValueIsAnInput) {
  const std::vector<std::pair<std::string, json::value>> inputs{
      {"array", json::array{1, "two", json::object{{"three", 3}}}},
      {"string", "just text"},
      {"number", 42},
      {"null", nullptr},
      {"true", true},
  };
  for (const auto& [name, input] : inputs) {
    SCOPED_TRACE(name);
    const auto start = [&, name = name](const json::value& value) {
      return client_->post("/v1/executions",
                           json::serialize(json::object{
                               {"stateMachine", "context"}, {"name", name}, {"input", value}}));
    };
    auto started = start(input);
    ASSERT_EQ(started.status, 201u) << started.body;
    const std::string id = "context:" + name;
    EXPECT_EQ(started.json().at("executionId").as_string(), id);
    auto final_state = wait_final(id);
    ASSERT_EQ(final_state.at("status").as_string(), "SUCCEEDED") << json::serialize(final_state);
    EXPECT_EQ(final_state.at("input"), input);
    EXPECT_EQ(final_state.at("output"), (json::object{{"state", input}, {"execution", input}}));
    auto history = client_->get("/v1/executions/" + id + "/history");
    ASSERT_EQ(history.status, 200u) << history.body;
    const json::value events = history.json().at("events");
    const auto& started_event = events.as_array().at(0);
    EXPECT_EQ(started_event.at("type").as_string(), "ExecutionStarted");
    EXPECT_EQ(json::parse(started_event.at("executionStartedEventDetails").at("input").as_string()),
              input);
    EXPECT_EQ(ctl_json({"executions", "describe", id}).at("input"), input);
    auto replay = start(input);
    EXPECT_EQ(replay.status, 200u) << replay.body;
    auto other = start(json::array{input});
    EXPECT_EQ(other.status, 409u) << other.body;
    EXPECT_EQ(other.json().at("error").as_string(), "ExecutionAlreadyExists") << other.body;
  }
  // settlectl lists them like any other execution (and described each above).
  EXPECT_EQ(stored_executions(), inputs.size());
}

}  // namespace
}  // namespace settled::testing
