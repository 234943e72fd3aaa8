// Unknown outcomes through the real daemon (issue 11 item 2, docs/stripe-client.md "Unknown
// outcomes"): the simulated Stripe charges and then loses the response (pm_sim_timeout_1), so
// the workflow sees Stripe.Unknown. The daemon is killed, restarted, and the retry comes after
// Stripe's 24-hour key window on the simulated clock: the simulator has forgotten the key (as
// Stripe does), so resending would charge again. settled looks the charge up by its key
// instead, and there is still one charge. A workflow with no retry left looks it up before
// giving up.

#include "integration/ops_fixture.hpp"
#include "support/eventually.hpp"

#include <string>

namespace settled::testing {
namespace {

namespace json = boost::json;

std::string charge_workflow(const std::string& retry) {
  return R"({"StartAt": "Charge", "States": {
    "Charge": {"Type": "Task", "Resource": "settled:stripe.paymentIntents.create",
               "Parameters": {"amount": 2500, "currency": "eur", "confirm": true,
                              "payment_method.$": "$.method",
                              "metadata": {"paymentId.$": "$.paymentId"}},)" +
         retry + R"(
               "End": true}}})";
}

class StripeUnknownOutcome : public OpsTest {
 protected:
  void add_workflows() override {
    // Retried a day and an hour later: past Stripe's key window.
    write_workflow("late-retry", charge_workflow(R"(
               "Retry": [{"ErrorEquals": ["Stripe.Unknown"], "IntervalSeconds": 90000,
                          "MaxAttempts": 1}],)"));
    write_workflow("no-retry", charge_workflow(""));
  }

  std::vector<std::string> daemon_flags() const override {
    return {"--clock=simulated", "--clock-start=2026-03-02T10:00:00Z"};
  }

  HttpResult start(const std::string& machine, const std::string& payment_id) {
    json::object input{{"paymentId", payment_id}, {"method", "pm_sim_timeout_1"}};
    return client_->post("/v1/executions",
                         json::serialize(json::object{
                             {"stateMachine", machine}, {"name", payment_id}, {"input", input}}));
  }

  // The history's task events, in order: "TaskFailed:Stripe.Unknown", "TaskSucceeded", ...
  std::vector<std::string> task_outcomes(const std::string& execution_id) {
    std::vector<std::string> out;
    for (const auto& e : history(execution_id)) {
      const std::string type(e.at("type").as_string());
      if (type == "TaskFailed") {
        out.push_back(type + ":" +
                      std::string(e.at("taskFailedEventDetails").at("error").as_string()));
      } else if (type == "TaskSucceeded") {
        out.push_back(type);
      }
    }
    return out;
  }
};

TEST_F(StripeUnknownOutcome, ARetryPastTheKeyWindowAfterAKillFindsTheChargeInsteadOfCharging) {
  ASSERT_EQ(start("late-retry", "p-late").status, 201u);
  const std::string id = "late-retry:p-late";
  // The first attempt charged and lost its answer; the retry waits 25 hours.
  ASSERT_TRUE(eventually([&] { return !task_outcomes(id).empty(); }));
  EXPECT_EQ(task_outcomes(id), std::vector<std::string>{"TaskFailed:Stripe.Unknown"});
  ASSERT_EQ(charges()["p-late"], 1);

  client_.reset();
  daemon_->kill9();
  start_with(extra_);
  auto moved = client_->post("/v1/clock/advance", R"({"by": "25h"})");
  ASSERT_EQ(moved.status, 200u) << moved.body;

  const auto final = wait_final(id);
  ASSERT_EQ(final.at("status").as_string(), "SUCCEEDED") << json::serialize(final);
  // Still the one charge: the retry was answered with it, not charged again.
  EXPECT_EQ(charges()["p-late"], 1);
  const auto intents = payment_intents();
  ASSERT_EQ(intents.size(), 1u);
  const auto& output = final.at("output");
  EXPECT_EQ(output.at("id"), intents[0].at("id"));
  EXPECT_EQ(output.at("status"), "succeeded");
  EXPECT_EQ(output.at("amount"), 2500);
  EXPECT_EQ(task_outcomes(id),
            (std::vector<std::string>{"TaskFailed:Stripe.Unknown", "TaskSucceeded"}));
  // The simulator received the key once: the retry never reached it as a charge.
  const std::string key = attempt_key(id, "Charge");
  int sent = 0;
  for (const auto& r : stripe_requests()) sent += r.idempotency_key == key ? 1 : 0;
  EXPECT_EQ(sent, 1);
}

TEST_F(StripeUnknownOutcome, AWorkflowAboutToGiveUpLooksTheOutcomeUpFirst) {
  ASSERT_EQ(start("no-retry", "p-last").status, 201u);
  const auto final = wait_final("no-retry:p-last");
  // No retry was left for Stripe.Unknown; the look-up found the charge, so the task succeeded
  // with it instead of failing the execution over money that did move.
  ASSERT_EQ(final.at("status").as_string(), "SUCCEEDED") << json::serialize(final);
  EXPECT_EQ(charges()["p-last"], 1);
  const auto& output = final.at("output");
  EXPECT_EQ(output.at("status"), "succeeded");
  EXPECT_EQ(task_outcomes("no-retry:p-last"),
            (std::vector<std::string>{"TaskFailed:Stripe.Unknown", "TaskSucceeded"}));
}

}  // namespace
}  // namespace settled::testing
