#include "domain/ledger/reconcile_report.hpp"

#include "domain/json_size.hpp"

#include <set>
#include <utility>

namespace settled::ledger {

namespace json = boost::json;

namespace {

// A total as JSON: an integer when it fits int64, else the exact decimal text; `overflow` is
// set then.
json::value total_json(Wide total, bool& overflow) {
  if (fits_int64(total)) return static_cast<std::int64_t>(total);
  overflow = true;
  return json::string(wide_decimal(total));
}

}  // namespace

ReconcileSummary summarize(const ReconcileInput& input) {
  ReconcileSummary s;
  s.discrepancies = reconcile(input);
  s.balances = input.balances.size();
  s.escrows = input.escrows.size();
  s.journal_entries = input.entries.size();
  std::set<std::string> accounts;
  for (const AccountBalance& b : input.balances) {
    accounts.insert(b.account);
    CurrencyTotals& t = s.currencies[b.currency];
    t.available += b.available;
    t.held += b.held;
    t.frozen += b.frozen;
    t.in += b.external_in;
    t.out += b.external_out;
  }
  s.accounts = accounts.size();
  return s;
}

json::object to_json(const std::map<std::string, CurrencyTotals>& currencies) {
  json::object out;
  for (const auto& [currency, t] : currencies) {
    bool overflow = false;
    json::object o{{"available", total_json(t.available, overflow)},
                   {"held", total_json(t.held, overflow)},
                   {"frozen", total_json(t.frozen, overflow)},
                   {"in", total_json(t.in, overflow)},
                   {"out", total_json(t.out, overflow)}};
    if (overflow) o["overflow"] = true;
    out[currency] = std::move(o);
  }
  return out;
}

json::object admin_report(const ReconcileSummary& summary, std::int64_t millis) {
  json::array discrepancies;
  for (const Discrepancy& d : summary.discrepancies) discrepancies.push_back(to_json(d));
  return json::object{{"ok", summary.discrepancies.empty()},
                      {"accounts", summary.accounts},
                      {"balances", summary.balances},
                      {"escrows", summary.escrows},
                      {"journalEntries", summary.journal_entries},
                      {"currencies", to_json(summary.currencies)},
                      {"discrepancies", std::move(discrepancies)},
                      {"millis", millis}};
}

Result<ReconcileTaskOptions> reconcile_task_options(const json::value& parameters) {
  ReconcileTaskOptions options;
  if (parameters.is_null()) return options;
  if (!parameters.is_object())
    return Error{ErrorCode::kInvalidRequest, "parameters must be an object"};
  for (const auto& [key, value] : parameters.as_object()) {
    if (key != "maxResults")
      return Error{ErrorCode::kInvalidRequest,
                   "parameters." + std::string(key) + " is unknown (allowed: maxResults)"};
    const std::int64_t* n = value.if_int64();
    const std::uint64_t* u = value.if_uint64();
    const std::uint64_t max = n && *n > 0 ? static_cast<std::uint64_t>(*n) : u ? *u : 0;
    if (max < 1 || max > kMaxReconcileResults)
      return Error{ErrorCode::kInvalidRequest,
                   "parameters.maxResults must be an integer from 1 to " +
                       std::to_string(kMaxReconcileResults)};
    options.max_results = static_cast<std::size_t>(max);
  }
  return options;
}

json::object task_report(const ReconcileSummary& summary, EpochMillis checked_at,
                         const ReconcileTaskOptions& options) {
  json::array results;
  std::size_t used = 2;  // "[]"
  bool full = false;
  std::map<std::string, std::int64_t> kinds;
  for (const Discrepancy& d : summary.discrepancies) {
    ++kinds[std::string(discrepancy_name(d.kind))];
    if (full || results.size() >= options.max_results) continue;
    json::value item = to_json(d);
    const std::size_t size =
        serialized_size(item, kReconcileResultsBudgetBytes) + (results.empty() ? 0 : 1);
    // A prefix within the budget; the first one always, so an alert can quote it.
    if (!results.empty() && used + size > kReconcileResultsBudgetBytes) {
      full = true;
      continue;
    }
    used += size;
    results.push_back(std::move(item));
  }
  const std::size_t listed = results.size();
  json::object by_kind;
  for (const auto& [kind, count] : kinds) by_kind[kind] = count;
  const std::size_t count = summary.discrepancies.size();
  return json::object{{"status", count == 0 ? "MATCH" : "DISCREPANCY"},
                      {"checkedAt", format_timestamp(checked_at)},
                      {"totalUsers", summary.accounts},
                      {"balances", summary.balances},
                      {"escrows", summary.escrows},
                      {"journalEntries", summary.journal_entries},
                      {"discrepancies", count},
                      {"kinds", std::move(by_kind)},
                      {"results", std::move(results)},
                      {"resultsOmitted", count - listed},
                      {"currencies", to_json(summary.currencies)}};
}

}  // namespace settled::ledger
