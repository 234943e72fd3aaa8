#pragma once
// A PaymentIntent's life as Stripe's API defines it, on its JSON object: which statuses allow
// confirm, capture and cancel, and what each does to the intent and to its charge. Amounts are
// int64 minor units. The simulator applies these; nothing here does I/O.
//
//   create ─> requires_payment_method ─(payment method)─> requires_confirmation
//   confirm ─> succeeded                  (capture_method automatic)
//           ─> requires_capture ─capture─> succeeded        (capture_method manual)
//           ─> requires_payment_method + last_payment_error  (declined)
//   cancel from requires_payment_method / requires_confirmation / requires_action /
//          requires_capture / processing ─> canceled

#include "domain/result.hpp"
#include "domain/stripe/stripe_error.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace settled::stripe {

// requires_payment_method without a payment method, requires_confirmation with one.
const char* initial_status(bool has_payment_method);

// Refused (payment_intent_unexpected_state) unless the intent can still be confirmed, or
// (parameter_missing) when it has no payment method and the confirmation brings none.
std::optional<StripeError> check_confirm(const boost::json::object& intent,
                                         bool brings_payment_method);

// The card was authorised: `charge` (new_charge) is now the intent's latest_charge.
// capture_method manual -> requires_capture with amount_capturable = amount; otherwise
// succeeded with amount_received = amount and the charge captured.
void apply_authorised(boost::json::object& intent, boost::json::object& charge);

// The card was declined: requires_payment_method with Stripe's last_payment_error.
void apply_declined(boost::json::object& intent, const boost::json::object& last_payment_error);

// The amount a capture takes: amount_to_capture (at most amount_capturable) or all of it.
// Refused unless the intent is requires_capture, or for an amount that is not a positive
// integer or exceeds what is capturable.
Result<std::int64_t, StripeError> capture_amount(const boost::json::object& intent,
                                                 const boost::json::value* amount_to_capture);
// succeeded, amount_received = amount; the charge is captured for that amount (the rest of the
// authorisation is released, as Stripe does).
void apply_capture(boost::json::object& intent, boost::json::object& charge, std::int64_t amount);

// Refused (payment_intent_unexpected_state) from succeeded and canceled; an unknown
// cancellation_reason is refused too.
std::optional<StripeError> check_cancel(const boost::json::object& intent,
                                        const boost::json::value* cancellation_reason);
void apply_cancel(boost::json::object& intent, const boost::json::value* cancellation_reason,
                  std::int64_t now_seconds);

// A charge for the intent's whole amount, not yet captured; copies currency, metadata,
// payment_method and the intent id.
boost::json::object new_charge(const std::string& id, const boost::json::object& intent,
                               std::int64_t now_seconds);

// Stripe's error for a call the intent's status does not allow.
StripeError unexpected_state(const boost::json::object& intent, const std::string& action);

}  // namespace settled::stripe
