#include "domain/resources/money_check.hpp"

#include "domain/money.hpp"

#include <boost/json.hpp>

namespace settled {

namespace json = boost::json;

TaskOutcome run_money_check(const TaskAttempt& attempt) {
  if (!attempt.parameters.is_object())
    return TaskOutcome::failure(kMoneyInvalidParameters, "parameters must be an object");
  const auto& p = attempt.parameters.as_object();
  for (const auto& field : p)
    if (field.key() != "amount" && field.key() != "currency" && field.key() != "allowZero")
      return TaskOutcome::failure(kMoneyInvalidParameters,
                                  "unknown parameter " + std::string(field.key()) +
                                      ": only amount, currency and allowZero");
  bool allow_zero = false;
  if (const json::value* z = p.if_contains("allowZero")) {
    if (!z->is_bool())
      return TaskOutcome::failure(kMoneyInvalidParameters,
                                  "parameters.allowZero must be a boolean");
    allow_zero = z->as_bool();
  }
  const json::value* amount_value = p.if_contains("amount");
  if (!amount_value)
    return TaskOutcome::failure(kMoneyInvalidAmount,
                                "amount is required: an integer of minor units");
  auto amount = parse_amount(*amount_value, "amount",
                             allow_zero ? AmountRule::kNonNegative : AmountRule::kPositive);
  if (!amount) {
    // Say what arrived, so a float sent by a client is visible in the execution's history.
    return TaskOutcome::failure(kMoneyInvalidAmount, amount.error().message + " (received " +
                                                         json::serialize(*amount_value) + ")");
  }
  const json::value* currency_value = p.if_contains("currency");
  if (!currency_value)
    return TaskOutcome::failure(kMoneyInvalidCurrency, "currency is required: e.g. \"USD\"");
  auto currency = parse_currency(*currency_value, "currency");
  if (!currency) return TaskOutcome::failure(kMoneyInvalidCurrency, currency.error().message);
  const Money money{*amount, *currency};
  return TaskOutcome::success(json::object{
      {"amount", *amount}, {"currency", *currency}, {"formatted", format_money(money)}});
}

}  // namespace settled
