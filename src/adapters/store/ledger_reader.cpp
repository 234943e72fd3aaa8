#include "adapters/store/ledger_reader.hpp"

#include "domain/json_limits.hpp"
#include "domain/ledger/account_rows.hpp"
#include "domain/ledger/keys.hpp"

#include <boost/json.hpp>

namespace settled::adapters {

namespace json = boost::json;

namespace {

Error corrupt(Table table, std::string_view key, std::string_view why) {
  std::string printable;
  for (char c : key) printable.push_back(c == '\0' ? '/' : c);
  return Error(ErrorCode::kRecordCorrupt, std::string("corrupt row in ") + table_name(table) +
                                              " at " + printable + ": " + std::string(why));
}

Result<json::value> parse_row(Table table, std::string_view key, std::string_view text) {
  boost::system::error_code ec;
  json::value value = parse_stored_json(text, ec);
  if (ec) return corrupt(table, key, ec.message());
  return value;
}

}  // namespace

Result<std::vector<ledger::AccountBalance>> read_balances(const LmdbStore& store,
                                                          std::string_view account) {
  std::vector<ledger::AccountBalance> balances;
  std::optional<Error> problem;
  // Balances sort after the account's head and index lines: start at the first currency letter.
  const std::string prefix = ledger::account_rows_prefix(account);
  store.scan(
      Table::kLedgerAccounts, prefix,
      [&](std::string_view key, std::string_view value) {
        auto kind = ledger::parse_account_row_key(key);
        if (!kind) {
          problem = corrupt(Table::kLedgerAccounts, key, "not a key of an account's rows");
          return false;
        }
        if (kind->kind != ledger::AccountRowKind::kBalance) return true;
        auto row = parse_row(Table::kLedgerAccounts, key, value);
        auto balance =
            row ? ledger::balance_from_json(*row) : Result<ledger::AccountBalance>(row.error());
        if (!balance) {
          problem = corrupt(Table::kLedgerAccounts, key, balance.error().message);
          return false;
        }
        balances.push_back(std::move(*balance));
        return true;
      },
      ledger::journal_index_key(account, ~std::uint64_t{0}));
  if (problem) return *problem;
  return balances;
}

Result<json::object> read_account(const LmdbStore& store, std::string_view account) {
  auto balances = read_balances(store, account);
  if (!balances) return balances.error();
  return ledger::account_balances_json(account, *balances);
}

Result<json::object> read_journal(const LmdbStore& store, std::string_view account,
                                  std::uint64_t after, std::size_t limit) {
  json::array entries;
  std::optional<Error> problem;
  bool more = false;
  std::uint64_t last = after;
  const std::string prefix = ledger::journal_index_prefix(account);
  store.scan(
      Table::kLedgerAccounts, prefix,
      [&](std::string_view key, std::string_view entry_id) {
        if (entries.size() >= limit) {
          more = true;
          return false;
        }
        // Under the prefix, every key is this account's index line (ids hold no NUL).
        auto parsed = ledger::parse_journal_index_key(key);
        if (!parsed || parsed->first != account) {
          problem = corrupt(Table::kLedgerAccounts, key, "not a journal index line");
          return false;
        }
        auto row = store.get(Table::kLedgerJournal, ledger::journal_key(entry_id));
        if (!row) {
          problem = corrupt(Table::kLedgerAccounts, key, "names a missing journal entry");
          return false;
        }
        auto value = parse_row(Table::kLedgerJournal, entry_id, *row);
        if (!value || !value->is_object()) {
          problem = corrupt(Table::kLedgerJournal, entry_id, "not a JSON object");
          return false;
        }
        json::object entry = std::move(value->as_object());
        entry["sequence"] = parsed->second;
        last = parsed->second;
        entries.push_back(std::move(entry));
        return true;
      },
      after > 0 ? ledger::journal_index_key(account, after) : std::string());
  if (problem) return *problem;
  json::object out{{"account", account}, {"entries", std::move(entries)}};
  if (more) out["nextAfter"] = last;
  return out;
}

Result<json::object> read_escrow(const LmdbStore& store, std::string_view escrow_id) {
  auto row = store.get(Table::kLedgerEscrows, ledger::escrow_key(escrow_id));
  if (!row)
    return Error(ErrorCode::kUnknownEscrow,
                 "Ledger.UnknownEscrow: escrow " + std::string(escrow_id) + " does not exist");
  auto value = parse_row(Table::kLedgerEscrows, escrow_id, *row);
  if (!value) return value.error();
  auto escrow = ledger::escrow_from_json(*value);
  if (!escrow) return corrupt(Table::kLedgerEscrows, escrow_id, escrow.error().message);
  return ledger::to_json(*escrow);
}

std::vector<std::pair<EpochMillis, std::string>> read_expiries(const LmdbStore& store) {
  std::vector<std::pair<EpochMillis, std::string>> out;
  store.scan(Table::kLedgerExpiry, "", [&](std::string_view key, std::string_view) {
    if (auto parsed = ledger::parse_expiry_key(key)) out.push_back(std::move(*parsed));
    return true;
  });
  return out;
}

Result<ledger::ReconcileInput> read_reconcile_input(const LmdbStore& store) {
  ledger::ReconcileInput input;
  std::optional<Error> problem;
  store.scan_snapshot(
      {Table::kLedgerAccounts, Table::kLedgerEscrows, Table::kLedgerJournal, Table::kLedgerExpiry},
      [&](Table table, std::string_view key, std::string_view value) {
        if (problem) return;
        const auto fail = [&](std::string_view why) { problem = corrupt(table, key, why); };
        if (table == Table::kLedgerExpiry) {
          auto line = ledger::parse_expiry_key(key);
          if (!line) return fail("not an expiry index key");
          input.expiries.push_back(std::move(*line));
          return;
        }
        if (table == Table::kLedgerAccounts) {
          if (auto why = ledger::add_account_row(input, key, value)) fail(*why);
          return;
        }
        auto row = parse_row(table, key, value);
        if (!row) return fail(row.error().message);
        if (table == Table::kLedgerEscrows) {
          auto e = ledger::escrow_from_json(*row);
          if (!e) return fail(e.error().message);
          input.escrows.push_back(std::move(*e));
        } else {
          auto j = ledger::journal_entry_from_json(*row);
          if (!j) return fail(j.error().message);
          input.entries.push_back(std::move(*j));
        }
      });
  if (problem) return *problem;
  return input;
}

}  // namespace settled::adapters
