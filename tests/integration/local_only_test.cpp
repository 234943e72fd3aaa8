// Local-only mode (no api-key-hashes) through the real daemon: a web page whose DNS name was
// rebound to 127.0.0.1 gets nothing. Its browser's same-origin GETs carry no Origin and no
// Sec-Fetch-Site, but they carry the page's own name as Host, which is neither localhost nor a
// loopback address: refused 403 before any route, reading nothing and storing nothing.

#include "integration/daemon_fixture.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <string>
#include <vector>

namespace settled::testing {
namespace {

class LocalOnlyMode : public DaemonTest {
 protected:
  std::string deposit_body(const std::string& key) const {
    return R"({"amount":5000,"currency":"USD","idempotencyKey":")" + key + R"("})";
  }
  std::size_t journal_entries() {
    auto journal = client_->get("/v1/accounts/alice/journal");
    EXPECT_EQ(journal.status, 200u) << journal.body;
    return journal.json().at("entries").as_array().size();
  }
};

TEST_F(LocalOnlyMode, ARequestForAnotherHostNameIsRefusedAndReadsOrStoresNothing) {
  ASSERT_EQ(client_->post("/v1/accounts/alice/deposits", deposit_body("d-1")).status, 201u);
  ASSERT_EQ(start_payment("p-1", "pm_card_visa").status, 201u);

  const std::string rebound = "evil.example:" + std::to_string(port_);
  for (const char* target :
       {"/v1/accounts/alice", "/v1/accounts/alice/journal", "/v1/executions/payment:p-1",
        "/v1/executions/payment:p-1/history", "/metrics", "/healthz"}) {
    SCOPED_TRACE(target);
    auto read = client_->get(target, {{"Host", rebound}});
    ASSERT_EQ(read.status, 403u) << read.body;
    const auto body = read.json().as_object();
    EXPECT_EQ(body.size(), 2u) << read.body;
    EXPECT_EQ(body.at("error").as_string(), "Forbidden");
    EXPECT_NE(body.at("message").as_string().find("evil.example"), std::string::npos) << read.body;
    EXPECT_EQ(read.body.find("alice\",\"balances"), std::string::npos);
  }
  auto deposit = client_->post("/v1/accounts/alice/deposits", deposit_body("d-2"),
                               {{"Host", rebound}, {"Content-Type", "text/plain"}});
  EXPECT_EQ(deposit.status, 403u) << deposit.body;
  EXPECT_EQ(journal_entries(), 1u);

  // Every name of this machine's loopback the daemon is reached by is answered.
  const std::string port = std::to_string(port_);
  for (const std::string& host : std::vector<std::string>{
           "127.0.0.1:" + port, "localhost:" + port, "LOCALHOST", "127.0.0.1", "[::1]:" + port}) {
    SCOPED_TRACE(host);
    auto read = client_->get("/v1/accounts/alice", {{"Host", host}});
    EXPECT_EQ(read.status, 200u) << read.body;
  }
  // HTTP/1.0 without a Host: no browser sends one.
  auto old = client_->raw("GET /v1/accounts/alice HTTP/1.0\r\n\r\n");
  EXPECT_EQ(old.status, 200u) << old.body;
  EXPECT_EQ(old.json().at("account").as_string(), "alice");
}

}  // namespace
}  // namespace settled::testing
