// Every Stripe call as a task resource, end to end: the real daemon with its Stripe simulator
// runs workflows that create, confirm, refund and read back a PaymentIntent, refuse an
// over-refund with a Catch-able name, onboard a connected account and pay it out, and list the
// events the simulator generated; the objects survive a kill -9.

#include "integration/daemon_fixture.hpp"

#include <boost/beast/http/verb.hpp>

#include <string>
#include <vector>

namespace settled::testing {
namespace {

namespace json = boost::json;

class StripeCalls : public DaemonTest {
 protected:
  void put_machine(const std::string& name, const char* definition) {
    auto put =
        client_->request(boost::beast::http::verb::put, "/v1/state-machines/" + name, definition);
    ASSERT_EQ(put.status, 201u) << put.body;
  }
  json::object run(const std::string& machine, const std::string& name, json::object input) {
    auto res =
        client_->post("/v1/executions",
                      json::serialize(json::object{
                          {"stateMachine", machine}, {"name", name}, {"input", std::move(input)}}));
    EXPECT_EQ(res.status, 201u) << res.body;
    return wait_final(machine + ":" + name);
  }
};

constexpr const char* kPayAndRefund = R"json({
  "StartAt": "Create",
  "States": {
    "Create": {
      "Type": "Task", "Resource": "settled:stripe.paymentIntents.create",
      "Parameters": {"amount.$": "$.amount", "currency": "usd",
                     "metadata": {"bookingId.$": "$.bookingId"}},
      "ResultPath": "$.created", "Next": "Confirm"
    },
    "Confirm": {
      "Type": "Task", "Resource": "settled:stripe.paymentIntents.confirm",
      "Parameters": {"id.$": "$.created.id", "payment_method": "pm_card_visa"},
      "ResultPath": "$.confirmed", "Next": "Refund"
    },
    "Refund": {
      "Type": "Task", "Resource": "settled:stripe.refunds.create",
      "Parameters": {"payment_intent.$": "$.created.id", "amount.$": "$.refundAmount",
                     "reason": "requested_by_customer"},
      "ResultPath": "$.refund", "Next": "OverRefund"
    },
    "OverRefund": {
      "Type": "Task", "Resource": "settled:stripe.refunds.create",
      "Parameters": {"payment_intent.$": "$.created.id", "amount.$": "$.amount"},
      "Catch": [{"ErrorEquals": ["Stripe.InvalidRequestError"], "ResultPath": "$.overRefund",
                 "Next": "ReadBack"}],
      "ResultPath": "$.overRefund", "Next": "ReadBack"
    },
    "ReadBack": {
      "Type": "Task", "Resource": "settled:stripe.paymentIntents.retrieve",
      "Parameters": {"id.$": "$.created.id", "expand": ["latest_charge"]},
      "ResultPath": "$.readBack", "Next": "Events"
    },
    "Events": {
      "Type": "Task", "Resource": "settled:stripe.events.list",
      "Parameters": {"limit": 100},
      "ResultSelector": {"types.$": "$.data[*].type"},
      "ResultPath": "$.events", "End": true
    }
  }
})json";

TEST_F(StripeCalls, CreateConfirmPartialRefundAndReadBack) {
  put_machine("pay-and-refund", kPayAndRefund);
  const auto final =
      run("pay-and-refund", "b-1", {{"amount", 1000}, {"refundAmount", 400}, {"bookingId", "b-1"}});
  ASSERT_EQ(final.at("status"), "SUCCEEDED") << json::serialize(final);
  const auto output = final.at("output").as_object();

  EXPECT_EQ(output.at("created").at("status"), "requires_payment_method");
  EXPECT_EQ(output.at("confirmed").at("status"), "succeeded");
  EXPECT_EQ(output.at("confirmed").at("amount_received"), 1000);
  EXPECT_EQ(output.at("refund").at("object"), "refund");
  EXPECT_EQ(output.at("refund").at("amount"), 400);
  // Refunding the whole amount again was refused, caught by its name, and changed nothing.
  EXPECT_EQ(output.at("overRefund").at("Error"), "Stripe.InvalidRequestError");
  EXPECT_NE(output.at("overRefund").at("Cause").as_string().find("amount_too_large"),
            std::string::npos);
  const auto& charge = output.at("readBack").at("latest_charge");
  EXPECT_EQ(output.at("readBack").at("status"), "succeeded");
  EXPECT_EQ(charge.at("amount_captured"), 1000);
  EXPECT_EQ(charge.at("amount_refunded"), 400);
  EXPECT_EQ(charge.at("refunded"), false);
  EXPECT_EQ(charge.at("metadata").at("bookingId"), "b-1");
  EXPECT_EQ(output.at("events").at("types"),
            (json::array{"charge.refunded", "refund.created", "payment_intent.succeeded",
                         "charge.succeeded", "payment_intent.created"}));

  // The simulator's objects are durable: after a kill -9 the intent reads back the same.
  const std::string intent_id(output.at("created").at("id").as_string());
  restart_after_kill();
  put_machine("read-intent", R"json({"StartAt": "Read", "States": {"Read": {
      "Type": "Task", "Resource": "settled:stripe.paymentIntents.retrieve",
      "Parameters": {"id.$": "$.id", "expand": ["latest_charge"]}, "End": true}}})json");
  const auto read = run("read-intent", "after-restart", {{"id", intent_id}});
  ASSERT_EQ(read.at("status"), "SUCCEEDED") << json::serialize(read);
  const auto intent = read.at("output");
  EXPECT_EQ(intent.at("latest_charge").at("amount_refunded"), 400);
}

constexpr const char* kOnboardAndPay = R"json({
  "StartAt": "Account",
  "States": {
    "Account": {
      "Type": "Task", "Resource": "settled:stripe.accounts.create",
      "Parameters": {"type": "express", "email.$": "$.email",
                     "capabilities": {"transfers": {"requested": true}}},
      "ResultSelector": {"id.$": "$.id", "chargesEnabled.$": "$.charges_enabled"},
      "ResultPath": "$.account", "Next": "Link"
    },
    "Link": {
      "Type": "Task", "Resource": "settled:stripe.accountLinks.create",
      "Parameters": {"account.$": "$.account.id", "type": "account_onboarding",
                     "refresh_url": "https://example.com/refresh",
                     "return_url": "https://example.com/return"},
      "ResultPath": "$.link", "Next": "Transfer"
    },
    "Transfer": {
      "Type": "Task", "Resource": "settled:stripe.transfers.create",
      "Parameters": {"amount.$": "$.amount", "currency": "usd",
                     "destination.$": "$.account.id"},
      "ResultPath": "$.transfer", "Next": "Payout"
    },
    "Payout": {
      "Type": "Task", "Resource": "settled:stripe.payouts.create",
      "Parameters": {"amount.$": "$.amount", "currency": "usd",
                     "stripeAccount.$": "$.account.id"},
      "ResultPath": "$.payout", "Next": "SecondPayout"
    },
    "SecondPayout": {
      "Type": "Task", "Resource": "settled:stripe.payouts.create",
      "Parameters": {"amount": 1, "currency": "usd", "stripeAccount.$": "$.account.id"},
      "Catch": [{"ErrorEquals": ["Stripe.InvalidRequestError"], "ResultPath": "$.secondPayout",
                 "Next": "ReadAccount"}],
      "ResultPath": "$.secondPayout", "Next": "ReadAccount"
    },
    "ReadAccount": {
      "Type": "Task", "Resource": "settled:stripe.accounts.retrieve",
      "Parameters": {"id.$": "$.account.id"},
      "ResultSelector": {"email.$": "$.email"},
      "ResultPath": "$.readAccount", "End": true
    }
  }
})json";

TEST_F(StripeCalls, OnboardAConnectedAccountTransferAndPayOut) {
  put_machine("onboard-and-pay", kOnboardAndPay);
  const auto final =
      run("onboard-and-pay", "prov-1", {{"amount", 700}, {"email", "p@example.com"}});
  ASSERT_EQ(final.at("status"), "SUCCEEDED") << json::serialize(final);
  const auto output = final.at("output").as_object();
  const std::string account(output.at("account").at("id").as_string());
  EXPECT_EQ(account.rfind("acct_", 0), 0u);
  EXPECT_EQ(output.at("account").at("chargesEnabled"), false);
  EXPECT_EQ(output.at("link").at("object"), "account_link");
  EXPECT_TRUE(output.at("link").at("url").is_string());
  EXPECT_EQ(output.at("transfer").at("destination"), account.c_str());
  EXPECT_EQ(output.at("payout").at("status"), "pending");
  EXPECT_EQ(output.at("payout").at("amount"), 700);
  // The transfer's 700 were paid out: a further cent is more than the account holds.
  EXPECT_EQ(output.at("secondPayout").at("Error"), "Stripe.InvalidRequestError");
  EXPECT_NE(output.at("secondPayout").at("Cause").as_string().find("balance_insufficient"),
            std::string::npos);
  EXPECT_EQ(output.at("readAccount").at("email"), "p@example.com");
}

// Refunds that run at once (Map branches) are decided one after the other on what the previous
// one stored: of two refunds of 600 on a 1000 charge exactly one succeeds.
constexpr const char* kConcurrentRefunds = R"json({
  "StartAt": "Pay",
  "States": {
    "Pay": {
      "Type": "Task", "Resource": "settled:stripe.paymentIntents.create",
      "Parameters": {"amount": 1000, "currency": "usd", "payment_method": "pm_card_visa",
                     "confirm": true},
      "ResultSelector": {"id.$": "$.id"}, "ResultPath": "$.intent", "Next": "Refunds"
    },
    "Refunds": {
      "Type": "Map", "ItemsPath": "$.refunds", "MaxConcurrency": 0,
      "ItemSelector": {"intent.$": "$.intent.id", "amount.$": "$$.Map.Item.Value"},
      "ItemProcessor": {"StartAt": "Refund", "States": {"Refund": {
        "Type": "Task", "Resource": "settled:stripe.refunds.create",
        "Parameters": {"payment_intent.$": "$.intent", "amount.$": "$.amount"},
        "ResultSelector": {"refunded.$": "$.amount"},
        "Catch": [{"ErrorEquals": ["Stripe.InvalidRequestError"], "Next": "Refused"}],
        "End": true},
        "Refused": {"Type": "Pass", "Result": {"refused": true}, "End": true}}},
      "ResultPath": "$.outcomes", "Next": "ReadBack"
    },
    "ReadBack": {
      "Type": "Task", "Resource": "settled:stripe.paymentIntents.retrieve",
      "Parameters": {"id.$": "$.intent.id", "expand": ["latest_charge"]},
      "ResultSelector": {"amountRefunded.$": "$.latest_charge.amount_refunded"},
      "ResultPath": "$.readBack", "End": true
    }
  }
})json";

TEST_F(StripeCalls, ConcurrentRefundsNeverExceedTheCharge) {
  put_machine("concurrent-refunds", kConcurrentRefunds);
  const auto final = run("concurrent-refunds", "r-1", {{"refunds", json::array{600, 600}}});
  ASSERT_EQ(final.at("status"), "SUCCEEDED") << json::serialize(final);
  const auto& output = final.at("output").as_object();
  int refunded = 0, refused = 0;
  for (const auto& outcome : output.at("outcomes").as_array()) {
    if (outcome.as_object().contains("refused")) {
      ++refused;
    } else {
      EXPECT_EQ(outcome.at("refunded"), 600);
      ++refunded;
    }
  }
  EXPECT_EQ(refunded, 1);
  EXPECT_EQ(refused, 1);
  EXPECT_EQ(output.at("readBack").at("amountRefunded"), 600);
}

TEST_F(StripeCalls, ADefinitionWithAnUnknownStripeCallIsRefused) {
  auto put = client_->request(boost::beast::http::verb::put, "/v1/state-machines/bad-call",
                              R"json({"StartAt": "X", "States": {"X": {"Type": "Task",
                                "Resource": "settled:stripe.charges.create", "End": true}}})json");
  EXPECT_EQ(put.status, 400u) << put.body;
}

}  // namespace
}  // namespace settled::testing
