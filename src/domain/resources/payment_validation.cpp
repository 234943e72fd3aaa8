#include "domain/resources/payment_validation.hpp"

#include "domain/money.hpp"
#include "domain/path_segment.hpp"

#include <boost/json.hpp>

namespace settled {

namespace json = boost::json;

bool is_valid_name(std::string_view name) {
  if (name.empty() || name.size() > 80) return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == '.' || c == ':';
    if (!ok) return false;
  }
  return true;
}

namespace {

Result<std::string> text_field(const json::object& o, const std::string& where, const char* field,
                               std::size_t max_len, bool required) {
  const json::value* v = o.if_contains(field);
  if (!v) {
    if (required) return Error{ErrorCode::kInvalidRequest, where + "." + field + " is required"};
    return std::string();
  }
  if (!v->is_string())
    return Error{ErrorCode::kInvalidRequest, where + "." + field + " must be a string"};
  const auto& s = v->as_string();
  if (required && s.empty())
    return Error{ErrorCode::kInvalidRequest, where + "." + field + " must not be empty"};
  if (s.size() > max_len)
    return Error{ErrorCode::kInvalidRequest, where + "." + field + " must be at most " +
                                                 std::to_string(max_len) + " characters"};
  return std::string(s);
}

}  // namespace

Result<json::object> validate_payment(const json::value& input, const std::string& where) {
  if (!input.is_object())
    return Error{ErrorCode::kInvalidRequest, where + " must be a JSON object"};
  const auto& o = input.as_object();
  for (const auto& [key, value] : o) {
    if (key != "paymentId" && key != "customerId" && key != "amount" && key != "currency" &&
        key != "paymentMethod" && key != "description")
      return Error{ErrorCode::kInvalidRequest,
                   where + "." + std::string(key) +
                       " is not a field of a payment (allowed: paymentId, "
                       "customerId, amount, currency, paymentMethod, description)"};
  }
  auto payment_id = text_field(o, where, "paymentId", 80, true);
  if (!payment_id) return payment_id.error();
  if (!is_valid_name(*payment_id))
    return Error{ErrorCode::kInvalidRequest,
                 where + ".paymentId must be 1-80 characters of letters, digits and -_.:"};
  auto customer_id = text_field(o, where, "customerId", 255, true);
  if (!customer_id) return customer_id.error();
  // The customer's notifications are theirs by this id (GET /v1/users/{customerId}/...): one a
  // path cannot name could never be read, and one holding a NUL would list in another's inbox.
  if (const SegmentProblem problem = segment_problem(*customer_id);
      problem != SegmentProblem::kNone)
    return Error{ErrorCode::kInvalidRequest,
                 where + ".customerId must be text a request path can name; it has " +
                     std::string(describe(problem))};
  if (!o.contains("amount")) return Error{ErrorCode::kInvalidAmount, where + ".amount is required"};
  auto amount = parse_amount(o.at("amount"), where + ".amount", AmountRule::kPositive);
  if (!amount) return amount.error();
  if (!o.contains("currency"))
    return Error{ErrorCode::kInvalidRequest, where + ".currency is required"};
  auto currency = parse_currency(o.at("currency"), where + ".currency");
  if (!currency) return currency.error();
  if (*currency == "HOUR")
    return Error{ErrorCode::kInvalidRequest,
                 where + ".currency HOUR (time-bank hours) cannot be charged to a card"};
  auto method = text_field(o, where, "paymentMethod", 255, true);
  if (!method) return method.error();
  if (method->rfind("pm_", 0) != 0)
    return Error{ErrorCode::kInvalidRequest,
                 where + ".paymentMethod must be a payment method id (pm_...)"};
  auto description = text_field(o, where, "description", 1000, false);
  if (!description) return description.error();

  json::object out(6);
  out["paymentId"] = *payment_id;
  out["customerId"] = *customer_id;
  out["amount"] = *amount;
  out["currency"] = *currency;
  out["paymentMethod"] = *method;
  out["description"] = *description;
  return out;
}

TaskOutcome run_payment_validate(const TaskAttempt& attempt) {
  auto payment = validate_payment(attempt.parameters, "$");
  if (!payment) return TaskOutcome::failure(kPaymentInvalidInput, payment.error().message);
  return TaskOutcome::success(std::move(*payment));
}

}  // namespace settled
