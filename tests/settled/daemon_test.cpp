// The composition root (src/settled/daemon.hpp) built in-process on a temporary data directory:
// the real engine and the real route stack (API keys, admission, routes), no listener. Requests
// go through the handler as the HTTP session hands them over (support/in_process_http.hpp).

#include "settled/daemon.hpp"
#include "adapters/http/api_keys.hpp"
#include "adapters/http/http_request_reader.hpp"
#include "settled/config.hpp"
#include "support/build_paths.hpp"
#include "support/eventually.hpp"
#include "support/in_process_http.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>
#include <caf/actor_system.hpp>

#include <future>
#include <memory>
#include <optional>
#include <string>

namespace settled::app {
namespace {

namespace json = boost::json;
using testing::make_request;
using testing::send_in_process;

constexpr const char* kApiKey = "daemon-test-key";
constexpr std::chrono::seconds kAnswerDeadline{20};

class InProcessDaemon : public ::testing::Test {
 protected:
  void SetUp() override {
    adapters::set_log_level(adapters::LogLevel::kWarn);
    cfg_.data_dir = dir_.path() + "/data";
    cfg_.workflows_dir = std::string(testing::build_paths::source_dir) + "/config/workflows";
    // Scope admin: a test below registers a state machine (docs/identities.md).
    cfg_.api_key_hashes = {"ops:admin:" + adapters::sha256_hex(kApiKey)};
    // Not the defaults, so an ARN built from them could not match by accident.
    cfg_.aws_region = "eu-west-1";
    cfg_.aws_account_id = "123456789012";
    std::string host;
    std::uint16_t port = 0;
    adapters::LogLevel level;
    ASSERT_EQ(validate(cfg_, host, port, level), "");
    resolve_default_paths(cfg_);
    auto resources = DaemonResources::open(cfg_);
    ASSERT_TRUE(resources) << resources.error().message;
    resources_.emplace(std::move(*resources));
    system_.emplace(cfg_);
    daemon_ = std::make_unique<Daemon>(*system_, cfg_, *resources_);
    ASSERT_TRUE(daemon_->registered()) << daemon_->registered().error().message;
  }

  // The answer, or a failed assertion if none came by the deadline.
  adapters::HttpResponse send(adapters::HttpRequest request) {
    auto answer = send_in_process(daemon_->http_handler(), std::move(request), kAnswerDeadline);
    EXPECT_TRUE(answer.response.has_value()) << "no answer within the deadline";
    EXPECT_EQ(*answer.responder_calls, 1);
    return answer.response.value_or(adapters::HttpResponse{0, "", "", {}});
  }

  static json::object body_of(const adapters::HttpResponse& response) {
    boost::system::error_code ec;
    auto body = json::parse(response.body, ec);
    if (ec || !body.is_object()) {
      ADD_FAILURE() << "not a JSON object: " << response.body;
      return {};
    }
    return body.as_object();
  }

  // Members are destroyed in reverse: the daemon stops its actors before the actor system
  // waits for them, and the store closes before the data directory's lock is released.
  testing::TempDir dir_;
  SettledConfig cfg_;
  std::optional<DaemonResources> resources_;
  std::optional<caf::actor_system> system_;
  std::unique_ptr<Daemon> daemon_;
};

TEST_F(InProcessDaemon, HealthzAnswers200WithoutAnApiKey) {
  const auto response = send(make_request("GET", "/healthz"));
  EXPECT_EQ(response.status, 200u) << response.body;
  EXPECT_EQ(body_of(response)["status"], "ok");
}

TEST_F(InProcessDaemon, StartOfAnUnknownStateMachineIs404Json) {
  const auto response =
      send(make_request("POST", "/v1/executions",
                        R"({"stateMachine":"no-such-machine","name":"n-1","input":{}})", kApiKey));
  EXPECT_EQ(response.status, 404u) << response.body;
  const auto body = body_of(response);
  EXPECT_EQ(body.contains("error") ? body.at("error") : json::value(), "StateMachineDoesNotExist")
      << response.body;
  EXPECT_TRUE(body.contains("message")) << response.body;
}

TEST_F(InProcessDaemon, NonCanonicalTargetIs400BeforeAnyRoute) {
  for (const char* target : {"/v1//executions", "/v1/%2e%2e/executions", "/v1/executions/"}) {
    const auto response = send(make_request("POST", target, R"({})", kApiKey));
    EXPECT_EQ(response.status, 400u) << target << " " << response.body;
    EXPECT_EQ(body_of(response)["error"], "InvalidRequest") << target;
  }
}

TEST_F(InProcessDaemon, V1WithoutAValidApiKeyIs401) {
  for (const std::string& key : {std::string(), std::string("wrong-key")}) {
    const auto response = send(make_request(
        "POST", "/v1/executions", R"({"stateMachine":"payment","name":"k","input":{}})", key));
    EXPECT_EQ(response.status, 401u) << response.body;
    EXPECT_TRUE(body_of(response).contains("error")) << response.body;
  }
}

TEST_F(InProcessDaemon, AHeadIsAnsweredAsItsGetAndA405ForItNamesHead) {
  // Read from Beast's message as the session reads it (the HTTP edge once rewrote HEAD to GET,
  // so a HEAD on a POST-only route got a 405 saying "GET is not allowed"). The handler's answer
  // still has its body here: the session drops it when it writes the answer to a HEAD.
  const auto head = [](const char* target) {
    boost::beast::http::request<boost::beast::http::string_body> message{
        boost::beast::http::verb::head, target, 11};
    message.set(boost::beast::http::field::authorization, std::string("Bearer ") + kApiKey);
    auto request = adapters::read_http_request(std::move(message), "127.0.0.1:40000");
    EXPECT_TRUE(request) << request.error().message;
    return request ? std::move(*request) : adapters::HttpRequest{};
  };
  const auto healthz = send(head("/healthz"));
  EXPECT_EQ(healthz.status, 200u) << healthz.body;
  EXPECT_EQ(body_of(healthz)["status"], "ok");
  const auto machines = send(head("/v1/state-machines"));
  EXPECT_EQ(machines.status, 200u) << machines.body;

  const auto refused = send(head("/v1/executions"));
  EXPECT_EQ(refused.status, 405u) << refused.body;
  EXPECT_EQ(std::string(body_of(refused)["message"].as_string()),
            "HEAD is not allowed on /v1/executions (allowed: POST)");
  ASSERT_EQ(refused.headers.size(), 1u);
  EXPECT_EQ(refused.headers[0], (std::pair<std::string, std::string>{"Allow", "POST"}));
}

TEST_F(InProcessDaemon, PaymentRunsToSuccessThroughTheRoutes) {
  const json::object input{{"paymentId", "p-1"},
                           {"customerId", "c-1"},
                           {"amount", 1250},
                           {"currency", "USD"},
                           {"paymentMethod", "pm_card_visa"}};
  const auto started = send(make_request(
      "POST", "/v1/executions",
      json::serialize(json::object{{"stateMachine", "payment"}, {"name", "p-1"}, {"input", input}}),
      kApiKey));
  ASSERT_EQ(started.status, 201u) << started.body;
  EXPECT_EQ(body_of(started)["executionId"], "payment:p-1");

  json::object described;
  EXPECT_TRUE(testing::eventually(
      [&] {
        described = body_of(send(make_request("GET", "/v1/executions/payment:p-1", "", kApiKey)));
        return described["status"] != "RUNNING";
      },
      std::chrono::seconds(60)))
      << json::serialize(described);
  EXPECT_EQ(described["status"], "SUCCEEDED") << json::serialize(described);
}

// What $$.Execution.Id gives a workflow is the execution's ARN in the configured region and
// account, and the native routes find the execution by it.
TEST_F(InProcessDaemon, TheContextsExecutionArnFindsTheExecution) {
  const auto put = send(make_request("PUT", "/v1/state-machines/ids", R"({"StartAt": "P",
      "States": {"P": {"Type": "Pass", "End": true, "Parameters": {
        "id.$": "$$.Execution.Id", "machine.$": "$$.StateMachine.Id"}}}})",
                                     kApiKey));
  ASSERT_TRUE(put.status == 200u || put.status == 201u) << put.body;
  const auto started = send(make_request(
      "POST", "/v1/executions", R"({"stateMachine":"ids","name":"run-1","input":{}})", kApiKey));
  ASSERT_EQ(started.status, 201u) << started.body;
  json::object described;
  ASSERT_TRUE(testing::eventually(
      [&] {
        described = body_of(send(make_request("GET", "/v1/executions/ids:run-1", "", kApiKey)));
        return described["status"] != "RUNNING";
      },
      std::chrono::seconds(30)))
      << json::serialize(described);
  ASSERT_EQ(described["status"], "SUCCEEDED") << json::serialize(described);
  const std::string arn =
      "arn:aws:states:" + cfg_.aws_region + ":" + cfg_.aws_account_id + ":execution:ids:run-1";
  EXPECT_EQ(described["output"].at("id"), json::value(arn));
  EXPECT_EQ(described["output"].at("machine"),
            json::value("arn:aws:states:" + cfg_.aws_region + ":" + cfg_.aws_account_id +
                        ":stateMachine:ids"));

  // As a raw path segment (':' is a path character) and percent-encoded.
  const std::string encoded =
      "arn%3Aaws%3Astates%3Aeu-west-1%3A123456789012%3Aexecution%3Aids%3Arun-1";
  for (const std::string& target : {"/v1/executions/" + arn, "/v1/executions/" + encoded}) {
    const auto by_arn = send(make_request("GET", target, "", kApiKey));
    ASSERT_EQ(by_arn.status, 200u) << target << " " << by_arn.body;
    EXPECT_EQ(body_of(by_arn)["executionId"], "ids:run-1") << by_arn.body;
    const auto history = send(make_request("GET", target + "/history", "", kApiKey));
    ASSERT_EQ(history.status, 200u) << history.body;
    EXPECT_EQ(body_of(history)["executionId"], "ids:run-1");
    const json::object body = body_of(history);
    const auto& events = body.at("events").as_array();
    ASSERT_FALSE(events.empty());
    // ExecutionStarted names the role the execution ran as, in the daemon's account.
    EXPECT_EQ(events.front().at("executionStartedEventDetails").at("roleArn"),
              json::value("arn:aws:iam::" + cfg_.aws_account_id + ":role/settled"));
  }

  // The same execution's ARN in another account or region is not this daemon's: not found,
  // saying why (the Step Functions API refuses it as InvalidArn).
  for (const char* foreign : {"arn:aws:states:eu-west-1:999999999999:execution:ids:run-1",
                              "arn:aws:states:us-east-1:123456789012:execution:ids:run-1"}) {
    for (const char* suffix : {"", "/history"}) {
      const auto response =
          send(make_request("GET", std::string("/v1/executions/") + foreign + suffix, "", kApiKey));
      EXPECT_EQ(response.status, 404u) << foreign << " " << response.body;
      EXPECT_EQ(body_of(response)["error"], "ExecutionDoesNotExist") << response.body;
      EXPECT_NE(response.body.find("serves region eu-west-1 and account 123456789012"),
                std::string::npos)
          << response.body;
    }
  }
}

// "Does not exist" repeated a schedule's name whole: a 10 kB name in the URL or an admin
// command came back in the answer. One longer than any schedule name is quoted cut to 64 bytes
// (as other routes quote theirs); one within the limit, whole.
TEST_F(InProcessDaemon, AScheduleNameLongerThanAnyIsQuotedCutShort) {
  const std::string huge(10000, 's');
  const std::string cut_message = "schedule \"" + std::string(64, 's') + "...\" does not exist";
  for (const char* method : {"GET", "DELETE"}) {
    const auto response = send(make_request(method, "/v1/schedules/" + huge, "", kApiKey));
    EXPECT_EQ(response.status, 404u) << method;
    EXPECT_LT(response.body.size(), 200u) << method << " " << response.body.substr(0, 300);
    auto body = body_of(response);
    EXPECT_EQ(body["error"], "ScheduleDoesNotExist") << response.body.substr(0, 300);
    EXPECT_EQ(body["message"], json::value(cut_message)) << method;
  }

  for (const char* command : {"schedules.show", "schedules.delete"}) {
    // Shared with the reply, which may come after a failed wait.
    auto replied = std::make_shared<std::promise<Result<json::value>>>();
    auto answer = replied->get_future();
    daemon_->admin_handler()(
        command, json::object{{"name", huge}},
        [replied](Result<json::value> r) { replied->set_value(std::move(r)); });
    ASSERT_EQ(answer.wait_for(kAnswerDeadline), std::future_status::ready) << command;
    const auto result = answer.get();
    ASSERT_FALSE(result) << command;
    EXPECT_EQ(result.error().code, ErrorCode::kScheduleDoesNotExist) << command;
    EXPECT_EQ(result.error().message, cut_message) << command;
  }

  const std::string longest(60, 'n');
  EXPECT_EQ(body_of(send(make_request("GET", "/v1/schedules/" + longest, "", kApiKey)))["message"],
            json::value("schedule \"" + longest + "\" does not exist"));
}

TEST_F(InProcessDaemon, ASecondDaemonOnTheSameDataDirectoryIsRefused) {
  auto second = DaemonResources::open(cfg_);
  ASSERT_FALSE(second);
  EXPECT_NE(second.error().message.find("is in use by another settled"), std::string::npos)
      << second.error().message;
}

}  // namespace
}  // namespace settled::app
