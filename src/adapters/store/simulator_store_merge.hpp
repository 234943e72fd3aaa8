#pragma once
// Until session 17 the Stripe and Veriff simulators kept their own LMDB environment
// (<data-dir>/stripe-simulator) with its own writer and fsync. They now keep their tables in the
// main store, so one commit stream carries a payment and the simulated Stripe call it makes
// (docs/architecture.md, "Storage"). A data directory written before is merged once, at start,
// before any actor runs.

#include "adapters/store/lmdb_store.hpp"
#include "domain/result.hpp"

#include <cstddef>
#include <string>
#include <vector>

namespace settled::adapters {

// The tables only the Stripe and Veriff simulators write (domain/write_batch.hpp): Stripe's side
// of the world, which a deployment against live Stripe and Veriff never has.
const std::vector<Table>& simulator_tables();
bool is_simulator_table(Table table);

struct SimulatorMergeReport {
  bool merged = false;   // a legacy environment was found and merged
  std::size_t rows = 0;  // rows copied into the main store
  std::string moved_to;  // where the legacy directory now is (kept, never read again)
};

// When `data_dir`/stripe-simulator holds an LMDB environment, copies every row of the
// simulators' tables into `main` (in commits of a bounded size) and then renames the directory to
// stripe-simulator.merged. A crash before the rename only means the copy is made again at the
// next start: the same keys get the same values. Nothing else reads or writes either store yet.
Result<SimulatorMergeReport> merge_legacy_simulator_store(LmdbStore& main,
                                                          const std::string& data_dir);

}  // namespace settled::adapters
