#include "domain/stripe/connect_balance.hpp"

namespace settled::stripe {

std::int64_t available(const boost::json::object& balance, const std::string& currency) {
  const boost::json::value* v = balance.if_contains(currency);
  return v && v->is_int64() ? v->as_int64() : 0;
}

void credit(boost::json::object& balance, const std::string& currency, std::int64_t amount) {
  balance[currency] = available(balance, currency) + amount;
}

std::optional<StripeError> debit(boost::json::object& balance, const std::string& currency,
                                 std::int64_t amount) {
  const std::int64_t have = available(balance, currency);
  if (amount > have) {
    return invalid_request("balance_insufficient",
                           "You have insufficient funds in your Stripe account for this payout: " +
                               std::to_string(have) + " " + currency + " available, " +
                               std::to_string(amount) + " requested.");
  }
  balance[currency] = have - amount;
  return std::nullopt;
}

}  // namespace settled::stripe
