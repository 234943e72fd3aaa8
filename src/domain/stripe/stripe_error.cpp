#include "domain/stripe/stripe_error.hpp"

namespace settled::stripe {

boost::json::object StripeError::to_json() const {
  boost::json::object error = extra;
  error["type"] = type;
  if (!code.empty()) error["code"] = code;
  error["message"] = message;
  if (!param.empty()) error["param"] = param;
  return error;
}

}  // namespace settled::stripe
