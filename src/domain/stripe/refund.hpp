#pragma once
// Refund rules on a charge's JSON (Stripe's): a refund takes what was captured and not yet
// refunded, all of it by default or a part; several partial refunds may follow each other
// until nothing is left. Amounts are int64 minor units.

#include "domain/result.hpp"
#include "domain/stripe/stripe_error.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>

namespace settled::stripe {

// amount_captured - amount_refunded.
std::int64_t refundable_amount(const boost::json::object& charge);

// The amount a refund takes: `requested` (a positive integer) or everything refundable.
// Refused: charge_already_refunded when nothing is left, amount_too_large when `requested`
// exceeds what is left (an over-refund), parameter_invalid_integer for a float or a string.
Result<std::int64_t, StripeError> refund_amount(const boost::json::object& charge,
                                                const boost::json::value* requested);

// amount_refunded grows by `amount`; `refunded` once nothing is left.
void apply_refund(boost::json::object& charge, std::int64_t amount);

}  // namespace settled::stripe
