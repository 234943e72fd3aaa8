// Seed 003's daily webhook reconciliation (config/workflows/webhook-reconciliation.asl.json,
// docs/webhook-reconciliation.md) and the shipped schedule that starts it
// (config/schedules/webhook-reconciliation.json, docs/schedules.md) through the real daemon in
// simulator mode on a simulated clock. The daemon first runs without a webhook secret, so the
// simulator's events never reach it: reconciliation finds them in events.list, ingests each once
// as if its webhook had arrived (an onboarding waiting for its account.updated completes), and
// writes a report; a second run ingests nothing; events that did arrive by webhook count as known.

#include "integration/ops_fixture.hpp"
#include "support/eventually.hpp"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace settled::testing {
namespace {

namespace json = boost::json;

constexpr const char* kSecret = "whsec_reconciliation_test";
const std::string kFirstFire = "webhook-reconciliation:webhook-reconciliation-20260106T030000Z";
const std::string kSecondFire = "webhook-reconciliation:webhook-reconciliation-20260107T030000Z";

class WebhookReconciliation : public OpsTest {
 protected:
  std::vector<std::string> daemon_flags() const override {
    // No webhook secret: the simulator sends nothing and the endpoint answers 404.
    auto flags = aws_.flags();
    flags.push_back("--clock=simulated");
    flags.push_back("--clock-start=2026-01-05T09:00:00Z");
    flags.push_back("--schedules-dir=" + std::string(SETTLED_SOURCE_DIR) + "/config/schedules");
    return flags;
  }

  // A run's runId is its $$.Execution.Id.
  const AwsScopeFlags aws_{"ap-southeast-2", "444455556666"};

  void start(const std::string& machine, const std::string& name, json::object input) {
    auto res = start_execution(machine, name, std::move(input));
    ASSERT_EQ(res.status, 201u) << res.body;
  }

  void pay(const std::string& id) {
    ASSERT_EQ(start_payment(id, "pm_card_visa").status, 201u);
    ASSERT_EQ(wait_final("payment:" + id).at("status"), "SUCCEEDED");
  }

  // Every event the simulator generated, by id.
  std::map<std::string, std::string> simulator_events() {
    std::map<std::string, std::string> out;
    std::string after;
    for (;;) {
      auto res = client_->get("/v1/simulator/stripe/events?limit=100" +
                              (after.empty() ? "" : "&starting_after=" + after));
      EXPECT_EQ(res.status, 200u) << res.body;
      if (res.status != 200) return out;
      const auto page = res.json();
      for (const auto& e : page.at("data").as_array()) {
        out[std::string(e.at("id").as_string())] = e.at("type").as_string();
        after = e.at("id").as_string();
      }
      if (!page.at("has_more").as_bool()) return out;
    }
  }

  // Every Stripe event the daemon stored (GET /v1/webhooks/stripe/events), by id: its source.
  std::map<std::string, std::string> stored_events() {
    std::map<std::string, std::string> out;
    std::string after;
    for (;;) {
      auto res = client_->get("/v1/webhooks/stripe/events?limit=500" +
                              (after.empty() ? "" : "&after=" + after));
      EXPECT_EQ(res.status, 200u) << res.body;
      if (res.status != 200) return out;
      const auto page = res.json().as_object();
      for (const auto& e : page.at("events").as_array()) {
        const std::string id(e.at("id").as_string());
        EXPECT_EQ(out.count(id), 0u) << id << " listed twice";
        out[id] = e.at("source").as_string();
      }
      if (!page.contains("nextAfter")) return out;
      after = page.at("nextAfter").as_string();
    }
  }

  json::object record(const std::string& collection, const std::string& key) {
    auto res = client_->get("/v1/records/" + collection + "/" + key);
    EXPECT_EQ(res.status, 200u) << res.body;
    return res.status == 200 ? res.json().at("record").as_object() : json::object{};
  }

  json::object reconcile(const std::string& name, json::object input = {}) {
    start("webhook-reconciliation", name, std::move(input));
    auto final = wait_final("webhook-reconciliation:" + name, std::chrono::seconds(30));
    EXPECT_EQ(final.at("status"), "SUCCEEDED") << json::serialize(final);
    return final.contains("output") && final.at("output").is_object()
               ? final.at("output").as_object()
               : json::object{};
  }

  static std::int64_t number(const json::object& o, const char* field) {
    const json::value* v = o.if_contains(field);
    EXPECT_TRUE(v && v->is_number()) << field << " in " << json::serialize(o);
    return v && v->is_number() ? v->to_number<std::int64_t>() : -1;
  }

  void advance(const std::string& by) {
    auto res = client_->post("/v1/clock/advance", R"({"by":")" + by + R"("})");
    ASSERT_EQ(res.status, 200u) << res.body;
  }

  std::string onboarding_link(const std::string& id) {
    auto links = task_outputs(id, "accountLinks.create");
    if (links.empty()) return {};
    const std::string url(links[0].at("url").as_string());
    return url.substr(url.rfind('/') + 1);
  }
};

TEST_F(WebhookReconciliation, MissingEventsAreIngestedOnceAndAWaitingExecutionCompletes) {
  pay("pay-1");
  pay("pay-2");
  // An onboarding whose account.updated the daemon never receives (no webhook secret).
  start("provider-onboarding", "prov-r",
        {{"providerId", "prov-r"}, {"email", "prov-r@example.test"}});
  ASSERT_TRUE(eventually([&] { return event_waits("provider-onboarding:prov-r") > 0; },
                         std::chrono::seconds(30)));
  auto completed = client_->post("/v1/simulator/stripe/account_links/" +
                                     onboarding_link("provider-onboarding:prov-r") + "/complete",
                                 "");
  ASSERT_EQ(completed.status, 200u) << completed.body;
  const auto generated = simulator_events();
  ASSERT_GE(generated.size(), 7u);  // 3 per payment, and account.updated
  EXPECT_TRUE(stored_events().empty());
  EXPECT_EQ(client_->get("/v1/executions/provider-onboarding:prov-r").json().at("status"),
            "RUNNING");

  // Small pages, so the run pages through the listing.
  const auto report = reconcile("r1", {{"pageSize", 3}});
  const auto count = static_cast<std::int64_t>(generated.size());
  EXPECT_EQ(number(report, "listed"), count);
  EXPECT_EQ(number(report, "known"), 0);
  EXPECT_EQ(number(report, "ingested"), count);
  EXPECT_EQ(report.at("truncated"), false);
  EXPECT_EQ(number(report, "pages"), (count + 2) / 3);
  EXPECT_EQ(report.at("runId"), aws_.execution_arn("webhook-reconciliation:r1").c_str());
  EXPECT_EQ(report.at("window").at("createdGte"), 0);
  EXPECT_EQ(record("webhook-reconciliation", "r1"), report);

  // Each stored exactly once, as reconciliation's.
  const auto stored = stored_events();
  ASSERT_EQ(stored.size(), generated.size());
  for (const auto& [id, type] : generated) {
    ASSERT_EQ(stored.count(id), 1u) << id << " (" << type << ") was not ingested";
    EXPECT_EQ(stored.at(id), "reconciliation") << id;
  }
  // The onboarding took its ingested account.updated.
  const auto onboarded = wait_final("provider-onboarding:prov-r", std::chrono::seconds(30));
  ASSERT_EQ(onboarded.at("status"), "SUCCEEDED") << json::serialize(onboarded);
  EXPECT_EQ(record("providers", "prov-r").at("status"), "active");

  // A second run starts from the newest event seen: nothing new to take in.
  const auto second = reconcile("r2");
  EXPECT_EQ(number(second, "ingested"), 0);
  EXPECT_EQ(number(second, "known"), number(second, "listed"));
  EXPECT_GE(number(second, "listed"), 1);
  EXPECT_EQ(second.at("window").at("createdGte"), report.at("window").at("newestCreated"));
  EXPECT_EQ(stored_events().size(), generated.size());
  EXPECT_EQ(record("webhook-reconciliation", "last-run").at("runId"),
            aws_.execution_arn("webhook-reconciliation:r2").c_str());
}

TEST_F(WebhookReconciliation, EventsThatArrivedByWebhookCountAsKnown) {
  pay("pay-3");  // never delivered: no secret yet
  // The secret configured now: later events arrive signed, by webhook.
  auto flags = daemon_flags();
  flags.push_back(std::string("--stripe-webhook-secrets=[\"") + kSecret + "\"]");
  client_.reset();
  daemon_->terminate();
  start_with(flags);
  pay("pay-4");
  ASSERT_TRUE(eventually([&] { return stored_events().size() == 3; }, std::chrono::seconds(20)));
  const auto report = reconcile("r3");
  EXPECT_EQ(number(report, "listed"), 6);
  EXPECT_EQ(number(report, "known"), 3);
  EXPECT_EQ(number(report, "ingested"), 3);
  std::map<std::string, int> sources;
  for (const auto& [id, source] : stored_events()) sources[source] += 1;
  EXPECT_EQ(sources, (std::map<std::string, int>{{"reconciliation", 3}, {"webhook", 3}}));
}

TEST_F(WebhookReconciliation, TheShippedScheduleRunsItDailyAcrossAKill9) {
  auto schedule = client_->get("/v1/schedules/webhook-reconciliation");
  ASSERT_EQ(schedule.status, 200u) << schedule.body;
  EXPECT_EQ(schedule.json().at("cron"), "0 3 * * *");
  EXPECT_EQ(schedule.json().at("nextFireAt"), "2026-01-06T03:00:00.000Z");
  pay("pay-5");
  advance("18h");  // to 03:00 UTC on the 6th
  auto first = wait_final(kFirstFire, std::chrono::seconds(30));
  ASSERT_EQ(first.at("status"), "SUCCEEDED") << json::serialize(first);
  EXPECT_EQ(number(first.at("output").as_object(), "ingested"), 3);
  EXPECT_EQ(stored_events().size(), 3u);

  // kill -9 and a restart on the same config: the schedule is unchanged, nothing fires twice.
  client_.reset();
  daemon_->kill9();
  start_with(extra_);
  EXPECT_NE(daemon_->wait_for_output("\"outcome\":\"unchanged\"", std::chrono::seconds(5)), "");
  schedule = client_->get("/v1/schedules/webhook-reconciliation");
  ASSERT_EQ(schedule.status, 200u) << schedule.body;
  EXPECT_EQ(schedule.json().at("lastFireAt"), "2026-01-06T03:00:00.000Z");
  advance("1d");
  auto second = wait_final(kSecondFire, std::chrono::seconds(30));
  ASSERT_EQ(second.at("status"), "SUCCEEDED") << json::serialize(second);
  EXPECT_EQ(number(second.at("output").as_object(), "ingested"), 0);
  EXPECT_EQ(stored_events().size(), 3u);
}

TEST_F(WebhookReconciliation,
       AChangedConfigScheduleReplacesTheStoredOneAndABrokenOneStopsTheStart) {
  const std::string dir = dir_.path() + "/schedules";
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/webhook-reconciliation.json")
      << R"({"cron": "30 4 * * *", "stateMachine": "webhook-reconciliation",
             "input": {"pageSize": 5}})";
  auto flags = daemon_flags();
  flags.back() = "--schedules-dir=" + dir;
  client_.reset();
  daemon_->terminate();
  start_with(flags);
  auto schedule = client_->get("/v1/schedules/webhook-reconciliation").json();
  EXPECT_EQ(schedule.at("cron"), "30 4 * * *");
  EXPECT_EQ(schedule.at("input"), json::parse(R"({"pageSize": 5})"));
  EXPECT_EQ(schedule.at("nextFireAt"), "2026-01-06T04:30:00.000Z");

  std::ofstream(dir + "/nightly.json") << R"({"cron": "0 3 * *", "stateMachine": "payment"})";
  client_.reset();
  daemon_->terminate();
  DaemonProcess refused(SETTLED_BINARY,
                        {"--data-dir=" + dir_.path() + "/var", "--http=127.0.0.1:0",
                         "--workflows-dir=" + workflows_dir(), "--schedules-dir=" + dir});
  try {
    refused.wait_ready(std::chrono::seconds(20));
    ADD_FAILURE() << "settled started with a broken schedule file";
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find(dir + "/nightly.json"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace settled::testing
