// Alerts reach the configured webhook as JSON, retried when the webhook fails; the engine does
// not wait for them.

#include "adapters/http/http_server.hpp"
#include "fakes/tls_http_server.hpp"
#include "integration/daemon_fixture.hpp"

#include <condition_variable>
#include <fstream>
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
  EXPECT_NE(daemon_->wait_for_output("alert.webhook_retry"), "");
}

// The same alerts over https, to a server whose certificate comes from a private CA named by
// alert-webhook-ca-file: the chain and the host name are verified.
class AlertWebhookTls : public DaemonTest {
 protected:
  void start(bool trust_the_server) {
    const auto cert = SelfSignedCert::make("localhost", "DNS:localhost,IP:127.0.0.1");
    webhook_ = std::make_unique<TlsHttpServer>(cert, [this](const TlsHttpServer::Request& req) {
      std::lock_guard<std::mutex> lock(mutex_);
      received_.push_back(json::parse(req.body()).as_object());
      changed_.notify_all();
      return TlsHttpServer::Response{boost::beast::http::status::no_content, 11};
    });
    const std::string ca_file = dir_.path() + "/alerts-ca.pem";
    std::ofstream(ca_file) << cert.cert_pem;
    std::vector<std::string> args{
        "--data-dir=" + dir_.path() + "/var", "--http=127.0.0.1:0",
        "--alert-webhook=https://localhost:" + std::to_string(webhook_->port()) + "/alerts",
        "--workflows-dir=" + std::string(SETTLED_SOURCE_DIR) + "/config/workflows"};
    if (trust_the_server) args.push_back("--alert-webhook-ca-file=" + ca_file);
    daemon_ = std::make_unique<DaemonProcess>(SETTLED_BINARY, args, dir_.path() + "/daemon.log");
    port_ = daemon_->wait_ready();
    client_ = std::make_unique<HttpClient>("127.0.0.1", port_);
  }

  std::unique_ptr<TlsHttpServer> webhook_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<json::object> received_;
};

TEST_F(AlertWebhookTls, AlertsReachAnHttpsWebhookSignedByTheConfiguredCa) {
  start(true);
  ASSERT_EQ(start_payment("p-tls", "pm_sim_unavailable").status, 201u);
  EXPECT_EQ(wait_final("payment:p-tls").at("status").as_string(), "FAILED");
  std::unique_lock<std::mutex> lock(mutex_);
  ASSERT_TRUE(
      changed_.wait_for(lock, std::chrono::seconds(30), [this] { return received_.size() >= 2; }))
      << "received=" << received_.size();
  for (const auto& alert : received_) EXPECT_EQ(alert.at("paymentId").as_string(), "p-tls");
  EXPECT_EQ(webhook_->failed_handshakes(), 0);
}

TEST_F(AlertWebhookTls, AnUntrustedCertificateIsRefusedAndRetried) {
  start(false);
  ASSERT_EQ(start_payment("p-untrusted", "pm_sim_unavailable").status, 201u);
  EXPECT_EQ(wait_final("payment:p-untrusted").at("status").as_string(), "FAILED");
  // The alert is logged and retried; the webhook never gets a body.
  const std::string retried = daemon_->wait_for_output("alert.webhook_retry");
  EXPECT_NE(retried.find("certificate verify failed"), std::string::npos) << retried;
  EXPECT_GE(webhook_->wait_for_failed_handshakes(1, std::chrono::seconds(10)), 1);
  std::lock_guard<std::mutex> lock(mutex_);
  EXPECT_TRUE(received_.empty());
}

}  // namespace
}  // namespace settled::testing
