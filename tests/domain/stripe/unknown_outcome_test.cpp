#include "domain/stripe/unknown_outcome.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

namespace settled::stripe {
namespace {

namespace json = boost::json;

constexpr EpochMillis kHour = 3600 * 1000;

json::value event(const std::string& id, const std::string& type, const std::string& key,
                  json::object object) {
  return json::object{
      {"id", id},
      {"object", "event"},
      {"type", type},
      {"data", json::object{{"object", std::move(object)}}},
      {"request",
       json::object{{"id", nullptr},
                    {"idempotency_key", key.empty() ? json::value(nullptr) : json::value(key)}}}};
}

json::value page(json::array events, bool has_more) {
  return json::object{{"object", "list"}, {"has_more", has_more}, {"data", std::move(events)}};
}

TEST(UnknownOutcome, AKeyIsTrustedUntilAMarginBeforeStripesTwentyFourHours) {
  const EpochMillis first = 1'700'000'000'000;
  EXPECT_FALSE(key_may_have_expired(first, first));
  EXPECT_FALSE(key_may_have_expired(first, first + 23 * kHour));
  EXPECT_FALSE(key_may_have_expired(first, first + 24 * kHour - kIdempotencyKeyMarginMs - 1));
  EXPECT_TRUE(key_may_have_expired(first, first + 24 * kHour - kIdempotencyKeyMarginMs));
  EXPECT_TRUE(key_may_have_expired(first, first + 25 * kHour));
  // Not known: the key is never taken for expired (no lookup for every call).
  EXPECT_FALSE(key_may_have_expired(0, first));
}

TEST(UnknownOutcome, CallsThatMoveMoneyAreLookedUpByTheirObjectsEvents) {
  const EpochMillis first = 1'700'000'000'000;
  auto intent = outcome_lookup("settled:stripe.paymentIntents.create", json::object{}, first);
  ASSERT_TRUE(intent);
  EXPECT_EQ(intent->event_type, "payment_intent.*");
  EXPECT_EQ(intent->created_gte, 1'700'000'000 - 60);
  EXPECT_EQ(
      outcome_lookup("settled:stripe.paymentIntents.capture", json::object{}, first)->event_type,
      "payment_intent.*");
  EXPECT_EQ(outcome_lookup("settled:stripe.refunds.create", json::object{}, first)->event_type,
            "refund.created");
  EXPECT_EQ(outcome_lookup("settled:stripe.transfers.create", json::object{}, first)->event_type,
            "transfer.created");
  auto payout = outcome_lookup("settled:stripe.payouts.create",
                               json::object{{"stripeAccount", "acct_1"}, {"amount", 5}}, first);
  ASSERT_TRUE(payout);
  EXPECT_EQ(payout->event_type, "payout.created");
  EXPECT_EQ(payout->stripe_account, "acct_1");
  const auto params = lookup_page_parameters(*payout, "evt_9");
  EXPECT_EQ(params.at("type"), "payout.created");
  EXPECT_EQ(params.at("created").at("gte"), 1'700'000'000 - 60);
  EXPECT_EQ(params.at("limit"), 100);
  EXPECT_EQ(params.at("starting_after"), "evt_9");
  EXPECT_EQ(params.at("stripeAccount"), "acct_1");
  EXPECT_FALSE(lookup_page_parameters(*intent, "").contains("starting_after"));
  EXPECT_FALSE(lookup_page_parameters(*intent, "").contains("stripeAccount"));

  EXPECT_FALSE(outcome_lookup("settled:stripe.accounts.create", json::object{}, first));
  EXPECT_FALSE(outcome_lookup("settled:stripe.accountLinks.create", json::object{}, first));
  EXPECT_FALSE(outcome_lookup("settled:stripe.paymentIntents.retrieve", json::object{}, first));
  EXPECT_FALSE(outcome_lookup("settled:stripe.events.list", json::object{}, first));
}

TEST(UnknownOutcome, TheNewestEventOfTheKeyIsWhatStripeAnswered) {
  const auto listed = page(
      json::array{
          event("evt_4", "payment_intent.succeeded", "other/S/1",
                json::object{{"id", "pi_other"}, {"status", "succeeded"}}),
          event("evt_3", "payment_intent.succeeded", "e/Charge/2",
                json::object{{"id", "pi_1"}, {"status", "succeeded"}}),
          event("evt_2", "payment_intent.created", "e/Charge/2",
                json::object{{"id", "pi_1"}, {"status", "requires_confirmation"}}),
          event("evt_1", "payout.paid", "", json::object{{"id", "po_1"}}),
      },
      false);
  const auto step = read_lookup_page(listed, "e/Charge/2");
  ASSERT_EQ(step.kind, LookupStep::Kind::kExecuted);
  ASSERT_TRUE(step.outcome.ok);
  EXPECT_EQ(step.outcome.result.at("id"), "pi_1");
  EXPECT_EQ(step.outcome.result.at("status"), "succeeded");
}

TEST(UnknownOutcome, ADeclineFoundIsTheCardErrorStripeGave) {
  json::object intent{
      {"id", "pi_1"},
      {"status", "requires_payment_method"},
      {"last_payment_error", json::object{{"type", "card_error"},
                                          {"code", "card_declined"},
                                          {"decline_code", "insufficient_funds"},
                                          {"message", "Your card has insufficient funds."}}}};
  const auto step = read_lookup_page(
      page(json::array{event("evt_2", "payment_intent.payment_failed", "k", intent)}, false), "k");
  ASSERT_EQ(step.kind, LookupStep::Kind::kExecuted);
  ASSERT_FALSE(step.outcome.ok);
  EXPECT_EQ(step.outcome.error, "Stripe.CardError");
  const auto cause = json::parse(step.outcome.cause);
  EXPECT_EQ(cause.at("decline_code"), "insufficient_funds");
  EXPECT_EQ(cause.at("payment_intent").at("id"), "pi_1");
}

TEST(UnknownOutcome, NoEventOfTheKeyIsNotExecutedOrTheNextPage) {
  const auto other = event("evt_5", "refund.created", "x/S/1", json::object{{"id", "re_1"}});
  const auto last = read_lookup_page(page(json::array{other}, false), "k");
  EXPECT_EQ(last.kind, LookupStep::Kind::kNotExecuted);
  const auto more = read_lookup_page(page(json::array{other}, true), "k");
  ASSERT_EQ(more.kind, LookupStep::Kind::kNextPage);
  EXPECT_EQ(more.next_after, "evt_5");
  EXPECT_EQ(read_lookup_page(page(json::array{}, false), "k").kind, LookupStep::Kind::kNotExecuted);
}

TEST(UnknownOutcome, APageThatIsNotAnEventListConcludesNothing) {
  EXPECT_EQ(read_lookup_page(json::value(nullptr), "k").kind, LookupStep::Kind::kMalformed);
  EXPECT_EQ(read_lookup_page(json::object{{"data", 3}}, "k").kind, LookupStep::Kind::kMalformed);
  EXPECT_EQ(read_lookup_page(json::object{{"data", json::array{1}}}, "k").kind,
            LookupStep::Kind::kMalformed);
  // The key's event without its object: it happened, but what it answered is not known.
  json::value broken = event("evt_1", "refund.created", "k", json::object{});
  broken.as_object()["data"] = json::object{};
  EXPECT_EQ(read_lookup_page(page(json::array{broken}, false), "k").kind,
            LookupStep::Kind::kMalformed);
}

TEST(UnknownOutcome, UnknownAndNotExecutedAreToldApart) {
  const auto unknown = unknown_outcome("timed out");
  EXPECT_EQ(unknown.error, "Stripe.Unknown");
  EXPECT_EQ(json::parse(unknown.cause).at("outcome"), "unknown");
  auto lookup = outcome_lookup("settled:stripe.refunds.create", json::object{}, 1000);
  const auto never = not_executed(*lookup, "k");
  EXPECT_EQ(never.error, "Stripe.APIConnectionError");
  EXPECT_EQ(json::parse(never.cause).at("outcome"), "not_executed");
}

}  // namespace
}  // namespace settled::stripe
