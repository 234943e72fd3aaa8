// The simulator's PaymentIntents and refunds (stripe_sim_call.hpp). The rules of each state
// change are domain/stripe/payment_intent.hpp and refund.hpp; this reads and writes the objects.

#include "adapters/stripe/stripe_sim_call.hpp"
#include "domain/json_append.hpp"
#include "domain/stripe/payment_intent.hpp"
#include "domain/stripe/refund.hpp"

#include <boost/json.hpp>

namespace settled::adapters::sim {

namespace json = boost::json;
using stripe::StripeError;

namespace {

struct Decline {
  const char* method;
  const char* code;
  const char* decline_code;
  const char* message;
};

const Decline kDeclines[] = {
    {"pm_card_chargeDeclined", "card_declined", "generic_decline", "Your card was declined."},
    {"pm_card_chargeDeclinedInsufficientFunds", "card_declined", "insufficient_funds",
     "Your card has insufficient funds."},
    {"pm_card_chargeDeclinedFraudulent", "card_declined", "fraudulent", "Your card was declined."},
    {"pm_card_chargeDeclinedExpiredCard", "expired_card", "expired_card", "Your card has expired."},
    {"pm_card_chargeDeclinedIncorrectCvc", "incorrect_cvc", "incorrect_cvc",
     "Your card's security code is incorrect."},
    {"pm_card_chargeDeclinedProcessingError", "processing_error", "processing_error",
     "An error occurred while processing your card. Try again in a little bit."},
};

std::optional<StripeError> check_payment_method(const json::value* method) {
  if (!method) return std::nullopt;
  if (!method->is_string())
    return stripe::invalid_request("parameter_invalid", "payment_method must be a string",
                                   "payment_method");
  const std::string id(method->as_string());
  if (!known_payment_method(id)) return no_such("PaymentMethod", id, "payment_method");
  return std::nullopt;
}

// Charges the intent's payment method: authorised (a charge, succeeded or requires_capture) or
// declined (a card error, stored like Stripe stores it). Saves what changed but the intent, whose
// text as it leaves it is `intent_text` (written once: its save and its event share it).
std::optional<StripeError> attempt_payment(SimCall& call, json::object& intent,
                                           std::string& intent_text) {
  const std::string method(intent.at("payment_method").as_string());
  const std::string id(intent.at("id").as_string());
  for (const auto& d : kDeclines) {
    if (method != d.method) continue;
    json::object last_error{{"type", "card_error"},
                            {"code", d.code},
                            {"decline_code", d.decline_code},
                            {"message", d.message}};
    stripe::apply_declined(intent, last_error);
    intent_text = json_text(intent);
    call.emit_text("payment_intent.payment_failed", intent_text);
    return StripeError{"card_error",
                       d.code,
                       d.message,
                       {},
                       {{"decline_code", d.decline_code}, {"payment_intent", id}}};
  }
  json::object charge = stripe::new_charge(call.ids("ch_"), intent, call.now_seconds());
  stripe::apply_authorised(intent, charge);
  call.emit_text("charge.succeeded", call.save(Table::kStripeObjects, charge));
  intent_text = json_text(intent);
  call.emit_text(intent.at("status") == "succeeded" ? "payment_intent.succeeded"
                                                    : "payment_intent.amount_capturable_updated",
                 intent_text);
  return std::nullopt;
}

// Stores the intent as `intent_text` (its text, as attempt_payment left it) and answers it.
Answer save_and_answer(SimCall& call, json::object intent, std::string intent_text,
                       std::optional<StripeError> declined) {
  call.save_text(Table::kStripeIntents, std::string(intent.at("id").as_string()),
                 declined ? std::move(intent_text) : intent_text);
  if (declined) return *declined;
  call.answer_text = std::move(intent_text);
  return intent;
}

Result<json::object, StripeError> load_intent(SimCall& call) {
  auto intent = call.load(Table::kStripeIntents, call.request.object_id, "payment_intent");
  if (!intent) return no_such("payment_intent", call.request.object_id, "intent");
  return std::move(*intent);
}

}  // namespace

bool known_payment_method(const std::string& method) {
  return method.rfind("pm_card_", 0) == 0 || method.rfind("pm_sim_", 0) == 0;
}

Answer create_payment_intent(SimCall& call) {
  if (auto e = unknown_parameter(
          call.params(),
          {"amount", "currency", "payment_method", "confirm", "customer", "description", "metadata",
           "capture_method", "receipt_email", "transfer_group", "statement_descriptor"}))
    return *e;
  auto money = money_params(call);
  if (!money) return money.error();
  const json::value* method = call.param("payment_method");
  const json::value* confirm = call.param("confirm");
  if (confirm && !confirm->is_bool())
    return stripe::invalid_request("parameter_invalid", "confirm must be a boolean", "confirm");
  const bool confirming = confirm && confirm->as_bool();
  if (confirming && !method)
    return stripe::invalid_request("parameter_missing", "Missing required param: payment_method.",
                                   "payment_method");
  if (auto e = check_payment_method(method)) return *e;
  const json::value* capture_method = call.param("capture_method");
  if (capture_method && *capture_method != "automatic" && *capture_method != "manual" &&
      *capture_method != "automatic_async")
    return stripe::invalid_request("parameter_invalid",
                                   "capture_method must be automatic, automatic_async or manual",
                                   "capture_method");

  json::object intent(22);  // its members below: one allocation, no rehash as it grows
  intent["id"] = call.ids("pi_");
  intent["object"] = "payment_intent";
  intent["amount"] = money->amount;
  intent["amount_capturable"] = 0;
  intent["amount_received"] = 0;
  intent["currency"] = money->currency;
  intent["capture_method"] = capture_method ? *capture_method : json::value("automatic");
  intent["confirmation_method"] = "automatic";
  intent["payment_method"] = call.param_or_null("payment_method");
  intent["description"] = call.param_or_null("description");
  intent["customer"] = call.param_or_null("customer");
  intent["receipt_email"] = call.param_or_null("receipt_email");
  intent["transfer_group"] = call.param_or_null("transfer_group");
  intent["metadata"] = call.metadata();
  intent["latest_charge"] = nullptr;
  intent["last_payment_error"] = nullptr;
  intent["canceled_at"] = nullptr;
  intent["cancellation_reason"] = nullptr;
  intent["created"] = call.now_seconds();
  intent["livemode"] = false;
  intent["idempotency_key"] = call.attempt.idempotency_key;
  intent["status"] = stripe::initial_status(method != nullptr);
  call.emit("payment_intent.created", intent);

  if (!confirming) {
    call.save(Table::kStripeIntents, intent);
    return intent;
  }
  std::string intent_text;
  auto declined = attempt_payment(call, intent, intent_text);
  return save_and_answer(call, std::move(intent), std::move(intent_text), std::move(declined));
}

Answer confirm_payment_intent(SimCall& call) {
  if (auto e = unknown_parameter(call.params(), {"payment_method", "receipt_email"})) return *e;
  const json::value* method = call.param("payment_method");
  if (auto e = check_payment_method(method)) return *e;
  auto intent = load_intent(call);
  if (!intent) return intent.error();
  if (auto e = stripe::check_confirm(*intent, method != nullptr)) return *e;
  if (method) intent->insert_or_assign("payment_method", *method);
  if (const json::value* email = call.param("receipt_email"))
    intent->insert_or_assign("receipt_email", *email);
  std::string intent_text;
  auto declined = attempt_payment(call, *intent, intent_text);
  return save_and_answer(call, std::move(*intent), std::move(intent_text), std::move(declined));
}

Answer capture_payment_intent(SimCall& call) {
  if (auto e = unknown_parameter(call.params(), {"amount_to_capture", "metadata"})) return *e;
  if (auto e = check_metadata(call.param("metadata"))) return *e;
  auto intent = load_intent(call);
  if (!intent) return intent.error();
  auto amount = stripe::capture_amount(*intent, call.param("amount_to_capture"));
  if (!amount) return amount.error();
  const std::string charge_id(intent->at("latest_charge").as_string());
  auto charge = call.load(Table::kStripeObjects, charge_id, "charge");
  if (!charge) return no_such("charge", charge_id);
  stripe::apply_capture(*intent, *charge, *amount);
  if (const json::value* metadata = call.param("metadata")) {
    for (const auto& [key, value] : metadata->as_object())
      (*intent)["metadata"].as_object()[key] = value;
  }
  call.save(Table::kStripeObjects, *charge);
  call.save(Table::kStripeIntents, *intent);
  call.emit("charge.captured", *charge);
  call.emit("payment_intent.succeeded", *intent);
  return std::move(*intent);
}

Answer cancel_payment_intent(SimCall& call) {
  if (auto e = unknown_parameter(call.params(), {"cancellation_reason"})) return *e;
  auto intent = load_intent(call);
  if (!intent) return intent.error();
  const json::value* reason = call.param("cancellation_reason");
  if (auto e = stripe::check_cancel(*intent, reason)) return *e;
  stripe::apply_cancel(*intent, reason, call.now_seconds());
  call.save(Table::kStripeIntents, *intent);
  call.emit("payment_intent.canceled", *intent);
  return std::move(*intent);
}

Answer retrieve_payment_intent(SimCall& call) {
  if (auto e = unknown_parameter(call.params(), {"expand"})) return *e;
  auto intent = load_intent(call);
  if (!intent) return intent.error();
  // expand: ["latest_charge"] puts the charge itself where its id was, as Stripe does.
  if (const json::value* expand = call.param("expand")) {
    if (!expand->is_array())
      return stripe::invalid_request("parameter_invalid", "expand must be an array", "expand");
    for (const auto& field : expand->as_array()) {
      if (field != "latest_charge")
        return stripe::invalid_request(
            "parameter_invalid",
            "The simulator can expand latest_charge only; got " + json::serialize(field), "expand");
      const json::value& charge_id = intent->at("latest_charge");
      if (!charge_id.is_string()) continue;
      auto charge = call.load(Table::kStripeObjects, std::string(charge_id.as_string()), "charge");
      if (charge) (*intent)["latest_charge"] = std::move(*charge);
    }
  }
  return std::move(*intent);
}

Answer create_refund(SimCall& call) {
  if (auto e = unknown_parameter(call.params(),
                                 {"payment_intent", "charge", "amount", "reason", "metadata"}))
    return *e;
  if (auto e = check_metadata(call.param("metadata"))) return *e;
  const json::value* by_intent = call.param("payment_intent");
  const json::value* by_charge = call.param("charge");
  if ((by_intent == nullptr) == (by_charge == nullptr))
    return stripe::invalid_request("parameter_missing",
                                   "One of payment_intent or charge is required.",
                                   by_intent ? "charge" : "payment_intent");
  if (const json::value* reason = call.param("reason")) {
    if (*reason != "duplicate" && *reason != "fraudulent" && *reason != "requested_by_customer")
      return stripe::invalid_request(
          "parameter_invalid", "reason must be one of duplicate, fraudulent, requested_by_customer",
          "reason");
  }
  const json::value* id_value = by_intent ? by_intent : by_charge;
  if (!id_value->is_string())
    return stripe::invalid_request("parameter_invalid", "expected an object id",
                                   by_intent ? "payment_intent" : "charge");
  const std::string id(id_value->as_string());

  std::optional<json::object> charge;
  if (by_intent) {
    auto intent = call.load(Table::kStripeIntents, id, "payment_intent");
    if (!intent) return no_such("payment_intent", id, "payment_intent");
    if (intent->at("status") != "succeeded") return stripe::unexpected_state(*intent, "refund");
    const std::string charge_id(intent->at("latest_charge").as_string());
    charge = call.load(Table::kStripeObjects, charge_id, "charge");
    if (!charge) return no_such("charge", charge_id);
  } else {
    charge = call.load(Table::kStripeObjects, id, "charge");
    if (!charge) return no_such("charge", id, "charge");
  }
  auto amount = stripe::refund_amount(*charge, call.param("amount"));
  if (!amount) return amount.error();
  stripe::apply_refund(*charge, *amount);

  json::object refund;
  refund["id"] = call.ids("re_");
  refund["object"] = "refund";
  refund["amount"] = *amount;
  refund["charge"] = charge->at("id");
  refund["payment_intent"] = charge->at("payment_intent");
  refund["currency"] = charge->at("currency");
  refund["reason"] = call.param_or_null("reason");
  refund["metadata"] = call.metadata();
  refund["status"] = "succeeded";
  refund["created"] = call.now_seconds();
  call.save(Table::kStripeObjects, *charge);
  call.save(Table::kStripeObjects, refund);
  call.emit("refund.created", refund);
  call.emit("charge.refunded", *charge);
  return refund;
}

}  // namespace settled::adapters::sim
