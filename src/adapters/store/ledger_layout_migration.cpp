#include "adapters/store/ledger_layout_migration.hpp"

#include "domain/ledger/keys.hpp"

#include <optional>
#include <string>
#include <utility>

namespace settled::adapters {

namespace {

// Rows per commit: a bounded transaction however large the legacy tables are.
constexpr std::size_t kRowsPerCommit = 10000;

// The legacy index key: account + NUL + big-endian u64 sequence.
std::optional<std::pair<std::string, std::uint64_t>> legacy_index_key(std::string_view key) {
  if (key.size() < 10 || key[key.size() - 9] != '\0') return std::nullopt;
  std::uint64_t sequence = 0;
  for (std::size_t i = key.size() - 8; i < key.size(); ++i)
    sequence = (sequence << 8) | static_cast<unsigned char>(key[i]);
  return std::make_pair(std::string(key.substr(0, key.size() - 9)), sequence);
}

Error unreadable(Table table, std::string_view key) {
  std::string printable;
  for (char c : key) printable.push_back(c == '\0' ? '/' : c);
  return Error(ErrorCode::kRecordCorrupt, std::string("cannot move the ledger's row in ") +
                                              table_name(table) + " at " + printable +
                                              " to ledger_accounts: not a key of that table");
}

// Moves up to kRowsPerCommit rows of `table`; how many it moved (0: the table is empty).
Result<std::size_t> move_some(LmdbStore& store, Table table) {
  WriteBatch batch;
  std::optional<Error> problem;
  std::size_t rows = 0;
  store.scan(table, "", [&](std::string_view key, std::string_view value) {
    std::string moved_to;
    if (table == Table::kLedgerJournalIndex) {
      auto line = legacy_index_key(key);
      if (!line) {
        problem = unreadable(table, key);
        return false;
      }
      moved_to = ledger::journal_index_key(line->first, line->second);
    } else {
      if (key.empty() || key.find('\0') != std::string_view::npos ||
          !ledger::decode_journal_head(value)) {
        problem = unreadable(table, key);
        return false;
      }
      moved_to = ledger::journal_head_key(key);
    }
    // A row already there with another value (a newer version ran on this store, then an
    // older one): which is right cannot be told, so nothing is overwritten.
    if (auto there = store.get(Table::kLedgerAccounts, moved_to); there && *there != value) {
      problem = Error(ErrorCode::kRecordCorrupt,
                      "cannot move the ledger's row in " + std::string(table_name(table)) +
                          " to ledger_accounts: a different row is there already (was this "
                          "store written by a newer settled, then an older one?)");
      return false;
    }
    batch.put(Table::kLedgerAccounts, std::move(moved_to), std::string(value));
    batch.erase(table, std::string(key));
    return ++rows < kRowsPerCommit;
  });
  if (problem) return *problem;
  if (rows == 0) return rows;
  Status committed = store.commit({&batch});
  if (!committed) return committed.error();
  return rows;
}

}  // namespace

Result<LedgerLayoutReport> migrate_ledger_layout(LmdbStore& store) {
  LedgerLayoutReport report;
  for (Table table : {Table::kLedgerJournalIndex, Table::kLedgerJournalHeads}) {
    std::size_t& moved = table == Table::kLedgerJournalIndex ? report.index_lines : report.heads;
    while (true) {
      auto some = move_some(store, table);
      if (!some)
        return Error(some.error().code,
                     "cannot move the ledger to its new layout: " + some.error().message);
      if (*some == 0) break;
      moved += *some;
    }
  }
  return report;
}

}  // namespace settled::adapters
