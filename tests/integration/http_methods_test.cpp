// Methods at the HTTP edge, through the real daemon (RFC 9110): HEAD on every GET route answers
// as the GET does, with its status, Content-Type and Content-Length but no body; a method a
// route does not take is 405 MethodNotAllowed in the JSON error shape with an Allow header
// listing the route's methods, and changes nothing.

#include "integration/daemon_fixture.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <string>
#include <vector>

namespace settled::testing {
namespace {

namespace http = boost::beast::http;

class HttpMethods : public DaemonTest {};

TEST_F(HttpMethods, HeadOnEveryGetRouteAnswersAsTheGetWithoutTheBody) {
  ASSERT_EQ(start_payment("p-1", "pm_card_visa").status, 201u);
  wait_final("payment:p-1");
  ASSERT_EQ(client_
                ->post("/v1/accounts/alice/deposits",
                       R"({"amount":100,"currency":"USD","idempotencyKey":"d-1"})")
                .status,
            201u);
  // Every GET route, answered 200 or (a missing id) with its error: HEAD must say the same.
  for (const char* target : {"/healthz",
                             "/readyz",
                             "/v1/executions/payment:p-1",
                             "/v1/executions/payment:p-1/history",
                             "/v1/executions/payment:none",
                             "/v1/state-machines",
                             "/v1/state-machines/payment",
                             "/v1/state-machines/payment/versions/1",
                             "/v1/clock",
                             "/v1/accounts/alice",
                             "/v1/accounts/alice/journal",
                             "/v1/escrows/none",
                             "/v1/records/payments/p-1",
                             "/v1/schedules",
                             "/v1/users/alice/notifications",
                             "/v1/webhooks/stripe/events",
                             "/v1/webhooks/veriff/decisions",
                             "/v1/simulator/stripe/payment_intents",
                             "/v1/simulator/stripe/requests",
                             "/v1/simulator/stripe/charges"}) {
    SCOPED_TRACE(target);
    const HttpResult get = client_->get(target);
    const HttpResult head = client_->request(http::verb::head, target, "");
    EXPECT_EQ(head.status, get.status) << get.body;
    EXPECT_TRUE(head.body.empty()) << head.body;
    EXPECT_EQ(head.header("content-type"), get.header("content-type"));
    EXPECT_EQ(head.header("content-length"), std::to_string(get.body.size()));
    EXPECT_FALSE(get.body.empty());
  }
  // /metrics changes with every request: a HEAD gets its headers, and a length, not its text.
  const HttpResult metrics = client_->request(http::verb::head, "/metrics", "");
  EXPECT_EQ(metrics.status, 200u);
  EXPECT_TRUE(metrics.body.empty());
  EXPECT_EQ(metrics.header("content-type").rfind("text/plain", 0), 0u);
  EXPECT_GT(std::stoul(metrics.header("content-length")), 100u);
  // The connection is still in step: a HEAD answer left no bytes behind for the next one.
  EXPECT_EQ(client_->get("/healthz").json().at("status").as_string(), "ok");
}

TEST_F(HttpMethods, A405NamesTheRoutesMethodsInAllowAndChangesNothing) {
  struct Case {
    http::verb method;
    const char* target;
    const char* allow;
  };
  const std::vector<Case> cases = {
      {http::verb::get, "/", "POST"},  // the Step Functions API: every operation a POST
      {http::verb::get, "/v1/executions", "POST"},
      {http::verb::head, "/v1/executions", "POST"},
      {http::verb::post, "/v1/executions/payment:p-1", "GET, HEAD"},
      {http::verb::delete_, "/v1/executions/payment:p-1/history", "GET, HEAD"},
      {http::verb::post, "/v1/state-machines", "GET, HEAD"},
      {http::verb::delete_, "/v1/state-machines/payment", "GET, HEAD, PUT"},
      {http::verb::put, "/v1/state-machines/payment/versions/1", "GET, HEAD"},
      {http::verb::post, "/healthz", "GET, HEAD"},
      {http::verb::post, "/readyz", "GET, HEAD"},
      {http::verb::post, "/metrics", "GET, HEAD"},
      {http::verb::put, "/v1/clock", "GET, HEAD"},
      {http::verb::get, "/v1/clock/advance", "POST"},
      {http::verb::get, "/v1/events", "POST"},
      {http::verb::get, "/v1/tasks/success", "POST"},
      {http::verb::delete_, "/v1/accounts/alice", "GET, HEAD"},
      {http::verb::post, "/v1/accounts/alice/journal", "GET, HEAD"},
      {http::verb::get, "/v1/accounts/alice/deposits", "POST"},
      {http::verb::post, "/v1/escrows/e-1", "GET, HEAD"},
      {http::verb::get, "/v1/ledger/operations", "POST"},
      {http::verb::post, "/v1/records/payments/p-1", "GET, HEAD"},
      {http::verb::post, "/v1/schedules", "GET, HEAD"},
      {http::verb::post, "/v1/schedules/nightly", "GET, HEAD, PUT, DELETE"},
      {http::verb::get, "/v1/webhooks/stripe", "POST"},
      {http::verb::post, "/v1/webhooks/stripe/events", "GET, HEAD"},
      {http::verb::get, "/v1/webhooks/veriff", "POST"},
      {http::verb::post, "/v1/webhooks/veriff/decisions", "GET, HEAD"},
      {http::verb::post, "/v1/simulator/stripe/payment_intents", "GET, HEAD"},
      {http::verb::post, "/v1/simulator/stripe/charges", "GET, HEAD"},
      {http::verb::post, "/v1/simulator/stripe/accounts/acct_1/balance", "GET, HEAD"},
      {http::verb::get, "/v1/simulator/stripe/account_links/link_1/complete", "POST"},
      {http::verb::post, "/v1/simulator/veriff/sessions", "GET, HEAD"},
      {http::verb::get, "/v1/users", "POST"},
      {http::verb::get, "/v1/transfers", "POST"},
      {http::verb::post, "/v1/users/alice/notifications", "GET, HEAD"},
      {http::verb::get, "/v1/users/alice/notifications/n-1/read", "POST"},
      {http::verb::get, "/v1/service-requests/sr-1/rating", "POST"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(http::to_string(c.method)) + " " + c.target);
    const HttpResult res = client_->request(c.method, c.target, "");
    EXPECT_EQ(res.status, 405u) << res.body;
    EXPECT_EQ(res.header("allow"), c.allow);
    if (c.method == http::verb::head) {
      EXPECT_TRUE(res.body.empty());
      continue;
    }
    const auto body = res.json().as_object();
    EXPECT_EQ(body.size(), 2u) << res.body;
    EXPECT_EQ(body.at("error").as_string(), "MethodNotAllowed");
    EXPECT_NE(body.at("message").as_string().find(std::string("allowed: ") + c.allow),
              std::string::npos)
        << res.body;
  }
  // Nothing was started, deposited or scheduled by any of them.
  EXPECT_EQ(client_->get("/v1/executions/payment:p-1").status, 404u);
  EXPECT_TRUE(client_->get("/v1/accounts/alice/journal").json().at("entries").as_array().empty());
  EXPECT_EQ(client_->get("/v1/schedules/nightly").status, 404u);
}

// A method is any token up to the header limit; its 405 names at most 32 characters of it, so
// an answer never echoes kilobytes a client sent.
TEST_F(HttpMethods, AnUnknownMethodOfKilobytesIsNamedShortIn405) {
  const std::string method(10000, 'A');
  const HttpResult res =
      client_->raw(method + " /v1/executions HTTP/1.1\r\nHost: localhost\r\n\r\n");
  EXPECT_EQ(res.status, 405u);
  EXPECT_EQ(res.header("allow"), "POST");
  EXPECT_LT(res.body.size(), 300u) << res.body.size();
  EXPECT_EQ(res.json().at("message").as_string(),
            std::string(32, 'A') + "... is not allowed on /v1/executions (allowed: POST)");
  // And no route: the same.
  const HttpResult unrouted =
      client_->raw(method + " /nowhere HTTP/1.1\r\nHost: localhost\r\n\r\n");
  EXPECT_EQ(unrouted.status, 404u);
  EXPECT_LT(unrouted.body.size(), 300u) << unrouted.body.size();
  EXPECT_EQ(client_->get("/healthz").status, 200u);
}

// The path likewise: a 404 or 405 names at most 200 characters of it.
TEST_F(HttpMethods, APathOfKilobytesIsNamedShortIn404And405) {
  const std::string long_segment(8000, 'a');
  const HttpResult unrouted = client_->get("/v1/" + long_segment);
  EXPECT_EQ(unrouted.status, 404u);
  EXPECT_EQ(unrouted.json().at("message").as_string(),
            "no route for GET /v1/" + std::string(196, 'a') + "...");
  const HttpResult refused =
      client_->request(http::verb::delete_, "/v1/escrows/" + long_segment, "");
  EXPECT_EQ(refused.status, 405u);
  EXPECT_LT(refused.body.size(), 400u) << refused.body.size();
}

}  // namespace
}  // namespace settled::testing
