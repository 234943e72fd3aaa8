// Retention through the real daemon: with execution-retention-seconds set, a closed execution,
// its history and its branch executions are removed after that time, while open ones stay;
// the name may then start a new execution. Without the option nothing is ever removed.

#include "adapters/store/lmdb_store.hpp"
#include "integration/ops_fixture.hpp"
#include "support/temp_store.hpp"

#include <fstream>
#include <set>
#include <sstream>

namespace settled::testing {
namespace {

namespace json = boost::json;

std::string waiting_workflow() {
  json::object ask{{"Type", "Task"},
                   {"Resource", "settled:records.put.waitForTaskToken"},
                   {"Parameters",
                    {{"collection", "held"},
                     {"key.$", "$$.Execution.Name"},
                     {"record", {{"token.$", "$$.Task.Token"}}}}},
                   {"TimeoutSeconds", 3600},
                   {"End", true}};
  return json::serialize(json::object{{"StartAt", "Ask"}, {"States", {{"Ask", ask}}}});
}

class Retention : public OpsTest {
 protected:
  void add_workflows() override {
    std::ifstream in(std::string(SETTLED_SOURCE_DIR) +
                     "/tests/integration/workflows/fanout.asl.json");
    std::stringstream fanout;
    fanout << in.rdbuf();
    write_workflow("fanout", fanout.str());
    write_workflow("held", waiting_workflow());
    write_workflow("aws-kid",
                   R"({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}})");
    write_workflow("aws-parent", R"({"StartAt": "Kid", "States": {"Kid": {"Type": "Task",
        "Resource": "arn:aws:states:::states:startExecution.sync:2",
        "Parameters": {"StateMachineArn": "arn:aws:states:us-east-1:000000000000:stateMachine:aws-kid",
                       "Name": "kid-1"},
        "End": true}}})");
  }

  // The fixture's daemon again, with `flags`.
  void restart_with(std::vector<std::string> flags) {
    client_.reset();
    ASSERT_EQ(daemon_->terminate(), 0);
    start_with(std::move(flags));
  }

  HttpResult start(const std::string& machine, const std::string& name, json::object input) {
    return client_->post(
        "/v1/executions",
        json::serialize(json::object{{"stateMachine", machine}, {"name", name}, {"input", input}}));
  }

  // Every execution id and history key prefix left in the stopped daemon's store.
  std::pair<std::set<std::string>, std::size_t> stored_rows() {
    auto opened = open_stopped_store(dir_.path() + "/var");
    std::set<std::string> executions;
    opened->scan(Table::kExecutions, "", [&](std::string_view key, std::string_view) {
      executions.emplace(key);
      return true;
    });
    return {executions, opened->count(Table::kHistory)};
  }

  void run_a_payment_a_fanout_and_a_wait() {
    ASSERT_EQ(start_payment("r-1", "pm_card_visa").status, 201u);
    json::array lines{json::object{{"amount", 100}, {"wait", 0}},
                      json::object{{"amount", 200}, {"wait", 0}}};
    ASSERT_EQ(
        start("fanout", "f-1", {{"run", "f-1"}, {"lines", lines}, {"failBranch", false}}).status,
        201u);
    ASSERT_EQ(start("held", "h-1", {}).status, 201u);
    EXPECT_EQ(wait_final("payment:r-1").at("status"), "SUCCEEDED");
    EXPECT_EQ(wait_final("fanout:f-1").at("status"), "SUCCEEDED");
  }
};

TEST_F(Retention, ClosedExecutionsHistoryAndBranchesExpireOpenOnesStay) {
  restart_with({"--execution-retention-seconds=1"});
  run_a_payment_a_fanout_and_a_wait();

  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  bool gone = false;
  while (!gone && std::chrono::steady_clock::now() < until) {
    gone = client_->get("/v1/executions/payment:r-1").status == 404 &&
           client_->get("/v1/executions/fanout:f-1").status == 404;
    if (!gone) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_TRUE(gone) << "closed executions were not expired within 30 s";
  EXPECT_EQ(client_->get("/v1/executions/payment:r-1/history").status, 404u);
  auto held = client_->get("/v1/executions/held:h-1");
  ASSERT_EQ(held.status, 200u) << held.body;
  EXPECT_EQ(held.json().at("status"), "RUNNING");
  EXPECT_NE(client_->get("/metrics").body.find("settled_executions_expired_total 2"),
            std::string::npos);

  // The name is free again: a new execution, not a replay of the expired one.
  EXPECT_EQ(start_payment("r-1", "pm_card_visa").status, 201u);

  // On disk: only the open execution (and the new r-1 until it, too, expires) remain; no
  // branch execution or history row of the expired ones.
  client_.reset();
  ASSERT_EQ(daemon_->terminate(), 0);
  const auto [executions, history_rows] = stored_rows();
  for (const auto& id : executions)
    EXPECT_TRUE(id == "held:h-1" || id == "payment:r-1") << id << " survived retention";
  EXPECT_TRUE(executions.count("held:h-1"));
  EXPECT_GT(history_rows, 0u);
}

// A child an AWS startExecution.sync task started is named as Step Functions names it: that name
// and its row in its state machine's listing expire with it, and the name is free again.
TEST_F(Retention, AnAwsChildsNameAndListingRowExpireWithIt) {
  restart_with({"--execution-retention-seconds=1"});
  ASSERT_EQ(start("aws-parent", "p-1", {}).status, 201u);
  EXPECT_EQ(wait_final("aws-parent:p-1").at("status"), "SUCCEEDED");
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (client_->get("/v1/executions/aws-parent:p-1").status != 404) {
    ASSERT_LT(std::chrono::steady_clock::now(), until) << "not expired within 30 s";
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(start("aws-kid", "kid-1", {}).status, 201u);  // the name is free again
  EXPECT_EQ(wait_final("aws-kid:kid-1").at("status"), "SUCCEEDED");
  client_.reset();
  ASSERT_EQ(daemon_->terminate(), 0);
  auto opened = open_stopped_store(dir_.path() + "/var");
  EXPECT_EQ(opened->count(Table::kChildExecutions), 0u);
  // A child's listing row names its settled id; the client's aws-kid:kid-1 (if not expired by
  // now too) has an empty one.
  opened->scan(Table::kExecutionsByStart, "", [&](std::string_view, std::string_view id) {
    EXPECT_TRUE(id.empty()) << "a child's listing row survived: " << id;
    return true;
  });
}

TEST_F(Retention, ExecutionsClosedForLessThanTheRetentionStay) {
  restart_with({"--execution-retention-seconds=3600"});
  run_a_payment_a_fanout_and_a_wait();
  // A restart sweeps at once: nothing closed an hour ago yet, so nothing goes.
  restart_with(extra_);
  EXPECT_EQ(client_->get("/v1/executions/payment:r-1").status, 200u);
  EXPECT_EQ(client_->get("/v1/executions/fanout:f-1").status, 200u);
  client_.reset();
  ASSERT_EQ(daemon_->terminate(), 0);
  const auto [executions, history_rows] = stored_rows();
  EXPECT_TRUE(executions.count("payment:r-1"));
  EXPECT_TRUE(executions.count("fanout:f-1"));
  EXPECT_TRUE(executions.count("held:h-1"));
  std::size_t branches = 0;
  for (const auto& id : executions) branches += id.rfind("fanout:f-1~", 0) == 0;
  EXPECT_GE(branches, 2u) << "the Map's iterations are executions of their own";
  EXPECT_GT(history_rows, 0u);
}

}  // namespace
}  // namespace settled::testing
