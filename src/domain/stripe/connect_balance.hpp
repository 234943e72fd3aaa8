#pragma once
// A connected account's available balance as the simulator keeps it ({"usd": 1200, ...}, minor
// units per lower-case currency): transfers to the account add to it, payouts from it take
// from it and may not take more than is there.

#include "domain/result.hpp"
#include "domain/stripe/stripe_error.hpp"

#include <boost/json/object.hpp>

#include <optional>

#include <cstdint>
#include <string>

namespace settled::stripe {

std::int64_t available(const boost::json::object& balance, const std::string& currency);

void credit(boost::json::object& balance, const std::string& currency, std::int64_t amount);

// Takes `amount` from the balance; refused (balance_insufficient) when less is available.
std::optional<StripeError> debit(boost::json::object& balance, const std::string& currency,
                                 std::int64_t amount);

}  // namespace settled::stripe
