// The Step Functions API (docs/aws-api.md) through the real daemon, as an AWS SDK speaks it:
// POST / with X-Amz-Target: AWSStepFunctions.<Operation> and the AWS JSON 1.0 content type. A
// whole scenario (create, describe, start with its idempotent retry and its conflict, describe,
// history paged both ways, a task token answered with SendTaskSuccess and another with
// SendTaskFailure, stop, list), the hostile requests (each AWS's error shape, none changing
// anything) and the refusal of every call when API keys are configured and no SigV4 verifier is.

#include "adapters/http/api_keys.hpp"
#include "integration/ops_fixture.hpp"

#include <set>
#include <thread>

namespace settled::testing {
namespace {

namespace json = boost::json;

constexpr const char* kRegion = "eu-west-1";
constexpr const char* kAccount = "123456789012";
const std::string kArnBase = std::string("arn:aws:states:") + kRegion + ":" + kAccount + ":";
const std::string kMachineArn = kArnBase + "stateMachine:approval";

// A string as a JSON value, to compare with a member.
json::value jv(const std::string& s) {
  return json::string(s);
}

std::string exec_arn(const std::string& name) {
  return kArnBase + "execution:approval:" + name;
}

// A task that writes its token to records/approvals/<execution name> and waits for it.
json::object approval_definition(const std::string& done_comment = "approved") {
  json::object ask{
      {"Type", "Task"},
      {"Resource", "settled:records.put.waitForTaskToken"},
      {"Parameters", json::object{{"collection", "approvals"},
                                  {"key.$", "$$.Execution.Name"},
                                  {"record", json::object{{"token.$", "$$.Task.Token"}}}}},
      {"ResultPath", "$.decision"},
      {"Next", "Done"}};
  return json::object{
      {"StartAt", "Ask"},
      {"States",
       json::object{
           {"Ask", ask},
           {"Done", json::object{{"Type", "Pass"}, {"Comment", done_comment}, {"End", true}}}}}};
}

class SfnApi : public OpsTest {
 protected:
  std::vector<std::string> daemon_flags() const override {
    return {std::string("--aws-region=") + kRegion, std::string("--aws-account-id=") + kAccount};
  }

  HttpResult sfn_raw(const std::string& operation, const std::string& body,
                     const std::string& content_type = "application/x-amz-json-1.0") {
    HttpHeaders headers{{"Content-Type", content_type}};
    if (!operation.empty()) headers.emplace_back("X-Amz-Target", "AWSStepFunctions." + operation);
    return client_->post("/", body, headers);
  }

  HttpResult sfn(const std::string& operation, const json::object& body) {
    return sfn_raw(operation, json::serialize(body));
  }

  // A 200 answer's body.
  json::object ok(const std::string& operation, const json::object& body) {
    auto res = sfn(operation, body);
    EXPECT_EQ(res.status, 200u) << operation << ": " << res.body;
    EXPECT_EQ(res.header("content-type"), "application/x-amz-json-1.0");
    if (res.status != 200) return {};
    return res.json().as_object();
  }

  // An error answer: its status, AWS's shape, and its __type.
  std::string error_type(const HttpResult& res, unsigned status = 400) {
    EXPECT_EQ(res.status, status) << res.body;
    EXPECT_EQ(res.header("content-type"), "application/x-amz-json-1.0") << res.body;
    auto body = res.json().as_object();
    EXPECT_EQ(body.size(), 2u) << res.body;
    EXPECT_TRUE(body.at("message").is_string()) << res.body;
    return std::string(body.at("__type").as_string());
  }

  json::object create_approval() {
    return ok("CreateStateMachine", {{"name", "approval"},
                                     {"definition", json::serialize(approval_definition())},
                                     {"roleArn", "arn:aws:iam::123456789012:role/r"}});
  }

  // The token the execution's task handed out (read from the record it wrote; bounded wait).
  std::string token_of(const std::string& name) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < until) {
      auto record = client_->get("/v1/records/approvals/" + name);
      if (record.status == 200)
        return std::string(record.json().at("record").at("token").as_string());
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ADD_FAILURE() << "no token for " << name;
    return "";
  }

  // DescribeExecution until it leaves RUNNING (bounded).
  json::object wait_closed(const std::string& name) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < until) {
      auto described = ok("DescribeExecution", {{"executionArn", exec_arn(name)}});
      if (described.empty() || described.at("status") != "RUNNING") return described;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ADD_FAILURE() << name << " still RUNNING";
    return {};
  }

  // Every event id of a history read page by page.
  std::vector<std::int64_t> paged_ids(const std::string& name, std::int64_t max, bool reverse) {
    std::vector<std::int64_t> ids;
    json::object request{
        {"executionArn", exec_arn(name)}, {"maxResults", max}, {"reverseOrder", reverse}};
    for (int pages = 0; pages < 100; ++pages) {
      auto page = ok("GetExecutionHistory", request);
      EXPECT_LE(page.at("events").as_array().size(), static_cast<std::size_t>(max));
      for (const auto& e : page.at("events").as_array()) ids.push_back(e.at("id").as_int64());
      if (!page.if_contains("nextToken")) return ids;
      request["nextToken"] = page.at("nextToken");
    }
    ADD_FAILURE() << "history pages never ended";
    return ids;
  }
};

TEST_F(SfnApi, AWholeScenarioThroughTheAwsJsonProtocol) {
  // Create, idempotently; another definition under the name is refused.
  auto created = ok("CreateStateMachine", {{"name", "approval"},
                                           {"definition", json::serialize(approval_definition())},
                                           {"roleArn", "arn:aws:iam::123456789012:role/r"}});
  EXPECT_EQ(created.at("stateMachineArn"), jv(kMachineArn));
  ASSERT_TRUE(created.at("creationDate").is_number());
  auto again = ok("CreateStateMachine", {{"name", "approval"},
                                         {"definition", json::serialize(approval_definition())},
                                         {"roleArn", "arn:aws:iam::123456789012:role/r"}});
  EXPECT_EQ(again, created);
  EXPECT_EQ(error_type(sfn("CreateStateMachine",
                           {{"name", "approval"},
                            {"definition", json::serialize(approval_definition("other"))},
                            {"roleArn", "arn:aws:iam::123456789012:role/r"}})),
            "StateMachineAlreadyExists");

  auto machine = ok("DescribeStateMachine", {{"stateMachineArn", kMachineArn}});
  EXPECT_EQ(machine.at("name"), "approval");
  EXPECT_EQ(machine.at("status"), "ACTIVE");
  EXPECT_EQ(machine.at("type"), "STANDARD");
  EXPECT_EQ(machine.at("creationDate"), created.at("creationDate"));
  EXPECT_EQ(json::parse(machine.at("definition").as_string()), approval_definition());

  // Start; the same name and input is the same execution, another input a conflict.
  auto started =
      ok("StartExecution",
         {{"stateMachineArn", kMachineArn}, {"name", "a-1"}, {"input", R"({"amount":5})"}});
  EXPECT_EQ(started.at("executionArn"), jv(exec_arn("a-1")));
  ASSERT_TRUE(started.at("startDate").is_number());
  EXPECT_EQ(ok("StartExecution",
               {{"stateMachineArn", kMachineArn}, {"name", "a-1"}, {"input", R"({"amount": 5})"}}),
            started);
  EXPECT_EQ(error_type(sfn(
                "StartExecution",
                {{"stateMachineArn", kMachineArn}, {"name", "a-1"}, {"input", R"({"amount":6})"}})),
            "ExecutionAlreadyExists");

  auto running = ok("DescribeExecution", {{"executionArn", exec_arn("a-1")}});
  EXPECT_EQ(running.at("status"), "RUNNING");
  EXPECT_EQ(running.at("stateMachineArn"), jv(kMachineArn));
  EXPECT_EQ(running.at("name"), "a-1");
  EXPECT_EQ(running.at("startDate"), started.at("startDate"));
  EXPECT_EQ(json::parse(running.at("input").as_string()), (json::object{{"amount", 5}}));
  EXPECT_FALSE(running.if_contains("stopDate"));

  // SendTaskSuccess ends the wait; the token is then used.
  const std::string token = token_of("a-1");
  EXPECT_EQ(ok("SendTaskSuccess", {{"taskToken", token}, {"output", R"({"approved":true})"}}),
            json::object{});
  auto succeeded = wait_closed("a-1");
  EXPECT_EQ(succeeded.at("status"), "SUCCEEDED");
  EXPECT_EQ(json::parse(succeeded.at("output").as_string()),
            (json::object{{"amount", 5}, {"decision", {{"approved", true}}}}));
  ASSERT_TRUE(succeeded.at("stopDate").is_number());
  EXPECT_EQ(error_type(sfn("SendTaskSuccess", {{"taskToken", token}, {"output", "{}"}})),
            "TaskTimedOut");

  // The history, whole and paged both ways.
  auto whole = ok("GetExecutionHistory", {{"executionArn", exec_arn("a-1")}});
  const auto& events = whole.at("events").as_array();
  ASSERT_GE(events.size(), 6u);
  EXPECT_FALSE(whole.if_contains("nextToken"));
  EXPECT_EQ(events.front().at("type"), "ExecutionStarted");
  EXPECT_EQ(events.back().at("type"), "ExecutionSucceeded");
  std::vector<std::int64_t> ids;
  for (const auto& e : events) {
    ids.push_back(e.at("id").as_int64());
    EXPECT_TRUE(e.at("timestamp").is_number()) << e;
    EXPECT_EQ(e.at("previousEventId").as_int64(), ids.back() - 1);
  }
  EXPECT_EQ(json::parse(events.front().at("executionStartedEventDetails").at("input").as_string()),
            (json::object{{"amount", 5}}));
  // The role the execution ran as, as GetExecutionHistory names it (never ""): settled's one
  // role in this account, the one DescribeStateMachine names.
  EXPECT_EQ(events.front().at("executionStartedEventDetails").at("roleArn"),
            jv(std::string("arn:aws:iam::") + kAccount + ":role/settled"));
  EXPECT_EQ(events.front().at("executionStartedEventDetails").at("roleArn"),
            ok("DescribeStateMachine", {{"stateMachineArn", kMachineArn}}).at("roleArn"));
  EXPECT_EQ(paged_ids("a-1", 2, false), ids);
  const std::vector<std::int64_t> reversed(ids.rbegin(), ids.rend());
  EXPECT_EQ(paged_ids("a-1", 3, true), reversed);
  auto lean = ok("GetExecutionHistory",
                 {{"executionArn", exec_arn("a-1")}, {"includeExecutionData", false}});
  EXPECT_FALSE(
      lean.at("events").at(0).at("executionStartedEventDetails").as_object().if_contains("input"));

  // SendTaskFailure fails the execution with the error and cause given.
  ok("StartExecution", {{"stateMachineArn", kMachineArn}, {"name", "a-2"}, {"input", "{}"}});
  EXPECT_EQ(ok("SendTaskFailure",
               {{"taskToken", token_of("a-2")}, {"error", "Approval.Rejected"}, {"cause", "no"}}),
            json::object{});
  auto failed = wait_closed("a-2");
  EXPECT_EQ(failed.at("status"), "FAILED");
  EXPECT_EQ(failed.at("error"), "Approval.Rejected");
  EXPECT_EQ(failed.at("cause"), "no");
  EXPECT_FALSE(failed.if_contains("output"));

  // A heartbeat is taken while waiting; StopExecution aborts.
  ok("StartExecution", {{"stateMachineArn", kMachineArn}, {"name", "a-3"}});
  EXPECT_EQ(ok("SendTaskHeartbeat", {{"taskToken", token_of("a-3")}}), json::object{});
  auto stopped =
      ok("StopExecution",
         {{"executionArn", exec_arn("a-3")}, {"error", "Operator.Stop"}, {"cause", "test"}});
  ASSERT_TRUE(stopped.at("stopDate").is_number());
  auto aborted = ok("DescribeExecution", {{"executionArn", exec_arn("a-3")}});
  EXPECT_EQ(aborted.at("status"), "ABORTED");
  EXPECT_EQ(aborted.at("stopDate"), stopped.at("stopDate"));
  // The error and cause StopExecution was given are the execution's, as on AWS.
  EXPECT_EQ(aborted.at("error"), "Operator.Stop");
  EXPECT_EQ(aborted.at("cause"), "test");

  // List: all three, filtered by status, and page by page.
  auto listed = ok("ListExecutions", {{"stateMachineArn", kMachineArn}});
  std::map<std::string, std::string> statuses;
  for (const auto& e : listed.at("executions").as_array()) {
    statuses[std::string(e.at("name").as_string())] = std::string(e.at("status").as_string());
    EXPECT_EQ(e.at("executionArn"), jv(exec_arn(std::string(e.at("name").as_string()))));
    EXPECT_EQ(e.at("stateMachineArn"), jv(kMachineArn));
    EXPECT_TRUE(e.at("startDate").is_number());
  }
  EXPECT_EQ(statuses, (std::map<std::string, std::string>{
                          {"a-1", "SUCCEEDED"}, {"a-2", "FAILED"}, {"a-3", "ABORTED"}}));
  auto only = ok("ListExecutions", {{"stateMachineArn", kMachineArn}, {"statusFilter", "FAILED"}});
  ASSERT_EQ(only.at("executions").as_array().size(), 1u);
  EXPECT_EQ(only.at("executions").at(0).at("name"), "a-2");
  std::set<std::string> paged;
  json::object request{{"stateMachineArn", kMachineArn}, {"maxResults", 1}};
  for (int pages = 0; pages < 10; ++pages) {
    auto page = ok("ListExecutions", request);
    EXPECT_LE(page.at("executions").as_array().size(), 1u);
    for (const auto& e : page.at("executions").as_array())
      paged.insert(std::string(e.at("name").as_string()));
    if (!page.if_contains("nextToken")) break;
    request["nextToken"] = page.at("nextToken");
  }
  EXPECT_EQ(paged, (std::set<std::string>{"a-1", "a-2", "a-3"}));

  // ListStateMachines, a page at a time, finds it among the shipped workflows.
  bool found = false;
  json::object list_request{{"maxResults", 2}};
  for (int pages = 0; pages < 100; ++pages) {
    auto page = ok("ListStateMachines", list_request);
    for (const auto& m : page.at("stateMachines").as_array()) {
      if (m.at("name") != "approval") continue;
      found = true;
      EXPECT_EQ(m.at("stateMachineArn"), jv(kMachineArn));
      EXPECT_EQ(m.at("type"), "STANDARD");
      EXPECT_EQ(m.at("creationDate"), created.at("creationDate"));
    }
    if (!page.if_contains("nextToken")) break;
    list_request["nextToken"] = page.at("nextToken");
  }
  EXPECT_TRUE(found);
}

TEST_F(SfnApi, AnUnnamedStartIsNamedWithAUuidAsOnAws) {
  create_approval();
  auto started = ok("StartExecution", {{"stateMachineArn", kMachineArn}});
  const std::string arn(started.at("executionArn").as_string());
  ASSERT_EQ(arn.rfind(exec_arn(""), 0), 0u) << arn;
  EXPECT_EQ(arn.size() - exec_arn("").size(), 36u) << arn;
  auto described = ok("DescribeExecution", {{"executionArn", arn}});
  EXPECT_EQ(json::parse(described.at("input").as_string()), json::object{});
}

TEST_F(SfnApi, HostileRequestsAreRefusedInAwsShapeAndChangeNothing) {
  create_approval();
  ok("StartExecution", {{"stateMachineArn", kMachineArn}, {"name", "h-1"}, {"input", "{}"}});
  const auto machines_before = client_->get("/v1/state-machines").body;
  const auto executions_before = ok("ListExecutions", {{"stateMachineArn", kMachineArn}});

  EXPECT_EQ(error_type(sfn_raw("", "{}")), "UnknownOperationException");
  EXPECT_EQ(error_type(sfn_raw("StartExecutions", "{}")), "UnknownOperationException");
  EXPECT_EQ(error_type(client_->post("/", "{}",
                                     {{"Content-Type", "application/x-amz-json-1.0"},
                                      {"X-Amz-Target", "Lambda.Invoke"}})),
            "UnknownOperationException");
  EXPECT_EQ(error_type(sfn_raw("ListStateMachines", "{}", "application/json")),
            "UnknownOperationException");
  // A query the API does not read is refused in its own shape, not settled's.
  EXPECT_EQ(error_type(client_->post("/?dryRun=true", "{}",
                                     {{"Content-Type", "application/x-amz-json-1.0"},
                                      {"X-Amz-Target", "AWSStepFunctions.ListStateMachines"}})),
            "ValidationException");
  EXPECT_EQ(error_type(sfn_raw("StartExecution", "{\"stateMachineArn\":")),
            "SerializationException");
  EXPECT_EQ(error_type(sfn_raw("StartExecution", "[1,2]")), "SerializationException");
  EXPECT_EQ(error_type(sfn_raw("StartExecution", std::string(100, '[') + std::string(100, ']'))),
            "SerializationException");
  EXPECT_EQ(error_type(sfn("StartExecution", {{"stateMachineArn", 5}})), "SerializationException");
  EXPECT_EQ(error_type(sfn("StartExecution",
                           {{"stateMachineArn", kMachineArn}, {"name", json::array{"x"}}})),
            "SerializationException");
  EXPECT_EQ(error_type(sfn("GetExecutionHistory",
                           {{"executionArn", exec_arn("h-1")}, {"maxResults", "10"}})),
            "SerializationException");
  EXPECT_EQ(
      error_type(sfn_raw("GetExecutionHistory", "{\"executionArn\":\"" + exec_arn("h-1") +
                                                    "\",\"maxResults\":99999999999999999999999}")),
      "SerializationException");
  EXPECT_EQ(error_type(sfn("GetExecutionHistory",
                           {{"executionArn", exec_arn("h-1")}, {"maxResults", 1001}})),
            "ValidationException");
  EXPECT_EQ(error_type(sfn("GetExecutionHistory",
                           {{"executionArn", exec_arn("h-1")}, {"nextToken", "h1:f:999"}})),
            "InvalidToken");
  // A member the operation does not have is ignored, as AWS's JSON services do (a newer SDK
  // may send one settled does not know); a misspelt required one is still missing.
  EXPECT_EQ(sfn("DescribeExecution", {{"executionArn", exec_arn("h-1")}, {"notAMember", 1}}).status,
            200u);
  EXPECT_EQ(error_type(sfn("DescribeExecution", {{"exeuctionArn", exec_arn("h-1")}})),
            "ValidationException");
  EXPECT_EQ(error_type(sfn("StartExecution", {{"name", "x"}})), "ValidationException");
  EXPECT_EQ(error_type(sfn("StartExecution", {{"stateMachineArn",
                                               "arn:aws:states:us-east-1:000000000000:"
                                               "stateMachine:approval"}})),
            "InvalidArn");
  EXPECT_EQ(error_type(sfn("StartExecution", {{"stateMachineArn", "approval"}})), "InvalidArn");
  EXPECT_EQ(error_type(sfn("DescribeExecution", {{"executionArn", kMachineArn}})), "InvalidArn");
  EXPECT_EQ(error_type(sfn("StartExecution",
                           {{"stateMachineArn", kMachineArn}, {"name", "h 2"}, {"input", "{}"}})),
            "InvalidName");
  EXPECT_EQ(
      error_type(sfn("StartExecution",
                     {{"stateMachineArn", kMachineArn}, {"name", "h-3"}, {"input", "{nope"}})),
      "InvalidExecutionInput");
  EXPECT_EQ(error_type(sfn("StartExecution",
                           {{"stateMachineArn", kArnBase + "stateMachine:nope"}, {"name", "h-4"}})),
            "StateMachineDoesNotExist");
  EXPECT_EQ(error_type(sfn("DescribeExecution", {{"executionArn", exec_arn("nope")}})),
            "ExecutionDoesNotExist");
  EXPECT_EQ(error_type(sfn("StopExecution", {{"executionArn", exec_arn("nope")}})),
            "ExecutionDoesNotExist");
  EXPECT_EQ(error_type(sfn("SendTaskSuccess", {{"taskToken", "not-a-token"}, {"output", "{}"}})),
            "TaskDoesNotExist");
  EXPECT_EQ(error_type(sfn("CreateStateMachine", {{"name", "bad name"},
                                                  {"definition", "{}"},
                                                  {"roleArn", "arn:aws:iam::1:role/r"}})),
            "InvalidName");
  EXPECT_EQ(error_type(sfn("CreateStateMachine", {{"name", "broken"},
                                                  {"definition", R"({"StartAt":"X"})"},
                                                  {"roleArn", "arn:aws:iam::1:role/r"}})),
            "InvalidDefinition");
  EXPECT_EQ(error_type(sfn("CreateStateMachine", {{"name", "broken"},
                                                  {"definition", "{not json"},
                                                  {"roleArn", "arn:aws:iam::1:role/r"}})),
            "InvalidDefinition");
  EXPECT_EQ(
      error_type(sfn("CreateStateMachine", {{"name", "express"},
                                            {"definition", json::serialize(approval_definition())},
                                            {"roleArn", "arn:aws:iam::1:role/r"},
                                            {"type", "EXPRESS"}})),
      "StateMachineTypeNotSupported");

  EXPECT_EQ(client_->get("/v1/state-machines").body, machines_before);
  EXPECT_EQ(ok("ListExecutions", {{"stateMachineArn", kMachineArn}}), executions_before);
  EXPECT_EQ(ok("DescribeExecution", {{"executionArn", exec_arn("h-1")}}).at("status"), "RUNNING");
}

json::object pass_definition(int x) {
  return json::object{
      {"StartAt", "P"},
      {"States",
       json::object{{"P", json::object{{"Type", "Pass"}, {"Result", {{"x", x}}}, {"End", true}}}}}};
}

TEST_F(SfnApi, SyncStartValidateUpdateDescribeForExecutionAndRedrive) {
  const std::string quick = kArnBase + "stateMachine:quick";
  ok("CreateStateMachine", {{"name", "quick"},
                            {"definition", json::serialize(pass_definition(1))},
                            {"roleArn", "arn:aws:iam::123456789012:role/r"}});
  auto sync = ok("StartSyncExecution", {{"stateMachineArn", quick}, {"name", "s-1"}});
  EXPECT_EQ(sync.at("status"), "SUCCEEDED");
  EXPECT_EQ(sync.at("executionArn"), jv(kArnBase + "execution:quick:s-1"));
  EXPECT_EQ(json::parse(sync.at("output").as_string()), (json::object{{"x", 1}}));
  EXPECT_TRUE(sync.at("stopDate").is_number());

  auto valid =
      ok("ValidateStateMachineDefinition", {{"definition", json::serialize(pass_definition(1))}});
  EXPECT_EQ(valid.at("result"), "OK");
  EXPECT_TRUE(valid.at("diagnostics").as_array().empty());
  auto invalid = ok("ValidateStateMachineDefinition", {{"definition", R"({"StartAt":"X"})"}});
  EXPECT_EQ(invalid.at("result"), "FAIL");
  EXPECT_EQ(invalid.at("diagnostics").at(0).at("code"), "SCHEMA_VALIDATION_FAILED");
  auto garbage = ok("ValidateStateMachineDefinition", {{"definition", "{nope"}});
  EXPECT_EQ(garbage.at("diagnostics").at(0).at("code"), "INVALID_JSON_DESCRIPTION");

  // An update registers the next version; the execution keeps the one it ran.
  auto updated = ok("UpdateStateMachine", {{"stateMachineArn", quick},
                                           {"definition", json::serialize(pass_definition(2))}});
  EXPECT_TRUE(updated.at("updateDate").is_number());
  EXPECT_EQ(
      json::parse(
          ok("DescribeStateMachine", {{"stateMachineArn", quick}}).at("definition").as_string()),
      pass_definition(2));
  auto ran =
      ok("DescribeStateMachineForExecution", {{"executionArn", kArnBase + "execution:quick:s-1"}});
  EXPECT_EQ(ran.at("stateMachineArn"), jv(quick));
  EXPECT_EQ(json::parse(ran.at("definition").as_string()), pass_definition(1));
  auto second = ok("StartSyncExecution", {{"stateMachineArn", quick}, {"name", "s-2"}});
  EXPECT_EQ(json::parse(second.at("output").as_string()), (json::object{{"x", 2}}));
  EXPECT_EQ(error_type(sfn("UpdateStateMachine", {{"stateMachineArn", quick}})),
            "MissingRequiredParameter");

  // An execution that waits (its actor passivates, then a timer runs it again) is answered when
  // it closes: the supervisor calls back at each stop of its actor, not a poll of the record.
  const json::object napping{
      {"StartAt", "Nap"},
      {"States",
       json::object{{"Nap", json::object{{"Type", "Wait"}, {"Seconds", 1}, {"Next", "P"}}},
                    {"P", json::object{{"Type", "Pass"}, {"End", true}}}}}};
  ok("CreateStateMachine", {{"name", "napping"},
                            {"definition", json::serialize(napping)},
                            {"roleArn", "arn:aws:iam::123456789012:role/r"}});
  auto slept = ok("StartSyncExecution",
                  {{"stateMachineArn", kArnBase + "stateMachine:napping"}, {"name", "n-1"}});
  EXPECT_EQ(slept.at("status"), "SUCCEEDED");
  EXPECT_GE(slept.at("stopDate").to_number<double>() - slept.at("startDate").to_number<double>(),
            1.0);

  // A FAILED execution is redriven from the task that failed; a SUCCEEDED one is not.
  create_approval();
  ok("StartExecution", {{"stateMachineArn", kMachineArn}, {"name", "r-1"}});
  const std::string first = token_of("r-1");
  ok("SendTaskFailure", {{"taskToken", first}, {"error", "Approval.Rejected"}});
  auto failed = wait_closed("r-1");
  EXPECT_EQ(failed.at("status"), "FAILED");
  EXPECT_EQ(failed.at("redriveCount"), 0);
  EXPECT_EQ(failed.at("redriveStatus"), "REDRIVABLE");
  EXPECT_FALSE(failed.if_contains("redriveDate"));
  auto redriven = ok("RedriveExecution", {{"executionArn", exec_arn("r-1")}});
  EXPECT_TRUE(redriven.at("redriveDate").is_number());
  auto running = ok("DescribeExecution", {{"executionArn", exec_arn("r-1")}});
  EXPECT_EQ(running.at("redriveCount"), 1);
  EXPECT_TRUE(running.at("redriveDate").is_number());
  EXPECT_EQ(running.at("redriveStatus"), "NOT_REDRIVABLE");
  EXPECT_EQ(running.at("redriveStatusReason"), "Execution is RUNNING and cannot be redriven.");
  // ListExecutions' redriveFilter: r-1 is the one redriven.
  auto redriven_list =
      ok("ListExecutions", {{"stateMachineArn", kMachineArn}, {"redriveFilter", "REDRIVEN"}});
  ASSERT_EQ(redriven_list.at("executions").as_array().size(), 1u);
  EXPECT_EQ(redriven_list.at("executions").as_array()[0].at("name"), "r-1");
  EXPECT_EQ(redriven_list.at("executions").as_array()[0].at("redriveCount"), 1);
  const auto not_redriven =
      ok("ListExecutions", {{"stateMachineArn", kMachineArn}, {"redriveFilter", "NOT_REDRIVEN"}});
  for (const auto& e : not_redriven.at("executions").as_array()) EXPECT_NE(e.at("name"), "r-1");
  // The task runs again and waits (TaskSubmitted after ExecutionRedriven); its token is read
  // from the newest TaskScheduled's parameters (settled re-runs the same attempt: docs/engine.md).
  std::string again;
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (again.empty() && std::chrono::steady_clock::now() < until) {
    auto page =
        ok("GetExecutionHistory", {{"executionArn", exec_arn("r-1")}, {"reverseOrder", true}});
    bool waiting = false;
    for (const auto& e : page.at("events").as_array()) {
      if (e.at("type") == "ExecutionRedriven") break;
      if (e.at("type") == "TaskSubmitted") waiting = true;
      if (waiting && e.at("type") == "TaskScheduled") {
        auto parameters =
            json::parse(e.at("taskScheduledEventDetails").at("parameters").as_string());
        again = std::string(parameters.at("record").at("token").as_string());
        break;
      }
    }
    if (again.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_FALSE(again.empty()) << "the redriven task never waited again";
  ok("SendTaskSuccess", {{"taskToken", again}, {"output", "{}"}});
  EXPECT_EQ(wait_closed("r-1").at("status"), "SUCCEEDED");
  EXPECT_EQ(error_type(sfn("RedriveExecution", {{"executionArn", exec_arn("r-1")}})),
            "ExecutionNotRedrivable");
}

// DeleteStateMachine: the name goes at once (describe, list, new starts), an execution already
// running finishes on its version, a repeated delete succeeds, and the name can be created again;
// all of it survives a restart.
TEST_F(SfnApi, DeleteStateMachineRetiresTheNameAndRunningExecutionsFinish) {
  create_approval();
  ok("StartExecution", {{"stateMachineArn", kMachineArn}, {"name", "d-1"}});
  const std::string token = token_of("d-1");
  EXPECT_EQ(ok("DeleteStateMachine", {{"stateMachineArn", kMachineArn}}), json::object{});

  const auto gone = [&] {
    EXPECT_EQ(error_type(sfn("DescribeStateMachine", {{"stateMachineArn", kMachineArn}})),
              "StateMachineDoesNotExist");
    EXPECT_EQ(
        error_type(sfn("StartExecution", {{"stateMachineArn", kMachineArn}, {"name", "d-2"}})),
        "StateMachineDoesNotExist");
    EXPECT_EQ(error_type(sfn("ListExecutions", {{"stateMachineArn", kMachineArn}})),
              "StateMachineDoesNotExist");
    const auto listed = ok("ListStateMachines", {});
    for (const auto& m : listed.at("stateMachines").as_array()) EXPECT_NE(m.at("name"), "approval");
  };
  gone();
  restart();
  gone();
  EXPECT_EQ(ok("DeleteStateMachine", {{"stateMachineArn", kMachineArn}}), json::object{});

  // The execution that was running keeps its version, and finishes on it.
  ok("SendTaskSuccess", {{"taskToken", token}, {"output", R"({"approved":true})"}});
  EXPECT_EQ(wait_closed("d-1").at("status"), "SUCCEEDED");
  auto ran = ok("DescribeStateMachineForExecution", {{"executionArn", exec_arn("d-1")}});
  EXPECT_EQ(json::parse(ran.at("definition").as_string()), approval_definition());

  // Created again: a machine of its own, with its own executions, listed as created then.
  const auto recreated = create_approval();
  EXPECT_EQ(ok("DescribeStateMachine", {{"stateMachineArn", kMachineArn}}).at("status"), "ACTIVE");
  std::size_t listed = 0;
  const auto all = ok("ListStateMachines", {{"maxResults", 1000}});
  for (const auto& m : all.at("stateMachines").as_array()) {
    if (m.at("name") != "approval") continue;
    ++listed;
    EXPECT_EQ(m.at("creationDate"), recreated.at("creationDate"));
  }
  EXPECT_EQ(listed, 1u);
  ok("StartExecution", {{"stateMachineArn", kMachineArn}, {"name", "d-3"}});
  EXPECT_FALSE(token_of("d-3").empty());
}

// With API keys configured the daemon is not local-only: nothing reaches an operation without a
// SigV4 signature by a configured access key, not even a request carrying a valid settled key.
class SfnApiWithKeys : public SfnApi {
 protected:
  static constexpr const char* kKey = "sk_sfn_admin";
  std::vector<std::string> daemon_flags() const override {
    return {"--api-key-hashes=[\"admin:admin:" + adapters::sha256_hex(kKey) + "\"]"};
  }
};

TEST_F(SfnApiWithKeys, AnUnsignedCallIsRefusedAsAwsRefusesIt) {
  EXPECT_EQ(error_type(sfn("ListStateMachines", {})), "MissingAuthenticationTokenException");
  EXPECT_EQ(error_type(client_->post("/", "{}",
                                     {{"Content-Type", "application/x-amz-json-1.0"},
                                      {"X-Amz-Target", "AWSStepFunctions.ListStateMachines"},
                                      {"Authorization", std::string("Bearer ") + kKey}})),
            "IncompleteSignatureException");
  EXPECT_EQ(
      error_type(sfn("CreateStateMachine", {{"name", "sneaky"},
                                            {"definition", json::serialize(approval_definition())},
                                            {"roleArn", "arn:aws:iam::1:role/r"}})),
      "MissingAuthenticationTokenException");
  auto machine =
      client_->get("/v1/state-machines/sneaky", {{"Authorization", std::string("Bearer ") + kKey}});
  EXPECT_EQ(machine.status, 404u) << machine.body;
}

}  // namespace
}  // namespace settled::testing
