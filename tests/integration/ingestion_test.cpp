// Bad input to POST /v1/executions gets a 4xx JSON error and leaves no trace: no execution in
// the store and no charge at the simulator.

#include "adapters/store/lmdb_store.hpp"
#include "domain/storage_keys.hpp"
#include "integration/daemon_fixture.hpp"
#include "support/temp_store.hpp"

namespace settled::testing {
namespace {

namespace json = boost::json;

class Ingestion : public DaemonTest {
 protected:
  void expect_error(const HttpResult& res, unsigned status, const std::string& error,
                    const std::string& mention = "") {
    EXPECT_EQ(res.status, status) << res.body;
    json::value body;
    ASSERT_NO_THROW(body = res.json()) << res.body;
    ASSERT_TRUE(body.is_object()) << res.body;
    EXPECT_EQ(body.at("error").as_string(), error) << res.body;
    EXPECT_FALSE(body.at("message").as_string().empty());
    if (!mention.empty()) {
      EXPECT_NE(res.body.find(mention), std::string::npos) << res.body;
    }
  }

  std::string payment_with(const std::string& amount_json) {
    return R"({"stateMachine":"payment","name":"p-bad","input":{"paymentId":"p-bad","customerId":"c","amount":)" +
           amount_json + R"(,"currency":"USD","paymentMethod":"pm_card_visa"}})";
  }
};

TEST_F(Ingestion, BadRequestsGetJsonErrorsAndLeaveNoTrace) {
  expect_error(client_->post("/v1/executions", "{not json"), 400, "InvalidJson");
  expect_error(client_->post("/v1/executions", "[1,2]"), 400, "InvalidRequest");
  expect_error(client_->post("/v1/executions", R"({"stateMachine":"nope","name":"x","input":{}})"),
               404, "StateMachineDoesNotExist", "nope");
  expect_error(client_->post("/v1/executions", R"({"stateMachine":"payment","name":"p-bad"})"), 400,
               "InvalidRequest", "input");
  // Any JSON value is an execution's input, but the payment workflow checks its input first.
  expect_error(
      client_->post("/v1/executions", R"({"stateMachine":"payment","name":"p-bad","input":[1,2]})"),
      400, "InvalidRequest", "input must be a JSON object");
  expect_error(client_->post("/v1/executions",
                             R"({"stateMachine":"payment","name":"p-bad","input":{},"x":1})"),
               400, "InvalidRequest", "\\\"x\\\"");
  expect_error(
      client_->post("/v1/executions", R"({"stateMachine":"payment","name":"a b","input":{}})"), 400,
      "InvalidRequest", "name");
  expect_error(client_->post("/v1/executions", std::string(2 << 20, 'x')), 413, "PayloadTooLarge");
  // Money: floats, strings, negatives, zero, overflow.
  expect_error(client_->post("/v1/executions", payment_with("12.5")), 400, "InvalidAmount",
               "input.amount");
  expect_error(client_->post("/v1/executions", payment_with("1250.0")), 400, "InvalidAmount",
               "input.amount");
  expect_error(client_->post("/v1/executions", payment_with("\"1250\"")), 400, "InvalidAmount",
               "input.amount");
  expect_error(client_->post("/v1/executions", payment_with("-5")), 400, "InvalidAmount",
               "input.amount");
  expect_error(client_->post("/v1/executions", payment_with("0")), 400, "InvalidAmount",
               "input.amount");
  expect_error(client_->post("/v1/executions", payment_with("9223372036854775808")), 400,
               "InvalidAmount", "input.amount");
  // A customer id is whose notifications these are (keyed id + NUL, listed by GET
  // /v1/users/{customerId}/notifications): "c\u0000x" would list in the inbox of "c".
  for (const char* customer : {R"(c\u0000x)", R"(a/b)", R"(..)"}) {
    expect_error(
        client_->post(
            "/v1/executions",
            std::string(
                R"({"stateMachine":"payment","name":"p-bad","input":{"paymentId":"p-bad","customerId":")") +
                customer + R"(","amount":100,"currency":"USD","paymentMethod":"pm_card_visa"}})"),
        400, "InvalidRequest", "input.customerId must be text a request path can name");
  }
  EXPECT_TRUE(
      client_->get("/v1/users/c/notifications").json().at("notifications").as_array().empty());
  expect_error(client_->get("/v1/executions/payment:p-bad"), 404, "ExecutionDoesNotExist");
  expect_error(client_->get("/v1/nothing-here"), 404, "NotFound");

  EXPECT_EQ(
      client_->get("/v1/simulator/stripe/payment_intents").json().at("data").as_array().size(), 0u);
  // The store itself holds nothing of any of them.
  client_.reset();
  ASSERT_EQ(daemon_->terminate(), 0) << daemon_->output();
  auto db = open_stopped_store(dir_.path() + "/var");
  int rows = 0;
  // The daemon's own settings record (settings/service-completion, written at every start) is
  // not a trace of a request.
  const std::string daemon_settings = record_key("settings", "");
  for (Table table :
       {Table::kExecutions, Table::kHistory, Table::kOpenExecutions, Table::kRecords}) {
    db->scan(table, "", [&](std::string_view key, std::string_view) {
      if (table != Table::kRecords || key.rfind(daemon_settings, 0) != 0) ++rows;
      return true;
    });
  }
  EXPECT_EQ(rows, 0);
}

TEST_F(Ingestion, HealthzAnswers) {
  auto res = client_->get("/healthz");
  EXPECT_EQ(res.status, 200u);
  EXPECT_EQ(res.json().at("status").as_string(), "ok");
}

}  // namespace
}  // namespace settled::testing
