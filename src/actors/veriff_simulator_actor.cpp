#include "actors/veriff_simulator_actor.hpp"

#include "actors/engine.hpp"
#include "actors/messages.hpp"
#include "adapters/ops/log.hpp"
#include "adapters/veriff/veriff_webhook_sender.hpp"

#include <caf/all.hpp>

#include <algorithm>
#include <cstdio>
#include <random>
#include <set>

namespace settled::actors {

namespace {

struct VeriffSimState {
  std::shared_ptr<adapters::LmdbStore> db;
  StoreActor store;
  VeriffSimulatorOptions options;
  std::mt19937_64 rng{std::random_device{}()};
  std::set<EpochMillis> armed;  // decision due times a wake is asked for
  StripeWebhookActor webhooks;  // null until the daemon's listener is known

  // A version 4 UUID, as Veriff's session and attempt ids are.
  std::string uuid() {
    const std::uint64_t a = rng(), b = rng();
    char buf[40];
    std::snprintf(buf, sizeof buf, "%08llx-%04llx-4%03llx-%04llx-%012llx",
                  static_cast<unsigned long long>(a >> 32),
                  static_cast<unsigned long long>((a >> 16) & 0xffff),
                  static_cast<unsigned long long>(a & 0xfff),
                  static_cast<unsigned long long>(0x8000 | ((b >> 48) & 0x3fff)),
                  static_cast<unsigned long long>(b & 0xffffffffffffULL));
    return buf;
  }
};

using Self = caf::stateful_actor<VeriffSimState, VeriffSimulatorActor::base>;

EpochMillis business_now(Self* self) {
  const auto& now = self->state.options.now;
  return now ? now() : system_now();
}

adapters::veriff::NewUuid own_uuids(Self* self) {
  return [self] { return self->state.uuid(); };
}

void arm(Self* self, EpochMillis due) {
  auto& st = self->state;
  if (!st.armed.insert(due).second) return;
  wake_at(self, st.options.clock, business_now(self), due, wake_atom::value);
}

void arm_next(Self* self) {
  if (auto due = adapters::veriff::next_decision_due(*self->state.db)) arm(self, *due);
}

void deliver(Self* self, const std::string& session_id, const std::string& body, int attempt);

// Our own endpoint refused or did not answer: again later, on wall time (delivery to this
// process, not a business delay), backing off, never giving up while running; a restart resends
// whatever is still pending.
void retry_later(Self* self, const std::string& session_id, int attempt) {
  const auto backoff =
      std::min<std::chrono::seconds>(std::chrono::seconds(1LL << std::min(attempt - 1, 20)),
                                     self->state.options.max_webhook_backoff);
  adapters::log(adapters::LogLevel::kWarn, "veriff_simulator.webhook_retry",
                {{"sessionId", session_id}, {"attempt", attempt}, {"inSeconds", backoff.count()}});
  self->delayed_send(self, backoff, retry_atom::value, session_id, attempt + 1);
}

void deliver(Self* self, const std::string& session_id, const std::string& body, int attempt) {
  auto& st = self->state;
  if (!st.webhooks) return;  // sent once the listener is known (webhooks_atom)
  self->request(st.webhooks, caf::infinite, deliver_atom::value, body)
      .then(
          [self, session_id, attempt](bool taken) {
            if (!taken) return retry_later(self, session_id, attempt);
            // Not waited for: a lost mark only means one more delivery after a restart, which
            // the endpoint dedups by session, attempt and code.
            self->request(self->state.store, caf::infinite, commit_atom::value,
                          adapters::veriff::mark_decision_delivered(session_id))
                .then([](StoreReply&) {}, [](caf::error&) {});
          },
          [self, session_id, attempt](caf::error&) { retry_later(self, session_id, attempt); });
}

void deliver_all(Self* self, const adapters::veriff::Webhooks& webhooks) {
  for (const auto& [id, body] : webhooks) deliver(self, id, body, 1);
}

StripeWebhookActor::behavior_type webhook_sender(StripeWebhookActor::pointer,
                                                 adapters::veriff::VeriffWebhookSender sender,
                                                 std::chrono::milliseconds timeout) {
  return {
      [sender = std::move(sender), timeout](deliver_atom, const std::string& body) {
        const Status sent = sender.send(body, timeout);
        if (!sent.ok())
          adapters::log(adapters::LogLevel::kWarn, "veriff_simulator.webhook_failed",
                        {{"cause", sent.error().message}});
        return sent.ok();
      },
  };
}

VeriffSimulatorActor::behavior_type veriff_simulator_behavior(
    Self* self, std::shared_ptr<adapters::LmdbStore> db, StoreActor store,
    VeriffSimulatorOptions options) {
  self->state.db = std::move(db);
  self->state.store = std::move(store);
  options.simulator.webhooks = !options.shared_secret.empty();
  self->state.options = std::move(options);
  self->set_exception_handler(crash_handler("veriff_simulator"));
  // Sessions made before a restart are still decided at their time.
  arm_next(self);
  return {
      [self](charge_atom, TaskAttempt& attempt) {
        auto& st = self->state;
        auto promise = self->make_response_promise<TaskOutcome>();
        auto call = adapters::veriff::simulate_veriff_call(*st.db, attempt, own_uuids(self),
                                                           st.options.simulator);
        if (call.writes.empty()) {
          promise.deliver(std::move(call.outcome));
          return promise;
        }
        // A create is answered once its session is durable: a crash after the answer loses
        // nothing, and a retry with the same key replays it.
        self->request(st.store, caf::infinite, commit_atom::value, std::move(call.writes))
            .await(
                [self, promise, outcome = std::move(call.outcome),
                 due = call.due](StoreReply& reply) mutable {
                  if (!reply.ok) {
                    promise.deliver(TaskOutcome::failure(
                        "Veriff.APIError",
                        R"({"status":"fail","code":1500,"message":"simulator store failed"})"));
                    return;
                  }
                  promise.deliver(std::move(outcome));
                  if (due) arm(self, *due);
                },
                [promise](caf::error&) mutable {
                  promise.deliver(TaskOutcome::failure(
                      "Veriff.APIError",
                      R"({"status":"fail","code":1500,"message":"simulator store failed"})"));
                });
        return promise;
      },
      [self](wake_atom) {
        auto& st = self->state;
        const EpochMillis now = business_now(self);
        st.armed.erase(st.armed.begin(), st.armed.upper_bound(now));
        auto decided = adapters::veriff::decide_due_sessions(*st.db, now, own_uuids(self),
                                                             st.options.simulator);
        if (decided.writes.empty()) return arm_next(self);
        self->request(st.store, caf::infinite, commit_atom::value, std::move(decided.writes))
            .await(
                [self, webhooks = std::move(decided.webhooks)](StoreReply& reply) {
                  if (!reply.ok) {
                    // The store could not write: try again shortly (process time; still due).
                    self->delayed_send(self, std::chrono::seconds(1), wake_atom::value);
                    return;
                  }
                  deliver_all(self, webhooks);
                  arm_next(self);
                },
                [self](caf::error&) {
                  self->delayed_send(self, std::chrono::seconds(1), wake_atom::value);
                });
      },
      [self](webhooks_atom, const std::string& url) {
        auto& st = self->state;
        if (st.options.shared_secret.empty() || st.webhooks) return;
        auto sender = adapters::veriff::VeriffWebhookSender::create(url, st.options.api_key,
                                                                    st.options.shared_secret);
        if (!sender) {
          adapters::log(adapters::LogLevel::kError, "veriff_simulator.webhooks_off",
                        {{"url", url}, {"cause", sender.error().message}});
          return;
        }
        st.webhooks = self->system().spawn<caf::detached>(webhook_sender, std::move(*sender),
                                                          st.options.webhook_timeout);
        // Decisions made before (this start, or before a restart) and not yet taken.
        deliver_all(self, adapters::veriff::undelivered_decisions(*st.db));
      },
      [self](retry_atom, const std::string& session_id, int attempt) {
        // Sent as stored now: one taken meanwhile is not sent again.
        if (auto body = adapters::veriff::undelivered_decision(*self->state.db, session_id))
          deliver(self, session_id, *body, attempt);
      },
  };
}

}  // namespace

VeriffSimulatorActor spawn_veriff_simulator(caf::actor_system& system,
                                            std::shared_ptr<adapters::LmdbStore> simulator_db,
                                            StoreActor simulator_store,
                                            VeriffSimulatorOptions options) {
  return system.spawn(veriff_simulator_behavior, std::move(simulator_db),
                      std::move(simulator_store), std::move(options));
}

}  // namespace settled::actors
