// GET /metrics on a real daemon: Prometheus text that promtool accepts, with counters that
// follow the work done.

#include "integration/daemon_fixture.hpp"

#include <cstdio>
#include <fstream>

namespace settled::testing {
namespace {

class Metrics : public DaemonTest {
 protected:
  // Value of the sample line that starts with `series` (name and labels as rendered).
  static double sample(const std::string& text, const std::string& series) {
    std::size_t pos = 0;
    while ((pos = text.find(series + " ", pos)) != std::string::npos) {
      if (pos == 0 || text[pos - 1] == '\n') return std::stod(text.substr(pos + series.size() + 1));
      pos += series.size();
    }
    return -1;
  }
};

TEST_F(Metrics, CountsExecutionsTasksAndCommitsAndPassesPromtool) {
  ASSERT_EQ(start_payment("p-metrics", "pm_card_visa").status, 201u);
  ASSERT_EQ(start_payment("p-metrics-declined", "pm_card_chargeDeclined").status, 201u);
  wait_final("payment:p-metrics");
  wait_final("payment:p-metrics-declined");

  auto res = client_->get("/metrics");
  ASSERT_EQ(res.status, 200u);
  EXPECT_NE(res.header("Content-Type").find("text/plain"), std::string::npos);
  const std::string& text = res.body;
  EXPECT_EQ(sample(text, R"(settled_executions_started_total{state_machine="payment"})"), 2);
  EXPECT_EQ(
      sample(text,
             R"(settled_executions_finished_total{state_machine="payment",status="SUCCEEDED"})"),
      1);
  EXPECT_EQ(
      sample(text, R"(settled_executions_finished_total{state_machine="payment",status="FAILED"})"),
      1);
  EXPECT_EQ(
      sample(
          text,
          R"(settled_task_attempts_total{outcome="failed",resource="settled:stripe.paymentIntents.create"})"),
      1);
  EXPECT_EQ(sample(text, "settled_open_executions"), 0);
  EXPECT_GE(sample(text, R"(settled_store_commits_total{result="ok"})"), 2);
  EXPECT_EQ(sample(text, "settled_ingestion_ack_seconds_count"), 2);

  const std::string file = dir_.path() + "/metrics.txt";
  std::ofstream(file) << text;
  const std::string command = "promtool check metrics < " + file + " 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string output;
  char buf[512];
  while (std::fgets(buf, sizeof buf, pipe)) output += buf;
  EXPECT_EQ(::pclose(pipe), 0)
      << "promtool (installed by scripts/install-deps.sh) refused /metrics:\n"
      << output;
}

}  // namespace
}  // namespace settled::testing
