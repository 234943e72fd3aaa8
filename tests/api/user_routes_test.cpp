// The time bank's registration routes (src/api/user_routes.hpp) before any workflow starts: what
// they take, who may transfer, and the refusals that start nothing. (Starting and answering are
// the integration tests': tests/integration/time_bank_registrations_test.cpp.)

#include "api/user_routes.hpp"

#include "adapters/http/request_target.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <string>

namespace settled::api {
namespace {

namespace json = boost::json;

struct Answer {
  bool routed = false;
  unsigned status = 0;
  json::value body;
};

// No supervisor in these deps: a request that passes every check answers Draining (503), which
// tells it would have started its workflow.
Answer send(const std::string& method, const std::string& target, const json::value& body,
            Caller caller = Caller::local()) {
  adapters::HttpRequest req;
  req.method = method;
  req.target = target;
  req.parsed_target = *adapters::parse_request_target(target);
  req.body = json::serialize(body);
  req.caller = std::move(caller);
  Answer out;
  adapters::HttpResponder respond = [&](adapters::HttpResponse res) {
    out.status = res.status;
    out.body = json::parse(res.body);
  };
  HttpRoutesDeps deps;
  out.routed = route_time_bank_registrations(req, respond, deps);
  return out;
}

json::object transfer_body() {
  return json::object{{"toUserId", "u-1"},
                      {"amount", 1.5},
                      {"transferType", "REFUND"},
                      {"description", "d"},
                      {"idempotencyKey", "k-1"}};
}

TEST(UserRoutes, TakesOnlyItsThreePaths) {
  EXPECT_FALSE(send("POST", "/v1/executions", json::object{}).routed);
  EXPECT_FALSE(send("GET", "/v1/users/u-1/notifications", json::object{}).routed);
  auto get = send("GET", "/v1/users", json::object{});
  EXPECT_TRUE(get.routed);
  EXPECT_EQ(get.status, 405u);
}

TEST(UserRoutes, AUserNeedsASafeId) {
  EXPECT_EQ(send("POST", "/v1/users", json::object{{"userId", "u-1"}}).status, 503u);
  EXPECT_EQ(send("POST", "/v1/users", json::object{{"id", "u-1"}, {"userId", "u-1"}}).status, 503u);
  for (const json::object& bad :
       {json::object{}, json::object{{"userId", "a/b"}}, json::object{{"userId", ""}},
        json::object{{"userId", 7}}, json::object{{"id", "a"}, {"userId", "b"}},
        json::object{{"userId", "u"}, {"email", 1}},
        json::object{{"userId", "u"}, {"name", std::string(501, 'n')}},
        json::object{{"userId", "u"}, {"isAdmin", true}}}) {
    auto refused = send("POST", "/v1/users", bad);
    EXPECT_EQ(refused.status, 400u) << json::serialize(bad);
  }
}

TEST(UserRoutes, AServiceNeedsItsIdProviderAndTitle) {
  const json::object ok{{"id", "s-1"}, {"providerId", "p-1"}, {"title", "Gardening"}};
  EXPECT_EQ(send("POST", "/v1/services", ok).status, 503u);
  for (const char* missing : {"id", "providerId", "title"}) {
    json::object body = ok;
    body.erase(missing);
    auto refused = send("POST", "/v1/services", body);
    EXPECT_EQ(refused.status, 400u) << missing;
  }
  json::object inactive = ok;
  inactive["isActive"] = "no";
  EXPECT_EQ(send("POST", "/v1/services", inactive).status, 400u);
}

TEST(UserRoutes, OnlyAnAdminTransfersAndNeverAWelcomeBonus) {
  EXPECT_EQ(send("POST", "/v1/transfers", transfer_body()).status, 503u);  // local: every scope
  EXPECT_EQ(
      send("POST", "/v1/transfers", transfer_body(), Caller{"alice", {"admin"}, false}).status,
      503u);
  auto forbidden =
      send("POST", "/v1/transfers", transfer_body(), Caller{"bob", {"support"}, false});
  EXPECT_EQ(forbidden.status, 403u);
  EXPECT_EQ(forbidden.body.at("error"), "Forbidden");
  EXPECT_EQ(send("POST", "/v1/transfers", transfer_body(), Caller{}).status, 403u);
  json::object bonus = transfer_body();
  bonus["transferType"] = "WELCOME_BONUS";
  auto refused = send("POST", "/v1/transfers", bonus);
  EXPECT_EQ(refused.status, 400u);
  EXPECT_NE(json::serialize(refused.body).find("POST /v1/users"), std::string::npos);
  for (const auto& [field, value] :
       std::vector<std::pair<std::string, json::value>>{{"transferType", "GIFT"},
                                                        {"idempotencyKey", "a/b"},
                                                        {"toUserId", ""},
                                                        {"fromUserId", "u-1"},
                                                        {"adminId", "mallory"}}) {
    json::object body = transfer_body();
    body[field] = value;
    EXPECT_EQ(send("POST", "/v1/transfers", body).status, 400u) << field;
  }
  for (const char* missing : {"idempotencyKey", "toUserId", "amount", "transferType"}) {
    json::object body = transfer_body();
    body.erase(missing);
    EXPECT_EQ(send("POST", "/v1/transfers", body).status, 400u) << missing;
  }
}

}  // namespace
}  // namespace settled::api
