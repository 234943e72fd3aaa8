#pragma once
// The Stripe calls settled makes as task resources (`settled:stripe.<object>.<verb>`): which
// HTTP method and path each is, which task parameter goes into the path, and which travels as
// the Stripe-Account header (Connect). The live client and the simulator both plan a call
// here, so they accept and refuse the same parameters (docs/stripe-client.md has the table).

#include "domain/result.hpp"
#include "domain/stripe/stripe_error.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace settled::stripe {

enum class HttpMethod { kGet, kPost };

enum class StripeAccountHeader {
  kNone,      // the call is on the platform account; a `stripeAccount` parameter is refused
  kRequired,  // the call is on a connected account: `stripeAccount` must name it
  kOptional,  // either: with `stripeAccount` the call reads that connected account's objects
};

struct StripeCall {
  std::string_view resource;  // "settled:stripe.refunds.create"
  HttpMethod method;
  // The path, with "{id}" where the object id goes (from the `id` parameter).
  std::string_view path;
  StripeAccountHeader account_header;
};

// Every call, in the order docs/stripe-client.md lists them.
const std::vector<StripeCall>& stripe_calls();
// nullptr if `resource` is not a Stripe call.
const StripeCall* find_stripe_call(std::string_view resource);

// A call made concrete for one attempt.
struct StripeRequest {
  const StripeCall* call = nullptr;
  std::string path;            // "/v1/payment_intents/pi_123/confirm"
  std::string object_id;       // the `id` parameter, "" if the path has none
  std::string stripe_account;  // the Stripe-Account header, "" for none
  boost::json::object params;  // what goes in the form (POST) or the query string (GET)
};

// The parameter that names the connected account of a Connect call (stripe-node's request
// option of the same name); it travels as the Stripe-Account header, never in the form.
inline constexpr std::string_view kStripeAccountParameter = "stripeAccount";

// Splits the task's parameters into path, header and form. Refused (invalid_request_error)
// when the parameters are not an object, `id` is missing or not a Stripe id (letters, digits,
// '_'; at most 255), or `stripeAccount` is missing where required, present where not, or not
// an `acct_` id.
Result<StripeRequest, StripeError> plan_stripe_request(std::string_view resource,
                                                       const boost::json::value& parameters);

// Letters, digits and '_', 1 to 255 characters, starting with `prefix` if one is given.
bool is_stripe_id(std::string_view id, std::string_view prefix = {});

}  // namespace settled::stripe
