#pragma once
// One reconcile run over the stored ledger, as the admin command `reconcile` and the task
// resource `settled:ledger.reconcile` both do it: every ledger table read in ONE LMDB read
// transaction (a consistent snapshot; writers go on committing), the domain's invariants,
// the metrics (settled_ledger_discrepancies, settled_reconciliation_runs_total{outcome},
// settled_reconciliation_errors_total) and an error log line naming the first discrepancy.
// It reads the whole ledger: call it off the actors' and the admin socket's threads.

#include "adapters/store/lmdb_store.hpp"
#include "domain/ledger/reconcile_report.hpp"
#include "domain/result.hpp"

#include <cstdint>
#include <string_view>

namespace settled::adapters {

struct ReconcileRun {
  ledger::ReconcileSummary summary;
  std::int64_t millis = 0;  // wall time the read and the checks took
};

// `by` names the caller in the log ("admin", or the execution id).
Result<ReconcileRun> run_ledger_reconcile(const LmdbStore& store, std::string_view by);

}  // namespace settled::adapters
