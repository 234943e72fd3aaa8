// Issue 9 item 1: with API keys configured, no spelling of a /v1 target reaches a handler
// without a key. Each non-canonical form is refused (400) or asks for the key (401), and
// nothing is stored: no execution, no deposit.

#include "adapters/http/api_keys.hpp"
#include "integration/ops_fixture.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <chrono>
#include <string>
#include <vector>

namespace settled::testing {
namespace {

namespace json = boost::json;
namespace http = boost::beast::http;

constexpr const char* kKey = "sk_test_target";

class RequestTargets : public OpsTest {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(workflows_dir());
    std::filesystem::copy(std::string(SETTLED_SOURCE_DIR) + "/config/workflows", workflows_dir());
    // Scope admin: the deposits below are the ledger's raw route (docs/identities.md).
    start_with({"--api-key-hashes=[\"tester:admin:" + adapters::sha256_hex(kKey) + "\"]"});
  }

  static HttpHeaders with_key() { return {{"Authorization", "Bearer " + std::string(kKey)}}; }

  static std::string deposit_body() {
    return R"({"amount":100000,"currency":"USD","idempotencyKey":"mint-1"})";
  }

  // Nothing the hostile requests asked for exists: looked up the canonical way, with the key.
  void expect_nothing_stored() {
    auto execution = client_->get("/v1/executions/payment:t-1", with_key());
    EXPECT_EQ(execution.status, 404u) << execution.body;
    auto journal = client_->get("/v1/accounts/u1/journal", with_key());
    ASSERT_EQ(journal.status, 200u) << journal.body;
    EXPECT_TRUE(journal.json().at("entries").as_array().empty()) << journal.body;
    EXPECT_TRUE(charges().empty());
  }
};

struct Hostile {
  const char* target;
  bool deposit;  // else a payment execution
};

// Every spelling of the two money-moving routes a normaliser could map onto them.
const std::vector<Hostile> kHostile = {
    {"//v1/executions", false},
    {"/%761/executions", false},
    {"/%76%31/executions", false},
    {"/v1//executions", false},
    {"/v1/./executions", false},
    {"/v1/../v1/executions", false},
    {"/v1/%2e/executions", false},
    {"/v1/%2E%2E/v1/executions", false},
    {"/v1/executions/", false},
    {"/v1/executions/.", false},
    {"/v1%2Fexecutions", false},
    {"/v1%2fexecutions", false},
    {"/v1%5Cexecutions", false},
    {"/v1\\executions", false},
    {"/v1/executions%00", false},
    {"/v1/executions?x=%00", false},
    {"http://127.0.0.1/v1/executions", false},
    {"http://127.0.0.1//v1/executions", false},
    {"//v1/accounts/u1/deposits", true},
    {"/%761/accounts/u1/deposits", true},
    {"/v1/accounts/u1/deposits/", true},
    {"/v1/accounts/./u1/deposits", true},
    {"/v1/accounts/u1%2Fdeposits", true},
    {"http://127.0.0.1/v1/accounts/u1/deposits", true},
};

TEST_F(RequestTargets, EveryNonCanonicalSpellingIsRefusedOrNeedsTheKeyAndStoresNothing) {
  const std::string payment = payment_body("t-1", "pm_card_visa");
  for (const auto& hostile : kHostile) {
    SCOPED_TRACE(hostile.target);
    auto res = client_->post(hostile.target, hostile.deposit ? deposit_body() : payment);
    ASSERT_TRUE(res.status == 400u || res.status == 401u) << res.status << " " << res.body;
    const auto body = res.json().as_object();
    if (res.status == 400u) {
      EXPECT_EQ(body.at("error").as_string(), "InvalidRequest") << res.body;
    } else {
      EXPECT_EQ(body.at("error").as_string(), "Unauthorized") << res.body;
    }
  }
  expect_nothing_stored();
  // The daemon is still serving, and the canonical requests with the key do what they say:
  // so the checks above can tell "nothing stored" from "nothing could be stored".
  EXPECT_EQ(client_->post("/v1/accounts/u1/deposits", deposit_body(), with_key()).status, 201u);
  EXPECT_EQ(client_->post("/v1/executions", payment, with_key()).status, 201u);
  EXPECT_EQ(
      client_->get("/v1/accounts/u1/journal", with_key()).json().at("entries").as_array().size(),
      1u);
  EXPECT_EQ(client_->get("/v1/executions/payment:t-1", with_key()).status, 200u);
}

TEST_F(RequestTargets, ARefusalSaysWhatWasWrongWithTheTarget) {
  auto empty = client_->post("//v1/executions", "{}");
  ASSERT_EQ(empty.status, 400u);
  EXPECT_NE(empty.json().at("message").as_string().find("empty path segment"), std::string::npos)
      << empty.body;
  auto dot = client_->get("/v1/%2e%2e/metrics");
  ASSERT_EQ(dot.status, 400u);
  EXPECT_NE(dot.json().at("message").as_string().find("dot segment"), std::string::npos)
      << dot.body;
  auto slash = client_->get("/v1/executions/a%2Fb", with_key());
  ASSERT_EQ(slash.status, 400u);
  EXPECT_NE(slash.json().at("message").as_string().find("encoded \"/\""), std::string::npos)
      << slash.body;
  auto absolute = client_->get("http://127.0.0.1/healthz");
  ASSERT_EQ(absolute.status, 400u);
  EXPECT_NE(absolute.json().at("message").as_string().find("origin-form"), std::string::npos)
      << absolute.body;
  auto asterisk = client_->request(http::verb::options, "*", "");
  EXPECT_EQ(asterisk.status, 400u) << asterisk.body;
  auto repeated = client_->get("/v1/accounts/u1/journal?limit=1&limit=10000", with_key());
  ASSERT_EQ(repeated.status, 400u);
  EXPECT_NE(repeated.json().at("message").as_string().find("more than once"), std::string::npos)
      << repeated.body;
}

TEST_F(RequestTargets, EncodedCharactersInAnIdAreDecodedOnceForEveryLayer) {
  ASSERT_EQ(client_->post("/v1/executions", payment_body("t-1", "pm_card_visa"), with_key()).status,
            201u);
  // "%3A" is ":" and "%2D" is "-": the same execution, and the key is still needed.
  EXPECT_EQ(client_->get("/v1/executions/payment%3At%2D1").status, 401u);
  auto found = client_->get("/v1/executions/payment%3At%2D1", with_key());
  EXPECT_EQ(found.status, 200u) << found.body;
  EXPECT_EQ(found.json().at("executionId").as_string(), "payment:t-1");
}

// A request that no key authenticates is answered from its headers when the route it names
// would refuse it anyway: the client announces a megabyte and sends none of it, and still gets
// its answer at once (before the fix: a minute's wait, the body's memory held meanwhile).
TEST_F(RequestTargets, AKeylessRequestForABodyNoOpenRouteTakesIsAnsweredBeforeTheBody) {
  struct Case {
    const char* request_line;
    unsigned status;
    const char* error;  // "error" of the JSON answer, or AWS's "__type"
  };
  for (const Case& c :
       {Case{"POST / HTTP/1.1", 400u, "MissingAuthenticationTokenException"},
        Case{"PUT / HTTP/1.1", 405u, "MethodNotAllowed"},
        Case{"POST /healthz HTTP/1.1", 400u, "InvalidRequest"},
        Case{"POST /anything HTTP/1.1", 400u, "InvalidRequest"},
        Case{"GET /v1/simulator/stripe/charges HTTP/1.1", 400u, "InvalidRequest"}}) {
    const auto started = std::chrono::steady_clock::now();
    auto refused = client_->raw(std::string(c.request_line) +
                                "\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                                "Content-Length: 1000000\r\n\r\n");
    EXPECT_EQ(refused.status, c.status) << c.request_line << ": " << refused.body;
    const auto answer = refused.json().as_object();
    const auto* error =
        answer.if_contains("__type") ? answer.if_contains("__type") : answer.if_contains("error");
    ASSERT_NE(error, nullptr) << refused.body;
    EXPECT_EQ(error->as_string(), c.error) << c.request_line;
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5))
        << c.request_line;
  }
  // The open routes still answer a request without a body.
  EXPECT_EQ(client_->get("/healthz").status, 200u);
}

}  // namespace
}  // namespace settled::testing
