// settled:states.startExecution.sync through the real daemon: the parent's task completes
// with the child's output in Step Functions' DescribeExecution shape, a failing child fails
// the task (States.TaskFailed, catchable), stopping the parent stops the child, and a child
// that is waiting when the daemon is killed finishes once after the restart.

#include "integration/ops_fixture.hpp"

namespace settled::testing {
namespace {

namespace json = boost::json;

class ChildWorkflows : public OpsTest {
 protected:
  const AwsScopeFlags aws_{"eu-west-3", "135791357913"};

  std::vector<std::string> daemon_flags() const override { return aws_.flags(); }

  void add_workflows() override {
    write_workflow("kyc", R"({"StartAt": "Decide", "States": {
      "Decide": {"Type": "Choice", "Default": "Nap",
                 "Choices": [{"Variable": "$.person", "StringEquals": "mallory",
                              "Next": "Declined"}]},
      "Nap": {"Type": "Wait", "SecondsPath": "$.seconds", "Next": "Approved"},
      "Approved": {"Type": "Pass", "Parameters": {"approved": true, "person.$": "$.person",
                   "execution.$": "$$.Execution.Id"}, "End": true},
      "Declined": {"Type": "Fail", "Error": "Kyc.Declined", "Cause": "sanctions list"}}})");
    write_workflow("onboarding", R"({"StartAt": "Check", "States": {
      "Check": {"Type": "Task", "Resource": "settled:states.startExecution.sync:2",
                "Parameters": {"StateMachineArn": "arn:aws:states:eu-west-3:135791357913:stateMachine:kyc",
                               "Input": {"person.$": "$.person", "seconds.$": "$.seconds"}},
                "ResultSelector": {"kyc.$": "$.Output", "child.$": "$.ExecutionArn",
                                   "status.$": "$.Status"},
                "ResultPath": "$.check",
                "Catch": [{"ErrorEquals": ["States.TaskFailed"], "ResultPath": "$.failure",
                           "Next": "Refused"}],
                "End": true},
      "Refused": {"Type": "Pass", "End": true}}})");
  }

  HttpResult start(const std::string& name, const std::string& person, int seconds) {
    return client_->post(
        "/v1/executions",
        json::serialize(json::object{{"stateMachine", "onboarding"},
                                     {"name", name},
                                     {"input", {{"person", person}, {"seconds", seconds}}}}));
  }

  std::string child_of(const std::string& id) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < until) {
      for (const auto& event : history(id)) {
        if (event.at("type") == "TaskSubmitted") {
          auto output = json::parse(event.at("taskSubmittedEventDetails").at("output").as_string());
          return std::string(output.at("ExecutionArn").as_string());
        }
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ADD_FAILURE() << "no child started by " << id;
    return "";
  }
};

TEST_F(ChildWorkflows, TheTaskCompletesWithTheChildsOutput) {
  ASSERT_EQ(start("ann", "ann", 0).status, 201u);
  auto done = wait_final("onboarding:ann");
  ASSERT_EQ(done.at("status"), "SUCCEEDED") << json::serialize(done);
  const auto& check = done.at("output").at("check");
  EXPECT_EQ(check.at("status"), "SUCCEEDED");
  const std::string child(check.at("child").as_string());
  // The child is an execution of its own: $$.Execution is the child, not the parent, named by
  // its settled id (the ExecutionArn settled's resource gives), and that ARN finds it.
  const std::string arn = aws_.execution_arn(child);
  EXPECT_EQ(check.at("kyc"),
            (json::object{{"approved", true}, {"person", "ann"}, {"execution", arn}}))
      << json::serialize(check);
  auto by_arn = client_->get("/v1/executions/" + arn);
  ASSERT_EQ(by_arn.status, 200u) << by_arn.body;
  EXPECT_EQ(by_arn.json().at("executionId"), child.c_str());
  auto described = client_->get("/v1/executions/" + child);
  ASSERT_EQ(described.status, 200u);
  EXPECT_EQ(described.json().at("stateMachine"), "kyc");
  EXPECT_EQ(described.json().at("parentExecutionId"), "onboarding:ann");
}

TEST_F(ChildWorkflows, AFailingChildFailsTheTaskWithStatesTaskFailed) {
  ASSERT_EQ(start("mal", "mallory", 0).status, 201u);
  auto done = wait_final("onboarding:mal");
  ASSERT_EQ(done.at("status"), "SUCCEEDED") << json::serialize(done);
  const auto& failure = done.at("output").at("failure");
  EXPECT_EQ(failure.at("Error"), "States.TaskFailed");
  auto cause = json::parse(failure.at("Cause").as_string());
  EXPECT_EQ(cause.at("Error"), "Kyc.Declined");
  EXPECT_EQ(cause.at("Status"), "FAILED");
}

TEST_F(ChildWorkflows, StoppingTheParentStopsTheChild) {
  ASSERT_EQ(start("bob", "bob", 60).status, 201u);
  const std::string child = child_of("onboarding:bob");
  ASSERT_FALSE(child.empty());
  ctl_json({"executions", "stop", "onboarding:bob"});
  EXPECT_EQ(wait_final(child, std::chrono::seconds(10)).at("status"), "ABORTED");
  EXPECT_EQ(wait_final("onboarding:bob").at("status"), "ABORTED");
}

TEST_F(ChildWorkflows, AChildWaitingThroughAKillFinishesOnce) {
  ASSERT_EQ(start("cy", "cy", 3).status, 201u);
  const std::string child = child_of("onboarding:cy");
  ASSERT_FALSE(child.empty());
  client_.reset();
  daemon_->kill9();
  start_with(extra_);
  auto done = wait_final("onboarding:cy");
  ASSERT_EQ(done.at("status"), "SUCCEEDED") << json::serialize(done);
  EXPECT_EQ(done.at("output").at("check").at("child"), json::value(child));
  int submitted = 0;
  for (const auto& event : history("onboarding:cy"))
    submitted += event.at("type") == "TaskSubmitted";
  EXPECT_EQ(submitted, 1);
}

}  // namespace
}  // namespace settled::testing
