// Durable timers through the real daemon: a long Wait passivates the execution (no actor while
// it waits) and the timer actor brings it back; waits survive kill -9; a timer that fell due
// while the daemon was down fires at start; TimeoutSeconds times an execution out.

#include "domain/time.hpp"
#include "integration/ops_fixture.hpp"
#include "support/eventually.hpp"

#include <algorithm>
#include <thread>

namespace settled::testing {
namespace {

namespace json = boost::json;

class DurableTimers : public OpsTest {
 protected:
  void add_workflows() override {
    write_workflow("sleepy", R"({"StartAt": "Nap", "States": {
      "Nap": {"Type": "Wait", "SecondsPath": "$.seconds", "Next": "Done"},
      "Done": {"Type": "Pass", "Result": "awake", "ResultPath": "$.state", "End": true}}})");
    write_workflow("deadline", R"({"StartAt": "Nap", "TimeoutSeconds": 2, "States": {
      "Nap": {"Type": "Wait", "Seconds": 3600, "End": true}}})");
  }

  HttpResult start_sleepy(const std::string& name, std::int64_t seconds) {
    return client_->post(
        "/v1/executions",
        json::serialize(json::object{
            {"stateMachine", "sleepy"}, {"name", name}, {"input", {{"seconds", seconds}}}}));
  }

  void kill_and_restart() {
    client_.reset();
    daemon_->kill9();
    start_with(extra_);
  }

  json::object status() { return ctl_json({"status"}).as_object(); }
};

TEST_F(DurableTimers, WaitingExecutionsHoldNoActorAndWakeOnTime) {
  // Forty that wait an hour (so none can finish while this checks them, however slowly they
  // were started) and a few that wake within seconds.
  const int sleepers = 40, wakers = 5;
  for (int i = 0; i < sleepers; ++i)
    ASSERT_EQ(start_sleepy("long-" + std::to_string(i), 3600).status, 201u);
  for (int i = 0; i < wakers; ++i)
    ASSERT_EQ(start_sleepy("nap-" + std::to_string(i), 3).status, 201u);
  // Each start is acknowledged after its first commit, which already holds the wait; the
  // actors then end.
  json::object s;
  EXPECT_TRUE(eventually(
      [&] {
        s = status();
        return s.at("runningExecutions").to_number<std::int64_t>() == 0;
      },
      std::chrono::seconds(20), std::chrono::milliseconds(20)))
      << json::serialize(s);
  EXPECT_GE(s.at("openExecutions").at("RUNNING").to_number<std::int64_t>(), sleepers);
  for (int i = 0; i < wakers; ++i) {
    auto done = wait_final("sleepy:nap-" + std::to_string(i));
    EXPECT_EQ(done.at("status"), "SUCCEEDED");
    EXPECT_EQ(done.at("output").at("state"), "awake");
    // Not before its due time: the stop is at least 3 s after the start.
    const auto start = parse_timestamp(std::string(done.at("startDate").as_string()));
    const auto stop = parse_timestamp(std::string(done.at("stopDate").as_string()));
    ASSERT_TRUE(start && stop);
    EXPECT_GE(*stop - *start, 3000);
  }
  EXPECT_EQ(status().at("openExecutions").at("RUNNING").to_number<std::int64_t>(), sleepers);
}

TEST_F(DurableTimers, AWaitSurvivesKillNine) {
  ASSERT_EQ(start_sleepy("killed", 3).status, 201u);
  kill_and_restart();
  auto done = wait_final("sleepy:killed");
  EXPECT_EQ(done.at("status"), "SUCCEEDED");
  EXPECT_EQ(done.at("output").at("state"), "awake");
}

TEST_F(DurableTimers, ATimerDueWhileTheDaemonWasDownFiresAtStart) {
  constexpr int kSeconds = 6;
  ASSERT_EQ(start_sleepy("overdue", kSeconds).status, 201u);
  const auto due = std::chrono::system_clock::now() + std::chrono::seconds(kSeconds);
  client_.reset();
  ASSERT_EQ(daemon_->terminate(), 0);
  // The scenario itself: the due time passes while nothing runs.
  std::this_thread::sleep_until(due + std::chrono::milliseconds(200));
  const auto restarted = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
  start_with(extra_);
  auto done = wait_final("sleepy:overdue", std::chrono::seconds(30));
  EXPECT_EQ(done.at("status"), "SUCCEEDED");
  const auto stop = parse_timestamp(std::string(done.at("stopDate").as_string()));
  ASSERT_TRUE(stop);
  // It fired at start: well before a wait counted again from the restart (kSeconds) would.
  EXPECT_GE(*stop, restarted);
  EXPECT_LT(*stop - restarted, (kSeconds - 2) * 1000)
      << "the overdue timer fired " << (*stop - restarted) << " ms after the restart";
}

TEST_F(DurableTimers, TimeoutSecondsTimesTheExecutionOutEvenAcrossARestart) {
  ASSERT_EQ(client_
                ->post("/v1/executions", R"({"stateMachine": "deadline", "name": "late",
                                             "input": {}})")
                .status,
            201u);
  kill_and_restart();
  auto done = wait_final("deadline:late", std::chrono::seconds(15));
  EXPECT_EQ(done.at("status"), "TIMED_OUT");
  EXPECT_EQ(done.at("error"), "States.Timeout");
  bool timed_out_event = false;
  for (const auto& event : history("deadline:late"))
    timed_out_event = timed_out_event || event.at("type") == "ExecutionTimedOut";
  EXPECT_TRUE(timed_out_event);
  auto metrics = client_->get("/metrics");
  EXPECT_NE(metrics.body.find("TIMED_OUT"), std::string::npos);
}

}  // namespace
}  // namespace settled::testing

namespace settled::testing {
namespace {

// The timer actor keeps in memory only the timers due within its window (timer-window-ms); a
// Wait several windows long must still fire on time, read from the store as its time comes,
// and once after a kill -9 (the restarted daemon knows it only from the store).
class TimerWindow : public DurableTimers {
 protected:
  static constexpr std::int64_t kWindowMs = 1000;
  static constexpr std::int64_t kWaitSeconds = 4;  // four windows
  // A scan every half window plus scheduling: how late a timer may fire (generous for
  // sanitizer builds on a loaded machine, far below another wait).
  static constexpr std::int64_t kLatenessMs = 2500;

  std::vector<std::string> daemon_flags() const override {
    // debug: the timer actor logs "timers.loaded" when a scan reads timers from the store.
    return {"--timer-window-ms=" + std::to_string(kWindowMs), "--log-level=debug"};
  }

  // The wait was beyond the window when committed: a scan loaded it, within one window of its
  // due time (`start` + the wait), not the commit (nor, after a restart, the first scan).
  void expect_loaded_by_a_scan_near_its_due_time(std::int64_t start) {
    const std::string line =
        daemon_->wait_for_output(R"("event":"timers.loaded")", std::chrono::seconds(1));
    ASSERT_NE(line, "") << "no scan loaded the timer: was the window applied?";
    const auto ts = parse_timestamp(std::string(json::parse(line).at("ts").as_string()));
    ASSERT_TRUE(ts) << line;
    EXPECT_GE(*ts, start + kWaitSeconds * 1000 - kWindowMs - 50)
        << "loaded more than a window before it was due: " << line;
  }

  // Millis of an execution's startDate and stopDate.
  static std::pair<std::int64_t, std::int64_t> start_and_stop(const json::object& done) {
    const auto start = parse_timestamp(std::string(done.at("startDate").as_string()));
    const auto stop = parse_timestamp(std::string(done.at("stopDate").as_string()));
    EXPECT_TRUE(start && stop);
    return {start.value_or(0), stop.value_or(0)};
  }

  std::size_t waits_exited(const std::string& execution_id) {
    const auto types = event_types(history(execution_id));
    return static_cast<std::size_t>(std::count(types.begin(), types.end(), "WaitStateExited"));
  }
};

TEST_F(TimerWindow, AWaitBeyondTheWindowFiresOnTime) {
  ASSERT_EQ(start_sleepy("far", kWaitSeconds).status, 201u);
  EXPECT_EQ(client_->get("/v1/executions/sleepy:far").json().at("status"), "RUNNING");
  auto done = wait_final("sleepy:far", std::chrono::seconds(30));
  EXPECT_EQ(done.at("status"), "SUCCEEDED");
  EXPECT_EQ(done.at("output").at("state"), "awake");
  const auto [start, stop] = start_and_stop(done);
  EXPECT_GE(stop - start, kWaitSeconds * 1000) << "fired before its due time";
  EXPECT_LE(stop - start, kWaitSeconds * 1000 + kLatenessMs) << "fired late";
  EXPECT_EQ(waits_exited("sleepy:far"), 1u);
  expect_loaded_by_a_scan_near_its_due_time(start);
}

TEST_F(TimerWindow, AWaitBeyondTheWindowFiresOnceAfterAKillNine) {
  ASSERT_EQ(start_sleepy("far-killed", kWaitSeconds).status, 201u);
  kill_and_restart();
  EXPECT_EQ(client_->get("/v1/executions/sleepy:far-killed").json().at("status"), "RUNNING");
  auto done = wait_final("sleepy:far-killed", std::chrono::seconds(30));
  EXPECT_EQ(done.at("status"), "SUCCEEDED");
  const auto [start, stop] = start_and_stop(done);
  EXPECT_GE(stop - start, kWaitSeconds * 1000) << "fired before its due time";
  EXPECT_LE(stop - start, kWaitSeconds * 1000 + kLatenessMs) << "fired late";
  EXPECT_EQ(waits_exited("sleepy:far-killed"), 1u);
  expect_loaded_by_a_scan_near_its_due_time(start);
}

}  // namespace
}  // namespace settled::testing
