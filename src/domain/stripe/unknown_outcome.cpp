#include "domain/stripe/unknown_outcome.hpp"

#include "domain/stripe/stripe_calls.hpp"

#include <boost/json.hpp>

#include <string_view>

namespace settled::stripe {

namespace json = boost::json;

namespace {

// The events.list `type` that holds what each looked-up call makes. A PaymentIntent call
// makes several (created, succeeded, payment_failed, ...); the newest with the key is the
// object as the call left it.
const char* event_type_of(std::string_view resource) {
  if (resource == "settled:stripe.paymentIntents.create" ||
      resource == "settled:stripe.paymentIntents.confirm" ||
      resource == "settled:stripe.paymentIntents.capture" ||
      resource == "settled:stripe.paymentIntents.cancel")
    return "payment_intent.*";
  if (resource == "settled:stripe.refunds.create") return "refund.created";
  if (resource == "settled:stripe.transfers.create") return "transfer.created";
  if (resource == "settled:stripe.payouts.create") return "payout.created";
  return nullptr;
}

const json::string* string_at(const json::object& object, std::string_view key) {
  const json::value* v = object.if_contains(key);
  return v ? v->if_string() : nullptr;
}

// The key of the request that made `event`, "" when it has none (an automatic event).
std::string_view key_of(const json::object& event) {
  const json::value* request = event.if_contains("request");
  if (!request || !request->is_object()) return {};
  const json::string* key = string_at(request->as_object(), "idempotency_key");
  return key ? std::string_view(*key) : std::string_view();
}

// A declined confirmation is answered as Stripe answers it: Stripe.CardError, whose cause is
// the intent's last_payment_error with the intent itself.
TaskOutcome declined(const json::object& intent) {
  json::object error;
  if (const json::value* last = intent.if_contains("last_payment_error"); last && last->is_object())
    error = last->as_object();
  if (!error.contains("type")) error["type"] = "card_error";
  if (!error.contains("message")) error["message"] = "Your card was declined.";
  error["payment_intent"] = intent;
  return TaskOutcome::failure("Stripe.CardError", json::serialize(error));
}

}  // namespace

bool key_may_have_expired(EpochMillis first_used, EpochMillis now) {
  if (first_used <= 0) return false;
  return now - first_used >= kIdempotencyKeyWindowMs - kIdempotencyKeyMarginMs;
}

std::optional<OutcomeLookup> outcome_lookup(const std::string& resource,
                                            const json::value& parameters, EpochMillis first_used) {
  const char* type = event_type_of(resource);
  if (!type) return std::nullopt;
  OutcomeLookup lookup;
  lookup.resource = resource;
  lookup.event_type = type;
  if (parameters.is_object()) {
    if (const json::string* account = string_at(parameters.as_object(), kStripeAccountParameter))
      lookup.stripe_account = std::string(*account);
  }
  // A minute of slack for a Stripe clock ahead of ours; 0 (not known) lists from the start.
  lookup.created_gte = first_used > 0 ? first_used / 1000 - 60 : 0;
  if (lookup.created_gte < 0) lookup.created_gte = 0;
  return lookup;
}

json::object lookup_page_parameters(const OutcomeLookup& lookup,
                                    const std::string& starting_after) {
  json::object params;
  params["type"] = lookup.event_type;
  params["created"] = json::object{{"gte", lookup.created_gte}};
  params["limit"] = 100;
  if (!starting_after.empty()) params["starting_after"] = starting_after;
  if (!lookup.stripe_account.empty())
    params[std::string(kStripeAccountParameter)] = lookup.stripe_account;
  return params;
}

LookupStep read_lookup_page(const json::value& page, const std::string& idempotency_key) {
  LookupStep step;
  const json::object* list = page.if_object();
  const json::value* data = list ? list->if_contains("data") : nullptr;
  if (!data || !data->is_array()) return step;  // kMalformed
  std::string last_id;
  // Newest first: the first event of the key is the object as the call left it.
  for (const json::value& item : data->as_array()) {
    const json::object* event = item.if_object();
    if (!event) return step;
    if (const json::string* id = string_at(*event, "id")) last_id = std::string(*id);
    if (key_of(*event) != idempotency_key) continue;
    const json::value* body = event->if_contains("data");
    const json::value* object =
        body && body->is_object() ? body->as_object().if_contains("object") : nullptr;
    if (!object || !object->is_object()) return step;
    const json::string* type = string_at(*event, "type");
    step.kind = LookupStep::Kind::kExecuted;
    step.outcome = type && *type == "payment_intent.payment_failed" ? declined(object->as_object())
                                                                    : TaskOutcome::success(*object);
    return step;
  }
  const json::value* more = list->if_contains("has_more");
  if (more && more->is_bool() && more->as_bool() && !last_id.empty()) {
    step.kind = LookupStep::Kind::kNextPage;
    step.next_after = std::move(last_id);
    return step;
  }
  step.kind = LookupStep::Kind::kNotExecuted;
  return step;
}

TaskOutcome unknown_outcome(const std::string& message) {
  json::object cause{
      {"type", "api_connection_error"}, {"outcome", "unknown"}, {"message", message}};
  return TaskOutcome::failure(kUnknownOutcomeError, json::serialize(cause));
}

TaskOutcome not_executed(const OutcomeLookup& lookup, const std::string& idempotency_key) {
  json::object cause{
      {"type", "api_connection_error"},
      {"outcome", "not_executed"},
      {"message", "Stripe has no " + lookup.event_type + " event of Idempotency-Key '" +
                      idempotency_key +
                      "': the request was never executed, nothing was charged. It is safe to "
                      "send it again."}};
  return TaskOutcome::failure("Stripe.APIConnectionError", json::serialize(cause));
}

}  // namespace settled::stripe
