#pragma once
// An error as Stripe's API answers it ({"error": {"type", "code", "message", "param"}}), made
// by the domain rules that refuse a call (a capture in the wrong state, an over-refund, ...)
// before the adapters turn it into an ASL error name.

#include <boost/json/object.hpp>

#include <string>

namespace settled::stripe {

struct StripeError {
  std::string type;     // invalid_request_error, card_error, idempotency_error, ...
  std::string code;     // parameter_missing, payment_intent_unexpected_state, ... ("" if none)
  std::string message;  // for people
  std::string param;    // the parameter at fault ("" if none)
  boost::json::object extra;  // decline_code, payment_intent, ...

  // Stripe's error object: {type, code?, message, param?} plus `extra`.
  boost::json::object to_json() const;
};

inline StripeError invalid_request(std::string code, std::string message, std::string param = {}) {
  return StripeError{
      "invalid_request_error", std::move(code), std::move(message), std::move(param), {}};
}

}  // namespace settled::stripe
