// PaymentIntent transitions and refund rules on Stripe's JSON objects
// (src/domain/stripe/payment_intent.hpp, refund.hpp, connect_balance.hpp).

#include "domain/stripe/payment_intent.hpp"
#include "domain/stripe/connect_balance.hpp"
#include "domain/stripe/refund.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

namespace settled::stripe {
namespace {

namespace json = boost::json;

json::object intent(const char* status, const char* capture_method = "automatic") {
  return json::object{{"id", "pi_1"},
                      {"amount", 1000},
                      {"currency", "usd"},
                      {"payment_method", "pm_card_visa"},
                      {"metadata", json::object{{"bookingId", "b-1"}}},
                      {"capture_method", capture_method},
                      {"amount_capturable", 0},
                      {"status", status}};
}

TEST(PaymentIntentRules, ConfirmOnlyFromTheStatusesStripeAllows) {
  EXPECT_STREQ(initial_status(false), "requires_payment_method");
  EXPECT_STREQ(initial_status(true), "requires_confirmation");
  for (const char* status : {"requires_payment_method", "requires_confirmation", "requires_action"})
    EXPECT_FALSE(check_confirm(intent(status), false)) << status;
  for (const char* status : {"succeeded", "canceled", "requires_capture", "processing"}) {
    auto refused = check_confirm(intent(status), true);
    ASSERT_TRUE(refused) << status;
    EXPECT_EQ(refused->code, "payment_intent_unexpected_state");
    EXPECT_EQ(refused->extra.at("payment_intent").at("status"), status);
  }
  json::object no_method = intent("requires_payment_method");
  no_method["payment_method"] = nullptr;
  EXPECT_EQ(check_confirm(no_method, false)->code, "parameter_missing");
  EXPECT_FALSE(check_confirm(no_method, true));
}

TEST(PaymentIntentRules, AuthorisedAutomaticSucceedsManualWaitsForCapture) {
  json::object automatic = intent("requires_confirmation");
  json::object charge = new_charge("ch_1", automatic, 1700000000);
  EXPECT_EQ(charge.at("metadata"), automatic.at("metadata"));
  apply_authorised(automatic, charge);
  EXPECT_EQ(automatic.at("status"), "succeeded");
  EXPECT_EQ(automatic.at("amount_received"), 1000);
  EXPECT_EQ(automatic.at("latest_charge"), "ch_1");
  EXPECT_EQ(charge.at("amount_captured"), 1000);

  json::object manual = intent("requires_confirmation", "manual");
  json::object held = new_charge("ch_2", manual, 1700000000);
  apply_authorised(manual, held);
  EXPECT_EQ(manual.at("status"), "requires_capture");
  EXPECT_EQ(manual.at("amount_capturable"), 1000);
  EXPECT_EQ(held.at("captured"), false);

  EXPECT_EQ(capture_amount(manual, nullptr).value(), 1000);
  const json::value part = 400;
  EXPECT_EQ(capture_amount(manual, &part).value(), 400);
  const json::value too_much = 1001;
  EXPECT_EQ(capture_amount(manual, &too_much).error().code, "amount_too_large");
  for (const json::value& bad :
       {json::value(0), json::value(-1), json::value(4.0), json::value("4")})
    EXPECT_EQ(capture_amount(manual, &bad).error().code, "parameter_invalid_integer") << bad;
  apply_capture(manual, held, 400);
  EXPECT_EQ(manual.at("status"), "succeeded");
  EXPECT_EQ(manual.at("amount_received"), 400);
  EXPECT_EQ(held.at("amount_captured"), 400);
  EXPECT_EQ(capture_amount(manual, nullptr).error().code, "payment_intent_unexpected_state");
}

TEST(PaymentIntentRules, CancelFromOpenStatusesOnly) {
  for (const char* status : {"requires_payment_method", "requires_confirmation", "requires_action",
                             "requires_capture", "processing"})
    EXPECT_FALSE(check_cancel(intent(status), nullptr)) << status;
  for (const char* status : {"succeeded", "canceled"})
    EXPECT_EQ(check_cancel(intent(status), nullptr)->code, "payment_intent_unexpected_state");
  const json::value reason = "abandoned", bad = "because";
  EXPECT_FALSE(check_cancel(intent("requires_capture"), &reason));
  EXPECT_EQ(check_cancel(intent("requires_capture"), &bad)->code, "parameter_invalid");
  json::object held = intent("requires_capture", "manual");
  held["amount_capturable"] = 1000;
  apply_cancel(held, &reason, 1700000123);
  EXPECT_EQ(held.at("status"), "canceled");
  EXPECT_EQ(held.at("amount_capturable"), 0);
  EXPECT_EQ(held.at("canceled_at"), 1700000123);
  EXPECT_EQ(held.at("cancellation_reason"), "abandoned");
}

TEST(RefundRules, PartialRefundsUpToWhatWasCaptured) {
  json::object charge{{"id", "ch_1"}, {"amount_captured", 1000}, {"amount_refunded", 0}};
  EXPECT_EQ(refundable_amount(charge), 1000);
  const json::value three_hundred = 300;
  EXPECT_EQ(refund_amount(charge, &three_hundred).value(), 300);
  apply_refund(charge, 300);
  EXPECT_EQ(charge.at("amount_refunded"), 300);
  EXPECT_EQ(charge.at("refunded"), false);
  const json::value over = 701, float_amount = 10.5;
  EXPECT_EQ(refund_amount(charge, &over).error().code, "amount_too_large");
  EXPECT_EQ(refund_amount(charge, &float_amount).error().code, "parameter_invalid_integer");
  EXPECT_EQ(refund_amount(charge, nullptr).value(), 700);  // no amount: all that is left
  apply_refund(charge, 700);
  EXPECT_EQ(charge.at("refunded"), true);
  EXPECT_EQ(refund_amount(charge, nullptr).error().code, "charge_already_refunded");
}

TEST(ConnectBalance, PayoutsTakeNoMoreThanIsAvailablePerCurrency) {
  json::object balance;
  credit(balance, "usd", 700);
  credit(balance, "usd", 300);
  EXPECT_EQ(available(balance, "usd"), 1000);
  EXPECT_EQ(available(balance, "eur"), 0);
  EXPECT_EQ(debit(balance, "eur", 1)->code, "balance_insufficient");
  EXPECT_EQ(debit(balance, "usd", 1001)->code, "balance_insufficient");
  EXPECT_EQ(available(balance, "usd"), 1000);  // a refused debit takes nothing
  EXPECT_FALSE(debit(balance, "usd", 1000));
  EXPECT_EQ(available(balance, "usd"), 0);
}

}  // namespace
}  // namespace settled::stripe
