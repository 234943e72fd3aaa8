#pragma once
// settled:payment.validate — the seed's ValidatePayment step. Checks the payment input contract
// and returns it normalised (description defaults to ""), or Payment.InvalidInput naming the field.
//
//   {"paymentId": "p-1", "customerId": "c-1", "amount": 1250, "currency": "USD",
//    "paymentMethod": "pm_card_visa", "description": "optional"}

#include "domain/resources/task_outcome.hpp"
#include "domain/result.hpp"

#include <boost/json/object.hpp>

namespace settled {

inline constexpr const char* kPaymentInvalidInput = "Payment.InvalidInput";

// `where` prefixes field names in messages (e.g. "input" gives "input.amount must be ...").
Result<boost::json::object> validate_payment(const boost::json::value& input,
                                             const std::string& where);

TaskOutcome run_payment_validate(const TaskAttempt& attempt);

// Execution names and ids: 1-80 characters of letters, digits and "-_.:", as Step Functions
// restricts names (so they are safe in URLs and keys).
bool is_valid_name(std::string_view name);

}  // namespace settled
