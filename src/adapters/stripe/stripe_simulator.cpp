#include "adapters/stripe/stripe_simulator.hpp"

#include "adapters/stripe/stripe_sim_lifecycle.hpp"
#include "domain/json_append.hpp"

#include "adapters/stripe/stripe_sim_call.hpp"
#include "domain/json_limits.hpp"
#include "domain/stripe/stripe_calls.hpp"
#include "domain/stripe/unknown_outcome.hpp"

#include <boost/json.hpp>

#include <cctype>

namespace settled::adapters {

namespace json = boost::json;

namespace {

TaskOutcome failure_outcome(const stripe::StripeError& error) {
  return TaskOutcome::failure(stripe_error_name(error.type), json_text(error.to_json()));
}

TaskOutcome simulated_failure(const std::string& type, const std::string& code,
                              const std::string& message) {
  return failure_outcome(stripe::StripeError{type, code, message, {}, {}});
}

// "pm_sim_timeout_2" -> 2 for prefix "pm_sim_timeout_"; -1 if the method is not of that form.
int trigger_count(const std::string& method, const std::string& prefix) {
  if (method.rfind(prefix, 0) != 0) return -1;
  const std::string digits = method.substr(prefix.size());
  if (digits.empty() || digits.size() > 3) return -1;
  for (char c : digits) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return -1;
  }
  return std::stoi(digits);
}

// {"ok":true,"result":...} or {"ok":false,"error":...,"cause":...}, written where it goes
// (outcome_from_json reads it back). A success's result is written from `result_text` when the
// call already wrote it (the same text), else serialized.
void append_outcome_json(std::string& out, const TaskOutcome& o,
                         std::string_view result_text = {}) {
  JsonObjectWriter writer(out);
  writer.value("ok", json::value(o.ok));
  if (o.ok && !result_text.empty())
    writer.member("result") += result_text;
  else if (o.ok)
    writer.value("result", o.result);
  else
    writer.text("error", o.error).text("cause", o.cause);
  writer.close();
}

TaskOutcome outcome_from_json(const json::value& v) {
  const auto& j = v.as_object();
  if (j.at("ok").as_bool()) return TaskOutcome::success(j.at("result"));
  return TaskOutcome::failure(std::string(j.at("error").as_string()),
                              std::string(j.at("cause").as_string()));
}

using CallFunction = sim::Answer (*)(sim::SimCall&);

CallFunction call_function(std::string_view resource) {
  static const std::pair<std::string_view, CallFunction> kCalls[] = {
      {"settled:stripe.paymentIntents.create", &sim::create_payment_intent},
      {"settled:stripe.paymentIntents.confirm", &sim::confirm_payment_intent},
      {"settled:stripe.paymentIntents.capture", &sim::capture_payment_intent},
      {"settled:stripe.paymentIntents.cancel", &sim::cancel_payment_intent},
      {"settled:stripe.paymentIntents.retrieve", &sim::retrieve_payment_intent},
      {"settled:stripe.refunds.create", &sim::create_refund},
      {"settled:stripe.transfers.create", &sim::create_transfer},
      {"settled:stripe.payouts.create", &sim::create_payout},
      {"settled:stripe.accounts.create", &sim::create_account},
      {"settled:stripe.accountLinks.create", &sim::create_account_link},
      {"settled:stripe.accounts.retrieve", &sim::retrieve_account},
      {"settled:stripe.events.list", &sim::list_events},
  };
  for (const auto& [name, function] : kCalls) {
    if (name == resource) return function;
  }
  return nullptr;
}

// Whether Stripe executed the call of `attempt` (its key may have expired): its events,
// read as the live client reads them (domain/stripe/unknown_outcome.hpp). nullopt: never
// executed, or a call that is not looked up.
std::optional<TaskOutcome> look_up_outcome(const LmdbStore* db, const TaskAttempt& attempt,
                                           const SimulatorIds& ids) {
  auto lookup =
      stripe::outcome_lookup(attempt.resource, attempt.parameters, attempt.key_first_used);
  if (!lookup) return std::nullopt;
  std::string after;
  for (int page = 0; page < stripe::kLookupMaxPages; ++page) {
    TaskAttempt list = attempt;
    list.resource = "settled:stripe.events.list";
    list.parameters = stripe::lookup_page_parameters(*lookup, after);
    auto request = stripe::plan_stripe_request(list.resource, list.parameters);
    if (!request) return failure_outcome(request.error());
    sim::SimCall call{db, list, *request, ids, {}, false, nullptr, {}};
    sim::Answer answer = sim::list_events(call);
    if (!answer) return failure_outcome(answer.error());
    auto step = stripe::read_lookup_page(json::value(std::move(*answer)), attempt.idempotency_key);
    switch (step.kind) {
      case stripe::LookupStep::Kind::kExecuted:
        return std::move(step.outcome);
      case stripe::LookupStep::Kind::kNotExecuted:
        return std::nullopt;
      case stripe::LookupStep::Kind::kNextPage:
        after = std::move(step.next_after);
        break;
      case stripe::LookupStep::Kind::kMalformed:
        return stripe::unknown_outcome("the events of the key could not be read");
    }
  }
  return stripe::unknown_outcome("no event of the key in the first " +
                                 std::to_string(stripe::kLookupMaxPages * 100) +
                                 " events since its first use: outcome still unknown");
}

// A stored response older than Stripe's key window is forgotten, as Stripe forgets it.
bool key_expired(const json::value& entry, EpochMillis now) {
  const json::value* created = entry.as_object().if_contains("created");
  return created && created->is_int64() &&
         now - created->as_int64() >= stripe::kIdempotencyKeyWindowMs;
}

}  // namespace

SimulatorDecision simulate_stripe_call(const LmdbStore* db, const TaskAttempt& attempt,
                                       const std::optional<std::string>& stored, int attempt_number,
                                       const SimulatorIds& ids, const SimulatorOptions& options) {
  SimulatorDecision decision;
  auto request = stripe::plan_stripe_request(attempt.resource, attempt.parameters);
  const bool post = request && request->call->method == stripe::HttpMethod::kPost;
  if (attempt.resolve_only) {
    // Only the question whether it was executed; nothing is sent again.
    decision.read_objects = true;
    decision.looked_up = true;
    auto lookup =
        stripe::outcome_lookup(attempt.resource, attempt.parameters, attempt.key_first_used);
    if (!lookup) {
      decision.outcome = stripe::unknown_outcome(attempt.resource + " is not looked up");
    } else if (auto found = look_up_outcome(db, attempt, ids)) {
      decision.outcome = std::move(*found);
    } else {
      decision.outcome = stripe::not_executed(*lookup, attempt.idempotency_key);
    }
    return decision;
  }
  if (post && stripe::key_may_have_expired(attempt.key_first_used, attempt.now)) {
    // Looked up as the live client does: past the key's window a resend could execute twice.
    decision.read_objects = true;
    if (auto found = look_up_outcome(db, attempt, ids)) {
      decision.outcome = std::move(*found);
      decision.looked_up = true;
      return decision;
    }
  }
  const json::value entry = stored && post ? parse_stored_json(*stored) : json::value();
  if (stored && post && !key_expired(entry, attempt.now)) {
    // Stripe keeps the first response to a key, for the same endpoint and parameters only.
    const json::value* resource = entry.as_object().if_contains("resource");
    const bool same_call =
        resource ? *resource == attempt.resource.c_str()
                 : attempt.resource == "settled:stripe.paymentIntents.create";  // older entries
    if (!same_call || entry.at("params") != attempt.parameters) {
      decision.outcome = simulated_failure("idempotency_error", "idempotency_key_in_use",
                                           "Keys for idempotent requests can only be used with the "
                                           "same parameters they were first used with.");
      return decision;
    }
    decision.outcome = outcome_from_json(entry.at("response"));
    return decision;
  }
  const CallFunction function = request ? call_function(attempt.resource) : nullptr;
  if (!request || !function) {
    decision.outcome = failure_outcome(
        request ? stripe::invalid_request("resource_missing",
                                          "the simulator has no " + attempt.resource)
                : request.error());
    return decision;
  }

  // Failures before the request reaches Stripe's API: nothing executes, nothing is stored.
  const json::value* method_param = request->params.if_contains("payment_method");
  const std::string method = method_param && method_param->is_string()
                                 ? std::string(method_param->as_string())
                                 : std::string();
  decision.counts_attempts = trigger_count(method, "pm_sim_rate_limited_") >= 0 ||
                             trigger_count(method, "pm_sim_timeout_") >= 0;
  if (int n = trigger_count(method, "pm_sim_rate_limited_"); n >= 0 && attempt_number <= n) {
    decision.outcome = simulated_failure("rate_limit_error", "rate_limit",
                                         "Too many requests hit the API too quickly. (simulated)");
    return decision;
  }
  if (method == "pm_sim_unavailable") {
    decision.outcome =
        simulated_failure("api_connection_error", "",
                          "Could not connect to Stripe (simulated outage). Outcome: not executed.");
    return decision;
  }

  sim::SimCall call{db, attempt, *request, ids, {}, false, &options, {}};
  sim::Answer answer = function(call);
  decision.read_objects = call.read_objects;
  TaskOutcome response =
      answer ? TaskOutcome::success(std::move(*answer)) : failure_outcome(answer.error());
  if (call.writes.empty()) {
    // Refused before anything executed (or a read): Stripe stores no response for the key.
    decision.outcome = std::move(response);
    return decision;
  }
  decision.writes = std::move(call.writes);
  // What the key answers from now on, written without copying the parameters and the answer
  // into an object first.
  std::string first;
  JsonObjectWriter writer(first);
  writer.text("resource", attempt.resource).value("params", attempt.parameters);
  append_outcome_json(writer.member("response"), response, call.answer_text);
  writer.number("created", attempt.now).close();
  decision.writes.put(Table::kStripeIdempotency, attempt.idempotency_key, std::move(first));

  if (int n = trigger_count(method, "pm_sim_timeout_"); n >= 0 && attempt_number <= n) {
    // Executed and stored, but the caller never hears back.
    decision.outcome = stripe::unknown_outcome(
        "Request to Stripe timed out (simulated); the outcome is unknown. "
        "Retry with the same Idempotency-Key.");
  } else {
    if (response.ok) response.result_text = std::move(call.answer_text);
    decision.outcome = std::move(response);
  }
  return decision;
}

SimulatorDecision simulate_payment_intent_create(const TaskAttempt& attempt,
                                                 const std::optional<std::string>& stored,
                                                 int attempt_number, const std::string& new_id) {
  TaskAttempt create = attempt;
  create.resource = "settled:stripe.paymentIntents.create";
  // "pi_0001" -> "ch_0001", "evt_0001a", ...: distinct, and derived from the intent's id.
  const std::string suffix = new_id.size() > 3 ? new_id.substr(3) : new_id;
  int events = 0;
  const SimulatorIds ids = [&](const char* prefix) {
    const std::string p(prefix);
    if (p == "pi_") return new_id;
    if (p == "evt_") return p + suffix + std::string(1, static_cast<char>('a' + events++));
    return p + suffix;
  };
  return simulate_stripe_call(nullptr, create, stored, attempt_number, ids);
}

void log_request(WriteBatch& writes, const std::string& request_id, const TaskAttempt& attempt,
                 const TaskOutcome& outcome, bool replayed) {
  // Written member by member, as json::serialize writes the object.
  std::string entry;
  entry.reserve(192);
  JsonObjectWriter writer(entry);
  writer.text("id", request_id)
      .text("object", "request")
      .text("idempotency_key", attempt.idempotency_key)
      .text("outcome",
            outcome.ok ? std::string_view("succeeded") : std::string_view(outcome.error));
  writer.member("replayed") += replayed ? "true" : "false";
  writer.number("created", attempt.now).close();
  writes.put(Table::kStripeRequests, request_id, std::move(entry));
}

json::object list_requests(const LmdbStore& store, std::size_t limit,
                           const std::string& starting_after, const std::string& idempotency_key) {
  json::array data;
  bool has_more = false;
  store.scan(
      Table::kStripeRequests, "",
      [&](std::string_view, std::string_view value) {
        json::value entry = json::parse(value);
        if (!idempotency_key.empty() && entry.at("idempotency_key") != idempotency_key.c_str())
          return true;
        if (limit != 0 && data.size() == limit) {
          has_more = true;
          return false;
        }
        data.push_back(std::move(entry));
        return true;
      },
      starting_after);
  return sim::stripe_list("/v1/simulator/stripe/requests", has_more, std::move(data));
}

json::object list_payment_intents(const LmdbStore& store, std::size_t limit,
                                  const std::string& starting_after) {
  return list_objects(store, Table::kStripeIntents, "", "/v1/simulator/stripe/payment_intents",
                      limit, starting_after);
}

}  // namespace settled::adapters
