// Alerts reach the configured webhook as JSON, retried when the webhook fails; the engine does
// not wait for them.

#include "adapters/http_server.hpp"
#include "integration/daemon_fixture.hpp"

#include <condition_variable>
#include <mutex>

namespace settled::testing {
namespace {

namespace json = boost::json;

class AlertWebhook : public DaemonTest {
 protected:
  void SetUp() override {
    auto server = adapters::HttpServer::start(
        {"127.0.0.1", 0, 1 << 20, 16384, 1, std::chrono::seconds(60)},
        [this](adapters::HttpRequest req, adapters::HttpResponder respond) {
          std::lock_guard<std::mutex> lock(mutex_);
          ++attempts_;
          if (attempts_ == 1)
            return respond(adapters::HttpResponse{500, "{}", "application/json", {}});
          received_.push_back(json::parse(req.body).as_object());
          changed_.notify_all();
          respond(adapters::HttpResponse{204, "", "application/json", {}});
        });
    ASSERT_TRUE(server.ok()) << server.error().message;
    webhook_ = std::move(*server);
    daemon_ = std::make_unique<DaemonProcess>(
        SETTLED_BINARY,
        std::vector<std::string>{
            "--data-dir=" + dir_.path() + "/var", "--http=127.0.0.1:0",
            "--alert-webhook=http://127.0.0.1:" + std::to_string(webhook_->port()) + "/alerts",
            "--workflows-dir=" + std::string(SETTLED_SOURCE_DIR) + "/config/workflows"},
        dir_.path() + "/daemon.log");
    port_ = daemon_->wait_ready();
    client_ = std::make_unique<HttpClient>("127.0.0.1", port_);
  }

  std::unique_ptr<adapters::HttpServer> webhook_;
  std::mutex mutex_;
  std::condition_variable changed_;
  int attempts_ = 0;
  std::vector<json::object> received_;
};

TEST_F(AlertWebhook, FailedPaymentAlertsReachTheWebhookAfterARetry) {
  ASSERT_EQ(start_payment("p-alert", "pm_sim_unavailable").status, 201u);
  EXPECT_EQ(wait_final("payment:p-alert").at("status").as_string(), "FAILED");
  std::unique_lock<std::mutex> lock(mutex_);
  // Two alerts: the engine's (retries exhausted) and the workflow's AlertOperators step. The
  // first delivery attempt gets a 500 and is retried after a second.
  ASSERT_TRUE(
      changed_.wait_for(lock, std::chrono::seconds(30), [this] { return received_.size() >= 2; }))
      << "attempts=" << attempts_ << " received=" << received_.size();
  std::set<std::string> sources;
  for (const auto& alert : received_) {
    sources.insert(std::string(alert.at("source").as_string()));
    EXPECT_EQ(alert.at("executionId").as_string(), "payment:p-alert");
    EXPECT_EQ(alert.at("paymentId").as_string(), "p-alert");
  }
  EXPECT_EQ(sources, (std::set<std::string>{"retries_exhausted", "workflow"}));
  EXPECT_GE(attempts_, 3);
  EXPECT_NE(daemon_->output().find("alert.webhook_retry"), std::string::npos);
}

}  // namespace
}  // namespace settled::testing
