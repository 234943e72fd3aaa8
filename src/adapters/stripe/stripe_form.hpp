#pragma once
// Stripe's request encoding: application/x-www-form-urlencoded with its bracket convention for
// structure, e.g. {"amount":1000,"metadata":{"paymentId":"p-1"},"expand":["latest_charge"]}
// -> amount=1000&metadata[paymentId]=p-1&expand[0]=latest_charge

#include "domain/result.hpp"

#include <boost/json/value.hpp>

#include <string>
#include <string_view>

namespace settled::adapters {

// Encodes the members of `params` (a JSON object) in their order. Objects nest as
// `a[b][c]=v`, arrays as `a[0]=v`; booleans are `true`/`false`, integers decimal, null an
// empty value (Stripe's "unset"); an empty object or array sends nothing. Names and values
// are percent-encoded per RFC 3986 (unreserved characters stay, the brackets that carry
// structure stay literal). kInvalidRequest if `params` is not an object; kInvalidAmount,
// naming the parameter, for any floating-point number: money is integer minor units, and
// rounding a float here could charge the wrong amount.
Result<std::string> encode_stripe_form(const boost::json::value& params);

// RFC 3986 percent-encoding: everything but A-Z a-z 0-9 - . _ ~ as %XX (upper-case hex).
std::string percent_encode(std::string_view text);

}  // namespace settled::adapters
