// Seed 003's four Step Functions workflows as a team on AWS writes them
// (examples/aws/seed-003/workflows, docs/aws-seeds.md "Seed 003"): ecosystem-booking-lifecycle,
// ecosystem-payment-processing, ecosystem-dispute-resolution and ecosystem-provider-onboarding,
// with the seed's Lambda functions by ARN, DynamoDB callbacks, lambda:invoke.waitForTaskToken
// inboxes and the SNS alert topic, run unchanged by the daemon with the example's settled.conf.
// Started as an AWS client starts them (the Step Functions API's StartExecution); the test plays
// the team's stripe-webhook function: it reads the token stored in the PaymentCallbacks table
// and answers it with SendTaskSuccess and the Stripe event, and the booking's parties and the
// administrator answer their inbox tokens the same way. Money is checked to the minor unit in
// the ledger and the Stripe simulator, and settlectl reconcile proves the ledger sound.

#include "integration/aws_example_fixture.hpp"
#include "integration/marketplace_fixture.hpp"

namespace settled::testing {
namespace {

namespace json = boost::json;

constexpr const char* kStates = "arn:aws:states:us-east-1:123456789012:";

class AwsMarketplace : public AwsExampleTest<MarketplaceTest> {
 protected:
  AwsMarketplace() : AwsExampleTest("seed-003") {}

  // StartExecution of the seed's state machine `machine`; returns settled's execution id.
  std::string start(const std::string& machine, const std::string& name,
                    const json::object& input) {
    auto res = sfn("StartExecution", {{"stateMachineArn", kStates + ("stateMachine:" + machine)},
                                      {"name", name},
                                      {"input", json::serialize(input)}});
    EXPECT_EQ(res.status, 200u) << res.body;
    if (res.status == 200) {
      EXPECT_EQ(res.json().at("executionArn"),
                json::value(kStates + ("execution:" + machine + ":" + name)));
    }
    return machine + ":" + name;
  }

  // What the team's stripe-webhook function does with a Stripe event: the token stored under
  // `callback_id` answered with the event, as {type, correlationKey, detail, receivedAt, id}.
  std::string answer_webhook(const std::string& callback_id, const std::string& type,
                             const std::string& key, const json::value& object,
                             const std::string& previous = "") {
    const auto token = stored_token("PaymentCallbacks", callback_id, previous);
    if (token.empty()) return token;
    EXPECT_EQ(record("PaymentCallbacks", callback_id).at("eventType"), json::value(type));
    const std::string event_id = "evt_test_" + callback_id;
    send_task_success(token, json::object{{"type", type},
                                          {"correlationKey", key},
                                          {"id", event_id},
                                          {"receivedAt", "2026-01-05T09:00:00.000Z"},
                                          {"detail",
                                           {{"id", event_id},
                                            {"object", "event"},
                                            {"type", type},
                                            {"data", {{"object", object}}}}}});
    return token;
  }

  // The simulator's PaymentIntent made for `field` = `id` (its metadata).
  json::value intent_of(const std::string& field, const std::string& id) {
    for (const auto& pi : payment_intents()) {
      const auto* v = pi.at("metadata").as_object().if_contains(field);
      if (v && *v == id.c_str()) return pi;
    }
    ADD_FAILURE() << "no PaymentIntent for " << field << " " << id;
    return nullptr;
  }

  // A booking confirmed through the payment_intent.succeeded callback; its outcome token.
  std::string confirmed_booking(const std::string& id, std::int64_t amount, std::int64_t fee) {
    const auto exec = start("ecosystem-booking-lifecycle", id, booking_input(id, amount, fee));
    EXPECT_EQ(exec, "ecosystem-booking-lifecycle:" + id);
    // The token is stored after CreatePaymentIntent: the PaymentIntent exists by then.
    stored_token("PaymentCallbacks", "payment-" + id);
    answer_webhook("payment-" + id, "payment_intent.succeeded", id, intent_of("bookingId", id));
    return stored_token("booking_inbox", id, "", "token");
  }

  // ecosystem-provider-onboarding for `provider`, as far as Stripe's account.updated answering
  // its callback; returns the connected account's id.
  std::string onboard(const std::string& provider) {
    const auto exec = start("ecosystem-provider-onboarding", provider,
                            {{"providerId", provider}, {"email", provider + "@example.test"}});
    std::string account;
    EXPECT_TRUE(eventually([&] {
      for (const auto& a : sim("accounts"))
        if (a.at("metadata").at("providerId") == provider.c_str()) {
          account = a.at("id").as_string();
          EXPECT_EQ(a.at("charges_enabled"), false);
        }
      return !account.empty();
    }));
    if (account.empty()) return "";
    // Waiting: the token is stored under the account's id, where the handler finds it.
    EXPECT_FALSE(stored_token("PaymentCallbacks", "account-" + account).empty());
    EXPECT_EQ(record("providers", provider).at("status"), "onboarding");

    // The provider finishes Stripe's form at the link stripe-connect-onboarding-link made (its
    // result in GetExecutionHistory); Stripe's account.updated reaches the team's handler.
    std::string url;
    auto history =
        sfn("GetExecutionHistory", {{"executionArn", arn_of(exec)}, {"maxResults", 1000}});
    EXPECT_EQ(history.status, 200u) << history.body;
    if (history.status != 200) return "";
    const auto events = history.json();
    for (const auto& e : events.at("events").as_array()) {
      const auto* fn = e.as_object().if_contains("lambdaFunctionSucceededEventDetails");
      const auto* text = fn ? fn->as_object().if_contains("output") : nullptr;
      if (!text) continue;
      const auto output = json::parse(text->as_string());
      const auto* object = output.is_object() ? output.as_object().if_contains("object") : nullptr;
      if (object && *object == "account_link") url = output.at("url").as_string();
    }
    EXPECT_FALSE(url.empty()) << history.body;
    auto completed = client_->post(
        "/v1/simulator/stripe/account_links/" + url.substr(url.rfind('/') + 1) + "/complete", "");
    EXPECT_EQ(completed.status, 200u) << completed.body;
    json::value updated;
    for (const auto& a : sim("accounts"))
      if (a.at("id") == account.c_str()) updated = a;
    EXPECT_EQ(updated.at("charges_enabled"), true);
    answer_webhook("account-" + account, "account.updated", account, updated);
    return account;
  }

  static std::string arn_of(const std::string& execution) {
    return std::string(kStates) + "execution:" + execution;
  }
};

TEST_F(AwsMarketplace, ABookingIsPaidConfirmedByItsCallbackAndCompleted) {
  const auto token = confirmed_booking("b1", 10000, 1500);
  const std::string exec = "ecosystem-booking-lifecycle:b1";
  EXPECT_FALSE(entered_state(exec, "CheckPaymentStatus"));  // the callback confirmed it
  EXPECT_EQ(balance("cust-b1"), (Balances{0, 10000, 0}));
  EXPECT_EQ(escrow("bk-b1").at("amount"), 8500);
  EXPECT_EQ(escrow("bk-b1-fee").at("amount"), 1500);
  EXPECT_EQ(record("bookings", "b1").at("status"), "CONFIRMED");
  EXPECT_EQ(record("booking_inbox", "b1").at("amount"), 10000);

  send_task_success(token, json::object{{"action", "COMPLETE"}, {"by", "prov-b1"}});
  const auto done = wait_final(exec);
  ASSERT_EQ(done.at("status"), "SUCCEEDED") << json::serialize(done);
  EXPECT_EQ(done.at("output").at("status"), "COMPLETED");
  EXPECT_EQ(done.at("output").at("toProvider"), 8500);
  EXPECT_EQ(done.at("output").at("platformFee"), 1500);
  const auto intents = payment_intents();
  ASSERT_EQ(intents.size(), 1u);
  EXPECT_EQ(intents[0].at("amount"), 10000);
  EXPECT_EQ(intents[0].at("status"), "succeeded");
  EXPECT_EQ(done.at("output").at("paymentIntentId"), intents[0].at("id"));
  EXPECT_EQ(balance("cust-b1"), (Balances{0, 0, 0}));
  EXPECT_EQ(balance("prov-b1"), (Balances{8500, 0, 0}));
  EXPECT_EQ(balance("platform"), (Balances{1500, 0, 0}));
  EXPECT_TRUE(sim("refunds").empty());
  EXPECT_EQ(record("bookings", "b1").at("status"), "COMPLETED");

  const std::string arn = std::string(kStates) + "execution:ecosystem-booking-lifecycle:b1";
  auto described = sfn("DescribeExecution", {{"executionArn", arn}});
  ASSERT_EQ(described.status, 200u) << described.body;
  EXPECT_EQ(described.json().at("status"), "SUCCEEDED");
  const auto scheduled = resources_scheduled(arn);
  for (const std::string fn :
       {"booking-processor", "booking-processor-charge", "payout-manager-credit",
        "booking-processor-hold", "booking-processor-release", "notification-handler"})
    EXPECT_TRUE(has(scheduled, lambda(fn))) << fn;
  EXPECT_TRUE(has(scheduled, "dynamodb:putItem.waitForTaskToken"));
  EXPECT_TRUE(has(scheduled, "lambda:invoke.waitForTaskToken"));
  reconcile_ok();
}

TEST_F(AwsMarketplace, ABookingCancelledByItsCustomerRefundsAllButTheFee) {
  const auto token = confirmed_booking("b2", 12345, 1234);
  send_task_success(token, json::object{{"action", "CANCEL"}, {"by", "cust-b2"}});
  const auto done = wait_final("ecosystem-booking-lifecycle:b2");
  ASSERT_EQ(done.at("status"), "SUCCEEDED") << json::serialize(done);
  EXPECT_EQ(done.at("output").at("status"), "CANCELLED");
  EXPECT_EQ(done.at("output").at("refunded"), 11111);
  const auto refunds = sim("refunds");
  ASSERT_EQ(refunds.size(), 1u) << json::serialize(refunds);
  EXPECT_EQ(refunds[0].at("amount"), 11111);
  EXPECT_EQ(done.at("output").at("refundId"), refunds[0].at("id"));
  EXPECT_EQ(balance("cust-b2"), (Balances{0, 0, 0}));
  EXPECT_EQ(balance("prov-b2"), (Balances{0, 0, 0}));
  EXPECT_EQ(balance("platform"), (Balances{1234, 0, 0}));
  EXPECT_EQ(record("bookings", "b2").at("status"), "CANCELLED");
  reconcile_ok();
}

TEST_F(AwsMarketplace, ADeclinedCardMakesNoBookingAndMovesNoMoney) {
  const auto exec = start("ecosystem-booking-lifecycle", "b3",
                          booking_input("b3", 3000, 300, "pm_card_chargeDeclined"));
  const auto done = wait_final(exec);
  ASSERT_EQ(done.at("status"), "FAILED") << json::serialize(done);
  EXPECT_EQ(done.at("error"), "Booking.PaymentDeclined");
  EXPECT_EQ(record("bookings", "b3").at("status"), "PAYMENT_DECLINED");
  EXPECT_EQ(balance("cust-b3"), (Balances{0, 0, 0}));
  for (const auto& pi : payment_intents()) EXPECT_NE(pi.at("status"), "succeeded");
  EXPECT_TRUE(entered_state(exec, "NotifyCustomerDeclined"));
  EXPECT_FALSE(entered_state(exec, "AwaitPaymentConfirmation"));
}

TEST_F(AwsMarketplace, ADirectPaymentIsConfirmedByItsCallbackAndCreditedLessTheCommission) {
  const json::object input{
      {"operation", "payment"},          {"paymentId", "p1"}, {"customerId", "cust-p1"},
      {"providerId", "prov-1"},          {"amount", 5000},    {"currency", "USD"},
      {"paymentMethod", "pm_card_visa"}, {"platformFee", 500}};
  const auto exec = start("ecosystem-payment-processing", "p1", input);
  stored_token("PaymentCallbacks", "payment-p1");
  answer_webhook("payment-p1", "payment_intent.succeeded", "p1", intent_of("paymentId", "p1"));
  const auto done = wait_final(exec);
  ASSERT_EQ(done.at("status"), "SUCCEEDED") << json::serialize(done);
  EXPECT_EQ(done.at("output").at("status"), "SUCCEEDED");
  EXPECT_EQ(done.at("output").at("toProvider"), 4500);
  EXPECT_EQ(done.at("output").at("platformFee"), 500);
  EXPECT_FALSE(entered_state(exec, "CheckPaymentStatus"));
  const auto intents = payment_intents();
  ASSERT_EQ(intents.size(), 1u);
  EXPECT_EQ(intents[0].at("amount"), 5000);
  EXPECT_EQ(balance("cust-p1"), (Balances{0, 0, 0}));
  EXPECT_EQ(balance("prov-1"), (Balances{4500, 0, 0}));
  EXPECT_EQ(balance("platform"), (Balances{500, 0, 0}));
  EXPECT_EQ(record("marketplace_payments", "p1").at("status"), "SUCCEEDED");
  reconcile_ok();
}

TEST_F(AwsMarketplace, APaymentWithoutItsCallbackIsConfirmedByTheStatusCheck) {
  const json::object input{
      {"operation", "payment"},          {"paymentId", "p2"}, {"customerId", "cust-p2"},
      {"providerId", "prov-2"},          {"amount", 3001},    {"currency", "USD"},
      {"paymentMethod", "pm_card_visa"}, {"platformFee", 1}};
  const auto exec = start("ecosystem-payment-processing", "p2", input);
  ASSERT_TRUE(eventually([&] { return waits_in(exec, "AwaitPaymentConfirmation"); }));
  advance("10s");  // the webhook never reached the team's handler: the wait times out
  const auto done = wait_final(exec);
  ASSERT_EQ(done.at("status"), "SUCCEEDED") << json::serialize(done);
  EXPECT_TRUE(entered_state(exec, "CheckPaymentStatus"));  // webhook-reconciliation
  EXPECT_EQ(done.at("output").at("toProvider"), 3000);
  EXPECT_EQ(balance("prov-2"), (Balances{3000, 0, 0}));
  EXPECT_EQ(balance("platform"), (Balances{1, 0, 0}));
  EXPECT_EQ(balance("cust-p2"), (Balances{0, 0, 0}));
  reconcile_ok();
}

TEST_F(AwsMarketplace, ADisputeDecidedForTheCustomerRefundsTheWholePayment) {
  confirmed_booking("d1", 10000, 1500);
  const auto exec = start("ecosystem-dispute-resolution", "d1",
                          {{"bookingId", "d1"}, {"raisedBy", "cust-d1"}, {"reason", "no-show"}});
  const auto token = stored_token("admin_inbox", "d1:booking-dispute", "", "token");
  EXPECT_EQ(balance("cust-d1"), (Balances{0, 0, 10000}));  // both escrows frozen
  EXPECT_EQ(escrow("bk-d1").at("status"), "FROZEN");
  EXPECT_EQ(record("admin_inbox", "d1:booking-dispute").at("stage"), "REVIEW");
  EXPECT_TRUE(sim("refunds").empty());

  send_task_success(token, json::object{{"decision", "REFUND"}, {"adminId", "admin-1"}});
  const auto done = wait_final(exec);
  ASSERT_EQ(done.at("status"), "SUCCEEDED") << json::serialize(done);
  EXPECT_EQ(done.at("output").at("resolution").at("decision"), "REFUND");
  EXPECT_EQ(done.at("output").at("resolution").at("decidedBy"), "admin-1");
  EXPECT_EQ(done.at("output").at("resolution").at("toCustomer"), 10000);
  const auto refunds = sim("refunds");
  ASSERT_EQ(refunds.size(), 1u) << json::serialize(refunds);
  EXPECT_EQ(refunds[0].at("amount"), 10000);  // the fee too
  EXPECT_EQ(done.at("output").at("resolution").at("refundId"), refunds[0].at("id"));
  EXPECT_EQ(balance("cust-d1"), (Balances{0, 0, 0}));
  EXPECT_EQ(balance("prov-d1"), (Balances{0, 0, 0}));
  EXPECT_EQ(balance("platform"), (Balances{0, 0, 0}));
  EXPECT_EQ(record("booking_disputes", "d1").at("status"), "RESOLVED");
  EXPECT_EQ(record("bookings", "d1").at("status"), "DISPUTE_RESOLVED");
  const auto scheduled =
      resources_scheduled(std::string(kStates) + "execution:ecosystem-dispute-resolution:d1");
  for (const std::string fn : {"booking-processor-get", "dispute-workflow",
                               "dispute-workflow-unfreeze", "refund-processor"})
    EXPECT_TRUE(has(scheduled, lambda(fn))) << fn;
  reconcile_ok();
}

TEST_F(AwsMarketplace, AProviderIsOnboardedWhenItsAccountUpdateAnswersTheCallback) {
  const auto account = onboard("prov-o1");
  ASSERT_FALSE(account.empty());
  const std::string exec = "ecosystem-provider-onboarding:prov-o1";
  const auto done = wait_final(exec);
  ASSERT_EQ(done.at("status"), "SUCCEEDED") << json::serialize(done);
  EXPECT_EQ(done.at("output").at("profile").at("status"), "active");
  const auto profile = record("providers", "prov-o1");
  EXPECT_EQ(profile.at("status"), "active");
  EXPECT_EQ(profile.at("stripeAccountId"), json::value(account));
  EXPECT_EQ(profile.at("chargesEnabled"), true);
  EXPECT_EQ(profile.at("payoutsEnabled"), true);
  EXPECT_EQ(profile.at("accountUpdatedEventId"), json::value("evt_test_account-" + account));
  EXPECT_EQ(sim("accounts").size(), 1u);
  const auto scheduled = resources_scheduled(arn_of(exec));
  for (const std::string fn :
       {"stripe-connect", "stripe-connect-status", "stripe-connect-onboarding-link",
        "booking-processor", "notification-handler"})
    EXPECT_TRUE(has(scheduled, lambda(fn))) << fn;
}

TEST_F(AwsMarketplace, APayoutIsTransferredAndPaidWhenItsCallbackSaysPaid) {
  const auto account = onboard("prov-4");
  ASSERT_FALSE(account.empty());
  const auto paid = start("ecosystem-payment-processing", "p4",
                          {{"operation", "payment"},
                           {"paymentId", "p4"},
                           {"customerId", "cust-p4"},
                           {"providerId", "prov-4"},
                           {"amount", 10000},
                           {"currency", "USD"},
                           {"paymentMethod", "pm_card_visa"},
                           {"platformFee", 1000}});
  stored_token("PaymentCallbacks", "payment-p4");
  answer_webhook("payment-p4", "payment_intent.succeeded", "p4", intent_of("paymentId", "p4"));
  ASSERT_EQ(wait_final(paid).at("status"), "SUCCEEDED");
  EXPECT_EQ(balance("prov-4"), (Balances{9000, 0, 0}));

  const auto exec = start("ecosystem-payment-processing", "po4",
                          {{"operation", "payout"},
                           {"payoutId", "po4"},
                           {"providerId", "prov-4"},
                           {"stripeAccount", account},
                           {"amount", 7001},
                           {"currency", "USD"}});
  ASSERT_TRUE(eventually([&] { return sim("payouts").size() == 1; }));
  const std::string payout(sim("payouts")[0].at("id").as_string());
  const auto first = stored_token("PaymentCallbacks", "payout-" + payout);
  EXPECT_EQ(balance("prov-4"), (Balances{1999, 0, 0}));  // taken before Stripe was called
  const auto transfers = sim("transfers");
  ASSERT_EQ(transfers.size(), 1u);
  EXPECT_EQ(transfers[0].at("amount"), 7001);
  EXPECT_EQ(transfers[0].at("destination"), json::value(account));
  EXPECT_EQ(sim("payouts")[0].at("amount"), 7001);
  EXPECT_EQ(record("marketplace_payouts", "po4").at("status"), "PENDING");

  advance("1m");  // the bank pays it; payout.paid reaches the team's handler
  ASSERT_TRUE(eventually([&] { return sim("payouts")[0].at("status") == "paid"; }));
  answer_webhook("payout-" + payout, "payout.updated", payout, sim("payouts")[0]);
  const auto done = wait_final(exec);
  ASSERT_EQ(done.at("status"), "SUCCEEDED") << json::serialize(done);
  EXPECT_EQ(done.at("output").at("status"), "PAID");
  EXPECT_EQ(done.at("output").at("amount"), 7001);
  EXPECT_EQ(record("marketplace_payouts", "po4").at("status"), "PAID");
  EXPECT_EQ(balance("prov-4"), (Balances{1999, 0, 0}));
  EXPECT_EQ(balance("platform"), (Balances{1000, 0, 0}));
  EXPECT_EQ(sim("payouts").size(), 1u);
  // Stripe sends payout.paid again: the token is answered, nothing moves.
  auto replay = sfn("SendTaskSuccess", {{"taskToken", first}, {"output", "{}"}});
  EXPECT_EQ(replay.status, 400u) << replay.body;
  EXPECT_EQ(replay.json().at("__type"), "TaskTimedOut") << replay.body;
  reconcile_ok();
}

}  // namespace
}  // namespace settled::testing
