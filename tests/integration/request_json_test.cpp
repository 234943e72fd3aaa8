// Issue 9 item 2 (request JSON): one bounded parse for every request body. A key given twice
// is refused, one depth limit applies, and whatever is accepted can be read back: described,
// replayed, and after a restart.

#include "domain/json_limits.hpp"
#include "integration/daemon_fixture.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

namespace settled::testing {
namespace {

namespace json = boost::json;
namespace http = boost::beast::http;

constexpr const char* kEcho = R"({"StartAt":"Done","States":{"Done":{"Type":"Pass","End":true}}})";

// Objects nested `depth` deep: {"a":{"a":...{"a":1}...}}.
std::string nested_objects(std::size_t depth) {
  std::string text;
  for (std::size_t i = 0; i < depth; ++i) text += R"({"a":)";
  return text + "1" + std::string(depth, '}');
}

// A start request for the echo machine whose whole body nests exactly `depth` levels: the body
// is one level, the input the rest.
std::string echo_start(const std::string& name, std::size_t depth) {
  return R"({"stateMachine":"echo","name":")" + name + R"(","input":)" + nested_objects(depth - 1) +
         "}";
}

class RequestJson : public DaemonTest {
 protected:
  void SetUp() override {
    DaemonTest::SetUp();
    auto res = client_->request(http::verb::put, "/v1/state-machines/echo", kEcho);
    ASSERT_EQ(res.status, 201u) << res.body;
  }

  void expect_invalid_json(const HttpResult& res, const std::string& part) {
    EXPECT_EQ(res.status, 400u) << res.body;
    ASSERT_NO_THROW(res.json()) << res.body;
    EXPECT_EQ(res.json().at("error").as_string(), "InvalidJson") << res.body;
    EXPECT_NE(std::string(res.json().at("message").as_string()).find(part), std::string::npos)
        << res.body;
  }
};

TEST_F(RequestJson, DuplicateKeysAreRefusedAndNothingIsStored) {
  // The amount a reviewer sees first is not the one a last-wins parser would charge.
  const std::string input =
      R"({"paymentId":"d-1","customerId":"c","amount":100,"amount":100000,"currency":"USD",)"
      R"("paymentMethod":"pm_card_visa"})";
  expect_invalid_json(
      client_->post("/v1/executions",
                    R"({"stateMachine":"payment","name":"d-1","input":)" + input + "}"),
      "\"amount\" twice");
  expect_invalid_json(
      client_->post("/v1/executions", R"({"stateMachine":"echo","name":"d-2","name":"d-3",)"
                                      R"("input":{}})"),
      "\"name\" twice");
  expect_invalid_json(
      client_->post("/v1/accounts/u1/deposits",
                    R"({"amount":1,"currency":"USD","idempotencyKey":"k","amount":100000})"),
      "\"amount\" twice");
  expect_invalid_json(
      client_->post("/v1/ledger/operations",
                    R"({"operation":"deposit","idempotencyKey":"k2","parameters":)"
                    R"({"account":"u1","amount":1,"currency":"USD","currency":"EUR"}})"),
      "\"currency\" twice");
  expect_invalid_json(client_->post("/v1/events", R"({"type":"t","type":"u","detail":{}})"),
                      "\"type\" twice");
  expect_invalid_json(client_->post("/v1/tasks/success", R"({"taskToken":"x","taskToken":"y",)"
                                                         R"("output":{}})"),
                      "\"taskToken\" twice");
  expect_invalid_json(client_->request(http::verb::put, "/v1/state-machines/dup",
                                       R"({"StartAt":"A","StartAt":"B","States":{}})"),
                      "\"StartAt\" twice");

  for (const char* id : {"payment:d-1", "echo:d-2", "echo:d-3"})
    EXPECT_EQ(client_->get(std::string("/v1/executions/") + id).status, 404u) << id;
  EXPECT_TRUE(client_->get("/v1/accounts/u1/journal").json().at("entries").as_array().empty());
  EXPECT_EQ(client_->get("/v1/state-machines/dup").status, 404u);
  EXPECT_TRUE(charges().empty());
}

// Boost.JSON reads an integer beyond int64 and uint64 as the nearest double: a client's
// {"n": 123456789012345678901234} was accepted (201) and kept as 1.2345678901234568E23, another
// number. Money and data are exact: it is refused wherever a body enters, naming the number.
TEST_F(RequestJson, AnIntegerBeyondSixtyFourBitsIsRefusedNamingItAndNothingIsStored) {
  const std::string big = "123456789012345678901234";
  expect_invalid_json(
      client_->post("/v1/executions",
                    R"({"stateMachine":"echo","name":"big-1","input":{"n":)" + big + "}}"),
      "has the number " + big + ", an integer beyond 64 bits");
  expect_invalid_json(
      client_->post("/v1/executions",
                    R"({"stateMachine":"echo","name":"big-2","input":[-9223372036854775809]})"),
      "-9223372036854775809");
  expect_invalid_json(client_->post("/v1/ledger/operations",
                                    R"({"operation":"deposit","idempotencyKey":"k1","parameters":)"
                                    R"({"account":"u1","amount":)" +
                                        big + R"(,"currency":"USD"}})"),
                      big);
  expect_invalid_json(
      client_->post("/v1/events",
                    R"({"type":"t","correlationKey":"k","detail":{"n":)" + big + "}}"),
      big);
  expect_invalid_json(
      client_->request(http::verb::put, "/v1/state-machines/big",
                       R"({"StartAt":"A","States":{"A":{"Type":"Pass","Result":{"n":)" + big +
                           R"(},"End":true}}})"),
      big);
  EXPECT_EQ(client_->get("/v1/executions/echo:big-1").status, 404u);
  EXPECT_EQ(client_->get("/v1/executions/echo:big-2").status, 404u);
  EXPECT_TRUE(client_->get("/v1/accounts/u1/journal").json().at("entries").as_array().empty());
  EXPECT_EQ(client_->get("/v1/state-machines/big").status, 404u);
  // The widest integers are kept exactly, and a number written as a double is a double.
  auto widest = client_->post(
      "/v1/executions", R"({"stateMachine":"echo","name":"widest","input":[18446744073709551615,)"
                        R"(-9223372036854775808,1.23456789012345678901234e23]})");
  ASSERT_EQ(widest.status, 201u) << widest.body;
  EXPECT_EQ(wait_final("echo:widest").at("output"),
            json::parse("[18446744073709551615,-9223372036854775808,1.2345678901234568E23]"));
}

TEST_F(RequestJson, OneLevelOverTheDepthLimitIsRefusedNamingTheLimit) {
  expect_invalid_json(
      client_->post("/v1/executions", echo_start("too-deep", kRequestJsonMaxDepth + 1)),
      "limit of " + std::to_string(kRequestJsonMaxDepth) + " levels");
  EXPECT_EQ(client_->get("/v1/executions/echo:too-deep").status, 404u);
  expect_invalid_json(client_->post("/v1/events", R"({"type":"t","correlationKey":"k","detail":)" +
                                                      nested_objects(kRequestJsonMaxDepth) + "}"),
                      "limit of");
}

// A state's input is at most 256 KiB of JSON text. A larger execution input was accepted (201),
// stored with its record and history, and the execution FAILED at once with
// States.DataLimitExceeded; StartExecution and a schedule already refused it.
TEST_F(RequestJson, AnInputOverAStatesPayloadLimitIsRefusedAndNothingIsStored) {
  const std::size_t limit = 256 * 1024;
  // {"s":"aaa..."}: 8 bytes around the string.
  const auto start = [&](const std::string& name, std::size_t input_bytes) {
    const std::string input = R"({"s":")" + std::string(input_bytes - 8, 'a') + R"("})";
    return client_->post("/v1/executions", R"({"stateMachine":"echo","name":")" + name +
                                               R"(","input":)" + input + "}");
  };
  const auto too_large = start("too-large", limit + 1);
  EXPECT_EQ(too_large.status, 413u) << too_large.body.substr(0, 300);
  ASSERT_NO_THROW(too_large.json()) << too_large.body.substr(0, 300);
  EXPECT_EQ(too_large.json().as_object().size(), 2u);
  EXPECT_EQ(too_large.json().at("error"), "PayloadTooLarge");
  EXPECT_NE(std::string(too_large.json().at("message").as_string()).find("262144 bytes"),
            std::string::npos);
  EXPECT_EQ(client_->get("/v1/executions/echo:too-large").status, 404u);
  // The wide array a client might send instead is counted the same way.
  std::string wide = "[1";
  while (wide.size() < limit) wide += ",1";
  const auto array = client_->post(
      "/v1/executions", R"({"stateMachine":"echo","name":"wide","input":)" + wide + "]}");
  EXPECT_EQ(array.status, 413u) << array.body.substr(0, 300);
  EXPECT_EQ(client_->get("/v1/executions/echo:wide").status, 404u);
  // At the limit it runs.
  const auto at_limit = start("at-limit", limit);
  EXPECT_EQ(at_limit.status, 201u) << at_limit.body.substr(0, 300);
}

TEST_F(RequestJson, AnInputAtTheDepthLimitRunsAndCanAlwaysBeReadBack) {
  const std::string body = echo_start("deepest", kRequestJsonMaxDepth);
  auto started = client_->post("/v1/executions", body);
  ASSERT_EQ(started.status, 201u) << started.body;
  json::parse_options deep;  // the test's own reading: the client parser's default is 32
  deep.max_depth = kStoredJsonMaxDepth;
  json::value description;
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  do {
    auto described = client_->get("/v1/executions/echo:deepest");
    ASSERT_EQ(described.status, 200u) << described.body;
    description = json::parse(described.body, {}, deep);
    if (description.at("status") != "RUNNING") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  } while (std::chrono::steady_clock::now() < until);
  EXPECT_EQ(description.at("status"), "SUCCEEDED");
  const auto expected_input = json::parse(nested_objects(kRequestJsonMaxDepth - 1), {}, deep);
  EXPECT_EQ(description.at("input"), expected_input);
  EXPECT_EQ(description.at("output"), expected_input);
  EXPECT_EQ(client_->get("/v1/executions/echo:deepest/history").status, 200u);
  // Replaying the start reads the stored record back to compare the inputs.
  auto replay = client_->post("/v1/executions", body);
  EXPECT_EQ(replay.status, 200u) << replay.body;

  // And after a crash the daemon reloads it, still readable and still a replay.
  restart_after_kill();
  EXPECT_EQ(client_->get("/v1/executions/echo:deepest").status, 200u);
  EXPECT_EQ(client_->post("/v1/executions", body).status, 200u);
  // The supervisor is alive: a new execution still starts.
  EXPECT_EQ(client_->post("/v1/executions", echo_start("after", 2)).status, 201u);
}

// A refusal names the field it refused, but a name is any JSON string up to the body limit: a
// 300 kB unknown field was quoted whole (a 300 kB answer to POST /v1/executions, a 900 kB one
// to a 900 kB body), and so was a key given twice. Names are quoted cut to 64 bytes and "...".
TEST_F(RequestJson, AnUnknownOrRepeatedFieldOfAnyLengthIsNamedCutShort) {
  const std::string key(300000, 'k');
  const std::string shown = std::string(64, 'k') + "...";
  const auto expect_short = [&](const HttpResult& res, const char* error) {
    EXPECT_EQ(res.status, 400u) << res.body.substr(0, 200);
    EXPECT_LT(res.body.size(), 1024u) << res.body.substr(0, 200);
    ASSERT_NO_THROW(res.json()) << res.body.substr(0, 200);
    EXPECT_EQ(res.json().at("error"), error) << res.body.substr(0, 200);
    EXPECT_NE(res.body.find(shown), std::string::npos) << res.body.substr(0, 200);
  };
  const std::string unknown = "{\"" + key + "\":1}";
  expect_short(client_->post("/v1/executions", unknown), "InvalidRequest");
  expect_short(client_->post("/v1/executions", "{\"" + key + "\":1,\"" + key + "\":2}"),
               "InvalidJson");
  expect_short(client_->post("/v1/tasks/success", unknown), "InvalidRequest");
  expect_short(client_->post("/v1/accounts/u1/deposits", unknown), "InvalidRequest");
  expect_short(
      client_->post("/v1/ledger/operations",
                    R"({"operation":"deposit","idempotencyKey":"k","parameters":)" + unknown + "}"),
      "InvalidRequest");
  expect_short(client_->post("/v1/events", unknown), "InvalidRequest");
  expect_short(client_->request(http::verb::put, "/v1/schedules/s", unknown), "InvalidRequest");
  EXPECT_TRUE(client_->get("/v1/accounts/u1/journal").json().at("entries").as_array().empty());
  EXPECT_EQ(client_->get("/v1/schedules/s").status, 404u);
}

// Every route that reads its query refuses a parameter it does not know, and names it cut to 64
// bytes as an unknown field is, and a repeated one: ?limitt=5 was silently the default page.
TEST_F(RequestJson, AnUnknownOrRepeatedQueryParameterOfAnyLengthIsNamedCutShort) {
  const std::string key(300, 'k');
  const std::string unknown = "unknown query parameter \"" + std::string(64, 'k') + "...\"";
  const std::string repeated = "query parameter \"" + std::string(64, 'k') + "...\" is given";
  // Each route with a query it takes (answered 200), as docs/ lists them.
  for (const std::string route :
       {"/v1/state-machines?limit=1&starting_after=a", "/v1/accounts/u1/journal?after=0&limit=1",
        "/v1/webhooks/stripe/events?after=evt_0&limit=1",
        "/v1/webhooks/veriff/decisions?sessionId=s&after=a&limit=1",
        "/v1/simulator/veriff/sessions?limit=1&starting_after=a",
        "/v1/simulator/stripe/payment_intents?limit=1&starting_after=pi_0",
        "/v1/simulator/stripe/requests?limit=1&starting_after=0&idempotency_key=k",
        "/v1/simulator/stripe/payouts?limit=1", "/v1/simulator/stripe/accounts?limit=1",
        "/v1/simulator/stripe/transfers?limit=1", "/v1/simulator/stripe/refunds?limit=1",
        "/v1/simulator/stripe/charges?limit=1", "/v1/simulator/stripe/events?limit=1",
        "/v1/users/u1/notifications?limit=1&unread=true"}) {
    const auto known = client_->get(route);
    EXPECT_EQ(known.status, 200u) << route << " " << known.body.substr(0, 200);
    const std::string path = route.substr(0, route.find('?'));
    for (const std::string& query : std::vector<std::string>{
             "limitt=5", key + "=1", key + "=1&" + key + "=2", "limit=1&limit=2"}) {
      const auto res = client_->get(path + "?" + query);
      EXPECT_EQ(res.status, 400u) << path << "?" << query.substr(0, 20) << " " << res.body;
      EXPECT_LT(res.body.size(), 1024u) << res.body.substr(0, 200);
      ASSERT_NO_THROW(res.json()) << res.body.substr(0, 200);
      EXPECT_EQ(res.json().at("error"), "InvalidRequest") << path << " " << res.body;
      const std::string message(res.json().at("message").as_string());
      const std::string expected = query == "limitt=5"   ? "unknown query parameter \"limitt\""
                                   : query == key + "=1" ? unknown
                                   : query.size() > 300  ? repeated
                                                         : "\"limit\" is given more than once";
      EXPECT_NE(message.find(expected), std::string::npos) << path << " " << message;
    }
  }
}

// A route that reads no query refuses one instead of ignoring it, and changes nothing: a
// client that meant ?dryRun=true must not start a payment.
TEST_F(RequestJson, ARouteThatReadsNoQueryRefusesOne) {
  const std::string start = R"({"stateMachine":"echo","name":"q-1","input":{"paymentId":"q-1"}})";
  const auto refused = client_->post("/v1/executions?dryRun=true", start);
  EXPECT_EQ(refused.status, 400u) << refused.body;
  EXPECT_EQ(refused.json().at("error"), "InvalidRequest");
  EXPECT_NE(std::string(refused.json().at("message").as_string())
                .find("unknown query parameter \"dryRun\" (none allowed)"),
            std::string::npos)
      << refused.body;
  EXPECT_EQ(client_->get("/v1/executions/echo:q-1").status, 404u);  // nothing started
  for (const std::string route :
       {"/v1/accounts/u1?currency=USD", "/v1/executions/echo:q-1/history?limit=1",
        "/v1/executions/echo:q-1?x=1", "/v1/schedules?limit=1", "/v1/escrows/e1?x",
        "/healthz?verbose=1", "/v1/state-machines/echo?version=1"}) {
    const auto res = client_->get(route);
    EXPECT_EQ(res.status, 400u) << route << " " << res.body.substr(0, 200);
    ASSERT_NO_THROW(res.json()) << route << " " << res.body.substr(0, 200);
    EXPECT_EQ(res.json().at("error"), "InvalidRequest") << route;
  }
  // A list reads its query only as a GET: another method on its path takes none.
  const auto posted_list = client_->post("/v1/state-machines?dryRun=true", "{}");
  EXPECT_EQ(posted_list.status, 400u) << posted_list.body;
  // Without one, the same start is taken.
  EXPECT_EQ(client_->post("/v1/executions", start).status, 201u);
}

}  // namespace
}  // namespace settled::testing
