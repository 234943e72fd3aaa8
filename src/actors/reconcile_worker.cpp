#include "actors/reconcile_worker.hpp"

#include "adapters/store/ledger_reconcile_run.hpp"
#include "domain/asl/errors.hpp"
#include "domain/ledger/ledger_error.hpp"
#include "domain/ledger/reconcile_report.hpp"

#include <caf/all.hpp>

namespace settled::actors {

namespace {

ReconcileWorker::behavior_type reconcile_worker(ReconcileWorker::pointer self,
                                                std::shared_ptr<adapters::LmdbStore> db) {
  return {
      [self, db](charge_atom, const TaskAttempt& attempt) {
        auto promise = self->make_response_promise<TaskOutcome>();
        promise.deliver(run_reconcile_task(*db, attempt));
        self->quit();  // one attempt per worker: answered first, then gone
        return promise;
      },
  };
}

}  // namespace

ReconcileWorker spawn_reconcile_worker(caf::actor_system& system,
                                       std::shared_ptr<adapters::LmdbStore> db) {
  return system.spawn<caf::detached>(reconcile_worker, std::move(db));
}

TaskOutcome run_reconcile_task(const adapters::LmdbStore& db, const TaskAttempt& attempt) {
  auto options = ledger::reconcile_task_options(attempt.parameters);
  if (!options)
    return TaskOutcome::failure(
        std::string(ledger::asl_error_name(ledger::LedgerErrc::kInvalidParameters)),
        options.error().message);
  auto run = adapters::run_ledger_reconcile(db, attempt.execution_id);
  if (!run)
    return TaskOutcome::failure(
        run.error().code == ErrorCode::kRecordCorrupt
            ? std::string(ledger::asl_error_name(ledger::LedgerErrc::kRecordCorrupt))
            : std::string(asl::errors::kTaskFailed),
        run.error().message);
  return TaskOutcome::success(ledger::task_report(run->summary, attempt.now, *options));
}

}  // namespace settled::actors
