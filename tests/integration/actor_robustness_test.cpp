// Data cannot kill an actor: a stored execution that cannot be decoded is quarantined (logged,
// counted, listed by settlectl) and fails only the requests about it; every other execution
// runs, the supervisor keeps answering, and /readyz tells the truth throughout. Unreadable
// events, waiters, event ids, timers and ledger rows fail only what touches them: the events,
// timer and ledger actors go on serving everyone else.

#include "adapters/store/lmdb_store.hpp"
#include "domain/events/event.hpp"
#include "domain/execution_record.hpp"
#include "domain/ledger/keys.hpp"
#include "domain/storage_keys.hpp"
#include "integration/ops_fixture.hpp"
#include "support/temp_store.hpp"

#include <boost/json.hpp>

#include <chrono>
#include <memory>
#include <stdexcept>

namespace settled::testing {
namespace {

namespace json = boost::json;

// {"a": {"a": ... {"leaf": 1} ...}}: `objects` objects, one inside the other.
json::value nested_objects(int objects) {
  json::value inner = json::object{{"leaf", 1}};
  for (int i = 1; i < objects; ++i) inner = json::object{{"a", std::move(inner)}};
  return inner;
}

class ActorRobustness : public OpsTest {
 protected:
  // Passivates on a 1 s Wait, so the record is read back from LMDB by the supervisor (timer
  // wake-up) before the execution can end.
  void add_workflows() override {
    write_workflow("nap", R"({
      "StartAt": "Nap",
      "States": {
        "Nap": {"Type": "Wait", "Seconds": 1, "Next": "Done"},
        "Done": {"Type": "Succeed"}
      }
    })");
    write_workflow("long", R"({"StartAt": "Nap", "States": {
      "Nap": {"Type": "Wait", "Seconds": 3600, "End": true}}})");
    write_workflow("await", R"({"StartAt": "Await", "States": {
      "Await": {"Type": "Task", "Resource": "settled:events.waitFor",
        "Parameters": {"type": "paid", "correlationKey.$": "$.key", "timeoutSeconds": 60},
        "End": true}}})");
  }

  HttpResult start_nap(const std::string& name, json::value input) {
    return client_->post(
        "/v1/executions",
        json::serialize(
            json::object{{"stateMachine", "nap"}, {"name", name}, {"input", std::move(input)}}));
  }

  // Writes rows straight into LMDB while the daemon is stopped, as a bad disk, a bad upgrade or
  // a bug would have left them.
  void write_rows(const std::vector<std::pair<Table, std::pair<std::string, std::string>>>& rows,
                  const std::vector<std::pair<Table, std::string>>& erased = {}) {
    auto db = open_stopped_store(dir_.path() + "/var");
    WriteBatch batch;
    for (const auto& [table, row] : rows) batch.put(table, row.first, row.second);
    for (const auto& [table, key] : erased) batch.erase(table, key);
    ASSERT_TRUE(db->commit({&batch}).ok());
  }

  void expect_ready() {
    auto ready = client_->get("/readyz");
    EXPECT_EQ(ready.status, 200u) << ready.body;
    EXPECT_EQ(ready.json().at("status").as_string(), "ready") << ready.body;
  }
};

TEST_F(ActorRobustness, AnUnreadableRecordIsQuarantinedAndEverythingElseRuns) {
  ASSERT_EQ(start_nap("before", json::object{}).status, 201u);
  EXPECT_EQ(wait_final("nap:before").at("status").as_string(), "SUCCEEDED");
  ASSERT_EQ(daemon_->terminate(), 0);

  // One record is not JSON at all, one nests deeper than any JSON parser here allows; both
  // are open, so recovery must read them.
  std::string too_deep;
  for (int i = 0; i < 5000; ++i) too_deep += "[";
  write_rows({{Table::kExecutions, {"nap:torn", R"({"id":"nap:torn","stateMachine":"na)"}},
              {Table::kOpenExecutions, {"nap:torn", ""}},
              {Table::kRunnableExecutions, {"nap:torn", ""}},
              {Table::kExecutions, {"nap:deep", too_deep}},
              {Table::kOpenExecutions, {"nap:deep", ""}},
              {Table::kRunnableExecutions, {"nap:deep", ""}}});
  start_with({});

  // Both set aside, loudly: logged with their ids, counted, listed, in the status.
  EXPECT_NE(daemon_->wait_for_output("\"executionId\":\"nap:torn\""), "");
  EXPECT_NE(daemon_->wait_for_output("execution.quarantined"), "");
  auto status = ctl_json({"status"});
  EXPECT_EQ(status.at("quarantinedExecutions").as_int64(), 2) << status;
  // The count is the supervisor's, set as it quarantines; the listing reads the marks it then
  // commits to LMDB, so a listing taken at once may still miss the second one.
  json::value listed;
  for (const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
       std::chrono::steady_clock::now() < until;) {
    listed = ctl_json({"executions", "list", "--status=QUARANTINED"});
    if (listed.at("executions").as_array().size() >= 2) break;
  }
  std::vector<std::string> ids;
  for (const auto& row : listed.at("executions").as_array()) {
    ids.emplace_back(row.at("executionId").as_string());
    EXPECT_EQ(row.at("status").as_string(), "QUARANTINED");
    EXPECT_EQ(row.at("reason").as_string(), "record_corrupt");
  }
  EXPECT_EQ(ids, (std::vector<std::string>{"nap:deep", "nap:torn"})) << listed;
  auto table = ctl({"status"});
  EXPECT_EQ(table.code, 0) << table.err;
  EXPECT_NE(table.out.find("quarantined"), std::string::npos) << table.out;
  // The unfiltered listing still lists every execution, the unreadable ones as QUARANTINED.
  auto all = ctl_json({"executions", "list"});
  EXPECT_EQ(all.at("executions").as_array().size(), 3u) << all;

  // Requests about them fail alone, with a clear error.
  auto describe = client_->get("/v1/executions/nap:torn");
  EXPECT_EQ(describe.status, 500u) << describe.body;
  EXPECT_EQ(describe.json().at("error").as_string(), "RecordCorrupt");
  auto replay = start_nap("deep", json::object{});
  EXPECT_EQ(replay.status, 500u) << replay.body;
  EXPECT_EQ(replay.json().at("error").as_string(), "RecordCorrupt");

  // Everything else goes on: new executions (through a passivation and a timer wake-up), the
  // operator's socket and readiness.
  ASSERT_EQ(start_nap("after", json::object{{"x", 1}}).status, 201u);
  EXPECT_EQ(wait_final("nap:after").at("status").as_string(), "SUCCEEDED");
  expect_ready();
  auto metrics = client_->get("/metrics");
  EXPECT_NE(metrics.body.find(R"(settled_executions_quarantined_total{reason="record_corrupt"} 2)"),
            std::string::npos)
      << metrics.body;

  // A restart finds them again (still unreadable) and still serves.
  restart();
  EXPECT_EQ(ctl_json({"status"}).at("quarantinedExecutions").as_int64(), 2);
  expect_ready();
}

// Recovery resumes only the executions that run (runnable_executions). A store written before
// that index existed has only open_executions, every value empty: at its first start every
// open record is read as before (a torn one quarantined) and the index is written without the
// waiting execution, so the next start does not read it.
TEST_F(ActorRobustness, AStoreFromBeforeTheRunnableIndexIsIndexedAtItsFirstStart) {
  ASSERT_EQ(
      client_->post("/v1/executions", R"({"stateMachine":"long","name":"a","input":{}})").status,
      201u);
  ASSERT_EQ(daemon_->terminate(), 0);
  {
    auto db = open_stopped_store(dir_.path() + "/var");
    EXPECT_TRUE(db->get(Table::kOpenExecutions, "long:a").has_value());
    EXPECT_FALSE(db->get(Table::kRunnableExecutions, "long:a").has_value());
    EXPECT_TRUE(db->get(Table::kMeta, std::string(kRunnableIndexKey)).has_value());
  }
  // As the store was before: no index; plus an open record that does not read.
  write_rows({{Table::kOpenExecutions, {"long:a", ""}},
              {Table::kExecutions, {"nap:torn", R"({"id":"nap:torn")"}},
              {Table::kOpenExecutions, {"nap:torn", ""}}},
             {{Table::kMeta, std::string(kRunnableIndexKey)}});
  start_with({});
  EXPECT_NE(daemon_->wait_for_output("\"executionId\":\"nap:torn\""), "");
  EXPECT_EQ(client_->get("/v1/executions/long:a").json().at("status").as_string(), "RUNNING");
  expect_ready();
  ASSERT_EQ(daemon_->terminate(), 0);
  auto db = open_stopped_store(dir_.path() + "/var");
  EXPECT_TRUE(db->get(Table::kMeta, std::string(kRunnableIndexKey)).has_value());
  EXPECT_TRUE(db->get(Table::kOpenExecutions, "long:a").has_value());
  EXPECT_FALSE(db->get(Table::kRunnableExecutions, "long:a").has_value());
  // The torn one stays indexed as running (and quarantined): the next start reads it again.
  EXPECT_TRUE(db->get(Table::kRunnableExecutions, "nap:torn").has_value());
}

TEST_F(ActorRobustness, ADeepInputNeverStopsTheSupervisor) {
  // Accepted or refused, depending on the request depth limit; either way the daemon must
  // answer every request about it and go on.
  auto deep = start_nap("deep", nested_objects(31));
  ASSERT_TRUE(deep.status == 201u || deep.status == 400u) << deep.status << " " << deep.body;
  if (deep.status == 201u) {
    // Read back by GET, by a replay of the start and (after the Wait) by the timer wake-up.
    auto read = client_->get("/v1/executions/nap:deep");
    EXPECT_TRUE(read.status == 200u || read.status == 500u) << read.body;
    auto replay = start_nap("deep", nested_objects(31));
    EXPECT_TRUE(replay.status == 200u || replay.status == 500u) << replay.body;
    if (replay.status == 500u) {
      EXPECT_EQ(replay.json().at("error").as_string(), "RecordCorrupt");
    }
  }
  ASSERT_EQ(start_nap("plain", json::object{}).status, 201u);
  EXPECT_EQ(wait_final("nap:plain").at("status").as_string(), "SUCCEEDED");
  auto status = ctl({"status"});
  EXPECT_EQ(status.code, 0) << status.out << status.err;
  expect_ready();
  EXPECT_TRUE(daemon_->running());
}

TEST_F(ActorRobustness, UnreadableEventTimerAndLedgerRowsFailOnlyWhatTouchesThem) {
  ASSERT_EQ(daemon_->terminate(), 0);
  write_rows({
      // A kept event and a waiter that are not JSON, an event id whose expiry is not a number.
      {Table::kEvents, {events::event_key("paid", "k-torn", 1), R"({"type":"pa)"}},
      {Table::kEventWaiters, {events::event_key("paid", "k-torn", 2), "[[[["}},
      {Table::kEventIds, {"evt-torn", "soon"}},
      // A timer whose key cannot be parsed, and one for an execution that does not exist.
      {Table::kTimers, {"not a timer key", ""}},
      {Table::kTimers, {timer_key(1, timer_kind::kWake, "nap:nobody"), ""}},
      // A balance row of account "torn" that is not JSON.
      {Table::kLedgerAccounts, {ledger::balance_key("torn", "USD"), R"({"available":)"}},
  });
  start_with({});
  expect_ready();
  auto ready = client_->get("/readyz").json();
  for (const char* part : {"events", "timers", "ledger"})
    EXPECT_EQ(ready.at("checks").at(part).as_string(), "ok") << part << ": " << ready;

  // Events: the torn event is not delivered; a new one is, to a new wait, on the same key too.
  for (const char* key : {"k-torn", "k-new"}) {
    const std::string name = std::string("wait-") + key;
    ASSERT_EQ(client_
                  ->post("/v1/executions",
                         json::serialize(json::object{
                             {"stateMachine", "await"}, {"name", name}, {"input", {{"key", key}}}}))
                  .status,
              201u);
    auto posted = client_->post(
        "/v1/events",
        json::serialize(json::object{{"type", "paid"}, {"correlationKey", key}, {"detail", 7}}));
    ASSERT_TRUE(posted.status == 200u || posted.status == 202u) << posted.body;
    auto done = wait_final("await:" + name);
    ASSERT_EQ(done.at("status").as_string(), "SUCCEEDED") << done;
    EXPECT_EQ(done.at("output").at("detail"), 7) << done;
  }
  // An id stored with an unreadable expiry does not make a new event with it a duplicate
  // forever, nor stop the events actor.
  auto with_id =
      client_->post("/v1/events", R"({"type":"other","correlationKey":"x","id":"evt-torn"})");
  EXPECT_TRUE(with_id.status == 200u || with_id.status == 202u) << with_id.body;

  // Timers: a Wait still wakes its execution.
  ASSERT_EQ(start_nap("after-timers", json::object{}).status, 201u);
  EXPECT_EQ(wait_final("nap:after-timers").at("status").as_string(), "SUCCEEDED");

  // Ledger: the torn account fails with a clear error; every other account is served.
  auto torn = client_->post("/v1/accounts/torn/deposits",
                            R"({"amount":5,"currency":"USD","idempotencyKey":"d-torn"})");
  EXPECT_EQ(torn.status, 500u) << torn.body;
  EXPECT_EQ(torn.json().at("error").as_string(), "RecordCorrupt") << torn.body;
  auto fine = client_->post("/v1/accounts/fine/deposits",
                            R"({"amount":5,"currency":"USD","idempotencyKey":"d-fine"})");
  EXPECT_EQ(fine.status, 201u) << fine.body;
  auto balance = client_->get("/v1/accounts/fine");
  EXPECT_EQ(balance.status, 200u) << balance.body;

  expect_ready();
  EXPECT_EQ(ctl({"status"}).code, 0);
  EXPECT_TRUE(daemon_->running());
}

TEST_F(ActorRobustness, ReadinessIsAGetThatNamesEachCheck) {
  auto ready = client_->get("/readyz");
  ASSERT_EQ(ready.status, 200u) << ready.body;
  const auto body = ready.json();
  const auto& checks = body.at("checks");
  for (const char* part : {"executions", "ledger", "events", "timers", "store"})
    EXPECT_EQ(checks.at(part).as_string(), "ok") << part;
  EXPECT_EQ(client_->post("/readyz", "").status, 405u);
  EXPECT_EQ(client_->get("/healthz").status, 200u);
}

}  // namespace
}  // namespace settled::testing
