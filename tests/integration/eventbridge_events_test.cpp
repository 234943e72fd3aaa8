// EventBridge-shaped events through the real daemon (docs/engine.md "Events",
// docs/event-rules.md): seed 001's envelope reaches the execution waiting for its detail-type
// and entityId; a duplicate id is processed once; a rule starts its state machine exactly once
// per event id, across a replay and a kill -9 after the acknowledgement; a workflow's
// settled:events.put wakes another execution (events:putEvents with two entries, one each), and
// a retried put does not emit twice.

#include "integration/ops_fixture.hpp"

#include <fstream>
#include <string>
#include <thread>

namespace settled::testing {
namespace {

namespace json = boost::json;

json::object envelope(const std::string& id, const std::string& type, const std::string& entity) {
  return json::object{{"version", "0"},
                      {"id", id},
                      {"source", "mindlinks.contracts"},
                      {"detail-type", type},
                      {"time", "2026-12-04T10:00:00Z"},
                      {"detail",
                       {{"entityId", entity},
                        {"entityType", "contract"},
                        {"action", "approved"},
                        {"actorId", "u_7"},
                        {"actorType", "client"},
                        {"metadata", {{"amount", 125000}}}}}};
}

class EventBridgeEvents : public OpsTest {
 protected:
  void add_workflows() override {
    // Waits for a detail-type by entityId (no time limit of its own).
    write_workflow("awaiter", R"j({"StartAt": "Await", "States": {
      "Await": {"Type": "Task", "Resource": "settled:events.waitFor",
        "Parameters": {"type.$": "$.type", "correlationKey.$": "$.entityId"},
        "ResultPath": "$.event", "End": true}}})j");
    // What the milestone.approved rule starts (the real milestone-payment is not written yet).
    write_workflow("milestone-test", R"j({"StartAt": "Pay", "States": {
      "Pay": {"Type": "Pass", "End": true}}})j");
    // Emits with settled:events.put.
    write_workflow("emitter", R"j({"StartAt": "Emit", "States": {
      "Emit": {"Type": "Task", "Resource": "settled:events.put",
        "Parameters": {"Source": "settled.test", "DetailType": "shipment.settled",
                       "Detail": {"entityId.$": "$.entityId", "action": "paid"}},
        "ResultPath": "$.put", "End": true}}})j");
    // events:putEvents with two entries (docs/aws-resources.md): one event each.
    write_workflow("emit-two", R"j({"StartAt": "Emit", "States": {
      "Emit": {"Type": "Task", "Resource": "arn:aws:states:::events:putEvents",
        "Parameters": {"Entries": [
          {"Source": "settled.test", "DetailType": "shipment.settled",
           "Detail": {"entityId.$": "$.first", "action": "paid"}},
          {"Source": "settled.test", "DetailType": "shipment.settled", "EventBusName": "default",
           "Detail": {"entityId.$": "$.second", "action": "held"}}]},
        "ResultPath": "$.put", "End": true}}})j");
    // Emits, then waits for its token; a failure with Test.Again retries the put.
    write_workflow("emit-retry", R"j({"StartAt": "Emit", "States": {
      "Emit": {"Type": "Task", "Resource": "settled:events.put.waitForTaskToken",
        "Parameters": {"Source": "settled.test", "DetailType": "shipment.settled",
                       "Detail": {"entityId.$": "$.entityId", "token.$": "$$.Task.Token"}},
        "Retry": [{"ErrorEquals": ["Test.Again"], "IntervalSeconds": 5, "MaxAttempts": 1}],
        "End": true}}})j");
    std::filesystem::create_directories(rules_dir());
    std::ofstream(rules_dir() + "/milestone-payment.json") << R"j({
      "detailType": "milestone.approved",
      "target": {"startExecution": {"stateMachine": "milestone-test"}}})j";
  }
  std::vector<std::string> daemon_flags() const override {
    return {"--rules-dir=" + rules_dir(), "--clock=simulated"};
  }
  std::string rules_dir() const { return dir_.path() + "/rules"; }

  HttpResult post(const json::object& body) {
    return client_->post("/v1/events", json::serialize(body));
  }
  HttpResult wait_for(const std::string& name, const std::string& type, const std::string& key) {
    return start_execution("awaiter", name, json::object{{"type", type}, {"entityId", key}});
  }
  int count(const std::string& id, const std::string& type) {
    int n = 0;
    for (const auto& event : history(id)) n += event.at("type") == type.c_str() ? 1 : 0;
    return n;
  }
  // Polls (bounded) until the execution's history has `n` events of `type`.
  void wait_for_events(const std::string& id, const std::string& type, int n) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < until) {
      if (count(id, type) >= n) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    FAIL() << id << " never had " << n << " " << type;
  }
  std::vector<std::string> started_of(const std::string& machine) {
    std::vector<std::string> ids;
    const auto listed = ctl_json({"executions", "list", "--state-machine=" + machine});
    for (const auto& e : listed.at("executions").as_array())
      ids.emplace_back(e.at("executionId").as_string());
    return ids;
  }
  void kill_and_restart() {
    client_.reset();
    daemon_->kill9();
    start_with(extra_);
  }
};

TEST_F(EventBridgeEvents, AnEnvelopeReachesTheExecutionWaitingForItsEntityId) {
  ASSERT_EQ(wait_for("w1", "kyc.approved", "kyc_1").status, 201u);
  wait_for_events("awaiter:w1", "TaskSubmitted", 1);
  auto posted = post(envelope("evt-kyc-1", "kyc.approved", "kyc_1"));
  ASSERT_EQ(posted.status, 200u) << posted.body;
  EXPECT_EQ(posted.json().at("executionId"), "awaiter:w1");
  auto done = wait_final("awaiter:w1");
  ASSERT_EQ(done.at("status"), "SUCCEEDED") << json::serialize(done);
  const auto& event = done.at("output").at("event");
  EXPECT_EQ(event.at("type"), "kyc.approved");
  EXPECT_EQ(event.at("correlationKey"), "kyc_1");
  EXPECT_EQ(event.at("id"), "evt-kyc-1");
  EXPECT_EQ(event.at("source"), "mindlinks.contracts");
  EXPECT_EQ(event.at("time"), "2026-12-04T10:00:00Z");
  EXPECT_EQ(event.at("detail").at("metadata").at("amount"), 125000);
}

TEST_F(EventBridgeEvents, ARefusedEnvelopeIsTheOneErrorShapeAndChangesNothing) {
  auto body = envelope("evt-bad", "kyc.approved", "kyc_2");
  body["time"] = "yesterday";
  auto refused = post(body);
  ASSERT_EQ(refused.status, 400u) << refused.body;
  EXPECT_EQ(refused.json().at("error"), "InvalidRequest");
  EXPECT_NE(std::string(refused.json().at("message").as_string()).find("time"), std::string::npos);
  // Nothing was kept or remembered: the corrected event with the same id is new.
  body["time"] = "2026-12-04T10:00:00Z";
  EXPECT_EQ(post(body).status, 202u);
}

TEST_F(EventBridgeEvents, ADuplicateIdIsProcessedOnce) {
  ASSERT_EQ(wait_for("d1", "kyc.approved", "kyc_3").status, 201u);
  wait_for_events("awaiter:d1", "TaskSubmitted", 1);
  ASSERT_EQ(post(envelope("evt-dup", "kyc.approved", "kyc_3")).status, 200u);
  auto again = post(envelope("evt-dup", "kyc.approved", "kyc_3"));
  ASSERT_EQ(again.status, 200u) << again.body;
  EXPECT_EQ(again.json().at("duplicate"), true);
  EXPECT_EQ(wait_final("awaiter:d1").at("status"), "SUCCEEDED");
  // Not kept for anyone else either: a second waiter starts waiting (an event kept for its key
  // would have been taken at once, without TaskSubmitted).
  ASSERT_EQ(wait_for("d2", "kyc.approved", "kyc_3").status, 201u);
  wait_for_events("awaiter:d2", "TaskSubmitted", 1);
  EXPECT_EQ(client_->get("/v1/executions/awaiter:d2").json().at("status"), "RUNNING");
}

TEST_F(EventBridgeEvents, ARuleStartsItsStateMachineOncePerEventId) {
  auto first = post(envelope("6a7e8feb-0001", "milestone.approved", "ms_1"));
  ASSERT_EQ(first.status, 200u) << first.body;
  const auto answer = first.json();
  const auto& started = answer.at("started").as_array();
  ASSERT_EQ(started.size(), 1u) << first.body;
  EXPECT_EQ(started[0].at("rule"), "milestone-payment");
  EXPECT_EQ(started[0].at("outcome"), "started");
  EXPECT_EQ(started[0].at("executionId"), "milestone-test:milestone-payment-6a7e8feb-0001");
  auto done = wait_final("milestone-test:milestone-payment-6a7e8feb-0001");
  ASSERT_EQ(done.at("status"), "SUCCEEDED");
  // Its input is the envelope as posted.
  EXPECT_EQ(done.at("output").at("detail").at("entityId"), "ms_1");
  EXPECT_EQ(done.at("output").at("detail-type"), "milestone.approved");

  auto again = post(envelope("6a7e8feb-0001", "milestone.approved", "ms_1"));
  ASSERT_EQ(again.status, 200u) << again.body;
  EXPECT_EQ(again.json().at("duplicate"), true);
  EXPECT_EQ(started_of("milestone-test").size(), 1u);
  // Taken by the rule, not kept for a waiter (no rule says deliver).
  ASSERT_EQ(wait_for("m1", "milestone.approved", "ms_1").status, 201u);
  wait_for_events("awaiter:m1", "TaskSubmitted", 1);
}

// Ids are one namespace for every key: an id posted again with other content is not the same
// event. It is refused (409, nothing done) instead of being answered "duplicate" and dropped,
// so whoever posts an id first cannot silently decide what the rule started for it; the same
// content spelled otherwise (keys reordered, 125000.0 for 125000) is still the duplicate.
TEST_F(EventBridgeEvents, AnIdPostedAgainWithOtherContentIsAConflictNotADuplicate) {
  auto first = post(envelope("evt-own-1", "milestone.approved", "ms_9"));
  ASSERT_EQ(first.status, 200u) << first.body;
  auto other = envelope("evt-own-1", "milestone.approved", "ms_9");
  other["detail"].as_object()["metadata"] = json::object{{"amount", 999999}};
  auto refused = post(other);
  EXPECT_EQ(refused.status, 409u) << refused.body;
  EXPECT_EQ(refused.json().at("error"), "IdempotencyConflict") << refused.body;
  auto respelled = envelope("evt-own-1", "milestone.approved", "ms_9");
  auto& detail = respelled["detail"].as_object();
  json::object reordered;
  for (auto it = detail.end(); it != detail.begin();) {
    --it;
    reordered[it->key()] = it->value();
  }
  reordered["metadata"] = json::object{{"amount", 125000.0}};
  respelled["detail"] = reordered;
  auto again = post(respelled);
  ASSERT_EQ(again.status, 200u) << again.body;
  EXPECT_EQ(again.json().at("duplicate"), true);
  EXPECT_EQ(started_of("milestone-test").size(), 1u);
}

TEST_F(EventBridgeEvents, ARuleStartSurvivesKill9AfterTheAcknowledgementAndTheCrashWindow) {
  ASSERT_EQ(post(envelope("evt-k9", "milestone.approved", "ms_2")).status, 200u);
  kill_and_restart();
  auto replay = post(envelope("evt-k9", "milestone.approved", "ms_2"));
  ASSERT_EQ(replay.status, 200u) << replay.body;
  EXPECT_EQ(replay.json().at("duplicate"), true);
  EXPECT_EQ(started_of("milestone-test"),
            std::vector<std::string>{"milestone-test:milestone-payment-evt-k9"});

  // The crash window: the execution was admitted but the event's id never recorded (as when
  // the daemon dies between the two). The redelivery finds the execution and starts nothing.
  const auto window = envelope("evt-window", "milestone.approved", "ms_3");
  ASSERT_EQ(start_execution("milestone-test", "milestone-payment-evt-window", window).status, 201u);
  kill_and_restart();
  auto redelivered = post(window);
  ASSERT_EQ(redelivered.status, 200u) << redelivered.body;
  EXPECT_EQ(redelivered.json().at("started").at(0).at("outcome"), "existing");
  EXPECT_EQ(started_of("milestone-test").size(), 2u);
  EXPECT_EQ(post(window).json().at("duplicate"), true);
}

TEST_F(EventBridgeEvents, EventsPutWakesTheExecutionWaitingForIt) {
  ASSERT_EQ(wait_for("p1", "shipment.settled", "po_1").status, 201u);
  wait_for_events("awaiter:p1", "TaskSubmitted", 1);
  ASSERT_EQ(start_execution("emitter", "e1", json::object{{"entityId", "po_1"}}).status, 201u);
  auto emitted = wait_final("emitter:e1");
  ASSERT_EQ(emitted.at("status"), "SUCCEEDED") << json::serialize(emitted);
  const auto& put = emitted.at("output").at("put");
  EXPECT_EQ(put.at("FailedEntryCount"), 0);
  const auto event_id = put.at("Entries").at(0).at("EventId");
  auto woken = wait_final("awaiter:p1");
  ASSERT_EQ(woken.at("status"), "SUCCEEDED") << json::serialize(woken);
  const auto& event = woken.at("output").at("event");
  EXPECT_EQ(event.at("id"), event_id);
  EXPECT_EQ(event.at("source"), "settled.test");
  EXPECT_EQ(event.at("detail").at("action"), "paid");
}

TEST_F(EventBridgeEvents, PutEventsWithTwoEntriesWakesTheExecutionWaitingForEach) {
  ASSERT_EQ(wait_for("t1", "shipment.settled", "po_a").status, 201u);
  ASSERT_EQ(wait_for("t2", "shipment.settled", "po_b").status, 201u);
  wait_for_events("awaiter:t1", "TaskSubmitted", 1);
  wait_for_events("awaiter:t2", "TaskSubmitted", 1);
  ASSERT_EQ(
      start_execution("emit-two", "e2", json::object{{"first", "po_a"}, {"second", "po_b"}}).status,
      201u);
  auto emitted = wait_final("emit-two:e2");
  ASSERT_EQ(emitted.at("status"), "SUCCEEDED") << json::serialize(emitted);
  const auto& put = emitted.at("output").at("put");
  EXPECT_EQ(put.at("FailedEntryCount"), 0);
  ASSERT_EQ(put.at("Entries").as_array().size(), 2u) << json::serialize(put);
  // Each waiter got its entry's event, with the EventId the put answered for that entry.
  auto first = wait_final("awaiter:t1");
  auto second = wait_final("awaiter:t2");
  ASSERT_EQ(first.at("status"), "SUCCEEDED") << json::serialize(first);
  ASSERT_EQ(second.at("status"), "SUCCEEDED") << json::serialize(second);
  EXPECT_EQ(first.at("output").at("event").at("id"), put.at("Entries").at(0).at("EventId"));
  EXPECT_EQ(first.at("output").at("event").at("detail").at("action"), "paid");
  EXPECT_EQ(second.at("output").at("event").at("id"), put.at("Entries").at(1).at("EventId"));
  EXPECT_EQ(second.at("output").at("event").at("detail").at("action"), "held");
}

TEST_F(EventBridgeEvents, ARetriedPutDoesNotEmitTwice) {
  ASSERT_EQ(wait_for("r1", "shipment.settled", "po_2").status, 201u);
  wait_for_events("awaiter:r1", "TaskSubmitted", 1);
  ASSERT_EQ(wait_for("r2", "shipment.settled", "po_2").status, 201u);
  wait_for_events("awaiter:r2", "TaskSubmitted", 1);
  ASSERT_EQ(start_execution("emit-retry", "x1", json::object{{"entityId", "po_2"}}).status, 201u);
  // The first waiter takes the event; its detail carries the put's task token.
  auto first = wait_final("awaiter:r1");
  ASSERT_EQ(first.at("status"), "SUCCEEDED") << json::serialize(first);
  const std::string token(first.at("output").at("event").at("detail").at("token").as_string());
  wait_for_events("emit-retry:x1", "TaskSubmitted", 1);
  auto failed =
      client_->post("/v1/tasks/failure",
                    json::serialize(json::object{{"taskToken", token}, {"error", "Test.Again"}}));
  ASSERT_EQ(failed.status, 200u) << failed.body;
  // The Retry's backoff on the simulated clock; then the put runs again, same attempt.
  ASSERT_EQ(client_->post("/v1/clock/advance", R"({"by": "10s"})").status, 200u);
  wait_for_events("emit-retry:x1", "TaskSubmitted", 2);
  // Its answer comes after any delivery would have been durable: none was.
  EXPECT_EQ(client_->get("/v1/executions/awaiter:r2").json().at("status"), "RUNNING");
  EXPECT_EQ(count("emit-retry:x1", "TaskScheduled"), 2);
}

TEST_F(EventBridgeEvents, ABrokenRuleOrAnUnknownStateMachineRefusesTheStart) {
  client_.reset();
  daemon_->terminate();
  const auto refused_with = [&](const std::string& text, const std::string& named) {
    std::ofstream(rules_dir() + "/broken.json") << text;
    DaemonProcess refused(SETTLED_BINARY,
                          {"--data-dir=" + dir_.path() + "/var", "--http=127.0.0.1:0",
                           "--workflows-dir=" + workflows_dir(), "--rules-dir=" + rules_dir()});
    try {
      refused.wait_ready(std::chrono::seconds(20));
      ADD_FAILURE() << "settled started with the rule " << text;
    } catch (const std::exception& e) {
      EXPECT_NE(std::string(e.what()).find(named), std::string::npos) << e.what();
    }
  };
  refused_with(R"({"detailType": "t", "target": {"startExecution": {}}})",
               rules_dir() + "/broken.json");
  refused_with(R"({"detailType": "t",
                   "target": {"startExecution": {"stateMachine": "not-written-yet"}}})",
               "not-written-yet");
}

}  // namespace
}  // namespace settled::testing
