// A disk that answers EIO, through the real daemon with the EIO shim preloaded
// (tests/support/io_fault_shim.cpp): writes get 503 StoreUnavailable and change nothing, reads
// keep serving, readiness says why, one alert goes out, an execution caught between transitions
// retries its commit with a growing backoff; once the disk works again everything carries on
// by itself, nothing acknowledged is lost and the ledger reconciles.

#include "domain/time.hpp"
#include "integration/io_fault.hpp"
#include "integration/ledger_fixture.hpp"
#include "support/eventually.hpp"

#include <sstream>

namespace settled::testing {
namespace {

namespace json = boost::json;

class StoreIoError : public LedgerTest {
 protected:
  void SetUp() override {
    fault_ = IoFault(data_dir(), dir_.path() + "/eio-on", calls());
    daemon_env_ = fault_.env();
    LedgerTest::SetUp();
  }

  void add_workflows() override {
    write_workflow("pause", R"({"StartAt": "Nap", "States": {
      "Nap": {"Type": "Wait", "Seconds": 2, "Next": "Done"},
      "Done": {"Type": "Succeed"}}})");
  }

  HttpResult start_pause(const std::string& name) {
    return client_->post(
        "/v1/executions",
        json::serialize(
            json::object{{"stateMachine", "pause"}, {"name", name}, {"input", json::object{}}}));
  }

  // The daemon's JSON log lines of `event` about `execution_id`, in order.
  std::vector<json::object> log_lines(const std::string& event, const std::string& execution_id) {
    std::vector<json::object> out;
    std::istringstream lines(daemon_->output());
    for (std::string line; std::getline(lines, line);) {
      if (line.find("\"event\":\"" + event + "\"") == std::string::npos) continue;
      boost::system::error_code ec;
      auto value = json::parse(line, ec);
      if (ec || !value.is_object()) continue;
      const auto* id = value.as_object().if_contains("executionId");
      if (id && id->is_string() && id->as_string() == execution_id)
        out.push_back(value.as_object());
    }
    return out;
  }

  std::string metrics() { return client_->get("/metrics").body; }

  std::string data_dir() const { return dir_.path() + "/var"; }
  // Which calls fail (IoFault): all of them here.
  virtual std::string calls() const { return ""; }
  void restart_after_kill_keeping_env() {
    client_.reset();
    daemon_->kill9();
    start_with(extra_);
  }

  IoFault fault_{"", ""};  // set in SetUp, where calls() is the subclass's
};

TEST_F(StoreIoError, WritesAre503ReadsServeOneAlertBackoffAndItRecoversByItself) {
  ASSERT_EQ(deposit("alice", 10'000, "dep-before").status, 201u);
  ASSERT_EQ(start_payment("before", "pm_card_visa").status, 201u);
  EXPECT_EQ(wait_final("payment:before").at("status"), "SUCCEEDED");
  // Acknowledged (its start and its wait are durable); its next transition meets the fault.
  ASSERT_EQ(start_pause("waiter").status, 201u);

  fault_.fail();
  auto refused = deposit("alice", 500, "dep-during");
  EXPECT_EQ(refused.status, 503u) << refused.body;
  EXPECT_EQ(refused.json().at("error"), "StoreUnavailable") << refused.body;
  auto refused_start = start_payment("during", "pm_card_visa");
  EXPECT_EQ(refused_start.status, 503u) << refused_start.body;
  EXPECT_EQ(refused_start.json().at("error"), "StoreUnavailable") << refused_start.body;
  // The shim failed the daemon's own data file, not something else.
  EXPECT_NE(daemon_->wait_for_output("io_fault_shim: EIO"), "");
  EXPECT_NE(daemon_->wait_for_output(data_dir() + "/data.mdb"), "");

  // Reads go on and show only what was acknowledged.
  EXPECT_EQ(balance("alice"), (std::array<std::int64_t, 3>{10'000, 0, 0}));
  EXPECT_EQ(journal("alice").size(), 1u);
  auto before = client_->get("/v1/executions/payment:before");
  ASSERT_EQ(before.status, 200u) << before.body;
  EXPECT_EQ(before.json().at("status"), "SUCCEEDED");
  EXPECT_EQ(client_->get("/v1/executions/payment:during").status, 404u);
  EXPECT_EQ(client_->get("/healthz").status, 200u);
  auto ready = client_->get("/readyz");
  EXPECT_EQ(ready.status, 503u) << ready.body;
  EXPECT_NE(ready.json().at("checks").at("store").as_string().find("StoreUnavailable"),
            std::string::npos)
      << ready.body;

  // One alert for the episode, however many commits fail.
  EXPECT_NE(daemon_->wait_for_output(R"("source":"store_unavailable")", std::chrono::seconds(10)),
            "");
  for (int i = 0; i < 5; ++i) (void)deposit("bob", 1, "more-" + std::to_string(i));
  const std::string during = metrics();
  EXPECT_NE(during.find(R"(settled_alerts_total{source="store_unavailable"} 1)"), std::string::npos)
      << during;
  EXPECT_NE(during.find("settled_store_writable 0"), std::string::npos) << during;

  // The waiting execution's commit fails; it retries after 1 s, 2 s, 4 s, ... not every second,
  // each lengthened by up to a quarter (executions that failed together come back spread out).
  std::vector<json::object> failures;
  EXPECT_TRUE(eventually(
      [&] {
        failures = log_lines("execution.commit_failed", "pause:waiter");
        return failures.size() >= 3;
      },
      std::chrono::seconds(30), std::chrono::milliseconds(50)))
      << failures.size() << " commit failures of pause:waiter";
  ASSERT_GE(failures.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    const double retry = failures[i].at("retryInSeconds").to_number<double>();
    EXPECT_GE(retry, double(1 << i)) << json::serialize(failures[i]);
    EXPECT_LE(retry, 1.25 * double(1 << i)) << json::serialize(failures[i]);
    if (i == 0) continue;
    const auto previous = parse_timestamp(std::string(failures[i - 1].at("ts").as_string()));
    const auto current = parse_timestamp(std::string(failures[i].at("ts").as_string()));
    ASSERT_TRUE(previous && current);
    // The retry came no sooner than the delay announced before it.
    const double announced = failures[i - 1].at("retryInSeconds").to_number<double>();
    EXPECT_GE(*current - *previous, static_cast<std::int64_t>(announced * 1000) - 50)
        << json::serialize(failures[i - 1]) << "\n"
        << json::serialize(failures[i]);
  }
  EXPECT_EQ(client_->get("/v1/executions/pause:waiter").json().at("status"), "RUNNING");

  // The disk works again: everything resumes without a restart.
  fault_.heal();
  HttpResult retried;
  EXPECT_TRUE(eventually(
      [&] {
        retried = deposit("alice", 500, "dep-during");
        return retried.status == 201u;
      },
      std::chrono::seconds(30), std::chrono::milliseconds(100)))
      << retried.body;
  EXPECT_TRUE(eventually([&] { return client_->get("/readyz").status == 200u; },
                         std::chrono::seconds(10), std::chrono::milliseconds(100)));
  EXPECT_NE(daemon_->wait_for_output("store.recovered", std::chrono::seconds(5)), "");
  // The backoff is capped and short at first: the waiter finishes on its next try.
  EXPECT_EQ(wait_final("pause:waiter", std::chrono::seconds(90)).at("status"), "SUCCEEDED");
  ASSERT_EQ(start_payment("after", "pm_card_visa").status, 201u);
  EXPECT_EQ(wait_final("payment:after").at("status"), "SUCCEEDED");

  // Nothing acknowledged was lost, nothing refused was half kept.
  EXPECT_EQ(balance("alice"), (std::array<std::int64_t, 3>{10'500, 0, 0}));
  EXPECT_EQ(journal("alice").size(), 2u);
  EXPECT_EQ(client_->get("/v1/executions/payment:before").json().at("status"), "SUCCEEDED");
  EXPECT_EQ(client_->get("/v1/executions/payment:during").status, 404u);
  reconcile_ok();
  EXPECT_TRUE(daemon_->running());
}

// EIO on LMDB's meta page only (the data pages were written and synced): LMDB then marks the
// environment fatal and refuses every transaction, reads included, until it is reopened. The
// store reopens it at once: reads keep serving, and writes resume when the disk does.
class StoreMetaPageError : public StoreIoError {
 protected:
  std::string calls() const override { return "meta"; }
};

TEST_F(StoreMetaPageError, APanickedEnvironmentIsReopenedReadsServeWritesResume) {
  ASSERT_EQ(deposit("alice", 10'000, "dep-before").status, 201u);
  ASSERT_EQ(start_payment("before", "pm_card_visa").status, 201u);
  EXPECT_EQ(wait_final("payment:before").at("status"), "SUCCEEDED");

  fault_.fail();
  auto refused = deposit("alice", 500, "dep-during");
  EXPECT_EQ(refused.status, 503u) << refused.body;
  EXPECT_EQ(refused.json().at("error"), "StoreUnavailable") << refused.body;
  EXPECT_NE(daemon_->wait_for_output("io_fault_shim: EIO pwrite " + data_dir() + "/data.mdb"), "");
  EXPECT_NE(daemon_->wait_for_output("store.reopened", std::chrono::seconds(5)), "");

  // Reads: not 500 (LMDB's MDB_PANIC) but what was acknowledged.
  EXPECT_EQ(balance("alice"), (std::array<std::int64_t, 3>{10'000, 0, 0}));
  auto before = client_->get("/v1/executions/payment:before");
  ASSERT_EQ(before.status, 200u) << before.body;
  EXPECT_EQ(before.json().at("status"), "SUCCEEDED");
  EXPECT_EQ(client_->get("/readyz").status, 503u);
  // Still failing: every further commit is refused again, and reopens again.
  EXPECT_EQ(deposit("alice", 500, "dep-during").status, 503u);
  EXPECT_EQ(balance("alice"), (std::array<std::int64_t, 3>{10'000, 0, 0}));

  fault_.heal();
  HttpResult retried;
  EXPECT_TRUE(eventually(
      [&] {
        retried = deposit("alice", 500, "dep-during");
        return retried.status == 201u;
      },
      std::chrono::seconds(30), std::chrono::milliseconds(100)))
      << retried.body;
  EXPECT_TRUE(eventually([&] { return client_->get("/readyz").status == 200u; },
                         std::chrono::seconds(10), std::chrono::milliseconds(100)));
  EXPECT_EQ(balance("alice"), (std::array<std::int64_t, 3>{10'500, 0, 0}));
  reconcile_ok();

  // What the reopened environment wrote is on disk: a restart sees the same.
  restart_after_kill_keeping_env();
  EXPECT_EQ(balance("alice"), (std::array<std::int64_t, 3>{10'500, 0, 0}));
  EXPECT_EQ(journal("alice").size(), 2u);
  EXPECT_EQ(client_->get("/v1/executions/payment:before").json().at("status"), "SUCCEEDED");
  reconcile_ok();
}

}  // namespace
}  // namespace settled::testing
