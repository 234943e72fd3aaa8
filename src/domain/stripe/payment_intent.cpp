#include "domain/stripe/payment_intent.hpp"

#include "domain/money.hpp"

#include <array>

namespace settled::stripe {

namespace json = boost::json;

namespace {

std::string status_of(const json::object& intent) {
  const json::value* status = intent.if_contains("status");
  return status && status->is_string() ? std::string(status->as_string()) : std::string();
}

std::int64_t int_field(const json::object& object, const char* name) {
  const json::value* v = object.if_contains(name);
  return v && v->is_int64() ? v->as_int64() : 0;
}

bool one_of(const std::string& status, std::initializer_list<const char*> statuses) {
  for (const char* s : statuses) {
    if (status == s) return true;
  }
  return false;
}

}  // namespace

StripeError unexpected_state(const json::object& intent, const std::string& action) {
  const std::string status = status_of(intent);
  StripeError error = invalid_request(
      "payment_intent_unexpected_state",
      "You cannot " + action + " this PaymentIntent because it has a status of " + status + ".");
  error.extra["payment_intent"] = intent;
  return error;
}

const char* initial_status(bool has_payment_method) {
  return has_payment_method ? "requires_confirmation" : "requires_payment_method";
}

std::optional<StripeError> check_confirm(const json::object& intent, bool brings_payment_method) {
  const std::string status = status_of(intent);
  if (!one_of(status, {"requires_payment_method", "requires_confirmation", "requires_action"}))
    return unexpected_state(intent, "confirm");
  const json::value* method = intent.if_contains("payment_method");
  if (!brings_payment_method && (!method || !method->is_string()))
    return invalid_request("parameter_missing",
                           "You cannot confirm this PaymentIntent because it's missing a payment "
                           "method.",
                           "payment_method");
  return std::nullopt;
}

void apply_authorised(json::object& intent, json::object& charge) {
  const std::int64_t amount = int_field(intent, "amount");
  intent["latest_charge"] = charge.at("id");
  intent["last_payment_error"] = nullptr;
  const json::value* method = intent.if_contains("capture_method");
  if (method && *method == "manual") {
    intent["status"] = "requires_capture";
    intent["amount_capturable"] = amount;
    intent["amount_received"] = 0;
    charge["captured"] = false;
    charge["amount_captured"] = 0;
  } else {
    intent["status"] = "succeeded";
    intent["amount_capturable"] = 0;
    intent["amount_received"] = amount;
    charge["captured"] = true;
    charge["amount_captured"] = amount;
  }
  charge["status"] = "succeeded";
}

void apply_declined(json::object& intent, const json::object& last_payment_error) {
  intent["status"] = "requires_payment_method";
  intent["last_payment_error"] = last_payment_error;
}

Result<std::int64_t, StripeError> capture_amount(const json::object& intent,
                                                 const json::value* amount_to_capture) {
  if (status_of(intent) != "requires_capture") return unexpected_state(intent, "capture");
  const std::int64_t capturable = int_field(intent, "amount_capturable");
  if (!amount_to_capture) return capturable;
  auto amount = parse_amount(*amount_to_capture, "amount_to_capture", AmountRule::kPositive);
  if (!amount)
    return invalid_request("parameter_invalid_integer", amount.error().message,
                           "amount_to_capture");
  if (*amount > capturable)
    return invalid_request("amount_too_large",
                           "The amount to capture (" + std::to_string(*amount) +
                               ") is greater than the amount capturable (" +
                               std::to_string(capturable) + ").",
                           "amount_to_capture");
  return *amount;
}

void apply_capture(json::object& intent, json::object& charge, std::int64_t amount) {
  intent["status"] = "succeeded";
  intent["amount_received"] = amount;
  intent["amount_capturable"] = 0;
  charge["captured"] = true;
  charge["amount_captured"] = amount;
}

std::optional<StripeError> check_cancel(const json::object& intent,
                                        const json::value* cancellation_reason) {
  if (!one_of(status_of(intent), {"requires_payment_method", "requires_confirmation",
                                  "requires_action", "requires_capture", "processing"}))
    return unexpected_state(intent, "cancel");
  if (cancellation_reason) {
    static const std::array<const char*, 4> kReasons = {"duplicate", "fraudulent",
                                                        "requested_by_customer", "abandoned"};
    bool known = false;
    for (const char* r : kReasons) known = known || *cancellation_reason == r;
    if (!known)
      return invalid_request("parameter_invalid",
                             "cancellation_reason must be one of duplicate, fraudulent, "
                             "requested_by_customer, abandoned",
                             "cancellation_reason");
  }
  return std::nullopt;
}

void apply_cancel(json::object& intent, const json::value* cancellation_reason,
                  std::int64_t now_seconds) {
  intent["status"] = "canceled";
  intent["canceled_at"] = now_seconds;
  intent["cancellation_reason"] = cancellation_reason ? *cancellation_reason : json::value();
  intent["amount_capturable"] = 0;  // an authorisation not captured is released
}

json::object new_charge(const std::string& id, const json::object& intent,
                        std::int64_t now_seconds) {
  json::object charge(14);  // its members below, without rehashing as it grows
  charge["id"] = id;
  charge["object"] = "charge";
  charge["amount"] = int_field(intent, "amount");
  charge["amount_captured"] = 0;
  charge["amount_refunded"] = 0;
  charge["captured"] = false;
  charge["refunded"] = false;
  charge["currency"] = intent.at("currency");
  charge["payment_intent"] = intent.at("id");
  charge["payment_method"] = intent.at("payment_method");
  charge["metadata"] = intent.at("metadata");
  charge["status"] = "pending";
  charge["created"] = now_seconds;
  charge["livemode"] = false;
  return charge;
}

}  // namespace settled::stripe
