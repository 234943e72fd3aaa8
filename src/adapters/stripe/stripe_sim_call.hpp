#pragma once
// Internal to the Stripe simulator (stripe_simulator*.cpp): one call being decided — the
// planned request, reads of the simulator's objects, the writes and the events it makes.

#include "adapters/store/lmdb_store.hpp"
#include "adapters/stripe/stripe_simulator.hpp"
#include "domain/stripe/stripe_calls.hpp"
#include "domain/stripe/stripe_error.hpp"

#include <boost/json/object.hpp>

#include <initializer_list>
#include <optional>
#include <string>

namespace settled::adapters::sim {

// A call's answer: the object Stripe returns, or Stripe's error.
using Answer = Result<boost::json::object, stripe::StripeError>;

struct SimCall {
  const LmdbStore* db;  // nullptr: no stored objects (a call that reads none)
  const TaskAttempt& attempt;
  const stripe::StripeRequest& request;
  const SimulatorIds& ids;
  WriteBatch writes;
  bool read_objects = false;
  const SimulatorOptions* options = nullptr;  // nullptr: the defaults
  // The JSON text of the object the call answers, when the call already wrote it (it saved
  // that object): the key's stored response reuses it instead of serializing the answer again.
  // Empty: not known.
  std::string answer_text;

  const boost::json::object& params() const { return request.params; }
  const boost::json::value* param(const char* name) const {
    return request.params.if_contains(name);
  }
  // The parameter, or null when absent (Stripe's objects show an unset field as null).
  boost::json::value param_or_null(const char* name) const {
    const boost::json::value* v = param(name);
    return v ? *v : boost::json::value(nullptr);
  }
  // metadata as given, or an empty object.
  boost::json::value metadata() const {
    const boost::json::value* v = param("metadata");
    return v ? *v : boost::json::value(boost::json::object());
  }
  std::int64_t now_seconds() const { return attempt.now / 1000; }

  // The stored object `id` of `object_type` ("payment_intent", "charge", "account", ...).
  std::optional<boost::json::object> load(Table table, const std::string& id,
                                          const char* object_type);
  // Stores `object` under its id; returns the text stored, for the events about it.
  std::string save(Table table, const boost::json::object& object);
  void save_text(Table table, std::string id, std::string text);
  // Records an event of `type` about `object` for events.list; `account`: the connected
  // account it happened on ("" for the platform).
  // `previous`: an *.updated event's data.previous_attributes (the fields as they were).
  void emit(const std::string& type, const boost::json::object& object,
            const std::string& account = {}, const boost::json::object* previous = nullptr);
  // The same, given the object's JSON text (as save returns it).
  void emit_text(const std::string& type, std::string_view object_text,
                 const std::string& account = {}, const boost::json::object* previous = nullptr);
  std::int64_t payout_delay_ms() const {
    return options ? options->payout_delay_ms : SimulatorOptions{}.payout_delay_ms;
  }
};

// Stripe's answer to an unknown object id.
stripe::StripeError no_such(const std::string& what, const std::string& id,
                            const std::string& param = {});
// parameter_unknown for the first parameter not in `known`.
std::optional<stripe::StripeError> unknown_parameter(const boost::json::object& params,
                                                     std::initializer_list<const char*> known);
// metadata: an object of strings, if present.
std::optional<stripe::StripeError> check_metadata(const boost::json::value* metadata);
// A positive integer amount (minor units) named `name`, at most Stripe's 99999999.
Result<std::int64_t, stripe::StripeError> positive_amount(const boost::json::value* value,
                                                          const char* name);
// Three letters, answered lower-case as Stripe does.
Result<std::string, stripe::StripeError> currency_param(const boost::json::value* value);

// What every call that moves money takes: `amount` (positive_amount), `currency`
// (currency_param) and `metadata` (check_metadata).
struct MoneyParams {
  std::int64_t amount = 0;
  std::string currency;
};
Result<MoneyParams, stripe::StripeError> money_params(const SimCall& call);

// Stripe's list shape: {"object": "list", "url", "has_more", "data"}.
boost::json::object stripe_list(const char* url, bool has_more, boost::json::array data);

// The calls, by object (stripe_sim_payments.cpp, stripe_sim_connect.cpp, stripe_sim_events.cpp).
// A decline is answered as a card error *after* its objects are written (it happened at
// Stripe); every other refusal writes nothing.
Answer create_payment_intent(SimCall& call);
Answer confirm_payment_intent(SimCall& call);
Answer capture_payment_intent(SimCall& call);
Answer cancel_payment_intent(SimCall& call);
Answer retrieve_payment_intent(SimCall& call);
Answer create_refund(SimCall& call);
Answer create_transfer(SimCall& call);
Answer create_payout(SimCall& call);
Answer create_account(SimCall& call);
Answer create_account_link(SimCall& call);
Answer retrieve_account(SimCall& call);
Answer list_events(SimCall& call);

// Whether `method` is a test payment method the simulator knows (pm_card_*, pm_sim_*).
bool known_payment_method(const std::string& method);

}  // namespace settled::adapters::sim
