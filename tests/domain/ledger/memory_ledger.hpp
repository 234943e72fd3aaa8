#pragma once
// A test double of what the account actor and the store do around the pure ledger: tables of
// serialized rows, the two-step read set, a view decoded from those rows, apply_ledger, and the
// outcome's WriteBatch committed back. Every operation thus also round-trips the JSON of every
// record and the key layouts.

#include "domain/ledger/account_rows.hpp"
#include "domain/ledger/keys.hpp"
#include "domain/ledger/operations.hpp"
#include "domain/ledger/overlay.hpp"
#include "domain/ledger/reconcile.hpp"
#include "domain/ledger/writes.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <map>
#include <string>
#include <string_view>

namespace settled::ledger::testing {

class MemoryLedger {
 public:
  using Rows = std::map<std::string, std::string>;

  // Parses `parameters` for `op` and runs it under `key` at `now`; commits on success.
  LedgerResult<LedgerOutcome> run(LedgerOp op, std::string_view parameters, std::string_view key,
                                  EpochMillis now = 1'000) {
    auto request = parse_ledger_request(op, boost::json::parse(parameters));
    if (!request) return request.error();
    return run(*request, key, now);
  }

  LedgerResult<LedgerOutcome> run(const LedgerRequest& request, std::string_view key,
                                  EpochMillis now = 1'000) {
    LedgerView view = load(request, key);
    auto outcome = apply_ledger(request, view, key, now);
    if (outcome) {
      commit(ledger_writes(*outcome));
      commit(expiry_writes(*outcome));
    }
    return outcome;
  }

  // The view the actor would build: escrows first, then the balances and heads they name.
  LedgerView load(const LedgerRequest& request, std::string_view key) const {
    LedgerView view;
    for (const std::string& id : read_set(request, {}).escrows) {
      if (auto row = get(Table::kLedgerEscrows, escrow_key(id)))
        view.escrows.emplace(id, *escrow_from_json(boost::json::parse(*row)));
    }
    const ReadSet set = read_set(request, view.escrows);
    for (const BalanceKey& k : set.balances) {
      auto row = get(Table::kLedgerAccounts, balance_key(k.account, k.currency));
      view.balances.emplace(k,
                            row ? *balance_from_json(boost::json::parse(*row)) : empty_balance(k));
    }
    for (const std::string& account : set.accounts) {
      auto row = get(Table::kLedgerAccounts, journal_head_key(account));
      view.journal_heads[account] = row ? *decode_journal_head(*row) : 0;
    }
    if (auto row = get(Table::kLedgerJournal, journal_key(key)))
      view.existing = *journal_entry_from_json(boost::json::parse(*row));
    return view;
  }

  void commit(const WriteBatch& batch) {
    for (const WriteOp& op : batch.ops) {
      if (op.erase) {
        tables_[op.table].erase(op.key);
      } else {
        tables_[op.table][op.key] = op.value;
      }
    }
  }

  std::optional<std::string> get(Table table, const std::string& key) const {
    auto t = tables_.find(table);
    if (t == tables_.end()) return std::nullopt;
    auto row = t->second.find(key);
    if (row == t->second.end()) return std::nullopt;
    return row->second;
  }

  AccountBalance balance(const std::string& account, const std::string& currency) const {
    auto row = get(Table::kLedgerAccounts, balance_key(account, currency));
    return row ? *balance_from_json(boost::json::parse(*row))
               : empty_balance(BalanceKey{account, currency});
  }

  std::optional<Escrow> escrow(const std::string& id) const {
    auto row = get(Table::kLedgerEscrows, escrow_key(id));
    if (!row) return std::nullopt;
    return *escrow_from_json(boost::json::parse(*row));
  }

  // The account's journal in order, through its index (what GET .../journal would list).
  std::vector<JournalEntry> journal(const std::string& account) const {
    std::vector<JournalEntry> out;
    const std::string prefix = journal_index_prefix(account);
    for (const auto& [k, entry_id] : rows(Table::kLedgerAccounts)) {
      if (k.compare(0, prefix.size(), prefix) != 0 || k.size() != prefix.size() + 8) continue;
      out.push_back(*journal_entry_from_json(
          boost::json::parse(*get(Table::kLedgerJournal, journal_key(entry_id)))));
    }
    return out;
  }

  // Everything, decoded, for reconcile (the actor would scan the tables in one read txn).
  ReconcileInput reconcile_input() const {
    ReconcileInput in;
    for (const auto& [k, v] : rows(Table::kLedgerAccounts)) {
      const auto problem = add_account_row(in, k, v);
      EXPECT_FALSE(problem) << *problem;
    }
    for (const auto& [k, v] : rows(Table::kLedgerEscrows))
      in.escrows.push_back(*escrow_from_json(boost::json::parse(v)));
    for (const auto& [k, v] : rows(Table::kLedgerJournal))
      in.entries.push_back(*journal_entry_from_json(boost::json::parse(v)));
    for (const auto& [k, v] : rows(Table::kLedgerExpiry))
      in.expiries.push_back(*parse_expiry_key(k));
    return in;
  }

  const Rows& rows(Table table) const {
    static const Rows kEmpty;
    auto t = tables_.find(table);
    return t == tables_.end() ? kEmpty : t->second;
  }

  const std::map<Table, Rows>& tables() const { return tables_; }

 private:
  std::map<Table, Rows> tables_;
};

// Discrepancies as "Kind account currency bucket" lines, for readable test failures.
inline std::string describe(const std::vector<Discrepancy>& found) {
  std::string out;
  for (const Discrepancy& d : found)
    out += std::string(discrepancy_name(d.kind)) + ": " + d.message + "\n";
  return out;
}

}  // namespace settled::ledger::testing
