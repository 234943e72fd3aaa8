// Seed 003's booking lifecycle (config/workflows/booking-lifecycle.asl.json) end to end through
// the real daemon on a simulated clock: the PaymentIntent confirmed by the simulator's signed
// payment_intent.succeeded webhook (or by a status check without webhooks), the booking's money
// escrowed in the ledger (provider's share and platform fee), the outcome answered by task
// token; completion releases, cancellation refunds all but the commission; a kill -9 in the
// middle pays nothing twice. Checked: the execution, its history, the simulator's objects, the
// ledger (GET /v1/accounts, settlectl reconcile).

#include "integration/marketplace_fixture.hpp"

namespace settled::testing {
namespace {

namespace json = boost::json;

class Booking : public MarketplaceTest {
 protected:
  // Starts booking `id` (10000 with a 1500 fee unless told) and waits for its outcome token.
  std::string confirmed_booking(const std::string& id, std::int64_t amount = 10000,
                                std::int64_t fee = 1500) {
    start_execution("booking-lifecycle", id, booking_input(id, amount, fee));
    return wait_token("booking_inbox", id);
  }

  void expect_one_payment(const std::string& id, std::int64_t amount) {
    const auto intents = payment_intents();
    int succeeded = 0;
    for (const auto& pi : intents) {
      const auto* booking = pi.at("metadata").as_object().if_contains("bookingId");
      if (!booking || *booking != id.c_str()) continue;
      EXPECT_EQ(pi.at("status"), "succeeded") << json::serialize(pi);
      EXPECT_EQ(pi.at("amount"), amount) << json::serialize(pi);
      ++succeeded;
    }
    EXPECT_EQ(succeeded, 1) << "booking " << id << " was charged " << succeeded << " times";
  }
};

TEST_F(Booking, CompletionReleasesTheShareToTheProviderAndTheFeeToThePlatform) {
  const std::string token = confirmed_booking("b1");
  expect_one_payment("b1", 10000);
  // Confirmed by the webhook: no status check was needed.
  EXPECT_FALSE(entered_state("booking-lifecycle:b1", "CheckPaymentStatus"));
  EXPECT_TRUE(webhook_received("payment_intent.succeeded"));
  EXPECT_EQ(balance("cust-b1"), (Balances{0, 10000, 0}));
  EXPECT_EQ(escrow("bk-b1").at("amount"), 8500);
  EXPECT_EQ(escrow("bk-b1-fee").at("amount"), 1500);
  EXPECT_EQ(record("bookings", "b1").at("status"), "CONFIRMED");

  answer(token, {{"action", "COMPLETE"}, {"by", "prov-b1"}});
  const auto done = wait_final("booking-lifecycle:b1");
  ASSERT_EQ(done.at("status"), "SUCCEEDED") << json::serialize(done);
  EXPECT_EQ(done.at("output").at("status"), "COMPLETED");
  EXPECT_EQ(done.at("output").at("toProvider"), 8500);
  EXPECT_EQ(balance("cust-b1"), (Balances{0, 0, 0}));
  EXPECT_EQ(balance("prov-b1"), (Balances{8500, 0, 0}));
  EXPECT_EQ(balance("platform"), (Balances{1500, 0, 0}));
  EXPECT_TRUE(sim("refunds").empty());
  EXPECT_EQ(record("bookings", "b1").at("status"), "COMPLETED");
  for (const char* s : {"NotifyProviderBooked", "NotifyCustomerBooked", "NotifyProviderCompleted",
                        "NotifyCustomerCompleted"})
    EXPECT_TRUE(entered_state("booking-lifecycle:b1", s)) << s;
  reconcile_ok();
}

TEST_F(Booking, CancellationRefundsAllButThePlatformFee) {
  const std::string token = confirmed_booking("b2", 12345, 1234);
  answer(token, {{"action", "CANCEL"}, {"by", "cust-b2"}});
  const auto done = wait_final("booking-lifecycle:b2");
  ASSERT_EQ(done.at("status"), "SUCCEEDED") << json::serialize(done);
  EXPECT_EQ(done.at("output").at("status"), "CANCELLED");
  EXPECT_EQ(done.at("output").at("refunded"), 11111);
  expect_one_payment("b2", 12345);
  const auto refunds = sim("refunds");
  ASSERT_EQ(refunds.size(), 1u) << json::serialize(refunds);
  EXPECT_EQ(refunds[0].at("amount"), 11111);
  EXPECT_EQ(refunds[0].at("metadata").at("bookingId"), "b2");
  EXPECT_EQ(done.at("output").at("refundId"), refunds[0].at("id"));
  EXPECT_EQ(balance("cust-b2"), (Balances{0, 0, 0}));  // 11111 refunded, 1234 kept
  EXPECT_EQ(balance("prov-b2"), (Balances{0, 0, 0}));
  EXPECT_EQ(balance("platform"), (Balances{1234, 0, 0}));
  EXPECT_EQ(escrow("bk-b2").at("status"), "CANCELLED");
  EXPECT_EQ(escrow("bk-b2-fee").at("status"), "RELEASED");
  EXPECT_EQ(record("bookings", "b2").at("status"), "CANCELLED");
  EXPECT_TRUE(eventually([&] { return webhook_received("charge.refunded"); }));
  reconcile_ok();
}

TEST_F(Booking, NoOutcomeWithinTwelveMinutesCancelsBeforeTheExecutionTimeout) {
  confirmed_booking("b3", 5000, 0);  // no commission: the whole payment comes back
  advance("11m");
  EXPECT_EQ(client_->get("/v1/executions/booking-lifecycle:b3").json().at("status"), "RUNNING")
      << "ended before its 12 minutes";
  advance("1m");
  const auto done = wait_final("booking-lifecycle:b3");
  ASSERT_EQ(done.at("status"), "SUCCEEDED") << json::serialize(done);
  EXPECT_EQ(done.at("output").at("status"), "CANCELLED");
  EXPECT_EQ(done.at("output").at("refunded"), 5000);
  EXPECT_EQ(record("bookings", "b3").at("outcome").at("reason"), "NO_OUTCOME");
  EXPECT_EQ(sim("refunds").size(), 1u);
  EXPECT_FALSE(entered_state("booking-lifecycle:b3", "HoldPlatformFee"));
  EXPECT_EQ(balance("cust-b3"), (Balances{0, 0, 0}));
  reconcile_ok();
}

TEST_F(Booking, ADeclinedCardMakesNoBookingAndMovesNoMoney) {
  start_execution("booking-lifecycle", "b4",
                  booking_input("b4", 3000, 300, "pm_card_chargeDeclined"));
  const auto done = wait_final("booking-lifecycle:b4");
  ASSERT_EQ(done.at("status"), "FAILED") << json::serialize(done);
  EXPECT_EQ(done.at("error"), "Booking.PaymentDeclined");
  EXPECT_EQ(record("bookings", "b4").at("status"), "PAYMENT_DECLINED");
  EXPECT_EQ(balance("cust-b4"), (Balances{0, 0, 0}));
  EXPECT_TRUE(entered_state("booking-lifecycle:b4", "NotifyCustomerDeclined"));
}

TEST_F(Booking, InvalidAmountsAreRefusedBeforeAnyCharge) {
  auto input = booking_input("b5", 1000, 1000);  // the fee must be below the amount
  start_execution("booking-lifecycle", "b5", input);
  input = booking_input("b6", 1000, 100);
  input["amount"] = 1000.5;
  start_execution("booking-lifecycle", "b6", input);
  for (const char* id : {"booking-lifecycle:b5", "booking-lifecycle:b6"}) {
    const auto done = wait_final(id);
    EXPECT_EQ(done.at("error"), "Booking.InvalidInput") << json::serialize(done);
  }
  EXPECT_TRUE(payment_intents().empty());
}

TEST_F(Booking, AKillDuringTheCreateRetryAndAfterTheCancelPaysAndRefundsOnce) {
  // The first attempt is rate limited: the retry waits its backoff on the simulated clock.
  start_execution("booking-lifecycle", "b7",
                  booking_input("b7", 9000, 900, "pm_sim_rate_limited_1"));
  ASSERT_TRUE(eventually([&] { return has_event("booking-lifecycle:b7", "TaskFailed"); }));
  const std::string key = attempt_key("booking-lifecycle:b7", "CreatePaymentIntent");
  kill_and_restart();
  // The simulator's attempt counter starts again after a restart: a second 429 may need a second
  // backoff. Each advance settles before it answers.
  for (int i = 0; i < 3 && !entered_state("booking-lifecycle:b7", "AwaitPaymentConfirmation"); ++i)
    advance("4s");
  const std::string token = wait_token("booking_inbox", "b7");
  expect_sent_with_key("booking-lifecycle:b7", "CreatePaymentIntent", key, 2);
  expect_one_payment("b7", 9000);

  // Killed right after the cancellation is acknowledged: somewhere in the ledger moves or the
  // refund. The restart finishes it with the same keys.
  answer(token, {{"action", "CANCEL"}});
  kill_and_restart();
  const auto done = wait_final("booking-lifecycle:b7");
  ASSERT_EQ(done.at("status"), "SUCCEEDED") << json::serialize(done);
  EXPECT_EQ(done.at("output").at("refunded"), 8100);
  const auto refunds = sim("refunds");
  ASSERT_EQ(refunds.size(), 1u) << json::serialize(refunds);
  EXPECT_EQ(refunds[0].at("amount"), 8100);
  expect_one_payment("b7", 9000);
  EXPECT_EQ(balance("cust-b7"), (Balances{0, 0, 0}));
  EXPECT_EQ(balance("platform"), (Balances{900, 0, 0}));
  reconcile_ok();
}

class BookingWithoutWebhooks : public Booking {
 public:
  BookingWithoutWebhooks() { webhooks_ = false; }
};

TEST_F(BookingWithoutWebhooks, NoWebhookWithinTenSecondsAndTheStatusCheckConfirms) {
  start_execution("booking-lifecycle", "b8", booking_input("b8", 2500, 250));
  ASSERT_TRUE(
      eventually([&] { return waits_in("booking-lifecycle:b8", "AwaitPaymentConfirmation"); }));
  advance("10s");
  const std::string token = wait_token("booking_inbox", "b8");
  EXPECT_TRUE(entered_state("booking-lifecycle:b8", "CheckPaymentStatus"));
  EXPECT_FALSE(entered_state("booking-lifecycle:b8", "CancelUnconfirmedPayment"));
  EXPECT_EQ(balance("cust-b8"), (Balances{0, 2500, 0}));
  answer(token, {{"action", "COMPLETE"}});
  ASSERT_EQ(wait_final("booking-lifecycle:b8").at("status"), "SUCCEEDED");
  EXPECT_EQ(balance("prov-b8"), (Balances{2250, 0, 0}));
  reconcile_ok();
}

}  // namespace
}  // namespace settled::testing
