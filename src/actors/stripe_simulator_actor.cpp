#include "actors/stripe_simulator_actor.hpp"

#include "actors/engine.hpp"
#include "actors/messages.hpp"
#include "adapters/ops/log.hpp"
#include "adapters/stripe/stripe_sim_lifecycle.hpp"
#include "adapters/stripe/stripe_simulator.hpp"
#include "adapters/stripe/stripe_webhook_sender.hpp"

#include <caf/all.hpp>

#include <algorithm>
#include <random>
#include <set>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace settled::actors {

namespace {

struct SimulatorState {
  std::shared_ptr<adapters::LmdbStore> db;
  StoreActor store;
  // Attempts per Idempotency-Key since start, kept only for the payment methods that fail
  // their first attempts on purpose (SimulatorDecision::counts_attempts).
  std::unordered_map<std::string, int> attempts;
  std::unordered_set<std::string> in_flight;  // keys whose first response is being stored
  std::uint64_t counter = 0;
  std::mt19937_64 rng{std::random_device{}()};
  StripeSimulatorOptions options;
  std::set<EpochMillis> armed;  // payout due times a wake is asked for
  StripeWebhookActor webhooks;  // null until the daemon's listener is known

  // Time-ordered ids, so listing in key order lists oldest first: the prefix, then the time
  // (at least 12 hex digits), a counter and a random part (6 each). Written by hand: six ids a
  // payment through snprintf were 1 % of the engine's instructions.
  std::string new_id(const char* prefix, EpochMillis now) {
    std::string id(prefix);
    append_hex(id, static_cast<std::uint64_t>(now), 12);
    append_hex(id, ++counter & 0xffffff, 6);
    append_hex(id, rng() & 0xffffff, 6);
    return id;
  }

  // `value` in lower-case hex, zero-padded to `min_digits` (as printf's %0Nllx).
  static void append_hex(std::string& out, std::uint64_t value, int min_digits) {
    char digits[16];
    int count = 0;
    do {
      digits[count++] = "0123456789abcdef"[value & 0xf];
      value >>= 4;
    } while (value != 0);
    for (int pad = count; pad < min_digits; ++pad) out += '0';
    while (count > 0) out += digits[--count];
  }
};

using Self = caf::stateful_actor<SimulatorState, StripeSimulatorActor::base>;
using Events = std::vector<std::pair<std::string, std::string>>;

EpochMillis business_now(Self* self) {
  const auto& now = self->state.options.now;
  return now ? now() : system_now();
}

adapters::SimulatorIds own_ids(Self* self) {
  return [self](const char* prefix) { return self->state.new_id(prefix, business_now(self)); };
}

// Commits `writes` to the simulator's store before anything else is decided (what it wrote was
// read from the objects), then calls done(ok).
template <class Done>
void commit_then(Self* self, WriteBatch writes, Done done) {
  self->request(self->state.store, caf::infinite, commit_atom::value, std::move(writes))
      .await([done](StoreReply& reply) mutable { done(reply.ok); },
             [done](caf::error&) mutable { done(false); });
}

void arm_payout(Self* self, EpochMillis due) {
  auto& st = self->state;
  if (!st.armed.insert(due).second) return;
  wake_at(self, st.options.clock, business_now(self), due, wake_atom::value);
}

void arm_next_payout(Self* self) {
  if (auto due = adapters::next_payout_due(*self->state.db)) arm_payout(self, *due);
}

void deliver(Self* self, const std::string& event_id, const std::string& body, int attempt);

// Our own endpoint refused or did not answer: again later, on wall time (this is delivery to
// this process, not a business delay), backing off as Stripe does, never giving up while running;
// a restart resends whatever is still pending.
void retry_later(Self* self, const std::string& event_id, int attempt) {
  const auto backoff =
      std::min<std::chrono::seconds>(std::chrono::seconds(1LL << std::min(attempt - 1, 20)),
                                     self->state.options.max_webhook_backoff);
  adapters::log(adapters::LogLevel::kWarn, "stripe_simulator.webhook_retry",
                {{"eventId", event_id}, {"attempt", attempt}, {"inSeconds", backoff.count()}});
  self->delayed_send(self, backoff, retry_atom::value, event_id, attempt + 1);
}

void deliver(Self* self, const std::string& event_id, const std::string& body, int attempt) {
  auto& st = self->state;
  if (!st.webhooks) return;  // sent once the listener is known (webhooks_atom)
  self->request(st.webhooks, caf::infinite, deliver_atom::value, body)
      .then(
          [self, event_id, attempt](bool taken) {
            if (!taken) return retry_later(self, event_id, attempt);
            WriteBatch writes = adapters::mark_delivered(*self->state.db, event_id);
            if (writes.empty()) return;
            // Not waited for: a lost mark only means one more delivery after a restart, which
            // the endpoint dedups by event id.
            self->request(self->state.store, caf::infinite, commit_atom::value, std::move(writes))
                .then([](StoreReply&) {}, [](caf::error&) {});
          },
          [self, event_id, attempt](caf::error&) { retry_later(self, event_id, attempt); });
}

void deliver_all(Self* self, const Events& events) {
  for (const auto& [id, body] : events) deliver(self, id, body, 1);
}

std::vector<EpochMillis> payout_dues(const WriteBatch& writes) {
  std::vector<EpochMillis> dues;
  for (const auto& op : writes.ops) {
    if (auto due = adapters::payout_due_of(op.key); due && !op.erase) dues.push_back(*due);
  }
  return dues;
}

StripeWebhookActor::behavior_type webhook_sender(StripeWebhookActor::pointer,
                                                 adapters::stripe::StripeWebhookSender sender,
                                                 std::function<EpochMillis()> now,
                                                 std::chrono::milliseconds timeout) {
  return {
      [sender = std::move(sender), now = std::move(now), timeout](deliver_atom,
                                                                  const std::string& body) {
        const Status sent = sender.send(body, (now ? now() : system_now()) / 1000, timeout);
        if (!sent.ok())
          adapters::log(adapters::LogLevel::kWarn, "stripe_simulator.webhook_failed",
                        {{"cause", sent.error().message}});
        return sent.ok();
      },
  };
}

StripeSimulatorActor::behavior_type simulator_behavior(Self* self,
                                                       std::shared_ptr<adapters::LmdbStore> db,
                                                       StoreActor store,
                                                       StripeSimulatorOptions options) {
  self->state.db = std::move(db);
  self->state.store = std::move(store);
  options.simulator.webhooks = !options.webhook_secret.empty();
  self->state.options = std::move(options);
  // Payouts made before a restart still settle at their time.
  arm_next_payout(self);
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
          // A look-up (resolve_only) is not an attempt of the call.
          const auto counted = st.attempts.find(key);
          const int attempt_number = attempt.resolve_only
                                         ? (counted == st.attempts.end() ? 0 : counted->second)
                                         : ++st.attempts[key];
          const auto stored = st.db->get(Table::kStripeIdempotency, key);
          auto decision = adapters::simulate_stripe_call(
              st.db.get(), attempt, stored, attempt_number,
              [&st, now = attempt.now](const char* prefix) { return st.new_id(prefix, now); },
              st.options.simulator);
          reads_objects = decision.read_objects;
          if (!decision.counts_attempts) st.attempts.erase(key);
          const bool sent = !decision.looked_up;
          outcome = std::move(decision.outcome);
          writes = std::move(decision.writes);
          holds_key = !writes.empty();
          if (holds_key) st.in_flight.insert(key);
          if (sent)
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
        // What follows once the writes are durable: its events go out as webhooks, its
        // payouts get their wake-up.
        auto stored_then = [self, release, promise, store_failed, outcome = std::move(outcome),
                            events = adapters::events_in(writes),
                            dues = payout_dues(writes)](StoreReply& reply) mutable {
          if (!reply.ok) return store_failed();
          release();
          promise.deliver(std::move(outcome));
          for (EpochMillis due : dues) arm_payout(self, due);
          deliver_all(self, events);
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
      [self](wake_atom) {
        auto& st = self->state;
        const EpochMillis now = business_now(self);
        st.armed.erase(st.armed.begin(), st.armed.upper_bound(now));
        WriteBatch writes =
            adapters::settle_due_payouts(*st.db, now, own_ids(self), st.options.simulator);
        if (writes.empty()) return arm_next_payout(self);
        Events events = adapters::events_in(writes);
        commit_then(self, std::move(writes), [self, events](bool ok) {
          if (!ok) {
            // The store could not write: try again shortly (process time; they stay due).
            self->delayed_send(self, std::chrono::seconds(1), wake_atom::value);
            return;
          }
          deliver_all(self, events);
          arm_next_payout(self);
        });
      },
      [self](onboard_atom, OnboardingCompletion& completion) {
        auto& st = self->state;
        auto done = adapters::complete_onboarding(*st.db, completion.link_id, business_now(self),
                                                  own_ids(self), st.options.simulator);
        if (!done) return completion.reply(done.error());
        Events events = adapters::events_in(done->writes);
        commit_then(self, std::move(done->writes),
                    [self, events, reply = std::move(completion.reply),
                     account = std::move(done->account)](bool ok) {
                      if (!ok)
                        return reply(Error{ErrorCode::kStoreUnavailable,
                                           "the Stripe simulator's store could not write"});
                      reply(Answered{Outcome::kApplied, account});
                      deliver_all(self, events);
                    });
      },
      [self](webhooks_atom, const std::string& url) {
        auto& st = self->state;
        if (st.options.webhook_secret.empty() || st.webhooks) return;
        auto sender = adapters::stripe::StripeWebhookSender::create(url, st.options.webhook_secret);
        if (!sender) {
          adapters::log(adapters::LogLevel::kError, "stripe_simulator.webhooks_off",
                        {{"url", url}, {"cause", sender.error().message}});
          return;
        }
        st.webhooks = self->system().spawn<caf::detached>(
            webhook_sender, std::move(*sender), st.options.now, st.options.webhook_timeout);
        // Events made before (this start, or before a restart) and not yet taken.
        deliver_all(self, adapters::undelivered_events(*st.db));
      },
      [self](retry_atom, const std::string& event_id, int attempt) {
        // Sent as stored now: one marked delivered meanwhile is not sent again.
        if (auto body = adapters::undelivered_event(*self->state.db, event_id))
          deliver(self, event_id, *body, attempt);
      },
  };
}

}  // namespace

StripeSimulatorActor spawn_stripe_simulator(caf::actor_system& system,
                                            std::shared_ptr<adapters::LmdbStore> simulator_db,
                                            StoreActor simulator_store,
                                            StripeSimulatorOptions options) {
  return system.spawn(simulator_behavior, std::move(simulator_db), std::move(simulator_store),
                      std::move(options));
}

}  // namespace settled::actors
