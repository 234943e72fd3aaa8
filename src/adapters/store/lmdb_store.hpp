#pragma once
// The LMDB environment behind settled's storage. One writer (the store actor) commits groups of
// write batches in one fsync'd transaction; any thread may read through short read transactions.

#include "adapters/store/deferred_table.hpp"
#include "adapters/store/read_txn_pool.hpp"
#include "domain/result.hpp"
#include "domain/write_batch.hpp"

#include <lmdb++.h>

#include <array>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

namespace settled::adapters {

struct LmdbOptions {
  std::string path;  // directory; created if missing
  std::size_t map_size = std::size_t{1} << 30;
  bool durable = true;  // false only for tests that measure without fsync
};

struct StoreUsage {
  std::size_t map_size = 0;
  std::size_t used_bytes = 0;
  // The ledger's account rows written behind: keys whose newest rows are not folded into their
  // B-tree yet (kept in memory and in ledger_accounts_log), their bytes, and the folding rounds
  // finished since the store was opened.
  std::size_t ledger_rows_waiting = 0;
  std::size_t ledger_rows_waiting_bytes = 0;
  std::uint64_t ledger_fold_rounds = 0;
};

// One table's share of the store, from LMDB's own statistics.
struct TableUsage {
  std::size_t entries = 0;
  std::size_t page_bytes = 0;  // branch, leaf and overflow pages, times the page size
};

class LmdbStore {
 public:
  static Result<std::shared_ptr<LmdbStore>> open(const LmdbOptions& options);
  ~LmdbStore();
  LmdbStore(const LmdbStore&) = delete;
  LmdbStore& operator=(const LmdbStore&) = delete;

  // Applies every batch in one write transaction, all or nothing; nothing of a failed one is
  // kept and the environment stays usable: when a failed write of LMDB's meta page left it
  // panicked (MDB_PANIC: every transaction, reads too, refused until reopened), it is closed and
  // opened again here, so reads go on and the next commit can succeed without a restart.
  // The error says whose fault it is:
  //   kStoreFull         the LMDB map is full, or the disk is (ENOSPC, EDQUOT)
  //   kStoreUnavailable  the store cannot write (EIO, read-only file system, MDB_PANIC, ...)
  //   kInvalidRequest    this transaction holds something LMDB refuses (e.g. a key over 511 B)
  //   kWriteConflict     a batch's condition (WriteBatch::conditions) does not hold
  // With `conflicts`, a batch whose condition does not hold is left out instead (nothing of it
  // written; the batches after it see the store without it), its index and error are added
  // there, and the others commit together: two writers of one item cost the group nothing.
  struct Conflict {
    std::size_t batch;
    Error error;
  };
  Status commit(const std::vector<const WriteBatch*>& batches,
                std::vector<Conflict>* conflicts = nullptr);
  // The first two affect every batch alike; the last only the batch that holds it.
  static bool is_store_fault(const Error& error) {
    return error.code == ErrorCode::kStoreFull || error.code == ErrorCode::kStoreUnavailable;
  }

  std::optional<std::string> get(Table table, std::string_view key) const;

  // Runs `work` with a get that reads inside ONE read transaction: many gets of one snapshot for
  // the price of one transaction (an account actor computing a batch). `work` must be short:
  // an open read transaction keeps LMDB from reusing the pages it sees.
  using SnapshotGet = std::function<std::optional<std::string>(Table, std::string_view)>;
  void with_snapshot(const std::function<void(const SnapshotGet& get)>& work) const;

  // Calls `visit` for each key starting with `prefix` in key order, from `start_after` (exclusive,
  // if not empty); stops when it returns false.
  void scan(Table table, std::string_view prefix,
            const std::function<bool(std::string_view key, std::string_view value)>& visit,
            std::string_view start_after = {}) const;

  // Visits every row of every table in `tables`, in that order and key order, inside ONE read
  // transaction: a consistent snapshot across tables while the writer keeps committing.
  void scan_snapshot(const std::vector<Table>& tables,
                     const std::function<void(Table table, std::string_view key,
                                              std::string_view value)>& visit) const;

  // Number of keys in a table (from LMDB's own page statistics: no scan; kLedgerAccounts, whose
  // rows are written behind, is scanned).
  std::size_t count(Table table) const;

  StoreUsage usage() const;
  TableUsage table_usage(Table table) const;
  // Bytes an unprivileged writer may still add to the file system holding the store (statvfs);
  // nullopt if it cannot be asked.
  std::optional<std::uint64_t> disk_free_bytes() const;
  // Bytes LMDB could still hand out within its map: the pages past the high-water mark and the
  // pages on its freelist (some of which a long reader may still pin). A tiny rewrite recycles
  // its own pages and commits when nothing new fits; this says whether anything new would.
  // Counts no further than `enough` (the freelist is read only when the pages past the mark
  // fall short of it, and no further than needed); 0 once the store is closed.
  std::uint64_t map_free_bytes(
      std::uint64_t enough = std::numeric_limits<std::uint64_t>::max()) const;
  // Below this, an I/O error on commit is the disk being full (readiness uses the same bound).
  static constexpr std::uint64_t kFullDiskFreeBytes = std::uint64_t{1} << 20;
  const std::string& path() const { return options_.path; }
  // When Table::kLedgerAccounts' rows written behind are folded into their B-tree (tests fold
  // small rounds; the defaults suit the daemon).
  void set_deferred_folding(DeferredFolding folding);
  // A hot backup of the environment into `directory` (mdb_env_copy2 with `flags`); LMDB's code.
  int copy_to(const std::string& directory, unsigned flags) const;

 private:
  explicit LmdbStore(LmdbOptions options);
  static Error commit_error(int code, const std::string& what);
  std::optional<Error> failed_condition(MDB_txn* txn, const WriteBatch& batch,
                                        const DeferredTable::Commit& deferred) const;
  // `seen`: the sequence of rows written behind that `txn` holds, once read (many gets of one
  // snapshot read it once).
  std::optional<std::string> get_in(MDB_txn* txn, Table table, std::string_view key,
                                    std::optional<std::uint64_t>* seen = nullptr) const;
  // Table::kLedgerAccounts' rows from `from` (after it when `skip_from`) in key order while they
  // start with `prefix`: its B-tree merged with the rows written behind that `txn` holds.
  void scan_accounts(MDB_txn* txn, std::string_view prefix, std::string_view from, bool skip_from,
                     const std::function<bool(std::string_view, std::string_view)>& visit) const;
  MDB_dbi dbi(Table table) const { return dbis_[static_cast<std::size_t>(table)]; }
  // The stored bytes of a value read from `table` in `txn`: a history reference resolved to
  // its chunk in history's log (adapters/store/history_log.hpp), anything else as it is.
  std::string_view stored_value(MDB_txn* txn, Table table, std::string_view stored) const;
  // Opens env_ and dbis_ (at start, and again after a panic). Throws lmdb::error.
  void open_environment();
  Status commit_locked(const std::vector<const WriteBatch*>& batches,
                       std::vector<Conflict>* conflicts);
  bool panicked() const;
  void reopen_after_panic();

  LmdbOptions options_;
  // Shared by every transaction, exclusive only while a panicked environment is replaced.
  mutable std::shared_mutex env_mutex_;
  lmdb::env env_{nullptr};
  // Reads reuse these (declared after env_: aborted before it closes).
  mutable ReadTxnPool read_txns_;
  std::array<MDB_dbi, kTableCount> dbis_{};
  MDB_dbi history_log_ = 0;
  // Table::kLedgerAccounts written behind (adapters/store/deferred_rows.hpp); readers register
  // with it, hence mutable.
  mutable DeferredTable ledger_accounts_;
  // Held by a commit throughout: LMDB serialises write transactions, this the writer's state.
  std::mutex writer_mutex_;
};

}  // namespace settled::adapters
