// The webhook client: URL parsing, plain and TLS delivery, and refusing a server whose
// certificate is not trusted or does not name the host.

#include "adapters/ops/webhook_client.hpp"
#include "fakes/tls_http_server.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <mutex>

namespace settled::testing {
namespace {

using namespace std::chrono_literals;
namespace http = boost::beast::http;

TEST(WebhookUrl, ParsesSchemesHostsPortsAndTargets) {
  auto plain = adapters::parse_webhook_url("http://alerts.internal/hook?x=1");
  ASSERT_TRUE(plain.ok());
  EXPECT_FALSE(plain->tls);
  EXPECT_EQ(plain->host, "alerts.internal");
  EXPECT_EQ(plain->port, "80");
  EXPECT_EQ(plain->target, "/hook?x=1");

  auto secure = adapters::parse_webhook_url("https://hooks.example.com");
  ASSERT_TRUE(secure.ok());
  EXPECT_TRUE(secure->tls);
  EXPECT_EQ(secure->port, "443");
  EXPECT_EQ(secure->target, "/");

  auto v6 = adapters::parse_webhook_url("https://[::1]:8443/a");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, "8443");
}

TEST(WebhookUrl, RefusesWhatIsNotAWebhookUrl) {
  for (const char* url : {"ftp://x/y", "alerts.internal/hook", "https://", "http://:80/x",
                          "https://h:0/x", "https://h:99999/x", "https://h:8o/x",
                          "https://user:pw@h/x", "https://[::1/x", "https://h:/x"}) {
    auto parsed = adapters::parse_webhook_url(url);
    EXPECT_FALSE(parsed.ok()) << url;
    if (!parsed.ok()) {
      EXPECT_NE(parsed.error().message.find(url), std::string::npos) << url;
    }
  }
}

TEST(WebhookClient, RefusesACaFileForPlainHttpAndAnUnreadableOne) {
  auto plain = adapters::WebhookClient::create("http://127.0.0.1:9/x", "/etc/hostname");
  ASSERT_FALSE(plain.ok());
  EXPECT_NE(plain.error().message.find("https"), std::string::npos);
  auto missing = adapters::WebhookClient::create("https://127.0.0.1:9/x", "/nonexistent/ca.pem");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("/nonexistent/ca.pem"), std::string::npos);
}

class WebhookClientTls : public ::testing::Test {
 protected:
  std::string write_ca(const SelfSignedCert& cert) {
    const std::string path = dir_.path() + "/ca.pem";
    std::ofstream(path) << cert.cert_pem;
    return path;
  }

  TlsHttpServer::Handler recording(unsigned status) {
    return [this, status](const TlsHttpServer::Request& req) {
      std::lock_guard<std::mutex> lock(mutex_);
      bodies_.push_back(req.body());
      hosts_.push_back(std::string(req[http::field::host]));
      TlsHttpServer::Response res{static_cast<http::status>(status), 11};
      return res;
    };
  }

  TempDir dir_;
  std::mutex mutex_;
  std::vector<std::string> bodies_;
  std::vector<std::string> hosts_;
};

TEST_F(WebhookClientTls, PostsOverTlsToATrustedServer) {
  const auto cert = SelfSignedCert::make("localhost", "DNS:localhost,IP:127.0.0.1");
  TlsHttpServer server(cert, recording(204));
  const std::string url = "https://localhost:" + std::to_string(server.port()) + "/alerts";
  auto client = adapters::WebhookClient::create(url, write_ca(cert));
  ASSERT_TRUE(client.ok()) << client.error().message;
  Status posted = client->post_json(R"({"subject":"hi"})", 5s);
  ASSERT_TRUE(posted.ok()) << posted.error().message;
  std::lock_guard<std::mutex> lock(mutex_);
  ASSERT_EQ(bodies_.size(), 1u);
  EXPECT_EQ(bodies_[0], R"({"subject":"hi"})");
  EXPECT_EQ(hosts_[0], "localhost");
}

TEST_F(WebhookClientTls, RefusesAServerItDoesNotTrust) {
  const auto cert = SelfSignedCert::make("localhost", "DNS:localhost,IP:127.0.0.1");
  TlsHttpServer server(cert, recording(204));
  auto client = adapters::WebhookClient::create(
      "https://localhost:" + std::to_string(server.port()) + "/alerts");
  ASSERT_TRUE(client.ok());
  Status posted = client->post_json("{}", 5s);
  ASSERT_FALSE(posted.ok());
  EXPECT_NE(posted.error().message.find("certificate verify failed"), std::string::npos)
      << posted.error().message;
  std::lock_guard<std::mutex> lock(mutex_);
  EXPECT_TRUE(bodies_.empty());
}

TEST_F(WebhookClientTls, RefusesACertificateForAnotherHost) {
  const auto cert = SelfSignedCert::make("other.example", "DNS:other.example");
  TlsHttpServer server(cert, recording(204));
  auto client = adapters::WebhookClient::create(
      "https://localhost:" + std::to_string(server.port()) + "/alerts", write_ca(cert));
  ASSERT_TRUE(client.ok());
  Status posted = client->post_json("{}", 5s);
  ASSERT_FALSE(posted.ok());
  EXPECT_NE(posted.error().message.find("certificate verify failed"), std::string::npos)
      << posted.error().message;
  std::lock_guard<std::mutex> lock(mutex_);
  EXPECT_TRUE(bodies_.empty());
}

TEST_F(WebhookClientTls, ANon2xxAnswerIsAnErrorNamingTheStatus) {
  const auto cert = SelfSignedCert::make("localhost", "DNS:localhost,IP:127.0.0.1");
  TlsHttpServer server(cert, recording(503));
  auto client = adapters::WebhookClient::create(
      "https://127.0.0.1:" + std::to_string(server.port()) + "/alerts", write_ca(cert));
  ASSERT_TRUE(client.ok());
  Status posted = client->post_json("{}", 5s);
  ASSERT_FALSE(posted.ok());
  EXPECT_NE(posted.error().message.find("answered 503"), std::string::npos)
      << posted.error().message;
}

}  // namespace
}  // namespace settled::testing
