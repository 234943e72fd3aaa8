// Seed 002's PaymentWorkflowStateMachine as a team on AWS writes it
// (examples/aws/seed-002/workflows/PaymentWorkflowStateMachine.asl.json, docs/aws-seeds.md): the
// seed's four Lambda functions by ARN and the SNS alert, run unchanged by the daemon with the
// example's settled.conf. Started as an AWS client starts it: the Step Functions API's
// StartExecution, the paymentId as the execution's name.

#include "integration/aws_example_fixture.hpp"
#include "integration/ops_fixture.hpp"
#include "support/eventually.hpp"

namespace settled::testing {
namespace {

namespace json = boost::json;

constexpr const char* kMachineArn =
    "arn:aws:states:us-east-1:123456789012:stateMachine:PaymentWorkflowStateMachine";

class AwsPaymentWorkflow : public AwsExampleTest<OpsTest> {
 protected:
  AwsPaymentWorkflow() : AwsExampleTest("seed-002") {}

  static json::object payment(const std::string& id, const std::string& method,
                              std::int64_t amount = 1250) {
    return {{"paymentId", id},   {"customerId", "c-" + id}, {"amount", amount},
            {"currency", "USD"}, {"paymentMethod", method}, {"description", "order " + id}};
  }

  // StartExecution as an AWS client sends it: the input as JSON text.
  HttpResult start(const json::object& input) {
    return sfn("StartExecution", {{"stateMachineArn", kMachineArn},
                                  {"name", input.at("paymentId")},
                                  {"input", json::serialize(input)}});
  }

  static std::string arn(const std::string& name) {
    return "arn:aws:states:us-east-1:123456789012:execution:PaymentWorkflowStateMachine:" + name;
  }

  static std::string id(const std::string& name) { return "PaymentWorkflowStateMachine:" + name; }

  json::value transaction(const std::string& payment_id) {
    auto res = client_->get("/v1/records/PaymentTransactions/" + payment_id);
    EXPECT_EQ(res.status, 200u) << res.body;
    if (res.status != 200) return nullptr;
    return res.json().at("record");
  }
};

TEST_F(AwsPaymentWorkflow, APaymentSucceedsThroughTheSeedsFourLambdas) {
  auto res = start(payment("p-aws-ok", "pm_card_visa", 1250));
  ASSERT_EQ(res.status, 200u) << res.body;
  EXPECT_EQ(res.json().at("executionArn"), json::value(arn("p-aws-ok")));

  const auto done = wait_final(id("p-aws-ok"));
  ASSERT_EQ(done.at("status"), "SUCCEEDED") << json::serialize(done);
  EXPECT_EQ(done.at("output").at("charge").at("status"), "succeeded");
  EXPECT_EQ(done.at("output").at("charge").at("amountReceived"), 1250);
  EXPECT_EQ(done.at("output").at("charge").at("retries"), 0);

  const auto stored = transaction("p-aws-ok");
  EXPECT_EQ(stored.at("status"), "SUCCEEDED");
  EXPECT_EQ(stored.at("amount"), 1250);
  EXPECT_EQ(stored.at("currency"), "USD");
  EXPECT_EQ(stored.at("retries"), 0);
  EXPECT_TRUE(stored.at("errorReason").is_null());
  EXPECT_EQ(stored.at("paymentIntentId"), done.at("output").at("charge").at("paymentIntentId"));
  EXPECT_TRUE(stored.at("timestamp").is_string());
  EXPECT_EQ(charges()["p-aws-ok"], 1);
  const auto intents = payment_intents();
  ASSERT_EQ(intents.size(), 1u);
  EXPECT_EQ(intents[0].at("amount"), 1250);
  EXPECT_EQ(intents[0].at("description"), "order p-aws-ok");

  auto described = sfn("DescribeExecution", {{"executionArn", arn("p-aws-ok")}});
  ASSERT_EQ(described.status, 200u) << described.body;
  EXPECT_EQ(described.json().at("status"), "SUCCEEDED");
  EXPECT_EQ(described.json().at("stateMachineArn"), kMachineArn);
  const auto output = json::parse(described.json().at("output").as_string());
  EXPECT_EQ(output.at("charge").at("amountReceived"), 1250);

  const auto scheduled = resources_scheduled(arn("p-aws-ok"));
  for (const char* fn : {"ValidatePayment", "ProcessPayment", "StoreTransaction", "NotifyCustomer"})
    EXPECT_TRUE(has(scheduled, lambda(fn))) << fn;
  EXPECT_FALSE(has(scheduled, "sns:publish"));
}

TEST_F(AwsPaymentWorkflow, ADeclinedCardIsStoredAsDeclinedAndChargesNothing) {
  ASSERT_EQ(start(payment("p-aws-declined", "pm_card_chargeDeclined")).status, 200u);
  const auto done = wait_final(id("p-aws-declined"));
  ASSERT_EQ(done.at("status"), "FAILED") << json::serialize(done);
  EXPECT_EQ(done.at("error"), "Payment.Declined");
  EXPECT_NE(std::string(done.at("cause").as_string()).find("card_declined"), std::string::npos);

  const auto stored = transaction("p-aws-declined");
  EXPECT_EQ(stored.at("status"), "DECLINED");
  EXPECT_EQ(stored.at("retries"), 0);
  EXPECT_NE(std::string(stored.at("errorReason").as_string()).find("Your card was declined."),
            std::string::npos);
  EXPECT_EQ(charges().count("p-aws-declined"), 0u);
  const auto scheduled = resources_scheduled(arn("p-aws-declined"));
  EXPECT_TRUE(has(scheduled, lambda("NotifyCustomer")));
  EXPECT_FALSE(has(scheduled, "sns:publish"));  // a decline is the customer's, not an alert
}

TEST_F(AwsPaymentWorkflow, AFailureAfterTheLastRetryIsStoredAndPublishedToTheAlertTopic) {
  ASSERT_EQ(start(payment("p-aws-down", "pm_sim_unavailable")).status, 200u);
  const auto done = wait_final(id("p-aws-down"));
  ASSERT_EQ(done.at("status"), "FAILED") << json::serialize(done);
  EXPECT_EQ(done.at("error"), "Stripe.APIConnectionError");

  const auto stored = transaction("p-aws-down");
  EXPECT_EQ(stored.at("status"), "FAILED");
  EXPECT_EQ(stored.at("retries"), 3);
  EXPECT_EQ(stored.at("errorName"), "Stripe.APIConnectionError");
  EXPECT_EQ(charges().count("p-aws-down"), 0u);

  const auto scheduled = resources_scheduled(arn("p-aws-down"));
  EXPECT_EQ(std::count(scheduled.begin(), scheduled.end(), lambda("ProcessPayment")),
            4);  // the first attempt and MaxAttempts 3 retries
  EXPECT_TRUE(has(scheduled, "sns:publish"));
  EXPECT_NE(daemon_->wait_for_output("Payment failed after retries"), "");
  // The alert, raised for the topic the definition publishes to.
  const auto alert = daemon_->wait_for_output(
      R"("topicArn":"arn:aws:sns:us-east-1:123456789012:PaymentWorkflowAlerts")");
  EXPECT_NE(alert.find("\"severity\":\"critical\""), std::string::npos) << alert;
  EXPECT_NE(alert.find("p-aws-down"), std::string::npos) << alert;
}

TEST_F(AwsPaymentWorkflow, AReplayedStartIsTheSameExecutionAndPaysOnce) {
  const auto input = payment("p-aws-replay", "pm_card_visa", 4200);
  auto first = start(input);
  ASSERT_EQ(first.status, 200u) << first.body;
  auto again = start(input);  // the client's retry of a start whose answer it lost
  ASSERT_EQ(again.status, 200u) << again.body;
  EXPECT_EQ(again.json().at("executionArn"), first.json().at("executionArn"));
  EXPECT_EQ(again.json().at("startDate"), first.json().at("startDate"));
  ASSERT_EQ(wait_final(id("p-aws-replay")).at("status"), "SUCCEEDED");

  auto after = start(input);  // and once it has closed
  ASSERT_EQ(after.status, 200u) << after.body;
  EXPECT_EQ(after.json().at("executionArn"), first.json().at("executionArn"));
  // The same paymentId with another amount is refused, not a second payment.
  auto other = start(payment("p-aws-replay", "pm_card_visa", 4300));
  EXPECT_EQ(other.status, 400u) << other.body;
  EXPECT_EQ(other.json().at("__type"), "ExecutionAlreadyExists") << other.body;

  EXPECT_EQ(charges()["p-aws-replay"], 1);
  const auto intents = payment_intents();
  ASSERT_EQ(intents.size(), 1u);
  EXPECT_EQ(intents[0].at("amount"), 4200);
  EXPECT_EQ(transaction("p-aws-replay").at("amount"), 4200);
  auto listed = sfn("ListExecutions", {{"stateMachineArn", kMachineArn}});
  ASSERT_EQ(listed.status, 200u) << listed.body;
  EXPECT_EQ(listed.json().at("executions").as_array().size(), 1u);
}

}  // namespace
}  // namespace settled::testing
