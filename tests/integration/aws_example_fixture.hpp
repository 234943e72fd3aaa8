#pragma once
// The fixture of the tests that run an example of examples/aws/ unchanged (docs/aws-seeds.md):
// the daemon takes the example's settled.conf and its workflows (over the base fixture's own),
// a client calls the Step Functions API (AWS JSON 1.0 on POST /), and the tests play the team's
// handlers, which read the task token a definition stored in a table and answer it with
// SendTaskSuccess. A template over the base fixture, since each seed needs another daemon
// (KycTest, PaymentFlowsTest, MarketplaceTest, OpsTest); the work is done in the .cpp.

#include "integration/http_client.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace settled::testing {

namespace aws_example {

// examples/aws/<seed> in the source tree.
std::string dir(const std::string& seed);

// Copies the example's workflows into `workflows_dir`, replacing files of the same name.
void copy_workflows(const std::string& seed, const std::string& workflows_dir);

HttpResult sfn(HttpClient& client, const std::string& operation, const boost::json::object& body);

// The `field` of the record under `table`/`key` once it is there and differs from `previous`
// ("" when it does not come in time: a failed expectation).
std::string stored_token(HttpClient& client, const std::string& table, const std::string& key,
                         const std::string& previous, const std::string& field);

// SendTaskSuccess with `output` as JSON text; expects a 200.
void send_task_success(HttpClient& client, const std::string& token,
                       const boost::json::value& output);

// Each scheduled task's resource as GetExecutionHistory gives it: "<resourceType>:<resource>"
// for a service integration, "function:<ARN>" for a Lambda function.
std::vector<std::string> resources_scheduled(HttpClient& client, const std::string& arn);

}  // namespace aws_example

template <class Base>
class AwsExampleTest : public Base {
 protected:
  explicit AwsExampleTest(std::string seed) : seed_(std::move(seed)) {}

  std::vector<std::string> daemon_flags() const override {
    auto flags = Base::daemon_flags();
    flags.push_back("--config=" + aws_example::dir(seed_) + "/settled.conf");
    return flags;
  }

  void add_workflows() override {
    Base::add_workflows();
    aws_example::copy_workflows(seed_, this->workflows_dir());
  }

  HttpResult sfn(const std::string& operation, const boost::json::object& body) {
    return aws_example::sfn(*this->client_, operation, body);
  }

  std::string stored_token(const std::string& table, const std::string& key,
                           const std::string& previous = "",
                           const std::string& field = "taskToken") {
    return aws_example::stored_token(*this->client_, table, key, previous, field);
  }

  // The task token under `table`/`key` that a handler would answer next: a new one once the
  // last answered there was taken.
  std::string await_token(const std::string& table, const std::string& key) {
    return stored_token(table, key, answered_[table + "/" + key]);
  }

  void send_task_success(const std::string& token, const boost::json::value& output) {
    aws_example::send_task_success(*this->client_, token, output);
  }

  // What a handler does: the next token under `table`/`key` answered with SendTaskSuccess.
  // Returns the token ("" when none came).
  std::string answer_callback(const std::string& table, const std::string& key,
                              const boost::json::value& output) {
    const auto token = await_token(table, key);
    if (token.empty()) return token;
    send_task_success(token, output);
    answered_[table + "/" + key] = token;
    return token;
  }

  // Stripe's payout webhook, played by the team's handler: the payout's status as Stripe sent
  // it answers the token stored under PaymentCallbacks/payout-<id>.
  std::string answer_payout(const boost::json::value& payout) {
    return answer_callback("PaymentCallbacks", "payout-" + std::string(payout.at("id").as_string()),
                           boost::json::object{{"id", payout.at("id")},
                                               {"status", payout.at("status")},
                                               {"failure_code", payout.at("failure_code")}});
  }

  std::vector<std::string> resources_scheduled(const std::string& arn) {
    return aws_example::resources_scheduled(*this->client_, arn);
  }

  static std::string execution_arn(const std::string& machine, const std::string& name) {
    return "arn:aws:states:us-east-1:123456789012:execution:" + machine + ":" + name;
  }

  // A Lambda function of the examples' account as resources_scheduled names it.
  static std::string lambda(const std::string& function) {
    return "function:arn:aws:lambda:us-east-1:123456789012:function:" + function;
  }

  static bool has(const std::vector<std::string>& list, const std::string& item) {
    return std::find(list.begin(), list.end(), item) != list.end();
  }

 private:
  std::string seed_;
  std::map<std::string, std::string> answered_;  // table/key -> the last token answered there
};

}  // namespace settled::testing
