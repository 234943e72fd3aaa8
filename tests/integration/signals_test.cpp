// Signals a user or an init system sends the real daemon: SIGHUP re-reads the workflows
// directory (as `settlectl workflows reload` does), SIGINT drains and exits 0 like SIGTERM, and
// what was running resumes at the next start.

#include "integration/ops_fixture.hpp"
#include "support/eventually.hpp"

#include <signal.h>

namespace settled::testing {
namespace {

namespace json = boost::json;

constexpr const char* kHold = R"({"StartAt": "Hold", "States": {
  "Hold": {"Type": "Wait", "Seconds": 3600, "Next": "Done"}, "Done": {"Type": "Succeed"}}})";

class Signals : public OpsTest {
 protected:
  HttpResult start(const std::string& machine, const std::string& name) {
    return client_->post(
        "/v1/executions",
        json::serialize(
            json::object{{"stateMachine", machine}, {"name", name}, {"input", json::object{}}}));
  }
};

TEST_F(Signals, SighupReloadsTheWorkflowsDirectory) {
  write_workflow("added", kHold);
  ASSERT_EQ(start("added", "a1").status, 404u);  // not read yet
  ASSERT_EQ(::kill(daemon_->pid(), SIGHUP), 0);
  EXPECT_TRUE(eventually([&] { return start("added", "a1").status == 201u; },
                         std::chrono::seconds(20), std::chrono::milliseconds(50)))
      << "the workflow written before SIGHUP never became startable\n"
      << daemon_->output();
  EXPECT_TRUE(daemon_->running());
}

TEST_F(Signals, SigintDrainsExitsZeroAndTheWorkResumesAtTheNextStart) {
  write_workflow("hold", kHold);
  ASSERT_EQ(ctl({"workflows", "reload"}).code, 0);
  ASSERT_EQ(start("hold", "h1").status, 201u);
  client_.reset();
  // 0: drained and exited by itself; -1 would mean it had to be SIGKILLed at the deadline.
  EXPECT_EQ(daemon_->stop_with(SIGINT, std::chrono::seconds(60)), 0) << daemon_->output();
  start_with(extra_);
  auto described = client_->get("/v1/executions/hold:h1");
  ASSERT_EQ(described.status, 200u) << described.body;
  EXPECT_EQ(described.json().at("status"), "RUNNING");
  EXPECT_EQ(ctl_json({"status"}).at("openExecutions").at("RUNNING").to_number<int>(), 1);
}

}  // namespace
}  // namespace settled::testing
