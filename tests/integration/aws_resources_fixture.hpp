#pragma once
// What the AWS resource tests share (aws_resources_test.cpp, aws_resources_history_test.cpp): a
// local HTTP server standing in for the Lambda functions, and a daemon started with
// --resource-map and the definitions of aws_resources_definitions.hpp.

#include "integration/aws_resources_definitions.hpp"
#include "integration/ops_fixture.hpp"

#include "adapters/http/http_server.hpp"

#include <boost/json.hpp>

#include <chrono>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace settled::testing {

// Stands in for the Lambda functions: POST /purchase and /refund answer as seed 004's handlers
// do ({status, message, event}); /decline throws as a Lambda function does (X-Amz-Function-Error);
// /flaky answers 503 once, then succeeds.
class FunctionServer {
 public:
  FunctionServer() {
    auto server = adapters::HttpServer::start(
        {"127.0.0.1", 0, 1 << 20, 16384, 2, std::chrono::seconds(60)},
        [this](adapters::HttpRequest req, adapters::HttpResponder respond) {
          const std::string path = req.parsed_target.path;
          {
            std::lock_guard<std::mutex> lock(mutex_);
            calls_.push_back(path + " " + req.body);
          }
          boost::json::value event = boost::json::parse(req.body);
          if (path == "/decline") {
            respond({200,
                     R"({"errorType": "PaymentDeclined", "errorMessage": "card declined"})",
                     "application/json",
                     {{"X-Amz-Function-Error", "Unhandled"}}});
            return;
          }
          const std::string message =
              path == "/purchase" ? "Purchase processes" : "Refund processes";
          respond({200,
                   boost::json::serialize(boost::json::object{
                       {"status", "success"}, {"message", message}, {"event", event}}),
                   "application/json",
                   {}});
        });
    if (!server.ok()) throw std::runtime_error(server.error().message);
    server_ = std::move(*server);
  }
  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(server_->port()) + path;
  }
  std::vector<std::string> calls() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return calls_;
  }

 private:
  std::unique_ptr<adapters::HttpServer> server_;
  mutable std::mutex mutex_;
  std::vector<std::string> calls_;
};

class AwsResources : public OpsTest {
 protected:
  void add_workflows() override {
    write_workflow("purchase-refund-aws", aws_resources::kSeed004);
    write_workflow("aws-integrations", aws_resources::kIntegrations);
    write_workflow("aws-child", aws_resources::kChild);
    write_workflow("aws-child-declines", aws_resources::kChildDeclines);
    write_workflow("aws-children", aws_resources::kChildren);
    write_workflow("aws-dynamo-writes", aws_resources::kDynamoWrites);
    write_workflow("aws-dynamo-counter", aws_resources::kDynamoCounter);
    write_workflow("aws-waiter", aws_resources::kWaiter);
    write_workflow("aws-approver", aws_resources::kApprover);
    write_workflow("aws-starter", aws_resources::kStarter);
  }
  std::vector<std::string> daemon_flags() const override {
    const std::string fn = "arn:aws:lambda:us-east-1:123456789012:function:";
    std::vector<std::string> entries{
        fn + "PurchaseLambda=" + functions_.url("/purchase"),
        fn + "RefundLambda=" + functions_.url("/refund"),
        fn + "DeclineLambda=" + functions_.url("/decline"),
        fn + "CheckAmount=settled:money.check",
        "arn:aws:dynamodb:us-east-1:123456789012:table/Payments=paymentId",
        "arn:aws:dynamodb:us-east-1:123456789012:table/Approvals=approvalId"};
    boost::json::array list;
    for (const auto& e : entries) list.push_back(boost::json::string(e));
    return {"--resource-map=" + boost::json::serialize(list)};
  }

  boost::json::object run(const std::string& machine, const std::string& name,
                          boost::json::value input) {
    auto started = client_->post("/v1/executions",
                                 boost::json::serialize(boost::json::object{
                                     {"stateMachine", machine}, {"name", name}, {"input", input}}));
    EXPECT_EQ(started.status, 201u) << started.body;
    return wait_final(machine + ":" + name);
  }

  FunctionServer functions_;
};

}  // namespace settled::testing
