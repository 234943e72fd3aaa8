// The simulator for every Stripe call (src/adapters/stripe/stripe_simulator.hpp,
// stripe_sim_*.cpp) against a real LmdbStore, committing each decision as the actor does:
// PaymentIntent state changes, refunds, Connect, events.list, idempotency per endpoint.

#include "adapters/stripe/stripe_simulator.hpp"
#include "support/temp_dir.hpp"
#include "support/temp_store.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <cstdio>
#include <string>
#include <vector>

namespace settled::adapters {
namespace {

namespace json = boost::json;
using settled::testing::TempDir;

class StripeSimulatorCalls : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = settled::testing::open_temp_store(dir_.path());
    ASSERT_TRUE(store_);
  }

  // Decides the call and commits what it decided. `key` defaults to a fresh one.
  SimulatorDecision decide(const std::string& method, const json::value& params,
                           std::string key = {}) {
    TaskAttempt a;
    a.resource = "settled:stripe." + method;
    a.parameters = params;
    a.idempotency_key = key.empty() ? "exec-1/State/" + std::to_string(++keys_) : key;
    a.now = now_;
    const auto stored = store_->get(Table::kStripeIdempotency, a.idempotency_key);
    auto d = simulate_stripe_call(store_.get(), a, stored, ++attempts_[a.idempotency_key], ids_);
    EXPECT_TRUE(store_->commit({&d.writes}).ok());
    return d;
  }
  TaskOutcome call(const std::string& method, const json::value& params, std::string key = {}) {
    return decide(method, params, std::move(key)).outcome;
  }
  json::object ok(const std::string& method, const json::value& params, std::string key = {}) {
    TaskOutcome o = call(method, params, std::move(key));
    EXPECT_TRUE(o.ok) << method << ": " << o.error << " " << o.cause;
    return o.ok ? o.result.as_object() : json::object();
  }
  // The error's name and Stripe's code.
  std::pair<std::string, std::string> refused(const std::string& method, const json::value& params,
                                              std::string key = {}) {
    TaskOutcome o = call(method, params, std::move(key));
    EXPECT_FALSE(o.ok) << method << " " << json::serialize(o.result);
    if (o.ok) return {};
    const json::value cause = json::parse(o.cause);
    const json::value* code = cause.as_object().if_contains("code");
    return {o.error, code ? std::string(code->as_string()) : std::string()};
  }
  std::size_t rows(Table table) const { return store_->count(table); }

  json::object paid_intent(std::int64_t amount, const char* capture_method = "automatic") {
    return ok("paymentIntents.create", {{"amount", amount},
                                        {"currency", "usd"},
                                        {"payment_method", "pm_card_visa"},
                                        {"confirm", true},
                                        {"capture_method", capture_method},
                                        {"metadata", {{"bookingId", "b-1"}}}});
  }
  json::object charge_of(const json::object& intent) {
    return ok("paymentIntents.retrieve",
              {{"id", intent.at("id")}, {"expand", json::array{"latest_charge"}}})
        .at("latest_charge")
        .as_object();
  }

  TempDir dir_;
  std::shared_ptr<LmdbStore> store_;
  EpochMillis now_ = 1'700'000'000'000;
  int keys_ = 0;
  std::map<std::string, int> attempts_;
  int counter_ = 0;
  // Time-ordered as the actor's are: a fixed-width counter after the prefix.
  SimulatorIds ids_ = [this](const char* prefix) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%s%08d", prefix, ++counter_);
    return std::string(buf);
  };
};

using Refusal = std::pair<std::string, std::string>;

// ---------------------------------------------------------------------------------------------
// PaymentIntents

TEST_F(StripeSimulatorCalls, CreateThenConfirmSucceedsWithACharge) {
  const auto bare = ok("paymentIntents.create", {{"amount", 1000}, {"currency", "EUR"}});
  EXPECT_EQ(bare.at("status"), "requires_payment_method");
  EXPECT_EQ(bare.at("currency"), "eur");
  EXPECT_EQ(refused("paymentIntents.confirm", {{"id", bare.at("id")}}),
            Refusal("Stripe.InvalidRequestError", "parameter_missing"));

  const auto intent =
      ok("paymentIntents.create",
         {{"amount", 1000}, {"currency", "usd"}, {"payment_method", "pm_card_visa"}});
  EXPECT_EQ(intent.at("status"), "requires_confirmation");
  EXPECT_EQ(intent.at("amount_received"), 0);
  const auto confirmed = ok("paymentIntents.confirm", {{"id", intent.at("id")}});
  EXPECT_EQ(confirmed.at("id"), intent.at("id"));
  EXPECT_EQ(confirmed.at("status"), "succeeded");
  EXPECT_EQ(confirmed.at("amount_received"), 1000);
  ASSERT_TRUE(confirmed.at("latest_charge").is_string());
  EXPECT_EQ(confirmed.at("latest_charge").as_string().subview().substr(0, 3), "ch_");

  // Confirming twice is a state error that changes nothing.
  EXPECT_EQ(refused("paymentIntents.confirm", {{"id", intent.at("id")}}),
            Refusal("Stripe.InvalidRequestError", "payment_intent_unexpected_state"));
  EXPECT_EQ(ok("paymentIntents.retrieve", {{"id", intent.at("id")}}), confirmed);
}

TEST_F(StripeSimulatorCalls, ConfirmWithADeclinedCardIsAStoredCardError) {
  const auto intent = ok("paymentIntents.create", {{"amount", 500}, {"currency", "usd"}});
  const auto d =
      decide("paymentIntents.confirm",
             {{"id", intent.at("id")}, {"payment_method", "pm_card_chargeDeclined"}}, "k-decline");
  ASSERT_FALSE(d.outcome.ok);
  EXPECT_EQ(d.outcome.error, "Stripe.CardError");
  EXPECT_FALSE(d.writes.empty());  // it happened at Stripe
  const auto after = ok("paymentIntents.retrieve", {{"id", intent.at("id")}});
  EXPECT_EQ(after.at("status"), "requires_payment_method");
  EXPECT_EQ(after.at("last_payment_error").at("decline_code"), "generic_decline");
  // A retry with the same key replays the decline; a new card then succeeds.
  EXPECT_EQ(
      call("paymentIntents.confirm",
           {{"id", intent.at("id")}, {"payment_method", "pm_card_chargeDeclined"}}, "k-decline")
          .cause,
      d.outcome.cause);
  EXPECT_EQ(
      ok("paymentIntents.confirm", {{"id", intent.at("id")}, {"payment_method", "pm_card_visa"}})
          .at("status"),
      "succeeded");
}

TEST_F(StripeSimulatorCalls, ManualCaptureTakesAtMostWhatWasAuthorised) {
  const auto intent = paid_intent(1000, "manual");
  EXPECT_EQ(intent.at("status"), "requires_capture");
  EXPECT_EQ(intent.at("amount_capturable"), 1000);
  EXPECT_EQ(intent.at("amount_received"), 0);
  // Nothing captured yet: nothing to refund.
  EXPECT_EQ(refused("refunds.create", {{"payment_intent", intent.at("id")}}),
            Refusal("Stripe.InvalidRequestError", "payment_intent_unexpected_state"));
  EXPECT_EQ(
      refused("paymentIntents.capture", {{"id", intent.at("id")}, {"amount_to_capture", 1001}}),
      Refusal("Stripe.InvalidRequestError", "amount_too_large"));
  EXPECT_EQ(
      refused("paymentIntents.capture", {{"id", intent.at("id")}, {"amount_to_capture", 6.5}}),
      Refusal("Stripe.InvalidRequestError", "parameter_invalid_integer"));
  const auto captured =
      ok("paymentIntents.capture", {{"id", intent.at("id")}, {"amount_to_capture", 600}});
  EXPECT_EQ(captured.at("status"), "succeeded");
  EXPECT_EQ(captured.at("amount_received"), 600);
  EXPECT_EQ(captured.at("amount_capturable"), 0);
  EXPECT_EQ(charge_of(captured).at("amount_captured"), 600);
  EXPECT_EQ(refused("paymentIntents.capture", {{"id", intent.at("id")}}),
            Refusal("Stripe.InvalidRequestError", "payment_intent_unexpected_state"));
  // Only what was captured can be refunded.
  EXPECT_EQ(refused("refunds.create", {{"payment_intent", intent.at("id")}, {"amount", 601}}),
            Refusal("Stripe.InvalidRequestError", "amount_too_large"));
  EXPECT_EQ(ok("refunds.create", {{"payment_intent", intent.at("id")}}).at("amount"), 600);
}

TEST_F(StripeSimulatorCalls, CancelReleasesAnAuthorisationAndIsRefusedOnceSucceeded) {
  const auto held = paid_intent(800, "manual");
  const auto canceled =
      ok("paymentIntents.cancel",
         {{"id", held.at("id")}, {"cancellation_reason", "requested_by_customer"}});
  EXPECT_EQ(canceled.at("status"), "canceled");
  EXPECT_EQ(canceled.at("cancellation_reason"), "requested_by_customer");
  EXPECT_EQ(canceled.at("amount_capturable"), 0);
  EXPECT_EQ(canceled.at("canceled_at"), now_ / 1000);
  EXPECT_EQ(refused("paymentIntents.capture", {{"id", held.at("id")}}).second,
            "payment_intent_unexpected_state");
  EXPECT_EQ(refused("paymentIntents.cancel", {{"id", held.at("id")}}).second,
            "payment_intent_unexpected_state");

  const auto paid = paid_intent(800);
  EXPECT_EQ(refused("paymentIntents.cancel", {{"id", paid.at("id")}}).second,
            "payment_intent_unexpected_state");
  const auto open = ok("paymentIntents.create", {{"amount", 100}, {"currency", "usd"}});
  EXPECT_EQ(
      refused("paymentIntents.cancel", {{"id", open.at("id")}, {"cancellation_reason", "bored"}})
          .second,
      "parameter_invalid");
  EXPECT_EQ(ok("paymentIntents.cancel", {{"id", open.at("id")}}).at("status"), "canceled");
}

TEST_F(StripeSimulatorCalls, UnknownIdsAndBadIdsAreInvalidRequests) {
  EXPECT_EQ(refused("paymentIntents.retrieve", {{"id", "pi_nope"}}),
            Refusal("Stripe.InvalidRequestError", "resource_missing"));
  EXPECT_EQ(refused("paymentIntents.confirm", {{"id", "pi_nope"}}).second, "resource_missing");
  EXPECT_EQ(refused("paymentIntents.retrieve", {{"id", "../accounts"}}).second,
            "parameter_invalid");
  EXPECT_EQ(refused("paymentIntents.retrieve", json::object{}).second, "parameter_missing");
  EXPECT_EQ(refused("accounts.retrieve", {{"id", "acct_nope"}}).second, "resource_missing");
  const auto paid = paid_intent(100);
  EXPECT_EQ(
      refused("paymentIntents.retrieve", {{"id", paid.at("id")}, {"expand", {"customer"}}}).second,
      "parameter_invalid");
}

// ---------------------------------------------------------------------------------------------
// Refunds

TEST_F(StripeSimulatorCalls, PartialRefundsNeverExceedWhatIsLeft) {
  const auto intent = paid_intent(1000);
  const auto first = ok("refunds.create", {{"payment_intent", intent.at("id")},
                                           {"amount", 300},
                                           {"reason", "requested_by_customer"},
                                           {"metadata", {{"bookingId", "b-1"}}}});
  EXPECT_EQ(first.at("object"), "refund");
  EXPECT_EQ(first.at("amount"), 300);
  EXPECT_EQ(first.at("status"), "succeeded");
  EXPECT_EQ(first.at("payment_intent"), intent.at("id"));
  EXPECT_EQ(first.at("charge"), intent.at("latest_charge"));
  EXPECT_EQ(charge_of(intent).at("amount_refunded"), 300);
  EXPECT_EQ(charge_of(intent).at("refunded"), false);

  // An over-refund is refused and changes nothing.
  const auto rows_before = rows(Table::kStripeObjects);
  EXPECT_EQ(refused("refunds.create", {{"payment_intent", intent.at("id")}, {"amount", 701}}),
            Refusal("Stripe.InvalidRequestError", "amount_too_large"));
  EXPECT_EQ(rows(Table::kStripeObjects), rows_before);
  EXPECT_EQ(charge_of(intent).at("amount_refunded"), 300);
  EXPECT_EQ(
      refused("refunds.create", {{"payment_intent", intent.at("id")}, {"amount", 10.5}}).second,
      "parameter_invalid_integer");
  EXPECT_EQ(
      refused("refunds.create", {{"payment_intent", intent.at("id")}, {"amount", "700"}}).second,
      "parameter_invalid_integer");

  // By charge id as well as by intent; without an amount, everything left.
  const auto rest = ok("refunds.create", {{"charge", intent.at("latest_charge")}});
  EXPECT_EQ(rest.at("amount"), 700);
  EXPECT_EQ(charge_of(intent).at("amount_refunded"), 1000);
  EXPECT_EQ(charge_of(intent).at("refunded"), true);
  EXPECT_EQ(refused("refunds.create", {{"payment_intent", intent.at("id")}, {"amount", 1}}),
            Refusal("Stripe.InvalidRequestError", "charge_already_refunded"));
  EXPECT_EQ(refused("refunds.create", {{"amount", 1}}).second, "parameter_missing");
  EXPECT_EQ(refused("refunds.create", {{"payment_intent", "pi_nope"}}).second, "resource_missing");
}

// ---------------------------------------------------------------------------------------------
// Idempotency

TEST_F(StripeSimulatorCalls, SameKeySameParametersReplaysDifferentParametersIsRefused) {
  const auto intent = paid_intent(1000);
  const json::object params{{"payment_intent", intent.at("id")}, {"amount", 400}};
  const auto first = ok("refunds.create", params, "exec-9/Refund/1");
  const auto again = ok("refunds.create", params, "exec-9/Refund/1");
  EXPECT_EQ(again, first);                                  // the same refund, not a second
  EXPECT_EQ(charge_of(intent).at("amount_refunded"), 400);  // refunded once
  json::object other = params;
  other["amount"] = 500;
  EXPECT_EQ(refused("refunds.create", other, "exec-9/Refund/1"),
            Refusal("Stripe.IdempotencyError", "idempotency_key_in_use"));
  // The same key on another endpoint is refused too, as Stripe does.
  EXPECT_EQ(refused("transfers.create", params, "exec-9/Refund/1").first,
            "Stripe.IdempotencyError");
  // A refusal stored nothing: the key is still free for the corrected request.
  EXPECT_EQ(refused("refunds.create", {{"payment_intent", intent.at("id")}, {"amount", 9999}},
                    "exec-9/Refund/2")
                .second,
            "amount_too_large");
  EXPECT_EQ(
      ok("refunds.create", {{"payment_intent", intent.at("id")}, {"amount", 1}}, "exec-9/Refund/2")
          .at("amount"),
      1);
}

TEST_F(StripeSimulatorCalls, ReadsAreMarkedSoTheActorStoresThemFirst) {
  const auto create = decide("paymentIntents.create", {{"amount", 100}, {"currency", "usd"}});
  EXPECT_FALSE(create.read_objects);  // a new object: nothing else can touch it yet
  const auto confirm = decide("paymentIntents.confirm", {{"id", create.outcome.result.at("id")},
                                                         {"payment_method", "pm_card_visa"}});
  EXPECT_TRUE(confirm.read_objects);
  EXPECT_TRUE(decide("events.list", json::object{}).read_objects);
}

// ---------------------------------------------------------------------------------------------
// Connect

TEST_F(StripeSimulatorCalls, AccountsAndOnboardingLinks) {
  const auto account =
      ok("accounts.create", {{"type", "express"},
                             {"email", "p@example.com"},
                             {"capabilities", {{"transfers", {{"requested", true}}}}},
                             {"metadata", {{"providerId", "prov-1"}}}});
  ASSERT_EQ(account.at("id").as_string().subview().substr(0, 5), "acct_");
  EXPECT_EQ(account.at("object"), "account");
  EXPECT_EQ(account.at("charges_enabled"), false);
  EXPECT_EQ(account.at("payouts_enabled"), false);
  EXPECT_EQ(account.at("capabilities").at("transfers"), "inactive");
  EXPECT_EQ(ok("accounts.retrieve", {{"id", account.at("id")}}), account);
  EXPECT_EQ(refused("accounts.create", {{"email", "x@example.com"}}).second, "parameter_missing");
  EXPECT_EQ(refused("accounts.create", {{"type", "premium"}}).second, "parameter_invalid");

  const json::object link_params{{"account", account.at("id")},
                                 {"type", "account_onboarding"},
                                 {"refresh_url", "https://example.com/refresh"},
                                 {"return_url", "https://example.com/return"}};
  const auto link = ok("accountLinks.create", link_params);
  EXPECT_EQ(link.at("object"), "account_link");
  EXPECT_EQ(link.at("expires_at").as_int64(), link.at("created").as_int64() + 300);
  EXPECT_EQ(link.at("url").as_string().subview().substr(0, 8), "https://");
  json::object no_return = link_params;
  no_return.erase("return_url");
  EXPECT_EQ(refused("accountLinks.create", no_return).second, "parameter_missing");
  json::object unknown = link_params;
  unknown["account"] = "acct_nope";
  EXPECT_EQ(refused("accountLinks.create", unknown).second, "resource_missing");
}

TEST_F(StripeSimulatorCalls, TransfersFundPayoutsOnTheConnectedAccount) {
  const auto account = ok("accounts.create", {{"type", "express"}});
  const json::value acct = account.at("id");
  const auto transfer = ok("transfers.create", {{"amount", 700},
                                                {"currency", "usd"},
                                                {"destination", acct},
                                                {"transfer_group", "booking-1"}});
  EXPECT_EQ(transfer.at("object"), "transfer");
  EXPECT_EQ(transfer.at("destination"), acct);
  EXPECT_EQ(transfer.at("amount"), 700);
  EXPECT_EQ(refused("transfers.create", {{"amount", 1}, {"currency", "usd"}}).second,
            "parameter_missing");
  EXPECT_EQ(refused("transfers.create",
                    {{"amount", 1}, {"currency", "usd"}, {"destination", "acct_nope"}})
                .second,
            "resource_missing");
  EXPECT_EQ(
      refused("transfers.create", {{"amount", 1.0}, {"currency", "usd"}, {"destination", acct}})
          .second,
      "parameter_invalid_integer");

  const auto payout =
      ok("payouts.create", {{"amount", 500}, {"currency", "usd"}, {"stripeAccount", acct}});
  EXPECT_EQ(payout.at("object"), "payout");
  EXPECT_EQ(payout.at("status"), "pending");
  EXPECT_EQ(payout.at("amount"), 500);
  // 200 left: more is refused, and nothing changes.
  EXPECT_EQ(
      refused("payouts.create", {{"amount", 201}, {"currency", "usd"}, {"stripeAccount", acct}}),
      Refusal("Stripe.InvalidRequestError", "balance_insufficient"));
  EXPECT_EQ(refused("payouts.create", {{"amount", 1}, {"currency", "eur"}, {"stripeAccount", acct}})
                .second,
            "balance_insufficient");
  EXPECT_EQ(ok("payouts.create", {{"amount", 200}, {"currency", "usd"}, {"stripeAccount", acct}})
                .at("amount"),
            200);
  // A payout is made on a connected account: without one it is refused before anything runs.
  EXPECT_EQ(refused("payouts.create", {{"amount", 1}, {"currency", "usd"}}).second,
            "parameter_missing");
  EXPECT_EQ(refused("payouts.create",
                    {{"amount", 1}, {"currency", "usd"}, {"stripeAccount", "acct_nope"}})
                .second,
            "account_invalid");
  EXPECT_EQ(
      refused("transfers.create",
              {{"amount", 1}, {"currency", "usd"}, {"destination", acct}, {"stripeAccount", acct}})
          .second,
      "parameter_unknown");
}

// ---------------------------------------------------------------------------------------------
// events.list

std::vector<std::string> types_of(const json::object& list) {
  std::vector<std::string> out;
  for (const auto& e : list.at("data").as_array()) out.emplace_back(e.at("type").as_string());
  return out;
}

TEST_F(StripeSimulatorCalls, EventsAreListedNewestFirstFilteredAndPaged) {
  const auto intent = paid_intent(1000);
  now_ += 60'000;
  ok("refunds.create", {{"payment_intent", intent.at("id")}, {"amount", 100}});
  const auto all = ok("events.list", {{"limit", 100}});
  EXPECT_EQ(all.at("object"), "list");
  EXPECT_EQ(all.at("url"), "/v1/events");
  EXPECT_EQ(types_of(all), (std::vector<std::string>{"charge.refunded", "refund.created",
                                                     "payment_intent.succeeded", "charge.succeeded",
                                                     "payment_intent.created"}));
  EXPECT_EQ(all.at("has_more"), false);
  const auto& newest = all.at("data").as_array().front();
  EXPECT_EQ(newest.at("object"), "event");
  EXPECT_EQ(newest.at("data").at("object").at("amount_refunded"), 100);
  EXPECT_EQ(newest.at("data").at("object").at("metadata").at("bookingId"), "b-1");

  // created[gte]: only what happened since.
  EXPECT_EQ(types_of(ok("events.list", {{"created", {{"gte", now_ / 1000}}}})),
            (std::vector<std::string>{"charge.refunded", "refund.created"}));
  EXPECT_EQ(types_of(ok("events.list", {{"created", {{"lt", now_ / 1000}}}})).size(), 3u);
  EXPECT_EQ(types_of(ok("events.list", {{"type", "payment_intent.*"}})),
            (std::vector<std::string>{"payment_intent.succeeded", "payment_intent.created"}));

  // limit + starting_after page through, newest first, without gaps or repeats.
  std::vector<std::string> paged;
  json::object page = ok("events.list", {{"limit", 2}});
  for (;;) {
    for (const auto& e : page.at("data").as_array()) paged.emplace_back(e.at("type").as_string());
    if (!page.at("has_more").as_bool()) break;
    page = ok("events.list",
              {{"limit", 2}, {"starting_after", page.at("data").as_array().back().at("id")}});
  }
  EXPECT_EQ(paged, types_of(all));
  // ending_before: the newer events just before that one, newest first.
  const auto& third = all.at("data").as_array().at(2).at("id");
  const auto newer = ok("events.list", {{"ending_before", third}});
  EXPECT_EQ(types_of(newer), (std::vector<std::string>{"charge.refunded", "refund.created"}));
  EXPECT_EQ(newer.at("has_more"), false);
  const auto closest = ok("events.list", {{"ending_before", third}, {"limit", 1}});
  EXPECT_EQ(types_of(closest), (std::vector<std::string>{"refund.created"}));
  EXPECT_EQ(closest.at("has_more"), true);
  EXPECT_EQ(refused("events.list", {{"limit", 101}}).second, "parameter_invalid_integer");
  EXPECT_EQ(refused("events.list", {{"starting_after", "evt_nope"}}).second, "resource_missing");
  EXPECT_EQ(refused("events.list", {{"created", {{"since", 1}}}}).second, "parameter_unknown");
}

}  // namespace
}  // namespace settled::adapters
