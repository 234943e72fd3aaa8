// Workflow variables (Assign, "$name") through the real daemon: set before a Map, read inside
// its iterations, set from the Map's result, kept across a kill -9 while the execution waits,
// and read after the restart; the history lists what each state assigned.

#include "integration/ops_fixture.hpp"

namespace settled::testing {
namespace {

namespace json = boost::json;

class WorkflowVariables : public OpsTest {
 protected:
  void add_workflows() override {
    write_workflow("vars", R"({"StartAt": "Set", "States": {
      "Set": {"Type": "Pass", "Assign": {"rate": 3, "orderId.$": "$.order"}, "Next": "Each"},
      "Each": {"Type": "Map", "ItemsPath": "$.items",
               "ItemProcessor": {"StartAt": "Price", "States": {
                 "Price": {"Type": "Pass", "Parameters": {"v.$": "$", "rate.$": "$rate"},
                           "Assign": {"inner": true}, "End": true}}},
               "Assign": {"priced.$": "$"}, "ResultPath": null, "Next": "Nap"},
      "Nap": {"Type": "Wait", "SecondsPath": "$.seconds", "Next": "Use"},
      "Use": {"Type": "Pass", "Parameters": {"order.$": "$orderId", "priced.$": "$priced",
                                             "rate.$": "$rate"}, "End": true}}})");
  }

  void kill_and_restart() {
    client_.reset();
    daemon_->kill9();
    start_with(extra_);
  }
};

TEST_F(WorkflowVariables, AreReadInBranchesAndSurviveAKillNine) {
  ASSERT_EQ(client_
                ->post("/v1/executions",
                       R"({"stateMachine": "vars", "name": "v1",
                           "input": {"order": "o-7", "items": [1, 2], "seconds": 3}})")
                .status,
            201u);
  kill_and_restart();
  const json::object done = wait_final("vars:v1", std::chrono::seconds(60));
  ASSERT_EQ(done.at("status"), "SUCCEEDED") << json::serialize(done);
  EXPECT_EQ(done.at("output"), json::parse(R"({"order": "o-7", "rate": 3,
                            "priced": [{"v": 1, "rate": 3}, {"v": 2, "rate": 3}]})"));

  // Each StateExited event of a state with Assign lists the values it set, as JSON texts.
  std::vector<json::object> assigned;
  for (const auto& event : history("vars:v1")) {
    const json::object& e = event.as_object();
    for (const auto& [key, details] : e) {
      if (!details.is_object()) continue;
      if (const json::value* vars = details.as_object().if_contains("assignedVariables"))
        assigned.push_back(vars->as_object());
    }
  }
  ASSERT_EQ(assigned.size(), 4u);  // Set, two iterations' Price, Each
  EXPECT_EQ(assigned.front(), json::parse(R"({"rate": "3", "orderId": "\"o-7\""})"));
  EXPECT_EQ(assigned.back(),
            json::parse(R"({"priced": "[{\"v\":1,\"rate\":3},{\"v\":2,\"rate\":3}]"})"));
}

}  // namespace
}  // namespace settled::testing
