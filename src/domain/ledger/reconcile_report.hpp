#pragma once
// What a reconcile run reports, built from its input and the discrepancies reconcile() named:
// the counts, the per-currency totals, and the two shapes it is shown in — the admin command's
// (`settlectl reconcile`, every discrepancy) and the task resource `settled:ledger.reconcile`'s
// (seed 000's reconciliation Lambda: status, totalUsers, a count of discrepancies and the first
// of them as `results`, bounded so the report fits a state's payload). Pure: no I/O.

#include "domain/ledger/reconcile.hpp"
#include "domain/ledger/wide_sum.hpp"
#include "domain/result.hpp"
#include "domain/time.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace settled::ledger {

// One currency's balances summed over every account, beside what came in and went out: exact
// (128 bits), since each balance fits int64 but their sum over accounts may not.
struct CurrencyTotals {
  Wide available = 0;
  Wide held = 0;
  Wide frozen = 0;
  Wide in = 0;   // externalIn: deposits and minted transfers
  Wide out = 0;  // externalOut: withdrawals
};

struct ReconcileSummary {
  std::vector<Discrepancy> discrepancies;
  std::size_t accounts = 0;  // distinct accounts with a balance row (the seed's totalUsers)
  std::size_t balances = 0;  // balance rows (account, currency)
  std::size_t escrows = 0;
  std::size_t journal_entries = 0;
  std::map<std::string, CurrencyTotals> currencies;
};

// Runs reconcile() over `input` and counts what it read.
ReconcileSummary summarize(const ReconcileInput& input);

// {"USD": {"available","held","frozen","in","out","overflow"?}, ...}: each total a JSON integer
// when it fits int64, else its exact value as a decimal string ("18446744073709551614"), and
// then "overflow": true. Never a wrapped or rounded number.
boost::json::object to_json(const std::map<std::string, CurrencyTotals>& currencies);

// The admin command's report: {"ok","accounts","balances","escrows","journalEntries",
// "currencies","discrepancies": [every one],"millis"}.
boost::json::object admin_report(const ReconcileSummary& summary, std::int64_t millis);

// settled:ledger.reconcile's parameters: none, or {"maxResults": 1..1000} (default 100).
struct ReconcileTaskOptions {
  std::size_t max_results = 100;
};
inline constexpr std::size_t kMaxReconcileResults = 1000;
// The JSON text `results` may take: a quarter of the 256 KiB payload limit, so the report fits
// a state's data beside its input and inside a record (settled:records.put wraps it).
inline constexpr std::size_t kReconcileResultsBudgetBytes = 64 * 1024;

// kInvalidRequest naming the field when the parameters are not as above.
Result<ReconcileTaskOptions> reconcile_task_options(const boost::json::value& parameters);

// The task's report:
// {"status": "MATCH"|"DISCREPANCY", "checkedAt", "totalUsers", "balances", "escrows",
//  "journalEntries", "discrepancies": <count>, "kinds": {"JournalFold": n, ...},
//  "results": [the first discrepancies, at most max_results and kReconcileResultsBudgetBytes
//  (the first one always)], "resultsOmitted": <count not listed>, "currencies": {...}}
boost::json::object task_report(const ReconcileSummary& summary, EpochMillis checked_at,
                                const ReconcileTaskOptions& options);

}  // namespace settled::ledger
