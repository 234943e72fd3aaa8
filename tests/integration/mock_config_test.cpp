// Test mode through the real daemon: with --mock-config (Step Functions Local's MockConfigFile),
// an execution started as "NAME#TestCase" gets its Task states answered from the mocked
// responses, by invocation number across the whole execution (retries and Map iterations
// included); without the option a test case is refused and nothing changes.

#include "integration/ops_fixture.hpp"

#include <fstream>

namespace settled::testing {
namespace {

namespace json = boost::json;
using boost::beast::http::verb;

constexpr const char* kLambda = "arn:aws:lambda:us-east-1:123456789012:function:work";

std::string pay_definition() {
  return std::string(R"({"StartAt": "Charge", "States": {
    "Charge": {"Type": "Task", "Resource": ")") +
         kLambda + R"(", "ResultPath": "$.charge",
      "Retry": [{"ErrorEquals": ["Lambda.Unavailable"], "IntervalSeconds": 1, "MaxAttempts": 2}],
      "Next": "Items"},
    "Items": {"Type": "Map", "ItemsPath": "$.items", "MaxConcurrency": 1, "ResultPath": "$.items",
      "ItemProcessor": {"StartAt": "Ship", "States": {
        "Ship": {"Type": "Task", "Resource": ")" +
         kLambda + R"(", "End": true}}},
      "End": true}}})";
}

constexpr const char* kMockConfig = R"({
  "StateMachines": {"pay": {"TestCases": {
    "HappyPath": {"Charge": "ChargeOk", "Ship": "ShipInOrder"},
    "RetryPath": {"Charge": "ChargeFlaky", "Ship": "ShipInOrder"},
    "NothingMocked": {}}}},
  "MockedResponses": {
    "ChargeOk": {"0": {"Return": {"id": "ch_1"}}},
    "ChargeFlaky": {"0": {"Throw": {"Error": "Lambda.Unavailable", "Cause": "cold start"}},
                    "1": {"Return": {"id": "ch_2"}}},
    "ShipInOrder": {"0": {"Return": "first"}, "1-2": {"Return": "later"}}}})";

class MockConfigTest : public OpsTest {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(workflows_dir());
    std::ofstream(mock_path()) << kMockConfig;
    start_with({"--mock-config=" + mock_path()});
    auto put = client_->request(verb::put, "/v1/state-machines/pay", pay_definition());
    ASSERT_EQ(put.status, 201u) << put.body;
  }

  std::string mock_path() const { return dir_.path() + "/MockConfigFile.json"; }

  HttpResult start(const std::string& state_machine, const std::string& name) {
    return client_->post(
        "/v1/executions",
        json::serialize(json::object{{"stateMachine", state_machine},
                                     {"name", name},
                                     {"input", json::object{{"items", json::array{1, 2, 3}}}}}));
  }
};

TEST_F(MockConfigTest, ATestCaseAnswersTheTaskStatesItMocks) {
  auto started = start("pay#HappyPath", "happy");
  ASSERT_EQ(started.status, 201u) << started.body;
  auto done = wait_final("pay:happy");
  ASSERT_EQ(done.at("status"), "SUCCEEDED") << json::serialize(done);
  // The Map's three iterations share the state's invocation numbers: 0, then 1-2.
  EXPECT_EQ(done.at("output"), json::parse(R"({"charge": {"id": "ch_1"},
                                               "items": ["first", "later", "later"]})"));
  EXPECT_EQ(done.at("testCase"), "HappyPath");
}

TEST_F(MockConfigTest, AThrownResponseGoesThroughRetryAndTheNextInvocationAnswers) {
  ASSERT_EQ(start("pay#RetryPath", "retry").status, 201u);
  auto done = wait_final("pay:retry");
  ASSERT_EQ(done.at("status"), "SUCCEEDED") << json::serialize(done);
  EXPECT_EQ(done.at("output").at("charge"), json::parse(R"({"id": "ch_2"})"));
  // The Charge state's resource is a Lambda function ARN: its attempts are LambdaFunction*
  // events, as Step Functions names them (docs/aws-resources.md, "In the history").
  std::vector<std::string> charge_outcomes;
  for (const auto& event : history("pay:retry")) {
    const auto type = std::string(event.at("type").as_string());
    if (type == "LambdaFunctionFailed" || type == "LambdaFunctionSucceeded")
      charge_outcomes.push_back(type);
  }
  ASSERT_GE(charge_outcomes.size(), 2u);
  EXPECT_EQ(charge_outcomes[0], "LambdaFunctionFailed");
  EXPECT_EQ(charge_outcomes[1], "LambdaFunctionSucceeded");
}

TEST_F(MockConfigTest, AStateTheTestCaseDoesNotMockRunsItsResource) {
  ASSERT_EQ(start("pay#NothingMocked", "plain").status, 201u);
  auto done = wait_final("pay:plain");
  EXPECT_EQ(done.at("status"), "FAILED");
  // An unmocked Lambda ARN runs only if resource-map maps it (docs/aws-resources.md); this one
  // is not, so it fails as AWS fails a call to a function that does not exist.
  EXPECT_EQ(done.at("error"), "Lambda.ResourceNotFoundException");
  EXPECT_NE(std::string(done.at("cause").as_string()).find("Function not found"), std::string::npos)
      << json::serialize(done);
}

TEST_F(MockConfigTest, AnUnknownTestCaseIsRefusedAndReadyzShowsTestMode) {
  auto refused = start("pay#Nope", "nope");
  EXPECT_EQ(refused.status, 400u);
  EXPECT_NE(refused.body.find("no test case \\\"Nope\\\""), std::string::npos) << refused.body;
  EXPECT_EQ(client_->get("/v1/executions/pay:nope").status, 404u);
  auto ready = client_->get("/readyz");
  EXPECT_EQ(ready.json().at("mockConfig").at("testCases"), 3) << ready.body;
  EXPECT_NE(daemon_->wait_for_output("\"event\":\"mock.enabled\""), "");
}

class WithoutMockConfig : public OpsTest {};

TEST_F(WithoutMockConfig, ATestCaseIsRefusedAndForeignResourcesStayUnknown) {
  auto refused = client_->post("/v1/executions", R"({"stateMachine": "payment#HappyPath",
                                                     "name": "x", "input": {}})");
  EXPECT_EQ(refused.status, 400u);
  EXPECT_NE(refused.body.find("mock-config"), std::string::npos) << refused.body;
  auto put = client_->request(verb::put, "/v1/state-machines/pay", pay_definition());
  EXPECT_EQ(put.status, 400u) << put.body;
  EXPECT_NE(put.body.find("unknown task resource"), std::string::npos) << put.body;
  auto ready = client_->get("/readyz");
  EXPECT_FALSE(ready.json().as_object().contains("mockConfig")) << ready.body;
}

TEST(MockConfigFile, ABrokenFileStopsTheDaemonNamingTheField) {
  TempDir dir;
  const std::string path = dir.path() + "/mock.json";
  std::ofstream(path)
      << R"({"StateMachines": {}, "MockedResponses": {"R": {"0-x": {"Return": 1}}}})";
  DaemonProcess daemon(SETTLED_BINARY,
                       {"--data-dir=" + dir.path() + "/var", "--http=127.0.0.1:0",
                        "--workflows-dir=" + std::string(SETTLED_SOURCE_DIR) + "/config/workflows",
                        "--mock-config=" + path});
  EXPECT_THROW(daemon.wait_ready(std::chrono::seconds(20)), std::exception);
  EXPECT_NE(daemon.wait_for_output(R"(MockedResponses."R"."0-x")"), "") << daemon.output();
}

}  // namespace
}  // namespace settled::testing
