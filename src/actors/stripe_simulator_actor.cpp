#include "actors/stripe_simulator_actor.hpp"

#include "actors/messages.hpp"
#include "adapters/stripe/stripe_simulator.hpp"

#include <cstdio>
#include <random>
#include <unordered_map>
#include <unordered_set>

namespace settled::actors {

namespace {

struct SimulatorState {
  std::shared_ptr<adapters::LmdbStore> db;
  StoreActor store;
  std::unordered_map<std::string, int> attempts;  // per Idempotency-Key since start
  std::unordered_set<std::string> in_flight;      // keys whose first response is being stored
  std::uint64_t counter = 0;
  std::mt19937_64 rng{std::random_device{}()};

  // Time-ordered ids, so listing in key order lists oldest first.
  std::string new_id(const char* prefix, EpochMillis now) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "%s%012llx%06llx%06llx", prefix,
                  static_cast<unsigned long long>(now),
                  static_cast<unsigned long long>(++counter & 0xffffff),
                  static_cast<unsigned long long>(rng() & 0xffffff));
    return buf;
  }
};

using Self = caf::stateful_actor<SimulatorState, StripeActor::base>;

StripeActor::behavior_type simulator_behavior(Self* self, std::shared_ptr<adapters::LmdbStore> db,
                                              StoreActor store) {
  self->state.db = std::move(db);
  self->state.store = std::move(store);
  return {
      [self](charge_atom, TaskAttempt& attempt) {
        auto& st = self->state;
        auto promise = self->make_response_promise<TaskOutcome>();
        const std::string key = attempt.idempotency_key;
        // Every request is logged before it is answered, refused ones included: the log is
        // what tests read to check that each retry of one attempt carried the same key.
        WriteBatch writes;
        TaskOutcome outcome;
        bool holds_key = false;  // this request stores the key's first response
        bool reads_objects = false;
        if (st.in_flight.count(key)) {
          // Stripe answers a concurrent request with the same key with a conflict.
          outcome = TaskOutcome::failure(
              "Stripe.APIConnectionError",
              R"({"type":"api_connection_error","message":"A request with this Idempotency-Key is still in progress"})");
          adapters::log_request(writes, st.new_id("req_", attempt.now), attempt, outcome, false);
        } else {
          const int attempt_number = ++st.attempts[key];
          const auto stored = st.db->get(Table::kStripeIdempotency, key);
          auto decision = adapters::simulate_stripe_call(
              st.db.get(), attempt, stored, attempt_number,
              [&st, now = attempt.now](const char* prefix) { return st.new_id(prefix, now); });
          reads_objects = decision.read_objects;
          outcome = std::move(decision.outcome);
          writes = std::move(decision.writes);
          holds_key = !writes.empty();
          if (holds_key) st.in_flight.insert(key);
          adapters::log_request(writes, st.new_id("req_", attempt.now), attempt, outcome,
                                stored.has_value());
        }
        auto release = [self, key, holds_key] {
          if (holds_key) self->state.in_flight.erase(key);
        };
        auto store_failed = [release, promise]() mutable {
          release();
          promise.deliver(TaskOutcome::failure(
              "Stripe.APIError", R"({"type":"api_error","message":"simulator store failed"})"));
        };
        auto stored_then = [release, promise, store_failed,
                            outcome = std::move(outcome)](StoreReply& reply) mutable {
          if (!reply.ok) return store_failed();
          release();
          promise.deliver(std::move(outcome));
        };
        auto failed_then = [store_failed](caf::error&) mutable { store_failed(); };
        auto handle = self->request(st.store, caf::infinite, commit_atom::value, std::move(writes));
        // A call that read objects is stored before the next is decided (SimulatorDecision).
        if (reads_objects) {
          handle.await(std::move(stored_then), std::move(failed_then));
        } else {
          handle.then(std::move(stored_then), std::move(failed_then));
        }
        return promise;
      },
  };
}

}  // namespace

StripeActor spawn_stripe_simulator(caf::actor_system& system,
                                   std::shared_ptr<adapters::LmdbStore> simulator_db,
                                   StoreActor simulator_store) {
  return system.spawn(simulator_behavior, std::move(simulator_db), std::move(simulator_store));
}

}  // namespace settled::actors
