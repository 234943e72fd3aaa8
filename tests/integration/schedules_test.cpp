// Durable schedules through the real daemon on the simulated clock (docs/schedules.md): a daily
// schedule in a time zone starts one execution per fire, named by the schedule and the fire time,
// with the schedule's input; kill -9 and restart neither repeat a fire nor lose the schedule;
// a change or a delete takes effect; bad requests are refused with the JSON error shape and
// change nothing.

#include "domain/time.hpp"
#include "integration/ops_fixture.hpp"

#include <fstream>
#include <string>

namespace settled::testing {
namespace {

namespace json = boost::json;
namespace http = boost::beast::http;

class SchedulesDaemon : public OpsTest {
 protected:
  void add_workflows() override {
    write_workflow("payroll-run", R"({"StartAt": "Pay", "States": {
      "Pay": {"Type": "Pass", "End": true}}})");
  }

  std::vector<std::string> daemon_flags() const override {
    return {"--clock=simulated", "--clock-start=2026-01-05T09:00:00Z"};
  }

  HttpResult put(const std::string& name, const std::string& body) {
    return client_->request(http::verb::put, "/v1/schedules/" + name, body);
  }

  void advance(const std::string& by) {
    auto res = client_->post("/v1/clock/advance", R"({"by": ")" + by + R"("})");
    ASSERT_EQ(res.status, 200u) << res.body;
  }

  // The ids of the executions the schedule "payroll" started, in order.
  std::vector<std::string> fired() {
    std::vector<std::string> ids;
    for (const char* day : {"20260105", "20260106", "20260107", "20260108", "20260109"}) {
      const std::string id = std::string("payroll-run:payroll-") + day + "T010000Z";
      auto res = client_->get("/v1/executions/" + id);
      if (res.status == 200) ids.push_back(id);
    }
    return ids;
  }
};

TEST_F(SchedulesDaemon, ADailyScheduleStartsOneExecutionPerFireWithItsInput) {
  // 02:00 in Berlin (CET) is 01:00 UTC; the clock starts at 09:00 UTC on the 5th.
  auto created = put("payroll", R"({"cron": "0 2 * * *", "timezone": "Europe/Berlin",
      "stateMachine": "payroll-run", "input": {"payrollId": "p-7"}})");
  ASSERT_EQ(created.status, 201u) << created.body;
  EXPECT_EQ(created.json().at("nextFireAt"), "2026-01-06T01:00:00.000Z");
  EXPECT_EQ(created.json().at("lastFireAt"), nullptr);
  EXPECT_TRUE(fired().empty());
  advance("2d");  // to the 7th, 09:00 UTC: the fires of the 6th and the 7th
  EXPECT_EQ(fired(), (std::vector<std::string>{"payroll-run:payroll-20260106T010000Z",
                                               "payroll-run:payroll-20260107T010000Z"}));
  auto run = client_->get("/v1/executions/payroll-run:payroll-20260107T010000Z").json();
  EXPECT_EQ(run.at("status"), "SUCCEEDED");
  EXPECT_EQ(run.at("input"), json::parse(R"({"payrollId": "p-7"})"));
  auto shown = client_->get("/v1/schedules/payroll");
  ASSERT_EQ(shown.status, 200u) << shown.body;
  EXPECT_EQ(shown.json().at("lastFireAt"), "2026-01-07T01:00:00.000Z");
  EXPECT_EQ(shown.json().at("nextFireAt"), "2026-01-08T01:00:00.000Z");
  auto listed = client_->get("/v1/schedules").json();
  ASSERT_EQ(listed.at("schedules").as_array().size(), 1u);
}

TEST_F(SchedulesDaemon, KillNineAndRestartNeitherRepeatNorLoseAFire) {
  ASSERT_EQ(put("payroll", R"({"cron": "0 1 * * *", "stateMachine": "payroll-run"})").status, 201u);
  advance("1d");
  ASSERT_EQ(fired().size(), 1u);
  client_.reset();
  daemon_->kill9();
  start_with(extra_);
  // The schedule is back, its last fire remembered: nothing fires twice.
  auto shown = client_->get("/v1/schedules/payroll");
  ASSERT_EQ(shown.status, 200u) << shown.body;
  EXPECT_EQ(shown.json().at("lastFireAt"), "2026-01-06T01:00:00.000Z");
  EXPECT_EQ(fired().size(), 1u);
  advance("2d");
  EXPECT_EQ(fired().size(), 3u);
  auto metrics = client_->get("/metrics").body;
  EXPECT_NE(metrics.find("settled_schedule_fires_total{outcome=\"started\",schedule=\"payroll\"}"),
            std::string::npos)
      << metrics;
  // A deleted schedule's series go with it (names are the client's: they would pile up).
  ASSERT_EQ(client_->request(http::verb::delete_, "/v1/schedules/payroll", "").status, 200u);
  metrics = client_->get("/metrics").body;
  EXPECT_EQ(metrics.find("schedule=\"payroll\""), std::string::npos) << metrics;
}

TEST_F(SchedulesDaemon, AChangeAndADeleteTakeEffect) {
  ASSERT_EQ(put("payroll", R"({"cron": "0 1 * * *", "stateMachine": "payroll-run"})").status, 201u);
  auto changed =
      put("payroll", R"j({"cron": "cron(0 1 ? * MON *)", "stateMachine": "payroll-run"})j");
  ASSERT_EQ(changed.status, 200u) << changed.body;
  // Monday the 5th is past 01:00 already: the next Monday.
  EXPECT_EQ(changed.json().at("nextFireAt"), "2026-01-12T01:00:00.000Z");
  advance("3d");
  EXPECT_TRUE(fired().empty());
  auto deleted = client_->request(http::verb::delete_, "/v1/schedules/payroll", "");
  ASSERT_EQ(deleted.status, 200u) << deleted.body;
  EXPECT_EQ(client_->get("/v1/schedules/payroll").status, 404u);
  advance("7d");
  EXPECT_EQ(client_->get("/v1/executions/payroll-run:payroll-20260112T010000Z").status, 404u);
}

TEST_F(SchedulesDaemon, BadRequestsAreRefusedAndChangeNothing) {
  for (const char* body :
       {R"({"stateMachine": "payroll-run"})", R"({"cron": "99 * * * *", "stateMachine": "x"})",
        R"({"cron": "0 1 * * *", "stateMachine": "payroll-run", "timezone": "Nowhere/City"})",
        R"({"cron": "0 1 * * *", "stateMachine": "payroll-run", "input": "text"})",
        R"({"cron": "0 1 * * *", "stateMachine": "payroll-run", "extra": true})", "not json",
        "[]"}) {
    auto refused = put("payroll", body);
    EXPECT_EQ(refused.status, 400u) << body << " -> " << refused.body;
    EXPECT_TRUE(refused.json().as_object().contains("error")) << refused.body;
  }
  EXPECT_EQ(put("bad.name", R"({"cron": "0 1 * * *", "stateMachine": "payroll-run"})").status,
            400u);
  EXPECT_EQ(client_->request(http::verb::post, "/v1/schedules/payroll", "{}").status, 405u);
  EXPECT_EQ(client_->get("/v1/schedules/payroll").status, 404u);
  EXPECT_EQ(client_->get("/v1/schedules").json().at("schedules").as_array().size(), 0u);
}

TEST_F(SchedulesDaemon, SettlectlPutsShowsListsAndDeletesSchedules) {
  const std::string file = dir_.path() + "/payroll.json";
  std::ofstream(file) << R"({"cron": "0 1 * * *", "stateMachine": "payroll-run",
                             "input": {"payrollId": "p-1"}})";
  auto put_result = ctl_json({"schedules", "put", "payroll", file});
  EXPECT_EQ(put_result.at("nextFireAt"), "2026-01-06T01:00:00.000Z") << put_result;
  EXPECT_EQ(ctl_json({"schedules", "show", "payroll"}).at("cron"), "0 1 * * *");
  EXPECT_EQ(ctl_json({"schedules", "list"}).at("schedules").as_array().size(), 1u);
  // The same schedule over HTTP.
  EXPECT_EQ(client_->get("/v1/schedules/payroll").json().at("input"),
            json::parse(R"({"payrollId": "p-1"})"));
  ctl_json({"schedules", "delete", "payroll"});
  auto missing = ctl_json({"schedules", "show", "payroll"}, 1);
  EXPECT_EQ(missing.at("error"), "ScheduleDoesNotExist") << missing;
}

}  // namespace
}  // namespace settled::testing
