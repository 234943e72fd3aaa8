#include "domain/ledger/overlay.hpp"

#include "domain/json_limits.hpp"
#include "domain/ledger/keys.hpp"

#include <boost/json/parse.hpp>

#include <iterator>

namespace settled::ledger {

namespace json = boost::json;

namespace {

LedgerError corrupt(std::string_view what, std::string_view key, std::string_view why) {
  return LedgerError(
      LedgerErrc::kRecordCorrupt,
      "stored " + std::string(what) + " " + std::string(key) + " is corrupt: " + std::string(why));
}

template <class T, class Decode>
LedgerResult<std::optional<T>> decode_row(const std::optional<std::string>& row,
                                          std::string_view what, std::string_view key,
                                          Decode decode) {
  if (!row) return std::optional<T>();
  boost::system::error_code ec;
  json::value value = parse_stored_json(*row, ec);
  if (ec) return corrupt(what, key, ec.message());
  auto decoded = decode(value);
  if (!decoded) return corrupt(what, key, decoded.error().message);
  return std::optional<T>(std::move(decoded).value());
}

}  // namespace

LedgerResult<LedgerView> LedgerOverlay::view(const LedgerRequest& request, std::string_view key,
                                             const RowReader& read) const {
  LedgerView view;
  for (const std::string& id : read_set(request, {}).escrows) {
    if (auto it = escrows_.find(id); it != escrows_.end()) {
      view.escrows.emplace(id, it->second.row);
      continue;
    }
    auto escrow = decode_row<Escrow>(read(Table::kLedgerEscrows, escrow_key(id)), "escrow", id,
                                     [](const json::value& v) { return escrow_from_json(v); });
    if (!escrow) return escrow.error();
    if (*escrow) view.escrows.emplace(id, std::move(**escrow));
  }
  const ReadSet set = read_set(request, view.escrows);
  for (const BalanceKey& k : set.balances) {
    if (auto it = balances_.find(k); it != balances_.end()) {
      view.balances.emplace(k, it->second.row);
      continue;
    }
    auto balance = decode_row<AccountBalance>(
        read(Table::kLedgerAccounts, balance_key(k.account, k.currency)), "balance",
        k.account + "/" + k.currency, [](const json::value& v) { return balance_from_json(v); });
    if (!balance) return balance.error();
    view.balances.emplace(k, *balance ? std::move(**balance) : empty_balance(k));
  }
  for (const std::string& account : set.accounts) {
    if (auto it = heads_.find(account); it != heads_.end()) {
      view.journal_heads[account] = it->second.row;
      continue;
    }
    const auto row = read(Table::kLedgerAccounts, journal_head_key(account));
    if (!row) {
      view.journal_heads[account] = 0;
      continue;
    }
    const auto head = decode_journal_head(*row);
    if (!head) return corrupt("journal head", account, "not a number");
    view.journal_heads[account] = *head;
  }
  if (auto it = entries_.find(std::string(key)); it != entries_.end()) {
    view.existing = it->second.row;
  } else {
    auto entry = decode_row<JournalEntry>(
        read(Table::kLedgerJournal, journal_key(key)), "journal entry", key,
        [](const json::value& v) { return journal_entry_from_json(v); });
    if (!entry) return entry.error();
    view.existing = std::move(*entry);
  }
  return view;
}

void LedgerOverlay::absorb(const LedgerOutcome& outcome, std::uint64_t generation) {
  if (outcome.replayed || !outcome.entry) return;
  for (const AccountBalance& b : outcome.balances) balances_[b.key()] = {b, generation};
  for (const Escrow& e : outcome.escrows) escrows_[e.id] = {e, generation};
  for (const JournalIndexEntry& line : outcome.index)
    heads_[line.account] = {line.sequence, generation};
  entries_[outcome.entry->id] = {*outcome.entry, generation};
}

void LedgerOverlay::absorb(LedgerOutcome&& outcome, std::uint64_t generation) {
  if (outcome.replayed || !outcome.entry) return;
  for (AccountBalance& b : outcome.balances) {
    BalanceKey key = b.key();
    balances_[std::move(key)] = {std::move(b), generation};
  }
  for (Escrow& e : outcome.escrows) {
    std::string id = e.id;
    escrows_[std::move(id)] = {std::move(e), generation};
  }
  for (const JournalIndexEntry& line : outcome.index)
    heads_[line.account] = {line.sequence, generation};
  std::string id = outcome.entry->id;
  entries_[std::move(id)] = {std::move(*outcome.entry), generation};
}

template <class Map>
void LedgerOverlay::forget(Map& rows, std::uint64_t generation) {
  for (auto it = rows.begin(); it != rows.end();)
    it = it->second.generation <= generation ? rows.erase(it) : std::next(it);
}

void LedgerOverlay::forget_through(std::uint64_t generation) {
  forget(balances_, generation);
  forget(escrows_, generation);
  forget(heads_, generation);
  forget(entries_, generation);
}

std::optional<std::uint64_t> LedgerOverlay::journal_head_written_by(
    const std::string& account, std::uint64_t generation) const {
  auto it = heads_.find(account);
  if (it == heads_.end() || it->second.generation != generation) return std::nullopt;
  return it->second.row;
}

void LedgerOverlay::clear() {
  balances_.clear();
  escrows_.clear();
  heads_.clear();
  entries_.clear();
}

WriteBatch expiry_writes(const LedgerOutcome& outcome) {
  WriteBatch batch;
  if (outcome.replayed || !outcome.entry) return batch;
  for (const Escrow& e : outcome.escrows) {
    if (!e.expires_at) continue;
    const std::string key = expiry_key(*e.expires_at, e.id);
    if (outcome.entry->op == LedgerOp::kHold) {
      batch.put(Table::kLedgerExpiry, key, "");
    } else if (is_resolved(e.status)) {
      batch.erase(Table::kLedgerExpiry, key);
    }
  }
  return batch;
}

}  // namespace settled::ledger
