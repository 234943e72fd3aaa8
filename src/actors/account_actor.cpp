#include "actors/account_actor.hpp"

#include "actors/messages.hpp"
#include "adapters/ops/log.hpp"
#include "domain/ledger/keys.hpp"
#include "domain/ledger/overlay.hpp"
#include "domain/ledger/writes.hpp"

#include <deque>
#include <optional>
#include <utility>
#include <vector>

namespace settled::actors {

namespace {

// At most this many batches computed and not yet answered. A batch is computed as soon as the
// operations that were in the mailbox are queued, whether or not the one before has committed,
// so a hot account's operations reach the store's next group commit without first waiting for
// the answer to the current one; the bound keeps the overlay small.
constexpr std::size_t kMaxBatchesInFlight = 16;

// A computed batch, from the moment it was computed until its results go to the router.
struct InFlight {
  std::uint64_t generation = 0;
  std::vector<ledger::LedgerJobDone> results;
  bool writes = false;           // it went to the store
  bool returned = false;         // its commit answered (or it had nothing to commit)
  std::optional<Error> failure;  // ... and failed
};

struct AccountState {
  AccountDeps deps;
  std::deque<ledger::LedgerJob> queued;
  std::deque<InFlight> in_flight;  // oldest first
  std::uint64_t next_generation = 1;
  // A batch failed: every batch computed after it was computed over its writes and fails too,
  // and nothing new is computed until they all came back.
  std::optional<Error> poisoned;
  ledger::LedgerOverlay overlay;
  bool flush_queued = false;
};

using Self = caf::stateful_actor<AccountState, AccountActor::base>;

ledger::LedgerJobDone run_one(AccountState& st, const ledger::LedgerJob& job, WriteBatch& batch,
                              std::uint64_t generation, const ledger::RowReader& read) {
  ledger::LedgerJobDone done;
  done.id = job.id;
  auto view = st.overlay.view(job.request, job.key, read);
  if (!view) {
    done.refusal = view.error();
    return done;
  }
  auto outcome = ledger::apply_ledger(job.request, *view, job.key, job.now);
  if (!outcome) {
    done.refusal = outcome.error();
    return done;
  }
  done.ok = true;
  done.replayed = outcome->replayed;
  done.result = std::move(outcome->result);
  done.escrows = outcome->escrows;
  if (!outcome->replayed) {
    batch.append(ledger::ledger_writes(*outcome));
    batch.append(ledger::expiry_writes(*outcome));
    st.overlay.absorb(std::move(*outcome), generation);  // last: it takes the rows over
  }
  return done;
}

void run_batch(Self* self);

// Sends the results of the oldest batches whose commits came back, in the order they were
// computed; a failure fails its batch and every later one (all or nothing: a refusal or an
// operation may have depended on an operation that did not commit).
void settle(Self* self) {
  auto& st = self->state;
  while (!st.in_flight.empty() && st.in_flight.front().returned) {
    InFlight batch = std::move(st.in_flight.front());
    st.in_flight.pop_front();
    if (batch.failure && !st.poisoned) st.poisoned = batch.failure;
    if (st.poisoned) {
      adapters::log(adapters::LogLevel::kError, "ledger.commit_failed",
                    {{"account", st.deps.account},
                     {"operations", batch.results.size()},
                     {"cause", st.poisoned->message}});
      for (ledger::LedgerJobDone& d : batch.results) {
        d.ok = false;
        d.replayed = false;
        d.refusal.reset();
        d.escrows.clear();
        d.store_error = *st.poisoned;
      }
    } else {
      st.overlay.forget_through(batch.generation);
    }
    self->send(st.deps.router, job_done_atom::value, std::move(batch.results));
  }
  if (st.in_flight.empty()) {
    st.poisoned.reset();
    st.overlay.clear();
  }
}

void returned(Self* self, std::uint64_t generation, std::optional<Error> failure) {
  for (InFlight& batch : self->state.in_flight) {
    if (batch.generation != generation) continue;
    batch.returned = true;
    batch.failure = std::move(failure);
  }
  settle(self);
  run_batch(self);
}

void run_batch(Self* self) {
  auto& st = self->state;
  if (st.poisoned || st.queued.empty() || st.in_flight.size() >= kMaxBatchesInFlight) return;
  // A batch computed over ones still committing may commit only if they do. It is computed over
  // the newest of them that writes, on the condition that the home account's journal head is
  // what that one wrote: heads only grow and nothing else writes this head while our operations
  // run (the router admits no other home's operation on this account meanwhile), so the head is
  // there exactly when that batch committed, which itself committed only if the one before did.
  // When that batch did not move the home's head (an operation homed here may touch only others'
  // rows), there is nothing to condition on: wait for it.
  std::optional<std::string> head_before;
  if (!st.in_flight.empty()) {
    const InFlight* newest = nullptr;
    for (const InFlight& b : st.in_flight) {
      if (b.returned && b.failure) return;  // known to fail: settle() will fail the rest
      if (b.writes) newest = &b;
    }
    if (newest) {
      auto head = st.overlay.journal_head_written_by(st.deps.account, newest->generation);
      if (!head) return;
      head_before = ledger::encode_journal_head(*head);
    }
  }
  const std::uint64_t generation = st.next_generation++;
  WriteBatch batch;
  InFlight computed;
  computed.generation = generation;
  // One read transaction for the batch: the rows its operations read are theirs (locked by the
  // router), so none changes under it but through this actor's own batches, in its overlay.
  st.deps.db->with_snapshot([&](const ledger::RowReader& read) {
    while (!st.queued.empty() && computed.results.size() < st.deps.max_batch) {
      computed.results.push_back(run_one(st, st.queued.front(), batch, generation, read));
      st.queued.pop_front();
    }
  });
  // Replays and refusals only: nothing to make durable, but they answer after what they read.
  computed.writes = !batch.empty();
  computed.returned = batch.empty();
  st.in_flight.push_back(std::move(computed));
  if (batch.empty()) {
    settle(self);
    run_batch(self);
    return;
  }
  if (head_before)
    batch.expect(Table::kLedgerAccounts, ledger::journal_head_key(st.deps.account),
                 std::move(head_before));
  self->request(st.deps.store, caf::infinite, commit_atom::value, std::move(batch))
      .then(
          [self, generation](StoreReply& reply) {
            returned(self, generation, reply.ok ? std::nullopt : std::optional<Error>(reply.error));
          },
          [self, generation](caf::error& err) {
            returned(self, generation,
                     Error(ErrorCode::kStoreUnavailable,
                           "store did not answer: " + caf::to_string(err)));
          });
  if (st.queued.size() > 0) run_batch(self);  // more than one batch holds
}

AccountActor::behavior_type account_behavior(Self* self, AccountDeps deps) {
  self->state.deps = std::move(deps);
  return {
      [self](job_atom, ledger::LedgerJob& job) {
        auto& st = self->state;
        st.queued.push_back(std::move(job));
        // Behind whatever else is in the mailbox: the jobs there join this batch.
        if (!st.flush_queued) {
          st.flush_queued = true;
          self->send(self, flush_atom::value);
        }
      },
      [self](flush_atom) {
        self->state.flush_queued = false;
        run_batch(self);
      },
  };
}

}  // namespace

AccountActor spawn_account(caf::local_actor* router, AccountDeps deps) {
  return router->spawn<caf::monitored>(account_behavior, std::move(deps));
}

}  // namespace settled::actors
