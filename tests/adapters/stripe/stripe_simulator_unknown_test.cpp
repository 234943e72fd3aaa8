// The simulator forgets an Idempotency-Key 24 hours after its first use on the business clock,
// as Stripe does, and settled's side of it: past the window, or when the workflow is about to
// give up (resolve_only), a call is looked up by its key in the events instead of being sent
// again (domain/stripe/unknown_outcome.hpp).

#include "adapters/stripe/stripe_simulator.hpp"
#include "domain/stripe/unknown_outcome.hpp"
#include "support/temp_dir.hpp"
#include "support/temp_store.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <map>
#include <string>

namespace settled::adapters {
namespace {

namespace json = boost::json;
using settled::testing::TempDir;

constexpr EpochMillis kStart = 1'772'445'600'000;  // 2026-03-02T10:00:00Z
constexpr EpochMillis kHour = 3'600'000;

class StripeSimulatorUnknown : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = settled::testing::open_temp_store(dir_.path());
    ASSERT_TRUE(store_);
  }

  static TaskAttempt charge(const std::string& key, const char* method = "pm_card_visa") {
    TaskAttempt a;
    a.resource = "settled:stripe.paymentIntents.create";
    a.parameters = json::object{
        {"amount", 2500}, {"currency", "eur"}, {"payment_method", method}, {"confirm", true}};
    a.idempotency_key = key;
    return a;
  }

  // Decides at `now` and commits what was decided, as the actor does.
  TaskOutcome decide(TaskAttempt a, EpochMillis now, bool* wrote = nullptr) {
    a.now = now;
    const auto stored = store_->get(Table::kStripeIdempotency, a.idempotency_key);
    auto d = simulate_stripe_call(store_.get(), a, stored, ++attempts_[a.idempotency_key], ids_);
    if (wrote) *wrote = !d.writes.empty();
    EXPECT_TRUE(store_->commit({&d.writes}).ok());
    return d.outcome;
  }
  std::size_t intents() const { return store_->count(Table::kStripeIntents); }

  TempDir dir_;
  std::shared_ptr<LmdbStore> store_;
  std::map<std::string, int> attempts_;
  int counter_ = 0;
  SimulatorIds ids_ = [this](const char* prefix) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%s%08d", prefix, ++counter_);
    return std::string(buf);
  };
};

TEST_F(StripeSimulatorUnknown, AKeyIsReplayedForADayThenForgottenAsStripeForgetsIt) {
  const TaskAttempt a = charge("e/Charge/1");  // key_first_used not known: never looked up
  const TaskOutcome first = decide(a, kStart);
  ASSERT_TRUE(first.ok) << first.cause;
  const TaskOutcome replay = decide(a, kStart + 24 * kHour - 1);
  ASSERT_TRUE(replay.ok);
  EXPECT_EQ(replay.result.at("id"), first.result.at("id"));
  EXPECT_EQ(intents(), 1u);
  // A day later the same key is a new request: this is why settled must not resend blindly.
  const TaskOutcome again = decide(a, kStart + 24 * kHour);
  ASSERT_TRUE(again.ok);
  EXPECT_NE(again.result.at("id"), first.result.at("id"));
  EXPECT_EQ(intents(), 2u);
}

TEST_F(StripeSimulatorUnknown, PastTheWindowALostChargeIsFoundByItsKeyNotMadeAgain) {
  TaskAttempt a = charge("e/Charge/1", "pm_sim_timeout_1");
  a.key_first_used = kStart;
  const TaskOutcome lost = decide(a, kStart);
  ASSERT_FALSE(lost.ok);
  EXPECT_EQ(lost.error, "Stripe.Unknown");
  ASSERT_EQ(intents(), 1u);

  bool wrote = true;
  const TaskOutcome found = decide(a, kStart + 25 * kHour, &wrote);
  ASSERT_TRUE(found.ok) << found.error << " " << found.cause;
  EXPECT_EQ(found.result.at("status"), "succeeded");
  EXPECT_EQ(found.result.at("amount"), 2500);
  EXPECT_EQ(intents(), 1u);
  EXPECT_FALSE(wrote);
}

TEST_F(StripeSimulatorUnknown, PastTheWindowACallNeverExecutedIsSent) {
  TaskAttempt a = charge("e/Charge/1");
  a.key_first_used = kStart;
  // Another call's events do not count as this one's.
  TaskAttempt other = charge("e/Other/1");
  ASSERT_TRUE(decide(other, kStart).ok);
  const TaskOutcome sent = decide(a, kStart + 25 * kHour);
  ASSERT_TRUE(sent.ok) << sent.cause;
  EXPECT_EQ(intents(), 2u);
}

TEST_F(StripeSimulatorUnknown, ADeclineFoundIsTheSameCardError) {
  TaskAttempt a = charge("e/Charge/1", "pm_card_chargeDeclinedInsufficientFunds");
  a.key_first_used = kStart;
  const TaskOutcome declined = decide(a, kStart);
  ASSERT_EQ(declined.error, "Stripe.CardError");
  const TaskOutcome found = decide(a, kStart + 25 * kHour);
  EXPECT_EQ(found.error, "Stripe.CardError");
  EXPECT_EQ(json::parse(found.cause).at("decline_code"), "insufficient_funds");
  EXPECT_EQ(intents(), 1u);
}

TEST_F(StripeSimulatorUnknown, GivingUpAsksWhetherItWasExecutedAndSendsNothing) {
  TaskAttempt a = charge("e/Charge/1", "pm_sim_timeout_1");
  a.key_first_used = kStart;
  ASSERT_EQ(decide(a, kStart).error, "Stripe.Unknown");

  TaskAttempt ask = a;
  ask.resolve_only = true;
  bool wrote = true;
  const TaskOutcome found = decide(ask, kStart + 1000, &wrote);
  ASSERT_TRUE(found.ok) << found.cause;
  EXPECT_EQ(found.result.at("status"), "succeeded");
  EXPECT_FALSE(wrote);

  TaskAttempt never = charge("e/Never/1");
  never.key_first_used = kStart;
  never.resolve_only = true;
  const TaskOutcome none = decide(never, kStart + 1000, &wrote);
  EXPECT_EQ(none.error, "Stripe.APIConnectionError");
  EXPECT_EQ(json::parse(none.cause).at("outcome"), "not_executed");
  EXPECT_FALSE(wrote);
  EXPECT_EQ(intents(), 1u);

  // A call that is not looked up keeps its unknown outcome, and makes nothing.
  const std::size_t objects = store_->count(Table::kStripeObjects);  // the charge
  TaskAttempt account;
  account.resource = "settled:stripe.accounts.create";
  account.parameters = json::object{{"type", "express"}};
  account.idempotency_key = "e/Account/1";
  account.resolve_only = true;
  EXPECT_EQ(decide(account, kStart).error, "Stripe.Unknown");
  EXPECT_EQ(store_->count(Table::kStripeObjects), objects);
}

TEST_F(StripeSimulatorUnknown, APayoutIsLookedUpAmongItsConnectedAccountsEvents) {
  // A connected account with funds, a payout whose answer was lost past the window.
  TaskAttempt account;
  account.resource = "settled:stripe.accounts.create";
  account.parameters = json::object{{"type", "express"}};
  account.idempotency_key = "e/Account/1";
  const TaskOutcome made = decide(account, kStart);
  ASSERT_TRUE(made.ok) << made.cause;
  const std::string acct(made.result.at("id").as_string());
  TaskAttempt transfer;
  transfer.resource = "settled:stripe.transfers.create";
  transfer.parameters = json::object{{"amount", 900}, {"currency", "eur"}, {"destination", acct}};
  transfer.idempotency_key = "e/Transfer/1";
  ASSERT_TRUE(decide(transfer, kStart).ok);
  TaskAttempt payout;
  payout.resource = "settled:stripe.payouts.create";
  payout.parameters = json::object{{"amount", 400}, {"currency", "eur"}, {"stripeAccount", acct}};
  payout.idempotency_key = "e/Payout/1";
  payout.key_first_used = kStart;
  const TaskOutcome first = decide(payout, kStart);
  ASSERT_TRUE(first.ok) << first.cause;
  const TaskOutcome found = decide(payout, kStart + 25 * kHour);
  ASSERT_TRUE(found.ok) << found.cause;
  EXPECT_EQ(found.result.at("id"), first.result.at("id"));
}

}  // namespace
}  // namespace settled::adapters
