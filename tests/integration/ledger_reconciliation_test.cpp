// Seed 000's weekly balance reconciliation (config/workflows/ledger-reconciliation.asl.json,
// docs/ledger-reconciliation.md) through the real daemon on a simulated clock: the task resource
// settled:ledger.reconcile reports a sound ledger as MATCH with its totals, kept as the record
// reconciliation_reports/<execution name>; the shipped schedule
// (config/schedules/ledger-reconciliation.json) fires on Monday 04:00 UTC and not a minute
// before; a balance edited behind the daemon's back is a DISCREPANCY that names the account,
// raises a critical alert (received by a webhook here) and sets the metrics the Prometheus rules
// (config/prometheus/settled-alerts.yml) read.

#include "adapters/http/http_server.hpp"
#include "adapters/store/lmdb_store.hpp"
#include "domain/ledger/balance.hpp"
#include "domain/ledger/keys.hpp"
#include "integration/ledger_fixture.hpp"
#include "support/temp_store.hpp"

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

namespace settled::testing {
namespace {

namespace json = boost::json;

class LedgerReconciliation : public LedgerTest {
 protected:
  void SetUp() override {
    auto server = adapters::HttpServer::start(
        {"127.0.0.1", 0, 1 << 20, 16384, 1, std::chrono::seconds(60)},
        [this](adapters::HttpRequest req, adapters::HttpResponder respond) {
          {
            std::lock_guard<std::mutex> lock(mutex_);
            alerts_.push_back(json::parse(req.body).as_object());
          }
          changed_.notify_all();
          respond(adapters::HttpResponse{204, "", "application/json", {}});
        });
    ASSERT_TRUE(server.ok()) << server.error().message;
    webhook_ = std::move(*server);
    // Only the shipped ledger-reconciliation schedule, as shipped.
    std::filesystem::create_directories(schedules_dir());
    std::filesystem::copy_file(
        std::string(SETTLED_SOURCE_DIR) + "/config/schedules/ledger-reconciliation.json",
        schedules_dir() + "/ledger-reconciliation.json");
    LedgerTest::SetUp();
  }

  std::vector<std::string> daemon_flags() const override {
    return {"--clock=simulated", "--clock-start=2026-01-05T09:00:00Z",  // a Monday
            "--schedules-dir=" + schedules_dir(),
            "--alert-webhook=http://127.0.0.1:" + std::to_string(webhook_->port()) + "/alerts"};
  }

  std::string schedules_dir() const { return dir_.path() + "/schedules"; }

  // Starts the workflow by hand and waits for it; its output.
  json::object reconcile(const std::string& name) {
    auto res = start_execution("ledger-reconciliation", name, {});
    EXPECT_EQ(res.status, 201u) << res.body;
    auto final = wait_final("ledger-reconciliation:" + name, std::chrono::seconds(30));
    EXPECT_EQ(final.at("status"), "SUCCEEDED") << json::serialize(final);
    return final.contains("output") && final.at("output").is_object()
               ? final.at("output").as_object()
               : json::object{};
  }

  json::object report(const std::string& key) {
    auto res = client_->get("/v1/records/reconciliation_reports/" + key);
    EXPECT_EQ(res.status, 200u) << res.body;
    return res.status == 200 ? res.json().at("record").as_object() : json::object{};
  }

  // Value of the /metrics sample line that starts with `series` (-1 if absent).
  double metric(const std::string& series) {
    const std::string text = client_->get("/metrics").body;
    std::size_t pos = 0;
    while ((pos = text.find(series + " ", pos)) != std::string::npos) {
      if (pos == 0 || text[pos - 1] == '\n') return std::stod(text.substr(pos + series.size() + 1));
      pos += series.size();
    }
    return -1;
  }

  // Whether the execution ever scheduled settled:alert.raise.
  bool raised_alert(const std::string& execution_id) {
    for (const auto& e : history(execution_id)) {
      const auto& event = e.as_object();
      if (event.at("type") != "TaskScheduled") continue;
      if (json::serialize(event).find("settled:alert.raise") != std::string::npos) return true;
    }
    return false;
  }

  void advance(const json::object& body) {
    auto res = client_->post("/v1/clock/advance", json::serialize(body));
    ASSERT_EQ(res.status, 200u) << res.body;
  }

  std::unique_ptr<adapters::HttpServer> webhook_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<json::object> alerts_;
};

TEST_F(LedgerReconciliation, ASoundLedgerIsAMatchWithItsTotalsAndNoAlert) {
  ASSERT_EQ(deposit("acct-a", 1000, "dep-a").status, 201u);
  ASSERT_EQ(deposit("acct-b", 500, "dep-b").status, 201u);
  ASSERT_EQ(deposit("acct-c", 1050, "dep-c", "HOUR").status, 201u);
  ASSERT_EQ(op("hold", "hold-1",
               {{"escrowId", "esc-1"},
                {"payer", "acct-a"},
                {"payee", "acct-b"},
                {"amount", 300},
                {"currency", "USD"}})
                .status,
            201u);
  // 200 to the payee, 100 back to the payer.
  ASSERT_EQ(op("release", "release-1", {{"escrowId", "esc-1"}, {"amount", 200}}).status, 201u);
  ASSERT_EQ(op("hold", "hold-2",
               {{"escrowId", "esc-2"},
                {"payer", "acct-b"},
                {"payee", "acct-a"},
                {"amount", 100},
                {"currency", "USD"}})
                .status,
            201u);

  const auto out = reconcile("recon-sound");
  EXPECT_EQ(out.at("status"), "MATCH") << json::serialize(out);
  EXPECT_EQ(out.at("reportKey"), "recon-sound");
  EXPECT_FALSE(out.contains("alertId"));

  const auto r = report("recon-sound");
  EXPECT_EQ(r.at("status"), "MATCH") << json::serialize(r);
  EXPECT_EQ(r.at("totalUsers"), 3);
  EXPECT_EQ(r.at("discrepancies"), 0);
  EXPECT_EQ(r.at("results"), json::array{});
  EXPECT_EQ(r.at("escrows"), 2);
  EXPECT_EQ(r.at("checkedAt"), "2026-01-05T09:00:00.000Z");  // the business clock
  // a: 1000 - 300 + 100 = 800; b: 500 + 200 - 100 = 600, 100 held.
  EXPECT_EQ(r.at("currencies"), json::parse(R"({
      "HOUR": {"available": 1050, "held": 0, "frozen": 0, "in": 1050, "out": 0},
      "USD": {"available": 1400, "held": 100, "frozen": 0, "in": 1500, "out": 0}})"))
      << json::serialize(r);

  EXPECT_FALSE(raised_alert("ledger-reconciliation:recon-sound"));
  EXPECT_EQ(metric("settled_ledger_discrepancies"), 0);
  EXPECT_EQ(metric(R"(settled_reconciliation_runs_total{outcome="match"})"), 1);
  EXPECT_EQ(metric("settled_reconciliation_errors_total"), 0);
  // settlectl reconcile runs the same checks and agrees.
  const auto admin = reconcile_ok();
  EXPECT_EQ(admin.at("currencies"), r.at("currencies"));
  std::lock_guard<std::mutex> lock(mutex_);
  EXPECT_TRUE(alerts_.empty()) << json::serialize(alerts_.front());
}

TEST_F(LedgerReconciliation, TheShippedScheduleFiresOnMondayAtFourUtc) {
  ASSERT_EQ(deposit("acct-s", 700, "dep-s").status, 201u);
  auto schedule = client_->get("/v1/schedules/ledger-reconciliation");
  ASSERT_EQ(schedule.status, 200u) << schedule.body;
  EXPECT_EQ(schedule.json().at("stateMachine"), "ledger-reconciliation");
  EXPECT_EQ(schedule.json().at("nextFireAt"), "2026-01-12T04:00:00.000Z");

  const std::string name = "ledger-reconciliation-20260112T040000Z";
  const std::string id = "ledger-reconciliation:" + name;
  advance({{"to", "2026-01-12T03:59:00Z"}});  // a minute before: nothing ran
  EXPECT_EQ(client_->get("/v1/executions/" + id).status, 404u);
  EXPECT_EQ(client_->get("/v1/records/reconciliation_reports/" + name).status, 404u);

  advance({{"by", "1m"}});
  const auto final = wait_final(id, std::chrono::seconds(30));
  ASSERT_EQ(final.at("status"), "SUCCEEDED") << json::serialize(final);
  const auto r = report(name);
  EXPECT_EQ(r.at("status"), "MATCH") << json::serialize(r);
  EXPECT_EQ(r.at("checkedAt"), "2026-01-12T04:00:00.000Z");
  EXPECT_EQ(r.at("totalUsers"), 1);
  EXPECT_EQ(r.at("currencies").at("USD").at("available"), 700);
  schedule = client_->get("/v1/schedules/ledger-reconciliation");
  EXPECT_EQ(schedule.json().at("nextFireAt"), "2026-01-19T04:00:00.000Z");
}

TEST_F(LedgerReconciliation, ADiscrepancyIsReportedAlertedAndCounted) {
  ASSERT_EQ(deposit("acct-r", 500, "dep-r").status, 201u);
  // One cent that no journal entry put there, edited while the daemon is stopped.
  client_.reset();
  ASSERT_EQ(daemon_->terminate(), 0);
  {
    auto db = open_stopped_store(dir_.path() + "/var");
    const std::string key = ledger::balance_key("acct-r", "USD");
    auto stored = db->get(Table::kLedgerAccounts, key);
    ASSERT_TRUE(stored);
    auto balance = ledger::balance_from_json(json::parse(*stored));
    ASSERT_TRUE(balance.ok());
    balance->available += 1;
    WriteBatch edit;
    edit.put(Table::kLedgerAccounts, key, json::serialize(ledger::to_json(*balance)));
    ASSERT_TRUE(db->commit({&edit}).ok());
  }
  start_with(extra_);

  const auto out = reconcile("recon-bad");
  EXPECT_EQ(out.at("status"), "DISCREPANCY") << json::serialize(out);
  ASSERT_TRUE(out.contains("alertId")) << json::serialize(out);

  const auto r = report("recon-bad");
  EXPECT_EQ(r.at("status"), "DISCREPANCY") << json::serialize(r);
  const auto count = r.at("discrepancies").to_number<std::int64_t>();
  EXPECT_GE(count, 1);
  const auto& results = r.at("results").as_array();
  EXPECT_EQ(static_cast<std::int64_t>(results.size()), count);
  bool named = false;
  for (const auto& d : results) {
    const auto& o = d.as_object();
    named =
        named || (o.contains("account") && o.at("account") == "acct-r" &&
                  o.at("kind") == "JournalFold" && o.at("expected") == 500 && o.at("found") == 501);
  }
  EXPECT_TRUE(named) << "no JournalFold of acct-r 500 -> 501: " << json::serialize(r);
  EXPECT_EQ(r.at("currencies").at("USD").at("available"), 501);

  {
    std::unique_lock<std::mutex> lock(mutex_);
    ASSERT_TRUE(changed_.wait_for(lock, std::chrono::seconds(10), [this] {
      return !alerts_.empty();
    })) << "no alert reached the webhook";
    const auto& alert = alerts_.front();
    EXPECT_EQ(alert.at("source"), "workflow") << json::serialize(alert);
    EXPECT_EQ(alert.at("severity"), "critical");
    EXPECT_EQ(alert.at("executionId"), "ledger-reconciliation:recon-bad");
    EXPECT_EQ(alert.at("alertId"), out.at("alertId"));
    const std::string message(alert.at("message").as_string());
    EXPECT_NE(message.find("recon-bad found " + std::to_string(count) + " discrepancies"),
              std::string::npos)
        << message;
  }

  // What the Prometheus rules read (config/prometheus/settled-alerts.yml).
  EXPECT_EQ(metric("settled_ledger_discrepancies"), static_cast<double>(count));
  EXPECT_EQ(metric("settled_reconciliation_errors_total"), static_cast<double>(count));
  EXPECT_EQ(metric(R"(settled_reconciliation_runs_total{outcome="discrepancy"})"), 1);
  EXPECT_EQ(metric(R"(settled_reconciliation_runs_total{outcome="match"})"), 0);
  EXPECT_EQ(
      metric(
          R"(settled_executions_finished_total{state_machine="ledger-reconciliation",status="SUCCEEDED"})"),
      1);
}

}  // namespace
}  // namespace settled::testing
