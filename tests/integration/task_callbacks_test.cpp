// .waitForTaskToken through the real daemon: the token reaches the outside world through the
// task that ran ($$.Task.Token), and POST /v1/tasks/success|failure|heartbeat or settlectl
// tasks ... end the wait; TimeoutSeconds and HeartbeatSeconds end it with States.Timeout;
// a token is single-use; a waiting execution survives kill -9.

#include "domain/time.hpp"
#include "integration/ops_fixture.hpp"

#include <optional>
#include <thread>

namespace settled::testing {
namespace {

namespace json = boost::json;

constexpr int kHeartbeatSeconds = 3;

std::string approval(int timeout_seconds, int heartbeat_seconds) {
  json::object parameters{
      {"collection", "approvals"},
      {"key.$", "$$.Execution.Name"},
      {"record", json::object{{"token.$", "$$.Task.Token"}, {"amount.$", "$.amount"}}}};
  json::object ask{
      {"Type", "Task"},
      {"Resource", "settled:records.put.waitForTaskToken"},
      {"Parameters", parameters},
      {"TimeoutSeconds", timeout_seconds},
      {"ResultPath", "$.decision"},
      {"Catch", json::array{json::object{{"ErrorEquals", json::array{"States.Timeout"}},
                                         {"ResultPath", "$.timeout"},
                                         {"Next", "Expired"}},
                            json::object{{"ErrorEquals", json::array{"Approval.Rejected"}},
                                         {"ResultPath", "$.rejection"},
                                         {"Next", "Rejected"}}}},
      {"Next", "Approved"}};
  if (heartbeat_seconds) ask["HeartbeatSeconds"] = heartbeat_seconds;
  json::object pass{{"Type", "Pass"}, {"End", true}};
  return json::serialize(json::object{
      {"StartAt", "Ask"},
      {"States", {{"Ask", ask}, {"Approved", pass}, {"Expired", pass}, {"Rejected", pass}}}});
}

class TaskCallbacks : public OpsTest {
 protected:
  void add_workflows() override {
    write_workflow("approval", approval(60, 0));
    write_workflow("approval-short", approval(2, 0));
    write_workflow("approval-beat", approval(60, kHeartbeatSeconds));
  }

  // Starts an execution and returns the token its task handed out (read from the record the
  // task wrote), waiting (bounded) for the task to have run.
  std::string start_and_get_token(const std::string& machine, const std::string& name) {
    auto res = client_->post(
        "/v1/executions",
        json::serialize(
            json::object{{"stateMachine", machine}, {"name", name}, {"input", {{"amount", 500}}}}));
    EXPECT_EQ(res.status, 201u) << res.body;
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

  HttpResult callback(const std::string& kind, const json::object& body) {
    return client_->post("/v1/tasks/" + kind, json::serialize(body));
  }

  std::map<std::string, int> event_counts(const std::string& id) {
    std::map<std::string, int> counts;
    for (const auto& event : history(id)) ++counts[std::string(event.at("type").as_string())];
    return counts;
  }
};

TEST_F(TaskCallbacks, SuccessResumesTheExecutionWithTheOutputAndTheTokenIsSingleUse) {
  const std::string token = start_and_get_token("approval", "a1");
  ASSERT_EQ(token.size(), 32u);
  // Waiting for its token, the execution holds no actor.
  EXPECT_EQ(client_->get("/v1/executions/approval:a1").json().at("status"), "RUNNING");

  auto ok = callback("success", {{"taskToken", token}, {"output", {{"approved", true}}}});
  ASSERT_EQ(ok.status, 200u) << ok.body;
  auto done = wait_final("approval:a1");
  ASSERT_EQ(done.at("status"), "SUCCEEDED") << json::serialize(done);
  EXPECT_EQ(done.at("output").at("decision"), (json::object{{"approved", true}}));
  auto counts = event_counts("approval:a1");
  EXPECT_EQ(counts["TaskSubmitted"], 1);
  EXPECT_EQ(counts["TaskSucceeded"], 1);

  auto again = callback("success", {{"taskToken", token}, {"output", "{}"}});
  EXPECT_EQ(again.status, 409u);
  EXPECT_EQ(again.json().at("error"), "TaskAlreadyCompleted") << again.body;
}

TEST_F(TaskCallbacks, BadCallbacksAreRefusedClearly) {
  auto unknown = callback("success", {{"taskToken", "0123456789abcdef"}, {"output", {}}});
  EXPECT_EQ(unknown.status, 404u);
  EXPECT_EQ(unknown.json().at("error"), "TaskDoesNotExist") << unknown.body;
  auto missing = callback("success", {{"output", {}}});
  EXPECT_EQ(missing.status, 400u);
  EXPECT_NE(missing.body.find("taskToken"), std::string::npos) << missing.body;
  auto extra = callback("heartbeat", {{"taskToken", "x"}, {"output", {}}});
  EXPECT_EQ(extra.status, 400u);
  EXPECT_NE(extra.body.find("unknown field \\\"output\\\""), std::string::npos) << extra.body;
  auto not_json = callback("success", {{"taskToken", "x"}, {"output", "{not json"}});
  EXPECT_EQ(not_json.status, 400u) << not_json.body;
  auto garbage = client_->post("/v1/tasks/success", "{");
  EXPECT_EQ(garbage.status, 400u);
  EXPECT_EQ(garbage.json().at("error"), "InvalidJson");
  EXPECT_EQ(client_->get("/v1/tasks/success").status, 405u);
}

TEST_F(TaskCallbacks, FailureThroughSettlectlIsCaughtByName) {
  const std::string token = start_and_get_token("approval", "a2");
  auto r = ctl({"tasks", "failure", token, "--error=Approval.Rejected", "--cause=over budget"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  auto done = wait_final("approval:a2");
  ASSERT_EQ(done.at("status"), "SUCCEEDED") << json::serialize(done);
  EXPECT_EQ(done.at("output").at("rejection"),
            (json::object{{"Error", "Approval.Rejected"}, {"Cause", "over budget"}}));
  auto used = ctl({"tasks", "success", token, "{}"});
  EXPECT_NE(used.code, 0);
  EXPECT_NE((used.out + used.err).find("TaskAlreadyCompleted"), std::string::npos)
      << used.out << used.err;
}

TEST_F(TaskCallbacks, TimeoutSecondsEndsTheWaitWithStatesTimeout) {
  const std::string token = start_and_get_token("approval-short", "a3");
  auto done = wait_final("approval-short:a3", std::chrono::seconds(15));
  ASSERT_EQ(done.at("status"), "SUCCEEDED") << json::serialize(done);
  EXPECT_EQ(done.at("output").at("timeout").at("Error"), "States.Timeout");
  EXPECT_EQ(event_counts("approval-short:a3")["TaskTimedOut"], 1);
  auto late = callback("success", {{"taskToken", token}, {"output", {}}});
  EXPECT_EQ(late.status, 409u);
  EXPECT_EQ(late.json().at("error"), "TaskTimedOut") << late.body;
}

TEST_F(TaskCallbacks, HeartbeatsKeepTheTaskAliveAndTheirAbsenceTimesItOut) {
  const std::string token = start_and_get_token("approval-beat", "a4");
  // Beats every quarter second (one through settlectl) for more than two HeartbeatSeconds:
  // each gap is far below the limit even on a loaded machine, so it must still be waiting.
  auto first = ctl({"tasks", "heartbeat", token});
  ASSERT_EQ(first.code, 0) << first.out << first.err;
  const auto started = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() - started <
         std::chrono::seconds(2 * kHeartbeatSeconds + 1)) {
    auto beat = callback("heartbeat", {{"taskToken", token}});
    ASSERT_EQ(beat.status, 200u) << beat.body;
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  EXPECT_EQ(client_->get("/v1/executions/approval-beat:a4").json().at("status"), "RUNNING");
  EXPECT_EQ(event_counts("approval-beat:a4")["TaskTimedOut"], 0);
  ASSERT_EQ(callback("success", {{"taskToken", token}, {"output", {{"approved", 1}}}}).status,
            200u);
  EXPECT_EQ(wait_final("approval-beat:a4").at("output").at("decision").at("approved"), 1);

  // And without heartbeats it times out after HeartbeatSeconds, not before.
  start_and_get_token("approval-beat", "a5");
  auto silent = wait_final("approval-beat:a5", std::chrono::seconds(30));
  EXPECT_EQ(silent.at("output").at("timeout").at("Error"), "States.Timeout");
  std::optional<EpochMillis> scheduled, timed_out;
  for (const auto& e : history("approval-beat:a5")) {
    const auto at = parse_timestamp(std::string(e.at("timestamp").as_string()));
    if (e.at("type") == "TaskScheduled") scheduled = at;
    if (e.at("type") == "TaskTimedOut") timed_out = at;
  }
  ASSERT_TRUE(scheduled && timed_out);
  EXPECT_GE(*timed_out - *scheduled, kHeartbeatSeconds * 1000);
}

TEST_F(TaskCallbacks, AWaitingExecutionSurvivesKillNine) {
  const std::string token = start_and_get_token("approval", "a6");
  client_.reset();
  daemon_->kill9();
  start_with(extra_);
  auto ok = callback("success", {{"taskToken", token}, {"output", {{"approved", "yes"}}}});
  ASSERT_EQ(ok.status, 200u) << ok.body << daemon_->output();
  auto done = wait_final("approval:a6");
  EXPECT_EQ(done.at("status"), "SUCCEEDED");
  EXPECT_EQ(done.at("output").at("decision").at("approved"), "yes");
}

}  // namespace
}  // namespace settled::testing
