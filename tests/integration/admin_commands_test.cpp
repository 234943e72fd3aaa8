// settlectl against a real daemon: every admin command, for people (tables) and scripts
// (--json), with exit status 1 for a refusal and 2 for a usage or connection error.

#include "adapters/store/lmdb_store.hpp"
#include "domain/execution_record.hpp"
#include "integration/ops_fixture.hpp"
#include "support/temp_store.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <set>
#include <thread>

namespace settled::testing {
namespace {

namespace json = boost::json;

// One Stripe charge with no Retry and no Catch: a failed charge fails the execution at "Charge".
constexpr const char* kChargeWorkflow = R"({
  "StartAt": "Charge",
  "States": {
    "Charge": {
      "Type": "Task",
      "Resource": "settled:stripe.paymentIntents.create",
      "Parameters": {"amount.$": "$.amount", "currency.$": "$.currency",
                     "payment_method.$": "$.paymentMethod", "confirm": true,
                     "metadata": {"paymentId.$": "$.paymentId"}},
      "End": true
    }
  }
})";

// Waits an hour: an execution that is RUNNING for as long as a test needs.
constexpr const char* kHoldWorkflow = R"({
  "StartAt": "Hold",
  "States": {"Hold": {"Type": "Wait", "Seconds": 3600, "Next": "Done"},
             "Done": {"Type": "Succeed"}}
})";

class AdminCommands : public OpsTest {
 protected:
  const AwsScopeFlags aws_{"ca-central-1", "246802468024"};

  std::vector<std::string> daemon_flags() const override { return aws_.flags(); }

  void add_workflows() override {
    write_workflow("charge", kChargeWorkflow);
    write_workflow("hold", kHoldWorkflow);
  }

  HttpResult start(const std::string& machine, const std::string& id, const std::string& method) {
    json::object input{{"paymentId", id},
                       {"customerId", "c-" + id},
                       {"amount", 1250},
                       {"currency", "USD"},
                       {"paymentMethod", method}};
    return client_->post(
        "/v1/executions",
        json::serialize(json::object{{"stateMachine", machine}, {"name", id}, {"input", input}}));
  }

  std::vector<std::string> history_types(const std::string& id) {
    auto h = ctl_json({"executions", "history", id});
    std::vector<std::string> types;
    for (const auto& e : h.at("events").as_array()) types.emplace_back(e.at("type").as_string());
    return types;
  }
};

TEST_F(AdminCommands, StatusForPeopleAndForScripts) {
  ASSERT_EQ(start("hold", "h-status", "pm_card_visa").status, 201u);
  auto people = ctl({"status"});
  EXPECT_EQ(people.code, 0) << people.err;
  EXPECT_NE(people.out.find("ingestion         accepting"), std::string::npos) << people.out;
  EXPECT_NE(people.out.find("open executions   RUNNING 1"), std::string::npos) << people.out;

  auto s = ctl_json({"status"});
  EXPECT_EQ(s.at("version").as_string(), "0.1.0");
  EXPECT_EQ(s.at("ingestion").as_string(), "accepting");
  EXPECT_EQ(s.at("openExecutions").at("RUNNING").to_number<int>(), 1);
  EXPECT_GT(s.at("store").at("usedBytes").to_number<double>(), 0);
  EXPECT_GT(s.at("store").at("mapSize").to_number<double>(), 0);
  EXPECT_TRUE(s.at("store").as_object().contains("commitsPerSecond"));
  EXPECT_GE(s.at("store").at("commits").to_number<int>(), 1);
  // The simulator is in-process: no downstream is limited.
  EXPECT_TRUE(s.at("downstreams").as_object().empty());
  EXPECT_NE(people.out.find("downstreams       none limited"), std::string::npos) << people.out;
}

// The executions counters come from the daemon's Prometheus counters: one succeeded, one failed
// and one still running are counted as such.
TEST_F(AdminCommands, StatusCountsStartedSucceededAndFailedExecutions) {
  ASSERT_EQ(start("charge", "c-ok", "pm_card_visa").status, 201u);
  ASSERT_EQ(start("charge", "c-declined", "pm_card_chargeDeclined").status, 201u);
  ASSERT_EQ(start("hold", "h-counted", "pm_card_visa").status, 201u);
  EXPECT_EQ(wait_final("charge:c-ok").at("status").as_string(), "SUCCEEDED");
  EXPECT_EQ(wait_final("charge:c-declined").at("status").as_string(), "FAILED");
  // Counted right after the final commit, which GET may see a moment earlier.
  json::object counted;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  do {
    counted = ctl_json({"status"}).at("executions").as_object();
    if (counted.at("succeeded").to_number<int>() + counted.at("failed").to_number<int>() == 2)
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  } while (std::chrono::steady_clock::now() < deadline);
  EXPECT_EQ(counted.at("started").to_number<int>(), 3);
  EXPECT_EQ(counted.at("succeeded").to_number<int>(), 1);
  EXPECT_EQ(counted.at("failed").to_number<int>(), 1);
}

TEST_F(AdminCommands, ListFiltersByMachineAndStatusAndPagesWithACursor) {
  for (int i = 0; i < 5; ++i)
    ASSERT_EQ(start_payment("p-" + std::to_string(i), "pm_card_visa").status, 201u);
  ASSERT_EQ(start_payment("p-declined", "pm_card_chargeDeclined").status, 201u);
  ASSERT_EQ(start("hold", "h-1", "pm_card_visa").status, 201u);
  for (int i = 0; i < 5; ++i) wait_final("payment:p-" + std::to_string(i));
  wait_final("payment:p-declined");

  auto failed = ctl_json({"executions", "list", "--status=FAILED"});
  ASSERT_EQ(failed.at("executions").as_array().size(), 1u);
  EXPECT_EQ(failed.at("executions").at(0).at("executionId").as_string(), "payment:p-declined");

  auto held = ctl_json({"executions", "list", "--state-machine=hold"});
  ASSERT_EQ(held.at("executions").as_array().size(), 1u);
  EXPECT_EQ(held.at("executions").at(0).at("status").as_string(), "RUNNING");

  std::set<std::string> seen;
  std::string cursor;
  int pages = 0;
  do {
    std::vector<std::string> args{"executions", "list", "--state-machine=payment", "--limit=2"};
    if (!cursor.empty()) args.push_back("--cursor=" + cursor);
    auto page = ctl_json(args);
    EXPECT_LE(page.at("executions").as_array().size(), 2u);
    for (const auto& e : page.at("executions").as_array())
      EXPECT_TRUE(seen.insert(std::string(e.at("executionId").as_string())).second);
    const auto* next = page.as_object().if_contains("nextCursor");
    cursor = next ? std::string(next->as_string()) : "";
    ++pages;
  } while (!cursor.empty() && pages < 10);
  EXPECT_EQ(seen.size(), 6u);
  EXPECT_GE(pages, 3);

  auto table = ctl({"executions", "list", "--status=FAILED"});
  EXPECT_EQ(table.code, 0);
  EXPECT_EQ(table.out.rfind("EXECUTION", 0), 0u) << table.out;
  EXPECT_NE(table.out.find("payment:p-declined  FAILED"), std::string::npos) << table.out;

  EXPECT_EQ(ctl({"executions", "list", "--status=NOPE"}).code, 1);
}

TEST_F(AdminCommands, DescribeAndHistory) {
  ASSERT_EQ(start_payment("p-d", "pm_card_visa").status, 201u);
  wait_final("payment:p-d");
  auto d = ctl_json({"executions", "describe", "payment:p-d"});
  EXPECT_EQ(d.at("status").as_string(), "SUCCEEDED");
  EXPECT_EQ(d.at("input").at("paymentId").as_string(), "p-d");
  const auto types = history_types("payment:p-d");
  ASSERT_FALSE(types.empty());
  EXPECT_EQ(types.front(), "ExecutionStarted");
  EXPECT_EQ(types.back(), "ExecutionSucceeded");
  auto table = ctl({"executions", "history", "payment:p-d"});
  EXPECT_NE(table.out.find("TaskStateEntered"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("ProcessPayment"), std::string::npos) << table.out;

  auto missing = ctl({"executions", "describe", "payment:nope"});
  EXPECT_EQ(missing.code, 1);
  EXPECT_NE(missing.err.find("ExecutionDoesNotExist"), std::string::npos) << missing.err;
}

// What a workflow stored from $$.Execution.Id names the execution for settlectl too.
TEST_F(AdminCommands, EveryExecutionCommandTakesTheExecutionsArn) {
  ASSERT_EQ(start("hold", "h-arn", "pm_card_visa").status, 201u);
  const std::string arn = aws_.execution_arn("hold:h-arn");
  auto described = ctl_json({"executions", "describe", arn});
  EXPECT_EQ(described.at("executionId").as_string(), "hold:h-arn");
  EXPECT_EQ(described.at("status").as_string(), "RUNNING");
  EXPECT_EQ(history_types(arn).front(), "ExecutionStarted");
  EXPECT_EQ(ctl_json({"executions", "stop", arn}).at("status").as_string(), "ABORTED");
  EXPECT_EQ(ctl_json({"executions", "redrive", arn}).at("status").as_string(), "RUNNING");
  EXPECT_EQ(client_->get("/v1/executions/hold:h-arn").json().at("status").as_string(), "RUNNING");

  // The same execution in another account is not this daemon's: nothing is stopped.
  const std::string foreign = "arn:aws:states:ca-central-1:999999999999:execution:hold:h-arn";
  for (const char* verb : {"describe", "history", "stop", "redrive"}) {
    auto refused = ctl({"executions", verb, foreign});
    EXPECT_EQ(refused.code, 1) << verb;
    EXPECT_NE(refused.err.find("ExecutionDoesNotExist"), std::string::npos) << refused.err;
    EXPECT_NE(refused.err.find("serves region ca-central-1 and account 246802468024"),
              std::string::npos)
        << refused.err;
  }
  EXPECT_EQ(client_->get("/v1/executions/hold:h-arn").json().at("status").as_string(), "RUNNING");
}

TEST_F(AdminCommands, PausedIngestionRefusesNewExecutionsButReplaysAndRunsTheRest) {
  ASSERT_EQ(start_payment("p-before", "pm_card_visa").status, 201u);
  EXPECT_EQ(ctl_json({"ingest", "pause"}).at("ingestion").as_string(), "paused");
  EXPECT_EQ(ctl_json({"status"}).at("ingestion").as_string(), "paused");

  auto refused = start_payment("p-during", "pm_card_visa");
  EXPECT_EQ(refused.status, 503u);
  EXPECT_EQ(refused.json().at("error").as_string(), "IngestionPaused");
  EXPECT_EQ(start_payment("p-before", "pm_card_visa").status, 200u);  // a replay, not new
  EXPECT_EQ(wait_final("payment:p-before").at("status").as_string(), "SUCCEEDED");
  EXPECT_EQ(client_->get("/v1/executions/payment:p-during").status, 404u);

  EXPECT_EQ(ctl_json({"ingest", "resume"}).at("ingestion").as_string(), "accepting");
  EXPECT_EQ(start_payment("p-during", "pm_card_visa").status, 201u);
}

TEST_F(AdminCommands, StopAbortsARunningExecutionForGood) {
  ASSERT_EQ(start("hold", "h-stop", "pm_card_visa").status, 201u);
  const auto before = history_types("hold:h-stop");
  auto stopped = ctl_json({"executions", "stop", "hold:h-stop"});
  EXPECT_EQ(stopped.at("status").as_string(), "ABORTED");
  EXPECT_TRUE(stopped.as_object().contains("stopDate"));

  auto events = history("hold:h-stop");
  ASSERT_EQ(events.size(), before.size() + 1);
  EXPECT_EQ(events.back().at("type").as_string(), "ExecutionAborted");
  EXPECT_EQ(events.back().at("id").to_number<std::size_t>(), before.size() + 1);
  EXPECT_EQ(ctl_json({"status"}).at("openExecutions").at("RUNNING").to_number<int>(), 0);

  auto again = ctl({"executions", "stop", "hold:h-stop"});
  EXPECT_EQ(again.code, 1);
  EXPECT_NE(again.err.find("not running"), std::string::npos) << again.err;

  restart();  // not resumed: it is no longer open
  EXPECT_EQ(client_->get("/v1/executions/hold:h-stop").json().at("status").as_string(), "ABORTED");
  EXPECT_EQ(ctl_json({"status"}).at("openExecutions").at("RUNNING").to_number<int>(), 0);
}

TEST_F(AdminCommands, RedriveResumesAFailedExecutionFromTheStateThatFailed) {
  // The first attempt is rate limited (nothing charged); with no Retry the execution fails.
  ASSERT_EQ(start("charge", "c-1", "pm_sim_rate_limited_1").status, 201u);
  auto failed = wait_final("charge:c-1");
  ASSERT_EQ(failed.at("status").as_string(), "FAILED");
  EXPECT_EQ(failed.at("error").as_string(), "Stripe.RateLimitError");
  const std::string key = attempt_key("charge:c-1", "Charge");
  EXPECT_EQ(stripe_keys_of("charge:c-1"), std::vector<std::string>{key});

  auto redriven = ctl_json({"executions", "redrive", "charge:c-1"});
  EXPECT_EQ(redriven.at("status").as_string(), "RUNNING");
  EXPECT_EQ(redriven.at("currentState").as_string(), "Charge");
  EXPECT_EQ(wait_final("charge:c-1").at("status").as_string(), "SUCCEEDED");

  const auto types = history_types("charge:c-1");
  const auto redrive = std::find(types.begin(), types.end(), "ExecutionRedriven");
  ASSERT_NE(redrive, types.end());
  EXPECT_EQ(*(redrive - 1), "ExecutionFailed");
  EXPECT_NE(std::find(redrive, types.end(), "TaskSucceeded"), types.end());
  EXPECT_EQ(types.back(), "ExecutionSucceeded");
  EXPECT_EQ(charges()["c-1"], 1);
  // The redriven attempt is the attempt that failed: same key, not a new entry number.
  EXPECT_EQ(stripe_keys_of("charge:c-1"), (std::vector<std::string>{key, key}));
  EXPECT_EQ(attempt_key("charge:c-1", "Charge"), key);
  const auto requests = stripe_requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].outcome, "Stripe.RateLimitError");
  EXPECT_EQ(requests[1].outcome, "succeeded");

  auto twice = ctl({"executions", "redrive", "charge:c-1"});
  EXPECT_EQ(twice.code, 1);
  EXPECT_NE(twice.err.find("only a FAILED, ABORTED or TIMED_OUT execution"), std::string::npos)
      << twice.err;
}

TEST_F(AdminCommands, WorkflowsListValidateAndReload) {
  auto list = ctl_json({"workflows", "list"});
  std::set<std::string> names;
  for (const auto& m : list.at("stateMachines").as_array())
    names.insert(std::string(m.at("name").as_string()));
  // The shipped workflows (whatever config/workflows holds) and the two this fixture adds.
  std::set<std::string> expected{"charge", "hold"};
  for (const auto& entry :
       std::filesystem::directory_iterator(std::string(SETTLED_SOURCE_DIR) + "/config/workflows")) {
    const std::string file = entry.path().filename().string();
    expected.insert(file.substr(0, file.size() - std::string(".asl.json").size()));
  }
  ASSERT_TRUE(expected.count("payment"));
  EXPECT_EQ(names, expected);

  auto good = ctl({"workflows", "validate",
                   std::string(SETTLED_SOURCE_DIR) + "/config/workflows/payment.asl.json"});
  EXPECT_EQ(good.code, 0) << good.err;
  EXPECT_NE(good.out.find("payment: valid"), std::string::npos) << good.out;

  const std::string bad = dir_.path() + "/bad.asl.json";
  std::ofstream(bad) << R"({"StartAt": "Missing", "States": {"A": {"Type": "Succeed"}}})";
  auto refused = ctl({"workflows", "validate", bad});
  EXPECT_EQ(refused.code, 1);
  EXPECT_NE(refused.err.find("InvalidDefinition"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("Missing"), std::string::npos) << refused.err;

  write_workflow("hold2", kHoldWorkflow);
  EXPECT_EQ(start("hold2", "h2", "pm_card_visa").status, 404u);
  EXPECT_EQ(ctl({"workflows", "reload"}).code, 0);
  EXPECT_EQ(start("hold2", "h2", "pm_card_visa").status, 201u);

  write_workflow("broken", R"({"StartAt": 1})");
  auto reload = ctl({"workflows", "reload"});
  EXPECT_EQ(reload.code, 1);
  EXPECT_NE(reload.err.find("broken.asl.json"), std::string::npos) << reload.err;
  EXPECT_EQ(start("hold2", "h3", "pm_card_visa").status, 201u);  // the old set stays
}

std::vector<std::string> names_of(const json::value& page) {
  std::vector<std::string> names;
  for (const auto& m : page.at("stateMachines").as_array())
    names.emplace_back(m.at("name").as_string());
  return names;
}

// workflows.list answered every state machine in one reply; it is paged as GET
// /v1/state-machines is: in name order, `limit` (1-100, 10 by default) after `startingAfter`.
TEST_F(AdminCommands, WorkflowsListIsPagedInNameOrder) {
  const auto every = names_of(ctl_json({"workflows", "list"}));
  ASSERT_GT(every.size(), 10u);  // the shipped workflows and this fixture's two

  const auto first = ctl_json({"workflows", "list", "--limit=2"});
  EXPECT_EQ(names_of(first), (std::vector<std::string>{every[0], every[1]}));
  EXPECT_EQ(first.at("has_more"), true);
  const auto second = ctl_json({"workflows", "list", "--limit=2", "--starting-after=" + every[1]});
  EXPECT_EQ(names_of(second), (std::vector<std::string>{every[2], every[3]}));
  const auto page = second.at("stateMachines").at(0);
  for (const char* field : {"version", "versions", "registeredAt", "source", "startAt", "states"})
    EXPECT_TRUE(page.as_object().contains(field)) << field;
  // 10 when no limit is given; a name not registered still marks the place; the last page ends.
  const auto defaulted = ctl_json({"workflows", "list", "--starting-after=" + every[0]});
  EXPECT_EQ(names_of(defaulted), std::vector<std::string>(every.begin() + 1, every.begin() + 11));
  EXPECT_EQ(defaulted.at("has_more"), true);
  const auto between = ctl_json({"workflows", "list", "--starting-after=" + every[0] + "0"});
  EXPECT_EQ(names_of(between).front(), every[1]);
  const auto last = ctl_json({"workflows", "list", "--starting-after=" + every[every.size() - 2]});
  EXPECT_EQ(names_of(last), (std::vector<std::string>{every.back()}));
  EXPECT_EQ(last.at("has_more"), false);

  // For people, a page says where the next begins.
  const auto people = ctl({"workflows", "list", "--limit=2"});
  EXPECT_EQ(people.code, 0) << people.err;
  EXPECT_NE(people.out.find("(more: --starting-after=" + every[1] + ")"), std::string::npos)
      << people.out;

  for (const char* bad : {"--limit=0", "--limit=101", "--starting-after=no such name"}) {
    const auto refused = ctl({"workflows", "list", bad});
    EXPECT_EQ(refused.code, 1) << bad;
    EXPECT_NE(refused.err.find("InvalidRequest"), std::string::npos) << refused.err;
  }
}

// More state machines than settlectl asks for in one page (100).
class AdminCommandsManyWorkflows : public OpsTest {
 protected:
  void add_workflows() override {
    for (int i = 0; i < 150; ++i) write_workflow("w-" + std::to_string(1000 + i), kHoldWorkflow);
  }
};

// A CLI user expects the whole list: `settlectl workflows list` reads every page.
TEST_F(AdminCommandsManyWorkflows, SettlectlWorkflowsListReadsEveryPage) {
  const auto all = ctl_json({"workflows", "list"});
  const auto every = names_of(all);
  EXPECT_EQ(all.at("has_more"), false);
  EXPECT_TRUE(std::is_sorted(every.begin(), every.end()));
  const std::set<std::string> distinct(every.begin(), every.end());
  EXPECT_EQ(distinct.size(), every.size());
  for (int i = 0; i < 150; ++i) EXPECT_TRUE(distinct.count("w-" + std::to_string(1000 + i))) << i;
  EXPECT_TRUE(distinct.count("payment"));

  const auto people = ctl({"workflows", "list"});
  EXPECT_EQ(people.code, 0) << people.err;
  EXPECT_NE(people.out.find("w-1149"), std::string::npos);
  EXPECT_EQ(people.out.find("(more:"), std::string::npos);
}

TEST_F(AdminCommands, LogLevelChangesAtRunTime) {
  EXPECT_EQ(ctl_json({"log-level"}).at("level").as_string(), "info");
  EXPECT_EQ(ctl_json({"log-level", "debug"}).at("level").as_string(), "debug");
  EXPECT_EQ(ctl_json({"status"}).at("logLevel").as_string(), "debug");
  auto bad = ctl({"log-level", "loud"});
  EXPECT_EQ(bad.code, 1);
  EXPECT_NE(bad.err.find("InvalidRequest"), std::string::npos) << bad.err;
}

TEST_F(AdminCommands, UsageAndConnectionErrorsExitWithTwo) {
  EXPECT_EQ(ctl({"executions", "frobnicate"}).code, 2);
  EXPECT_EQ(ctl({"executions", "describe"}).code, 2);
  EXPECT_EQ(ctl({}).code, 2);
  auto nowhere =
      run_command({SETTLECTL_BINARY, "--socket=" + dir_.path() + "/none.sock", "status"});
  EXPECT_EQ(nowhere.code, 2);
  EXPECT_NE(nowhere.err.find("cannot connect"), std::string::npos) << nowhere.err;
}

TEST_F(AdminCommands, BackupIsAConsistentCopyTakenWhileServing) {
  std::vector<std::string> acked_before;
  for (int i = 0; i < 20; ++i) {
    const std::string id = "b-" + std::to_string(i);
    ASSERT_EQ(start_payment(id, "pm_card_visa").status, 201u);
    acked_before.push_back("payment:" + id);
  }
  // Load keeps arriving while the copy is taken.
  std::atomic<bool> done{false};
  std::atomic<int> during{0};
  std::thread load([&] {
    HttpClient client("127.0.0.1", port_);
    for (int i = 0; !done; ++i) {
      if (client.post("/v1/executions", payment_body("l-" + std::to_string(i), "pm_card_visa"))
              .status == 201)
        ++during;
    }
  });
  const std::string copy = dir_.path() + "/backup";
  auto result = ctl_json({"backup", copy});
  done = true;
  load.join();
  EXPECT_EQ(result.at("path").as_string(), copy);
  EXPECT_GT(result.at("bytes").to_number<double>(), 0);
  EXPECT_GT(during.load(), 0);

  auto opened = open_stopped_store(copy);
  for (const auto& id : acked_before) {
    auto stored = opened->get(Table::kExecutions, id);
    ASSERT_TRUE(stored) << id << " missing from the backup";
    EXPECT_TRUE(ExecutionRecord::from_json(json::parse(*stored)).ok());
  }
  auto again = ctl({"backup", copy});
  EXPECT_EQ(again.code, 1);
  EXPECT_NE(again.err.find("already exists"), std::string::npos) << again.err;
}

}  // namespace
}  // namespace settled::testing
