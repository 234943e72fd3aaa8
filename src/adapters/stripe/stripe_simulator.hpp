#pragma once
// The Stripe simulator: an in-process stand-in for Stripe's test mode that behaves as a remote
// Stripe would, for every call of domain/stripe/stripe_calls.hpp (docs/stripe-simulator.md).
// It keeps its own durable record of every object (PaymentIntents, charges, refunds, transfers,
// payouts, accounts), of the events it generated, and of every Idempotency-Key's first response (in
// its own LMDB environment, apart from the engine's), so a request retried with the same key is
// answered with the first result and charges once.
//
// Test payment methods (docs/stripe-simulator.md):
//   pm_card_visa, pm_card_mastercard, pm_card_amex, ... (any other pm_card_*)  succeeds
//   pm_card_chargeDeclined                      card_declined / generic_decline
//   pm_card_chargeDeclinedInsufficientFunds     card_declined / insufficient_funds
//   pm_card_chargeDeclinedFraudulent            card_declined / fraudulent
//   pm_card_chargeDeclinedExpiredCard           expired_card
//   pm_card_chargeDeclinedIncorrectCvc          incorrect_cvc
//   pm_card_chargeDeclinedProcessingError       processing_error
//   pm_sim_rate_limited_<N>    the first N attempts per key get 429 rate_limit (nothing stored)
//   pm_sim_timeout_<N>         the first N attempts charge and store, but the response is lost
//                              (the caller sees a connection timeout; a retry replays the charge)
//   pm_sim_unavailable         every attempt fails to connect (nothing stored)

#include "adapters/store/lmdb_store.hpp"
#include "adapters/stripe/stripe_errors.hpp"  // stripe_error_name, moved there
#include "domain/resources/task_outcome.hpp"

#include <boost/json/object.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace settled::adapters {

struct SimulatorDecision {
  TaskOutcome outcome;  // what the caller sees
  WriteBatch writes;    // to make durable before answering (empty: nothing to store)
  // The decision read stored objects (a confirm, a refund, ...): the next call must not be
  // decided before these writes are stored, or it could read what this one changed as it
  // was before (two partial refunds both seeing the whole amount refundable).
  bool read_objects = false;
  // Answered by a look-up of the events (an expired key, or resolve_only): the call itself
  // was never sent, so the request log does not list it.
  bool looked_up = false;
  // The call's payment method fails its first attempts on purpose (pm_sim_rate_limited_N,
  // pm_sim_timeout_N): the simulator must count this key's attempts. For any other call it
  // forgets the key at once, so its memory does not grow with every key it ever saw.
  bool counts_attempts = false;
};

// What the simulator is configured with (docs/stripe-simulator.md).
struct SimulatorOptions {
  // How long a payout stays `pending` before it is `paid` or `failed` (Stripe's standard
  // schedule: two days).
  std::int64_t payout_delay_ms = 2LL * 24 * 3600 * 1000;
  // Whether its events are sent as webhooks: each then starts with pending_webhooks 1.
  bool webhooks = false;
};

// Makes an object id from its prefix ("pi_", "ch_", "re_", "evt_", ...); time-ordered, so
// listing a table in key order lists oldest first.
using SimulatorIds = std::function<std::string(const char* prefix)>;

// Decides how Stripe answers the call `attempt.resource` (one of domain/stripe/stripe_calls.hpp)
// with `attempt.parameters`. `db`: the simulator's store, read for the objects the call touches
// (nullptr: none stored); `stored`: the response stored for the Idempotency-Key, if any;
// `attempt_number`: 1 for the first call with this key since the simulator started.
SimulatorDecision simulate_stripe_call(const LmdbStore* db, const TaskAttempt& attempt,
                                       const std::optional<std::string>& stored, int attempt_number,
                                       const SimulatorIds& ids,
                                       const SimulatorOptions& options = {});

// simulate_stripe_call for `POST /v1/payment_intents` with no stored objects; the intent gets
// `new_id`, its other objects ids made from it.
SimulatorDecision simulate_payment_intent_create(const TaskAttempt& attempt,
                                                 const std::optional<std::string>& stored,
                                                 int attempt_number, const std::string& new_id);

// Every request the simulator receives is logged, refused and replayed ones included, so tests
// can assert the Idempotency-Key of each attempt rather than only what got stored.
// `request_id` orders the log (time-ordered); `replayed`: answered from a stored response.
void log_request(WriteBatch& writes, const std::string& request_id, const TaskAttempt& attempt,
                 const TaskOutcome& outcome, bool replayed);

// GET /v1/simulator/stripe/requests: the log, oldest first, optionally only one key's requests.
// limit 0 = all.
boost::json::object list_requests(const LmdbStore& store, std::size_t limit,
                                  const std::string& starting_after,
                                  const std::string& idempotency_key);

// GET /v1/simulator/stripe/payment_intents: Stripe's list shape, oldest first. limit 0 = all.
boost::json::object list_payment_intents(const LmdbStore& store, std::size_t limit,
                                         const std::string& starting_after);

}  // namespace settled::adapters
