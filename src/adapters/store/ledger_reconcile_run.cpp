#include "adapters/store/ledger_reconcile_run.hpp"

#include "adapters/ops/log.hpp"
#include "adapters/ops/metrics.hpp"
#include "adapters/store/ledger_reader.hpp"

#include <chrono>

namespace settled::adapters {

Result<ReconcileRun> run_ledger_reconcile(const LmdbStore& store, std::string_view by) {
  const auto started = std::chrono::steady_clock::now();
  auto input = read_reconcile_input(store);
  if (!input) {
    Metrics::instance().ledger_reconcile_failed();
    log(LogLevel::kError, "ledger.reconcile_failed",
        {{"by", by}, {"cause", input.error().message}});
    return input.error();
  }
  ReconcileRun run;
  run.summary = ledger::summarize(*input);
  run.millis = std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::steady_clock::now() - started)
                   .count();
  const auto& found = run.summary.discrepancies;
  Metrics::instance().ledger_reconciled(found.size());
  if (!found.empty())
    log(LogLevel::kError, "ledger.discrepancies",
        {{"by", by}, {"count", found.size()}, {"first", ledger::to_json(found.front())}});
  return run;
}

}  // namespace settled::adapters
