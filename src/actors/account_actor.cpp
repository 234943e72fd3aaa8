#include "actors/account_actor.hpp"

#include "actors/messages.hpp"
#include "adapters/ops/log.hpp"
#include "domain/ledger/overlay.hpp"
#include "domain/ledger/writes.hpp"

#include <deque>
#include <utility>
#include <vector>

namespace settled::actors {

namespace {

struct AccountState {
  AccountDeps deps;
  std::deque<ledger::LedgerJob> queued;
  bool committing = false;
  ledger::LedgerOverlay overlay;
};

using Self = caf::stateful_actor<AccountState, AccountActor::base>;

ledger::LedgerJobDone run_one(AccountState& st, const ledger::LedgerJob& job, WriteBatch& batch) {
  ledger::LedgerJobDone done;
  done.id = job.id;
  const ledger::RowReader read = [db = st.deps.db](Table table, std::string_view key) {
    return db->get(table, key);
  };
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
  done.result = outcome->result;
  done.escrows = outcome->escrows;
  if (!outcome->replayed) {
    st.overlay.absorb(*outcome);
    batch.append(ledger::ledger_writes(*outcome));
    batch.append(ledger::expiry_writes(*outcome));
  }
  return done;
}

void run_batch(Self* self) {
  auto& st = self->state;
  if (st.committing || st.queued.empty()) return;
  st.overlay.clear();
  WriteBatch batch;
  std::vector<ledger::LedgerJobDone> results;
  while (!st.queued.empty() && results.size() < st.deps.max_batch) {
    results.push_back(run_one(st, st.queued.front(), batch));
    st.queued.pop_front();
  }
  if (batch.empty()) {
    // Replays and refusals only: nothing to make durable.
    self->send(st.deps.router, job_done_atom::value, std::move(results));
    run_batch(self);
    return;
  }
  st.committing = true;
  const auto finish = [self](std::vector<ledger::LedgerJobDone>& done,
                             std::optional<Error> failure) {
    auto& s = self->state;
    s.committing = false;
    s.overlay.clear();
    if (failure) {
      // All or nothing: a refusal may have depended on an operation that did not commit.
      adapters::log(
          adapters::LogLevel::kError, "ledger.commit_failed",
          {{"account", s.deps.account}, {"operations", done.size()}, {"cause", failure->message}});
      for (ledger::LedgerJobDone& d : done) {
        d.ok = false;
        d.replayed = false;
        d.refusal.reset();
        d.escrows.clear();
        d.store_error = *failure;
      }
    }
    self->send(s.deps.router, job_done_atom::value, std::move(done));
    run_batch(self);
  };
  self->request(st.deps.store, caf::infinite, commit_atom::value, std::move(batch))
      .then(
          [finish, results](StoreReply& reply) mutable {
            finish(results, reply.ok ? std::nullopt : std::optional<Error>(reply.error));
          },
          [finish, results](caf::error& err) mutable {
            finish(results, Error(ErrorCode::kStoreUnavailable,
                                  "store did not answer: " + caf::to_string(err)));
          });
}

AccountActor::behavior_type account_behavior(Self* self, AccountDeps deps) {
  self->state.deps = std::move(deps);
  return {
      [self](job_atom, ledger::LedgerJob& job) {
        self->state.queued.push_back(std::move(job));
        run_batch(self);
      },
  };
}

}  // namespace

AccountActor spawn_account(caf::local_actor* router, AccountDeps deps) {
  return router->spawn<caf::monitored>(account_behavior, std::move(deps));
}

}  // namespace settled::actors
