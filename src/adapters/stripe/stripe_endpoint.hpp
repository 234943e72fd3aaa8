#pragma once
// Where the Stripe client sends its requests: a downstream endpoint (adapters/downstream).

#include "adapters/downstream/downstream_endpoint.hpp"

#include <string_view>

namespace settled::adapters {

using StripeEndpoint = DownstreamEndpoint;

// parse_downstream_endpoint() naming Stripe.
inline Result<StripeEndpoint> parse_stripe_endpoint(std::string_view base_url) {
  return parse_downstream_endpoint(base_url, "Stripe");
}

}  // namespace settled::adapters
