#include "adapters/store/simulator_store_merge.hpp"

#include <algorithm>
#include <filesystem>
#include <system_error>
#include <vector>

namespace settled::adapters {

namespace {

// Rows per commit: a bounded transaction however large the legacy store is.
constexpr std::size_t kRowsPerCommit = 10000;

}  // namespace

const std::vector<Table>& simulator_tables() {
  static const std::vector<Table> tables{Table::kStripeIntents,   Table::kStripeIdempotency,
                                         Table::kStripeRequests,  Table::kStripeObjects,
                                         Table::kStripeSimEvents, Table::kVeriffSim};
  return tables;
}

bool is_simulator_table(Table table) {
  const auto& tables = simulator_tables();
  return std::find(tables.begin(), tables.end(), table) != tables.end();
}

Result<SimulatorMergeReport> merge_legacy_simulator_store(LmdbStore& main,
                                                          const std::string& data_dir) {
  namespace fs = std::filesystem;
  SimulatorMergeReport report;
  const fs::path legacy = fs::path(data_dir) / "stripe-simulator";
  std::error_code ec;
  if (!fs::exists(legacy / "data.mdb", ec)) return report;

  // Opened at its own map size: the size it was written with is kept in the file.
  auto opened = LmdbStore::open({legacy.string(), std::size_t{1} << 30, true});
  if (!opened)
    return Error{opened.error().code, "cannot open the Stripe simulator's old store at " +
                                          legacy.string() + ": " + opened.error().message};
  WriteBatch batch;
  Status committed = ok_status();
  const auto flush = [&] {
    if (batch.empty() || !committed) return;
    committed = main.commit({&batch});
    report.rows += batch.size();
    batch = WriteBatch{};
  };
  (*opened)->scan_snapshot(simulator_tables(),
                           [&](Table table, std::string_view key, std::string_view value) {
                             // After a failed commit nothing more is gathered: the merge is
                             // refused, and the rest of a large store must not pile up here.
                             if (!committed) return;
                             batch.put(table, std::string(key), std::string(value));
                             if (batch.size() >= kRowsPerCommit) flush();
                           });
  flush();
  if (!committed)
    return Error{committed.error().code,
                 "cannot merge the Stripe simulator's old store: " + committed.error().message};
  opened->reset();  // closes the environment before its directory moves

  fs::path moved = legacy;
  moved += ".merged";
  fs::remove_all(moved, ec);  // an earlier merge's copy, superseded by this one
  fs::rename(legacy, moved, ec);
  if (ec)
    return Error{ErrorCode::kStoreUnavailable,
                 "merged the Stripe simulator's old store but cannot move " + legacy.string() +
                     " aside: " + ec.message()};
  report.merged = true;
  report.moved_to = moved.string();
  return report;
}

}  // namespace settled::adapters
