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

// Table::kLedgerAccounts: account + '\0' + currency. Prefix-scan balance_prefix(account) for
// every currency of an account.
inline std::string balance_key(std::string_view account, std::string_view currency) {
  std::string key(account);
  key.push_back('\0');
  key.append(currency);
  return key;
}

inline std::string balance_prefix(std::string_view account) {
  std::string key(account);
  key.push_back('\0');
  return key;
}

// Table::kLedgerEscrows: the escrow id; Table::kLedgerJournal: the idempotency key;
// Table::kLedgerJournalHeads: the account.
inline std::string escrow_key(std::string_view escrow_id) {
  return std::string(escrow_id);
}
inline std::string journal_key(std::string_view entry_id) {
  return std::string(entry_id);
}
inline std::string journal_head_key(std::string_view account) {
  return std::string(account);
}

// Table::kLedgerJournalIndex: account + '\0' + big-endian u64 sequence, so a prefix scan of
// journal_index_prefix(account) lists the account's entries in the order they were written.
inline std::string journal_index_key(std::string_view account, std::uint64_t sequence) {
  std::string key(account);
  key.push_back('\0');
  for (int shift = 56; shift >= 0; shift -= 8)
    key.push_back(static_cast<char>((sequence >> shift) & 0xff));
  return key;
}

inline std::string journal_index_prefix(std::string_view account) {
  return balance_prefix(account);
}

// (account, sequence) back from an index key; nullopt if it is not one.
inline std::optional<std::pair<std::string, std::uint64_t>> parse_journal_index_key(
    std::string_view key) {
  if (key.size() < 9 || key[key.size() - 9] != '\0') return std::nullopt;
  std::uint64_t sequence = 0;
  for (std::size_t i = key.size() - 8; i < key.size(); ++i)
    sequence = (sequence << 8) | static_cast<unsigned char>(key[i]);
  return std::make_pair(std::string(key.substr(0, key.size() - 9)), sequence);
}

// Table::kLedgerJournalHeads values: the last sequence, in decimal.
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
