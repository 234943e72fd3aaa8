// purchase-refund.asl.json (seed 004) end to end: the Choice routes on $.operation.

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

TEST_F(PurchaseRefundWorkflow, ZeroQuantityIsNotAValidOperation) {
  ASSERT_EQ(start("order-4", "purchase", 0).status, 201u);
  EXPECT_EQ(wait_final("purchase-refund:order-4").at("error").as_string(), "InvalidOperationError");
}

}  // namespace
}  // namespace settled::testing
