#include "domain/stripe/refund.hpp"

#include "domain/money.hpp"

#include <string>

namespace settled::stripe {

namespace json = boost::json;

namespace {

std::int64_t int_field(const json::object& object, const char* name) {
  const json::value* v = object.if_contains(name);
  return v && v->is_int64() ? v->as_int64() : 0;
}

}  // namespace

std::int64_t refundable_amount(const json::object& charge) {
  return int_field(charge, "amount_captured") - int_field(charge, "amount_refunded");
}

Result<std::int64_t, StripeError> refund_amount(const json::object& charge,
                                                const json::value* requested) {
  const std::int64_t left = refundable_amount(charge);
  if (left <= 0) {
    return invalid_request(
        "charge_already_refunded",
        "Charge " + std::string(charge.at("id").as_string()) + " has already been refunded.");
  }
  if (!requested) return left;
  auto amount = parse_amount(*requested, "amount", AmountRule::kPositive);
  if (!amount)
    return invalid_request("parameter_invalid_integer", amount.error().message, "amount");
  if (*amount > left) {
    return invalid_request("amount_too_large",
                           "Refund amount (" + std::to_string(*amount) +
                               ") is greater than unrefunded amount on charge (" +
                               std::to_string(left) + ")",
                           "amount");
  }
  return *amount;
}

void apply_refund(json::object& charge, std::int64_t amount) {
  charge["amount_refunded"] = int_field(charge, "amount_refunded") + amount;
  charge["refunded"] = refundable_amount(charge) == 0;
}

}  // namespace settled::stripe
