// Tests for the Stripe simulator (src/adapters/stripe/stripe_simulator.hpp): outcomes per test
// payment method, idempotent replay, and the payment-intent list against a real LmdbStore.

#include "adapters/stripe/stripe_simulator.hpp"
#include "support/temp_dir.hpp"
#include "support/temp_store.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <stdlib.h>

#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace settled::adapters {
namespace {

namespace json = boost::json;
namespace fs = std::filesystem;
using ::testing::HasSubstr;

constexpr EpochMillis kNow = 1'700'000'000'999;

TaskAttempt attempt(const std::string& method, const std::string& key = "exec-1/ProcessPayment/3") {
  TaskAttempt a;
  a.resource = "settled:stripe.paymentIntents.create";
  a.parameters =
      json::parse(R"({"amount": 1250, "currency": "USD", "confirm": true, "description": "coffee",
                                 "metadata": {"paymentId": "p-1", "customerId": "c-1"}})");
  a.parameters.as_object()["payment_method"] = method;
  a.idempotency_key = key;
  a.execution_id = "exec-1";
  a.state_name = "ProcessPayment";
  a.now = kNow;
  return a;
}

// The response the simulator stored for the Idempotency-Key, as the actor would read it back.
std::optional<std::string> stored_response(const SimulatorDecision& d) {
  for (const auto& op : d.writes.ops) {
    if (op.table == Table::kStripeIdempotency) return op.value;
  }
  return std::nullopt;
}

const WriteOp* find_write(const SimulatorDecision& d, Table table) {
  for (const auto& op : d.writes.ops) {
    if (op.table == table) return &op;
  }
  return nullptr;
}

// A create with confirm=true that succeeds writes the intent, its charge, three events
// (payment_intent.created, charge.succeeded, payment_intent.succeeded) and the key's response.
constexpr std::size_t kConfirmedCreateWrites = 6;

json::value cause_of(const TaskOutcome& o) {
  return json::parse(o.cause);
}

// ---------------------------------------------------------------------------------------------
// Outcomes

TEST(StripeSimulator, SucceedsAndStoresTheIntentAndTheResponse) {
  const auto d =
      simulate_payment_intent_create(attempt("pm_card_visa"), std::nullopt, 1, "pi_0001");
  ASSERT_TRUE(d.outcome.ok) << d.outcome.error << " " << d.outcome.cause;
  const json::value& intent = d.outcome.result;
  EXPECT_EQ(intent.at("id"), json::value("pi_0001"));
  EXPECT_EQ(intent.at("object"), json::value("payment_intent"));
  EXPECT_EQ(intent.at("status"), json::value("succeeded"));
  EXPECT_EQ(intent.at("amount"), json::value(1250));
  EXPECT_EQ(intent.at("amount_received"), json::value(1250));
  EXPECT_EQ(intent.at("currency"), json::value("usd"));  // Stripe answers in lower case
  EXPECT_EQ(intent.at("payment_method"), json::value("pm_card_visa"));
  EXPECT_EQ(intent.at("description"), json::value("coffee"));
  EXPECT_EQ(intent.at("metadata"), json::parse(R"({"paymentId": "p-1", "customerId": "c-1"})"));
  EXPECT_EQ(intent.at("created"), json::value(1'700'000'000));  // seconds
  EXPECT_EQ(intent.at("livemode"), json::value(false));

  ASSERT_EQ(d.writes.size(), kConfirmedCreateWrites);
  const WriteOp* stored_intent = find_write(d, Table::kStripeIntents);
  ASSERT_NE(stored_intent, nullptr);
  EXPECT_EQ(stored_intent->key, "pi_0001");
  EXPECT_EQ(json::parse(stored_intent->value), intent);
  const WriteOp* idem = find_write(d, Table::kStripeIdempotency);
  ASSERT_NE(idem, nullptr);
  EXPECT_EQ(idem->key, "exec-1/ProcessPayment/3");
}

// The rows of one charge agree: the intent's row, the key's stored response, the events about
// the intent and its charge, and the answer's text carry the same objects, as json::serialize
// writes them (the simulator writes each object's text once and shares it).
TEST(StripeSimulator, TheRowsOfAChargeCarryTheSameObjectText) {
  for (const char* method : {"pm_card_visa", "pm_card_chargeDeclined"}) {
    SCOPED_TRACE(method);
    const auto d = simulate_payment_intent_create(attempt(method), std::nullopt, 1, "pi_0001");
    const WriteOp* intent_row = find_write(d, Table::kStripeIntents);
    const auto response = stored_response(d);
    ASSERT_NE(intent_row, nullptr);
    ASSERT_TRUE(response.has_value());
    const json::value intent = json::parse(intent_row->value);
    EXPECT_EQ(json::serialize(intent), intent_row->value);
    const json::value entry = json::parse(*response);
    EXPECT_EQ(json::serialize(entry), *response);
    // The answer's own text, which the history takes for TaskSucceeded's output.
    EXPECT_EQ(d.outcome.result_text, d.outcome.ok ? intent_row->value : std::string());
    if (d.outcome.ok) {
      EXPECT_EQ(intent, d.outcome.result);
      EXPECT_EQ(entry.at("response"), (json::object{{"ok", true}, {"result", intent}}));
    }
    std::vector<std::string> types;
    for (const auto& op : d.writes.ops) {
      if (op.table != Table::kStripeSimEvents) continue;
      const json::value event = json::parse(op.value);
      EXPECT_EQ(json::serialize(event), op.value);
      const std::string type(event.at("type").as_string());
      types.push_back(type);
      const json::value& object = event.at("data").at("object");
      if (type == "payment_intent.created") continue;  // the intent before it was confirmed
      if (type.rfind("payment_intent.", 0) == 0) {
        EXPECT_EQ(object, intent) << type;
      } else {
        const WriteOp* charge_row = find_write(d, Table::kStripeObjects);
        ASSERT_NE(charge_row, nullptr);
        EXPECT_EQ(object, json::parse(charge_row->value)) << type;
        EXPECT_EQ(json::serialize(object), charge_row->value);
      }
    }
    const std::vector<std::string> expected =
        d.outcome.ok
            ? std::vector<std::string>{"payment_intent.created", "charge.succeeded",
                                       "payment_intent.succeeded"}
            : std::vector<std::string>{"payment_intent.created", "payment_intent.payment_failed"};
    EXPECT_EQ(types, expected);
  }
}

// The request log's row, as json::serialize writes the object Stripe's request log shows.
TEST(StripeSimulator, TheRequestLogRowIsTheRequestObject) {
  const TaskAttempt a = attempt("pm_card_visa");
  for (const bool ok : {true, false}) {
    WriteBatch writes;
    const TaskOutcome outcome = ok ? TaskOutcome::success(json::object{})
                                   : TaskOutcome::failure("Stripe.CardError", "declined");
    log_request(writes, "req_1", a, outcome, !ok);
    ASSERT_EQ(writes.size(), 1u);
    EXPECT_EQ(writes.ops[0].table, Table::kStripeRequests);
    EXPECT_EQ(writes.ops[0].key, "req_1");
    EXPECT_EQ(writes.ops[0].value,
              json::serialize(json::object{{"id", "req_1"},
                                           {"object", "request"},
                                           {"idempotency_key", a.idempotency_key},
                                           {"outcome", ok ? "succeeded" : "Stripe.CardError"},
                                           {"replayed", !ok},
                                           {"created", a.now}}));
  }
}

TEST(StripeSimulator, AnyOtherTestCardSucceeds) {
  for (const char* method :
       {"pm_card_mastercard", "pm_card_amex", "pm_card_visa_debit", "pm_card_discover"}) {
    const auto d = simulate_payment_intent_create(attempt(method), std::nullopt, 1, "pi_x");
    EXPECT_TRUE(d.outcome.ok) << method;
    EXPECT_EQ(d.outcome.result.at("status"), json::value("succeeded")) << method;
    EXPECT_EQ(d.writes.size(), kConfirmedCreateWrites) << method;
  }
  const auto no_optional = [] {
    TaskAttempt a = attempt("pm_card_visa");
    a.parameters =
        json::parse(R"({"amount": 5, "currency": "eur", "payment_method": "pm_card_visa"})");
    return simulate_payment_intent_create(a, std::nullopt, 1, "pi_y");
  }();
  ASSERT_TRUE(no_optional.outcome.ok);
  EXPECT_EQ(no_optional.outcome.result.at("description"), json::value(nullptr));
  EXPECT_EQ(no_optional.outcome.result.at("customer"), json::value(nullptr));
  EXPECT_EQ(no_optional.outcome.result.at("metadata"), json::value(json::object()));
}

TEST(StripeSimulator, DeclinesAreCardErrorsThatAreStored) {
  struct Case {
    const char* method;
    const char* code;
    const char* decline_code;
  };
  for (const Case& c :
       {Case{"pm_card_chargeDeclined", "card_declined", "generic_decline"},
        Case{"pm_card_chargeDeclinedInsufficientFunds", "card_declined", "insufficient_funds"},
        Case{"pm_card_chargeDeclinedFraudulent", "card_declined", "fraudulent"},
        Case{"pm_card_chargeDeclinedExpiredCard", "expired_card", "expired_card"},
        Case{"pm_card_chargeDeclinedIncorrectCvc", "incorrect_cvc", "incorrect_cvc"},
        Case{"pm_card_chargeDeclinedProcessingError", "processing_error", "processing_error"}}) {
    SCOPED_TRACE(c.method);
    const auto d = simulate_payment_intent_create(attempt(c.method), std::nullopt, 1, "pi_d");
    ASSERT_FALSE(d.outcome.ok);
    EXPECT_EQ(d.outcome.error, "Stripe.CardError");
    const json::value cause = cause_of(d.outcome);
    EXPECT_EQ(cause.at("type"), json::value("card_error"));
    EXPECT_EQ(cause.at("code"), json::value(c.code));
    EXPECT_EQ(cause.at("decline_code"), json::value(c.decline_code));
    EXPECT_EQ(cause.at("payment_intent"), json::value("pi_d"));
    EXPECT_TRUE(cause.at("message").is_string());
    // A declined charge happened at Stripe: the intent and the response are stored.
    const WriteOp* intent = find_write(d, Table::kStripeIntents);
    ASSERT_NE(intent, nullptr);
    const json::value stored = json::parse(intent->value);
    EXPECT_EQ(stored.at("status"), json::value("requires_payment_method"));
    EXPECT_EQ(stored.at("last_payment_error").at("decline_code"), json::value(c.decline_code));
    EXPECT_TRUE(stored_response(d).has_value());
  }
}

TEST(StripeSimulator, UnknownPaymentMethodIsAnInvalidRequestStoringNothing) {
  const auto d = simulate_payment_intent_create(attempt("pm_bogus"), std::nullopt, 1, "pi_z");
  ASSERT_FALSE(d.outcome.ok);
  EXPECT_EQ(d.outcome.error, "Stripe.InvalidRequestError");
  EXPECT_EQ(cause_of(d.outcome).at("code"), json::value("resource_missing"));
  EXPECT_EQ(cause_of(d.outcome).at("param"), json::value("payment_method"));
  EXPECT_TRUE(d.writes.empty());
}

TEST(StripeSimulator, UnavailableNeverConnectsAndStoresNothing) {
  for (int n = 1; n <= 5; ++n) {
    const auto d =
        simulate_payment_intent_create(attempt("pm_sim_unavailable"), std::nullopt, n, "pi_u");
    ASSERT_FALSE(d.outcome.ok);
    EXPECT_EQ(d.outcome.error, "Stripe.APIConnectionError");
    EXPECT_TRUE(d.writes.empty());
  }
}

// ---------------------------------------------------------------------------------------------
// Idempotency

TEST(StripeSimulator, ReplayWithTheSameKeyReturnsTheStoredSuccess) {
  const auto first =
      simulate_payment_intent_create(attempt("pm_card_visa"), std::nullopt, 1, "pi_first");
  ASSERT_TRUE(first.outcome.ok);
  const auto stored = stored_response(first);
  ASSERT_TRUE(stored.has_value());
  const auto replay =
      simulate_payment_intent_create(attempt("pm_card_visa"), stored, 2, "pi_second");
  ASSERT_TRUE(replay.outcome.ok);
  EXPECT_EQ(replay.outcome.result, first.outcome.result);
  EXPECT_EQ(replay.outcome.result.at("id"), json::value("pi_first"));  // charged once
  EXPECT_TRUE(replay.writes.empty());
}

TEST(StripeSimulator, ReplayWithTheSameKeyReturnsTheStoredDecline) {
  const auto first =
      simulate_payment_intent_create(attempt("pm_card_chargeDeclined"), std::nullopt, 1, "pi_d1");
  const auto replay = simulate_payment_intent_create(attempt("pm_card_chargeDeclined"),
                                                     stored_response(first), 2, "pi_d2");
  ASSERT_FALSE(replay.outcome.ok);
  EXPECT_EQ(replay.outcome.error, first.outcome.error);
  EXPECT_EQ(replay.outcome.cause, first.outcome.cause);
  EXPECT_TRUE(replay.writes.empty());
}

TEST(StripeSimulator, ReplayIgnoresParameterOrder) {
  const auto first =
      simulate_payment_intent_create(attempt("pm_card_visa"), std::nullopt, 1, "pi_1");
  TaskAttempt reordered = attempt("pm_card_visa");
  reordered.parameters =
      json::parse(R"({"payment_method": "pm_card_visa", "metadata": {"customerId": "c-1",
      "paymentId": "p-1"}, "description": "coffee", "confirm": true, "currency": "USD", "amount": 1250})");
  const auto replay = simulate_payment_intent_create(reordered, stored_response(first), 2, "pi_2");
  ASSERT_TRUE(replay.outcome.ok) << replay.outcome.cause;
  EXPECT_EQ(replay.outcome.result.at("id"), json::value("pi_1"));
}

TEST(StripeSimulator, SameKeyWithDifferentParametersIsAnIdempotencyError) {
  const auto first =
      simulate_payment_intent_create(attempt("pm_card_visa"), std::nullopt, 1, "pi_1");
  TaskAttempt changed = attempt("pm_card_visa");
  changed.parameters.as_object()["amount"] = 1251;
  const auto d = simulate_payment_intent_create(changed, stored_response(first), 2, "pi_2");
  ASSERT_FALSE(d.outcome.ok);
  EXPECT_EQ(d.outcome.error, "Stripe.IdempotencyError");
  EXPECT_EQ(cause_of(d.outcome).at("type"), json::value("idempotency_error"));
  EXPECT_EQ(cause_of(d.outcome).at("code"), json::value("idempotency_key_in_use"));
  EXPECT_TRUE(d.writes.empty());
}

TEST(StripeSimulator, RateLimitedStoresNothingForTheFirstNAttempts) {
  for (int n = 1; n <= 2; ++n) {
    const auto d =
        simulate_payment_intent_create(attempt("pm_sim_rate_limited_2"), std::nullopt, n, "pi_r");
    ASSERT_FALSE(d.outcome.ok) << n;
    EXPECT_EQ(d.outcome.error, "Stripe.RateLimitError");
    EXPECT_EQ(cause_of(d.outcome).at("type"), json::value("rate_limit_error"));
    EXPECT_TRUE(d.writes.empty()) << n;
  }
  const auto third =
      simulate_payment_intent_create(attempt("pm_sim_rate_limited_2"), std::nullopt, 3, "pi_r3");
  ASSERT_TRUE(third.outcome.ok) << third.outcome.cause;
  EXPECT_EQ(third.outcome.result.at("id"), json::value("pi_r3"));
  EXPECT_EQ(third.writes.size(), kConfirmedCreateWrites);
  // Zero rate-limited attempts: the first already succeeds.
  EXPECT_TRUE(
      simulate_payment_intent_create(attempt("pm_sim_rate_limited_0"), std::nullopt, 1, "pi")
          .outcome.ok);
}

// Only the methods that fail their first attempts on purpose need the key's attempts counted;
// the simulator forgets every other key at once (its memory must not grow with each payment).
TEST(StripeSimulator, OnlyTheFailingTriggerMethodsNeedTheirAttemptsCounted) {
  for (const char* trigger : {"pm_sim_rate_limited_2", "pm_sim_timeout_1", "pm_sim_rate_limited_0"})
    EXPECT_TRUE(
        simulate_payment_intent_create(attempt(trigger), std::nullopt, 1, "pi_c").counts_attempts)
        << trigger;
  const auto charged =
      simulate_payment_intent_create(attempt("pm_card_visa"), std::nullopt, 1, "pi_v");
  ASSERT_TRUE(charged.outcome.ok) << charged.outcome.cause;
  EXPECT_FALSE(charged.counts_attempts);
  EXPECT_FALSE(
      simulate_payment_intent_create(attempt("pm_card_visa"), stored_response(charged), 2, "pi_w")
          .counts_attempts);
  EXPECT_FALSE(simulate_payment_intent_create(attempt("pm_sim_unavailable"), std::nullopt, 1, "pi")
                   .counts_attempts);
}

TEST(StripeSimulator, TimeoutChargesAndStoresButTheCallerSeesAnUnknownOutcome) {
  const auto first =
      simulate_payment_intent_create(attempt("pm_sim_timeout_1"), std::nullopt, 1, "pi_t1");
  ASSERT_FALSE(first.outcome.ok);
  EXPECT_EQ(first.outcome.error, "Stripe.Unknown");
  EXPECT_THAT(first.outcome.cause, HasSubstr("Idempotency-Key"));
  // The charge happened: both the intent and the (successful) response are stored.
  ASSERT_EQ(first.writes.size(), kConfirmedCreateWrites);
  const WriteOp* intent = find_write(first, Table::kStripeIntents);
  ASSERT_NE(intent, nullptr);
  EXPECT_EQ(json::parse(intent->value).at("status"), json::value("succeeded"));

  // The retry with the same key replays the charge instead of charging again.
  const auto retry = simulate_payment_intent_create(attempt("pm_sim_timeout_1"),
                                                    stored_response(first), 2, "pi_t2");
  ASSERT_TRUE(retry.outcome.ok) << retry.outcome.cause;
  EXPECT_EQ(retry.outcome.result.at("id"), json::value("pi_t1"));
  EXPECT_EQ(retry.outcome.result.at("status"), json::value("succeeded"));
  EXPECT_TRUE(retry.writes.empty());
}

TEST(StripeSimulator, TimeoutForSeveralAttemptsWithoutStoredResponse) {
  // Attempt numbers count per key since the simulator started; without a stored response (e.g.
  // the first write was lost), attempts up to N still time out and later ones succeed.
  for (int n = 1; n <= 3; ++n) {
    const auto d =
        simulate_payment_intent_create(attempt("pm_sim_timeout_3"), std::nullopt, n, "pi");
    EXPECT_EQ(d.outcome.error, "Stripe.Unknown") << n;
    EXPECT_EQ(d.writes.size(), kConfirmedCreateWrites) << n;
  }
  EXPECT_TRUE(simulate_payment_intent_create(attempt("pm_sim_timeout_3"), std::nullopt, 4, "pi")
                  .outcome.ok);
}

// ---------------------------------------------------------------------------------------------
// Invalid requests

TEST(StripeSimulator, InvalidParametersAreRefusedBeforeAnythingIsStored) {
  struct Case {
    const char* params;
    const char* param;  // "" when the error names none
  };
  for (
      const Case& c : {
          Case{R"({"currency": "usd", "payment_method": "pm_card_visa"})", "amount"},
          Case{R"({"amount": 12.5, "currency": "usd", "payment_method": "pm_card_visa"})",
               "amount"},
          Case{R"({"amount": "1250", "currency": "usd", "payment_method": "pm_card_visa"})",
               "amount"},
          Case{R"({"amount": 0, "currency": "usd", "payment_method": "pm_card_visa"})", "amount"},
          Case{R"({"amount": -5, "currency": "usd", "payment_method": "pm_card_visa"})", "amount"},
          Case{R"({"amount": 100000000, "currency": "usd", "payment_method": "pm_card_visa"})",
               "amount"},
          Case{R"({"amount": 5, "payment_method": "pm_card_visa"})", "currency"},
          Case{R"({"amount": 5, "currency": "usdx", "payment_method": "pm_card_visa"})",
               "currency"},
          Case{R"({"amount": 5, "currency": 840, "payment_method": "pm_card_visa"})", "currency"},
          // Confirming needs a payment method (without confirm it may come later).
          Case{R"({"amount": 5, "currency": "usd", "confirm": true})", "payment_method"},
          Case{R"({"amount": 5, "currency": "usd", "payment_method": 7})", "payment_method"},
          Case{
              R"({"amount": 5, "currency": "usd", "payment_method": "pm_card_visa", "metadata": []})",
              "metadata"},
          Case{
              R"({"amount": 5, "currency": "usd", "payment_method": "pm_card_visa", "metadata": {"n": 1}})",
              "metadata"},
          Case{
              R"({"amount": 5, "currency": "usd", "payment_method": "pm_card_visa", "amount_cents": 5})",
              "amount_cents"},
          Case{R"([1])", ""},
      }) {
    SCOPED_TRACE(c.params);
    TaskAttempt a = attempt("pm_card_visa");
    a.parameters = json::parse(c.params);
    const auto d = simulate_payment_intent_create(a, std::nullopt, 1, "pi_bad");
    ASSERT_FALSE(d.outcome.ok);
    EXPECT_EQ(d.outcome.error, "Stripe.InvalidRequestError");
    const json::value cause = cause_of(d.outcome);
    EXPECT_EQ(cause.at("type"), json::value("invalid_request_error"));
    if (*c.param) {
      EXPECT_EQ(cause.at("param"), json::value(c.param));
    }
    EXPECT_TRUE(d.writes.empty());
  }
  // The largest allowed amount passes.
  TaskAttempt max = attempt("pm_card_visa");
  max.parameters.as_object()["amount"] = 99999999;
  EXPECT_TRUE(simulate_payment_intent_create(max, std::nullopt, 1, "pi").outcome.ok);
}

TEST(StripeSimulator, ErrorNames) {
  EXPECT_EQ(stripe_error_name("card_error"), "Stripe.CardError");
  EXPECT_EQ(stripe_error_name("rate_limit_error"), "Stripe.RateLimitError");
  EXPECT_EQ(stripe_error_name("invalid_request_error"), "Stripe.InvalidRequestError");
  EXPECT_EQ(stripe_error_name("idempotency_error"), "Stripe.IdempotencyError");
  EXPECT_EQ(stripe_error_name("api_connection_error"), "Stripe.APIConnectionError");
  EXPECT_EQ(stripe_error_name("authentication_error"), "Stripe.AuthenticationError");
  EXPECT_EQ(stripe_error_name("api_error"), "Stripe.APIError");
  EXPECT_EQ(stripe_error_name("something_new"), "Stripe.APIError");
}

// ---------------------------------------------------------------------------------------------
// Listing, against a real store

using settled::testing::TempDir;

class StripeListTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = settled::testing::open_temp_store(dir_.path());
    ASSERT_TRUE(store_);
  }

  // Charges through the simulator and commits what it decided, as the actor does.
  void charge(const std::string& id, const std::string& method = "pm_card_visa") {
    const auto d =
        simulate_payment_intent_create(attempt(method, "key-" + id), std::nullopt, 1, id);
    ASSERT_TRUE(store_->commit({&d.writes}).ok());
  }

  std::vector<std::string> ids(const json::object& list) {
    std::vector<std::string> out;
    for (const auto& item : list.at("data").as_array()) out.emplace_back(item.at("id").as_string());
    return out;
  }

  TempDir dir_;
  std::shared_ptr<LmdbStore> store_;
};

TEST_F(StripeListTest, EmptyList) {
  const json::object list = list_payment_intents(*store_, 0, "");
  EXPECT_EQ(list.at("object"), json::value("list"));
  EXPECT_EQ(list.at("url"), json::value("/v1/simulator/stripe/payment_intents"));
  EXPECT_EQ(list.at("has_more"), json::value(false));
  EXPECT_TRUE(list.at("data").as_array().empty());
}

TEST_F(StripeListTest, ListsEveryIntentOldestFirst) {
  for (const char* id : {"pi_0001", "pi_0002", "pi_0003", "pi_0004", "pi_0005"}) charge(id);
  charge("pi_0006", "pm_card_chargeDeclined");
  charge("pi_0007", "pm_bogus");  // refused: never stored
  const json::object list = list_payment_intents(*store_, 0, "");
  EXPECT_EQ(ids(list), (std::vector<std::string>{"pi_0001", "pi_0002", "pi_0003", "pi_0004",
                                                 "pi_0005", "pi_0006"}));
  EXPECT_EQ(list.at("has_more"), json::value(false));
  const json::value& declined = list.at("data").as_array().back();
  EXPECT_EQ(declined.at("status"), json::value("requires_payment_method"));
  EXPECT_EQ(list.at("data").as_array().front().at("status"), json::value("succeeded"));
}

TEST_F(StripeListTest, LimitAndStartingAfterPage) {
  for (const char* id : {"pi_0001", "pi_0002", "pi_0003", "pi_0004", "pi_0005"}) charge(id);
  json::object page = list_payment_intents(*store_, 2, "");
  EXPECT_EQ(ids(page), (std::vector<std::string>{"pi_0001", "pi_0002"}));
  EXPECT_EQ(page.at("has_more"), json::value(true));
  page = list_payment_intents(*store_, 2, "pi_0002");
  EXPECT_EQ(ids(page), (std::vector<std::string>{"pi_0003", "pi_0004"}));
  EXPECT_EQ(page.at("has_more"), json::value(true));
  page = list_payment_intents(*store_, 2, "pi_0004");
  EXPECT_EQ(ids(page), (std::vector<std::string>{"pi_0005"}));
  EXPECT_EQ(page.at("has_more"), json::value(false));
  page = list_payment_intents(*store_, 2, "pi_0005");
  EXPECT_TRUE(ids(page).empty());
  EXPECT_EQ(page.at("has_more"), json::value(false));
  // Exactly `limit` left: no more.
  page = list_payment_intents(*store_, 5, "");
  EXPECT_EQ(ids(page).size(), 5u);
  EXPECT_EQ(page.at("has_more"), json::value(false));
  page = list_payment_intents(*store_, 3, "pi_0002");
  EXPECT_EQ(ids(page), (std::vector<std::string>{"pi_0003", "pi_0004", "pi_0005"}));
  EXPECT_EQ(page.at("has_more"), json::value(false));
  // A cursor that is not an id continues from where it would sort.
  page = list_payment_intents(*store_, 0, "pi_00025");
  EXPECT_EQ(ids(page), (std::vector<std::string>{"pi_0003", "pi_0004", "pi_0005"}));
}

TEST_F(StripeListTest, RetriedChargesAppearOnce) {
  const auto first =
      simulate_payment_intent_create(attempt("pm_sim_timeout_1", "k"), std::nullopt, 1, "pi_0001");
  ASSERT_TRUE(store_->commit({&first.writes}).ok());
  const auto retry = simulate_payment_intent_create(
      attempt("pm_sim_timeout_1", "k"), store_->get(Table::kStripeIdempotency, "k"), 2, "pi_0002");
  ASSERT_TRUE(retry.outcome.ok);
  ASSERT_TRUE(store_->commit({&retry.writes}).ok());
  EXPECT_EQ(ids(list_payment_intents(*store_, 0, "")), (std::vector<std::string>{"pi_0001"}));
}

}  // namespace
}  // namespace settled::adapters
