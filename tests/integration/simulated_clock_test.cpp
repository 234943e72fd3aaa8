// The simulated clock through the real daemon (docs/clock.md): `--clock=simulated` stands time
// still until POST /v1/clock/advance, which runs real definitions with their real waits (a
// 24-hour review, a 7-day decision, callback TimeoutSeconds and HeartbeatSeconds, an execution's
// TimeoutSeconds, an escrow's expiry) to their end in seconds; the time survives kill -9; a bad
// advance changes nothing; live Stripe keys refuse it; the system clock cannot be advanced.

#include "domain/time.hpp"
#include "integration/ops_fixture.hpp"
#include "support/eventually.hpp"

#include <chrono>
#include <cstdlib>
#include <string>

namespace settled::testing {
namespace {

namespace json = boost::json;

constexpr const char* kStartText = "2026-01-05T09:00:00Z";
constexpr EpochMillis kHour = 3'600'000;
constexpr EpochMillis kDay = 24 * kHour;

EpochMillis millis(const json::value& timestamp) {
  return parse_timestamp(std::string(timestamp.as_string())).value_or(-1);
}

std::string callback_task(int timeout_seconds, int heartbeat_seconds) {
  json::object ask{
      {"Type", "Task"},
      {"Resource", "settled:records.put.waitForTaskToken"},
      {"Parameters", json::object{{"collection", "asks"},
                                  {"key.$", "$$.Execution.Name"},
                                  {"record", json::object{{"token.$", "$$.Task.Token"}}}}},
      {"TimeoutSeconds", timeout_seconds},
      {"End", true}};
  if (heartbeat_seconds) ask["HeartbeatSeconds"] = heartbeat_seconds;
  return json::serialize(json::object{{"StartAt", "Ask"}, {"States", {{"Ask", ask}}}});
}

class SimulatedClockDaemon : public OpsTest {
 protected:
  void add_workflows() override {
    // The shape of the shipped review-then-decide workflows: a day's review, a week's decision.
    write_workflow("review", R"({"StartAt": "Review", "States": {
      "Review": {"Type": "Wait", "Seconds": 86400, "Next": "Decide"},
      "Decide": {"Type": "Wait", "Seconds": 604800, "Next": "Done"},
      "Done": {"Type": "Pass", "Result": "decided", "ResultPath": "$.outcome", "End": true}}})");
    write_workflow("ask", callback_task(7 * 86400, 0));
    write_workflow("ask-beat", callback_task(7 * 86400, 3600));
    // A read of a record that never exists fails each attempt: retried after 1 h, then 2 h.
    write_workflow("retry", R"({"StartAt": "Read", "States": {
      "Read": {"Type": "Task", "Resource": "settled:records.get",
               "Parameters": {"collection": "nowhere", "key": "none"},
               "Retry": [{"ErrorEquals": ["Records.NotFound"], "IntervalSeconds": 3600,
                          "BackoffRate": 2, "MaxAttempts": 2}],
               "End": true}}})");
    write_workflow("deadline", R"({"StartAt": "Nap", "TimeoutSeconds": 7200, "States": {
      "Nap": {"Type": "Wait", "Seconds": 86400, "End": true}}})");
  }

  std::vector<std::string> daemon_flags() const override {
    return {"--clock=simulated", std::string("--clock-start=") + kStartText};
  }

  json::object clock() {
    auto res = client_->get("/v1/clock");
    EXPECT_EQ(res.status, 200u) << res.body;
    return res.json().as_object();
  }

  HttpResult advance(const std::string& body) { return client_->post("/v1/clock/advance", body); }

  // Advances and expects it done: the answer comes once everything due has fired and settled.
  json::object advance_ok(const std::string& body) {
    auto res = advance(body);
    EXPECT_EQ(res.status, 200u) << res.body;
    return res.status == 200 ? res.json().as_object() : json::object{};
  }

  HttpResult start(const std::string& machine, const std::string& name) {
    return client_->post(
        "/v1/executions",
        json::serialize(
            json::object{{"stateMachine", machine}, {"name", name}, {"input", json::object{}}}));
  }

  json::object describe(const std::string& id) {
    auto res = client_->get("/v1/executions/" + id);
    EXPECT_EQ(res.status, 200u) << res.body;
    return res.json().as_object();
  }

  // The token a callback task stored in its record (the task runs right after the start).
  std::string token_of(const std::string& name) {
    std::string token;
    EXPECT_TRUE(eventually([&] {
      auto record = client_->get("/v1/records/asks/" + name);
      if (record.status != 200) return false;
      token = std::string(record.json().at("record").at("token").as_string());
      return true;
    }));
    return token;
  }
};

TEST_F(SimulatedClockDaemon, StartsAtClockStartAndStandsStill) {
  const EpochMillis origin = *parse_timestamp(kStartText);
  auto c = clock();
  EXPECT_EQ(c.at("mode"), "simulated");
  EXPECT_EQ(c.at("nowMillis").to_number<EpochMillis>(), origin);
  auto started = start("review", "r-0");
  ASSERT_EQ(started.status, 201u) << started.body;
  EXPECT_EQ(millis(started.json().at("startDate")), origin);
  EXPECT_EQ(describe("review:r-0").at("status"), "RUNNING");
  // Wall time has passed since the start (requests, commits); this clock has not moved.
  EXPECT_EQ(clock().at("nowMillis").to_number<EpochMillis>(), origin);
}

TEST_F(SimulatedClockDaemon, ADayReviewAndAWeekDecisionRunToTheEndInOneAdvance) {
  ASSERT_EQ(start("review", "r-1").status, 201u);
  const auto wall = std::chrono::steady_clock::now();
  advance_ok(R"({"by": "23h"})");
  EXPECT_EQ(describe("review:r-1").at("status"), "RUNNING");
  auto done = advance_ok(R"({"by": "10d"})");
  EXPECT_EQ(done.at("mode"), "simulated");
  EXPECT_EQ(millis(done.at("now")), *parse_timestamp(kStartText) + 23 * kHour + 10 * kDay);
  EXPECT_GE(done.at("fired").to_number<std::int64_t>(), 2);
  // Answered once settled: the execution's end is already durable and visible.
  auto d = describe("review:r-1");
  EXPECT_EQ(d.at("status"), "SUCCEEDED") << json::serialize(d);
  EXPECT_EQ(d.at("output").at("outcome"), "decided");
  // Each wait ended exactly at its due time, the second set by the first's end.
  EXPECT_EQ(millis(d.at("stopDate")) - millis(d.at("startDate")), kDay + 7 * kDay);
  EXPECT_LT(std::chrono::steady_clock::now() - wall, std::chrono::seconds(20));
}

TEST_F(SimulatedClockDaemon, CallbackTimeoutSecondsEndsTheTaskOnTheSimulatedClock) {
  ASSERT_EQ(start("ask", "a-1").status, 201u);
  ASSERT_FALSE(token_of("a-1").empty());
  advance_ok(R"({"by": "6d"})");
  EXPECT_EQ(describe("ask:a-1").at("status"), "RUNNING");
  advance_ok(R"({"by": "1d"})");
  auto d = describe("ask:a-1");
  EXPECT_EQ(d.at("status"), "FAILED") << json::serialize(d);
  EXPECT_EQ(d.at("error"), "States.Timeout");
  EXPECT_EQ(millis(d.at("stopDate")) - millis(d.at("startDate")), 7 * kDay);
}

TEST_F(SimulatedClockDaemon, HeartbeatsKeepATaskAliveUntilOneIsMissedOnTheSimulatedClock) {
  ASSERT_EQ(start("ask-beat", "b-1").status, 201u);
  const std::string token = token_of("b-1");
  ASSERT_FALSE(token.empty());
  for (int beat = 0; beat < 3; ++beat) {
    advance_ok(R"({"by": "50m"})");
    auto res =
        client_->post("/v1/tasks/heartbeat", json::serialize(json::object{{"taskToken", token}}));
    ASSERT_EQ(res.status, 200u) << res.body;
  }
  EXPECT_EQ(describe("ask-beat:b-1").at("status"), "RUNNING");  // 150 min in, beating
  advance_ok(R"({"by": "59m"})");
  EXPECT_EQ(describe("ask-beat:b-1").at("status"), "RUNNING");
  advance_ok(R"({"by": "1m"})");  // an hour since the last beat
  auto d = describe("ask-beat:b-1");
  EXPECT_EQ(d.at("status"), "FAILED") << json::serialize(d);
  EXPECT_EQ(d.at("error"), "States.Timeout");
  EXPECT_NE(std::string(d.at("cause").as_string()).find("HeartbeatSeconds"), std::string::npos);
  EXPECT_EQ(millis(d.at("stopDate")) - millis(d.at("startDate")), 150 * 60'000 + kHour);
}

TEST_F(SimulatedClockDaemon, RetryBackoffWaitsOnTheSimulatedClock) {
  ASSERT_EQ(start("retry", "t-1").status, 201u);
  advance_ok(R"({"by": "179m"})");  // the first retry at 1 h has run; the second is due at 3 h
  EXPECT_EQ(describe("retry:t-1").at("status"), "RUNNING");
  advance_ok(R"({"by": "1m"})");
  auto d = describe("retry:t-1");
  EXPECT_EQ(d.at("status"), "FAILED") << json::serialize(d);
  EXPECT_EQ(d.at("error"), "Records.NotFound");
  EXPECT_EQ(millis(d.at("stopDate")) - millis(d.at("startDate")), 3 * kHour);
}

TEST_F(SimulatedClockDaemon, AnExecutionTimeoutFiresOnTheSimulatedClock) {
  ASSERT_EQ(start("deadline", "d-1").status, 201u);
  advance_ok(R"({"by": "119m"})");
  EXPECT_EQ(describe("deadline:d-1").at("status"), "RUNNING");
  advance_ok(R"({"to": "2026-01-06T00:00:00Z"})");
  auto d = describe("deadline:d-1");
  EXPECT_EQ(d.at("status"), "TIMED_OUT") << json::serialize(d);
  EXPECT_EQ(millis(d.at("stopDate")) - millis(d.at("startDate")), 2 * kHour);
}

TEST_F(SimulatedClockDaemon, AnEscrowExpiresWhenTheSimulatedClockReachesItsDeadline) {
  ASSERT_EQ(client_
                ->post("/v1/accounts/alice/deposits",
                       R"({"amount": 1000, "currency": "USD", "idempotencyKey": "d-1"})")
                .status,
            201u);
  auto held = client_->post("/v1/ledger/operations", R"({"operation": "hold",
      "idempotencyKey": "h-1", "parameters": {"escrowId": "e-1", "payer": "alice",
      "payee": "bob", "amount": 400, "currency": "USD", "expiresAt": "2026-01-08T09:00:00Z"}})");
  ASSERT_EQ(held.status, 201u) << held.body;
  const auto escrow_status = [&] {
    auto res = client_->get("/v1/escrows/e-1");
    EXPECT_EQ(res.status, 200u) << res.body;
    return std::string(res.json().at("status").as_string());
  };
  advance_ok(R"({"to": "2026-01-08T08:59:59Z"})");
  EXPECT_EQ(escrow_status(), "HELD");
  advance_ok(R"({"by": "1s"})");
  EXPECT_EQ(escrow_status(), "EXPIRED");
  auto alice = client_->get("/v1/accounts/alice").json();
  EXPECT_EQ(alice.at("balances").at("USD").at("available"), 1000);
}

TEST_F(SimulatedClockDaemon, KillNineAndRestartResumeAtTheSimulatedTime) {
  ASSERT_EQ(start("review", "k-1").status, 201u);
  auto moved = advance_ok(R"({"by": "3d"})");  // past the review, into the decision
  const EpochMillis at = moved.at("nowMillis").to_number<EpochMillis>();
  client_.reset();
  daemon_->kill9();
  start_with(extra_);  // the same --clock-start: the stored time wins
  EXPECT_EQ(clock().at("nowMillis").to_number<EpochMillis>(), at);
  EXPECT_EQ(describe("review:k-1").at("status"), "RUNNING");
  advance_ok(R"({"by": "7d"})");
  auto d = describe("review:k-1");
  EXPECT_EQ(d.at("status"), "SUCCEEDED") << json::serialize(d);
  EXPECT_EQ(millis(d.at("stopDate")) - millis(d.at("startDate")), 8 * kDay);
}

TEST_F(SimulatedClockDaemon, BadAdvancesAreRefusedAndChangeNothing) {
  ASSERT_EQ(start("review", "n-1").status, 201u);
  const auto before = clock();
  const std::vector<std::pair<std::string, std::string>> bodies{
      {R"({"by": "-1d"})", "InvalidRequest"},
      {R"({"by": "0s"})", "InvalidRequest"},
      {R"({"by": "7x"})", "InvalidRequest"},
      {R"({"by": "1.5h"})", "InvalidRequest"},
      {R"({"by": 7})", "InvalidRequest"},
      {R"({"by": "367d"})", "InvalidRequest"},
      {R"({"to": "2025-01-01T00:00:00Z"})", "InvalidRequest"},
      {R"({"to": "tomorrow"})", "InvalidRequest"},
      {R"({"to": "2030-01-01T00:00:00Z"})", "InvalidRequest"},  // over 366 days ahead
      {R"({"by": "1d", "to": "2026-01-07T00:00:00Z"})", "InvalidRequest"},
      {R"({})", "InvalidRequest"},
      {R"({"by": "1d", "extra": true})", "InvalidRequest"},
      {R"([])", "InvalidRequest"},
      {R"({"by": )", "InvalidJson"},
  };
  for (const auto& [body, error] : bodies) {
    auto res = advance(body);
    EXPECT_EQ(res.status, 400u) << body << ": " << res.body;
    EXPECT_EQ(res.json().at("error").as_string(), error.c_str()) << body << ": " << res.body;
    EXPECT_TRUE(res.json().at("message").is_string()) << body;
  }
  EXPECT_EQ(client_->get("/v1/clock/advance").status, 405u);
  EXPECT_EQ(clock(), before);
  EXPECT_EQ(describe("review:n-1").at("status"), "RUNNING");
  // Nor did they move the stored time: a restart is where it was.
  restart();
  EXPECT_EQ(clock(), before);
}

TEST_F(SimulatedClockDaemon, SettlectlShowsAndAdvancesTheClock) {
  auto shown = ctl_json({"clock", "show"});
  EXPECT_EQ(shown.at("mode"), "simulated");
  auto moved = ctl_json({"clock", "advance", "36h"});
  EXPECT_EQ(millis(moved.at("now")), *parse_timestamp(kStartText) + 36 * kHour);
  moved = ctl_json({"clock", "advance", "2026-01-08T00:00:00Z"});
  EXPECT_EQ(moved.at("now"), "2026-01-08T00:00:00.000Z");
  auto refused = ctl_json({"clock", "advance", "soon"}, 1);
  EXPECT_EQ(refused.at("error"), "InvalidRequest");
  EXPECT_EQ(clock().at("now"), "2026-01-08T00:00:00.000Z");
}

// The default, wall-time clock: shown, never advanced.
class SystemClockDaemon : public OpsTest {};

TEST_F(SystemClockDaemon, TheSystemClockIsShownAndCannotBeAdvanced) {
  auto res = client_->get("/v1/clock");
  ASSERT_EQ(res.status, 200u) << res.body;
  EXPECT_EQ(res.json().at("mode"), "system");
  const auto wall = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::system_clock::now().time_since_epoch())
                        .count();
  EXPECT_LT(std::abs(res.json().at("nowMillis").to_number<EpochMillis>() - wall), 60'000);
  auto refused = client_->post("/v1/clock/advance", R"({"by": "1d"})");
  EXPECT_EQ(refused.status, 400u) << refused.body;
  EXPECT_EQ(refused.json().at("error"), "InvalidRequest");
  EXPECT_NE(refused.body.find("--clock=simulated"), std::string::npos) << refused.body;
}

// Starts settled with `args` and returns what it printed, expecting it to refuse to start.
std::string refusal(const TempDir& dir, std::vector<std::string> args) {
  args.push_back("--data-dir=" + dir.path() + "/var");
  args.push_back("--http=127.0.0.1:0");
  args.push_back("--workflows-dir=" + std::string(SETTLED_SOURCE_DIR) + "/config/workflows");
  DaemonProcess daemon(SETTLED_BINARY, args);
  try {
    daemon.wait_ready(std::chrono::seconds(20));
  } catch (const std::exception& e) {
    return e.what();
  }
  ADD_FAILURE() << "settled started with an invalid configuration";
  return {};
}

TEST(SimulatedClockConfig, LiveStripeAndBadClockOptionsStopTheDaemon) {
  TempDir dir;
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases{
      {{"--clock=simulated", "--stripe-mode=live", "--stripe-secret-key=sk_test_x"},
       "a simulated clock is refused with stripe-mode=live"},
      {{"--clock=fake"}, "invalid value for clock"},
      {{"--clock-start=2026-01-05T09:00:00Z"}, "invalid value for clock-start"},
      {{"--clock=simulated", "--clock-start=yesterday"}, "invalid value for clock-start"},
      {{"--clock=simulated", "--clock-quiet-ms=0"}, "invalid value for clock-quiet-ms"},
  };
  for (const auto& [args, message] : cases) {
    const std::string out = refusal(dir, args);
    EXPECT_NE(out.find("exit code 2"), std::string::npos) << args.front() << ": " << out;
    EXPECT_NE(out.find(message), std::string::npos) << args.front() << ": " << out;
  }
}

}  // namespace
}  // namespace settled::testing
