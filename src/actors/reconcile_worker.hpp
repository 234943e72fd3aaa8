#pragma once
// settled:ledger.reconcile (docs/ledger-reconciliation.md): one detached worker actor per task
// attempt, on a thread of its own like the admin command's reconcile. It reads every ledger table
// in one LMDB read transaction, so neither the ledger's writers (the account actors and the store
// actor) nor the execution that asked wait for it; it answers the attempt's outcome and quits.
// While it runs it counts as a running actor, so a simulated clock's advance waits for it.

#include "actors/interfaces.hpp"
#include "adapters/store/lmdb_store.hpp"
#include "domain/resources/task_outcome.hpp"

#include <caf/actor_system.hpp>

#include <memory>

namespace settled::actors {

// Answers one `charge_atom, TaskAttempt -> TaskOutcome`, as the Stripe actor does, then quits.
using ReconcileWorker =
    caf::typed_actor<caf::replies_to<charge_atom, TaskAttempt>::with<TaskOutcome>>;

ReconcileWorker spawn_reconcile_worker(caf::actor_system& system,
                                       std::shared_ptr<adapters::LmdbStore> db);

// What the worker runs (blocking): the report (domain/ledger/reconcile_report.hpp), or
// Ledger.InvalidParameters / Ledger.RecordCorrupt / States.TaskFailed.
TaskOutcome run_reconcile_task(const adapters::LmdbStore& db, const TaskAttempt& attempt);

}  // namespace settled::actors
