// purchase-refund.asl.json (seed 004, docs/purchase-refund.md) end to end: the Choice routes on
// $.operation; the seed's own example inputs run as written (they carry no amount); an amount,
// when given, is exact or the execution fails having recorded nothing.

#include "integration/daemon_fixture.hpp"

namespace settled::testing {
namespace {

namespace json = boost::json;

class PurchaseRefundWorkflow : public DaemonTest {
 protected:
  HttpResult start(const std::string& name, const std::string& operation,
                   std::int64_t quantity = 2) {
    json::object data{{"itemId", "12345"},    {"quantity", quantity},
                      {"userId", "user-001"}, {"amount", 1999},
                      {"currency", "USD"},    {"timestamp", "2025-01-12T10:30:00Z"}};
    json::object body{{"stateMachine", "purchase-refund"},
                      {"name", name},
                      {"input", json::object{{"operation", operation}, {"data", data}}}};
    return client_->post("/v1/executions", json::serialize(body));
  }
};

TEST_F(PurchaseRefundWorkflow, PurchaseIsRecorded) {
  ASSERT_EQ(start("order-1", "purchase").status, 201u);
  const auto final = wait_final("purchase-refund:order-1");
  ASSERT_EQ(final.at("status").as_string(), "SUCCEEDED") << json::serialize(final);
  EXPECT_EQ(final.at("output").at("result").at("message").as_string(), "Purchase processed");
  auto record = client_->get("/v1/records/purchases/order-1");
  ASSERT_EQ(record.status, 200u);
  EXPECT_EQ(record.json().at("record").at("quantity").as_int64(), 2);
  EXPECT_EQ(client_->get("/v1/records/refunds/order-1").status, 404u);
}

TEST_F(PurchaseRefundWorkflow, RefundIsRecorded) {
  ASSERT_EQ(start("order-2", "refund", 1).status, 201u);
  const auto final = wait_final("purchase-refund:order-2");
  ASSERT_EQ(final.at("status").as_string(), "SUCCEEDED");
  EXPECT_EQ(final.at("output").at("result").at("message").as_string(), "Refund processed");
  EXPECT_EQ(client_->get("/v1/records/refunds/order-2").status, 200u);
}

TEST_F(PurchaseRefundWorkflow, UnknownOperationFails) {
  ASSERT_EQ(start("order-3", "exchange").status, 201u);
  const auto final = wait_final("purchase-refund:order-3");
  EXPECT_EQ(final.at("status").as_string(), "FAILED");
  EXPECT_EQ(final.at("error").as_string(), "InvalidOperationError");
  EXPECT_EQ(final.at("cause").as_string(), "The operation provided is not valid.");
  const auto types = event_types(history("purchase-refund:order-3"));
  EXPECT_EQ(types,
            (std::vector<std::string>{"ExecutionStarted", "ChoiceStateEntered", "ChoiceStateExited",
                                      "FailStateEntered", "ExecutionFailed"}));
}

TEST_F(PurchaseRefundWorkflow, TheSeedsExamplesRunAsWritten) {
  // Seed 004's "Example JSON Input", verbatim.
  const char* purchase = R"({"operation": "purchase", "data": {"itemId": "12345",
      "quantity": 2, "userId": "user-001", "timestamp": "2025-01-12T10:30:00Z"}})";
  const char* refund = R"({"operation": "refund", "data": {"itemId": "12345",
      "quantity": 1, "userId": "user-001", "timestamp": "2025-01-12T11:00:00Z"}})";
  for (const auto& [name, input] :
       {std::pair{"seed-purchase", purchase}, std::pair{"seed-refund", refund}}) {
    auto res = client_->post(
        "/v1/executions",
        json::serialize(json::object{
            {"stateMachine", "purchase-refund"}, {"name", name}, {"input", json::parse(input)}}));
    ASSERT_EQ(res.status, 201u) << res.body;
    const auto final = wait_final(std::string("purchase-refund:") + name);
    ASSERT_EQ(final.at("status").as_string(), "SUCCEEDED") << json::serialize(final);
    EXPECT_EQ(final.at("output").at("result").at("status"), "success");
  }
  const auto bought = client_->get("/v1/records/purchases/seed-purchase").json().at("record");
  EXPECT_EQ(bought.at("quantity"), 2);
  EXPECT_EQ(bought.at("itemId"), "12345");
  EXPECT_TRUE(bought.at("amount").is_null());
  EXPECT_EQ(client_->get("/v1/records/refunds/seed-refund").json().at("record").at("quantity"), 1);
}

TEST_F(PurchaseRefundWorkflow, AGivenAmountIsKeptExactly) {
  ASSERT_EQ(start("order-5", "purchase").status, 201u);
  ASSERT_EQ(wait_final("purchase-refund:order-5").at("status").as_string(), "SUCCEEDED");
  const auto record = client_->get("/v1/records/purchases/order-5").json().at("record");
  EXPECT_EQ(record.at("amount"), 1999);
  EXPECT_EQ(record.at("currency"), "USD");
}

TEST_F(PurchaseRefundWorkflow, AnInexactAmountFailsAndRecordsNothing) {
  int n = 0;
  for (const char* data :
       {R"({"itemId": "1", "quantity": 1, "amount": 19.99, "currency": "USD"})",
        R"({"itemId": "1", "quantity": 1, "amount": 1999.0, "currency": "USD"})",
        R"({"itemId": "1", "quantity": 1, "amount": "19.99", "currency": "USD"})",
        R"({"itemId": "1", "quantity": 1, "amount": 1999, "currency": "dollars"})",
        R"({"itemId": "1", "quantity": 1, "currency": "USD"})"}) {
    const std::string name = "bad-" + std::to_string(++n);
    auto res =
        client_->post("/v1/executions",
                      json::serialize(json::object{
                          {"stateMachine", "purchase-refund"},
                          {"name", name},
                          {"input", {{"operation", "purchase"}, {"data", json::parse(data)}}}}));
    ASSERT_EQ(res.status, 201u) << res.body;
    const auto final = wait_final("purchase-refund:" + name);
    EXPECT_EQ(final.at("status").as_string(), "FAILED") << data;
    EXPECT_EQ(final.at("error").as_string(), "InvalidAmountError") << data;
    EXPECT_EQ(client_->get("/v1/records/purchases/" + name).status, 404u) << data;
  }
}

TEST_F(PurchaseRefundWorkflow, ZeroQuantityIsNotAValidOperation) {
  ASSERT_EQ(start("order-4", "purchase", 0).status, 201u);
  EXPECT_EQ(wait_final("purchase-refund:order-4").at("error").as_string(), "InvalidOperationError");
}

}  // namespace
}  // namespace settled::testing
