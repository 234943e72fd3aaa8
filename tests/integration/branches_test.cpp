// Parallel and Map states through the real daemon: results in order, MaxConcurrency, a failing
// branch caught, history in Step Functions' vocabulary, a kill -9 while iterations wait, and
// stopping a parent stops its branches.

#include "integration/ops_fixture.hpp"

#include <fstream>
#include <map>
#include <sstream>

namespace settled::testing {
namespace {

namespace json = boost::json;

class Branches : public OpsTest {
 protected:
  void add_workflows() override {
    std::ifstream in(std::string(SETTLED_SOURCE_DIR) +
                     "/tests/integration/workflows/fanout.asl.json");
    std::stringstream text;
    text << in.rdbuf();
    write_workflow("fanout", text.str());
  }

  HttpResult start_fanout(const std::string& name, const json::array& lines, bool fail_branch) {
    json::object input{{"run", name}, {"lines", lines}, {"failBranch", fail_branch}};
    return client_->post("/v1/executions",
                         json::serialize(json::object{
                             {"stateMachine", "fanout"}, {"name", name}, {"input", input}}));
  }

  static json::array lines(std::initializer_list<std::pair<std::int64_t, std::int64_t>> spec) {
    json::array out;
    for (auto [amount, wait] : spec)
      out.push_back(json::object{{"amount", amount}, {"wait", wait}});
    return out;
  }

  std::map<std::string, int> event_counts(const std::string& id) {
    std::map<std::string, int> counts;
    for (const auto& event : history(id)) ++counts[std::string(event.at("type").as_string())];
    return counts;
  }

  void kill_and_restart() {
    client_.reset();
    daemon_->kill9();
    start_with(extra_);
  }

  // Waits (bounded) until the parent's history has `count` events of `type`.
  void wait_for_events(const std::string& id, const std::string& type, int count) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < until) {
      if (event_counts(id)[type] >= count) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    FAIL() << "no " << count << " " << type << " events in " << id;
  }
};

TEST_F(Branches, MapAndParallelProduceOrderedResultsAndStepFunctionsHistory) {
  ASSERT_EQ(start_fanout("run-1", lines({{100, 0}, {250, 1}, {5, 0}}), false).status, 201u);
  auto done = wait_final("fanout:run-1");
  ASSERT_EQ(done.at("status").as_string(), "SUCCEEDED") << json::serialize(done);
  const auto& output = done.at("output").as_object();
  const json::array expected_results{
      json::object{{"index", 0}, {"amount", 100}, {"execution", "run-1"}},
      json::object{{"index", 1}, {"amount", 250}, {"execution", "run-1"}},
      json::object{{"index", 2}, {"amount", 5}, {"execution", "run-1"}}};
  EXPECT_EQ(output.at("results"), expected_results);
  EXPECT_EQ(output.at("summary"), (json::array{json::object{{"count", 3}}, "ok"}));

  for (int i = 0; i < 3; ++i) {
    auto record = client_->get("/v1/records/lines/run-1-" + std::to_string(i));
    EXPECT_EQ(record.status, 200u) << record.body;
  }
  auto counts = event_counts("fanout:run-1");
  EXPECT_EQ(counts["MapStateEntered"], 1);
  EXPECT_EQ(counts["MapStateStarted"], 1);
  EXPECT_EQ(counts["MapIterationStarted"], 3);
  EXPECT_EQ(counts["MapIterationSucceeded"], 3);
  EXPECT_EQ(counts["MapStateSucceeded"], 1);
  EXPECT_EQ(counts["MapStateExited"], 1);
  EXPECT_EQ(counts["ParallelStateStarted"], 1);
  EXPECT_EQ(counts["ParallelStateSucceeded"], 1);
  EXPECT_EQ(counts["ExecutionSucceeded"], 1);
  EXPECT_EQ(counts["ExecutionStarted"], 1);  // the iterations' own are not shown
  // Each iteration's and branch's states appear inside the parent's history, as in Step
  // Functions, numbered in one sequence.
  EXPECT_EQ(counts["WaitStateEntered"], 3);
  EXPECT_EQ(counts["TaskScheduled"], 3);
  EXPECT_EQ(counts["ChoiceStateEntered"], 1);
  std::int64_t expected_id = 0;
  std::string previous_type;
  for (const auto& event : history("fanout:run-1")) {
    EXPECT_EQ(event.at("id").as_int64(), ++expected_id);
    EXPECT_EQ(event.at("previousEventId").as_int64(), expected_id - 1);
    if (event.at("type") == "WaitStateEntered") {
      EXPECT_EQ(previous_type, "MapIterationStarted");
    }
    previous_type = std::string(event.at("type").as_string());
  }
  for (const auto& event : history("fanout:run-1")) {
    if (event.at("type") == "MapStateStarted") {
      EXPECT_EQ(event.at("mapStateStartedEventDetails").at("length"), 3);
    }
  }

  // Iterations are executions of their own, readable by id, but not listed.
  auto listed = ctl_json({"executions", "list", "--state-machine=fanout"});
  ASSERT_EQ(listed.at("executions").as_array().size(), 1u) << json::serialize(listed);
  // An iteration's id names its MapStateStarted event as stored; nothing is spliced before it
  // here, so the shown id is the stored one.
  std::string first_iteration;
  for (const auto& event : history("fanout:run-1")) {
    if (event.at("type") == "MapStateStarted")
      first_iteration = "fanout:run-1~" + std::to_string(event.at("id").as_int64()) + ".0";
  }
  auto iteration = client_->get("/v1/executions/" + first_iteration);
  ASSERT_EQ(iteration.status, 200u) << first_iteration << ": " << iteration.body;
  EXPECT_EQ(iteration.json().at("parentExecutionId"), "fanout:run-1");
  EXPECT_EQ(iteration.json().at("status"), "SUCCEEDED");
}

TEST_F(Branches, AFailingBranchFailsTheParallelStateAndItsCatchTakesOver) {
  ASSERT_EQ(start_fanout("run-2", lines({{1, 0}}), true).status, 201u);
  auto done = wait_final("fanout:run-2");
  ASSERT_EQ(done.at("status").as_string(), "SUCCEEDED") << json::serialize(done);
  EXPECT_EQ(done.at("output").at("error"),
            (json::object{{"Error", "Lines.Rejected"}, {"Cause", "asked to fail"}}));
  EXPECT_FALSE(done.at("output").as_object().contains("summary"));
  auto counts = event_counts("fanout:run-2");
  EXPECT_EQ(counts["ParallelStateFailed"], 1);
  bool rejected = false;
  for (const auto& event : history("fanout:run-2")) {
    if (event.at("type") == "PassStateEntered" &&
        event.at("stateEnteredEventDetails").at("name") == "Rejected")
      rejected = true;
  }
  EXPECT_TRUE(rejected);
}

TEST_F(Branches, IterationsWaitingWhenTheDaemonIsKilledFinishAfterRestart) {
  // Four lines, two at a time, each waiting 2 s: kill -9 while the first two wait.
  ASSERT_EQ(start_fanout("run-3", lines({{10, 2}, {20, 2}, {30, 2}, {40, 2}}), false).status, 201u);
  wait_for_events("fanout:run-3", "MapIterationStarted", 2);
  EXPECT_EQ(event_counts("fanout:run-3")["MapIterationStarted"], 2);  // MaxConcurrency
  kill_and_restart();
  auto done = wait_final("fanout:run-3");
  ASSERT_FALSE(done.empty()) << daemon_->output();
  ASSERT_EQ(done.at("status").as_string(), "SUCCEEDED") << json::serialize(done);
  json::array amounts;
  for (const auto& result : done.at("output").at("results").as_array())
    amounts.push_back(result.at("amount"));
  EXPECT_EQ(amounts, (json::array{10, 20, 30, 40}));
  auto counts = event_counts("fanout:run-3");
  EXPECT_EQ(counts["MapIterationStarted"], 4);
  EXPECT_EQ(counts["MapIterationSucceeded"], 4);
  EXPECT_EQ(counts["ExecutionSucceeded"], 1);
}

TEST_F(Branches, StoppingTheParentStopsItsBranches) {
  ASSERT_EQ(start_fanout("run-4", lines({{1, 60}, {2, 60}}), false).status, 201u);
  wait_for_events("fanout:run-4", "MapIterationStarted", 2);
  std::string prefix;
  for (const auto& event : history("fanout:run-4")) {
    if (event.at("type") == "MapStateStarted")
      prefix = "fanout:run-4~" + std::to_string(event.at("id").as_int64()) + ".";
  }
  // A branch cannot be stopped on its own.
  auto refused = ctl_json({"executions", "stop", prefix + "0"}, 1);
  EXPECT_NE(json::serialize(refused).find("stop its parent execution"), std::string::npos)
      << json::serialize(refused);

  ctl_json({"executions", "stop", "fanout:run-4"});
  for (const std::string& id : {prefix + "0", prefix + "1"}) {
    auto branch = wait_final(id, std::chrono::seconds(10));
    EXPECT_EQ(branch.at("status"), "ABORTED") << id;
  }
  EXPECT_EQ(wait_final("fanout:run-4").at("status"), "ABORTED");
}

}  // namespace
}  // namespace settled::testing
