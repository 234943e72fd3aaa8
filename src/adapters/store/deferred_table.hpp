#pragma once
// The LMDB side of a table written behind (adapters/store/deferred_rows.hpp has the design):
// its log, the sequences kept in Table::kMeta, loading at open, and the writer's steps in a
// commit. Everything with an MDB_txn runs inside the caller's transaction; the writer's steps
// run on the store's one committing thread.

#include "adapters/store/deferred_rows.hpp"

#include <lmdb.h>

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace settled::adapters {

struct DeferredFolding {
  std::size_t from_keys = 262'144;       // a round starts once this many keys wait here
  std::size_t from_bytes = 64ull << 20;  // ... or this many bytes
  // A round folds at least this many keys in each commit (more once many wait: it ends within
  // about 32 commits).
  std::size_t keys_per_commit = 4'096;
};

class DeferredTable {
 public:
  static constexpr const char* kLogName = "ledger_accounts_log";

  explicit DeferredTable(DeferredFolding folding = {}) : folding_(folding) {}

  // Opens (creates) the log in `txn` and loads every record the B-tree does not hold yet.
  // Throws lmdb::error, or std::runtime_error naming a record that cannot be decoded.
  void open(MDB_txn* txn, MDB_dbi table, MDB_dbi meta);

  void set_folding(DeferredFolding folding) { folding_ = folding; }
  MDB_dbi log() const { return log_; }
  DeferredRows& rows() { return rows_; }
  const DeferredRows& rows() const { return rows_; }
  // The newest log record the snapshot of `txn` holds.
  std::uint64_t seen(MDB_txn* txn) const;
  // Rounds finished since the table was made (any thread may ask).
  std::uint64_t rounds_folded() const { return rounds_folded_.load(std::memory_order_relaxed); }

  // One commit's rows, staged while its batches are applied.
  struct Commit {
    DeferredRows::Rows staged;
    std::uint64_t sequence = 0;
    std::string fold_after;
    bool folded_slice = false;
    bool round_ended = false;
  };
  // What the writer sees of `key` before the B-tree: this commit's staged row, then the newest
  // version here.
  std::optional<DeferredRows::Value> written(const Commit& commit, std::string_view key) const;
  // Before the commit: appends the staged rows as one record, folds a slice of a round, and
  // publishes the record (visible once a snapshot holds it).
  void before_commit(MDB_txn* txn, Commit& commit);
  // After it: takes a failed commit's record back, or moves the round on and drops what a
  // finished round folded once no reader can still need it.
  void after_commit(const Commit& commit, bool committed);

 private:
  void fold_slice(MDB_txn* txn, Commit& commit);
  void drop_if_unread();

  DeferredFolding folding_;
  DeferredRows rows_;
  MDB_dbi table_ = 0;
  MDB_dbi meta_ = 0;
  MDB_dbi log_ = 0;
  std::uint64_t sequence_ = 0;  // the newest committed record
  struct Round {
    std::uint64_t through = 0;  // folds every version up to this record
    std::string after;          // the last key folded so far
  };
  std::optional<Round> round_;
  struct Drop {
    std::uint64_t through = 0;
    std::uint64_t epoch = 0;  // readers that began before it may need the folded versions
  };
  std::optional<Drop> drop_;
  std::atomic<std::uint64_t> rounds_folded_{0};
};

}  // namespace settled::adapters
