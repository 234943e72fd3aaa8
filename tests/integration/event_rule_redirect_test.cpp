// Redirecting deliver rules (docs/event-rules.md): events of several detail-types about one
// contract, each keyed by its own entity, reach the one execution watching the contract under
// `contract.activity` keyed by the contract id, in order and once each, also when the second
// arrives while the first is being handled; an event the rule cannot redirect is refused and
// changes nothing.

#include "integration/ops_fixture.hpp"
#include "support/eventually.hpp"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

namespace settled::testing {
namespace {

namespace json = boost::json;

class EventRuleRedirect : public OpsTest {
 protected:
  void add_workflows() override {
    // Watches a contract until it has seen a timesheet and a milestone, noting each by its own
    // detail-type (the redirected event's detail is the envelope).
    write_workflow("contract-watch", R"j({"StartAt": "Watch", "States": {
      "Watch": {"Type": "Task", "Resource": "settled:events.waitFor",
        "Parameters": {"type": "contract.activity", "correlationKey.$": "$.contractId"},
        "ResultPath": "$.last", "Next": "Which"},
      "Which": {"Type": "Choice", "Choices": [
          {"Variable": "$.last.detail.detail-type", "StringEquals": "timesheet.submitted",
           "Next": "Timesheet"},
          {"Variable": "$.last.detail.detail-type", "StringEquals": "milestone.submitted",
           "Next": "Milestone"}], "Default": "Watch"},
      "Timesheet": {"Type": "Pass", "InputPath": "$.last.detail.detail.entityId",
        "ResultPath": "$.timesheet", "Next": "Done?"},
      "Milestone": {"Type": "Pass", "InputPath": "$.last.detail.detail.entityId",
        "ResultPath": "$.milestone", "Next": "Done?"},
      "Done?": {"Type": "Choice", "Choices": [{"And": [
          {"Variable": "$.timesheet", "IsPresent": true},
          {"Variable": "$.milestone", "IsPresent": true}], "Next": "Seen"}], "Default": "Watch"},
      "Seen": {"Type": "Pass", "Parameters": {"timesheet.$": "$.timesheet",
        "milestone.$": "$.milestone"}, "End": true}}})j");
    std::filesystem::create_directories(rules_dir());
    for (const char* type : {"timesheet.submitted", "milestone.submitted"})
      std::ofstream(rules_dir() + "/contract-" + std::string(type).substr(0, 9) + ".json")
          << R"j({"detailType": ")j" << type << R"j(", "target": {"deliver": {
               "as": "contract.activity",
               "correlationKeyPath": "$.detail.metadata.contractId"}}})j";
  }
  std::vector<std::string> daemon_flags() const override {
    return {"--rules-dir=" + rules_dir(), "--clock=simulated"};
  }
  std::string rules_dir() const { return dir_.path() + "/rules"; }

  HttpResult post(const std::string& id, const std::string& type, const std::string& entity,
                  json::object metadata) {
    return client_->post(
        "/v1/events", json::serialize(json::object{
                          {"version", "0"},
                          {"id", id},
                          {"source", "mindlinks.contracts"},
                          {"detail-type", type},
                          {"time", "2026-12-04T10:00:00Z"},
                          {"detail", {{"entityId", entity}, {"metadata", std::move(metadata)}}}}));
  }
};

TEST_F(EventRuleRedirect, EventsOfSeveralTypesReachTheContractsOneWaiterInOrderOnceEach) {
  ASSERT_EQ(start_execution("contract-watch", "ct-1", {{"contractId", "ct-1"}}).status, 201u);
  const std::string id = "contract-watch:ct-1";
  ASSERT_TRUE(eventually([&] { return event_waits(id) >= 1; }, std::chrono::seconds(30)));
  // Back to back: the second arrives while the first is being handled, and is kept for the
  // next wait rather than lost.
  auto first = post("ev-ts-1", "timesheet.submitted", "ts-1", {{"contractId", "ct-1"}});
  auto second = post("ev-ms-1", "milestone.submitted", "ms-1", {{"contractId", "ct-1"}});
  ASSERT_TRUE(first.status == 200u || first.status == 202u) << first.body;
  ASSERT_TRUE(second.status == 200u || second.status == 202u) << second.body;
  // A redelivery is the same event: a duplicate, taken by nobody.
  auto again = post("ev-ts-1", "timesheet.submitted", "ts-1", {{"contractId", "ct-1"}});
  EXPECT_EQ(again.status, 200u) << again.body;
  EXPECT_EQ(again.json().at("duplicate"), true) << again.body;

  const auto final_state = wait_final(id, std::chrono::seconds(30));
  ASSERT_EQ(final_state.at("status"), "SUCCEEDED") << json::serialize(final_state);
  EXPECT_EQ(final_state.at("output").at("timesheet"), "ts-1");
  EXPECT_EQ(final_state.at("output").at("milestone"), "ms-1");
  EXPECT_EQ(event_waits(id), 2u);
}

TEST_F(EventRuleRedirect, AnEventTheRuleCannotRedirectIsRefusedAndChangesNothing) {
  auto refused = post("ev-bad", "milestone.submitted", "ms-9", {});
  EXPECT_EQ(refused.status, 400u) << refused.body;
  EXPECT_EQ(refused.json().at("error"), "InvalidRequest");
  EXPECT_NE(refused.body.find("correlationKeyPath"), std::string::npos) << refused.body;
  // Not recorded: the sender's corrected retry with the same id is taken, not a duplicate.
  auto fixed = post("ev-bad", "milestone.submitted", "ms-9", {{"contractId", "ct-2"}});
  EXPECT_EQ(fixed.status, 202u) << fixed.body;
  EXPECT_FALSE(fixed.json().as_object().contains("duplicate")) << fixed.body;
}

}  // namespace
}  // namespace settled::testing
