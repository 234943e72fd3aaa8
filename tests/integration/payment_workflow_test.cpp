// payment.asl.json end to end against the real daemon: success with history, idempotent
// replays, 409 on a changed input, declines, retried transient failures, alerts.

#include "domain/time.hpp"
#include "integration/daemon_fixture.hpp"

#include <boost/beast/http/verb.hpp>

#include <future>

namespace settled::testing {
namespace {

namespace json = boost::json;

class PaymentWorkflow : public DaemonTest {};

// Charges, counts a round, and charges again while round < 2: one state entered twice.
constexpr const char* kChargeTwice = R"json({
  "StartAt": "Charge",
  "States": {
    "Charge": {
      "Type": "Task",
      "Resource": "settled:stripe.paymentIntents.create",
      "Parameters": {"amount.$": "$.amount", "currency": "usd", "payment_method": "pm_card_visa",
                     "confirm": true, "metadata": {"paymentId.$": "$.paymentId"}},
      "ResultPath": null,
      "Next": "Count"
    },
    "Count": {
      "Type": "Pass",
      "Parameters": {"amount.$": "$.amount", "paymentId.$": "$.paymentId",
                     "round.$": "States.MathAdd($.round, 1)"
}
, "Next" : "Again"
}
, "Again" : {
  "Type" : "Choice",
  "Choices" : [ {"Variable" : "$.round", "NumericLessThan" : 2, "Next" : "Charge"} ],
  "Default" : "Done"
},
            "Done" : {
  "Type" : "Succeed"
}
}
})json";

TEST_F(PaymentWorkflow, VisaPaymentSucceedsWithHistoryAndRecord) {
  auto res = start_payment("p-ok", "pm_card_visa");
  ASSERT_EQ(res.status, 201u) << res.body;
  const auto body = res.json().as_object();
  EXPECT_EQ(body.at("executionId").as_string(), "payment:p-ok");
  EXPECT_TRUE(body.contains("startDate"));

  const auto final = wait_final("payment:p-ok");
  ASSERT_EQ(final.at("status").as_string(), "SUCCEEDED") << json::serialize(final);
  const auto& output = final.at("output").as_object();  // `final` is a local copy
  EXPECT_EQ(output.at("charge").at("status").as_string(), "succeeded");
  EXPECT_EQ(output.at("charge").at("amountReceived").as_int64(), 1250);

  const auto types = event_types(history("payment:p-ok"));
  ASSERT_FALSE(types.empty());
  EXPECT_EQ(types.front(), "ExecutionStarted");
  EXPECT_EQ(types.back(), "ExecutionSucceeded");
  for (const char* state :
       {"ValidatePayment", "ProcessPayment", "StoreTransaction", "NotifyCustomer"}) {
    bool entered = false;
    for (const auto& e : history("payment:p-ok")) {
      if (e.at("type") == "TaskStateEntered" &&
          e.at("stateEnteredEventDetails").at("name") == state)
        entered = true;
    }
    EXPECT_TRUE(entered) << state;
  }

  auto record = client_->get("/v1/records/payments/p-ok");
  ASSERT_EQ(record.status, 200u) << record.body;
  EXPECT_EQ(record.json().at("record").at("status").as_string(), "SUCCEEDED");
  EXPECT_EQ(charges()["p-ok"], 1);
}

TEST_F(PaymentWorkflow, SameNameSameInputReturnsTheSameExecution) {
  ASSERT_EQ(start_payment("p-replay", "pm_card_visa").status, 201u);
  auto again = start_payment("p-replay", "pm_card_visa");
  EXPECT_EQ(again.status, 200u) << again.body;
  EXPECT_EQ(again.json().at("executionId").as_string(), "payment:p-replay");
  wait_final("payment:p-replay");
  auto after = start_payment("p-replay", "pm_card_visa");
  EXPECT_EQ(after.status, 200u);
  EXPECT_EQ(after.json().at("executionId").as_string(), "payment:p-replay");
  EXPECT_EQ(after.json().at("status").as_string(), "SUCCEEDED");
  EXPECT_EQ(charges()["p-replay"], 1);
}

TEST_F(PaymentWorkflow, ConcurrentDuplicatesCreateOneExecutionAndOneCharge) {
  std::vector<std::future<HttpResult>> posts;
  for (int i = 0; i < 8; ++i) {
    posts.push_back(std::async(std::launch::async, [this] {
      HttpClient client("127.0.0.1", port_);
      return client.post("/v1/executions", payment_body("p-dup", "pm_card_visa"));
    }));
  }
  int created = 0, replayed = 0;
  for (auto& f : posts) {
    auto res = f.get();
    if (res.status == 201) ++created;
    if (res.status == 200) ++replayed;
    EXPECT_EQ(res.json().at("executionId").as_string(), "payment:p-dup");
  }
  EXPECT_EQ(created, 1);
  EXPECT_EQ(replayed, 7);
  EXPECT_EQ(wait_final("payment:p-dup").at("status").as_string(), "SUCCEEDED");
  EXPECT_EQ(charges()["p-dup"], 1);
}

TEST_F(PaymentWorkflow, SameNameDifferentInputIsAConflict) {
  ASSERT_EQ(start_payment("p-conflict", "pm_card_visa", 1250).status, 201u);
  auto res = start_payment("p-conflict", "pm_card_visa", 1300);
  EXPECT_EQ(res.status, 409u);
  EXPECT_EQ(res.json().at("error").as_string(), "ExecutionAlreadyExists");
  wait_final("payment:p-conflict");
  EXPECT_EQ(start_payment("p-conflict", "pm_card_visa", 1300).status, 409u);
  auto intents = client_->get("/v1/simulator/stripe/payment_intents").json().at("data").as_array();
  ASSERT_EQ(intents.size(), 1u);
  EXPECT_EQ(intents[0].at("amount").as_int64(), 1250);
}

TEST_F(PaymentWorkflow, DeclinedCardIsRecordedAsDeclinedAndCustomerNotified) {
  ASSERT_EQ(start_payment("p-declined", "pm_card_chargeDeclined").status, 201u);
  const auto final = wait_final("payment:p-declined");
  EXPECT_EQ(final.at("status").as_string(), "FAILED");
  EXPECT_EQ(final.at("error").as_string(), "Payment.Declined");
  EXPECT_NE(std::string(final.at("cause").as_string()).find("card_declined"), std::string::npos);

  auto record = client_->get("/v1/records/payments/p-declined");
  ASSERT_EQ(record.status, 200u) << record.body;
  const auto stored = record.json();
  const auto& r = stored.at("record");
  EXPECT_EQ(r.at("status").as_string(), "DECLINED");
  EXPECT_NE(std::string(r.at("errorReason").as_string()).find("Your card was declined."),
            std::string::npos);

  bool notified = false;
  for (const auto& e : history("payment:p-declined")) {
    if (e.at("type") == "TaskStateExited" &&
        e.at("stateExitedEventDetails").at("name") == "NotifyDeclined")
      notified = true;
  }
  EXPECT_TRUE(notified);
  EXPECT_EQ(charges().count("p-declined"), 0u);
}

TEST_F(PaymentWorkflow, TransientErrorsAreRetriedWithBackoffAndTheSameKey) {
  ASSERT_EQ(start_payment("p-flaky", "pm_sim_rate_limited_2").status, 201u);
  const auto final = wait_final("payment:p-flaky");
  ASSERT_EQ(final.at("status").as_string(), "SUCCEEDED") << json::serialize(final);
  EXPECT_EQ(final.at("output").at("charge").at("retries").as_int64(), 2);

  std::vector<EpochMillis> scheduled;
  for (const auto& e : history("payment:p-flaky")) {
    if (e.at("type") == "TaskScheduled" &&
        e.at("taskScheduledEventDetails").at("resourceType") == "stripe")
      scheduled.push_back(*parse_timestamp(std::string(e.at("timestamp").as_string())));
  }
  ASSERT_EQ(scheduled.size(), 3u);
  // IntervalSeconds 1, BackoffRate 2: the second retry waits about twice as long as the first.
  EXPECT_GE(scheduled[1] - scheduled[0], 1000);
  EXPECT_GE(scheduled[2] - scheduled[1], 2000);
  // Three requests reached Stripe, all with the one key of the one attempt: two refused, one
  // charged.
  const std::string key = attempt_key("payment:p-flaky", "ProcessPayment");
  const auto requests = stripe_requests();
  ASSERT_EQ(requests.size(), 3u);
  for (const auto& r : requests) EXPECT_EQ(r.idempotency_key, key);
  EXPECT_EQ(requests[0].outcome, "Stripe.RateLimitError");
  EXPECT_EQ(requests[1].outcome, "Stripe.RateLimitError");
  EXPECT_EQ(requests[2].outcome, "succeeded");
  auto intents = client_->get("/v1/simulator/stripe/payment_intents").json().at("data").as_array();
  ASSERT_EQ(intents.size(), 1u);
  EXPECT_EQ(intents[0].at("idempotency_key").as_string(), key);
}

TEST_F(PaymentWorkflow, EnteringAStateAgainIsANewAttemptWithItsOwnKey) {
  auto put = client_->request(boost::beast::http::verb::put, "/v1/state-machines/charge-twice",
                              kChargeTwice);
  ASSERT_EQ(put.status, 201u) << put.body;
  auto res = client_->post(
      "/v1/executions",
      json::serialize(json::object{
          {"stateMachine", "charge-twice"},
          {"name", "twice"},
          {"input", json::object{{"amount", 700}, {"paymentId", "p-twice"}, {"round", 0}}}}));
  ASSERT_EQ(res.status, 201u) << res.body;
  const auto final = wait_final("charge-twice:twice");
  ASSERT_EQ(final.at("status").as_string(), "SUCCEEDED") << json::serialize(final);

  const std::string first = attempt_key("charge-twice:twice", "Charge", 0);
  const std::string second = attempt_key("charge-twice:twice", "Charge", 1);
  EXPECT_NE(first, second);
  EXPECT_EQ(stripe_keys_of("charge-twice:twice"), (std::vector<std::string>{first, second}));
  for (const auto& r : stripe_requests()) EXPECT_FALSE(r.replayed) << r.idempotency_key;
  EXPECT_EQ(charges()["p-twice"], 2);  // two attempts, two charges: neither replayed the other
}

TEST_F(PaymentWorkflow, LostResponseIsRetriedAndChargedOnce) {
  ASSERT_EQ(start_payment("p-timeout", "pm_sim_timeout_1").status, 201u);
  const auto final = wait_final("payment:p-timeout");
  ASSERT_EQ(final.at("status").as_string(), "SUCCEEDED") << json::serialize(final);
  EXPECT_EQ(final.at("output").at("charge").at("retries").as_int64(), 1);
  EXPECT_EQ(charges()["p-timeout"], 1);
  EXPECT_EQ(
      client_->get("/v1/simulator/stripe/payment_intents").json().at("data").as_array().size(), 1u);
  // The retry carried the lost attempt's key, so Stripe replayed the charge it had made.
  const std::string key = attempt_key("payment:p-timeout", "ProcessPayment");
  const auto requests = stripe_requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].idempotency_key, key);
  EXPECT_EQ(requests[0].outcome, "Stripe.Unknown");
  EXPECT_EQ(requests[1].idempotency_key, key);
  EXPECT_EQ(requests[1].outcome, "succeeded");
  EXPECT_TRUE(requests[1].replayed);
}

TEST_F(PaymentWorkflow, FailureAfterLastRetryIsRecordedAndAlerted) {
  ASSERT_EQ(start_payment("p-down", "pm_sim_unavailable").status, 201u);
  const auto final = wait_final("payment:p-down");
  EXPECT_EQ(final.at("status").as_string(), "FAILED");
  EXPECT_EQ(final.at("error").as_string(), "Stripe.APIConnectionError");
  auto record = client_->get("/v1/records/payments/p-down");
  ASSERT_EQ(record.status, 200u);
  EXPECT_EQ(record.json().at("record").at("status").as_string(), "FAILED");
  int stripe_attempts = 0;
  bool alerted = false;
  for (const auto& e : history("payment:p-down")) {
    if (e.at("type") == "TaskFailed" &&
        e.at("taskFailedEventDetails").at("resourceType") == "stripe")
      ++stripe_attempts;
    if (e.at("type") == "TaskSucceeded" &&
        e.at("taskSucceededEventDetails").at("resourceType") == "alert")
      alerted = true;
  }
  EXPECT_EQ(stripe_attempts, 4);  // the first attempt and MaxAttempts 3 retries
  EXPECT_TRUE(alerted);
  EXPECT_NE(daemon_->wait_for_output("execution.retries_exhausted"), "");
}

TEST_F(PaymentWorkflow, TheSimulatorsListIsPagedAsStripePagesItsLists) {
  for (int i = 0; i < 12; ++i)
    ASSERT_EQ(start_payment("page-" + std::to_string(i), "pm_card_visa").status, 201u);
  for (int i = 0; i < 12; ++i) wait_final("payment:page-" + std::to_string(i));
  auto first = client_->get("/v1/simulator/stripe/payment_intents").json();
  ASSERT_EQ(first.at("data").as_array().size(), 10u) << "the default page is 10";
  EXPECT_EQ(first.at("has_more"), true);
  const std::string last(first.at("data").as_array().back().at("id").as_string());
  auto rest =
      client_->get("/v1/simulator/stripe/payment_intents?limit=100&starting_after=" + last).json();
  EXPECT_EQ(rest.at("data").as_array().size(), 2u);
  EXPECT_EQ(rest.at("has_more"), false);
  EXPECT_EQ(payment_intents().size(), 12u);
  for (const char* bad : {"0", "101", "-1", "x", "99999999999999999999"}) {
    auto res = client_->get(std::string("/v1/simulator/stripe/payment_intents?limit=") + bad);
    EXPECT_EQ(res.status, 400u) << bad << ": " << res.body;
  }
}

}  // namespace
}  // namespace settled::testing
