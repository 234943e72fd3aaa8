#include "actors/stripe_simulator_actor.hpp"

#include "actors/messages.hpp"
#include "adapters/stripe_simulator.hpp"

#include <cstdio>
#include <random>
#include <unordered_map>
#include <unordered_set>

namespace settled::actors {

namespace {

struct SimulatorState {
  std::shared_ptr<adapters::LmdbStore> db;
  caf::actor store;
  std::unordered_map<std::string, int> attempts;  // per Idempotency-Key since start
  std::unordered_set<std::string> in_flight;      // keys whose first response is being stored
  std::uint64_t counter = 0;
  std::mt19937_64 rng{std::random_device{}()};

  // Time-ordered ids, so listing in key order lists oldest first.
  std::string new_intent_id(EpochMillis now) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "pi_%012llx%06llx%06llx", static_cast<unsigned long long>(now),
                  static_cast<unsigned long long>(++counter & 0xffffff),
                  static_cast<unsigned long long>(rng() & 0xffffff));
    return buf;
  }
};

caf::behavior simulator_behavior(caf::stateful_actor<SimulatorState>* self,
                                 std::shared_ptr<adapters::LmdbStore> db, caf::actor store) {
  self->state.db = std::move(db);
  self->state.store = std::move(store);
  return {
      [self](charge_atom, TaskAttempt& attempt) {
        auto& st = self->state;
        auto promise = self->make_response_promise();
        const std::string key = attempt.idempotency_key;
        if (st.in_flight.count(key)) {
          // Stripe answers a concurrent request with the same key with a conflict.
          promise.deliver(TaskOutcome::failure(
              "Stripe.APIConnectionError",
              R"({"type":"api_connection_error","message":"A request with this Idempotency-Key is still in progress"})"));
          return;
        }
        const int attempt_number = ++st.attempts[key];
        auto decision = adapters::simulate_payment_intent_create(
            attempt, st.db->get(Table::kStripeIdempotency, key), attempt_number,
            st.new_intent_id(attempt.now));
        if (decision.writes.empty()) {
          promise.deliver(std::move(decision.outcome));
          return;
        }
        st.in_flight.insert(key);
        self->request(st.store, caf::infinite, commit_atom::value, std::move(decision.writes))
            .then(
                [self, key, promise,
                 outcome = std::move(decision.outcome)](StoreReply& reply) mutable {
                  self->state.in_flight.erase(key);
                  if (reply.ok) {
                    promise.deliver(std::move(outcome));
                  } else {
                    promise.deliver(TaskOutcome::failure(
                        "Stripe.APIError",
                        R"({"type":"api_error","message":"simulator store failed"})"));
                  }
                },
                [self, key, promise](caf::error&) mutable {
                  self->state.in_flight.erase(key);
                  promise.deliver(TaskOutcome::failure(
                      "Stripe.APIError",
                      R"({"type":"api_error","message":"simulator store failed"})"));
                });
      },
  };
}

}  // namespace

caf::actor spawn_stripe_simulator(caf::actor_system& system,
                                  std::shared_ptr<adapters::LmdbStore> simulator_db,
                                  caf::actor simulator_store) {
  return system.spawn(simulator_behavior, std::move(simulator_db), std::move(simulator_store));
}

}  // namespace settled::actors
