#pragma once
// Key layouts of the ledger tables, shared by the writer (ledger_writes) and readers (account
// actors loading a view, GET /v1/accounts/{user}[/journal], reconcile). Ids never contain NUL
// (parse_ledger_request refuses it), so NUL separates an account from what follows.

#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace settled::ledger {

// Table::kLedgerAccounts holds every row of one account side by side, so that what an operation
// writes for an account (balance, index line, head) dirties one page of one B-tree rather than
// one page in each of three (two when the account's journal outgrows a page: the head sorts
// first, the newest line beside the balances; docs/ledger.md, "Storage"):
//   account NUL                          -> journal head: the last sequence, in decimal
//   account NUL 0x01 big-endian u64 seq  -> journal index line: the entry id
//   account NUL currency                 -> balance row (JSON)
// A currency is upper-case letters (parse_currency), never empty and never 0x01, so the three
// never collide; an account's index lines sort between its head and its balances, the newest
// beside the balances it changed.
constexpr char kIndexLineMark = '\x01';

inline std::string balance_key(std::string_view account, std::string_view currency) {
  std::string key(account);
  key.push_back('\0');
  key.append(currency);
  return key;
}

// Every row of the account (head, index lines, balances): filter with parse_account_row_key.
inline std::string account_rows_prefix(std::string_view account) {
  std::string key(account);
  key.push_back('\0');
  return key;
}

inline std::string journal_head_key(std::string_view account) {
  return account_rows_prefix(account);
}

inline std::string journal_index_prefix(std::string_view account) {
  std::string key = account_rows_prefix(account);
  key.push_back(kIndexLineMark);
  return key;
}

// Big-endian, so a prefix scan of journal_index_prefix(account) lists the account's entries in
// the order they were written.
inline std::string journal_index_key(std::string_view account, std::uint64_t sequence) {
  std::string key = journal_index_prefix(account);
  for (int shift = 56; shift >= 0; shift -= 8)
    key.push_back(static_cast<char>((sequence >> shift) & 0xff));
  return key;
}

enum class AccountRowKind { kJournalHead, kIndexLine, kBalance };

struct AccountRowKey {
  AccountRowKind kind;
  std::string account;
  std::string currency;        // kBalance
  std::uint64_t sequence = 0;  // kIndexLine
};

// What a key of Table::kLedgerAccounts names; nullopt if it is none of the three.
inline std::optional<AccountRowKey> parse_account_row_key(std::string_view key) {
  const std::size_t nul = key.find('\0');
  if (nul == std::string_view::npos || nul == 0) return std::nullopt;
  AccountRowKey row{AccountRowKind::kJournalHead, std::string(key.substr(0, nul)), {}, 0};
  const std::string_view rest = key.substr(nul + 1);
  if (rest.empty()) return row;
  if (rest.front() == kIndexLineMark) {
    if (rest.size() != 9) return std::nullopt;
    row.kind = AccountRowKind::kIndexLine;
    for (std::size_t i = 1; i < rest.size(); ++i)
      row.sequence = (row.sequence << 8) | static_cast<unsigned char>(rest[i]);
    return row;
  }
  if (rest.find('\0') != std::string_view::npos) return std::nullopt;
  row.kind = AccountRowKind::kBalance;
  row.currency = std::string(rest);
  return row;
}

// (account, sequence) back from an index line's key; nullopt if it is not one.
inline std::optional<std::pair<std::string, std::uint64_t>> parse_journal_index_key(
    std::string_view key) {
  auto row = parse_account_row_key(key);
  if (!row || row->kind != AccountRowKind::kIndexLine) return std::nullopt;
  return std::make_pair(std::move(row->account), row->sequence);
}

// Table::kLedgerEscrows: the escrow id; Table::kLedgerJournal: the idempotency key.
inline std::string escrow_key(std::string_view escrow_id) {
  return std::string(escrow_id);
}
inline std::string journal_key(std::string_view entry_id) {
  return std::string(entry_id);
}

// Journal head values: the last sequence, in decimal.
inline std::string encode_journal_head(std::uint64_t sequence) {
  return std::to_string(sequence);
}
inline std::optional<std::uint64_t> decode_journal_head(std::string_view text) {
  std::uint64_t value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end) return std::nullopt;
  return value;
}

// Table::kLedgerExpiry: big-endian u64 due time (epoch millis) + escrow id, so a scan from the
// start lists holds in the order they fall due. Written by the hold, erased by the resolution.
inline std::string expiry_key(std::int64_t due, std::string_view escrow_id) {
  std::string key;
  const auto value = static_cast<std::uint64_t>(due < 0 ? 0 : due);
  for (int shift = 56; shift >= 0; shift -= 8)
    key.push_back(static_cast<char>((value >> shift) & 0xff));
  key.append(escrow_id);
  return key;
}

// (due, escrow id) back from an expiry key; nullopt if it is not one.
inline std::optional<std::pair<std::int64_t, std::string>> parse_expiry_key(std::string_view key) {
  if (key.size() < 9) return std::nullopt;
  std::uint64_t due = 0;
  for (std::size_t i = 0; i < 8; ++i) due = (due << 8) | static_cast<unsigned char>(key[i]);
  return std::make_pair(static_cast<std::int64_t>(due), std::string(key.substr(8)));
}

}  // namespace settled::ledger
