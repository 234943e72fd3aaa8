// settled:states.startExecution.sync through the real daemon: the parent's task completes
// with the child's output in Step Functions' DescribeExecution shape, the child has one ARN
// everywhere (its $$.Execution.Id, the task's result, TaskSubmitted, DescribeExecution,
// ListExecutions, GetExecutionHistory, and each finds it again; the AWS resource's child too), a
// Name names it and is then taken, a failing child fails the task (States.TaskFailed,
// catchable), stopping the parent stops the child, and a child that is waiting when the daemon
// is killed finishes once after the restart.

#include "integration/ops_fixture.hpp"
#include "support/temp_store.hpp"

#include "domain/execution_record.hpp"
#include "domain/resources/aws_child_execution.hpp"
#include "domain/storage_keys.hpp"
#include "domain/write_batch.hpp"

#include <algorithm>
#include <tuple>

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
    // The same child through the AWS resource, and through settled's with a Name.
    for (const auto& [machine, resource, name] :
         {std::tuple<const char*, const char*, const char*>{
              "aws-onboarding", "arn:aws:states:::states:startExecution.sync:2", ""},
          {"named-onboarding", "settled:states.startExecution.sync:2",
           R"x(, "Name.$": "States.Format('kyc-{}', $.person)")x"}})
      write_workflow(machine, std::string(R"({"StartAt": "Check", "States": {
        "Check": {"Type": "Task", "Resource": ")") +
                                  resource + R"(",
                  "Parameters": {"StateMachineArn": "kyc",
                                 "Input": {"person.$": "$.person", "seconds": 0})" +
                                  name + R"(},
                  "ResultSelector": {"kyc.$": "$.Output", "child.$": "$.ExecutionArn"},
                  "ResultPath": "$.check",
                  "Catch": [{"ErrorEquals": ["States.TaskFailed"], "ResultPath": "$.failure",
                             "Next": "Refused"}],
                  "End": true},
        "Refused": {"Type": "Pass", "End": true}}})");
  }

  HttpResult start(const std::string& name, const std::string& person, int seconds,
                   const std::string& machine = "onboarding") {
    return client_->post(
        "/v1/executions",
        json::serialize(json::object{{"stateMachine", machine},
                                     {"name", name},
                                     {"input", {{"person", person}, {"seconds", seconds}}}}));
  }

  // A Step Functions API call's answer (docs/aws-api.md).
  HttpResult sfn(const std::string& operation, const json::object& body) {
    return client_->post("/", json::serialize(body),
                         {{"Content-Type", "application/x-amz-json-1.0"},
                          {"X-Amz-Target", "AWSStepFunctions." + operation}});
  }

  // The ExecutionArn in the parent's TaskSubmitted event.
  std::string submitted_arn(const std::string& parent) {
    for (const auto& event : history(parent))
      if (event.at("type") == "TaskSubmitted")
        return std::string(
            json::parse(event.at("taskSubmittedEventDetails").at("output").as_string())
                .at("ExecutionArn")
                .as_string());
    return "";
  }

  // Everything that names the child gives `arn`, and each of those finds the child.
  void expect_one_arn(const std::string& parent, const json::value& check, const std::string& arn) {
    SCOPED_TRACE(parent + " " + arn);
    const std::string prefix = aws_.execution_arn("kyc:");
    ASSERT_EQ(arn.rfind(prefix, 0), 0u) << arn;
    EXPECT_EQ(arn.find('~'), std::string::npos) << "a name Step Functions could give: " << arn;
    EXPECT_EQ(check.at("child"), json::value(arn));                // the task's result
    EXPECT_EQ(check.at("kyc").at("execution"), json::value(arn));  // its $$.Execution.Id
    EXPECT_EQ(submitted_arn(parent), arn);                         // TaskSubmitted
    auto described = sfn("DescribeExecution", {{"executionArn", arn}});
    ASSERT_EQ(described.status, 200u) << described.body;
    EXPECT_EQ(described.json().at("executionArn"), json::value(arn));
    EXPECT_EQ(described.json().at("name"), json::value(arn.substr(prefix.size())));
    EXPECT_EQ(described.json().at("stateMachineArn"),
              json::value("arn:aws:states:eu-west-3:135791357913:stateMachine:kyc"));
    auto history = sfn("GetExecutionHistory", {{"executionArn", arn}});
    ASSERT_EQ(history.status, 200u) << history.body;
    EXPECT_EQ(history.json().at("events").at(0).at("type"), "ExecutionStarted");
    auto machine = sfn("DescribeStateMachineForExecution", {{"executionArn", arn}});
    ASSERT_EQ(machine.status, 200u) << machine.body;
    EXPECT_EQ(machine.json().at("name"), "kyc");
    auto listed =
        sfn("ListExecutions",
            {{"stateMachineArn", "arn:aws:states:eu-west-3:135791357913:stateMachine:kyc"}});
    ASSERT_EQ(listed.status, 200u) << listed.body;
    std::vector<std::string> arns;
    const json::value listed_body = listed.json();
    for (const auto& e : listed_body.at("executions").as_array())
      arns.emplace_back(e.at("executionArn").as_string());
    EXPECT_NE(std::find(arns.begin(), arns.end(), arn), arns.end());
    auto native = client_->get("/v1/executions/" + arn);
    ASSERT_EQ(native.status, 200u) << native.body;
    EXPECT_EQ(native.json().at("stateMachine"), "kyc");
    EXPECT_EQ(native.json().at("parentExecutionId"), json::value(parent));
    EXPECT_EQ(client_->get("/v1/executions/" + arn + "/history").status, 200u);
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
  // The child is an execution of its own, named as Step Functions names one started without
  // Name (a UUID) in its own state machine: $$.Execution is the child, not the parent.
  const std::string arn(check.at("child").as_string());
  EXPECT_EQ(check.at("kyc"),
            (json::object{{"approved", true}, {"person", "ann"}, {"execution", arn}}))
      << json::serialize(check);
  const std::string name = arn.substr(aws_.execution_arn("kyc:").size());
  ASSERT_EQ(name.size(), 36u) << arn;
  for (std::size_t i : {8u, 13u, 18u, 23u}) EXPECT_EQ(name[i], '-') << name;
  expect_one_arn("onboarding:ann", check, arn);
}

// The AWS resource's child is named the same way, and so has one ARN everywhere too.
TEST_F(ChildWorkflows, AnAwsResourcesChildHasOneArnEverywhere) {
  ASSERT_EQ(start("amy", "amy", 0, "aws-onboarding").status, 201u);
  auto done = wait_final("aws-onboarding:amy");
  ASSERT_EQ(done.at("status"), "SUCCEEDED") << json::serialize(done);
  const auto& check = done.at("output").at("check");
  expect_one_arn("aws-onboarding:amy", check, std::string(check.at("child").as_string()));
}

// With Name the child is named so, as StartExecution names an execution; the name is then
// taken in its state machine: another parent's child under it fails the task (settled's
// resource: States.TaskFailed, as every start it cannot make), and so does a client's start.
TEST_F(ChildWorkflows, ANameNamesTheChildAndIsThenTaken) {
  ASSERT_EQ(start("n-1", "nia", 0, "named-onboarding").status, 201u);
  auto done = wait_final("named-onboarding:n-1");
  ASSERT_EQ(done.at("status"), "SUCCEEDED") << json::serialize(done);
  const auto& check = done.at("output").at("check");
  const std::string arn = aws_.execution_arn("kyc:kyc-nia");
  expect_one_arn("named-onboarding:n-1", check, arn);

  ASSERT_EQ(start("n-2", "nia", 0, "named-onboarding").status, 201u);
  auto again = wait_final("named-onboarding:n-2");
  ASSERT_EQ(again.at("status"), "SUCCEEDED") << json::serialize(again);
  EXPECT_EQ(again.at("output").at("failure"),
            (json::object{{"Error", "States.TaskFailed"},
                          {"Cause", "Execution Already Exists: '" + arn + "'"}}));
  auto taken = client_->post("/v1/executions", R"({"stateMachine":"kyc","name":"kyc-nia",
                                                   "input":{"person":"nia","seconds":0}})");
  EXPECT_EQ(taken.status, 409u) << taken.body;
}

// A child started without Name is named with the data directory's secret: the names a
// client could work out from the parent's id and its history's event numbers (the unsalted
// UUIDs) are not the child's, so taking them all in advance does not fail the parent's task.
// Before the fix (red team, session 33) the first of them was the child's, and the task failed
// with "Execution Already Exists".
TEST_F(ChildWorkflows, NamesWorkedOutFromTheParentsHistoryAreNotTheChilds) {
  for (int event = 1; event <= 12; ++event) {
    const std::string guessed =
        aws::child_execution_name("onboarding:pre~" + std::to_string(event) + ".0");
    ASSERT_EQ(client_
                  ->post("/v1/executions", json::serialize(json::object{
                                               {"stateMachine", "kyc"},
                                               {"name", guessed},
                                               {"input", {{"person", "mallory"}, {"seconds", 0}}}}))
                  .status,
              201u);
  }
  ASSERT_EQ(start("pre", "pat", 0).status, 201u);
  auto done = wait_final("onboarding:pre");
  ASSERT_EQ(done.at("status"), "SUCCEEDED") << json::serialize(done);
  const auto& output = done.at("output").as_object();
  EXPECT_FALSE(output.contains("failure")) << json::serialize(output);
  ASSERT_TRUE(output.contains("check")) << json::serialize(output);
  EXPECT_EQ(output.at("check").at("status"), "SUCCEEDED");
  // The same secret names the same child after a restart: the parent's record still finds it.
  const std::string arn(output.at("check").at("child").as_string());
  restart();
  expect_one_arn("onboarding:pre", output.at("check"), arn);
}

// A data directory upgraded to the secret keeps the names of tasks entered before it was made:
// here the stored secret's `since` lies ahead of every task, as it does for a task that was out
// when the daemon was upgraded, and the child is named as before the secret (so a restarted
// parent that had started it finds it by the same name, never starting a second).
TEST_F(ChildWorkflows, ATaskEnteredBeforeTheSecretExistedKeepsTheUnsaltedName) {
  daemon_->terminate();
  {
    auto db = open_stopped_store(dir_.path() + "/var");
    WriteBatch later;
    later.put(Table::kMeta, std::string(kChildNameSaltKey),
              "99999999999999 " + std::string(64, 'f'));
    ASSERT_TRUE(db->commit({&later}).ok());
  }
  start_with(extra_);
  ASSERT_EQ(start("old", "olga", 0).status, 201u);
  auto done = wait_final("onboarding:old");
  ASSERT_EQ(done.at("status"), "SUCCEEDED") << json::serialize(done);
  const std::string arn(done.at("output").at("check").at("child").as_string());
  const std::string name = arn.substr(aws_.execution_arn("kyc:").size());
  bool unsalted = false;
  for (int event = 1; event <= 12; ++event)
    unsalted |= name == aws::child_execution_name("onboarding:old~" + std::to_string(event) + ".0");
  EXPECT_TRUE(unsalted) << name;
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

// A data directory an older version wrote, with a child of settled's resource waiting in it:
// that child is named by its settled id and has no child_executions or listing row. After the
// upgrade its parent finds it (no second child), and it keeps the one ARN its id gives it
// ($$.Execution.Id, the task's result), which DescribeExecution and the native API take.
TEST_F(ChildWorkflows, AChildAnOlderVersionStartedIsStillFoundAndKeepsItsArn) {
  ASSERT_EQ(start("old", "otto", 3).status, 201u);
  const std::string arn = child_of("onboarding:old");
  ASSERT_FALSE(arn.empty());
  auto found = client_->get("/v1/executions/" + arn);
  ASSERT_EQ(found.status, 200u) << found.body;
  const std::string id(found.json().at("executionId").as_string());
  client_.reset();
  daemon_->kill9();
  {
    auto db = open_stopped_store(dir_.path() + "/var");
    auto stored = db->get(Table::kExecutions, id);
    ASSERT_TRUE(stored);
    auto child = ExecutionRecord::parse(*stored, id);
    ASSERT_TRUE(child) << child.error().message;
    ASSERT_EQ(child->status, ExecutionStatus::kRunning) << "the child ended before the kill";
    WriteBatch older;
    older.erase(Table::kChildExecutions, child->state_machine + ":" + child->name);
    older.erase(Table::kExecutionsByStart,
                started_key(child->state_machine, child->start, child->name));
    child->name = id.substr(id.find(':') + 1);  // "old~<event>.0", as older versions named it
    older.put(Table::kExecutions, id, child->serialize());
    ASSERT_TRUE(db->commit({&older}).ok());
  }
  start_with(extra_);
  auto done = wait_final("onboarding:old");
  ASSERT_EQ(done.at("status"), "SUCCEEDED") << json::serialize(done);
  const std::string older_arn = aws_.execution_arn(id);
  const auto& check = done.at("output").at("check");
  EXPECT_EQ(check.at("child"), json::value(older_arn));
  EXPECT_EQ(check.at("kyc").at("execution"), json::value(older_arn));
  int submitted = 0;
  for (const auto& event : history("onboarding:old"))
    submitted += event.at("type") == "TaskSubmitted";
  EXPECT_EQ(submitted, 1);
  auto described = sfn("DescribeExecution", {{"executionArn", older_arn}});
  ASSERT_EQ(described.status, 200u) << described.body;
  EXPECT_EQ(described.json().at("executionArn"), json::value(older_arn));
  EXPECT_EQ(described.json().at("status"), "SUCCEEDED");
  EXPECT_EQ(sfn("GetExecutionHistory", {{"executionArn", older_arn}}).status, 200u);
  auto native = client_->get("/v1/executions/" + older_arn);
  ASSERT_EQ(native.status, 200u) << native.body;
  EXPECT_EQ(native.json().at("executionId"), json::value(id));
}

}  // namespace
}  // namespace settled::testing
