#pragma once
// settled:money.check — an amount as settled keeps money, checked inside a workflow: a JSON
// integer of minor units (never a float, not even 12.0; never a string) and a currency code. ASL
// has no integer test (IsNumeric is true for 12.5), so a workflow that takes an amount from its
// input asks this before anything is recorded or charged.
//   {amount, currency, allowZero?: bool} -> {amount, currency, formatted: "12.50 USD"}
// Refusals: Money.InvalidAmount (not an integer, negative, zero unless allowZero, beyond int64),
// Money.InvalidCurrency (not three upper-case letters or HOUR), Money.InvalidParameters.

#include "domain/resources/task_outcome.hpp"

namespace settled {

inline constexpr const char* kMoneyInvalidAmount = "Money.InvalidAmount";
inline constexpr const char* kMoneyInvalidCurrency = "Money.InvalidCurrency";
inline constexpr const char* kMoneyInvalidParameters = "Money.InvalidParameters";

TaskOutcome run_money_check(const TaskAttempt& attempt);

}  // namespace settled
